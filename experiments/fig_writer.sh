#!/usr/bin/env bash
# fig_writer.sh - single-writer throughput by transaction size and durability (figure writer).
#
# Usage: experiments/fig_writer.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/writer.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init writer "$@"
if quick; then
	rgb --durability none,off,commit # the quick budget: interval only in --full
else
	rgb
fi
