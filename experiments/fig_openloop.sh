#!/usr/bin/env bash
# fig_openloop.sh - open-loop read latency at a fixed arrival rate, measured from the scheduled time, with and without a writer, per policy (figure openloop).
#
# Usage: experiments/fig_openloop.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/openloop.csv and OUT/openloop.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it and
# experiments/targets.sh reads its named comparisons. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init openloop "$@"
if quick; then
	rgb --sync rcu-memb,ck-epoch,rwlock --threads 1
else
	rgb --threads 1
fi
