build/release/experiments/rgbench/rgbench --workload realgraphs --quick --keep-going --seed 1 --threads 1,2 --csv results/quick/realgraphs.csv
