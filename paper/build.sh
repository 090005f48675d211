#!/usr/bin/env bash
# build.sh - the TeX step: paper/main.pdf from main.tex and the generated files.
#
# Usage: paper/build.sh [--results DIR] [--no-setup]
#   --results DIR  first regenerate the numbers, tables and figures from DIR
#                  (paper/gen_numbers.py --results DIR); without it the committed
#                  paper/generated/ and paper/figures/ are used as they are
#   --no-setup     do not run scripts/setup.sh --paper (TeX packages already installed)
# experiments/regen.sh DIR is the one command for everything (figures, summary,
# README tables, numbers, this PDF, check); this script is its TeX step.
# latexmk runs in paper/build/ (aux files); the PDF is copied to paper/main.pdf.
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
if [ ${#gen_args[@]} -gt 0 ]; then
	"$PY" "$here/gen_numbers.py" "${gen_args[@]}"
fi
[ -f "$here/generated/numbers.tex" ] || "$PY" "$here/gen_numbers.py"
cd "$here"
# Reproducible PDF metadata: the date of the commit, not of the build.
SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH FORCE_SOURCE_DATE=1
latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=build main.tex
cp build/main.pdf main.pdf
echo "build.sh: wrote $here/main.pdf"
