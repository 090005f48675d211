#!/usr/bin/env bash
# Installs the Debian bookworm packages rcugraph needs. Idempotent: packages
# already installed are skipped, and apt is not touched when nothing is missing.
# Usage: scripts/setup.sh [--paper]   (--paper adds the TeX packages for paper/;
# poppler-utils, always installed, gives paper/check.py pdftotext for its PDF check)
set -euo pipefail
pkgs=(build-essential cmake pkg-config git
      liburcu-dev libck-dev libcriterion-dev libxxhash-dev zlib1g-dev
      libmicrohttpd-dev liblmdb-dev libsqlite3-dev libomp-dev
      python3 python3-matplotlib poppler-utils prometheus curl clang valgrind)
if [ "${1:-}" = "--paper" ]; then
  pkgs+=(latexmk texlive-latex-recommended texlive-latex-extra texlive-publishers texlive-fonts-recommended)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
