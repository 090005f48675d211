build/release/experiments/rgbench/rgbench --workload mixed --trials 5 --duration 0.3 --warmup 0.1 --graph rmat:scale=16,ef=16,seed=1 --seed 1 --threads 1,2,4 --csv results/full/mixed.csv
