build/release/experiments/rgbench/rgbench --workload traversal --quick --keep-going --seed 1 --threads 1,2 --csv results/quick/traversal.csv
