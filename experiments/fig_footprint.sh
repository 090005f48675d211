#!/usr/bin/env bash
# fig_footprint.sh - bytes per edge of the packed and the live graph beside the static CSR: one deterministic measurement (figure footprint).
#
# Usage: experiments/fig_footprint.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/footprint.csv and OUT/footprint.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it and
# experiments/targets.sh reads its named comparisons. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init footprint "$@"
rgb
