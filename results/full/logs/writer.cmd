build/release/experiments/rgbench/rgbench --workload writer --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --csv results/full/writer.csv
