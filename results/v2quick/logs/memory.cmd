build/release/experiments/rgbench/rgbench --workload memory --quick --keep-going --seed 1 --sync rcu-memb,ck-epoch,rwlock --csv results/quick/memory.csv
