#!/usr/bin/env bash
# Builds the libFuzzer targets (clang) for the redo log and checkpoint
# parsers and runs each for a bounded number of inputs (the CI smoke run).
# Usage: scripts/fuzz.sh            (200,000 inputs per target, as in CI)
#        build-fuzz/fuzz/fuzz_log -max_total_time=600   (a longer run by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
CC=clang cmake -S . -B build/fuzz -DRG_FUZZ=ON -DRG_BUILD_TESTS=OFF -DRG_BUILD_EXPERIMENTS=OFF \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build/fuzz -j2 --target fuzz_log fuzz_checkpoint
ctest --test-dir build/fuzz -R '^fuzz_' --output-on-failure
