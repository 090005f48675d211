#!/usr/bin/env bash
# fig_memory.sh - resident set and bytes awaiting reclamation over time under a steady update load (figure memory).
#
# Usage: experiments/fig_memory.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/memory.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init memory "$@"
if quick; then
	rgb --sync rcu-memb,ck-epoch,rwlock
else
	rgb --rounds 6 # trials of at least 3 s: 6 rounds keep the full budget
fi
