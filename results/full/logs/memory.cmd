build/release/experiments/rgbench/rgbench --workload memory --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --rounds 6 --csv results/full/memory.csv
