#!/usr/bin/env bash
# fig_realgraphs.sh - the SNAP graphs: read throughput vs threads per policy, one panel per graph (figure realgraphs).
#
# Usage: experiments/fig_realgraphs.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/realgraphs.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init realgraphs "$@"
if quick; then
	rgb --threads "$(threads_one_and_all)"
else
	rgb --sync rcu-memb,rwlock --threads "$(threads_upto_nproc)"
fi
