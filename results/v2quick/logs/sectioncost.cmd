build/release/experiments/rgbench/rgbench --workload sectioncost --quick --keep-going --seed 1 --ops 20000 --csv results/quick/sectioncost.csv
