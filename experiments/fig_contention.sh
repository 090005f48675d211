#!/usr/bin/env bash
# fig_contention.sh - updates to one hot node vs spread over many: throughput vs threads per policy (figure contention).
#
# Usage: experiments/fig_contention.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/contention.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init contention "$@"
if quick; then
	rgb --sync rcu-memb,ck-epoch,rwlock --threads "$(threads_one_and_all)"
else
	rgb --threads "$(threads_list)"
fi
