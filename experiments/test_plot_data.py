#!/usr/bin/python3
"""test_plot_data.py DIR - synthetic rgbench CSVs for experiments/test_plot.sh.

Every workload in the per-round schema (rounds, ratio columns, A/A copies,
oversubscribed thread counts, quoted fields with commas, an empty
percentile, an INVALID workload, deliberately flawed oldbench rows, memory
samples), a ratios CSV with the read targets and A/A rows, and a
section-cost CSV. Deterministic (seeded)."""

import csv
import os
import random
import sys

out = sys.argv[1]
random.seed(7)
cols = ("run_id,git_commit,date,host,cpu_model,nproc,kernel,compiler,build_type,seed,"
        "workload,variant,sync,threads,round,order_pos,rounds,duration_s,warmup_s,graph,nodes,edges,"
        "update_ratio,batch,durability,ops,throughput,unit,p50_us,p90_us,p99_us,p999_us,checksum,"
        "cpus,callrcu_cpus,oversubscribed,ref,ratio,ratio_lo,ratio_hi,ratio_n,resolution,verdict,"
        "speedup,speedup_lo,speedup_hi,rank,valid,extra").split(",")
rcols = ("run_id,git_commit,date,host,cpu_model,nproc,seed,workload,study,variant,threads,oversubscribed,"
         "name,kind,num,den,est,lo,hi,coverage,n,nskipped,resolution,aa_biased,verdict,rank,valid,"
         "reason").split(",")
sccols = ("run_id,git_commit,date,host,cpu_model,nproc,kernel,compiler,build_type,seed,tool,graph,nodes,"
          "edges,path,sync,kind,ops,sum,equal_work,ir_total,ir_baseline_total,Ir_per_op,Dr_per_op,Dw_per_op,"
          "I1mr_per_op,D1mr_per_op,D1mw_per_op,ILmr_per_op,DLmr_per_op,DLmw_per_op,cache_config").split(",")
NPROC = 2
THREADS = [1, 2, 4, 8]
POL = ["rcu-memb", "rcu-qsbr", "ck-epoch", "nosync", "rwlock", "mutex"]
BASE = dict(run_id="20250101T000000Z-1", git_commit="abc1234", date="2025-01-01T00:00:00Z", host="testhost",
            cpu_model="Synthetic CPU @ 3.0GHz", nproc=NPROC, kernel="6.1.0", compiler="gcc 12.2.0",
            build_type="Release", seed=1, rounds=6, duration_s=0.2, warmup_s=0.1,
            graph="rmat:scale=12,ef=16,seed=1", nodes=4096, edges=65536, update_ratio=0, batch=1,
            durability="none", checksum="deadbeef", cpus="0;1", callrcu_cpus="0-1", valid="valid", extra="")


def rows_for(w, variants, syncs, threads, tp, unit, ref=None, **kw):
    rs = []
    for v in variants:
        for s in syncs:
            for t in threads:
                q = tp(v, s, t) / tp(v, ref, t) if ref else 1
                for rnd in range(6):
                    r = dict(BASE, workload=w, variant=v, sync=s, threads=t, round=rnd, order_pos=rnd, unit=unit)
                    r.update(kw)
                    val = tp(v, s, t) * random.uniform(0.9, 1.1)
                    r["throughput"] = f"{val:.9g}"
                    r["ops"] = int(val * 0.2)
                    r["oversubscribed"] = int(t > NPROC)
                    if ref and s != ref:
                        verdict = "indistinguishable" if abs(q - 1) < 0.05 else ("below" if q < 1 else "above")
                        r.update(ref=ref, ratio=f"{q:.6g}", ratio_lo=f"{q * 0.95:.6g}", ratio_hi=f"{q * 1.05:.6g}",
                                 ratio_n=6, resolution="0.03",
                                 verdict="oversubscribed" if t > NPROC else verdict,
                                 rank="" if t > NPROC else 1)
                    elif ref:
                        r.update(verdict="reference", resolution="0.03", rank="" if t > NPROC else 1)
                    rs.append(r)
    return rs


def scal(s, t):
    eff = min(t, NPROC)
    f = {"nosync": 1.0, "rcu-memb": 0.97, "rcu-qsbr": 0.99, "ck-epoch": 0.95, "rwlock": 0.4,
         "mutex": 0.3}.get(s, 0.5)
    if s in ("rwlock", "mutex"):
        eff = 1 + 0.2 * (eff - 1)
    return 5e6 * f * eff


def write(name, rs, columns=cols):
    with open(os.path.join(out, name + ".csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=columns)
        wr.writeheader()
        for r in rs:
            wr.writerow({c: r.get(c, "") for c in columns})


def ratio_row(w, study, variant, t, name, kind, est, lo, hi, res=0.03, verdict="below", valid="valid"):
    return dict(BASE, workload=w, study=study, variant=variant, threads=t, oversubscribed=int(t > NPROC),
                name=name, kind=kind, num="a", den="b", est=est, lo=lo, hi=hi, coverage=0.97852, n=10,
                nskipped=0, resolution=res, aa_biased=0, verdict=verdict, valid=valid, reason="synthetic")


# readonly: INVALID (a hard check fired on one configuration), with its A/A copy
rs = rows_for("readonly", [""], POL, THREADS, lambda v, s, t: scal(s, t), "queries", ref="nosync")
for r in rs[:6]:
    r.update(verdict="invalid", extra="invalid_reason=rcu-memb above the nosync ceiling")
for r in rs:
    r["valid"] = "INVALID"
rs += rows_for("readonly", [""], ["nosync#2"], [1, 2], lambda v, s, t: scal("nosync", t), "queries")
write("readonly", rs)
write("readonly.ratios", [ratio_row("readonly", "readonly", "", t, "A/A nosync#2/nosync", "aa", 1.0, 0.98, 1.03,
                                    verdict="aa", valid="INVALID") for t in (1, 2)], rcols)

rs = []
for u in (0, 1, 10, 50):
    rs += rows_for("mixed", [""], POL[:3] + POL[4:], [1, 2, 4],
                   lambda v, s, t, u=u: scal(s, t) * (1 - u / 100) ** (3 if "rcu" in s else 8), "ops", update_ratio=u)
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
for v in ("txn=1,log=commit,group", "txn=1,log=commit,group,ckpt=on"):
    for r in rows_for("writer", [v], ["rcu-memb"], [1, 2, 4] if "ckpt" not in v else [1, 4],
                      lambda v, s, t: 3e3 * t, "edges", durability="commit", batch=1):
        k = 2 if "ckpt" in v else 1
        r.update(extra=f"fsyncs_per_commit={1 / r['threads']:.3f}", p50_us=f"{200 * k}", p90_us=f"{300 * k}",
                 p99_us=f"{400 * k}", p999_us=f"{900 * k}")
        rs.append(r)
write("writer", rs)
write("writer.ratios", [ratio_row("writer", "writer rcu-memb", "txn=1,log=commit,group,ckpt=on", t, "t-ckpt-p99-on/off",
                                  "compare", 1.5, 1.2, 1.9) for t in (1, 4)]
      + [ratio_row("writer", "writer rcu-memb", "txn=1,log=commit,group", 4, "t-group-commit-4/1", "compare",
                   2.9, 2.7, 3.1)], rcols)

rs = rows_for("counters", [""], ["percpu", "atomic", "perthread", "batched"], THREADS,
              lambda v, s, t: {"atomic": 3e7 / min(t, NPROC), "percpu": 1e8 * min(t, NPROC)}.get(s, 2e8 * min(t, NPROC)),
              "increments", ref="atomic")
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
    for rnd in range(3):
        rs.append(dict(BASE, workload="memory", variant="", sync=s, threads=2, round=rnd, throughput="1e5",
                       unit="commits", oversubscribed=0, extra="peak_pending_bytes=1000;readers=1"))
        for i in range(10):
            t = i * 0.05 + 0.05 + random.uniform(0, 0.01)
            rss = (50 + 30 * (1 - 2.718 ** (-t)) + (10 if s == "rcu-memb" else 0)) * 2**20 * random.uniform(0.98, 1.02)
            pend = (5 * 2**20 * random.random()) if s == "rcu-memb" else 0
            rs.append(dict(BASE, workload="memory", variant=f"t={t:.2f}s", sync=s, threads=2, round=rnd,
                           throughput=f"{1e5 * random.uniform(0.9, 1.1):.0f}", unit="commits", oversubscribed=0,
                           verdict="sample", extra=f"rss_bytes={rss:.0f};pending_bytes={pend:.0f};readers=1"))
write("memory", rs)

rs = []
for g in ("wiki-Vote", "email-Eu-core"):
    for k, f in (("snap", 1.0), ("uniform", 0.7), ("rmat", 1.2)):
        rs += rows_for("realgraphs", [f"{g}:{k}"], ["rcu-memb"], THREADS, lambda v, s, t, f=f: f * scal(s, t) / 3,
                       "queries", graph=f"/work/shared/datasets/{g}.txt" if k == "snap" else f"{k}:n=7115,deg=14,seed=1")
write("realgraphs", rs)

rs = rows_for("peers", ["neighbors", "2hop"], ["rcu-memb", "lmdb", "sqlite"], [1, 2],
              lambda v, s, t: scal("rcu-memb", t) / {"lmdb": 4, "sqlite": 80}.get(s, 1), "queries", ref="lmdb")
rs += rows_for("peers", ["write:off", "write:commit"], ["rcu-memb", "lmdb", "sqlite"], [1],
               lambda v, s, t: 1e5 / {"lmdb": 3, "sqlite": 5}.get(s, 1), "commits", ref="lmdb")
write("peers", rs)
rr = []
for v, t in (("neighbors", 1), ("neighbors", 2), ("2hop", 2), ("write:off", 1), ("write:commit", 1)):
    st = "peers write" if v.startswith("write") else "peers read"
    for store, est in (("rcu-memb", 4.2), ("sqlite", 0.04)):
        rr.append(dict(ratio_row("peers", st, v, t, f"{store}/lmdb", "ratio", est, est * 0.9, est * 1.1),
                       num=f"{store}@{v} {t}T", den=f"lmdb@{v} {t}T"))
    rr.append(ratio_row("peers", st, v, t, "t-peers-rcugraph/lmdb" if not v.startswith("write")
                        else "t-peers-write-rcugraph/lmdb", "compare", 4.2, 3.8, 4.6))
write("peers.ratios", rr, rcols)

# the writer-side workloads: per-round rows and their named comparisons
write("insert", rows_for("insert", ["batched:floor"], ["floor"], [1], lambda v, s, t: 3e7, "edges")
      + rows_for("insert", ["batched:txn=10000"], ["rcu-memb"], [1], lambda v, s, t: 1e7, "edges"))
write("insert.ratios", [ratio_row("insert", "insert batched", "batched:txn=10000", 1, "t-insert/floor", "compare",
                                  0.33, 0.3, 0.36),
                        ratio_row("insert", "insert batched", "batched:txn=10000", 1, "t-insert/vfloor", "compare",
                                  0.6, 0.5, 0.7),
                        ratio_row("insert", "insert hub", "hub:spread", 1, "t-hub-time/spread-time", "compare",
                                  0.5, 0.45, 0.6),
                        ratio_row("insert", "insert batched", "batched:floor", 1, "A/A floor#2/floor", "aa",
                                  1.0, 0.95, 1.05, res=0.05, verdict="aa")], rcols)
write("load", rows_for("load", ["rmat:rcugraph"], ["rcu-memb"], [1], lambda v, s, t: 3e7, "edges")
      + rows_for("load", ["rmat:csr"], ["csr"], [1, 2], lambda v, s, t: 5e7 * t, "edges"))
write("load.ratios", [ratio_row("load", f"load {g}", f"{g}:csr", t, f"t-load-time/csr{t}T", "compare",
                                1.6 * t, 1.5 * t, 1.7 * t) for g in ("rmat", "wiki-Vote") for t in (1, 2)], rcols)
fp = []
for i, (v, s, bpe, extra) in enumerate((("packed", "rcu-memb", 12.6, "nodes_bpe=0.5;heads_bpe=2.8;arrays_bpe=0;pack_bpe=9.3"),
                                        ("live", "rcu-memb", 16.1, "nodes_bpe=0.5;heads_bpe=2.8;arrays_bpe=12.8;pack_bpe=0"),
                                        ("csr", "csr", 9.0, "bytes=9000000"))):
    fp.append(dict(BASE, workload="footprint", variant=v, sync=s, threads=1, round=0, order_pos=i,
                   throughput=bpe, unit="bytes/edge", ops=1000000, oversubscribed=0,
                   ratio="" if s == "csr" else f"{bpe / 9.0:.4f}", extra=extra + ";deterministic=1"))
write("footprint", fp)
write("footprint.ratios", [ratio_row("footprint", "footprint", v, 1, f"t-footprint-{v}/csr", "compare", e, e, e,
                                     verdict="deterministic") for v, e in (("packed", 1.4), ("live", 1.79))], rcols)
write("wal", rows_for("wal", ["replay"], ["rcu-memb"], [1], lambda v, s, t: 7e6, "edges")
      + rows_for("wal", ["ckptread:without", "ckptread:during"], ["rcu-memb"], [2],
                 lambda v, s, t: 2e7 * (0.95 if "during" in v else 1), "queries"))
write("wal.ratios", [ratio_row("wal", "wal ckptread", "ckptread:during", 2, "t-readers-during/without", "compare",
                               0.95, 0.9, 1.0),
                     ratio_row("wal", "wal ckptread", "ckptread:without", 2, "A/A rcu-memb#2/rcu-memb", "aa",
                               1.0, 0.96, 1.03, res=0.04, verdict="aa")], rcols)
lr = []
for s in ("rcu-memb", "rcu-qsbr", "ck-epoch", "rwlock"):
    for rnd in range(6):
        lr.append(dict(BASE, workload="longread", variant="long-section", sync=s, threads=2, round=rnd,
                       throughput=1e4 if s != "rwlock" else 3, unit="commits", oversubscribed=0,
                       extra=f"peak_pending_bytes={0 if s == 'rwlock' else 4194400};gc_limit_bytes=4194304;"
                             f"bound_ratio={0 if s == 'rwlock' else 1.0};gc_waits=2;max_commit_us=290000"))
        for i in range(10):
            t = 0.03 * (i + 1)
            pend = 0 if s == "rwlock" else min(4194304, 4194304 * t * 20)
            lr.append(dict(BASE, workload="longread", variant=f"t={t:.2f}s", sync=s, threads=2, round=rnd,
                           throughput=1e4, unit="commits", oversubscribed=0, verdict="sample",
                           extra=f"pending_bytes={pend:.0f};gc_waits=1;gc_limit_bytes=4194304"))
write("longread", lr)
ol = rows_for("openloop", ["no-writer"], ["nosync", "rcu-memb", "rwlock"], [1], lambda v, s, t: 1e5, "queries")
ol += rows_for("openloop", ["writer"], ["rcu-memb", "rwlock"], [2], lambda v, s, t: 1e5, "queries")
for r in ol:
    k = (20 if r["variant"] == "writer" and r["sync"] == "rwlock" else 1) * random.uniform(0.9, 1.1)
    r.update(p50_us=f"{0.3 * k:.3f}", p90_us=f"{0.8 * k:.3f}", p99_us=f"{3 * k:.3f}", p999_us=f"{12 * k:.3f}",
             extra="readers=1;rate_per_reader=100000")
write("openloop", ol)
write("openloop.ratios", [dict(ratio_row("openloop", "openloop", "writer", 2, "p99/rcu-memb", "compare",
                                         20, 15, 25), num="rwlock@writer 2T")], rcols)
write("kernels", rows_for("kernels", ["bfs", "pagerank", "wcc"], ["rcu-memb", "csr"], [1, 2],
                          lambda v, s, t: 10 * t * (0.8 if s == "rcu-memb" else 1), "runs", ref="csr"))
write("kernels.ratios", [ratio_row("kernels", "kernels", k, t, "t-kernel-rcugraph/csr", "compare", 0.8, 0.7, 0.9)
                         for k in ("bfs", "pagerank", "wcc") for t in (1, 2)], rcols)

rs = []
for sc in ("reads", "mixed", "traversal", "contention"):
    for f, k in (("none", 1), ("spawn-in-timer", 0.5), ("shared-warm-cache", 6), ("ms-rounding", 2), ("all", 15)):
        for r in rows_for("oldbench", [f"{sc}:flaw={f}"], ["lru-rwlock", "rcu-memb"], [1, 2, 4],
                          lambda v, s, t, k=k: 1e6 * (1 if t == 1 else min(t, NPROC) * 0.8 * k), "ops"):
            r["valid"] = "valid" if f == "none" else "flawed"
            rs.append(r)
write("oldbench", rs)

# read targets: per-round rows and the named comparisons
rs = []
for gv in ("cache", "dram"):
    for path, s in (("csr", "csr"), ("span", "nosync"), ("section-inline", "rcu-memb")):
        rs += rows_for("readtargets", [f"{gv}:packed:{path}"], [s], [1, 2], lambda v, s, t: 3e7 * t, "queries",
                       graph="uniform:n=16384,deg=16,seed=1" if gv == "cache" else "rmat:scale=20,ef=16,seed=1")
write("readtargets", rs)
rr = []
for gv in ("cache", "dram"):
    for t in (1, 2):
        for name, est in (("t14-span/csr", 0.85), ("t14-section-inline-nosync/csr", 0.55),
                          ("t14-section-inline-rcu-memb/csr", 0.5), ("t14-edited-span/csr", 0.45),
                          ("t14-rcu-memb/nosync-inline", 0.97), ("t14-rcu-memb/nosync-exported", 0.88)):
            rr.append(ratio_row("readtargets", f"readtargets {gv} packed", f"{gv}:packed:x", t, name, "compare",
                                est, est - 0.02, est + 0.02, res=0.02))
        rr.append(ratio_row("readtargets", f"readtargets {gv} packed", f"{gv}:packed:section", t,
                            "A/A nosync#2/nosync", "aa", 1.0, 0.97, 1.04, res=0.04, verdict="aa"))
write("readtargets.ratios", rr, rcols)

# section costs (callgrind)
sc = []
for s in POL:
    for kind, ir in (("section", 150), ("query", 300)):
        sc.append(dict(BASE, tool="callgrind", path="exported", sync=s, kind=kind, ops=20000, equal_work=1,
                       Ir_per_op=ir + 10 * POL.index(s), D1mr_per_op=2.7, cache_config="LL cache: 33554432 B"))
for s in ("rcu-memb", "nosync"):
    for kind, ir in (("section-inline", 80), ("query-inline", 170)):
        sc.append(dict(BASE, tool="callgrind", path="inline", sync=s, kind=kind, ops=20000, equal_work=1,
                       Ir_per_op=ir, D1mr_per_op=2.7))
sc.append(dict(BASE, tool="callgrind", path="static", sync="csr", kind="csr", ops=20000, equal_work=1,
               Ir_per_op=73, D1mr_per_op=2.7))
write("sectioncost", sc, sccols)

# An unknown workload goes to the generic plot.
write("future", rows_for("future", ["a"], ["rcu-memb"], [1, 2], lambda v, s, t: 1e6 * t, "ops"))
