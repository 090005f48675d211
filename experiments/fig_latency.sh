#!/usr/bin/env bash
# fig_latency.sh - read latency percentiles per policy, with and without a concurrent writer (figure latency).
#
# Usage: experiments/fig_latency.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/latency.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init latency "$@"
if quick; then
	rgb --sync rcu-memb,ck-epoch,rwlock,mutex --threads 1
else
	rgb --threads "$(threads_upto_nproc)"
fi
