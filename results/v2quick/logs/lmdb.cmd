build/release/experiments/rgbench/rgbench --workload lmdb --quick --keep-going --seed 1 --threads 1,2 --csv results/quick/lmdb.csv
