#!/usr/bin/env bash
# fig_kernels.sh - BFS, PageRank (20 iterations) and WCC on a live rcugraph snapshot against the static-CSR baseline, 1 and 2 threads (figure kernels).
#
# Usage: experiments/fig_kernels.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/kernels.csv and OUT/kernels.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it and
# experiments/targets.sh reads its named comparisons. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init kernels "$@"
# A shared machine: libgomp's default spin-then-sleep wait makes a 2-thread
# team 10-100x slower whenever another process holds the other CPU
# (docs/traversal.md, "OpenMP wait policy"); both stores run on the same
# OpenMP runtime, so passive waiting is fair to both. The rows record it.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
rgb --threads 1,2
