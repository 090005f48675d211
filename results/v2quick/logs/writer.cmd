build/release/experiments/rgbench/rgbench --workload writer --quick --keep-going --seed 1 --csv results/quick/writer.csv
