#!/usr/bin/env bash
# fig_mixed.sh - reads mixed with updates: throughput vs update ratio (percent of operations that write) per policy (figure mixed).
#
# Usage: experiments/fig_mixed.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/mixed.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init mixed "$@"
if quick; then
	rgb --sync rcu-memb,ck-epoch,rwlock,mutex --threads "$RG_NPROC" --update-ratio 0,10,50
else
	rgb --threads "$(threads_upto_nproc),$((2 * RG_NPROC))"
fi
