build/release/experiments/rgbench/rgbench --workload oldbench --quick --keep-going --seed 1 --threads 1,2 --csv results/quick/oldbench.csv
