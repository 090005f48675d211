#!/usr/bin/python3
"""gen_numbers.py - every number, verdict, table and figure of the paper, and
the README's generated tables, from the CSVs of one results directory.

Usage: paper/gen_numbers.py [--results DIR] [--label LABEL] [--out DIR]
                            [--figures-out DIR] [--no-readme] [--quiet]

Reads DIR/*.csv (rgbench's per-round rows), DIR/*.ratios.csv (one row per
paired comparison) and DIR/*sectioncost.csv (callgrind costs), the schemas
of docs/experiments.md, and writes
  OUT/numbers.tex     \\newcommand{\\rgName}{value} for every number, verdict
                      and phrase the text quotes (names: "rg" + letters)
  OUT/tab_*.tex       the tables (booktabs tabulars, \\gentable in main.tex)
  OUT/manifest.txt    the results label, sha256 of every input file
  FIGOUT/NAME.pdf     the figures main.tex includes, copied from
  FIGOUT/NAME.data.json   DIR/figures/ (drawn by experiments/plot.py), with
                      the plotted-data sidecar paper/check.py compares
  README.md, results/README.md   the regions between
                      <!-- BEGIN generated:NAME --> and <!-- END generated:NAME -->
DIR defaults to the label recorded in paper/generated/manifest.txt, else
results/full when it holds v2 CSVs, else results/quick. LABEL (how the text
names DIR, default DIR relative to the repository) is kept by check.py when
it regenerates from a copy, so a copy of the results gives identical files.

Rules (paper/README.md): the SET of macro names never depends on the data
(absent workloads give "n/a" and \\rgHave<Workload> = 0); ratios are
rgbench's paired per-round ratios with their 95% CIs, and the comparisons
gen_numbers derives itself (per-query nanoseconds over nosync, rcu-memb
over a lock, the old benchmark's speedup inflation) are paired per round
the same way, judged against the same A/A resolution; verdict words come
from the CI against that resolution, never from the medians alone.

Adding a workload's number: add one line to NAMED (a named comparison of a
ratios CSV) or a function like gen_footprint; see paper/README.md.
Standard library only: runs with /usr/bin/python3.
"""

import argparse
import csv
import glob
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAPER = os.path.join(ROOT, "paper")
NA = "n/a"
TIMES = "\\ensuremath{\\times}"

POLICIES = ["nosync", "rcu-memb", "rcu-qsbr", "rcu-bp", "rcu-mb", "ck-epoch", "ck-seqlock",
            "mutex", "rwlock", "rwlock-wp", "ck-rwlock", "ck-brlock", "ck-pflock", "lru-rwlock"]
RCU_LIKE = ["rcu-memb", "rcu-qsbr", "rcu-bp", "rcu-mb", "ck-epoch", "ck-seqlock"]
LOCKS = ["mutex", "rwlock", "rwlock-wp", "ck-rwlock", "ck-brlock", "ck-pflock", "lru-rwlock"]
UPDATE_PCTS = [0, 1, 5, 10, 20, 50, 100]
TRAV_KINDS = [("2hop-single", "TwoHop"), ("batch50", "Batch"), ("bfs", "Bfs"), ("pagerank", "Pagerank")]
OB_SCENARIOS = ["reads", "mixed", "traversal", "contention"]
OB_FLAWS = [("none", "Honest"), ("spawn-in-timer", "Spawn"), ("shared-warm-cache", "Warm"),
            ("ms-rounding", "Ms"), ("semantics-mismatch", "Semantics"), ("all", "All")]
OB_POLICIES = ["lru-rwlock", "rcu-memb"]
# Every workload the paper has a place for (reads "n/a" until its CSV exists).
WORKLOADS = ["readonly", "readtargets", "sectioncost", "mixed", "traversal", "contention", "writer",
             "counters", "latency", "memory", "realgraphs", "lmdb", "oldbench",
             "insert", "load", "footprint", "wal", "peers", "longread", "openloop", "kernels"]
# Figures main.tex includes: copied to paper/figures with their data sidecar.
# (The writer figure is left out until plot_writer keeps the style rules: it puts bars on a
# log axis beside a linear panel, which plot.py's style check reports.)
PAPER_FIGURES = ["readonly_ratio", "sectioncost", "readtargets", "kernels", "contention", "mixed",
                 "oldbench", "insert", "writer_group", "memory", "longread", "openloop", "peers"]
# The figure the README shows (from the results directory itself).
README_FIGURE = "readonly_ratio"

# Numbers the paper cites from the original system (Sombra, github.com/
# maskdotdev/sombra, docs/phase4_completion_report.md, 2025-10-20, commit
# 7667b327). Not measured here; kept as macros so that main.tex holds no
# hard-coded ratio.
CITED = [
    ("rgSombraSpeedup", "18.6" + TIMES, "reported 1 -> 2 thread speedup"),
    ("rgSombraOneThread", "658\\,K", "reported ops/s at 1 thread"),
    ("rgSombraTwoThreads", "12.2\\,M", "reported ops/s at 2 threads"),
    ("rgSombraBatch", "44.81" + TIMES, "reported batch speedup"),
]

# Named comparisons of writer-side and peer workloads: one line each.
# (macro base, workload, comparison name in the ratios CSV, variant prefix
#  or "", threads: an int or "ref" (the largest not oversubscribed), what it is)
NAMED = [
    ("InsFloor", "insert", "t-insert/floor", "", "ref", "batched inserts (10,000-edge txns) / floor store"),
    ("InsVfloor", "insert", "t-insert/vfloor", "", "ref", "batched inserts / versioned floor"),
    ("InsBulkFloor", "insert", "t-bulk/floor", "", "ref", "2^20-edge txns / floor"),
    ("InsVfloorFloor", "insert", "t-vfloor/floor", "", "ref", "versioned floor / floor"),
    ("InsHub", "insert", "t-hub-time/spread-time", "", "ref", "hub time / spread time"),
    ("LdCsrOne", "load", "t-load-time/csr1T", "rmat", "ref", "bulk load time / CSR build, 1 thread"),
    ("LdCsrTwo", "load", "t-load-time/csr2T", "rmat", "ref", "bulk load time / CSR build, 2 threads"),
    ("FpPacked", "footprint", "t-footprint-packed/csr", "", "ref", "bytes/edge packed / CSR"),
    ("FpLive", "footprint", "t-footprint-live/csr", "", "ref", "bytes/edge live / CSR"),
    ("WalDuring", "wal", "t-readers-during/without", "", "ref", "readers during checkpoints / without"),
    ("WrGroup", "writer", "t-group-commit-4/1", "", "ref", "group commit: commits/s at 4 / 1 committer"),
    ("WrCkptPnn", "writer", "t-ckpt-p99-on/off", "", "ref", "p99 commit latency, checkpoints on / off"),
    ("PeLmdb", "peers", "t-peers-rcugraph/lmdb", "neighbors", "ref", "neighbour queries, rcugraph / LMDB"),
    ("PeSqlite", "peers", "t-peers-rcugraph/sqlite", "neighbors", "ref", "neighbour queries, rcugraph / SQLite"),
    ("PeLmdbTwoHop", "peers", "t-peers-rcugraph/lmdb", "2hop", "ref", "2-hop queries, rcugraph / LMDB"),
    ("PeSqliteTwoHop", "peers", "t-peers-rcugraph/sqlite", "2hop", "ref", "2-hop queries, rcugraph / SQLite"),
    ("PeWriteLmdb", "peers", "t-peers-write-rcugraph/lmdb", "write:commit", "ref",
     "durable one-edge commits, rcugraph / LMDB"),
    ("PeWriteSqlite", "peers", "t-peers-write-rcugraph/sqlite", "write:commit", "ref",
     "durable one-edge commits, rcugraph / SQLite"),
    ("KeBfs", "kernels", "t-kernel-rcugraph/csr", "bfs", "ref", "BFS on a live snapshot / the CSR baseline"),
    ("KePagerank", "kernels", "t-kernel-rcugraph/csr", "pagerank", "ref",
     "PageRank (20 iterations), live snapshot / CSR baseline"),
    ("KeWcc", "kernels", "t-kernel-rcugraph/csr", "wcc", "ref", "WCC on a live snapshot / the CSR baseline"),
    ("KeBfsOne", "kernels", "t-kernel-rcugraph/csr", "bfs", 1, "BFS, live / CSR, 1 thread"),
    ("KePagerankOne", "kernels", "t-kernel-rcugraph/csr", "pagerank", 1, "PageRank, live / CSR, 1 thread"),
    ("KeWccOne", "kernels", "t-kernel-rcugraph/csr", "wcc", 1, "WCC, live / CSR, 1 thread"),
]

# What a NAMED ratio measures, for its Speed word: a rate (higher is
# faster), a time or latency (higher is slower) or a size (larger/smaller).
def ratio_kind(name, workload):
    if workload == "footprint":
        return "size"
    if "-time/" in name or "p99" in name or workload == "openloop":
        return "time"
    return "rate"

WORDS = {0: "Zero", 1: "One", 2: "Two", 3: "Three", 4: "Four", 5: "Five", 8: "Eight", 10: "Ten",
         16: "Sixteen", 20: "Twenty", 50: "Fifty", 100: "Hundred"}
DIGITS = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


# ------------------------------------------------------------------ small helpers

def fnum(s):
    s = (s or "").strip() if isinstance(s, str) else s
    if s in ("", "-", None):
        return None
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def parse_kv(s):
    out = {}
    for part in (s or "").split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def camel(name):
    """'rcu-memb' -> 'RcuMemb'; digits spelled out; letters only."""
    out = []
    for part in re.split(r"[^A-Za-z0-9]+", str(name)):
        if not part:
            continue
        word = "".join(DIGITS[int(c)] if c.isdigit() else c for c in part)
        out.append(word[0].upper() + word[1:])
    return "".join(out) or "X"


def nword(n):
    n = int(n)
    return WORDS.get(n) or "N" + "".join(DIGITS[int(c)] for c in str(n))


def tex_escape(s):
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
           "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(c, c) for c in str(s))


def sig(v, digits=3):
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 10 ** (digits - 1):
        return f"{v:.0f}"
    e = 0
    while a < 10 ** (digits - 1):
        a *= 10
        e += 1
    return f"{v:.{e}f}"


def f_ratio(v, times=True):
    if v is None:
        return NA
    a = abs(v)
    s = f"{v:.0f}" if a >= 100 else f"{v:.1f}" if a >= 10 else f"{v:.2f}" if a >= 0.1 else sig(v, 2)
    return s + (TIMES if times else "")


def f_ci(lo, hi):
    if lo is None or hi is None:
        return NA
    return f"{f_ratio(lo, False)}--{f_ratio(hi, False)}"


def f_tput(v):
    if v is None:
        return NA
    for lim, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= lim:
            return f"{sig(v / lim)}\\,{suf}"
    return sig(v)


def f_int(v):
    if v is None:
        return NA
    return f"{int(round(v)):,}".replace(",", "{,}")


def f_pct(v):
    if v is None:
        return NA
    return (f"{v:.0f}" if abs(v) >= 10 else f"{v:.1f}") + "\\,\\%"


def f_ns(v):
    if v is None:
        return NA
    s = sig(v, 2) if abs(v) < 10 else f"{v:.0f}"
    return (s.replace("-", "$-$", 1) if s.startswith("-") else s) + "\\,ns"


def f_sgn(v):
    """A number that may be negative, in text: $-$60."""
    s = f_ns(v).replace("\\,ns", "")
    return s.replace("-", "$-$", 1) if s.startswith("-") else s


def f_mib(v):
    if v is None:
        return NA
    return f"{v / 1048576.0:.1f}\\,MiB"


def f_plain(v):
    return NA if v is None else f"{v:g}"


def count_word(k):
    """1 -> 'one' ... 10 -> 'ten'; larger counts as digits (prose reads them naturally)."""
    w = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return w[k] if 0 <= k < len(w) else f"{k:,}".replace(",", "{,}")


def join_words(items):
    items = list(items)
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def pol(p):
    return f"\\texttt{{{tex_escape(p)}}}"


def median_ci_ranks(n, level=0.95):
    """1-based ranks (j, k) of the order-statistic CI of the median
    (docs/statistics.md 4a; the same rule as rgs_paired_ci)."""
    best, cdf, term = 1, 0.0, 0.5 ** n
    for j in range(1, n // 2 + 1):
        cdf += term
        term = term * (n - (j - 1)) / j
        if 1 - 2 * cdf >= level:
            best = j
        else:
            break
    return best, n + 1 - best


def med_ci(values):
    """(median, lo, hi, n) of per-round values; lo/hi None below 6 values."""
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    if len(v) < 6:
        return statistics.median(v), None, None, len(v)
    j, k = median_ci_ranks(len(v))
    return statistics.median(v), v[j - 1], v[k - 1], len(v)


VERDICT_WORD = {"indistinguishable": "indistinguishable from", "below": "below", "above": "above",
                "too-few": "not judged (too few rounds) against", "invalid": "invalid against",
                "oversubscribed": "not judged (oversubscribed) against"}
SPEED_WORD = {"indistinguishable": "indistinguishable from", "below": "slower than", "above": "faster than",
              "too-few": "not judged (too few rounds) against", "invalid": "invalid against",
              "oversubscribed": "not judged (oversubscribed) against"}
# A ratio of times (latency, load time) reads the other way round; a ratio of sizes in words of size.
SPEED_WORD_OF = {"rate": SPEED_WORD,
                 "time": dict(SPEED_WORD, below="faster than", above="slower than"),
                 "size": dict(SPEED_WORD, below="smaller than", above="larger than",
                              indistinguishable="the same size as")}


def judge(lo, hi, res):
    """rgs_judge's rule: indistinguishable when [lo, hi] overlaps [1-res, 1+res]."""
    if lo is None or hi is None:
        return "too-few"
    if res is None:
        res = 0.0
    if hi < 1 - res:
        return "below"
    if lo > 1 + res:
        return "above"
    return "indistinguishable"


# ------------------------------------------------------------------ reading

def is_side(path):
    b = os.path.basename(path)
    return b.endswith(".ratios.csv") or b.endswith("sectioncost.csv")


def read_csv(path):
    with open(path, newline="") as f:
        return [{k: (v or "") for k, v in r.items() if k is not None} for r in csv.DictReader(f)]


class Data:
    def __init__(self, directory):
        self.dir = directory
        self.rows, self.ratios, self.sc, self.files, self.notes = [], [], [], [], []
        for path in sorted(glob.glob(os.path.join(directory, "*.csv"))):
            rs = read_csv(path)
            self.files.append((path, len(rs)))
            b = os.path.basename(path)
            if b.endswith(".ratios.csv"):
                self.ratios += rs
            elif b.endswith("sectioncost.csv"):
                self.sc += rs
            elif rs and "round" in rs[0] and "throughput" in rs[0]:
                for r in rs:
                    r["_tput"] = fnum(r.get("throughput"))
                    r["_t"] = int(fnum(r.get("threads")) or 1)
                    r["_round"] = int(fnum(r.get("round")) or 0)
                    r["_kv"] = parse_kv(r.get("extra"))
                    if r["_tput"] is not None:
                        self.rows.append(r)
            else:
                self.notes.append(f"{b}: not an rgbench v2 CSV (no round column), ignored")
        ns = [int(fnum(r.get("nproc")) or 0) for r in self.rows + self.ratios]
        self.nproc = max(ns) if ns and max(ns) > 0 else None
        self.workloads = {r.get("workload") for r in self.rows} | {r.get("workload") for r in self.ratios}
        if self.sc:
            self.workloads.add("sectioncost")

    def ref_threads(self, workload=None):
        ts = sorted({r["_t"] for r in self.rows if workload is None or r["workload"] == workload})
        ok = [t for t in ts if self.nproc is None or t <= self.nproc]
        return ok[-1] if ok else (ts[0] if ts else self.nproc)

    def sel(self, **kw):
        out = []
        for r in self.rows:
            if all((r["_t"] == v) if k == "threads" else (r.get(k) == v) for k, v in kw.items()):
                out.append(r)
        return out

    def ratio(self, workload, name=None, kind=None, study=None, study_prefix=None, variant=None,
              variant_prefix=None, threads=None, num_prefix=None):
        for r in self.ratios:
            if r.get("workload") != workload:
                continue
            if name is not None and r.get("name") != name:
                continue
            if kind is not None and r.get("kind") != kind:
                continue
            if study is not None and r.get("study") != study:
                continue
            if study_prefix is not None and not r.get("study", "").startswith(study_prefix):
                continue
            if variant is not None and r.get("variant", "") != variant:
                continue
            if variant_prefix and not r.get("variant", "").startswith(variant_prefix):
                continue
            if threads is not None and int(fnum(r.get("threads")) or 0) != threads:
                continue
            if num_prefix is not None:
                num = r.get("num", "")
                # "sync@variant NT", or "sync NT" when the variant is empty
                if not (num.startswith(num_prefix) or (num_prefix.endswith("@")
                                                       and num.startswith(num_prefix[:-1] + " "))):
                    continue
            if fnum(r.get("est")) is None:
                continue
            return r
        return None

    def aa_res(self, workload, threads, study=None):
        """The A/A resolution of a study at a thread count (the study's largest when none)."""
        cands = [r for r in self.ratios if r.get("workload") == workload and r.get("kind") == "aa"
                 and (study is None or r.get("study") == study)]
        at = [fnum(r.get("resolution")) for r in cands if int(fnum(r.get("threads")) or 0) == threads]
        at = [x for x in at if x is not None]
        if at:
            return max(at)
        allr = [fnum(r.get("resolution")) for r in cands if fnum(r.get("resolution")) is not None]
        return max(allr) if allr else None

    def paired(self, a, b, fn=lambda x, y: x / y):
        """Per-round values fn(a_r, b_r) of two lists of rows, matched by (run_id, round)."""
        bk = {(r.get("run_id"), r["_round"]): r for r in b}
        out = []
        for r in a:
            o = bk.get((r.get("run_id"), r["_round"]))
            if o is not None and r["_tput"] and o["_tput"]:
                out.append(fn(r["_tput"], o["_tput"]))
        return out


# ------------------------------------------------------------------ output

class Out:
    def __init__(self):
        self.macros = []
        self.names = set()
        self.tables = {}
        self.readme = {}

    def m(self, name, value, comment=""):
        assert re.fullmatch(r"rg[A-Z][A-Za-z]*", name), name
        if name in self.names:
            raise SystemExit(f"gen_numbers: internal error: macro \\{name} defined twice")
        self.names.add(name)
        self.macros.append((name, NA if value is None else str(value), comment))

    def section(self, title):
        self.macros.append((None, None, title))

    def cmp(self, base, est, lo, hi, verdict, comment="", res=None, kind="rate"):
        """A comparison's family: \\rgBASE (the ratio), CI, Verdict (below /
        above / indistinguishable from), Speed (slower than / faster than /
        indistinguishable from; for kind "time" a higher ratio is slower, for
        "size" the words are larger / smaller than)."""
        self.m(base, f_ratio(est), comment)
        self.m(base + "CI", f_ci(lo, hi) if est is not None else NA)
        v = verdict if est is not None else None
        self.m(base + "Verdict", VERDICT_WORD.get(v, v) if v else NA)
        words = SPEED_WORD_OF[kind]
        self.m(base + "Speed", words.get(v, v) if v else NA)

    def cmp_row(self, base, r, comment="", kind="rate"):
        if r is None:
            self.cmp(base, None, None, None, None, comment, kind=kind)
        else:
            self.cmp(base, fnum(r.get("est")), fnum(r.get("lo")), fnum(r.get("hi")),
                     r.get("verdict") or judge(fnum(r.get("lo")), fnum(r.get("hi")), fnum(r.get("resolution"))),
                     comment, kind=kind)

    def have(self, workload, present):
        self.m(f"rgHave{camel(workload)}", "1" if present else "0", f"workload {workload} in the CSVs")


def table(colspec, header, body, empty="no rows for this workload in the results"):
    lines = [f"\\begin{{tabular}}{{{colspec}}}", "\\toprule", " & ".join(header) + " \\\\", "\\midrule"]
    if not body:
        lines.append(f"\\multicolumn{{{len(header)}}}{{c}}{{\\emph{{{empty}}}}} \\\\")
    for row in body:
        lines.append("\\midrule" if row == "\\midrule" else " & ".join(row) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ sections

def gen_meta(o, d, label):
    o.section("run metadata")
    rows = d.rows
    o.m("rgNproc", f_plain(d.nproc), "online CPUs (nproc column)")
    ref = d.ref_threads("readonly") if "readonly" in d.workloads else d.nproc
    o.m("rgRefThreads", f_plain(ref), "reference thread count: the largest not oversubscribed")

    def distinct(col, src=None):
        vals = []
        for r in (src if src is not None else rows + d.sc):
            v = r.get(col, "")
            if v and v not in vals:
                vals.append(v)
        return vals
    for col, name in (("cpu_model", "rgCpuModel"), ("kernel", "rgKernel"), ("compiler", "rgCompiler"),
                      ("build_type", "rgBuildType"), ("git_commit", "rgGitCommit"), ("host", "rgHost")):
        vs = distinct(col)
        o.m(name, tex_escape("; ".join(sorted(vs))) if vs else None, col)
    dates = sorted(distinct("date"))
    o.m("rgDateFirst", tex_escape(dates[0]) if dates else None)
    o.m("rgDateLast", tex_escape(dates[-1]) if dates else None)
    o.m("rgDateDay", tex_escape(dates[-1][:10]) if dates else None)
    o.m("rgResultsDir", tex_escape(label))
    o.m("rgCsvCount", f_plain(len([f for f in d.files if f[1] > 0])))
    o.m("rgRowCount", f_int(len(rows)), "measured runs (configuration x round)")
    o.m("rgRunCount", f_plain(len(distinct("run_id"))), "rgbench invocations")
    timed = [r for r in rows if fnum(r.get("duration_s"))]
    o.m("rgRounds", f_plain(statistics.median([fnum(r["rounds"]) for r in timed if fnum(r.get("rounds"))]))
        if timed else None, "rounds per study (median)")
    o.m("rgTrialSeconds", f_plain(statistics.median([fnum(r["duration_s"]) for r in timed])) if timed else None)
    o.m("rgWarmupSeconds", f_plain(statistics.median([fnum(r["warmup_s"]) for r in timed
                                                      if fnum(r.get("warmup_s")) is not None]))
        if timed else None)
    inval = sorted({r["workload"] for r in rows if r.get("valid") == "INVALID"})
    o.m("rgInvalidWorkloads", join_words([f"\\texttt{{{w}}}" for w in inval]) if inval else "none")
    o.m("rgInvalidCount", f_plain(len(inval)))
    over = sorted({r["_t"] for r in rows if r.get("oversubscribed") == "1"})
    o.m("rgOverThreads", ", ".join(str(t) for t in over) if over else "none", "oversubscribed thread counts")
    # resolution across the read studies at the reference thread count
    # throughput A/A controls only: a latency percentile's A/A ("A/A p99") has its own, far wider spread
    aas = [fnum(r.get("resolution")) for r in d.ratios if r.get("kind") == "aa"
           and not re.search(r"A/A p\d", r.get("name", ""))
           and r.get("oversubscribed") != "1" and fnum(r.get("resolution")) is not None]
    o.m("rgResMedian", f_pct(100 * statistics.median(aas)) if aas else None,
        "median A/A resolution over every study and thread count")
    o.m("rgResMax", f_pct(100 * max(aas)) if aas else None)
    o.m("rgAaCount", f_plain(len(aas)))
    for w in WORKLOADS:
        o.have(w, w in d.workloads)
    o.section("cited, not measured (Sombra's phase 4 report)")
    for name, val, c in CITED:
        o.m(name, val, c)
    return ref


def gen_readonly(o, d, ref):
    o.section("readonly: every policy against nosync (paired per round)")
    rs = d.sel(workload="readonly")
    o.m("rgRoGraph", tex_escape(rs[0]["graph"]) if rs else None)
    o.m("rgRoNodes", f_int(fnum(rs[0]["nodes"])) if rs else None)
    o.m("rgRoEdges", f_int(fnum(rs[0]["edges"])) if rs else None)
    o.m("rgRoPolicyCount", f_plain(len({r["sync"] for r in rs if "#" not in r["sync"]})) if rs else None)
    ts = sorted({r["_t"] for r in rs})
    o.m("rgRoMaxThreads", f_plain(ts[-1]) if ts else None)
    for label, t in (("One", 1), ("Ref", ref)):
        o.m(f"rgRoRes{label}", f_pct(100 * d.aa_res("readonly", t)) if d.aa_res("readonly", t) is not None
            else None, f"A/A resolution at {t} threads")
    rank_at = {}
    for p in POLICIES:
        cp = camel(p)
        for label, t in (("One", 1), ("Ref", ref)):
            sel = d.sel(workload="readonly", sync=p, threads=t)
            o.m(f"rgRoTput{cp}{label}", f_tput(statistics.median([r["_tput"] for r in sel])) if sel else None,
                f"{p} median queries/s at {t} threads")
            if p == "nosync":
                continue
            r = d.ratio("readonly", name=f"{p}/nosync", threads=t)
            o.cmp_row(f"rgRo{cp}{label}", r, f"{p} / nosync at {t} threads")
        if p == "nosync":
            continue
        rank_at[p] = next((x.get("rank") for x in d.sel(workload="readonly", sync=p, threads=ref)
                           if x.get("rank")), None)
        o.m(f"rgRoRank{cp}", rank_at[p] or NA, f"{p}'s rank at {ref} threads (1 = nosync's)")
        s = d.ratio("readonly", kind="speedup", threads=ref, num_prefix=p + "@")
        o.cmp_row(f"rgRoSpeedup{cp}", s, f"{p}: {ref} threads over 1, paired")
        # per-query cost over nosync in ns, 1 thread, paired per round
        a = d.sel(workload="readonly", sync=p, threads=1)
        b = d.sel(workload="readonly", sync="nosync", threads=1)
        diffs = d.paired(a, b, lambda x, y: 1e9 / x - 1e9 / y)
        mc = med_ci(diffs)
        o.m(f"rgRoNs{cp}", f_ns(mc[0]) if mc else None, f"ns per query over nosync, 1 thread (paired)")
        o.m(f"rgRoNs{cp}CI", f"{f_sgn(mc[1])} to {f_ns(mc[2])}" if mc and mc[1] is not None else NA)
    nos = d.sel(workload="readonly", sync="nosync", threads=1)
    o.m("rgRoNsNosync", f_ns(1e9 / statistics.median([r["_tput"] for r in nos])) if nos else None,
        "nosync's ns per query at 1 thread (1e9 / median queries/s)")
    # rcu-memb against the locks, paired per round, judged at the A/A resolution
    for other in ("rwlock", "mutex", "lru-rwlock", "ck-brlock"):
        for label, t in (("One", 1), ("Ref", ref)):
            a = d.sel(workload="readonly", sync="rcu-memb", threads=t)
            b = d.sel(workload="readonly", sync=other, threads=t)
            mc = med_ci(d.paired(a, b))
            res = d.aa_res("readonly", t)
            o.cmp(f"rgRoMembOver{camel(other)}{label}", mc[0] if mc else None, mc[1] if mc else None,
                  mc[2] if mc else None, judge(mc[1], mc[2], res) if mc else None,
                  f"rcu-memb / {other} at {t} threads, paired per round")
    ranked = [(int(rank_at[p]), p) for p in POLICIES if p != "nosync" and (rank_at.get(p) or "").isdigit()]
    same = [p for p in POLICIES if p != "nosync"
            and (d.ratio("readonly", name=f"{p}/nosync", threads=ref) or {}).get("verdict") == "indistinguishable"]
    o.m("rgRoTopRank", join_words(pol(p) for p in same) if rs else NA,
        "policies whose CI overlaps nosync's 1 +- resolution at ref threads")
    o.m("rgRoTopRankCount", f_plain(len(same)) if rs else NA)
    below = [p for p in POLICIES if p != "nosync"
             and (d.ratio("readonly", name=f"{p}/nosync", threads=ref) or {}).get("verdict") == "below"]
    o.m("rgRoBelowList", join_words(pol(p) for p in below) if rs else NA, "verdict below nosync at ref")
    o.m("rgRoBelowCount", f_plain(len(below)) if rs else NA)
    o.m("rgRoRankedCount", f_plain(len(ranked)) if ranked else NA)
    cks = {r.get("checksum") for r in rs if r.get("checksum")}
    o.m("rgRoChecksums", ("identical" if len(cks) == 1 else "different") if cks else None)

    body = []
    for p in [p for p in POLICIES if d.sel(workload="readonly", sync=p)]:
        if p == "nosync":
            body.append([pol(p), "1", "1", "ceiling", "--"])
            continue
        r1 = d.ratio("readonly", name=f"{p}/nosync", threads=1)
        rr = d.ratio("readonly", name=f"{p}/nosync", threads=ref)

        def cell(r):
            if r is None:
                return NA
            return f"{f_ratio(fnum(r['est']), False)} [{f_ci(fnum(r['lo']), fnum(r['hi']))}]"
        a = d.sel(workload="readonly", sync=p, threads=1)
        mc = med_ci(d.paired(a, nos, lambda x, y: 1e9 / x - 1e9 / y))
        body.append([pol(p), cell(r1), cell(rr), tex_escape((rr or {}).get("verdict") or NA),
                     f_ns(mc[0]) if mc else NA])
    o.tables["tab_readonly"] = table("@{}llllr@{}", ["policy", "/nosync, 1 thr.", f"/nosync, {ref} thr.",
                                                     f"verdict ({ref} thr.)", "ns/query"], body)


def gen_sectioncost(o, d):
    o.section("sectioncost: callgrind instructions per section and query")
    sc = [r for r in d.sc if fnum(r.get("Ir_per_op")) is not None]

    def val(sync, kind, path, ev="Ir_per_op"):
        r = next((x for x in sc if x["sync"] == sync and x["kind"] == kind and x["path"] == path), None)
        return fnum(r.get(ev)) if r else None
    o.m("rgScGraph", tex_escape(sc[0]["graph"]) if sc else None)
    o.m("rgScOps", f_int(fnum(sc[0]["ops"])) if sc else None)
    for p in POLICIES:
        cp = camel(p)
        o.m(f"rgScSection{cp}", f_plain(round(val(p, "section", "exported"))) if val(p, "section", "exported")
            is not None else None, f"{p}: instructions per exported read section")
        o.m(f"rgScQuery{cp}", f_plain(round(val(p, "query", "exported"))) if val(p, "query", "exported")
            is not None else None, f"{p}: instructions per query (section + span + scan)")
        m = val(p, "query", "exported", "D1mr_per_op")
        o.m(f"rgScMiss{cp}", f"{m:.1f}" if m is not None else None, f"{p}: simulated D1 read misses per query")
    for p in ("nosync", "rcu-memb"):
        v = val(p, "section-inline", "inline")
        o.m(f"rgScSectionInline{camel(p)}", f_plain(round(v)) if v is not None else None)
        v = val(p, "query-inline", "inline")
        o.m(f"rgScQueryInline{camel(p)}", f_plain(round(v)) if v is not None else None)
    v = val("csr", "csr", "static")
    o.m("rgScCsr", f_plain(round(v)) if v is not None else None, "static CSR query")
    m = val("csr", "csr", "static", "D1mr_per_op")
    o.m("rgScCsrMiss", f"{m:.1f}" if m is not None else None)
    secs = [(val(p, "section", "exported"), p) for p in POLICIES if val(p, "section", "exported") is not None
            and p != "nosync"]
    lo = min(secs) if secs else (None, None)
    hi = max(secs) if secs else (None, None)
    o.m("rgScSectionMinName", pol(lo[1]) if lo[1] else None)
    o.m("rgScSectionMin", f_plain(round(lo[0])) if lo[0] is not None else None)
    o.m("rgScSectionMaxName", pol(hi[1]) if hi[1] else None)
    o.m("rgScSectionMax", f_plain(round(hi[0])) if hi[0] is not None else None)
    n = val("nosync", "section", "exported")
    m_ = val("rcu-memb", "section", "exported")
    o.m("rgScMembOverNosync", f_plain(round(m_ - n)) if n is not None and m_ is not None else None,
        "rcu-memb's extra instructions per section over nosync's")


def gen_readtargets(o, d, ref):
    o.section("readtargets: the packed and edited layouts against a static CSR")
    for g, G in (("cache", "Cache"), ("dram", "Dram")):
        rs = [r for r in d.rows if r["workload"] == "readtargets" and r.get("variant", "").startswith(g + ":")]
        o.m(f"rgRt{G}Graph", tex_escape(rs[0]["graph"]) if rs else None)
        o.m(f"rgRt{G}Nodes", f_int(fnum(rs[0]["nodes"])) if rs else None)
        for name, base in (("t14-span/csr", "Span"), ("t14-span-inline/csr", "SpanInline"),
                           ("t14-section-inline-rcu-memb/csr", "SectionMemb"),
                           ("t14-section-inline-nosync/csr", "SectionNosync"),
                           ("t14-edited-span/csr", "Edited"), ("edited-ptrchain/csr", "Ptrchain"),
                           ("edited-span/ptrchain", "EditedOverPtrchain"),
                           ("t14-rcu-memb/nosync-exported", "MembExported"),
                           ("t14-rcu-memb/nosync-inline", "MembInline")):
            for label, t in (("One", 1), ("Ref", ref)):
                r = d.ratio("readtargets", name=name, variant_prefix=g + ":", threads=t)
                o.cmp_row(f"rgRt{G}{base}{label}", r, f"{name} on {g} at {t} threads")


def gen_contention(o, d, ref):
    o.section("contention: one node of typical out-degree (hot) against random nodes (spread)")
    for p in POLICIES:
        r = d.ratio("contention", name="hot/spread", threads=ref, num_prefix=p + "@", study_prefix="contention 0%")
        o.cmp_row(f"rgCt{camel(p)}HotSpread", r, f"{p}: hot / spread at {ref} threads")
        if p != "nosync":
            r = d.ratio("contention", name=f"{p}/nosync", variant="hot", threads=ref, study_prefix="contention 0%")
            o.cmp_row(f"rgCt{camel(p)}Hot", r, f"{p} / nosync on the hot node at {ref} threads")


def gen_mixed(o, d, ref):
    o.section("mixed: reads and write transactions (references: nosync at 0%, rcu-memb above)")
    pcts = sorted({fnum(r.get("update_ratio")) for r in d.rows if r["workload"] == "mixed"
                   and fnum(r.get("update_ratio")) is not None})
    pos = [u for u in pcts if u > 0]
    o.m("rgMxLoPct", f_plain(pos[0]) if pos else None)
    o.m("rgMxHiPct", f_plain(pos[-1]) if pos else None)
    o.m("rgMxPcts", join_words([f_plain(u) for u in pcts]) if pcts else None)
    for p in ("rwlock", "mutex", "ck-epoch", "rcu-qsbr", "lru-rwlock"):
        for u in UPDATE_PCTS:
            r = d.ratio("mixed", name=f"{p}/rcu-memb", study=f"mixed {u}% updates", threads=ref) if u else \
                d.ratio("mixed", name=f"{p}/nosync", study="mixed 0% updates", threads=ref)
            o.cmp_row(f"rgMx{camel(p)}{nword(u)}", r, f"{p} / {'rcu-memb' if u else 'nosync'} at {u}%")
        for lab, u in (("Lo", pos[0] if pos else None), ("Hi", pos[-1] if pos else None)):
            r = d.ratio("mixed", name=f"{p}/rcu-memb", study=f"mixed {u:g}% updates", threads=ref) \
                if u is not None else None
            o.cmp_row(f"rgMx{camel(p)}{lab}", r, f"{p} / rcu-memb at the {'lowest' if lab == 'Lo' else 'highest'} "
                      "positive update ratio")


def gen_traversal(o, d, ref):
    o.section("traversal: parallel over sequential (paired per round)")
    for v, name in TRAV_KINDS:
        r = d.ratio("traversal", variant=f"{v}-par", threads=ref, kind="ratio")
        o.cmp_row(f"rgTr{name}", r, f"{v}: par at {ref} threads / seq")
    cks = {}
    for r in d.rows:
        if r["workload"] == "traversal":
            cks.setdefault(r["variant"].rsplit("-", 1)[0], set()).add(r.get("checksum"))
    o.m("rgTrChecksums", ("identical" if all(len(v) == 1 for v in cks.values()) else "different") if cks else None)


def gen_realgraphs(o, d, ref):
    o.section("realgraphs: a SNAP graph against generated graphs of its size")
    r0 = next((r for r in d.rows if r["workload"] == "realgraphs" and r["variant"].endswith(":snap")), None)
    name = r0["variant"].rsplit(":", 1)[0] if r0 else None
    o.m("rgRgName", tex_escape(name) if name else None)
    o.m("rgRgNodes", f_int(fnum(r0["nodes"])) if r0 else None)
    o.m("rgRgEdges", f_int(fnum(r0["edges"])) if r0 else None)
    for cmpn, base in (("snap/uniform", "Uniform"), ("snap/rmat", "Rmat")):
        r = d.ratio("realgraphs", name=cmpn, threads=ref, num_prefix="rcu-memb@",
                    variant_prefix=(name + ":") if name else None)
        o.cmp_row(f"rgRgSnap{base}", r, f"{cmpn} under rcu-memb at {ref} threads")


def gen_lmdb(o, d, ref):
    o.section("lmdb (the first peer): rcugraph / LMDB, one read transaction per query")
    for label, t in (("One", 1), ("Ref", ref)):
        r = d.ratio("lmdb", name="rcu-memb/lmdb", study="lmdb readonly", threads=t)
        o.cmp_row(f"rgLmRead{label}", r, f"read-only at {t} threads")
    r = d.ratio("lmdb", kind="speedup", study="lmdb readonly", threads=ref, num_prefix="lmdb@")
    o.cmp_row("rgLmSpeedupLmdb", r, "LMDB's speedup ref/1")
    r = d.ratio("lmdb", kind="speedup", study="lmdb readonly", threads=ref, num_prefix="rcu-memb@")
    o.cmp_row("rgLmSpeedupMemb", r, "rcugraph's speedup ref/1")
    studies = sorted({(fnum(x.get("study", "").split()[2].rstrip("%")) if len(x.get("study", "").split()) > 2
                       else None) for x in d.ratios if x.get("workload") == "lmdb"
                      and x.get("study", "").startswith("lmdb mixed")} - {None})
    o.m("rgLmLoPct", f_plain(studies[0]) if studies else None)
    o.m("rgLmHiPct", f_plain(studies[-1]) if studies else None)
    for lab, u in (("Lo", studies[0] if studies else None), ("Hi", studies[-1] if studies else None)):
        r = d.ratio("lmdb", name="rcu-memb/lmdb", study=f"lmdb mixed {u:g}%", threads=ref) if u is not None else None
        o.cmp_row(f"rgLmMixed{lab}", r, f"mixed {u}% at {ref} threads")
    cks = {r.get("checksum") for r in d.rows if r["workload"] == "lmdb" and r.get("variant") == "readonly"}
    o.m("rgLmChecksums", ("identical" if len(cks) == 1 else "different") if cks else None)


def gen_latency(o, d):
    o.section("latency: per-query percentiles, one reader, without and with a writer")
    for p in ("rcu-memb", "rwlock", "mutex", "ck-epoch", "nosync"):
        for v, lab in (("no-writer", "NoWriter"), ("writer", "Writer")):
            sel = [r for r in d.rows if r["workload"] == "latency" and r["sync"] == p and r["variant"] == v
                   and fnum(r.get("p99_us")) is not None]
            sel = [r for r in sel if r["_kv"].get("readers", "1") == "1" or r["_t"] <= 2]
            v99 = statistics.median([fnum(r["p99_us"]) for r in sel]) if sel else None
            o.m(f"rgLa{camel(p)}{lab}", f"{sig(v99)}\\,\\ensuremath{{\\mu}}s" if v99 is not None else None,
                f"{p} median p99 over rounds, {v}")


def gen_memory(o, d):
    o.section("memory: garbage under writer churn with concurrent readers")
    for p in ("rcu-memb", "rcu-qsbr", "ck-epoch", "rwlock"):
        cp = camel(p)
        samp = [r for r in d.rows if r["workload"] == "memory" and r["sync"] == p and r.get("verdict") == "sample"]
        meas = [r for r in d.rows if r["workload"] == "memory" and r["sync"] == p and r.get("verdict") != "sample"]
        peaks = [fnum(r["_kv"].get("peak_pending_bytes")) for r in meas]
        peaks = [x for x in peaks if x is not None] or [fnum(r["_kv"].get("pending_bytes")) for r in samp
                                                         if fnum(r["_kv"].get("pending_bytes")) is not None]
        o.m(f"rgMePeak{cp}", f_mib(max(peaks)) if peaks else None, f"{p}: largest pending bytes")
        waits = [fnum(r["_kv"].get("gc_waits")) for r in samp + meas if fnum(r["_kv"].get("gc_waits")) is not None]
        w = max(waits) if waits else None
        if w is None:
            phrase = NA
        elif w == 0:
            phrase = "never had to wait for the garbage limit"
        elif w == 1:
            phrase = "had to wait for the garbage limit once"
        else:
            phrase = f"had to wait for the garbage limit in {f_int(w)} commits"
        o.m(f"rgMeGcWait{cp}", phrase, f"{p}: writer stalls on the garbage limit (largest count of a run)")


def gen_writer(o, d, ref):
    o.section("writer: in memory and with the redo log")
    for size, lab in ((1, "One"), (10000, "Big")):
        r = d.ratio("writer", variant=f"txn={size},log=commit", threads=1, kind="ratio")
        o.cmp_row(f"rgWrCommit{lab}", r, f"txn={size}: log=commit / log=none")
        sel = d.sel(workload="writer", variant=f"txn={size},log=none", threads=1)
        o.m(f"rgWrNone{lab}Tput", f_tput(statistics.median([r["_tput"] for r in sel])) if sel else None,
            f"txn={size} in memory, edges/s")
    grp = [r for r in d.ratios if r.get("workload") == "writer" and r.get("kind") == "speedup"
           and "group" in r.get("variant", "")]
    top = max(grp, key=lambda r: int(fnum(r.get("threads")) or 0)) if grp else None
    o.m("rgWrGroupThreads", top.get("threads") if top else None)
    o.cmp_row("rgWrGroupSpeedup", top, "group commit: N committers / 1, paired")
    fs = [fnum(r["_kv"].get("fsyncs_per_commit")) for r in d.rows if r["workload"] == "writer"
          and "group" in r.get("variant", "") and fnum(r["_kv"].get("fsyncs_per_commit")) is not None
          and r["_t"] == int(fnum(top.get("threads")) if top else 0)]
    o.m("rgWrFsyncsPerCommit", f"{statistics.median(fs):.2f}" if fs else None,
        "fsyncs per commit at the largest committer count (median over rounds)")


def gen_named(o, d, ref):
    o.section("named comparisons of the writer-side and peer workloads (NAMED)")
    body = []
    for base, w, name, vpre, thr, what in NAMED:
        t = ref if thr == "ref" else thr
        r = d.ratio(w, name=name, variant_prefix=vpre or None, threads=t)
        if r is None and thr == "ref":
            r = d.ratio(w, name=name, variant_prefix=vpre or None)  # single-threaded comparisons
        o.cmp_row(f"rg{base}", r, what, kind=ratio_kind(name, w))
        body.append([tex_escape(what), f_ratio(fnum(r["est"])) if r else NA,
                     f_ci(fnum(r["lo"]), fnum(r["hi"])) if r else NA, tex_escape(r.get("verdict") or NA) if r else NA])
    o.tables["tab_writerside"] = table("@{}p{0.5\\columnwidth}lll@{}", ["comparison", "ratio", "95\\% CI", "verdict"],
                                       body)


def gen_footprint(o, d):
    o.section("footprint: bytes per edge (throughput column of the footprint rows)")
    for s, v, lab in (("rcu-memb", "packed", "Packed"), ("rcu-memb", "live", "Live"), ("csr", "csr", "Csr")):
        sel = [r for r in d.rows if r["workload"] == "footprint" and r.get("variant", "").startswith(v)]
        o.m(f"rgFp{lab}Bytes", f"{statistics.median([r['_tput'] for r in sel]):.1f}" if sel else None,
            f"{v}: bytes per edge")


def gen_insert(o, d):
    o.section("insert: edges/s of the batched path and the in-run floor store")
    for v, lab in (("batched:txn=10000", "Batched"), ("batched:floor", "Floor"), ("batched:vfloor", "Vfloor"),
                   ("batched:txn=1048576", "Bulk")):
        sel = [r for r in d.rows if r["workload"] == "insert" and r.get("variant") == v]
        o.m(f"rgIns{lab}Tput", f_tput(statistics.median([r["_tput"] for r in sel])) if sel else None,
            f"{v}: edges/s (median over rounds)")
    sel = [r for r in d.rows if r["workload"] == "insert"]
    o.m("rgInsGraph", tex_escape(sel[0]["graph"]) if sel else None)


def gen_openloop(o, d):
    o.section("openloop: read latency at a fixed arrival rate (from the scheduled time)")
    for v, ref, pols in (("no-writer", "nosync", ("rcu-memb", "ck-epoch", "rwlock")),
                         ("writer", "rcu-memb", ("ck-epoch", "rwlock"))):
        cv = camel(v)
        for p in pols:
            r = d.ratio("openloop", name=f"p99/{ref}", variant=v, num_prefix=f"{p}@")
            o.cmp_row(f"rgOl{camel(p)}{cv}", r, f"{v}: p99 latency {p} / {ref} (paired per round)", kind="time")
        for p in (ref,) + pols:
            sel = [fnum(r.get("p99_us")) for r in d.rows if r["workload"] == "openloop" and r.get("variant") == v
                   and r["sync"] == p and fnum(r.get("p99_us")) is not None]
            o.m(f"rgOlPNN{camel(p)}{cv}", f"{statistics.median(sel):.0f}" if sel else None,
                f"{v}, {p}: p99 latency in us (median over rounds)")
    rate = [fnum(r["_kv"].get("rate_per_reader")) for r in d.rows if r["workload"] == "openloop"
            and fnum(r["_kv"].get("rate_per_reader")) is not None]
    o.m("rgOlRate", f_tput(statistics.median(rate)) if rate else None, "arrivals per second per reader")


def gen_longread(o, d):
    o.section("longread: one reader holds a section for the whole trial")
    for p in ("rcu-memb", "rcu-qsbr", "ck-epoch", "rwlock"):
        cp = camel(p)
        meas = [r for r in d.rows if r["workload"] == "longread" and r["sync"] == p and r.get("verdict") != "sample"]
        peaks = [fnum(r["_kv"].get("peak_pending_bytes")) for r in meas if fnum(r["_kv"].get("peak_pending_bytes"))
                 is not None]
        o.m(f"rgLrPeak{cp}", f_mib(max(peaks)) if peaks else None, f"{p}: largest pending bytes")
        br = [fnum(r["_kv"].get("bound_ratio")) for r in meas if fnum(r["_kv"].get("bound_ratio")) is not None]
        o.m(f"rgLrBound{cp}", f"{max(br):.2f}" if br else None, f"{p}: peak / limit")
        waits = [fnum(r["_kv"].get("gc_waits")) for r in meas if fnum(r["_kv"].get("gc_waits")) is not None]
        w = statistics.median(waits) if waits else None
        phrase = NA if w is None else ("the writer never waited for the garbage limit" if w == 0 else
                                       "the writer waited for the garbage limit until the section ended")
        o.m(f"rgLrWait{cp}", phrase)
        sel = [r for r in meas]
        o.m(f"rgLrCommits{cp}", f_tput(statistics.median([r["_tput"] for r in sel])) if sel else None,
            f"{p}: writer commits/s while the section is held")
    sel = [r for r in d.rows if r["workload"] == "longread"]
    lim = [fnum(r["_kv"].get("gc_limit_bytes")) for r in sel if fnum(r["_kv"].get("gc_limit_bytes")) is not None]
    o.m("rgLrLimit", f_mib(max(lim)) if lim else None)


def gen_wal(o, d):
    o.section("wal: replay on open")
    sel = [r for r in d.rows if r["workload"] == "wal" and r.get("variant", "").startswith("replay")
           and "#" not in r["sync"]]
    o.m("rgWalReplayTput", f_tput(statistics.median([r["_tput"] for r in sel])) if sel else None,
        "edges replayed per second of rg_open (median over rounds)")


def gen_oldbench(o, d):
    o.section("oldbench: the old benchmark's flaws as switches (paired per round)")
    rs = [r for r in d.rows if r["workload"] == "oldbench"]
    ts = sorted({r["_t"] for r in rs})
    n = max([t for t in ts if d.nproc is None or t <= d.nproc] or ts or [2])
    o.m("rgObThreads", f_plain(n) if rs else None)

    def sp(p, sc, f):
        return d.ratio("oldbench", kind="speedup", variant=f"{sc}:flaw={f}", threads=n, num_prefix=p + "@")

    def inflation(p, sc, f):
        """Per round: (flawed N/1) / (honest N/1); median and 95% CI."""
        def by_round(v, t):
            return {(r.get("run_id"), r["_round"]): r["_tput"] for r in rs
                    if r["sync"] == p and r["variant"] == v and r["_t"] == t}
        fN, f1 = by_round(f"{sc}:flaw={f}", n), by_round(f"{sc}:flaw={f}", 1)
        hN, h1 = by_round(f"{sc}:flaw=none", n), by_round(f"{sc}:flaw=none", 1)
        vals = [(fN[k] / f1[k]) / (hN[k] / h1[k]) for k in fN if k in f1 and k in hN and k in h1
                and f1[k] and hN[k] and h1[k]]
        return med_ci(vals)
    best = None
    best_inf = None
    body = []
    infl_all, flawed_sp = [], []
    for sc in OB_SCENARIOS:
        for p in OB_POLICIES:
            row = [tex_escape(sc), pol(p)]
            for f, F in OB_FLAWS:
                r = sp(p, sc, f)
                o.cmp_row(f"rgOb{camel(sc)}{camel(p)}{F}", r, f"{sc}, {p}, flaw={f}: speedup {n}/1, paired")
                row.append(f_ratio(fnum(r["est"]), False) if r else "--")
                if r is not None and f != "none":
                    flawed_sp.append((fnum(r["est"]), fnum(r["lo"]), fnum(r["hi"])))
                    inf0 = inflation(p, sc, f)
                    if inf0:
                        infl_all.append(inf0)
                    if best is None or fnum(r["hi"] or r["est"]) > fnum(best[0]["hi"] or best[0]["est"]):
                        best = (r, sc, p, f)
                    inf = inflation(p, sc, f)
                    if inf and (best_inf is None or inf[0] > best_inf[0][0]):
                        best_inf = (inf, sc, p, f)
            body.append(row)
    o.tables["tab_oldbench"] = table("@{}ll" + "r" * len(OB_FLAWS) + "@{}",
                                     ["scenario", "policy"] + ["none", "spawn", "warm", "ms", "sem.", "all"], body)
    if best:
        r, sc, p, f = best
        o.m("rgObMaxSpeedup", f_ratio(fnum(r["est"])), "largest flawed median speedup (by CI upper end)")
        o.m("rgObMaxSpeedupHi", f_ratio(fnum(r["hi"])) if fnum(r.get("hi")) is not None else NA,
            "upper end of the 95% CI of that speedup")
        o.m("rgObMaxSpeedupConfig", f"{tex_escape(sc)}, {pol(p)}, \\emph{{{tex_escape(f)}}}")
    else:
        o.m("rgObMaxSpeedup", None)
        o.m("rgObMaxSpeedupHi", None)
        o.m("rgObMaxSpeedupConfig", None)
    if best_inf:
        (m, lo, hi, k), sc, p, f = best_inf
        o.m("rgObMaxInflation", f_ratio(m), "largest median inflation flawed/honest speedup, paired per round")
        o.m("rgObMaxInflationCI", f_ci(lo, hi))
        o.m("rgObMaxInflationConfig", f"{tex_escape(sc)}, {pol(p)}, \\emph{{{tex_escape(f)}}}")
    else:
        o.m("rgObMaxInflation", None)
        o.m("rgObMaxInflationCI", None)
        o.m("rgObMaxInflationConfig", None)
    # How many flawed configurations inflated a speedup beyond the resolution,
    # and where the flawed speedups stand against Sombra's reported 18.6x.
    res = d.aa_res("oldbench", n)
    above = [x for x in infl_all if judge(x[1], x[2], res) == "above"]
    o.m("rgObFlawedCount", f_plain(len(infl_all)) if infl_all else None, "flawed configurations with an inflation")
    o.m("rgObInflatedCount", f_plain(len(above)) if infl_all else None,
        "flawed configurations whose inflation CI lies above 1 + resolution")
    o.m("rgObInflatedPhrase", NA if not infl_all else (
        "none inflated its speedup beyond the run's resolution" if not above else
        f"{count_word(len(above))} inflated {'its speedup' if len(above) == 1 else 'their speedups'} beyond "
        "the run's resolution"),
        "of the flawed configurations ...")
    sombra = 18.6
    sp = [x for x in flawed_sp if x[0] is not None]
    his = [x[2] for x in sp if x[2] is not None]
    if not sp:
        phrase = NA
    elif any(x[1] is not None and x[1] > sombra for x in sp):
        k = len([x for x in sp if x[1] is not None and x[1] > sombra])
        phrase = (f"{count_word(k)} flawed configuration{'s' if k > 1 else ''} exceeded Sombra's 18.6{TIMES} with "
                  f"{'their' if k > 1 else 'its'} whole confidence interval")
    elif his and max(his) < sombra:
        phrase = (f"no flawed configuration came near Sombra's 18.6{TIMES}: the largest upper end of a "
                  f"flawed speedup's confidence interval was {f_ratio(max(his))}")
    else:
        k = len([x for x in sp if x[2] is None or x[2] >= sombra])
        phrase = (f"no flawed median speedup reached Sombra's 18.6{TIMES}, but the confidence interval{'s' if k > 1 else ''} of "
                  f"{count_word(k)} flawed configuration{'s' if k > 1 else ''} "
                  f"{'are' if k > 1 else 'is'} too wide to rule it out in this run")
    o.m("rgObVsSombra", phrase, "the flawed speedups against Sombra's reported 18.6x")
    # ms-rounding: how many runs were shorter than the one-millisecond floor
    msr = [r for r in rs if ("ms-rounding" in r["variant"] or r["variant"].endswith("flaw=all"))]
    floor = [r for r in msr if fnum(r["_kv"].get("elapsed_true_s")) is not None
             and fnum(r["_kv"]["elapsed_true_s"]) < 0.001]
    o.m("rgObMsRuns", f_int(len(msr)) if msr else None)
    o.m("rgObMsFloorRuns", f_int(len(floor)) if msr else None, "runs shorter than 1 ms, reported as 1 ms")
    hon = [fnum(r["_kv"].get("elapsed_true_s")) for r in rs if r["variant"] == "reads:flaw=none" and r["_t"] == 1
           and r["sync"] == "lru-rwlock"]
    hon = [x for x in hon if x is not None]
    o.m("rgObReadsOneMs", f"{1000 * statistics.median(hon):.2f}" if hon else None,
        "honest 1-thread reads run under lru-rwlock, ms")
    sem = {r.get("checksum") for r in rs if r["variant"] == "traversal:flaw=semantics-mismatch"}
    o.m("rgObSemChecksums", ("differed" if len(sem) > 1 else "agreed") if sem else None,
        "result checksums of the within-2 and exactly-2 sides")


def gen_targets(o, d):
    o.section("targets (experiments/targets.sh)")
    lines = targets_lines(d.dir)
    known = [ln for ln in lines if ln[1] != "n/a"]
    met = [ln for ln in known if ln[3] == "met"]
    o.m("rgTargetsKnown", f_plain(len(known)))
    o.m("rgTargetsMet", f_plain(len(met)))
    body = []
    for name, measured, goal, status in lines:
        body.append([f"\\texttt{{{tex_escape(name)}}}", tex_escape(measured), tex_escape(goal),
                     status if measured != "n/a" else "not measured"])
    o.tables["tab_targets"] = table("@{}llll@{}", ["target", "median[95\\% CI]", "goal", "status"], body)


# ------------------------------------------------------------------ targets and README

_TARGETS_OUT = {}


def targets_output(directory):
    """experiments/targets.sh DIR's output lines (run once per directory)."""
    if directory not in _TARGETS_OUT:
        sh = os.path.join(ROOT, "experiments", "targets.sh")
        try:
            out = subprocess.run(["bash", sh, directory], capture_output=True, text=True,
                                 timeout=120).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        _TARGETS_OUT[directory] = out.splitlines()
    return _TARGETS_OUT[directory]


def targets_lines(directory):
    """experiments/targets.sh DIR's target lines as (name, measured, goal, status) tuples."""
    res = []
    for ln in targets_output(directory):
        f = ln.split()
        if len(f) == 5 and f[0] == "target":
            res.append(tuple(f[1:]))
    return res


def targets_markdown(directory):
    """The Markdown of targets_table.py: the target lines and the report lines."""
    sys.path.insert(0, os.path.join(ROOT, "experiments"))
    import targets_table  # noqa: E402
    return targets_table.render([ln for ln in targets_output(directory)
                                 if ln.split()[:1] in (["target"], ["report"])])


def md_cell(r, times="x"):
    if r is None:
        return "n/a", "n/a", "-"
    est, lo, hi = fnum(r.get("est")), fnum(r.get("lo")), fnum(r.get("hi"))

    def f(v):
        return "-" if v is None else (f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}")
    return f"{f(est)}{times}", f"{f(lo)}-{f(hi)}" if lo is not None else "-", r.get("verdict") or "-"


def readme_regions(d, label, ref):
    """Markdown of the README's generated regions."""
    machine = ", ".join(sorted({r.get("cpu_model", "?") for r in d.rows})) or "?"
    commits = ", ".join(sorted({r.get("git_commit", "") for r in d.rows if r.get("git_commit")})) or "?"
    dates = sorted({r.get("date", "") for r in d.rows if r.get("date")})
    ro = d.sel(workload="readonly")
    lines = []
    lines.append(f"Run: `{label}` ({len(d.rows):,} measured runs in {len([f for f in d.files if f[1]])} CSV files), "
                 f"machine **{machine}, nproc={d.nproc}**, commit(s) {commits}, "
                 f"{dates[0][:16] if dates else '?'} .. {dates[-1][:16] if dates else '?'} UTC. "
                 + (f"Read studies: graph `{ro[0]['graph']}` ({int(fnum(ro[0]['nodes'])):,} nodes, "
                    f"{int(fnum(ro[0]['edges'])):,} edges). " if ro else "")
                 + f"Ratios are medians of paired per-round ratios with their 95% CI; the verdict compares the "
                 f"CI with the run's A/A resolution (`indistinguishable` = inside it). Thread counts above "
                 f"{d.nproc} are oversubscribed and never judged.")
    lines.append("")
    lines.append("| comparison | threads | ratio | 95% CI | verdict |")
    lines.append("|---|---|---|---|---|")

    def add(what, r, t):
        a, b, c = md_cell(r)
        lines.append(f"| {what} | {t} | {a} | {b} | {c} |")
    for p in POLICIES:
        if p == "nosync":
            continue
        r = d.ratio("readonly", name=f"{p}/nosync", threads=ref)
        if r is not None:
            add(f"readonly: {p} / nosync", r, ref)
    for p in ("rwlock", "mutex"):
        for u in UPDATE_PCTS[1:]:
            r = d.ratio("mixed", name=f"{p}/rcu-memb", study=f"mixed {u}% updates", threads=ref)
            if r is not None:
                add(f"mixed {u}% updates: {p} / rcu-memb", r, ref)
    for p in ("rcu-memb", "rwlock", "lru-rwlock"):
        r = d.ratio("contention", name="hot/spread", threads=ref, num_prefix=p + "@", study_prefix="contention 0%")
        if r is not None:
            add(f"contention: {p} hot / spread", r, ref)
    for g in ("cache", "dram"):
        for name in ("t14-span/csr", "t14-edited-span/csr"):
            r = d.ratio("readtargets", name=name, variant_prefix=g + ":", threads=ref)
            if r is not None:
                add(f"readtargets {g}: {name[4:]}", r, ref)
    for t in (1, ref):
        r = d.ratio("lmdb", name="rcu-memb/lmdb", study="lmdb readonly", threads=t)
        if r is not None:
            add("lmdb read-only: rcugraph / LMDB", r, t)
    for base, w, name, vpre, thr, what in NAMED:
        t = ref if thr == "ref" else thr
        r = d.ratio(w, name=name, variant_prefix=vpre or None, threads=t)
        if r is None and thr == "ref":
            r = d.ratio(w, name=name, variant_prefix=vpre or None)  # single-threaded comparisons
        if r is not None:
            add(f"{w}: {what}", r, r.get("threads"))
    for sc in OB_SCENARIOS:
        for p in OB_POLICIES:
            r = d.ratio("oldbench", kind="speedup", variant=f"{sc}:flaw=all", threads=d.nproc or 2,
                        num_prefix=p + "@")
            if r is not None:
                add(f"oldbench {sc}: {p} speedup, all flaws", r, r.get("threads"))
    head = "\n".join(lines) + "\n"
    fig = f"![Read-only throughput relative to nosync, per policy]({label}/figures/{README_FIGURE}.png)\n"
    run = "\n".join([
        "| | |", "|---|---|",
        f"| results | `{label}` |",
        f"| machine | {machine}, nproc={d.nproc} |",
        f"| kernel / compiler / build | {', '.join(sorted({r.get('kernel', '') for r in d.rows}))} / "
        f"{', '.join(sorted({r.get('compiler', '') for r in d.rows}))} / "
        f"{', '.join(sorted({r.get('build_type', '') for r in d.rows}))} |",
        f"| date (UTC) | {dates[0] if dates else '?'} .. {dates[-1] if dates else '?'} |",
        f"| git commit(s) | {commits} |",
        f"| rounds x seconds per configuration | "
        f"{', '.join(sorted({r.get('rounds', '') for r in d.rows if r.get('rounds')}))} x "
        f"{', '.join(sorted({r.get('duration_s', '') for r in d.rows if r.get('duration_s')}))} s |",
        "| read studies' graph | " + (f"`{ro[0]['graph']}`: {int(fnum(ro[0]['nodes'])):,} nodes (distinct "
                                     f"endpoint ids), {int(fnum(ro[0]['edges'])):,} edges |" if ro else "n/a |"),
        f"| workloads | {', '.join(w for w in WORKLOADS if w in d.workloads)} |",
        f"| absent (their paper sections read n/a) | {', '.join(w for w in WORKLOADS if w not in d.workloads)} |",
    ]) + "\n"
    return {"headline": fig + "\n" + head, "targets": targets_markdown(d.dir), "run": run,
            "results-headline": head}


README_FILES = {  # file -> regions it holds
    "README.md": ["headline", "targets"],
    "results/README.md": ["run", "results-headline"],
}
REGION_RE = r"(<!-- BEGIN generated:{0} [^>]*-->\n)(.*?)(<!-- END generated:{0} -->)"


def apply_regions(text, regions, names):
    for n in names:
        rx = re.compile(REGION_RE.format(re.escape(n)), re.S)
        if not rx.search(text):
            raise SystemExit(f"gen_numbers: region 'generated:{n}' not found")
        text = rx.sub(lambda m: m.group(1) + regions[n] + m.group(3), text)
    return text


def extract_region(text, name):
    m = re.search(REGION_RE.format(re.escape(name)), text, re.S)
    return m.group(2) if m else None


# ------------------------------------------------------------------ driver

def default_results():
    man = os.path.join(PAPER, "generated", "manifest.txt")
    if os.path.exists(man):
        for ln in open(man):
            if ln.startswith("results: "):
                p = os.path.join(ROOT, ln.split(": ", 1)[1].strip())
                if os.path.isdir(p):
                    return p
    full = os.path.join(ROOT, "results", "full")
    if any(is_v2(p) for p in glob.glob(os.path.join(full, "*.csv"))):
        return full
    return os.path.join(ROOT, "results", "quick")


def is_v2(path):
    with open(path, newline="") as f:
        head = f.readline()
    return "round" in head.split(",") or path.endswith(".ratios.csv")


def numbers_digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def default_label(results):
    rel = os.path.relpath(os.path.abspath(results), ROOT)
    return rel if not rel.startswith("..") else os.path.abspath(results)


def generate(results, out_dir, fig_out, label=None, quiet=False):
    """Everything derived from the CSVs: returns (macros, tables, readme regions)."""
    label = label or default_label(results)
    d = Data(results)
    o = Out()
    ref = gen_meta(o, d, label)
    gen_readonly(o, d, ref)
    gen_sectioncost(o, d)
    gen_readtargets(o, d, ref)
    gen_contention(o, d, ref)
    gen_mixed(o, d, ref)
    gen_traversal(o, d, ref)
    gen_realgraphs(o, d, ref)
    gen_lmdb(o, d, ref)
    gen_latency(o, d)
    gen_memory(o, d)
    gen_writer(o, d, ref)
    gen_named(o, d, ref)
    gen_footprint(o, d)
    gen_insert(o, d)
    gen_longread(o, d)
    gen_openloop(o, d)
    gen_wal(o, d)
    gen_oldbench(o, d)
    gen_targets(o, d)
    o.readme = readme_regions(d, label, ref)

    os.makedirs(out_dir, exist_ok=True)
    lines = ["% Generated by paper/gen_numbers.py from the CSVs of " + label.replace("%", "\\%")
             + ": do not edit (paper/README.md).", ""]
    for name, val, comment in o.macros:
        if name is None:
            lines += ["", f"% ---- {comment}"]
            continue
        lines.append(f"\\newcommand{{\\{name}}}{{{val}}}" + (f"  % {comment}" if comment else ""))
    numbers = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "numbers.tex"), "w") as f:
        f.write(numbers)
    with open(os.path.join(out_dir, "digest.tex"), "w") as f:
        f.write("% Generated by paper/gen_numbers.py: the digest of numbers.tex, printed in the PDF so that\n"
                "% paper/check.py can tell which numbers a PDF was built from.\n"
                f"\\newcommand{{\\rgNumbersDigest}}{{{numbers_digest(numbers)}}}\n")
    for name, text in sorted(o.tables.items()):
        with open(os.path.join(out_dir, name + ".tex"), "w") as f:
            f.write("% Generated by paper/gen_numbers.py: do not edit.\n" + text)
    # figures the paper includes, with their plotted-data sidecars
    os.makedirs(fig_out, exist_ok=True)
    src = os.path.join(results, "figures")
    copied = []
    for name in PAPER_FIGURES:
        for ext in (".pdf", ".data.json"):
            p = os.path.join(src, name + ext)
            if os.path.exists(p):
                shutil.copyfile(p, os.path.join(fig_out, name + ext))
                copied.append(name + ext)
    man = [f"results: {label}", "# input files: sha256, rows"]
    for path, n in d.files:
        with open(path, "rb") as f:
            man.append(f"{hashlib.sha256(f.read()).hexdigest()}  {os.path.basename(path)}  {n} rows")
    man.append("# figures copied from the results' figures/ (paper/check.py redraws and compares the data)")
    man += [c for c in copied]
    with open(os.path.join(out_dir, "manifest.txt"), "w") as f:
        f.write("\n".join(man) + "\n")
    if not quiet:
        for n in d.notes:
            print(f"gen_numbers: note: {n}", file=sys.stderr)
        print(f"gen_numbers: {len(o.names)} macros, {len(o.tables)} tables, {len(copied)} figure files from {label}")
    return o


def write_readme(o):
    for rel, names in README_FILES.items():
        path = os.path.join(ROOT, rel)
        with open(path) as f:
            text = f.read()
        new = apply_regions(text, o.readme, names)
        if new != text:
            with open(path, "w") as f:
                f.write(new)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", help="results directory (default: the manifest's, else results/full or quick)")
    ap.add_argument("--label", help="how the text names the results directory (default: its path in the repo)")
    ap.add_argument("--out", default=os.path.join(PAPER, "generated"))
    ap.add_argument("--figures-out", default=os.path.join(PAPER, "figures"))
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite the README regions")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    results = os.path.abspath(a.results) if a.results else default_results()
    if not os.path.isdir(results):
        print(f"gen_numbers: {results}: no such directory", file=sys.stderr)
        return 2
    for p in glob.glob(os.path.join(a.figures_out, "*")) + glob.glob(os.path.join(a.out, "*")):
        os.remove(p)
    o = generate(results, a.out, a.figures_out, label=a.label, quiet=a.quiet)
    if not a.no_readme:
        write_readme(o)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
