#!/usr/bin/env bash
# fig_traversal.sh - 2-hop, batched 2-hop, BFS and PageRank, sequential vs parallel (figure traversal).
#
# Usage: experiments/fig_traversal.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/traversal.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init traversal "$@"
if quick; then
	rgb --threads "$(threads_one_and_all)"
else
	rgb --threads "$(threads_list)"
fi
