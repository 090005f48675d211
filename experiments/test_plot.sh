#!/usr/bin/env bash
# test_plot.sh - checks experiments/plot.py on synthetic CSVs.
#
# Writes CSVs that follow the rgbench schema for every workload (including
# oversubscribed thread counts, quoted fields with commas, empty
# percentiles, a suspect row), runs plot.py on them and checks that every
# expected PNG/PDF and summary.md exist and are non-empty. Then removes one
# workload's CSV and checks plot.py still succeeds and notes the skip.
# Exit 0 = pass. Needs only /usr/bin/python3 and python3-matplotlib.
# Usage: experiments/test_plot.sh [WORKDIR]   (default: a fresh mktemp dir, removed on success)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
if [ $# -ge 1 ]; then
  work=$1; mkdir -p "$work"; keep=1
else
  work=$(mktemp -d /tmp/rg-test-plot.XXXXXX); keep=0
fi
data=$work/data
rm -rf "$data"; mkdir -p "$data"

fail() { echo "test_plot: FAIL: $*" >&2; exit 1; }

"$PY" - "$data" <<'EOF'
import csv, os, random, sys
out = sys.argv[1]
random.seed(7)
cols = ("run_id,git_commit,date,host,cpu_model,nproc,kernel,compiler,build_type,"
        "workload,variant,sync,threads,trial,duration_s,warmup_s,graph,nodes,edges,update_ratio,batch,durability,"
        "ops,throughput,unit,p50_us,p90_us,p99_us,p999_us,checksum,oversubscribed,suspect,extra").split(",")
NPROC = 2
THREADS = [1, 2, 4, 8]
POL = ["rcu-memb", "rcu-qsbr", "ck-epoch", "nosync", "rwlock", "mutex"]
BASE = dict(run_id="20250101T000000Z-1", git_commit="abc1234", date="2025-01-01T00:00:00Z", host="testhost",
            cpu_model="Synthetic CPU @ 3.0GHz", nproc=NPROC, kernel="6.1.0", compiler="gcc 12.2.0",
            build_type="Release", duration_s=0.2, warmup_s=0.1, graph="rmat:scale=12,ef=16,seed=1",
            nodes=4096, edges=65536, update_ratio=0, batch=1, durability="none", checksum="deadbeef",
            suspect=0, extra="")

def rows_for(w, variants, syncs, threads, tp, unit, **kw):
    rs = []
    for v in variants:
        for s in syncs:
            for t in threads:
                for trial in range(3):
                    r = dict(BASE, workload=w, variant=v, sync=s, threads=t, trial=trial, unit=unit)
                    r.update(kw)
                    val = tp(v, s, t) * random.uniform(0.9, 1.1)
                    r["throughput"] = f"{val:.1f}"
                    r["ops"] = int(val * 0.2)
                    r["oversubscribed"] = int(t > NPROC)
                    rs.append(r)
    return rs

def scal(s, t):
    eff = min(t, NPROC)
    f = {"nosync": 1.0, "rcu-memb": 0.97, "rcu-qsbr": 0.99, "ck-epoch": 0.95, "rwlock": 0.4, "mutex": 0.3}.get(s, 0.5)
    if s in ("rwlock", "mutex"):
        eff = 1 + 0.2 * (eff - 1)
    return 5e6 * f * eff

def write(name, rs):
    with open(os.path.join(out, name + ".csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=cols)
        wr.writeheader()
        for r in rs:
            wr.writerow({c: r.get(c, "") for c in cols})

rs = rows_for("readonly", [""], POL, THREADS, lambda v, s, t: scal(s, t), "queries")
rs[5]["suspect"] = 1
write("readonly", rs)

rs = []
for u in (0, 1, 10, 50):
    rs += rows_for("mixed", [""], POL[:3] + POL[4:], [1, 2, 4], lambda v, s, t, u=u: scal(s, t) * (1 - u / 100) ** (3 if "rcu" in s else 8),
                   "ops", update_ratio=u)
write("mixed", rs)

rs = []
for b in ("2hop-single", "batch50", "bfs"):
    rs += rows_for("traversal", [b + "-seq"], ["rcu-memb"], [1], lambda v, s, t: 1e5, "roots")
    rs += rows_for("traversal", [b + "-par"], ["rcu-memb"], THREADS, lambda v, s, t: 1e5 * min(t, NPROC) * 0.9, "roots")
rs += rows_for("traversal", ["pagerank"], ["rcu-memb"], [1, 2], lambda v, s, t: 3e7 * t, "edges")
write("traversal", rs)

rs = []
for u in (0, 10):
    rs += rows_for("contention", ["hot", "spread"], ["rcu-memb", "rwlock", "mutex"], THREADS,
                   lambda v, s, t, u=u: scal(s, t) * (0.1 if v == "hot" else 1) / (1 + u), "ops", update_ratio=u)
write("contention", rs)

rs = []
for n in (1, 100, 10000):
    for d in ("none", "off", "interval", "commit"):
        rs += rows_for("writer", [f"txn={n},log={d}"], ["rcu-memb"], [1],
                       lambda v, s, t, n=n, d=d: 1e6 * n / (n + 5) / {"none": 1, "off": 2, "interval": 3, "commit": 300}[d],
                       "edges", durability=d, batch=n)
rs += rows_for("writer", ["txn=1,log=commit,group"], ["rcu-memb"], [1, 2, 4], lambda v, s, t: 3e3 * t, "edges",
               durability="commit", batch=1)
write("writer", rs)

rs = rows_for("counters", ["percpu", "atomic", "perthread", "batched"], ["-"], THREADS,
              lambda v, s, t: {"atomic": 3e7 / min(t, NPROC), "percpu": 1e8 * min(t, NPROC)}.get(v, 2e8 * min(t, NPROC)), "increments")
write("counters", rs)

rs = rows_for("latency", ["no-writer"], POL[:2] + POL[4:], [1, 2], lambda v, s, t: 1e6, "queries")
for r in rows_for("latency", ["writer"], POL[:2] + POL[4:], [1, 2], lambda v, s, t: 1e6, "queries"):
    r["extra"] = f"readers={r['threads']};writer_threads=1"
    r["threads"] += 1
    r["oversubscribed"] = int(r["threads"] > NPROC)
    rs.append(r)
for r in rs:
    k = (5 if r["variant"] == "writer" and r["sync"] in ("rwlock", "mutex") else 1) * random.uniform(0.9, 1.1)
    r.update(p50_us=f"{0.3 * k:.3f}", p90_us=f"{0.6 * k:.3f}", p99_us=f"{2 * k:.3f}", p999_us=f"{15 * k * k:.3f}")
rs[0]["p999_us"] = ""   # a missing percentile must not break anything
write("latency", rs)

rs = []
for s in ("rcu-memb", "rwlock"):
    for trial in range(3):
        for i in range(10):
            t = i * 0.05 + 0.05 + random.uniform(0, 0.01)
            rss = (50 + 30 * (1 - 2.718 ** (-t)) + (10 if s == "rcu-memb" else 0)) * 2**20 * random.uniform(0.98, 1.02)
            pend = (5 * 2**20 * random.random()) if s == "rcu-memb" else 0
            rs.append(dict(BASE, workload="memory", variant=f"t={t:.2f}s", sync=s, threads=2, trial=trial,
                           throughput=f"{1e5 * random.uniform(0.9, 1.1):.0f}", unit="commits", oversubscribed=0,
                           extra=f"rss_bytes={rss:.0f};pending_bytes={pend:.0f};readers=1"))
write("memory", rs)

rs = []
for g in ("wiki-Vote", "email-Eu-core"):
    for k, f in (("snap", 1.0), ("uniform", 0.7), ("rmat", 1.2)):
        rs += rows_for("realgraphs", [f"{g}:{k}"], ["rcu-memb"], THREADS, lambda v, s, t, f=f: f * scal(s, t) / 3,
                       "queries", graph=f"datasets/{g}.txt.gz" if k == "snap" else f"{k}:n=7115,deg=14,seed=1")
write("realgraphs", rs)

rs = rows_for("lmdb", ["reads", "mixed"], ["rcu-memb", "lmdb"], [1, 2, 4],
              lambda v, s, t: scal("rcu-memb", t) / (8 if s == "lmdb" else 1), "queries")
write("lmdb", rs)

rs = []
for sc in ("reads", "mixed", "traversal", "contention"):
    for f, k in (("none", 1), ("spawn-in-timer", 0.5), ("shared-warm-cache", 6), ("ms-rounding", 2), ("all", 15)):
        rs += rows_for("oldbench", [f"{sc}:flaw={f}"], ["lru-rwlock", "rcu-memb"], [1, 2, 4],
                       lambda v, s, t, k=k: 1e6 * (1 if t == 1 else min(t, NPROC) * 0.8 * k), "ops")
write("oldbench", rs)

# An unknown workload goes to the generic plot.
write("future", rows_for("future", ["a"], ["rcu-memb"], [1, 2], lambda v, s, t: 1e6 * t, "ops"))
EOF

expected="readonly readonly_ratio mixed traversal contention writer counters latency memory realgraphs lmdb oldbench future"

log=$work/plot.log
"$PY" "$here/plot.py" "$data" >"$log" 2>&1 || { cat "$log"; fail "plot.py exited non-zero on the full synthetic set"; }
for f in $expected; do
  for ext in png pdf; do
    p=$data/figures/$f.$ext
    [ -s "$p" ] || { cat "$log"; fail "missing or empty $p"; }
  done
done
[ -s "$data/summary.md" ] || fail "missing or empty summary.md"
grep -q "| readonly | rcu-memb, 2 threads" "$data/summary.md" || { cat "$data/summary.md"; fail "summary.md lacks the readonly headline"; }
grep -q "Suspect rows" "$data/summary.md" || fail "summary.md does not list the suspect row"
grep -q "nproc=2" "$data/summary.md" || fail "summary.md does not name the machine"
if grep -q "error" "$log"; then cat "$log"; fail "plot.py printed an error"; fi

# A missing CSV is skipped with a note, not a failure.
part=$work/partial
rm -rf "$part"; mkdir -p "$part"
cp "$data"/readonly.csv "$data"/memory.csv "$part"/
"$PY" "$here/plot.py" "$part" >"$log" 2>&1 || { cat "$log"; fail "plot.py failed when CSVs are missing"; }
grep -q "no rows for workload 'lmdb'" "$log" || { cat "$log"; fail "no note for the missing lmdb CSV"; }
[ ! -e "$part/figures/lmdb.png" ] || fail "lmdb figure drawn without data"
[ -s "$part/figures/readonly.png" ] || fail "readonly figure missing in the partial run"
[ -s "$part/figures/memory.pdf" ] || fail "memory figure missing in the partial run"

# An empty directory still gives a summary and exit 0.
mkdir -p "$work/empty"
"$PY" "$here/plot.py" "$work/empty" >"$log" 2>&1 || { cat "$log"; fail "plot.py failed on an empty directory"; }
[ -s "$work/empty/summary.md" ] || fail "no summary.md for an empty directory"

echo "test_plot: PASS ($(echo $expected | wc -w) figures, PNG+PDF, summary.md)"
[ $keep -eq 1 ] || rm -rf "$work"
