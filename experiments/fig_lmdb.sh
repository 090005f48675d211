#!/usr/bin/env bash
# fig_lmdb.sh - rcugraph vs LMDB on the same graph and queries (figure lmdb).
#
# Usage: experiments/fig_lmdb.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/lmdb.csv (OUT defaults to results/quick or results/full);
# experiments/plot.py OUT draws the figure(s) from it. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init lmdb "$@"
if quick; then
	rgb --threads "$(threads_one_and_all)"
else
	rgb --threads "$(threads_list)"
fi
