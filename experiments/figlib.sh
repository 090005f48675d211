# figlib.sh - shared by experiments/fig_*.sh (sourced, not run).
#
# A figure script calls   fig_init NAME "$@"   and then   rgb ARGS...   once;
# rgb runs rgbench for workload NAME with the mode's common options and
# ARGS, and leaves the CSV at OUT/NAME.csv (replaced only when rgbench
# succeeds: a failed run keeps the previous CSV and exits non-zero).
#
# Figure script usage:  experiments/fig_NAME.sh --quick|--full [--out DIR] [-- RGBENCH-ARGS...]
#   --quick      3 trials of 0.2 s after 0.1 s warm-up, small graphs (rgbench --quick),
#                a subset of policies (the whole suite in a few minutes on 2 cores)
#   --full       the paper's settings: 5 trials of 1 s after 0.5 s warm-up per configuration
#   --out DIR    where NAME.csv goes (default results/quick or results/full)
#   -- ARGS      extra rgbench options, appended last (they override the script's)
# Environment:
#   RGBENCH      the rgbench binary (default build/release/experiments/rgbench/rgbench)
#   RG_PIN=1     pass --pin (pin worker i to CPU i % nproc)
#   RG_TRIALS, RG_DURATION, RG_WARMUP   override the mode's trials / seconds
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

# Thread counts: 1, 2, 4, ... up to nproc (nproc included), then
# oversubscribed counts (2*nproc; full mode adds 4*nproc) so the
# figures show what happens past the core count.
threads_list() {
	local n=$RG_NPROC t=1 list=""
	while [ $t -lt "$n" ]; do list="$list,$t"; t=$((t * 2)); done
	list="$list,$n,$((2 * n))"
	quick || list="$list,$((4 * n))"
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
		common=(--quick --trials "${RG_TRIALS:-3}" --duration "${RG_DURATION:-0.2}" --warmup "${RG_WARMUP:-0.1}")
	else
		common=(--trials "${RG_TRIALS:-5}" --duration "${RG_DURATION:-1}" --warmup "${RG_WARMUP:-0.5}")
	fi
	[ "${RG_PIN:-0}" = 1 ] && common+=(--pin)
	# RG_GRAPH: graph spec for the workloads that query one generated graph
	# (rebuilt per configuration, so its size sets the run time)
	if [ -n "${RG_GRAPH:-}" ]; then
		case $RG_NAME in
		readonly | mixed | contention | latency | lmdb | memory) common+=(--graph "$RG_GRAPH") ;;
		esac
	fi
	local csv=$RG_OUT/$RG_NAME.csv tmp=$RG_OUT/.$RG_NAME.csv.tmp
	local cmd=("$RGBENCH" --workload "$RG_NAME" "${common[@]}" --seed 1 "$@" "${RG_EXTRA[@]}" --csv "$tmp")
	rm -f "$tmp"
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
		rm -f "$tmp"
		return 1
	fi
	mv -f "$tmp" "$csv"
	printf '== %s: %s rows in %s (%.1f s)\n' "$RG_NAME" "$(($(wc -l <"$csv") - 1))" "$csv" \
		"$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" >&2
}
