build/release/experiments/rgbench/rgbench --workload sectioncost --rounds 10 --duration 0.3 --warmup 0.1 --keep-going --seed 1 --ops 200000 --csv results/full/sectioncost.csv
