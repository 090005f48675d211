#!/usr/bin/env bash
# fig_counters.sh - shared counter designs (per-CPU, atomic, per-thread, batched): increments/s vs threads (figure counters).
#
# Usage: experiments/fig_counters.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/counters.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init counters "$@"
if quick; then
	rgb --threads "$(threads_one_and_all)"
else
	rgb --threads "$(threads_list)"
fi
