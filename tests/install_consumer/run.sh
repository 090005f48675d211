#!/usr/bin/env bash
# CTest install_smoke: installs the build tree into a temporary prefix and
# builds + runs tests/install_consumer against it (CMake package and pkg-config).
# Usage: run.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib* | head -1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cmake -S "$here" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/build/consumer_cmake"
LD_LIBRARY_PATH="$libdir" "$tmp/build/consumer_pc"
echo "install_smoke: 2 passed, 0 failed"
