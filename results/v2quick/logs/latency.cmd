build/release/experiments/rgbench/rgbench --workload latency --quick --keep-going --seed 1 --sync rcu-memb,ck-epoch,rwlock,mutex --threads 1 --csv results/quick/latency.csv
