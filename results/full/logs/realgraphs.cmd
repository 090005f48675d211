build/release/experiments/rgbench/rgbench --workload realgraphs --trials 5 --duration 0.3 --warmup 0.1 --seed 1 --sync rcu-memb,rwlock --threads 1,2,4,8 --csv results/full/realgraphs.csv
