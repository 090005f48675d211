build/release/experiments/rgbench/rgbench --workload mixed --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --threads 2 --rounds 6 --csv results/full/mixed.csv
