build/release/experiments/rgbench/rgbench --workload counters --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --threads 1,2,4 --csv results/full/counters.csv
