#!/usr/bin/env bash
# fig_sectioncost.sh - instructions and simulated cache misses per read section and per neighbour query, every policy, exported and inline paths, under valgrind's callgrind (figure sectioncost; a CSV of its own).
#
# Usage: experiments/fig_sectioncost.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/sectioncost.csv (OUT defaults to results/quick or results/full);
# needs valgrind (scripts/setup.sh). Single-threaded and noise-free: the
# counts do not depend on the machine's load. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init sectioncost "$@"
if quick; then
	rgb --ops 20000
else
	rgb --ops 200000
fi
