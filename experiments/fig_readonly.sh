#!/usr/bin/env bash
# fig_readonly.sh - read-only neighbour queries: throughput vs threads per policy, and each policy's ratio to nosync (figures readonly, readonly_ratio).
#
# Usage: experiments/fig_readonly.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/readonly.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init readonly "$@"
if quick; then
	rgb --sync rcu-memb,rcu-qsbr,ck-epoch,ck-seqlock,rwlock,mutex,lru-rwlock --threads "$(threads_list)"
else
	rgb --threads "$(threads_list)"
fi
