#!/usr/bin/env bash
# fig_wal.sh - the redo log: replay speed on open, reader throughput during checkpoints vs without (figure wal).
#
# Usage: experiments/fig_wal.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/wal.csv and OUT/wal.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it and
# experiments/targets.sh reads its named comparisons. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init wal "$@"
rgb
