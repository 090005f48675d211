#!/usr/bin/env bash
# targets.sh - one line per target of the read-layout issue (14), the
# writer issue, the lock-study issues (16 and the peers), from rgbench's
# CSVs:
#
#   target <name> <measured> <goal> <met|missed>
#   report <name> <measured>            (reported beside a target, no goal)
#
# measured is the median of the paired per-round ratios with its 95% CI,
# "0.83[0.80,0.86]" (no spaces), or for an absolute target the median over
# rounds with the order-statistic 95% CI of the median; met when the median
# reaches the goal (the CI says how sure that is: experiments/targets_table.py
# shows whether it clears the goal). A target whose data is missing prints
# "n/a ... missed". A measurement at more threads than CPUs carries
# "(oversubscribed)" in a report line after it.
#
# Usage: experiments/targets.sh [DIR]                 read DIR (default results/quick)
#        experiments/targets.sh --run [--quick] [--out DIR] [-- RGBENCH-ARGS...]
#               first run rgbench --workload readtargets into DIR (default
#               results/targets), then read it
# Reads: DIR/*.ratios.csv (named comparisons and A/A controls), DIR/writer.csv
#        and DIR/wal.csv (per-round values), DIR/run_all.time (the quick run's
#        measured seconds), DIR/summary.md and DIR/figures/.
# Targets:
#   read layout (readtargets): <ratio>:<graph>:<T>T   span/csr >= 0.8,
#       section-inline-nosync/csr and section-inline-rcu-memb/csr >= 0.6,
#       edited-span/csr >= 0.4 (graphs cache and dram, 1 and 2 threads);
#       rcu-memb/nosync-inline >= 0.95 and rcu-memb/nosync-exported >= 0.90
#       (2 threads); kernel:<bfs|pagerank|wcc>:<T>T rcugraph/CSR >= 0.5
#       (kernels)
#   writer: insert/floor:1T >= 0.7 (report insert/vfloor, bulk/floor,
#       vfloor/floor); hub-time/spread-time <= 2; load-time/csr<1|2>T:<graph>
#       <= 2 (R-MAT and each SNAP dataset); footprint-packed/csr <= 2.5
#       (report footprint-live/csr); fsyncs-per-commit:<T>T <= 0.3 at the
#       last committer count (report group-commit-4/1); ckpt-p99-on/off:<T>T
#       <= 2; replay-edges-per-s >= 5e6; readers-during-checkpoint >= 0.9
#   lock study: invalid-studies, sync-above-nosync (a synchronised policy's
#       ratio to nosync with its CI above 1 + resolution) and
#       superlinear-speedups (CI above T x (1 + resolution)): 0 each;
#       read-loop-agreement:2T: rcu-memb/nosync at 2 threads in readonly,
#       mixed 0%, contention spread and readtargets' exported section differ
#       by at most the largest of their resolutions;
#       aa-resolution:<graph>:2T <= 0.05; peers-rcugraph/lmdb:
#       neighbors:2T >= 3 (report rcugraph/sqlite and the others);
#       quick-run: run_all.sh --quick <= 180 s (measured part), with CSVs,
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
allr = []
for p in sorted(glob.glob(os.path.join(d, "*.ratios.csv"))):
    with open(p, newline="") as f:
        allr += list(csv.DictReader(f))
rows = [r for r in allr if r.get("workload") == "readtargets"]


def per_round(name):
    p = os.path.join(d, name + ".csv")
    if not os.path.exists(p):
        return []
    with open(p, newline="") as f:
        return list(csv.DictReader(f))


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def kv(extra):
    return dict(x.split("=", 1) for x in (extra or "").split(";") if "=" in x)


def line(name, measured, goal, met):
    print(f"target {name} {measured} {goal} {'met' if met else 'missed'}")


def report(name, measured):
    print(f"report {name} {measured}")


def ci(r):
    return f"{num(r['est']):.3g}[{num(r['lo']):.3g},{num(r['hi']):.3g}]"


def median_ci(vals):
    """median and its 95% order-statistic CI ([min, max] below 6 values)"""
    v = sorted(x for x in vals if x is not None)
    if not v:
        return None
    n, best, cdf, term = len(v), 1, 0.0, 0.5 ** len(v)
    for j in range(1, n // 2 + 1):
        cdf += term
        term = term * (n - (j - 1)) / j
        if 1 - 2 * cdf >= 0.95:
            best = j
        else:
            break
    m = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    return m, v[best - 1], v[n - best]


def fmt3(t):
    return f"{t[0]:.3g}[{t[1]:.3g},{t[2]:.3g}]"


def cmp_rows(workload, name, **match):
    return [r for r in allr if r.get("workload") == workload and r.get("kind") == "compare" and
            r.get("name") == name and all(r.get(k) == v for k, v in match.items())]


def goal_line(tname, r, op, goal):
    ok = r is not None and num(r["est"]) is not None
    met = ok and (num(r["est"]) >= goal if op == ">=" else num(r["est"]) <= goal)
    line(tname, ci(r) if ok else "n/a", f"{op}{goal:g}", met)
    if ok and r.get("oversubscribed") == "1":
        report(tname, "(oversubscribed:more-threads-than-CPUs)")


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
# kernels (read layout): rcugraph on a live snapshot / the static CSR
for k in ("bfs", "pagerank", "wcc"):
    for t in (1, 2):
        r = next(iter(cmp_rows("kernels", "t-kernel-rcugraph/csr", variant=k, threads=str(t))), None)
        goal_line(f"kernel:{k}:{t}T", r, ">=", 0.5)
# writer issue
goal_line("insert/floor:1T", next(iter(cmp_rows("insert", "t-insert/floor")), None), ">=", 0.7)
for n in ("t-insert/vfloor", "t-bulk/floor", "t-vfloor/floor"):
    r = next(iter(cmp_rows("insert", n)), None)
    report(n[2:], ci(r) if r else "n/a")
goal_line("hub-time/spread-time", next(iter(cmp_rows("insert", "t-hub-time/spread-time")), None), "<=", 2)
lgraphs = sorted({(r.get("variant") or "").split(":")[0] for r in allr if r.get("workload") == "load"}) or ["rmat"]
for g in lgraphs:
    for t in (1, 2):
        r = next((x for x in cmp_rows("load", f"t-load-time/csr{t}T")
                  if (x.get("variant") or "").startswith(g + ":")), None)
        goal_line(f"load-time/csr{t}T:{g}", r, "<=", 2)
goal_line("footprint-packed/csr", next(iter(cmp_rows("footprint", "t-footprint-packed/csr")), None), "<=", 2.5)
r = next(iter(cmp_rows("footprint", "t-footprint-live/csr")), None)
report("footprint-live/csr", ci(r) if r else "n/a")
wr = [x for x in per_round("writer") if x.get("variant") == "txn=1,log=commit,group"]
tmax = max((int(x["threads"]) for x in wr), default=4)
fs = median_ci([num(kv(x.get("extra")).get("fsyncs_per_commit")) for x in wr if x["threads"] == str(tmax)])
line(f"fsyncs-per-commit:{tmax}T", fmt3(fs) if fs else "n/a", "<=0.3", fs is not None and fs[0] <= 0.3)
if wr and any(x.get("oversubscribed") == "1" and x["threads"] == str(tmax) for x in wr):
    report(f"fsyncs-per-commit:{tmax}T", "(oversubscribed:more-threads-than-CPUs)")
r = next(iter(cmp_rows("writer", "t-group-commit-4/1")), None)
report("group-commit-4/1", ci(r) if r else "n/a")
for r in cmp_rows("writer", "t-ckpt-p99-on/off"):
    goal_line(f"ckpt-p99-on/off:{r['threads']}T", r, "<=", 2)
if not cmp_rows("writer", "t-ckpt-p99-on/off"):
    line("ckpt-p99-on/off", "n/a", "<=2", False)
rp = median_ci([num(x.get("throughput")) for x in per_round("wal") if x.get("variant") == "replay"
                and x.get("sync") == "rcu-memb"])
line("replay-edges-per-s", f"{rp[0]:.3g}[{rp[1]:.3g},{rp[2]:.3g}]" if rp else "n/a", ">=5e+06",
     rp is not None and rp[0] >= 5e6)
goal_line("readers-during-checkpoint", next((x for x in cmp_rows("wal", "t-readers-during/without")
                                            if x["num"].startswith("rcu-memb@")), None), ">=", 0.9)
# lock study: the peers
goal_line("peers-rcugraph/lmdb:neighbors:2T",
          next(iter(cmp_rows("peers", "t-peers-rcugraph/lmdb", variant="neighbors", threads="2")), None), ">=", 3)
for name in ("t-peers-rcugraph/lmdb", "t-peers-rcugraph/sqlite", "t-peers-write-rcugraph/lmdb",
             "t-peers-write-rcugraph/sqlite"):
    for r in cmp_rows("peers", name):
        if name == "t-peers-rcugraph/lmdb" and r["variant"] == "neighbors" and r["threads"] == "2":
            continue
        report(f"{name[2:]}:{r['variant']}:{r['threads']}T", ci(r))
# lock study: the committed run's hard checks and the read loop's agreement
studies = {}
for r in allr:
    if r.get("workload") in ("selftest",):
        continue
    studies.setdefault((r.get("workload"), r.get("study")), set()).add(r.get("valid"))
bad = sorted(f"{w}/{st}" for (w, st), v in studies.items() if "INVALID" in v)
line("invalid-studies", f"{len(bad)}of{len(studies)}" + (f"({','.join(bad)})" if bad else ""), "<=0",
     bool(studies) and not bad)
sync_like = [r for r in allr if r.get("kind") == "ceiling" and r.get("oversubscribed") != "1"]
above = [r for r in sync_like if num(r.get("lo")) is not None and num(r.get("resolution")) is not None
         and num(r["lo"]) > 1 + num(r["resolution"])]
line("sync-above-nosync", f"{len(above)}of{len(sync_like)}", "<=0", bool(sync_like) and not above)
sp = [r for r in allr if r.get("kind") == "speedup" and r.get("oversubscribed") != "1"
      and r.get("workload") not in ("oldbench",)]
sup = [r for r in sp if num(r.get("lo")) is not None and
       num(r["lo"]) > int(r["threads"]) * (1 + (num(r.get("resolution")) or 0))]
line("superlinear-speedups", f"{len(sup)}of{len(sp)}", "<=0", bool(sp) and not sup)
# rcu-memb / nosync at 2 threads through the exported read loop, in the four studies that run it
loop = []
for w, pred in (("readonly", lambda r: True),
                ("mixed", lambda r: r.get("study", "").endswith(" 0% updates")),
                ("contention", lambda r: r.get("variant") == "spread" and " 0% updates" in r.get("study", "")),
                ("readtargets", lambda r: r.get("variant") == "cache:packed:section")):
    r = next((x for x in allr if x.get("workload") == w and x.get("kind") == "ceiling" and
              x.get("name") == "rcu-memb/nosync" and x.get("threads") == "2" and pred(x)), None)
    if r is not None and num(r["est"]) is not None:
        loop.append((w, num(r["est"]), num(r.get("resolution")) or 0))
if len(loop) == 4:
    spread = max(e for _, e, _ in loop) - min(e for _, e, _ in loop)
    res = max(x for _, _, x in loop)
    line("read-loop-agreement:2T", f"{spread:.3g}(" + ",".join(f"{w}={e:.3g}" for w, e, _ in loop) +
         f";max-res={res:.3g})", "<=max-res", spread <= res)
else:
    line("read-loop-agreement:2T", "n/a", "<=max-res", False)
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
