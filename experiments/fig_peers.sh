#!/usr/bin/env bash
# fig_peers.sh - LMDB and SQLite beside rcugraph on the same graph and queries: neighbour and 2-hop reads at 1 and 2 threads, one-edge commits at durability OFF and COMMIT (figure peers; experiments/targets.sh reads its ratios CSV).
#
# Usage: experiments/fig_peers.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/peers.csv and OUT/peers.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it. See
# experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init peers "$@"
if quick; then
	rgb --threads "$RG_NPROC" # the target's thread count (2 here) only
else
	rgb --threads "$(threads_one_and_all)"
fi
