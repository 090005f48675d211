build/release/experiments/rgbench/rgbench --workload writer --trials 5 --duration 0.3 --warmup 0.1 --seed 1 --csv results/full/writer.csv
