#!/usr/bin/env bash
# run_all.sh - every experiment, then every figure.
#
# Usage: experiments/run_all.sh --quick|--full [--out DIR] [--only a,b,...] [--no-setup] [--no-build]
#   --quick     the whole suite in under 3 minutes on 2 cores (build excluded): rgbench
#               --quick (6 rounds of 0.05 s per configuration), small graphs, a subset
#               of policies; the numbers are a smoke test, not results
#   --full      10 rounds of 0.3 s per configuration (0.1 s warm-up), every policy:
#               about 45-60 minutes on 2 cores (docs/experiments.md, "Budget")
#   --out DIR   where the CSVs go (default results/quick or results/full);
#               figures go to DIR/figures/ (--quick: PNG; --full: PNG and PDF), the
#               headline table to DIR/summary.md,
#               the target lines to DIR/targets.txt and DIR/targets.md
#   --only LIST run only these figure scripts (e.g. --only readonly,mixed)
#   --no-setup  skip scripts/setup.sh (Debian packages)
#   --no-build  skip the release build (use the existing binary)
# Steps: scripts/setup.sh; cmake --preset release && cmake --build --preset release;
# each experiments/fig_*.sh in the chosen mode (a failing one is reported and
# the others still run); experiments/plot.py DIR; experiments/targets.sh DIR
# (DIR/targets.txt) and experiments/targets_table.py (DIR/targets.md). The
# measured part (figure scripts + plot, without setup and build) is timed into
# DIR/run_all.time, which targets.sh checks against the quick mode's 3 minutes.
# Exit status 1 if any step failed; INVALID studies are listed at the end (their
# CSVs are written, every row valid=INVALID).
# Environment: RGBENCH (binary to use; skips the build), RG_PIN=0, RG_STRICT=1,
# RG_ROUNDS, RG_DURATION, RG_WARMUP, RG_GRAPH (see experiments/figlib.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode="" out="" only="" setup=1 build=1
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--quick) mode=quick ;;
	--full) mode=full ;;
	--out) [ $# -ge 2 ] || usage; out=$2; shift ;;
	--out=*) out=${1#--out=} ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift ;;
	--only=*) only=${1#--only=} ;;
	--no-setup) setup=0 ;;
	--no-build) build=0 ;;
	-h | --help) usage ;;
	*) echo "run_all.sh: unknown option '$1'" >&2; usage ;;
	esac
	shift
done
[ -n "$mode" ] || { echo "run_all.sh: say --quick or --full" >&2; usage; }
[ -n "$out" ] || out=$root/results/$mode
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$root"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_all=$(now)
failed=()

if [ $setup -eq 1 ]; then
	scripts/setup.sh
fi
if [ $build -eq 1 ] && [ -z "${RGBENCH:-}" ]; then
	t=$(now)
	cmake --preset release >/dev/null
	cmake --build --preset release
	echo "run_all: build took $(secs "$t") s"
fi

timings=()
t_measured=$(now)
for script in experiments/fig_*.sh; do
	name=$(basename "$script" .sh)
	name=${name#fig_}
	if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then
		continue
	fi
	t=$(now)
	if "$script" "--$mode" --out "$out"; then
		timings+=("$name $(secs "$t") s")
	else
		failed+=("$name")
		timings+=("$name FAILED after $(secs "$t") s")
	fi
done

t=$(now)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
formats=png,pdf
[ "$mode" = quick ] && formats=png # the quick run's budget: PNG only
if ! "$PY" experiments/plot.py "$out" --formats "$formats"; then
	failed+=("plot")
fi
timings+=("plot $(secs "$t") s")
measured=$(secs "$t_measured")
echo "$mode $measured $(nproc)" >"$out/run_all.time"

t=$(now)
if experiments/targets.sh "$out" >"$out/targets.txt"; then
	"$PY" experiments/targets_table.py "$out/targets.txt" >"$out/targets.md" || failed+=("targets_table")
else
	failed+=("targets")
fi
timings+=("targets $(secs "$t") s")
invalid=$(cat "$out"/logs/*.invalid 2>/dev/null | grep -c "INVALID" || true)

echo
echo "run_all ($mode): per step"
printf '  %s\n' "${timings[@]}"
echo "run_all ($mode): total $(secs "$t_all") s on $(nproc) cores; measured part (figure scripts + plot) $measured s"
echo "  CSVs:    $out/*.csv   (commands and logs: $out/logs/)"
echo "  figures: $out/figures/*.png$([ "$mode" = full ] && echo ' and *.pdf')"
echo "  summary: $out/summary.md   targets: $out/targets.txt ($out/targets.md)"
if [ "${invalid:-0}" -gt 0 ]; then
	echo "run_all: INVALID studies (hard checks fired; rows marked valid=INVALID):" >&2
	for f in "$out"/logs/*.invalid; do [ -s "$f" ] && echo "  $(basename "$f" .invalid)" >&2; done
fi
if [ ${#failed[@]} -gt 0 ]; then
	echo "run_all: FAILED: ${failed[*]}" >&2
	exit 1
fi
