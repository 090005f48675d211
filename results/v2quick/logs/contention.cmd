build/release/experiments/rgbench/rgbench --workload contention --quick --keep-going --seed 1 --sync rcu-memb,ck-epoch,rwlock --threads 1,2 --csv results/quick/contention.csv
