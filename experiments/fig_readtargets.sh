#!/usr/bin/env bash
# fig_readtargets.sh - issue 14's read targets in one run: span scans and read sections vs a static CSR, inline vs exported sections, the edited graph; cache- and DRAM-resident, 1 and 2 threads (figure readtargets; experiments/targets.sh reads its ratios CSV).
#
# Usage: experiments/fig_readtargets.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
# Writes OUT/readtargets.csv and OUT/readtargets.ratios.csv (OUT defaults to
# results/quick or results/full). --quick's DRAM graph is R-MAT scale 18
# (the full run's scale 20 does not fit the quick budget). See experiments/figlib.sh.
source "$(dirname "$0")/figlib.sh"
fig_init readtargets "$@"
rgb --threads 1,2
