#!/usr/bin/env bash
# targets.sh - one line per target of the read-layout issue (14) and the
# lock-study method issue (16), from rgbench's CSVs:
#
#   target <name> <measured> <goal> <met|missed>
#
# measured is the median of the paired per-round ratios with its 95% CI,
# "0.83[0.80,0.86]" (no spaces); met when the median reaches the goal (the
# CI says how sure that is: experiments/targets_table.py shows whether it
# clears the goal). A target whose data is missing prints "n/a ... missed".
#
# Usage: experiments/targets.sh [DIR]                 read DIR (default results/quick)
#        experiments/targets.sh --run [--quick] [--out DIR] [-- RGBENCH-ARGS...]
#               first run rgbench --workload readtargets into DIR (default
#               results/targets), then read it
# Reads: DIR/readtargets.ratios.csv (issue 14's ratios and the A/A controls),
#        DIR/run_all.time (the quick run's measured seconds) and DIR/summary.md,
#        DIR/figures/ (run_all.sh --quick writes them).
# Targets:
#   <ratio>:<graph>:<T>T   span/csr >= 0.8, section-inline-nosync/csr and
#       section-inline-rcu-memb/csr >= 0.6, edited-span/csr >= 0.4 (graphs
#       cache and dram, 1 and 2 threads); rcu-memb/nosync-inline >= 0.95 and
#       rcu-memb/nosync-exported >= 0.90 (2 threads)
#   aa-resolution:<graph>:2T   the A/A resolution (nosync vs nosync, same
#       memory, 2 threads; the largest distance of its CI from 1) <= 0.05
#   quick-run   run_all.sh --quick <= 180 s (measured part), with CSVs,
#       figures and a summary written
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
dir="" runit=0 quick=0 extra=()
while [ $# -gt 0 ]; do
	case $1 in
	--run) runit=1 ;;
	--quick) quick=1 ;;
	--out) [ $# -ge 2 ] || { echo "targets.sh: --out needs a directory" >&2; exit 2; }; dir=$2; shift ;;
	--) shift; extra=("$@"); break ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "targets.sh: unknown option '$1'" >&2; exit 2 ;;
	*) dir=$1 ;;
	esac
	shift
done
if [ $runit -eq 1 ]; then
	[ -n "$dir" ] || dir=$root/results/targets
	mkdir -p "$dir"
	mode=--full
	[ $quick -eq 1 ] && mode=--quick
	"$root/experiments/fig_readtargets.sh" "$mode" --out "$dir" -- "${extra[@]}" >&2
fi
[ -n "$dir" ] || dir=$root/results/quick
[ -d "$dir" ] || { echo "targets.sh: $dir: no such directory" >&2; exit 2; }
exec "$PY" - "$dir" <<'PYEOF'
import csv, glob, os, sys

d = sys.argv[1]
rows = []
for p in sorted(glob.glob(os.path.join(d, "*.ratios.csv"))):
    with open(p, newline="") as f:
        rows += [r for r in csv.DictReader(f) if r.get("workload") == "readtargets"]


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def line(name, measured, goal, met):
    print(f"target {name} {measured} {goal} {'met' if met else 'missed'}")


def ci(r):
    return f"{num(r['est']):.3g}[{num(r['lo']):.3g},{num(r['hi']):.3g}]"


RATIOS = [("span/csr", "t14-span/csr", 0.8, (1, 2)),
          ("section-inline-nosync/csr", "t14-section-inline-nosync/csr", 0.6, (1, 2)),
          ("section-inline-rcu-memb/csr", "t14-section-inline-rcu-memb/csr", 0.6, (1, 2)),
          ("edited-span/csr", "t14-edited-span/csr", 0.4, (1, 2)),
          ("rcu-memb/nosync-inline", "t14-rcu-memb/nosync-inline", 0.95, (2,)),
          ("rcu-memb/nosync-exported", "t14-rcu-memb/nosync-exported", 0.90, (2,))]
graphs = sorted({(r.get("variant") or "").split(":")[0] for r in rows if r.get("variant")}) or ["cache", "dram"]
if "custom" in graphs and len(graphs) > 1:
    graphs.remove("custom")
for g in graphs:
    for short, name, goal, threads in RATIOS:
        for t in threads:
            r = next((x for x in rows if x["kind"] == "compare" and x["name"] == name and
                      (x.get("variant") or "").startswith(g + ":") and x["threads"] == str(t)), None)
            ok = r is not None and num(r["est"]) is not None
            line(f"{short}:{g}:{t}T", ci(r) if ok else "n/a", f">={goal:g}", ok and num(r["est"]) >= goal)
    # the A/A control of the packed phase (nosync#2 / nosync, exported section), 2 threads
    r = next((x for x in rows if x["kind"] == "aa" and (x.get("variant") or "").startswith(g + ":packed:")
              and x["threads"] == "2"), None)
    ok = r is not None and num(r["resolution"]) is not None
    line(f"aa-resolution:{g}:2T", f"{num(r['resolution']):.3g}(A/A={ci(r)})" if ok else "n/a", "<=0.05",
         ok and num(r["resolution"]) <= 0.05)
# the quick run: time, CSVs, figures, summary
tf = os.path.join(d, "run_all.time")
secs = None
if os.path.exists(tf):
    parts = open(tf).read().split()
    if len(parts) >= 2 and parts[0] == "quick":
        secs = num(parts[1])
csvs = [p for p in glob.glob(os.path.join(d, "*.csv"))]
figs = glob.glob(os.path.join(d, "figures", "*.png"))
summ = os.path.exists(os.path.join(d, "summary.md"))
ok = secs is not None and csvs and figs and summ
meas = f"{secs:.0f}s,{len(csvs)}csv,{len(figs)}png,summary={'yes' if summ else 'no'}" if secs is not None else "n/a"
line("quick-run", meas, "<=180s", ok and secs <= 180)
PYEOF
