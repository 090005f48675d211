#!/usr/bin/python3
"""gen_numbers.py - every number, table and figure of the paper, from results/.

Usage: paper/gen_numbers.py [--results DIR] [--out DIR] [--figures-out DIR] [--quiet]

Reads every DIR/*.csv (the tidy rgbench schema, docs/experiments.md; one row
per trial) and writes
  OUT/numbers.tex     \\newcommand{\\rgName}{value} for every number the text
                      quotes (names: "rg" + letters only, see paper/README.md)
  OUT/tab_*.tex       the tables (booktabs tabulars, \\input by main.tex)
  OUT/manifest.txt    sha256 of every input CSV and copied figure
  FIGOUT/*.pdf        the figure PDFs experiments/plot.py wrote to DIR/figures/
                      (copied byte for byte; nothing is re-plotted here)
DIR defaults to results/full, or results/quick when results/full has no CSV.
OUT defaults to paper/generated, FIGOUT to paper/figures.

Robustness: the SET of macro names does not depend on the data. Every macro
the text may use is always written; a workload, policy or configuration that
is absent from the CSVs gives "n/a" (so the paper still compiles and
paper/check.py still passes). Aggregation: medians over trials, ratios are
ratios of medians, "ref" is the largest thread count not above nproc.

Standard library only (csv, statistics, hashlib): runs with /usr/bin/python3.
"""

import argparse
import csv
import glob
import hashlib
import os
import re
import shutil
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAPER = os.path.join(ROOT, "paper")

# Policies in the order of docs/policies.md. Macros are written for all of
# them whether or not the CSVs hold rows (then "n/a").
POLICIES = ["nosync", "rcu-memb", "rcu-qsbr", "rcu-bp", "rcu-mb", "ck-epoch", "ck-seqlock",
            "mutex", "rwlock", "rwlock-wp", "ck-rwlock", "ck-brlock", "ck-pflock", "lru-rwlock"]
RCU_LIKE = ["rcu-memb", "rcu-qsbr", "rcu-bp", "rcu-mb", "ck-epoch", "ck-seqlock"]
LOCKS = ["mutex", "rwlock", "rwlock-wp", "ck-rwlock", "ck-brlock", "ck-pflock", "lru-rwlock"]
UPDATE_PCTS = [0, 1, 5, 10, 20, 50, 100]
TXN_SIZES = [1, 10, 100, 1000, 10000]
LOG_MODES = ["none", "off", "interval", "commit"]
TRAV_KINDS = [("2hop-single", "TwoHop"), ("batch50", "Batch"), ("bfs", "Bfs"), ("pagerank", "Pagerank")]
COUNTER_VARIANTS = ["atomic", "percpu", "perthread", "batched"]
OB_SCENARIOS = ["reads", "mixed", "traversal", "contention"]
OB_FLAWS = [("none", "Honest"), ("spawn-in-timer", "Spawn"), ("shared-warm-cache", "Warm"),
            ("ms-rounding", "Ms"), ("semantics-mismatch", "Semantics"), ("all", "All")]
OB_POLICIES = ["lru-rwlock", "rcu-memb"]
THREAD_WORDS = {1: "One", 2: "Two", 3: "Three", 4: "Four", 8: "Eight", 16: "Sixteen",
                32: "ThirtyTwo", 64: "SixtyFour"}
NUM_WORDS = {0: "Zero", 1: "One", 5: "Five", 10: "Ten", 20: "Twenty", 50: "Fifty", 100: "Hundred",
             1000: "Thousand", 10000: "TenThousand"}
DIGITS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
NA = "n/a"
GEQ = "$\\geq$"
LEQ = "$\\leq$"

# The project's targets (from the issues; the same thresholds are printed by
# experiments/bench_policies.c, bench_counters.c and docs/traversal.md), all
# evaluated at the reference thread count (nproc, 2 on the paper's machine).
# (macro suffix, description, workload key, threshold, ">=" or "<=")
TARGETS = [
    ("QsbrNosync", "read-only: rcu-qsbr / nosync", "ro:rcu-qsbr/nosync", 0.97, ">="),
    ("MembNosync", "read-only: rcu-memb / nosync", "ro:rcu-memb/nosync", 0.90, ">="),
    ("MembRwlock", "read-only: rcu-memb / rwlock", "ro:rcu-memb/rwlock", 4.0, ">="),
    ("MembLru", "read-only: rcu-memb / lru-rwlock", "ro:rcu-memb/lru-rwlock", 5.0, ">="),
    ("PercpuAtomic", "counters: per-CPU / atomic", "co:percpu/atomic", 4.0, ">="),
    ("TravBatch", "traversal: batch-50 parallel / sequential", "tr:batch50", 1.6, ">="),
]


# ------------------------------------------------------------------ helpers

def fnum(s):
    s = (s or "").strip()
    if s in ("", "-"):
        return None
    try:
        return float(s)
    except ValueError:
        return None


def parse_kv(s):
    out = {}
    for part in (s or "").split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def div(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def camel(name):
    """'rcu-memb' -> 'RcuMemb'; digits spelled out; letters only."""
    out = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        if not part:
            continue
        word = ""
        for ch in part:
            word += DIGITS[int(ch)] if ch.isdigit() else ch
        out.append(word[0].upper() + word[1:])
    return "".join(out) or "X"


def tword(n):
    if n in THREAD_WORDS:
        return THREAD_WORDS[n]
    return "T" + "".join(DIGITS[int(c)] for c in str(n))


def nword(n):
    n = int(n)
    if n in NUM_WORDS:
        return NUM_WORDS[n]
    return "N" + "".join(DIGITS[int(c)] for c in str(n))


def tex_escape(s):
    s = str(s)
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
           "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(c, c) for c in s)


def sig(v, digits=3):
    """v with `digits` significant digits, no exponent, trailing zeros kept sensible."""
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 10 ** digits:
        return f"{v:.0f}"
    d = digits - 1
    p = 1
    while a >= 10 ** p and d > 0:
        p += 1
        d -= 1
    if a < 1:
        # count leading zeros after the point
        z = 0
        x = a
        while x < 0.1:
            x *= 10
            z += 1
        d = digits + z
    return f"{v:.{d}f}"


def f_tput(v):
    """Throughput: 7.16\\,M (SI prefix, 3 significant digits)."""
    if v is None:
        return NA
    a = abs(v)
    for lim, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= lim:
            return f"{sig(v / lim)}\\,{suf}"
    return sig(v)


def f_ratio(v, times=True):
    if v is None:
        return NA
    a = abs(v)
    s = f"{v:.0f}" if a >= 100 else f"{v:.1f}" if a >= 10 else f"{v:.2f}" if a >= 0.1 else sig(v, 2)
    return s + ("\\ensuremath{\\times}" if times else "")


def f_us(v):
    if v is None:
        return NA
    return f"{sig(v)}\\,\\ensuremath{{\\mu}}s"


def f_mib(v):
    if v is None:
        return NA
    return f"{v / 1048576.0:.1f}\\,MiB"


def f_pct(v):
    if v is None:
        return NA
    return f"{v:.0f}\\,\\%" if abs(v) >= 10 else f"{v:.1f}\\,\\%"


def f_int(v):
    if v is None:
        return NA
    return f"{int(round(v)):,}".replace(",", "{,}")


def f_plain(v):
    """A small number as plain text (thread counts, percentages of the config)."""
    if v is None:
        return NA
    return f"{v:g}"


def ranges_cmp(a, b):
    """'above' / 'below' / 'indistinguishable from': do the trial ranges overlap?"""
    a = [x for x in a if x is not None]
    b = [x for x in b if x is not None]
    if not a or not b:
        return NA
    if min(a) > max(b):
        return "above"
    if max(a) < min(b):
        return "below"
    return "indistinguishable from"


# ------------------------------------------------------------------ reading

REQUIRED = ("workload", "variant", "sync", "threads", "throughput")


def default_results():
    full = os.path.join(ROOT, "results", "full")
    if glob.glob(os.path.join(full, "*.csv")):
        return full
    return os.path.join(ROOT, "results", "quick")


def read_rows(directory, notes):
    rows = []
    files = sorted(glob.glob(os.path.join(directory, "*.csv")))
    used = []
    for path in files:
        with open(path, newline="") as f:
            rd = csv.DictReader(f)
            if rd.fieldnames is None or any(c not in rd.fieldnames for c in REQUIRED):
                notes.append(f"{os.path.basename(path)}: not an rgbench CSV, skipped")
                continue
            n = 0
            for lineno, r in enumerate(rd, start=2):
                thr = fnum(r.get("throughput"))
                if thr is None or not (r.get("workload") or "").strip():
                    notes.append(f"{os.path.basename(path)}:{lineno}: no throughput/workload, skipped")
                    continue
                r = {k: (v or "") for k, v in r.items() if k is not None}
                r["throughput"] = thr
                r["threads"] = int(fnum(r.get("threads")) or 1)
                r["nproc"] = int(fnum(r.get("nproc")) or 0)
                r["trial"] = int(fnum(r.get("trial")) or 0)
                r["oversubscribed"] = int(fnum(r.get("oversubscribed")) or 0)
                r["suspect"] = int(fnum(r.get("suspect")) or 0)
                r["upd"] = fnum(r.get("update_ratio"))
                r["kv"] = parse_kv(r.get("extra"))
                r["sync"] = r.get("sync") or "-"
                for p in ("p50_us", "p90_us", "p99_us", "p999_us"):
                    r[p] = fnum(r.get(p))
                r["_file"] = os.path.basename(path)
                rows.append(r)
                n += 1
            used.append((path, n))
    return used, rows


def sel(rows, **kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]


def tputs(rows, **kw):
    return [r["throughput"] for r in sel(rows, **kw)]


def mtput(rows, **kw):
    return med(tputs(rows, **kw))


def nproc_of(rows):
    ns = [r["nproc"] for r in rows if r["nproc"] > 0]
    return max(ns) if ns else None


def ref_threads(rows, nproc):
    ts = sorted({r["threads"] for r in rows})
    if not ts:
        return None
    ok = [t for t in ts if nproc is None or t <= nproc]
    return ok[-1] if ok else ts[0]


def main_graph(rows):
    """Rows of the graph with the most rows (a workload normally has one)."""
    if not rows:
        return rows
    count = {}
    for r in rows:
        count[r.get("graph", "")] = count.get(r.get("graph", ""), 0) + 1
    g = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return [r for r in rows if r.get("graph", "") == g]


# ------------------------------------------------------------------ output

class Out:
    def __init__(self):
        self.macros = []          # (name, value, comment)
        self.names = set()
        self.tables = {}          # name -> text
        self.values = {}          # internal numeric values for targets

    def m(self, name, value, comment=""):
        assert re.fullmatch(r"rg[A-Z][A-Za-z]*", name), name
        if name in self.names:
            raise SystemExit(f"gen_numbers: internal error: macro \\{name} defined twice")
        self.names.add(name)
        self.macros.append((name, NA if value is None else str(value), comment))

    def section(self, title):
        self.macros.append((None, None, title))


def table(colspec, header, body, note=None):
    """A booktabs tabular. header: list of cells; body: list of rows (lists) or '\\midrule'."""
    lines = [f"\\begin{{tabular}}{{{colspec}}}", "\\toprule",
             " & ".join(header) + " \\\\", "\\midrule"]
    if not body:
        lines.append(f"\\multicolumn{{{len(header)}}}{{c}}{{\\emph{{no rows for this workload in the results}}}} \\\\")
    for row in body:
        if row == "\\midrule":
            lines.append("\\midrule")
        else:
            lines.append(" & ".join(row) + " \\\\")
    lines.append("\\bottomrule")
    lines.append("\\end{tabular}")
    if note:
        lines.append(note)
    return "\n".join(lines) + "\n"


def pol_tt(p):
    return f"\\texttt{{{tex_escape(p)}}}"


# ------------------------------------------------------------------ workloads

def gen_meta(o, rows, results_dir, used):
    o.section("run metadata")
    nproc = nproc_of(rows)
    o.m("rgNproc", f_plain(nproc), "online CPUs (nproc column)")
    o.m("rgRefThreads", f_plain(nproc), "reference thread count: nproc")

    def distinct(col):
        vals = []
        for r in rows:
            v = r.get(col, "")
            if v and v not in vals:
                vals.append(v)
        return vals
    for col, name in (("cpu_model", "rgCpuModel"), ("kernel", "rgKernel"), ("compiler", "rgCompiler"),
                      ("build_type", "rgBuildType"), ("git_commit", "rgGitCommit"), ("host", "rgHost")):
        vs = distinct(col)
        o.m(name, tex_escape("; ".join(sorted(vs))) if vs else None, col)
    dates = sorted(d for d in distinct("date"))
    o.m("rgDateFirst", tex_escape(dates[0]) if dates else None)
    o.m("rgDateLast", tex_escape(dates[-1]) if dates else None)
    o.m("rgDateDay", tex_escape(dates[-1][:10]) if dates else None, "day of the last run")
    rel = os.path.relpath(results_dir, ROOT)
    o.m("rgResultsDir", tex_escape(rel if not rel.startswith("..") else results_dir))
    o.m("rgCsvCount", f_plain(len([u for u in used if u[1] > 0])))
    o.m("rgRowCount", f_int(len(rows)), "measured trials (rows)")
    o.m("rgRunCount", f_plain(len(distinct("run_id"))), "rgbench invocations")
    timed = [r for r in rows if fnum(r.get("duration_s")) and r["workload"] != "memory"]
    o.m("rgTrialSeconds", f_plain(med([fnum(r["duration_s"]) for r in timed])), "median duration_s")
    o.m("rgWarmupSeconds", f_plain(med([fnum(r["warmup_s"]) for r in timed])), "median warmup_s")
    cfg = {}
    for r in timed:
        k = (r["workload"], r["variant"], r["sync"], r["threads"], r.get("update_ratio"), r.get("batch"),
             r.get("durability"), r.get("graph"))
        cfg[k] = cfg.get(k, 0) + 1
    o.m("rgTrialsPerConfig", f_plain(med(list(cfg.values())) if cfg else None), "median trials per configuration")
    o.m("rgConfigCount", f_int(len(cfg)) if cfg else None, "duration-based configurations")
    # noise: relative trial range (max-min)/median per configuration
    spreads = []
    byc = {}
    for r in timed:
        k = (r["workload"], r["variant"], r["sync"], r["threads"], r.get("update_ratio"), r.get("batch"),
             r.get("durability"), r.get("graph"))
        byc.setdefault(k, []).append(r["throughput"])
    for vs in byc.values():
        if len(vs) >= 2 and statistics.median(vs) > 0:
            spreads.append((max(vs) - min(vs)) / statistics.median(vs) * 100)
    spreads.sort()
    o.m("rgNoiseMedianSpread", f_pct(med(spreads)), "median over configurations of (max-min)/median of trials")
    o.m("rgNoiseNinetySpread", f_pct(spreads[int(0.9 * (len(spreads) - 1))] if spreads else None),
        "90th percentile of the same")
    sus = {}
    for r in rows:
        if r["suspect"]:
            sus.setdefault((r["workload"], r["variant"], r["sync"], r["threads"]), 1)
    o.m("rgSuspectConfigs", f_plain(len(sus)), "configurations flagged suspect")
    names = sorted({f"{w}/{v}" if v else w for (w, v, s, t) in sus})
    o.m("rgSuspectList", ", ".join(f"\\texttt{{{tex_escape(n)}}}" for n in names) if names else "none")
    over = sorted({r["threads"] for r in rows if r["oversubscribed"]})
    o.m("rgOverThreads", ", ".join(str(t) for t in over) if over else "none", "oversubscribed thread counts")
    return nproc


def gen_readonly(o, rows, nproc):
    o.section("readonly")
    rs = main_graph(sel(rows, workload="readonly"))
    ref = ref_threads(rs, nproc)
    ts = sorted({r["threads"] for r in rs})
    tmax = ts[-1] if ts else None
    o.m("rgRoGraph", tex_escape(rs[0]["graph"]) if rs else None)
    o.m("rgRoNodes", f_int(fnum(rs[0]["nodes"])) if rs else None)
    o.m("rgRoEdges", f_int(fnum(rs[0]["edges"])) if rs else None)
    o.m("rgRoMaxThreads", f_plain(tmax))
    pols = [p for p in POLICIES] + sorted({r["sync"] for r in rs} - set(POLICIES))
    o.m("rgRoPolicyCount", f_plain(len({r["sync"] for r in rs})) if rs else None)
    nos = {t: mtput(rs, sync="nosync", threads=t) for t in ts}

    def ratio_nosync(p, t):
        if t is None:
            return None
        r = div(mtput(rs, sync=p, threads=t), nos.get(t))
        if r is None:  # fall back to the per-row ratio_to_nosync
            r = med([fnum(x["kv"].get("ratio_to_nosync")) for x in sel(rs, sync=p, threads=t)])
        return r
    points = [("One", 1), ("Ref", ref), ("Max", tmax)] + [(tword(t), t) for t in (2, 4, 8, 16)]
    seen = set()
    for p in pols:
        cp = camel(p)
        for label, t in points:
            if (p, label) in seen:
                continue
            seen.add((p, label))
            o.m(f"rgRoTput{cp}{label}", f_tput(mtput(rs, sync=p, threads=t)) if t else None)
            o.m(f"rgRoRatio{cp}{label}", f_ratio(ratio_nosync(p, t)) if p != "nosync" else "1.00\\ensuremath{\\times}")
        o.m(f"rgRoSpeedup{cp}", f_ratio(div(mtput(rs, sync=p, threads=ref), mtput(rs, sync=p, threads=1))),
            "ref / 1 thread")
        o.values[f"ro:{p}/nosync"] = ratio_nosync(p, ref)
    for p in ("rwlock", "lru-rwlock", "mutex"):
        v = div(mtput(rs, sync="rcu-memb", threads=ref), mtput(rs, sync=p, threads=ref))
        o.values[f"ro:rcu-memb/{p}"] = v
        o.m(f"rgRoMembOver{camel(p)}", f_ratio(v))
        vmax = div(mtput(rs, sync="rcu-memb", threads=tmax), mtput(rs, sync=p, threads=tmax)) if tmax else None
        o.m(f"rgRoMembOver{camel(p)}Max", f_ratio(vmax))
    o.m("rgRoMembVsNosync", ranges_cmp(tputs(rs, sync="rcu-memb", threads=ref), tputs(rs, sync="nosync", threads=ref)),
        "rcu-memb's trial range vs nosync's at ref")
    o.m("rgRoMembVsRwlock", ranges_cmp(tputs(rs, sync="rcu-memb", threads=ref), tputs(rs, sync="rwlock", threads=ref)))

    def best(cands, key):
        vals = [(key(p), p) for p in cands if key(p) is not None]
        return vals

    locks = best(LOCKS, lambda p: ratio_nosync(p, ref))
    bl = max(locks) if locks else (None, None)
    wl = min(locks) if locks else (None, None)
    o.m("rgRoBestLockName", pol_tt(bl[1]) if bl[1] else None)
    o.m("rgRoBestLockRatio", f_ratio(bl[0]))
    o.m("rgRoWorstLockName", pol_tt(wl[1]) if wl[1] else None)
    o.m("rgRoWorstLockRatio", f_ratio(wl[0]))
    rcus = best(RCU_LIKE, lambda p: ratio_nosync(p, ref))
    lo = min(rcus) if rcus else (None, None)
    hi = max(rcus) if rcus else (None, None)
    o.m("rgRoRcuMinName", pol_tt(lo[1]) if lo[1] else None)
    o.m("rgRoRcuMinRatio", f_ratio(lo[0]))
    o.m("rgRoRcuMaxName", pol_tt(hi[1]) if hi[1] else None)
    o.m("rgRoRcuMaxRatio", f_ratio(hi[0]))
    cks = {r["checksum"] for r in rs if r.get("checksum")}
    o.m("rgRoChecksums", ("identical" if len(cks) == 1 else "DIFFERENT") if cks else None,
        "equal-work checksums across policies")

    # table: policy | tput @1 | tput @ref | ratio @1 | ratio @ref | ratio @max
    body = []
    present = [p for p in pols if sel(rs, sync=p)]
    for p in present:
        body.append([pol_tt(p), f_tput(mtput(rs, sync=p, threads=1)), f_tput(mtput(rs, sync=p, threads=ref)),
                     f_ratio(ratio_nosync(p, 1), False) if p != "nosync" else "1",
                     f_ratio(ratio_nosync(p, ref), False) if p != "nosync" else "1",
                     (f_ratio(ratio_nosync(p, tmax), False) if p != "nosync" else "1") if tmax != ref else "--"])
    hdr = ["policy", "q/s, 1\\,thr", f"q/s, {ref}\\,thr", "/nosync 1", f"/nosync {ref}",
           f"/nosync {tmax}" + ("$^\\dagger$" if tmax and nproc and tmax > nproc else "")]
    o.tables["tab_readonly"] = table("@{}lrrrrr@{}", hdr, body)


def gen_mixed(o, rows, nproc):
    o.section("mixed")
    rs = main_graph(sel(rows, workload="mixed"))
    ref = ref_threads(rs, nproc)
    rs_ref = sel(rs, threads=ref)
    pcts = sorted({r["upd"] for r in rs if r["upd"] is not None})
    pos = [u for u in pcts if u > 0]
    lo = pos[0] if pos else None
    hi = pcts[-1] if pcts else None
    o.m("rgMxThreads", f_plain(ref))
    o.m("rgMxPcts", ", ".join(f"{u:g}" for u in pcts) if pcts else None, "update ratios measured (percent)")
    o.m("rgMxLoPct", f_plain(lo))
    o.m("rgMxHiPct", f_plain(hi))
    pols = [p for p in POLICIES if p != "nosync"] + sorted({r["sync"] for r in rs} - set(POLICIES))
    points = [(nword(u), u) for u in UPDATE_PCTS] + [("Lo", lo), ("Hi", hi)]
    for label, u in points:
        sub = [r for r in rs_ref if u is not None and r["upd"] == u]
        a = tputs(sub, sync="rcu-memb")
        o.m(f"rgMxTputMemb{label}", f_tput(med(a)))
        wps = med([div(fnum(r["kv"].get("writes")), fnum(r["kv"].get("elapsed_s"))) for r in sel(sub, sync="rcu-memb")])
        o.m(f"rgMxWritesMemb{label}", f_tput(wps), "write transactions per second")
        for p in ("rwlock", "mutex", "ck-epoch", "rcu-qsbr", "lru-rwlock", "rwlock-wp", "ck-brlock"):
            b = tputs(sub, sync=p)
            o.m(f"rgMxMembOver{camel(p)}{label}", f_ratio(div(med(a), med(b))))
            o.m(f"rgMxMembVs{camel(p)}{label}", ranges_cmp(a, b))
            wp = med([div(fnum(r["kv"].get("writes")), fnum(r["kv"].get("elapsed_s"))) for r in sel(sub, sync=p)])
            o.m(f"rgMxWrites{camel(p)}{label}", f_tput(wp))
        cand = [(mtput(sub, sync=p), p) for p in pols if mtput(sub, sync=p) is not None]
        b = max(cand) if cand else (None, None)
        o.m(f"rgMxBestName{label}", pol_tt(b[1]) if b[1] else None)
        o.m(f"rgMxBestOverMemb{label}", f_ratio(div(b[0], med(a))))
    # table: policy x update ratio, throughput at ref threads; best per column in bold
    body = []
    present = [p for p in POLICIES if sel(rs_ref, sync=p)] + sorted({r["sync"] for r in rs_ref} - set(POLICIES))
    bestcol = {}
    for u in pcts:
        c = [(mtput(rs_ref, sync=p, upd=u) or 0, p) for p in present]
        bestcol[u] = max(c)[1] if c else None
    for p in present:
        row = [pol_tt(p)]
        for u in pcts:
            v = mtput(rs_ref, sync=p, upd=u)
            cell = f_tput(v) if v is not None else "--"
            if bestcol.get(u) == p and v is not None:
                cell = f"\\textbf{{{cell}}}"
            row.append(cell)
        body.append(row)
    hdr = ["policy"] + [f"{u:g}\\,\\%" for u in pcts]
    o.tables["tab_mixed"] = table("@{}l" + "r" * len(pcts) + "@{}", hdr, body)


def split_seqpar(v):
    for suf in ("-seq", "-par"):
        if v.endswith(suf):
            return v[: -len(suf)], suf[1:]
    return v, ""


def gen_traversal(o, rows, nproc):
    o.section("traversal")
    rs = main_graph(sel(rows, workload="traversal"))
    ref = ref_threads(rs, nproc)
    ts = sorted({r["threads"] for r in rs})
    tmax = ts[-1] if ts else None
    o.m("rgTrGraph", tex_escape(rs[0]["graph"]) if rs else None)
    all_eq = True
    any_ck = False
    for kind, name in TRAV_KINDS:
        seq = mtput(rs, variant=f"{kind}-seq")
        for label, t in (("Ref", ref), ("Max", tmax), ("One", 1)):
            par = mtput(rs, variant=f"{kind}-par", threads=t) if t else None
            v = div(par, seq)
            o.m(f"rgTr{name}ParOverSeq{label}", f_ratio(v))
            if label == "Ref":
                o.values[f"tr:{kind}"] = v
        o.m(f"rgTr{name}Seq", f_tput(seq), "sequential roots (runs) per second")
        eps = med([fnum(r["kv"].get("edges_per_s")) for r in sel(rs, variant=f"{kind}-seq")])
        o.m(f"rgTr{name}SeqEdges", f_tput(eps), "edges per second, sequential")
        cks = {r["checksum"] for r in rs if split_seqpar(r["variant"])[0] == kind and r.get("checksum")}
        if cks:
            any_ck = True
            all_eq &= len(cks) == 1
    o.m("rgTrChecksums", ("identical" if all_eq else "DIFFERENT") if any_ck else None,
        "seq and par result checksums per kind")


def gen_contention(o, rows, nproc):
    o.section("contention")
    rs = main_graph(sel(rows, workload="contention"))
    ref = ref_threads(rs, nproc)
    ts = sorted({r["threads"] for r in rs})
    tmax = ts[-1] if ts else None
    o.m("rgCtMaxThreads", f_plain(tmax))
    for p in POLICIES:
        cp = camel(p)
        for label, t in (("Ref", ref), ("Max", tmax)):
            h = mtput(rs, variant="hot", sync=p, threads=t) if t else None
            s = mtput(rs, variant="spread", sync=p, threads=t) if t else None
            o.m(f"rgCtHotOverSpread{cp}{label}", f_ratio(div(h, s)))
            o.m(f"rgCtHotTput{cp}{label}", f_tput(h))
    for label, t in (("Ref", ref), ("Max", tmax)):
        for p in ("rwlock", "mutex"):
            v = div(mtput(rs, variant="hot", sync="rcu-memb", threads=t),
                    mtput(rs, variant="hot", sync=p, threads=t)) if t else None
            o.m(f"rgCtMembOver{camel(p)}Hot{label}", f_ratio(v))


def writer_parse(v):
    kv = parse_kv(v.replace(",", ";"))
    size = fnum(kv.get("txn"))
    return (int(size) if size is not None else None), kv.get("log"), "group" in v


def gen_writer(o, rows, nproc):
    o.section("writer")
    rs = sel(rows, workload="writer")
    for r in rs:
        r["_w"] = writer_parse(r["variant"])
    solo = [r for r in rs if not r["_w"][2]]
    grp = [r for r in rs if r["_w"][2]]

    def wt(size, log):
        return med([r["throughput"] for r in solo if r["_w"][0] == size and r["_w"][1] == log])

    def wp(size, log, col):
        return med([r[col] for r in solo if r["_w"][0] == size and r["_w"][1] == log])
    sizes = sorted({r["_w"][0] for r in solo if r["_w"][0] is not None})
    big = sizes[-1] if sizes else None
    for log in LOG_MODES:
        for size in TXN_SIZES:
            o.m(f"rgWrTput{camel(log)}{nword(size)}", f_tput(wt(size, log)), f"edges/s txn={size} log={log}")
        o.m(f"rgWrTput{camel(log)}Big", f_tput(wt(big, log)))
    for log in ("off", "interval", "commit"):
        for size in TXN_SIZES:
            o.m(f"rgWr{camel(log)}OverNone{nword(size)}", f_ratio(div(wt(size, log), wt(size, "none"))))
        o.m(f"rgWr{camel(log)}OverNoneBig", f_ratio(div(wt(big, log), wt(big, "none"))))
    o.m("rgWrBigTxn", f_int(big))
    for size in TXN_SIZES:
        o.m(f"rgWrCommitPfiftyUs{nword(size)}", f_us(wp(size, "commit", "p50_us")))
        o.m(f"rgWrCommitPninetynineUs{nword(size)}", f_us(wp(size, "commit", "p99_us")))
        o.m(f"rgWrNonePfiftyUs{nword(size)}", f_us(wp(size, "none", "p50_us")))
    cps = med([fnum(r["kv"].get("commits_per_s")) for r in solo if r["_w"][0] == 1 and r["_w"][1] == "commit"])
    o.m("rgWrCommitsPerSecCommitOne", f_tput(cps), "durable commits/s, one committer")
    gts = sorted({r["threads"] for r in grp})
    g1 = med([r["throughput"] for r in grp if r["threads"] == 1])
    for t in (2, 4, 8):
        o.m(f"rgWrGroupSpeedup{tword(t)}", f_ratio(div(med([r["throughput"] for r in grp if r["threads"] == t]), g1)))
    o.m("rgWrGroupMaxThreads", f_plain(gts[-1] if gts else None))
    o.m("rgWrGroupSpeedupMax", f_ratio(div(med([r["throughput"] for r in grp if gts and r["threads"] == gts[-1]]), g1)))
    # table: txn size x log mode
    body = []
    for size in sizes:
        row = [f_int(size)] + [f_tput(wt(size, log)) if wt(size, log) is not None else "--" for log in LOG_MODES]
        row.append(f_us(wp(size, "commit", "p99_us")) if wp(size, "commit", "p99_us") is not None else "--")
        body.append(row)
    if grp:
        body.append("\\midrule")
        for t in gts:
            v = med([r["throughput"] for r in grp if r["threads"] == t])
            p99 = med([r["p99_us"] for r in grp if r["threads"] == t])
            body.append([f"1 ({t} thr)", "--", "--", "--", f_tput(v), f_us(p99)])
    hdr = ["txn edges", "none", "off", "interval", "commit", "p99 commit"]
    o.tables["tab_writer"] = table("@{}lrrrrr@{}", hdr, body)


def gen_counters(o, rows, nproc):
    o.section("counters")
    rs = sel(rows, workload="counters")
    ref = ref_threads(rs, nproc)
    a = mtput(rs, variant="atomic", threads=ref)
    a1 = mtput(rs, variant="atomic", threads=1)
    for v in COUNTER_VARIANTS:
        x = mtput(rs, variant=v, threads=ref)
        o.m(f"rgCoTput{camel(v)}", f_tput(x), f"increments/s at ref threads")
        o.m(f"rgCo{camel(v)}OverAtomic", f_ratio(div(x, a)))
        o.m(f"rgCo{camel(v)}OverAtomicOne", f_ratio(div(mtput(rs, variant=v, threads=1), a1)))
        o.m(f"rgCo{camel(v)}Speedup", f_ratio(div(x, mtput(rs, variant=v, threads=1))))
        if v != "atomic":
            o.m(f"rgCo{camel(v)}VsAtomic", ranges_cmp(tputs(rs, variant=v, threads=ref), tputs(rs, variant="atomic", threads=ref)))
    o.values["co:percpu/atomic"] = div(mtput(rs, variant="percpu", threads=ref), a)
    ex = [r["kv"].get("exact") for r in rs if "exact" in r["kv"]]
    o.m("rgCoExact", ("every trial" if all(e == "1" for e in ex) else "NOT every trial") if ex else None)


def gen_latency(o, rows, nproc):
    o.section("latency")
    rs = main_graph(sel(rows, workload="latency"))

    def readers(r):
        v = fnum(r["kv"].get("readers"))
        if v is not None:
            return int(v)
        return r["threads"] - 1 if r["variant"] == "writer" else r["threads"]
    for r in rs:
        r["_readers"] = readers(r)
    o.m("rgLaReaders", "1")
    cols = (("p50_us", "Pfifty"), ("p99_us", "Pninetynine"), ("p999_us", "Pthreenines"))
    body = []
    for p in POLICIES:
        cp = camel(p)
        vals = {}
        for var, vl in (("no-writer", "NoWriter"), ("writer", "Writer")):
            sub = [r for r in rs if r["sync"] == p and r["variant"] == var and r["_readers"] == 1]
            for col, cl in cols:
                vals[(var, col)] = med([r[col] for r in sub])
                o.m(f"rgLa{cl}{cp}{vl}", f_us(vals[(var, col)]))
        o.m(f"rgLaWriterOverNoWriter{cp}", f_ratio(div(vals[("writer", "p99_us")], vals[("no-writer", "p99_us")])),
            "p99 with a writer / without")
        if any(v is not None for v in vals.values()):
            body.append([pol_tt(p)] + [f_us(vals[(var, col)]).replace("\\,\\ensuremath{\\mu}s", "")
                                       if vals[(var, col)] is not None else "--"
                                       for var in ("no-writer", "writer") for col, _ in cols])
    hdr = ["policy", "p50", "p99", "p99.9", "p50", "p99", "p99.9"]
    t = table("@{}lrrrrrr@{}", hdr, body)
    t = t.replace("\\toprule\n", "\\toprule\n & \\multicolumn{3}{c}{readers only} & "
                  "\\multicolumn{3}{c}{with a writer} \\\\\n\\cmidrule(lr){2-4}\\cmidrule(l){5-7}\n", 1)
    o.tables["tab_latency"] = t


def gen_memory(o, rows, nproc):
    o.section("memory")
    rs = sel(rows, workload="memory")
    for p in POLICIES:
        cp = camel(p)
        sub = sel(rs, sync=p)
        pend = [fnum(r["kv"].get("pending_bytes")) for r in sub]
        pend = [x for x in pend if x is not None]
        rssd = [fnum(r["kv"].get("rss_delta_bytes")) for r in sub]
        rssd = [x for x in rssd if x is not None]
        gcw = [fnum(r["kv"].get("gc_waits")) for r in sub]
        gcw = [x for x in gcw if x is not None]
        o.m(f"rgMePeakPending{cp}", f_mib(max(pend)) if pend else None)
        o.m(f"rgMeMedianPending{cp}", f_mib(med(pend)) if pend else None)
        o.m(f"rgMePeakRssDelta{cp}", f_mib(max(rssd)) if rssd else None)
        o.m(f"rgMeGcWaits{cp}", f_int(max(gcw)) if gcw else None)
        o.m(f"rgMeCommits{cp}", f_tput(med([r["throughput"] for r in sub])), "commits/s while churning")


def gen_realgraphs(o, rows, nproc):
    o.section("realgraphs")
    rs = sel(rows, workload="realgraphs")
    ref = ref_threads(rs, nproc)
    names = []
    for r in rs:
        n = r["variant"].split(":")[0]
        if n and n not in names:
            names.append(n)
    o.m("rgRgDatasets", ", ".join(f"\\texttt{{{tex_escape(n)}}}" for n in names) if names else None)
    first = names[0] if names else None
    o.m("rgRgFirst", f"\\texttt{{{tex_escape(first)}}}" if first else None)
    pol = "rcu-memb" if sel(rs, sync="rcu-memb") else (rs[0]["sync"] if rs else None)
    snap = mtput(rs, variant=f"{first}:snap", sync=pol, threads=ref) if first else None
    o.m("rgRgSnapTput", f_tput(snap))
    o.m("rgRgSnapOverUniform", f_ratio(div(snap, mtput(rs, variant=f"{first}:uniform", sync=pol, threads=ref))))
    o.m("rgRgSnapOverRmat", f_ratio(div(snap, mtput(rs, variant=f"{first}:rmat", sync=pol, threads=ref))))
    srs = sel(rs, variant=f"{first}:snap") if first else []
    o.m("rgRgNodes", f_int(fnum(srs[0]["nodes"])) if srs else None)
    o.m("rgRgEdges", f_int(fnum(srs[0]["edges"])) if srs else None)


def gen_lmdb(o, rows, nproc):
    o.section("lmdb")
    rs = main_graph(sel(rows, workload="lmdb"))
    ref = ref_threads(rs, nproc)
    ro = sel(rs, variant="readonly")
    mx = sel(rs, variant="mixed")
    for label, t in (("Ref", ref), ("One", 1)):
        a = mtput(ro, sync="rcu-memb", threads=t)
        b = mtput(ro, sync="lmdb", threads=t)
        o.m(f"rgLmReadOverLmdb{label}", f_ratio(div(a, b)))
        o.m(f"rgLmReadTputMemb{label}", f_tput(a))
        o.m(f"rgLmReadTputLmdb{label}", f_tput(b))
    o.m("rgLmReadSpeedupLmdb", f_ratio(div(mtput(ro, sync="lmdb", threads=ref), mtput(ro, sync="lmdb", threads=1))))
    o.m("rgLmReadSpeedupMemb", f_ratio(div(mtput(ro, sync="rcu-memb", threads=ref), mtput(ro, sync="rcu-memb", threads=1))))
    pcts = sorted({r["upd"] for r in mx if r["upd"] is not None})
    lo = pcts[0] if pcts else None
    hi = pcts[-1] if pcts else None
    o.m("rgLmLoPct", f_plain(lo))
    o.m("rgLmHiPct", f_plain(hi))
    for label, u in [(nword(u), u) for u in UPDATE_PCTS if u > 0] + [("Lo", lo), ("Hi", hi)]:
        a = mtput(mx, sync="rcu-memb", threads=ref, upd=u) if u is not None else None
        b = mtput(mx, sync="lmdb", threads=ref, upd=u) if u is not None else None
        o.m(f"rgLmMixedOverLmdb{label}", f_ratio(div(a, b)))
    cks = {r["checksum"] for r in rs if r.get("checksum")}
    o.m("rgLmChecksums", ("identical" if len(cks) == 1 else "DIFFERENT") if cks else None)
    body = []
    if ro:
        a, b = mtput(ro, sync="rcu-memb", threads=ref), mtput(ro, sync="lmdb", threads=ref)
        body.append(["read-only", f_tput(a), f_tput(b), f_ratio(div(a, b), False)])
    for u in pcts:
        a, b = mtput(mx, sync="rcu-memb", threads=ref, upd=u), mtput(mx, sync="lmdb", threads=ref, upd=u)
        body.append([f"{u:g}\\,\\% updates", f_tput(a), f_tput(b), f_ratio(div(a, b), False)])
    o.tables["tab_lmdb"] = table("@{}lrrr@{}", ["workload", "rcugraph", "LMDB", "ratio"], body)


def gen_oldbench(o, rows, nproc):
    o.section("oldbench")
    rs = sel(rows, workload="oldbench")
    ts = sorted({r["threads"] for r in rs})
    tn = ts[-1] if ts else None
    o.m("rgObThreads", f_plain(tn), "N of the N-vs-1 speedups")
    o.m("rgObGraph", tex_escape(rs[0]["graph"]) if rs else None)

    def speed(sc, p, flaw):
        v = f"{sc}:flaw={flaw}"
        return div(mtput(rs, variant=v, sync=p, threads=tn), mtput(rs, variant=v, sync=p, threads=1)) if tn else None
    maxinf = (None, None)
    maxsp = (None, None)
    body = []
    for sc in OB_SCENARIOS:
        for p in OB_POLICIES:
            honest = speed(sc, p, "none")
            row = [f"{sc}", pol_tt(p)]
            for flaw, fl in OB_FLAWS:
                s = speed(sc, p, flaw)
                o.m(f"rgObSpeedup{camel(sc)}{camel(p)}{fl}", f_ratio(s))
                if flaw != "none":
                    inf = div(s, honest)
                    o.m(f"rgObInfl{camel(sc)}{camel(p)}{fl}", f_ratio(inf))
                    if inf is not None and (maxinf[0] is None or inf > maxinf[0]):
                        maxinf = (inf, f"{sc}, \\texttt{{{p}}}, {flaw}")
                    if s is not None and (maxsp[0] is None or s > maxsp[0]):
                        maxsp = (s, f"{sc}, \\texttt{{{p}}}, {flaw}")
                row.append(f_ratio(s, False) if s is not None else "--")
            body.append(row)
        body.append("\\midrule")
    if body:
        body.pop()
    hs = [speed(sc, p, "none") for sc in OB_SCENARIOS for p in OB_POLICIES]
    hs = [x for x in hs if x is not None]
    o.m("rgObMaxHonestSpeedup", f_ratio(max(hs)) if hs else None, "largest honest median speedup")
    o.m("rgObMaxInflation", f_ratio(maxinf[0]), "largest flawed/honest speedup ratio (medians)")
    o.m("rgObMaxInflationConfig", maxinf[1])
    o.m("rgObMaxSpeedup", f_ratio(maxsp[0]), "largest flawed median speedup")
    o.m("rgObMaxSpeedupConfig", maxsp[1])
    # single trials, as the old suite reported one run: reported 1-thread time / N-thread time, same trial
    best = (None, None)
    for v in sorted({r["variant"] for r in rs}):
        if v.endswith("flaw=none"):
            continue
        for p in sorted({r["sync"] for r in rs}):
            one = {r["trial"]: r["throughput"] for r in sel(rs, variant=v, sync=p, threads=1)}
            n = {r["trial"]: r["throughput"] for r in sel(rs, variant=v, sync=p, threads=tn)}
            for tr in sorted(set(one) & set(n)):
                s = div(n[tr], one[tr])
                if s is not None and (best[0] is None or s > best[0]):
                    best = (s, f"{v.replace(':flaw=', ', ')}, \\texttt{{{p}}}")
    o.m("rgObMaxTrialSpeedup", f_ratio(best[0]), "largest single-trial flawed speedup")
    o.m("rgObMaxTrialConfig", best[1])
    # the old suite's claims, for the verdict sentence (these two are the claims, not results)
    for claim, word in ((18, "Eighteen"), (44, "FortyFour")):
        o.m(f"rgObReach{word}", NA if best[0] is None else ("reached" if best[0] >= claim else "did not reach"),
            f"did any single flawed trial reach the old {claim}x?")
    # honest run length and ms-rounding error
    o.m("rgObReadsOneMs", sig(med([fnum(r["kv"].get("elapsed_true_s")) for r in
                                   sel(rs, variant="reads:flaw=none", threads=1)]) * 1e3)
        if sel(rs, variant="reads:flaw=none", threads=1) else None, "honest 1-thread reads run, ms")
    o.m("rgObTravOneMs", sig(med([fnum(r["kv"].get("elapsed_true_s")) for r in
                                  sel(rs, variant="traversal:flaw=none", threads=1)]) * 1e3)
        if sel(rs, variant="traversal:flaw=none", threads=1) else None, "honest 1-thread traversal run, ms")
    errs = []
    floors = 0
    msrows = [r for r in rs if r["variant"].endswith("flaw=ms-rounding")]
    for r in msrows:
        t, rep = fnum(r["kv"].get("elapsed_true_s")), fnum(r["kv"].get("elapsed_reported_s"))
        if t and rep is not None:
            errs.append(abs(rep - t) / t * 100)
            if t < 0.001:
                floors += 1
    o.m("rgObMsMaxError", f_pct(max(errs)) if errs else None, "largest |reported-true|/true under ms-rounding")
    o.m("rgObMsFloorRuns", f_plain(floors) if msrows else None, "ms-rounding runs shorter than 1 ms")
    o.m("rgObMsRuns", f_plain(len(msrows)) if msrows else None)
    # spawn-in-timer: true time added per run at N threads
    add = []
    for p in OB_POLICIES:
        a = med([fnum(r["kv"].get("elapsed_true_s")) for r in sel(rs, variant="reads:flaw=spawn-in-timer", sync=p, threads=tn)])
        b = med([fnum(r["kv"].get("elapsed_true_s")) for r in sel(rs, variant="reads:flaw=none", sync=p, threads=tn)])
        if a is not None and b is not None:
            add.append((a - b) * 1e6)
    o.m("rgObSpawnCostUs", f_us(med(add)) if add else None, "extra true time of spawn-in-timer reads runs at N threads")
    # semantics: within-2 vs exactly-2 sequential work
    w = med([fnum(r["kv"].get("elapsed_true_s")) for r in sel(rs, variant="traversal:flaw=semantics-mismatch", threads=1)])
    e = med([fnum(r["kv"].get("elapsed_true_s")) for r in sel(rs, variant="traversal:flaw=none", threads=1)])
    o.m("rgObWithinOverExact", f_ratio(div(w, e)), "time of within-2 / exactly-2, 1 thread")
    sem = sel(rs, variant="traversal:flaw=semantics-mismatch")
    cks = {r["checksum"] for r in sem if r.get("checksum")}
    o.m("rgObSemChecksums", ("differ" if len(cks) > 1 else "agree") if cks else None)
    hon = sel(rs, variant="traversal:flaw=none")
    cks = {r["checksum"] for r in hon if r.get("checksum")}
    o.m("rgObHonestChecksums", ("agree" if len(cks) == 1 else "DIFFER") if cks else None)
    # warm cache: cold 1-thread run vs warm, reads under lru-rwlock
    for p in OB_POLICIES:
        cold = med([fnum(r["kv"].get("elapsed_true_s")) for r in sel(rs, variant="reads:flaw=shared-warm-cache", sync=p, threads=1)])
        warm = med([fnum(r["kv"].get("elapsed_true_s")) for r in sel(rs, variant="reads:flaw=none", sync=p, threads=1)])
        o.m(f"rgObColdOverWarm{camel(p)}", f_ratio(div(cold, warm)), "1-thread reads time: cold shared graph / warmed")
    hdr = ["scenario", "policy"] + ["honest", "spawn", "warm", "ms", "sem.", "all"]
    o.tables["tab_oldbench"] = table("@{}llrrrrrr@{}", hdr, body)


def gen_targets(o):
    o.section("targets")
    body = []
    met = 0
    known = 0
    for suf, desc, key, thr, op in TARGETS:
        v = o.values.get(key)
        ok = None if v is None else (v >= thr if op == ">=" else v <= thr)
        o.m(f"rgTarget{suf}", f"{v:.3f}\\ensuremath{{\\times}}" if v is not None else NA)
        goal = (GEQ if op == ">=" else LEQ) + f"\\,{thr:g}"
        o.m(f"rgTarget{suf}Goal", goal)
        o.m(f"rgTarget{suf}Verdict", NA if ok is None else ("met" if ok else "missed"))
        if ok is not None:
            known += 1
            met += ok
        body.append([desc, goal,
                     f"{v:.3f}" if v is not None else NA,
                     NA if ok is None else ("met" if ok else "\\textbf{missed}")])
    o.m("rgTargetsMet", f_plain(met))
    o.m("rgTargetsKnown", f_plain(known))
    o.m("rgTargetsTotal", f_plain(len(TARGETS)))
    o.tables["tab_targets"] = table("@{}lrrl@{}", ["ratio", "target", "measured", ""], body)


# ------------------------------------------------------------------ driver

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def generate(results_dir, out_dir, fig_out, quiet=False):
    """Write numbers.tex, tab_*.tex, manifest.txt into out_dir and the figures into fig_out."""
    if not os.path.isdir(results_dir):
        raise SystemExit(f"gen_numbers: results directory {results_dir} does not exist "
                         f"(run experiments/run_all.sh --quick or --full first, or pass --results DIR)")
    notes = []
    used, rows = read_rows(results_dir, notes)
    if not rows:
        notes.append(f"no rgbench rows in {results_dir}/*.csv: every number is n/a")
    o = Out()
    nproc = gen_meta(o, rows, results_dir, used)
    for fn in (gen_readonly, gen_mixed, gen_traversal, gen_contention, gen_writer, gen_counters,
               gen_latency, gen_memory, gen_realgraphs, gen_lmdb, gen_oldbench):
        fn(o, rows, nproc)
    gen_targets(o)
    for w in ("readonly", "mixed", "traversal", "contention", "writer", "counters", "latency",
              "memory", "realgraphs", "lmdb", "oldbench"):
        n = len(sel(rows, workload=w))
        o.m(f"rgRows{camel(w)}", f_int(n) if n else "0", f"rows of workload {w}")
        o.m(f"rgHave{camel(w)}", "yes" if n else "no")

    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(fig_out, exist_ok=True)
    for old in glob.glob(os.path.join(out_dir, "*")):
        if os.path.isfile(old):
            os.remove(old)
    for old in glob.glob(os.path.join(fig_out, "*.pdf")):
        os.remove(old)

    hdr = ("% GENERATED by paper/gen_numbers.py from the CSVs listed in manifest.txt.\n"
           "% Do not edit: run paper/gen_numbers.py (or paper/build.sh); paper/check.py verifies it.\n")
    lines = [hdr]
    for name, value, comment in o.macros:
        if name is None:
            lines.append(f"\n% ---- {comment}\n")
        else:
            lines.append(f"\\newcommand{{\\{name}}}{{{value}}}" + (f"  % {comment}" if comment else "") + "\n")
    with open(os.path.join(out_dir, "numbers.tex"), "w") as f:
        f.writelines(lines)
    for name, text in sorted(o.tables.items()):
        with open(os.path.join(out_dir, name + ".tex"), "w") as f:
            f.write(hdr + text)

    figs = sorted(glob.glob(os.path.join(results_dir, "figures", "*.pdf")))
    for src in figs:
        shutil.copyfile(src, os.path.join(fig_out, os.path.basename(src)))

    rel = os.path.relpath(results_dir, ROOT)
    man = ["# inputs of paper/generated/ and paper/figures/ (sha256, path relative to the results dir)\n",
           f"results {rel if not rel.startswith('..') else results_dir}\n"]
    for path, n in used:
        man.append(f"csv {sha256(path)} {os.path.basename(path)} rows={n}\n")
    for src in figs:
        man.append(f"figure {sha256(src)} figures/{os.path.basename(src)}\n")
    for note in notes:
        man.append(f"note {note}\n")
    with open(os.path.join(out_dir, "manifest.txt"), "w") as f:
        f.writelines(man)
    if not quiet:
        for note in notes:
            print(f"gen_numbers: note: {note}", file=sys.stderr)
        print(f"gen_numbers: {len(rows)} rows from {len(used)} CSV(s) in {results_dir}: "
              f"{len(o.names)} macros, {len(o.tables)} tables, {len(figs)} figures -> "
              f"{os.path.relpath(out_dir)}, {os.path.relpath(fig_out)}")
    return o


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", help="results directory (default results/full, else results/quick)")
    ap.add_argument("--out", default=os.path.join(PAPER, "generated"))
    ap.add_argument("--figures-out", default=os.path.join(PAPER, "figures"))
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    results = os.path.abspath(a.results) if a.results else default_results()
    generate(results, a.out, a.figures_out, a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
