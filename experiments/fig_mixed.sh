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
	# the full budget: every policy and ratio at nproc threads, 6 rounds (each
	# writing run is followed by a repack of the graph)
	rgb --threads "$RG_NPROC" --rounds 6
fi
