# figlib.sh - shared by experiments/fig_*.sh (sourced, not run).
#
# A figure script calls   fig_init NAME "$@"   and then   rgb ARGS...   once;
# rgb runs rgbench for workload NAME with the mode's common options and
# ARGS, and leaves OUT/NAME.csv and OUT/NAME.ratios.csv (replaced only when
# rgbench succeeds: a failed run keeps the previous CSVs and exits
# non-zero). rgbench runs with --keep-going, so an INVALID study still
# writes its CSVs (every row valid=INVALID; plot.py's summary lists it);
# rgb prints a warning and records it in OUT/logs/NAME.invalid.
#
# Figure script usage:  experiments/fig_NAME.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
#   --quick      rgbench --quick: 6 rounds of 0.05 s after 0.02 s warm-up each, small
#                graphs, a subset of policies (the whole suite in under 3 minutes on 2 cores)
#   --full       10 rounds of 0.3 s after 0.1 s warm-up per configuration and round
#                (every figure script together in about 45-60 minutes on 2 cores:
#                docs/experiments.md, "Budget"; RG_DURATION=1 RG_WARMUP=0.2 for
#                longer trials)
#   --out DIR    where the CSVs go (default results/quick or results/full)
#   -- ARGS      extra rgbench options, appended last (they override the script's)
# Environment:
#   RGBENCH      the rgbench binary (default build/release/experiments/rgbench/rgbench)
#   RG_PIN=0     pass --pin 0 (workers are pinned to distinct CPUs by default)
#   RG_STRICT=1  no --keep-going: an INVALID study fails the script
#   RG_ROUNDS, RG_DURATION, RG_WARMUP   override the mode's rounds / seconds (a
#                script's own --rounds, e.g. mixed's 6 in --full, comes after them:
#                pass -- --rounds N to override that)
set -euo pipefail

RG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RG_MODE=""
RG_OUT=""
RG_NAME=""
RG_EXTRA=()
RG_NPROC=$(nproc)

fig_usage() {
	awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
	echo "usage: $0 --quick|--full [--out DIR] [-- RGBENCH-ARGS...]" >&2
	exit 2
}

fig_init() {
	RG_NAME=$1
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--quick) RG_MODE=quick ;;
		--full) RG_MODE=full ;;
		--out) [ $# -ge 2 ] || fig_usage; RG_OUT=$2; shift ;;
		--out=*) RG_OUT=${1#--out=} ;;
		--) shift; RG_EXTRA=("$@"); break ;;
		-h | --help) fig_usage ;;
		*) echo "$0: unknown option '$1'" >&2; fig_usage ;;
		esac
		shift
	done
	[ -n "$RG_MODE" ] || { echo "$0: say --quick or --full" >&2; fig_usage; }
	[ -n "$RG_OUT" ] || RG_OUT=$RG_ROOT/results/$RG_MODE
	mkdir -p "$RG_OUT"
	RGBENCH=${RGBENCH:-$RG_ROOT/build/release/experiments/rgbench/rgbench}
	if [ ! -x "$RGBENCH" ]; then
		echo "$0: $RGBENCH not found; build first:" >&2
		echo "  cmake --preset release && cmake --build --preset release   (or set RGBENCH=...)" >&2
		exit 1
	fi
}

quick() { [ "$RG_MODE" = quick ]; }

# Thread counts: 1, 2, 4, ... up to nproc (nproc included), then one
# oversubscribed count (2*nproc) so the figures show what happens past the
# core count (labelled, never judged).
threads_list() {
	local n=$RG_NPROC t=1 list=""
	while [ $t -lt "$n" ]; do list="$list,$t"; t=$((t * 2)); done
	list="$list,$n,$((2 * n))"
	echo "${list#,}"
}

# Up to nproc only (no oversubscription): for workloads where a thread
# count past the cores says nothing new.
threads_upto_nproc() {
	local n=$RG_NPROC t=1 list=""
	while [ $t -lt "$n" ]; do list="$list,$t"; t=$((t * 2)); done
	echo "${list#,},$n" | sed 's/^,//'
}

# 1 and nproc (just 1 on a single core).
threads_one_and_all() {
	if [ "$RG_NPROC" -gt 1 ]; then echo "1,$RG_NPROC"; else echo 1; fi
}

rgb() {
	local common
	if quick; then
		common=(--quick)
		[ -n "${RG_ROUNDS:-}" ] && common+=(--rounds "$RG_ROUNDS")
		[ -n "${RG_DURATION:-}" ] && common+=(--duration "$RG_DURATION")
		[ -n "${RG_WARMUP:-}" ] && common+=(--warmup "$RG_WARMUP")
	else
		common=(--rounds "${RG_ROUNDS:-10}" --duration "${RG_DURATION:-0.3}" --warmup "${RG_WARMUP:-0.1}")
	fi
	[ "${RG_PIN:-1}" = 0 ] && common+=(--pin 0)
	[ "${RG_STRICT:-0}" = 1 ] || common+=(--keep-going)
	# RG_GRAPH: graph spec for the workloads that query one generated graph
	if [ -n "${RG_GRAPH:-}" ]; then
		case $RG_NAME in
		readonly | mixed | contention | latency | peers | memory | traversal | openloop | longread | wal) common+=(--graph "$RG_GRAPH") ;;
		esac
	fi
	local csv=$RG_OUT/$RG_NAME.csv rcsv=$RG_OUT/$RG_NAME.ratios.csv
	local tmp=$RG_OUT/.$RG_NAME.tmp.csv rtmp=$RG_OUT/.$RG_NAME.tmp.ratios.csv
	local cmd=("$RGBENCH" --workload "$RG_NAME" "${common[@]}" --seed 1 "$@" "${RG_EXTRA[@]}" --csv "$tmp")
	rm -f "$tmp" "$rtmp" "$RG_OUT/logs/$RG_NAME.invalid"
	mkdir -p "$RG_OUT/logs"
	# The command (with the final CSV path) is kept for results/README.md.
	echo "${cmd[*]/%$tmp/$csv}" | sed "s|$RG_ROOT/||g" >"$RG_OUT/logs/$RG_NAME.cmd"
	echo "== $RG_NAME ($RG_MODE): $(cat "$RG_OUT/logs/$RG_NAME.cmd")" >&2
	local t0 rc=0
	t0=$(date +%s.%N)
	"${cmd[@]}" >"$RG_OUT/logs/$RG_NAME.log" 2> >(tee "$RG_OUT/logs/$RG_NAME.err" >&2) || rc=$?
	wait 2>/dev/null || true
	if [ $rc -ne 0 ] || [ ! -s "$tmp" ]; then
		echo "$0: rgbench failed (exit $rc) for $RG_NAME; see $RG_OUT/logs/$RG_NAME.{log,err}" >&2
		rm -f "$tmp" "$rtmp"
		return 1
	fi
	mv -f "$tmp" "$csv"
	if [ -s "$rtmp" ]; then mv -f "$rtmp" "$rcsv"; else rm -f "$rtmp" "$rcsv"; fi
	if grep -q "RUN INVALID" "$RG_OUT/logs/$RG_NAME.log"; then
		grep "^!!\|INVALID:" "$RG_OUT/logs/$RG_NAME.log" >"$RG_OUT/logs/$RG_NAME.invalid" || true
		echo "$0: WARNING: $RG_NAME is INVALID (a hard check fired); see $RG_OUT/logs/$RG_NAME.invalid" >&2
	fi
	printf '== %s: %s rows in %s (%.1f s)\n' "$RG_NAME" "$(($(wc -l <"$csv") - 1))" "$csv" \
		"$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" >&2
}
