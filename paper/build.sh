#!/usr/bin/env bash
# build.sh - the paper in one command: TeX packages, generated numbers, PDF.
#
# Usage: paper/build.sh [--results DIR] [--no-setup]
#   --results DIR  the results directory to generate from (default results/full,
#                  else results/quick; see paper/gen_numbers.py)
#   --no-setup     do not run scripts/setup.sh --paper (TeX packages already installed)
# Steps: scripts/setup.sh --paper (Debian TeX packages, idempotent);
# paper/gen_numbers.py (paper/generated/*, paper/figures/*.pdf from results/);
# latexmk in paper/build/ (aux files); the PDF is copied to paper/main.pdf.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
setup=1
gen_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--results) [ $# -ge 2 ] || { echo "build.sh: --results needs a directory" >&2; exit 2; }
		gen_args+=(--results "$2"); shift ;;
	--results=*) gen_args+=(--results "${1#--results=}") ;;
	--no-setup) setup=0 ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "build.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
if [ $setup -eq 1 ]; then
	"$root/scripts/setup.sh" --paper
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" "$here/gen_numbers.py" "${gen_args[@]}"
cd "$here"
# Reproducible PDF metadata: the date of the commit, not of the build.
SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH FORCE_SOURCE_DATE=1
latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=build main.tex
cp build/main.pdf main.pdf
echo "build.sh: wrote $here/main.pdf"
