build/release/experiments/rgbench/rgbench --workload realgraphs --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --sync rcu-memb,rwlock --threads 1,2 --csv results/full/realgraphs.csv
