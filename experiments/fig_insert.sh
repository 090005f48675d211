#!/usr/bin/env bash
# fig_insert.sh - rcugraph's batched inserts (R-MAT, 10,000-edge transactions) against a plain and a versioned floor store, the sorted bulk path, and 1M edges into one hub vs spread (figure insert).
#
# Usage: experiments/fig_insert.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/insert.csv and OUT/insert.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it and
# experiments/targets.sh reads its named comparisons. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init insert "$@"
rgb
