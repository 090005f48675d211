build/release/experiments/rgbench/rgbench --workload readtargets --quick --keep-going --seed 1 --threads 1,2 --csv results/quick/readtargets.csv
