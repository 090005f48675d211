#!/usr/bin/env bash
# Installs what is missing, builds the release preset with -Werror and runs
# the whole test suite (Criterion programs and plain stress programs).
# Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release "$@"
