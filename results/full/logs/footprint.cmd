build/release/experiments/rgbench/rgbench --workload footprint --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --csv results/full/footprint.csv
