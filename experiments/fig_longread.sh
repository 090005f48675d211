#!/usr/bin/env bash
# fig_longread.sh - one reader holds a read section for the whole trial while the writer commits: pending garbage over time, gc_limit_bytes reached and held, writer stalls, per policy class (figure longread).
#
# Usage: experiments/fig_longread.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/longread.csv and OUT/longread.ratios.csv (OUT defaults to results/quick
# or results/full); experiments/plot.py OUT draws the figure(s) from it and
# experiments/targets.sh reads its named comparisons. See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init longread "$@"
rgb
