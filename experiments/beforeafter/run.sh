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
# Configurations: version {0.1, 0.2} x committers {1, 4} x automatic
# checkpoints {off, every 1 MiB of log}. Prints per configuration the
# median over rounds of commits/s, p50, p99 and fsyncs per commit, and the
# per-round paired ratio 0.2 / 0.1 (median, min-max). Builds 0.1 in a
# temporary git worktree (needs the repository's history) and this tree's
# release preset. rgbench cannot do this: it links one library version.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=6 seconds=1.5 out=$root/results/full/beforeafter/commitlat.csv
before=${BEFORE:-e2c0db6}
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--out) out=$2; shift ;;
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
cc -O2 -std=gnu11 -DFSYNC_COUNT=rg__io_fsync_count -I"$root/include" "$src" -o "$work/cl-0.2" \
	-L"$root/build/release" -Wl,-rpath,"$root/build/release" -lrcugraph -lpthread
mkdir -p "$(dirname "$out")"
echo "round,version,committers,checkpoint_bytes,commits_per_s,p50_us,p99_us,fsyncs_per_commit,commits" >"$out"
configs=()
for v in 0.1 0.2; do for c in 1 4; do for k in 0 1048576; do configs+=("$v $c $k"); done; done; done
for r in $(seq 1 "$rounds"); do
	mapfile -t order < <(printf '%s\n' "${configs[@]}" | shuf --random-source=<(yes "$r"))
	for cfg in "${order[@]}"; do
		read -r v c k <<<"$cfg"
		line=$("$work/cl-$v" "$work/db" "$seconds" "$k" "$c")
		vals=$(sed -E 's/[a-z_0-9]+=//g; s/ /,/g' <<<"$line")
		echo "$r,$v,$c,$k,$vals" >>"$out"
		echo "round $r/$rounds: $v committers=$c ckpt=$k: $line" >&2
	done
done
/usr/bin/python3 - "$out" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
key = lambda r: (r["committers"], r["checkpoint_bytes"])
print(f"commit latency before (0.1) and after (0.2), {sys.argv[1]}: medians over rounds; "
      "0.2/0.1 = per-round paired ratio, median [min, max]")
print(f"{'committers':>10} {'ckpt':>8} {'ver':>4} {'commits/s':>10} {'p50 us':>8} {'p99 us':>8} {'fsync/c':>8}")
for c, k in sorted({key(r) for r in rows}):
    for v in ("0.1", "0.2"):
        s = [r for r in rows if key(r) == (c, k) and r["version"] == v]
        m = lambda f: statistics.median(float(r[f]) for r in s)
        print(f"{c:>10} {'on' if k != '0' else 'off':>8} {v:>4} {m('commits_per_s'):10.0f} {m('p50_us'):8.1f} "
              f"{m('p99_us'):8.1f} {m('fsyncs_per_commit'):8.3f}")
    for f in ("commits_per_s", "p50_us", "p99_us"):
        by = {}
        for r in rows:
            if key(r) == (c, k):
                by.setdefault(r["round"], {})[r["version"]] = float(r[f])
        q = sorted(d["0.2"] / d["0.1"] for d in by.values() if "0.1" in d and "0.2" in d and d["0.1"] > 0)
        if q:
            print(f"{'':>10} {'':>8} 0.2/0.1 {f}: {statistics.median(q):.2f} [{q[0]:.2f}, {q[-1]:.2f}]")
PY
