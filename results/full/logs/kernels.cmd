build/release/experiments/rgbench/rgbench --workload kernels --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --threads 1,2 --csv results/full/kernels.csv
