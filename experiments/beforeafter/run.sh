#!/usr/bin/env bash
# run.sh - commit latency under RG_DURABILITY_COMMIT before and after the
# one-writer restructuring (issue 15): rcugraph 0.1 (BEFORE, default
# e2c0db6, the last 0.1 commit) against this tree, same program
# (commitlat.c, public API only), same disk, interleaved shuffled rounds.
#
# Usage: experiments/beforeafter/run.sh [--rounds N] [--seconds S] [--out FILE]
#   --rounds N    rounds; each runs every configuration once in a shuffled order (default 6)
#   --seconds S   seconds per run (default 1.5)
#   --out FILE    CSV (default results/full/beforeafter/commitlat.csv)
#   --ckpt-bytes B  automatic checkpoint interval of the "on" runs (default 8192, as
#               rgbench's writer workload: several checkpoints per second)
# Configurations: version {0.1, 0.2} x committers {1, 4} x automatic
# checkpoints {off, every --ckpt-bytes of log}, plus "io": 0.2 without
# checkpoints beside a plain thread that writes and fsyncs a file of the
# checkpoint's size at the checkpoints' rate (both from a calibration run):
# what sharing the disk with checkpoints costs a commit, without them.
# Prints per configuration the median over rounds of commits/s, p50, p99,
# fsyncs per commit and checkpoints/s, and per-round paired ratios (median,
# min-max): 0.2/0.1, on/off per version, io/off. Builds 0.1 in a
# temporary git worktree (needs the repository's history) and this tree's
# release preset. rgbench cannot do this: it links one library version.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=6 seconds=1.5 ckpt=8192 out=$root/results/full/beforeafter/commitlat.csv
before=${BEFORE:-e2c0db6}
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--out) out=$2; shift ;;
	--ckpt-bytes) ckpt=$2; shift ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds wants a positive integer" >&2; exit 2; }
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/v01" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$root"
git worktree add --detach "$work/v01" "$before" >/dev/null 2>&1 ||
	{ echo "run.sh: cannot check out $before (a clone with history is needed)" >&2; exit 1; }
cmake -S "$work/v01" -B "$work/v01/build" -DCMAKE_BUILD_TYPE=Release -DRG_BUILD_TESTS=OFF -DRG_BUILD_EXPERIMENTS=OFF >/dev/null
cmake --build "$work/v01/build" --target rcugraph -j2 >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target rcugraph >/dev/null
src=$root/experiments/beforeafter/commitlat.c
cc -O2 -std=gnu11 -DFSYNC_COUNT=rg_wal_fsync_count -I"$work/v01/include" "$src" -o "$work/cl-0.1" \
	-L"$work/v01/build" -Wl,-rpath,"$work/v01/build" -lrcugraph -lpthread
cc -O2 -std=gnu11 -DHAVE_CKPT_STATS -DFSYNC_COUNT=rg__io_fsync_count -I"$root/include" "$src" -o "$work/cl-0.2" \
	-L"$root/build/release" -Wl,-rpath,"$root/build/release" -lrcugraph -lpthread
mkdir -p "$(dirname "$out")"
# The disk-sharing reference ("io"): 0.2 without checkpoints, beside a plain
# thread writing and fsyncing a file of the checkpoint's size at the
# checkpoints' rate, both measured by one calibration run per committer count.
declare -A iob iorate
for c in 1 4; do
	cal=$("$work/cl-0.2" "$work/db" "$seconds" "$ckpt" "$c")
	iorate[$c]=$(sed -E 's/.*checkpoints_per_s=([0-9.]+).*/\1/' <<<"$cal")
	iob[$c]=$(sed -E 's/.*ckpt_file_bytes=([0-9]+).*/\1/' <<<"$cal")
	echo "calibration, $c committers: ${iorate[$c]} checkpoints/s of ${iob[$c]} bytes" >&2
done
echo "round,version,committers,mode,commits_per_s,p50_us,p99_us,fsyncs_per_commit,commits,checkpoints_per_s,ckpt_file_bytes" >"$out"
configs=()
for c in 1 4; do
	for v in 0.1 0.2; do configs+=("$v $c off" "$v $c on"); done
	configs+=("0.2 $c io")
done
for r in $(seq 1 "$rounds"); do
	mapfile -t order < <(printf '%s\n' "${configs[@]}" | shuf --random-source=<(yes "$r"))
	for cfg in "${order[@]}"; do
		read -r v c m <<<"$cfg"
		case $m in
		off) args=("$work/db" "$seconds" 0 "$c") ;;
		on) args=("$work/db" "$seconds" "$ckpt" "$c") ;;
		io) args=("$work/db" "$seconds" 0 "$c" "${iob[$c]}" "${iorate[$c]}") ;;
		esac
		line=$("$work/cl-$v" "${args[@]}")
		vals=$(sed -E 's/[a-z_0-9]+=//g; s/ /,/g' <<<"$line")
		echo "$r,$v,$c,$m,$vals" >>"$out"
		echo "round $r/$rounds: $v committers=$c $m: $line" >&2
	done
done
/usr/bin/python3 - "${out#$root/}" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"commit latency before (0.1) and after (0.2), {sys.argv[1]}: medians over rounds; "
      "ratios: per-round paired, median [min, max]")
print(f"{'committers':>10} {'ver':>4} {'mode':>4} {'commits/s':>10} {'p50 us':>8} {'p99 us':>8} {'fsync/c':>8} {'ckpt/s':>7}")
def sel(c, v, m):
    return [r for r in rows if (r["committers"], r["version"], r["mode"]) == (c, v, m)]
def paired(f, a, b):
    by = {}
    for r in a:
        by.setdefault(r["round"], {})["a"] = float(r[f])
    for r in b:
        by.setdefault(r["round"], {})["b"] = float(r[f])
    q = sorted(d["a"] / d["b"] for d in by.values() if "a" in d and "b" in d and d["b"] > 0)
    return f"{statistics.median(q):.2f} [{q[0]:.2f}, {q[-1]:.2f}]" if q else "n/a"
for c in sorted({r["committers"] for r in rows}, key=int):
    for v, m in (("0.1", "off"), ("0.1", "on"), ("0.2", "off"), ("0.2", "on"), ("0.2", "io")):
        s = sel(c, v, m)
        if not s:
            continue
        md = lambda f: statistics.median(float(r[f]) for r in s)
        print(f"{c:>10} {v:>4} {m:>4} {md('commits_per_s'):10.0f} {md('p50_us'):8.1f} {md('p99_us'):8.1f} "
              f"{md('fsyncs_per_commit'):8.3f} {md('checkpoints_per_s'):7.1f}")
    for f in ("p50_us", "p99_us"):
        print(f"{'':>10} {f}: 0.2/0.1 off {paired(f, sel(c, '0.2', 'off'), sel(c, '0.1', 'off'))}; "
              f"on/off 0.1 {paired(f, sel(c, '0.1', 'on'), sel(c, '0.1', 'off'))}, "
              f"0.2 {paired(f, sel(c, '0.2', 'on'), sel(c, '0.2', 'off'))}; "
              f"io/off 0.2 {paired(f, sel(c, '0.2', 'io'), sel(c, '0.2', 'off'))}")
PY
