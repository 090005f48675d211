#!/usr/bin/env bash
# fig_oldbench.sh - the old benchmark with each of its flaws vs the honest measurement (figure oldbench).
#
# Usage: experiments/fig_oldbench.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/oldbench.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init oldbench "$@"
if quick; then
	# count-based runs on a small graph; the shared-warm-cache flaw rebuilds its graph per run
	rgb --threads "$(threads_one_and_all)"
else
	rgb 
fi
