build/release/experiments/rgbench/rgbench --workload counters --quick --keep-going --seed 1 --threads 1,2 --csv results/quick/counters.csv
