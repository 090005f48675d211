#!/usr/bin/env bash
# fig_load.sh - rcugraph's bulk load against building the static CSR (1 and 2 threads) from the same parsed arrays, R-MAT and the SNAP datasets (figure load).
#
# Usage: experiments/fig_load.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/load.csv and OUT/load.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it and
# experiments/targets.sh reads its named comparisons. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init load "$@"
rgb
