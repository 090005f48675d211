build/release/experiments/rgbench/rgbench --workload openloop --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --threads 1 --csv results/full/openloop.csv
