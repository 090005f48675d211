build/release/experiments/rgbench/rgbench --workload mixed --quick --keep-going --seed 1 --sync rcu-memb,ck-epoch,rwlock,mutex --threads 2 --update-ratio 0,10,50 --csv results/quick/mixed.csv
