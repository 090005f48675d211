#!/usr/bin/env bash
# regen.sh - everything downstream of one results directory's CSVs, in one command.
#
# Usage: experiments/regen.sh [DIR] [--no-pdf] [--no-setup]
#   DIR         the results directory (default: the one the paper was last generated from,
#               recorded in paper/generated/manifest.txt; else results/full, else results/quick)
#   --no-pdf    skip the TeX step (paper/build.sh): everything else is still regenerated
#   --no-setup  do not let paper/build.sh install the TeX packages (scripts/setup.sh --paper)
# Steps, each from the CSVs alone (nothing is measured):
#   1. experiments/plot.py DIR            DIR/figures/*.png|pdf|data.json, DIR/summary.md
#   2. experiments/targets.sh DIR         DIR/targets.txt, and targets_table.py -> DIR/targets.md
#   3. paper/gen_numbers.py --results DIR paper/generated/* (macros, tables, digest), the
#                                         paper's figures in paper/figures/, and the generated
#                                         regions of README.md and results/README.md
#   4. paper/build.sh                     paper/main.pdf (latexmk)
#   5. paper/check.py --results DIR       everything above against the CSVs again
# After a new run:  experiments/run_all.sh --full && experiments/regen.sh results/full
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
dir="" pdf=1 setup=1
while [ $# -gt 0 ]; do
	case $1 in
	--no-pdf) pdf=0 ;;
	--no-setup) setup=0 ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "regen.sh: unknown option '$1'" >&2; exit 2 ;;
	*) dir=$1 ;;
	esac
	shift
done
if [ -z "$dir" ]; then
	dir=$("$PY" -c "import sys; sys.path.insert(0, '$root/paper'); import gen_numbers; print(gen_numbers.default_results())")
fi
[ -d "$dir" ] || { echo "regen.sh: $dir: no such directory" >&2; exit 2; }
dir=$(cd "$dir" && pwd)
cd "$root"
echo "== regen: 1/5 figures and summary (experiments/plot.py $dir)"
"$PY" experiments/plot.py "$dir"
echo "== regen: 2/5 targets"
experiments/targets.sh "$dir" >"$dir/targets.txt"
"$PY" experiments/targets_table.py "$dir/targets.txt" >"$dir/targets.md"
echo "== regen: 3/5 paper numbers, tables, figures and README regions (paper/gen_numbers.py)"
"$PY" paper/gen_numbers.py --results "$dir"
if [ $pdf -eq 1 ]; then
	echo "== regen: 4/5 PDF (paper/build.sh)"
	args=()
	[ $setup -eq 1 ] || args+=(--no-setup)
	paper/build.sh "${args[@]}"
else
	echo "== regen: 4/5 PDF skipped (--no-pdf): paper/main.pdf is now older than its numbers"
fi
echo "== regen: 5/5 paper/check.py"
if [ $pdf -eq 1 ]; then
	"$PY" paper/check.py --results "$dir"
else
	"$PY" paper/check.py --results "$dir" --no-pdf
fi
