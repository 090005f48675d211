build/release/experiments/rgbench/rgbench --workload memory --trials 5 --duration 0.3 --warmup 0.1 --graph rmat:scale=16,ef=16,seed=1 --seed 1 --csv results/full/memory.csv
