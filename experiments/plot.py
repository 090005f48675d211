#!/usr/bin/python3
"""plot.py - figures and a headline summary from rgbench CSV files.

Usage: experiments/plot.py DIR [--figures FIGDIR] [--summary FILE] [--formats png,pdf]

Reads every DIR/*.csv (the rgbench schema: one row per configuration and
round, docs/experiments.md), the ratios CSVs (DIR/*.ratios.csv: one row
per paired comparison) and the section costs (DIR/*sectioncost.csv),
groups the rows by their `workload` column and writes one PNG and one PDF
per figure into DIR/figures/ plus DIR/summary.md: the validity of each
workload, headline ratios with their 95% CIs and verdicts, the read
targets and the per-section instruction counts.

Only the CSVs are read: nothing is re-measured. Throughput points are the
median over rounds with the order-statistic 95% CI of that median as the
error bar (docs/statistics.md, section 4a); ratios are the paired
per-round ratios rgbench computed, with their CIs, never ratios of
medians. A/A copies (sync "...#2") are left out of the throughput plots;
their interval is the run's resolution, drawn as a band around 1 on ratio
plots. Thread counts above the usable CPUs (the `oversubscribed` column)
are shaded grey on line plots and hatched on bar charts and never enter a
headline. Every figure carries the machine (cpu_model, nproc) from the
CSV in its title.

A workload without rows is skipped with a note (exit 0); a figure that
fails to draw is reported and makes the exit status 1 after all the others
were attempted. Runs with Debian's /usr/bin/python3 and python3-matplotlib
only (Agg backend; no numpy or pandas needed).
"""

import argparse
import csv
import glob
import os
import statistics
import sys
import textwrap
import traceback

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after use("Agg"))
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import EngFormatter, FuncFormatter  # noqa: E402,F401  (EngFormatter: older plot code)

SCHEMA = ("run_id,git_commit,date,host,cpu_model,nproc,kernel,compiler,build_type,seed,"
          "workload,variant,sync,threads,round,order_pos,rounds,duration_s,warmup_s,"
          "graph,nodes,edges,update_ratio,batch,durability,"
          "ops,throughput,unit,p50_us,p90_us,p99_us,p999_us,checksum,"
          "cpus,callrcu_cpus,oversubscribed,"
          "ref,ratio,ratio_lo,ratio_hi,ratio_n,resolution,verdict,"
          "speedup,speedup_lo,speedup_hi,rank,valid,extra").split(",")

WORKLOADS = ["readonly", "readtargets", "kernels", "mixed", "traversal", "writer", "insert", "load",
             "footprint", "wal", "contention", "counters", "peers", "openloop", "latency", "memory",
             "longread", "realgraphs", "oldbench"]

# Policies in a fixed order, so a policy sits at the same place in every figure.
POLICY_ORDER = ["nosync", "rcu-memb", "rcu-qsbr", "rcu-bp", "rcu-mb", "ck-epoch", "ck-seqlock",
                "rwlock", "rwlock-wp", "mutex", "ck-rwlock", "ck-pflock",
                "ck-brlock", "lru-rwlock", "lmdb", "sqlite", "csr", "floor", "vfloor", "ptrchain", "-"]

# ---------------------------------------------------------------- style (shared by every figure)
# Figures are drawn at the size they are printed: one IEEEtran column
# (3.5 in) or the text width (7.16 in), so that text set at FONT_PT stays
# FONT_PT on paper (never below MIN_FONT_PT: save() checks and records it).
# Every series has a colour AND a marker AND a line style (readable in
# grey and by colour-blind readers); nosync, the ceiling every ratio is
# taken against, is drawn black and thicker, on top. Each figure uses one
# y scale (linear or log) for all its panels, and bars only on linear
# axes (save() warns otherwise).
COLUMN_IN = 3.5    # IEEEtran \columnwidth (252 pt)
PAGE_IN = 7.16     # IEEEtran \textwidth (516 pt)
FONT_PT = 7.5
MIN_FONT_PT = 7.0
PANEL_H_IN = 1.75  # height of one row of panels

plt.rcParams.update({
    "font.size": FONT_PT, "axes.titlesize": 8, "axes.labelsize": FONT_PT,
    "xtick.labelsize": 7, "ytick.labelsize": 7, "legend.fontsize": 7,
    "figure.titlesize": 8, "axes.linewidth": 0.6, "lines.linewidth": 1.2,
    "lines.markersize": 4, "errorbar.capsize": 2, "grid.linewidth": 0.4,
    "legend.handlelength": 2.6, "legend.columnspacing": 1.0, "legend.borderaxespad": 0.2,
    "pdf.fonttype": 42, "savefig.bbox": None, "axes.formatter.useoffset": False,
})

# (colour, marker, line style) per series name: RCU-like solid, locks
# dashed, the old design dotted, peers and baselines dash-dotted.
STYLE = {
    "nosync": ("black", "s", "-"),
    "rcu-memb": ("#0072B2", "o", "-"),
    "rcu-qsbr": ("#56B4E9", "^", "-"),
    "rcu-bp": ("#009E73", "v", "-"),
    "rcu-mb": ("#66A61E", "<", "-"),
    "ck-epoch": ("#E69F00", "P", "-"),
    "ck-seqlock": ("#8C6D00", "X", "-"),
    "mutex": ("#D55E00", "*", "--"),
    "rwlock": ("#CC79A7", "D", "--"),
    "rwlock-wp": ("#882255", "d", "--"),
    "ck-rwlock": ("#999933", "h", "--"),
    "ck-brlock": ("#44AA99", ">", "--"),
    "ck-pflock": ("#6B6B6B", "p", "--"),
    "lru-rwlock": ("#A50026", "x", ":"),
    "lmdb": ("#332288", "H", "-."),
    "sqlite": ("#117733", "8", "-."),
    "csr": ("#555555", "1", "-."),
    "floor": ("#777777", "2", "-."),
    "vfloor": ("#999999", "3", "-."),
    "ptrchain": ("#AA4499", "4", "-."),
}
# Series that are not policies (counter kinds, log modes, graph kinds,
# flaws, ...) take these in the order first asked for.
_CYCLE = [("#0072B2", "o", "-"), ("#D55E00", "s", "--"), ("#009E73", "^", "-."),
          ("#CC79A7", "D", ":"), ("#E69F00", "v", "-"), ("#56B4E9", "P", "--"),
          ("#8C6D00", "X", "-."), ("#882255", "h", ":"), ("#44AA99", "<", "-"),
          ("#6B6B6B", ">", "--")]
_extra_style = {}
CEILING = "nosync"
# Indexable palette for plot code that picks colours by position (_CMAP[(2 * i) % 20]):
# 20 entries, strong colours at even and odd indices, so such code gets print-safe colours.
_CMAP = tuple(matplotlib.colors.to_rgb(c) for c, _, _ in (_CYCLE + _CYCLE)[:20])


def _base_name(name):
    return str(name).split(" ")[0].split("#")[0]


def style_of(name):
    """Keyword arguments (color, marker, linestyle, linewidth, zorder) of a series."""
    base = _base_name(name)
    if base in STYLE:
        c, m, ls = STYLE[base]
    else:
        if name not in _extra_style:
            _extra_style[name] = _CYCLE[len(_extra_style) % len(_CYCLE)]
        c, m, ls = _extra_style[name]
    kw = dict(color=c, marker=m, linestyle=ls, linewidth=1.2, markersize=4, zorder=3)
    if base == CEILING:
        kw.update(linewidth=2.2, markersize=4.5, zorder=6)
    return kw


def color_of(name):
    return style_of(name)["color"]


def series_label(name):
    """The legend label of a series: nosync says it is the ceiling."""
    return f"{name} (ceiling)" if _base_name(name) == CEILING and "#" not in str(name) else str(name)


def policy_key(name):
    base = name.split(" ")[0]
    return (POLICY_ORDER.index(base) if base in POLICY_ORDER else 99, name)


# ---------------------------------------------------------------- reading

def _float(s):
    s = (s or "").strip()
    if s == "" or s == "-":
        return None
    try:
        return float(s)
    except ValueError:
        return None


def _int(s, default=0):
    v = _float(s)
    return int(v) if v is not None else default


def parse_kv(s, seps=";"):
    """'a=1;b=x' -> {'a': '1', 'b': 'x'}; also splits on every char of seps."""
    out = {}
    s = s or ""
    for sep in seps[1:]:
        s = s.replace(sep, seps[0])
    for part in s.split(seps[0]):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def is_side_csv(path):
    """The ratios and section-cost CSVs have schemas of their own."""
    b = os.path.basename(path)
    return b.endswith(".ratios.csv") or b.endswith("sectioncost.csv")


def read_plain(directory, suffix):
    """Every row of DIR/*<suffix> as a dict (the side CSVs)."""
    out = []
    for path in sorted(glob.glob(os.path.join(directory, "*" + suffix))):
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                r = {k: (v if v is not None else "") for k, v in r.items() if k is not None}
                r["_file"] = os.path.basename(path)
                out.append(r)
    return out


def read_rows(directory):
    rows, notes = [], []
    files = [p for p in sorted(glob.glob(os.path.join(directory, "*.csv"))) if not is_side_csv(p)]
    for path in files:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames is None:
                notes.append(f"{os.path.basename(path)}: empty file, skipped")
                continue
            missing = [c for c in ("workload", "threads", "throughput") if c not in reader.fieldnames]
            if missing:
                notes.append(f"{os.path.basename(path)}: no column(s) {', '.join(missing)}; skipped")
                continue
            for lineno, r in enumerate(reader, start=2):
                if r.get("workload") is None or r.get("workload", "").startswith("#"):
                    continue
                thr = _float(r.get("throughput"))
                if thr is None:
                    notes.append(f"{os.path.basename(path)}:{lineno}: no throughput, row skipped")
                    continue
                r = {k: (v if v is not None else "") for k, v in r.items() if k is not None}
                r["_file"] = os.path.basename(path)
                r["threads"] = _int(r.get("threads"), 1)
                # a run is one configuration in one round
                r["trial"] = _int(r.get("round", r.get("trial")))
                r["nproc"] = _int(r.get("nproc"), 0)
                r["throughput"] = thr
                r["update_ratio_f"] = _float(r.get("update_ratio"))
                r["oversubscribed"] = _int(r.get("oversubscribed"))
                r["suspect"] = int((r.get("verdict") or "") == "invalid" or _int(r.get("suspect")) == 1)
                for k in ("ratio", "ratio_lo", "ratio_hi", "resolution", "speedup", "speedup_lo",
                          "speedup_hi"):
                    r[k + "_f"] = _float(r.get(k))
                r["valid"] = r.get("valid") or "valid"
                r["verdict"] = r.get("verdict") or ""
                for p in ("p50_us", "p90_us", "p99_us", "p999_us"):
                    r[p] = _float(r.get(p))
                r["extra_kv"] = parse_kv(r.get("extra", ""))
                r["variant"] = r.get("variant", "") or ""
                r["sync"] = r.get("sync", "") or "-"
                rows.append(r)
    return files, rows, notes


# ---------------------------------------------------------------- helpers

def median_ci_ranks(n, level=0.95):
    """1-based ranks (j, k) of the order-statistic CI of the median: the
    largest j with 1 - 2 P(B <= j - 1) >= level, B ~ Bin(n, 1/2)
    (docs/statistics.md 4a); (1, n) when n is too small for the level."""
    best = 1
    cdf, term = 0.0, 0.5 ** n
    for j in range(1, n // 2 + 1):
        cdf += term                       # P(B <= j - 1)
        term = term * (n - (j - 1)) / j   # C(n, j) / 2^n
        if 1 - 2 * cdf >= level:
            best = j
        else:
            break
    return best, n + 1 - best


def med_range(values):
    """(median, lo, hi): the median over rounds and its 95% order-statistic
    CI ([min, max] when there are fewer than 6 values)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    j, k = median_ci_ranks(len(values))
    return statistics.median(values), values[j - 1], values[k - 1]


def group(rows, keyfn):
    out = {}
    for r in rows:
        out.setdefault(keyfn(r), []).append(r)
    return out


def machine_of(rows):
    ms = []
    for r in rows:
        m = f"{r.get('cpu_model', '?') or '?'}, nproc={r['nproc'] or '?'}"
        if m not in ms:
            ms.append(m)
    return "; ".join(ms)


def nproc_of(rows):
    ns = [r["nproc"] for r in rows if r["nproc"] > 0]
    if ns:
        return max(ns)
    # No nproc column value: infer from the oversubscribed flags.
    ok = [r["threads"] for r in rows if not r["oversubscribed"]]
    return max(ok) if ok else max(r["threads"] for r in rows)


def ref_threads(rows):
    """Largest thread count that is not oversubscribed (else the smallest)."""
    n = nproc_of(rows)
    ts = sorted({r["threads"] for r in rows})
    ok = [t for t in ts if t <= n]
    return ok[-1] if ok else ts[0]


def unit_of(rows):
    us = sorted({r.get("unit", "") for r in rows if r.get("unit")})
    return "/".join(us) if us else "ops"


def fmt_num(v):
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:.2f} G"
    if a >= 1e6:
        return f"{v / 1e6:.2f} M"
    if a >= 1e3:
        return f"{v / 1e3:.1f} k"
    if a >= 10:
        return f"{v:.0f}"
    return f"{v:.3g}"


def fmt_ratio(v):
    if v is None:
        return "-"
    return f"{v:.2f}x" if abs(v) >= 0.1 else f"{v:.2g}x"


def short_graph(g):
    g = g or "?"
    if "/" in g:
        g = os.path.basename(g)
    for suf in (".txt.gz", ".txt", ".gz"):
        if g.endswith(suf):
            g = g[: -len(suf)]
    return g


def new_fig(n_panels, rows, title, width_per=None, height=None, max_cols=3, wide=None, panel_h=None):
    """A figure at its printed size: one column (3.5 in) for a single panel,
    the page's text width (7.16 in) for several side by side (or when
    wide=True). width_per and height are accepted for compatibility and
    ignored: panel sizes follow from the printed width. The title is the
    figure's subject and the machine (cpu_model, nproc from the CSV)."""
    cols = min(n_panels, max_cols, 4) or 1
    if n_panels == 4 and cols == 3:
        cols = 2
    nrows = (n_panels + cols - 1) // cols or 1
    if wide is None:
        wide = cols > 1
    width = PAGE_IN if wide else COLUMN_IN
    chars = int(width * 17)  # ~4.2 pt per character at 8 pt
    lines = textwrap.wrap(title, width=chars) + textwrap.wrap(f"machine: {machine_of(rows)}", width=chars)
    header = 0.07 + 0.135 * len(lines)
    ph = panel_h or PANEL_H_IN
    fig, axes = plt.subplots(nrows, cols, figsize=(width, ph * nrows + header), squeeze=False)
    fig._rg_header_in = header
    flat = [ax for line in axes for ax in line]
    for ax in flat[n_panels:]:
        ax.set_visible(False)
    h = ph * nrows + header
    st = fig.suptitle("\n".join(lines), fontsize=8, y=1 - 0.03 / h, va="top")
    st.set_in_layout(False)  # finish_legend leaves it `header` inches
    return fig, flat[:n_panels]


def thread_style(t, nproc):
    """Marker style of a thread count (figures that plot several thread
    counts of one series): 1 thread blue circles, nproc orange squares,
    oversubscribed counts hollow grey triangles."""
    if nproc and t > nproc:
        return dict(color="0.45", marker="^", markerfacecolor="white", markersize=4)
    cyc = [("#0072B2", "o"), ("#D55E00", "s"), ("#009E73", "D"), ("#CC79A7", "v")]
    k = 0 if t <= 1 else (1 if t == nproc else 2 + (t % 2))
    c, m = cyc[min(k, 3)]
    return dict(color=c, marker=m, markersize=4)


def num_fmt(v):
    """Tick and label text: 0.5, 12, 250k, 1.5M, 2G (never SI milli: '500m')."""
    a = abs(v)
    if a == 0:
        return "0"
    for lim, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= lim:
            return f"{v / lim:.3g}{suf}"
    return f"{v:.3g}"


def eng_y(ax, fmt=None):
    """Tick labels as 0.5 / 250k / 1.5M (or fmt(v)); on a log axis also label the 2x and 5x minor ticks."""
    f = fmt or num_fmt
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f(v)))
    if ax.get_yscale() == "log":
        def minor(v, _):
            lo, hi = ax.get_ylim()  # called at draw time, after autoscaling
            few = lo > 0 and hi / lo < 30  # label 2x and 5x only when few decades are shown
            return f(v) if few and f"{v:.0e}"[0] in "25" else ""
        ax.yaxis.set_minor_formatter(FuncFormatter(minor))
    else:
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def threads_axis(ax, xs, nproc):
    xs = sorted(set(xs))
    if len(xs) > 1 and min(xs) > 0:
        ax.set_xscale("log", base=2)
    ax.set_xticks(xs)
    ax.set_xticklabels([str(x) for x in xs])
    ax.minorticks_off()
    ax.set_xlabel("threads")
    over = [x for x in xs if x > nproc]
    if over:
        ok = [x for x in xs if x <= nproc]
        left = (ok[-1] * over[0]) ** 0.5 if ok and ax.get_xscale() == "log" else (
            (ok[-1] + over[0]) / 2 if ok else over[0] * 0.9)
        right = over[-1] * (1.25 if ax.get_xscale() == "log" else 1.05)
        ax.axvspan(left, right, color="0.85", alpha=0.6, zorder=0, lw=0)
        lo = xs[0] / 1.25 if ax.get_xscale() == "log" else xs[0] - 0.5
        ax.set_xlim(lo, right)
        return True
    return False


OVERSUB_PATCH = lambda n: Patch(facecolor="0.85", edgecolor="none",  # noqa: E731
                                label=f"oversubscribed (> {n} threads)")
OVERSUB_HATCH = lambda n: Patch(facecolor="white", edgecolor="0.3", hatch="///",  # noqa: E731
                                label=f"hatched: oversubscribed (> {n} threads)")


def errline(ax, xs, stats, label, color=None, style=None, **kw):
    """Median line with the 95% CI as error bars, styled by series name
    (colour, marker and line style: style_of(style or label))."""
    meds = [s[0] for s in stats]
    lo = [max(s[0] - s[1], 0) for s in stats]
    hi = [max(s[2] - s[0], 0) for s in stats]
    st = style_of(style or label)
    if color is not None:
        st["color"] = color
    alias = {"ls": "linestyle", "lw": "linewidth", "ms": "markersize", "c": "color"}
    st.update({alias.get(k, k): v for k, v in kw.items()})
    ax.errorbar(xs, meds, yerr=[lo, hi], capsize=2, elinewidth=0.7, label=series_label(label), **st)


def series_vs_threads(ax, rows, serieskey, nproc, ylabel=None):
    """Lines of median throughput vs threads (error bars: 95% CI of the median over rounds)."""
    allx = []
    for name, rs in sorted(group(rows, serieskey).items(), key=lambda kv: policy_key(kv[0])):
        by_t = group(rs, lambda r: r["threads"])
        xs = sorted(by_t)
        stats = [med_range([r["throughput"] for r in by_t[x]]) for x in xs]
        errline(ax, xs, stats, name)
        allx += xs
    over = threads_axis(ax, allx, nproc)
    ax.set_ylabel(ylabel or f"throughput ({unit_of(rows)}/s)")
    eng_y(ax)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    return over


def finish_legend(fig, axes, over, nproc, hatch=False, ncol=None):
    """One legend for the figure, below the panels; the figure grows by the
    legend's height so that the panels keep their printed size."""
    handles, labels = [], []
    for ax in axes:
        h, lab = ax.get_legend_handles_labels()
        for hh, ll in zip(h, lab):
            if ll not in labels:
                handles.append(hh)
                labels.append(ll)
    if over:
        p = OVERSUB_HATCH(nproc) if hatch else OVERSUB_PATCH(nproc)
        handles.append(p)
        labels.append(p.get_label())
    h0 = fig.get_figheight()
    header = getattr(fig, "_rg_header_in", 0.0)
    if handles:
        longest = max(len(lab) for lab in labels)
        fit = max(1, int(fig.get_figwidth() / (0.35 + 0.048 * longest)))
        ncol = min(ncol or fit, fit, len(handles))
        nlines = (len(handles) + ncol - 1) // ncol
        legend_in = 0.08 + 0.15 * nlines
        h = h0 + legend_in
        fig.set_figheight(h)
        fig.legend(handles, labels, loc="lower center", ncol=ncol, frameon=False,
                   bbox_to_anchor=(0.5, 0.01))
        fig._suptitle.set_y(1 - 0.03 / h) if fig._suptitle is not None else None
        fig.tight_layout(rect=(0, (legend_in + 0.02) / h, 1, 1 - header / h), pad=0.3, h_pad=0.6, w_pad=0.6)
    else:
        fig.tight_layout(rect=(0, 0, 1, 1 - header / h0), pad=0.3)


# ---------------------------------------------------------------- plotted data (sidecar)
# save() writes FIG.data.json beside FIG.png/.pdf: the exact data the
# figure shows, read back from the drawn figure (every line's points,
# every bar, band and error bar, tick labels, titles, labels, scales,
# legend entries, its printed size and smallest font). paper/check.py
# redraws every figure from the CSVs and compares these files, so a
# committed figure that no longer matches the CSVs is caught without
# comparing pixels. Numbers are rounded to 6 significant digits.

def _num(v):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    return float(f"{v:.6g}")


def _nums(seq):
    return [_num(v) for v in seq]


def _hex(c):
    try:
        return matplotlib.colors.to_hex(c, keep_alpha=False)
    except (ValueError, TypeError):
        return str(c)


def plotted_data(fig):
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Rectangle
    out = {"size_in": _nums(fig.get_size_inches()),
           "title": fig._suptitle.get_text() if fig._suptitle is not None else "",
           "legend": [t.get_text() for lg in fig.legends for t in lg.get_texts()], "axes": []}
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        a = {"title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
             "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
             "xticks": [t.get_text() for t in ax.get_xticklabels() if t.get_text()],
             "yticks": [t.get_text() for t in ax.get_yticklabels() if t.get_text()],
             "lines": [], "bars": [], "patches": [], "collections": [], "texts": []}
        for ln in ax.get_lines():
            a["lines"].append({"label": ln.get_label(), "x": _nums(ln.get_xdata()), "y": _nums(ln.get_ydata()),
                               "color": _hex(ln.get_color()), "marker": str(ln.get_marker()),
                               "ls": str(ln.get_linestyle())})
        for p in ax.patches:
            if isinstance(p, Rectangle):
                a["bars"].append({"x": _num(p.get_x()), "y": _num(p.get_y()), "w": _num(p.get_width()),
                                  "h": _num(p.get_height()), "hatch": p.get_hatch() or ""})
            else:
                a["patches"].append([_nums(v) for v in p.get_path().vertices])
        for c in ax.collections:
            if isinstance(c, LineCollection):
                a["collections"].append([[_nums(pt) for pt in seg] for seg in c.get_segments()])
            else:
                a["collections"].append([[_nums(pt) for pt in path.vertices] for path in c.get_paths()])
        for t in ax.texts:
            a["texts"].append({"text": t.get_text(), "xy": _nums(t.xy if hasattr(t, "xy") else t.get_position())})
        out["axes"].append(a)
    return out


def style_warnings(fig):
    """The style rules a figure breaks (empty when none): text below
    MIN_FONT_PT, not drawn at a printed width, panels on different y
    scales, bars on a log axis."""
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text
    warn = []
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    if sizes and min(sizes) < MIN_FONT_PT:
        warn.append(f"text at {min(sizes):g} pt (< {MIN_FONT_PT:g} pt)")
    w = fig.get_figwidth()
    if abs(w - COLUMN_IN) > 0.01 and abs(w - PAGE_IN) > 0.01:
        warn.append(f"drawn {w:.2f} in wide (column {COLUMN_IN} in or page {PAGE_IN} in)")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    scales = {ax.get_yscale() for ax in axes}
    if len(scales) > 1:
        warn.append(f"panels mix y scales ({', '.join(sorted(scales))})")
    if any(ax.get_yscale() == "log" and any(isinstance(p, Rectangle) for p in ax.patches) for ax in axes):
        warn.append("bars on a log axis")
    return warn


def write_data(fig, path):
    import json
    with open(path, "w") as f:
        json.dump(plotted_data(fig), f, indent=1, sort_keys=True)
        f.write("\n")


def config_ratio(rows, sync, threads, variant=None):
    """(ratio, lo, hi) of the configuration: rgbench's paired per-round
    ratio to its reference and its 95% CI (the same on each of its rows)."""
    for r in rows:
        if r["sync"] == sync and r["threads"] == threads and (variant is None or r["variant"] == variant):
            if r["ratio_f"] is not None:
                return r["ratio_f"], r["ratio_lo_f"], r["ratio_hi_f"]
    return None


def config_field(rows, field, **match):
    for r in rows:
        if all(r.get(k) == v for k, v in match.items()) and r.get(field) not in (None, ""):
            return r[field]
    return None


def fmt_ci(t):
    if not t or t[0] is None:
        return "-"
    return f"{t[0]:.3g} [{t[1]:.3g}, {t[2]:.3g}]"


def nosync_ratio(rows, sync, threads):
    return config_ratio(rows, sync, threads)


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def median_of(rows, **match):
    v = [r["throughput"] for r in rows if all(r.get(k) == val for k, val in match.items())]
    return statistics.median(v) if v else None


# ---------------------------------------------------------------- figures
# Each plot_<workload>(rows, save) draws its figure(s) with save(fig, name)
# and returns headline rows for the summary: (configuration, value, ratio, meaning).

def plot_threads_by_policy(rows, save, name, title, panel_key=None, panel_label=None):
    nproc = nproc_of(rows)
    panels = group(rows, panel_key) if panel_key else {None: rows}
    fig, axes = new_fig(len(panels), rows, title)
    over = False
    for ax, (p, rs) in zip(axes, sorted(panels.items(), key=lambda kv: kv[0] if isinstance(kv[0], tuple) else str(kv[0]))):
        over |= series_vs_threads(ax, rs, lambda r: r["sync"], nproc)
        if p is not None:
            ax.set_title(panel_label(p) if panel_label else str(p), fontsize=9)
    finish_legend(fig, axes, over, nproc)
    save(fig, name)


def plot_readonly(rows, save):
    nproc = nproc_of(rows)
    graphs = sorted({short_graph(r.get("graph")) for r in rows})
    plot_threads_by_policy(rows, save, "readonly",
                           f"Read-only neighbour queries: throughput vs threads per policy "
                           f"(graph {', '.join(graphs)})")
    # Ratio to nosync: one row per policy, one point per thread count with its 95% CI.
    syncs = sorted({r["sync"] for r in rows if r["sync"] != "nosync"}, key=policy_key)
    ts = sorted({r["threads"] for r in rows})
    fig, (ax,) = new_fig(1, rows, "Read-only throughput relative to nosync, the ceiling (median of "
                         "paired per-round ratios, 95% CI; band: A/A resolution)",
                         panel_h=0.5 + 0.19 * max(1, len(syncs)))
    res = [r["resolution_f"] for r in rows if r["resolution_f"] is not None and not r["oversubscribed"]]
    if res:
        band = max(res)
        ax.axvspan(1 - band, 1 + band, color="0.88", lw=0, zorder=0,
                   label=f"A/A resolution (\u00b1{100 * band:.0f}%)")
    ax.axvline(1.0, color="black", lw=2.2, zorder=2, label="nosync (ceiling)")
    over, any_pt = False, False
    for j, t in enumerate(ts):
        ys, meds, lo, hi = [], [], [], []
        for i, s in enumerate(syncs):
            st = nosync_ratio(rows, s, t)
            if st is None or st[0] is None:
                continue
            ys.append(i + (j - (len(ts) - 1) / 2) * 0.22)
            meds.append(st[0])
            lo.append(max(st[0] - st[1], 0))
            hi.append(max(st[2] - st[0], 0))
        if not ys:
            continue
        any_pt = True
        ov = t > nproc
        over |= ov
        ax.errorbar(meds, ys, xerr=[lo, hi], ls="none", elinewidth=0.8, capsize=1.5, zorder=4,
                    label=f"{t} thread{'s' if t > 1 else ''}" + (" (oversubscribed)" if ov else ""),
                    **thread_style(t, nproc))
    ax.set_yticks(range(len(syncs)))
    ax.set_yticklabels(syncs)
    ax.set_ylim(len(syncs) - 0.5, -0.5)
    ax.set_xlim(left=0)
    ax.set_xlabel("throughput / nosync throughput (paired per round)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: num_fmt(v)))
    ax.grid(True, axis="x", alpha=0.3)
    if not any_pt:
        ax.text(0.5, 0.5, "no ratio columns (not an rgbench v2 CSV?)", ha="center",
                transform=ax.transAxes)
    finish_legend(fig, [ax], False, nproc)
    save(fig, "readonly_ratio")

    t = ref_threads(rows)
    head = []
    for s in sorted({r["sync"] for r in rows}, key=policy_key):
        m = median_of(rows, sync=s, threads=t)
        st = nosync_ratio(rows, s, t) if s != "nosync" else None
        v = config_field(rows, "verdict", sync=s, threads=t) or ""
        rk = config_field(rows, "rank", sync=s, threads=t) or "-"
        head.append((f"{s}, {t} threads", f"{fmt_num(m)} {unit_of(rows)}/s",
                     fmt_ci(st), f"vs nosync: {v}" + (f", rank {rk}" if rk != "-" else "")))
    for s in ("rcu-memb",):
        sp = config_field(rows, "speedup_f", sync=s, threads=t)
        if sp is not None and t != 1:
            lo = config_field(rows, "speedup_lo_f", sync=s, threads=t)
            hi = config_field(rows, "speedup_hi_f", sync=s, threads=t)
            head.append((f"{s} scaling 1 -> {t} threads", f"{fmt_num(median_of(rows, sync=s, threads=t))} "
                         f"{unit_of(rows)}/s", fmt_ci((sp, lo, hi)), f"speedup ({t} threads / 1 thread, paired)"))
    return head


def ratio_label(u):
    """update_ratio is in percent in the CSV (rgbench --update-ratio is percent)."""
    return "?" if u is None else f"{u:g}%"


def plot_mixed(rows, save):
    nproc = nproc_of(rows)
    ts = sorted({r["threads"] for r in rows})
    fig, axes = new_fig(len(ts), rows, "Mixed reads and updates: throughput vs update ratio per "
                        "policy (one panel per thread count)")
    over = False
    spans = []
    for ax, t in zip(axes, ts):
        rs = [r for r in rows if r["threads"] == t]
        ratios = sorted({r["update_ratio_f"] for r in rows if r["update_ratio_f"] is not None})
        pos = {u: i for i, u in enumerate(ratios)}
        lo_y, hi_y = None, None
        for s, srs in sorted(group(rs, lambda r: r["sync"]).items(), key=lambda kv: policy_key(kv[0])):
            by_u = group([r for r in srs if r["update_ratio_f"] is not None], lambda r: r["update_ratio_f"])
            us = sorted(by_u)
            stats = [med_range([r["throughput"] for r in by_u[u]]) for u in us]
            errline(ax, [pos[u] for u in us], stats, s)
            for st in stats:
                lo_y = st[1] if lo_y is None else min(lo_y, st[1])
                hi_y = st[2] if hi_y is None else max(hi_y, st[2])
        ax.set_xticks(range(len(ratios)))
        ax.set_xticklabels([ratio_label(u) for u in ratios])
        ax.set_xlabel("update ratio (% of operations that write)")
        ax.set_ylabel(f"throughput ({unit_of(rs)}/s)")
        spans.append((lo_y, hi_y))
        ov = t > nproc
        over |= ov
        ax.set_title(f"{t} thread{'s' if t > 1 else ''}" + (" (oversubscribed)" if ov else ""), fontsize=9)
        if ov:
            ax.set_facecolor("0.92")
        ax.grid(True, alpha=0.3)
    # one y scale for the whole figure: log when any panel spans more than 30x
    lo_all = min([a for a, _ in spans if a] or [0])
    hi_all = max([b for _, b in spans if b] or [0])
    for ax in axes:
        if lo_all > 0 and hi_all / lo_all > 30:
            ax.set_yscale("log")
        else:
            ax.set_ylim(bottom=0)
        eng_y(ax)
    finish_legend(fig, axes, over, nproc)
    save(fig, "mixed")

    t = ref_threads(rows)
    head = []
    for u in sorted({r["update_ratio_f"] for r in rows if r["update_ratio_f"] is not None}):
        rs = [r for r in rows if r["threads"] == t and r["update_ratio_f"] == u]
        a = median_of(rs, sync="rcu-memb")
        for lock in ("rwlock", "mutex"):
            b = median_of(rs, sync=lock)
            if a is not None and b is not None:
                head.append((f"update {ratio_label(u)}, {t} threads", f"rcu-memb {fmt_num(a)} {unit_of(rs)}/s",
                             fmt_ratio(ratio(a, b)), f"rcu-memb / {lock}"))
                break
    return head


def split_seqpar(variant):
    for suf in ("-seq", "-par"):
        if variant.endswith(suf):
            return variant[: -len(suf)], suf[1:]
    return variant or "-", ""


def plot_traversal(rows, save):
    nproc = nproc_of(rows)
    bases = group(rows, lambda r: split_seqpar(r["variant"])[0])
    multi_sync = len({r["sync"] for r in rows}) > 1
    fig, axes = new_fig(len(bases), rows, "Traversals: sequential vs parallel (throughput vs threads; "
                        "dashed: sequential run, band: 95% CI of its median)")
    over = False
    head = []
    allx = sorted({r["threads"] for r in rows})
    for ax, (b, rs) in zip(axes, sorted(bases.items())):
        for key, krs in sorted(group(rs, lambda r: (split_seqpar(r["variant"])[1], r["sync"])).items()):
            mode, s = key
            label = (mode or "run") + (f" ({s})" if multi_sync else "")
            by_t = group(krs, lambda r: r["threads"])
            xs = sorted(by_t)
            stats = [med_range([r["throughput"] for r in by_t[x]]) for x in xs]
            col = "tab:blue" if mode == "seq" else ("tab:orange" if mode == "par" else "tab:green")
            if multi_sync:
                col = None
            if mode == "seq" and len(xs) == 1:
                m, lo, hi = stats[0]
                line = ax.axhline(m, ls="--", color=col or "tab:blue", label=label + f" ({xs[0]} thread)")
                ax.axhspan(lo, hi, color=line.get_color(), alpha=0.15, lw=0)
            else:
                errline(ax, xs, stats, label, color=col)
        over |= threads_axis(ax, allx, nproc)
        ax.set_title(b, fontsize=9)
        ax.set_ylabel(f"throughput ({unit_of(rs)}/s)")
        eng_y(ax)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        seq = [r for r in rs if split_seqpar(r["variant"])[1] == "seq"]
        par = [r for r in rs if split_seqpar(r["variant"])[1] == "par"]
        if seq and par:
            tp = ref_threads(par)
            ms = statistics.median([r["throughput"] for r in seq if r["threads"] == min(x["threads"] for x in seq)])
            mp = median_of(par, threads=tp)
            head.append((f"{b}, par at {tp} threads", f"{fmt_num(mp)} {unit_of(par)}/s",
                         fmt_ratio(ratio(mp, ms)), "parallel / sequential"))
        else:
            t = ref_threads(rs)
            head.append((f"{b}, {t} threads", f"{fmt_num(median_of(rs, threads=t))} {unit_of(rs)}/s", "-", ""))
    finish_legend(fig, axes, over, nproc)
    save(fig, "traversal")
    return head


def contention_panel(r):
    u = r["update_ratio_f"]
    return (r["variant"] or "-") + (f", {u:g}% updates" if u else ", read-only")


def plot_contention(rows, save):
    plot_threads_by_policy(rows, save, "contention",
                           "Contention: every thread queries one node of typical out-degree ('hot') vs "
                           "random nodes ('spread'); throughput vs threads per policy",
                           panel_key=contention_panel)
    t = ref_threads(rows)
    head = []
    u0 = min((r["update_ratio_f"] or 0) for r in rows)
    rows = [r for r in rows if (r["update_ratio_f"] or 0) == u0]
    for s in sorted({r["sync"] for r in rows}, key=policy_key):
        hot = median_of(rows, sync=s, threads=t, variant="hot")
        spread = median_of(rows, sync=s, threads=t, variant="spread")
        if hot is not None or spread is not None:
            head.append((f"{s}, {t} threads", f"hot {fmt_num(hot)} / spread {fmt_num(spread)} {unit_of(rows)}/s",
                         fmt_ratio(ratio(hot, spread)), "hot / spread"))
    return head


def writer_key(r):
    """(edges per txn, durability, group?) of a writer row: variant 'txn=100,log=commit[,group]'."""
    v = r["variant"]
    kv = parse_kv(v, ";,")
    txn = _float(kv.get("txn")) or _float(kv.get("batch")) or _float(r.get("batch"))
    dur = kv.get("log") or kv.get("durability") or (r.get("durability") or "").strip() or "-"
    grp = "group" in v.replace(";", ",").split(",")
    return (int(txn) if txn is not None else 0), dur, grp


DUR_ORDER = ["none", "off", "interval", "commit"]


def dur_key(d):
    return (DUR_ORDER.index(d) if d in DUR_ORDER else 9, d)


def plot_writer(rows, save):
    nproc = nproc_of(rows)
    syncs = sorted({r["sync"] for r in rows}, key=policy_key)
    sweep = [r for r in rows if not writer_key(r)[2]]
    grp = [r for r in rows if writer_key(r)[2]]
    panels = [("sweep", s) for s in syncs if any(r["sync"] == s for r in sweep)] + \
             [("group", s) for s in syncs if any(r["sync"] == s for r in grp)]
    fig, axes = new_fig(len(panels), rows, "Write path: throughput by transaction size and durability "
                        "(log=none: in memory), and group commit (median over rounds, whiskers: 95% CI)",
                        width_per=6.0, max_cols=2)
    over = False
    for ax, (kind, s) in zip(axes, panels):
        if kind == "group":
            rs = [r for r in grp if r["sync"] == s]
            for d, drs in sorted(group(rs, lambda r: writer_key(r)[1]).items(), key=lambda kv: dur_key(kv[0])):
                by_t = group(drs, lambda r: r["threads"])
                xs = sorted(by_t)
                errline(ax, xs, [med_range([r["throughput"] for r in by_t[x]]) for x in xs],
                        f"log={d}")
            over |= threads_axis(ax, [r["threads"] for r in rs], nproc)
            ax.set_xlabel("committing threads")
            ax.set_yscale("log")  # one y scale per figure: the sweep panels are log
            ax.set_title(f"group commit, txn=1 ({s})", fontsize=9)
        else:
            rs = [r for r in sweep if r["sync"] == s]
            txns = sorted({writer_key(r)[0] for r in rs})
            durs = sorted({writer_key(r)[1] for r in rs}, key=dur_key)
            for d in durs:
                xs, st, ov = [], [], False
                for n in txns:
                    sel = [r for r in rs if writer_key(r)[:2] == (n, d)]
                    m = med_range([r["throughput"] for r in sel])
                    if m is None:
                        continue
                    ov |= any(r["oversubscribed"] for r in sel)
                    xs.append(n)
                    st.append(m)
                over |= ov
                # points joined by lines on log axes (no bars on a log axis: the figure style rules)
                errline(ax, xs, st, f"log={d}")
            ax.set_xscale("log")
            ax.set_xlabel("edges per transaction")
            ax.set_yscale("log")
            ax.set_title(f"transaction size sweep, 1 writer ({s})", fontsize=9)
        ax.set_ylabel(f"throughput ({unit_of(rs)}/s)")
        eng_y(ax)
        ax.grid(True, axis="y", which="major", alpha=0.3)
    finish_legend(fig, axes, over, nproc)
    save(fig, "writer")
    head = []
    for s in syncs:
        rs = [r for r in sweep if r["sync"] == s]
        if not rs:
            continue
        sizes = sorted({writer_key(r)[0] for r in rs})
        for n in sizes:
            base = median_of([r for r in rs if writer_key(r)[:2] == (n, "none")])
            for d in sorted({writer_key(r)[1] for r in rs}, key=dur_key):
                m = median_of([r for r in rs if writer_key(r)[:2] == (n, d)])
                if m is None:
                    continue
                head.append((f"{s}, txn={n}, log={d}", f"{fmt_num(m)} {unit_of(rs)}/s",
                             fmt_ratio(ratio(m, base)) if d != "none" else "-", "vs log=none (in memory)",
                             n in (sizes[0], sizes[-1]) and d in ("none", "commit")))
        gr = [r for r in grp if r["sync"] == s]
        if gr:
            t1 = median_of(gr, threads=min(r["threads"] for r in gr))
            tn = ref_threads(gr)
            mn = median_of(gr, threads=tn)
            head.append((f"{s}, group commit txn=1, {tn} threads", f"{fmt_num(mn)} {unit_of(gr)}/s",
                         fmt_ratio(ratio(mn, t1)), f"vs {min(r['threads'] for r in gr)} thread"))
    with plt.rc_context(PAPER_RC):
        head += plot_writer_log(rows, save)
    return head


def plot_counters(rows, save):
    nproc = nproc_of(rows)
    # rgbench v2: the counter design is the sync column (variant empty)
    key = (lambda r: r["variant"] or r["sync"] or "-")
    fig, (ax,) = new_fig(1, rows, "Shared counters: increments/s vs threads per counter design",
                         width_per=7, max_cols=1)
    allx = []
    cmap = plt.get_cmap("tab10")
    for i, (name, rs) in enumerate(sorted(group(rows, key).items())):
        by_t = group(rs, lambda r: r["threads"])
        xs = sorted(by_t)
        errline(ax, xs, [med_range([r["throughput"] for r in by_t[x]]) for x in xs], name, color=cmap(i % 10))
        allx += xs
    over = threads_axis(ax, allx, nproc)
    ax.set_ylabel(f"throughput ({unit_of(rows)}/s)")
    ax.set_yscale("log")
    eng_y(ax)
    ax.grid(True, alpha=0.3)
    finish_legend(fig, [ax], over, nproc)
    save(fig, "counters")
    t = ref_threads(rows)
    head = []
    for v in sorted({key(r) for r in rows}):
        sel = [r for r in rows if key(r) == v and r["threads"] == t]
        m = median_of(sel)
        st = config_ratio(sel, sel[0]["sync"], t) if sel else None
        head.append((f"{v}, {t} threads", f"{fmt_num(m)} {unit_of(rows)}/s",
                     fmt_ci(st) if v != "atomic" else "-", "vs atomic (paired)"))
    return head


PCTS = [("p50_us", "p50"), ("p90_us", "p90"), ("p99_us", "p99"), ("p999_us", "p99.9")]


def latency_variant_label(v):
    return v or "-"


def readers_of(r):
    """Reader threads of a latency row (the writer variant adds a writer thread)."""
    v = _float(r["extra_kv"].get("readers"))
    return int(v) if v is not None else r["threads"]


def plot_latency(rows, save):
    nproc = nproc_of(rows)
    rows = [r for r in rows if any(r[p] is not None for p, _ in PCTS)]
    if not rows:
        raise ValueError("latency rows carry no percentiles")
    variants = sorted({r["variant"] for r in rows}, key=lambda v: ("writer" in v and "no" not in v, v))
    readers = sorted({readers_of(r) for r in rows})
    panels = [(v, n) for v in variants for n in readers]
    fig, axes = new_fig(len(panels), rows, "Read latency percentiles per policy, without and with a "
                        "concurrent writer (median over rounds, whiskers: 95% CI)",
                        max_cols=max(1, min(4, len(readers))) if len(variants) > 1 else 3)
    over = False
    for ax, (v, n) in zip(axes, panels):
        rs = [r for r in rows if r["variant"] == v and readers_of(r) == n]
        for s, srs in sorted(group(rs, lambda r: r["sync"]).items(), key=lambda kv: policy_key(kv[0])):
            xs, stats = [], []
            for i, (p, _) in enumerate(PCTS):
                st = med_range([r[p] for r in srs])
                if st is not None:
                    xs.append(i)
                    stats.append(st)
            errline(ax, xs, stats, s, color=color_of(s))
        ax.set_xticks(range(len(PCTS)))
        ax.set_xticklabels([lab for _, lab in PCTS])
        ax.set_xlabel("percentile")
        ax.set_ylabel("read latency (µs)")
        ax.set_yscale("log")
        eng_y(ax, lambda v: f"{v:g}")
        ov = any(r["oversubscribed"] for r in rs)
        over |= ov
        if ov:
            ax.set_facecolor("0.92")
        extra = max((r["threads"] - readers_of(r) for r in rs), default=0)
        ax.set_title(f"{latency_variant_label(v)}: {n} reader{'s' if n > 1 else ''}"
                     + (f" + {extra} writer" if extra else "")
                     + (" (oversubscribed)" if ov else ""), fontsize=9)
        ax.grid(True, which="major", alpha=0.3)
    # One y range for every panel, so with/without writer compare at a glance.
    vals = [r[p] for r in rows for p, _ in PCTS if r[p] is not None and r[p] > 0]
    if vals:
        for ax in axes:
            ax.set_ylim(min(vals) / 1.3, max(vals) * 1.3)
    finish_legend(fig, axes, over, nproc)
    save(fig, "latency")
    head = []
    n = max([x for x in readers if x <= nproc] or readers[:1])
    for s in sorted({r["sync"] for r in rows}, key=policy_key):
        vals = []
        for v in variants:
            st = med_range([r["p99_us"] for r in rows if r["sync"] == s and r["variant"] == v and readers_of(r) == n])
            vals.append((v, st[0] if st else None))
        txt = ", ".join(f"{v or '-'}: {fmt_num(m)} µs" for v, m in vals)
        rat = ratio(vals[-1][1], vals[0][1]) if len(vals) >= 2 else None
        head.append((f"{s}, p99, {n} reader{'s' if n > 1 else ''}", txt, fmt_ratio(rat),
                     f"{vals[-1][0]} / {vals[0][0]}" if len(vals) >= 2 else ""))
    return head


def mem_time(r):
    kv = parse_kv(r["variant"], ";,")
    t = kv.get("t")
    if t is not None:
        return _float(t.rstrip("s"))
    return _float(r["extra_kv"].get("t")) or _float(r["extra_kv"].get("t_s"))


def mem_value(r, key):
    v = _float(r["extra_kv"].get(key))
    if v is None and key == "rss_bytes" and r.get("unit") == "bytes":
        v = r["throughput"]
    return v


def plot_memory(rows, save):
    nproc = nproc_of(rows)
    rows = [r for r in rows if mem_time(r) is not None]
    if not rows:
        raise ValueError("memory rows carry no sample time (variant t=...s)")
    keys = [k for k in ("rss_bytes", "pending_bytes") if any(mem_value(r, k) is not None for r in rows)]
    panels = [(k, t) for t in sorted({r["threads"] for r in rows}) for k in keys]
    fig, axes = new_fig(len(panels), rows, "Memory over time under writer churn: resident set and bytes "
                        "awaiting reclamation (line: median over rounds at each sample, band: 95% CI)",
                        max_cols=len(keys) if len(keys) > 1 else 3, width_per=5.5)
    over = False
    head = []
    for ax, (k, t) in zip(axes, panels):
        rs = [r for r in rows if r["threads"] == t]
        for s, srs in sorted(group(rs, lambda r: r["sync"]).items(), key=lambda kv: policy_key(kv[0])):
            # The i-th sample of every trial is one point (sample times differ slightly between trials).
            by_i = {}
            for tr in group([r for r in srs if mem_value(r, k) is not None], lambda r: (r.get("run_id"), r["trial"])).values():
                for i, r in enumerate(sorted(tr, key=mem_time)):
                    by_i.setdefault(i, []).append(r)
            if not by_i:
                continue
            idx = sorted(by_i)
            xs = [statistics.median([mem_time(r) for r in by_i[i]]) for i in idx]
            st = [med_range([mem_value(r, k) / 2**20 for r in by_i[i]]) for i in idx]
            ax.plot(xs, [v[0] for v in st], label=s, color=color_of(s), lw=1.4, marker=".", ms=3)
            ax.fill_between(xs, [v[1] for v in st], [v[2] for v in st], color=color_of(s), alpha=0.2, lw=0)
        ax.set_xlabel("time in trial (s)")
        ax.set_ylabel({"rss_bytes": "resident set (MiB)", "pending_bytes": "awaiting reclamation (MiB)"}[k])
        ov = any(r["oversubscribed"] for r in rs)
        over |= ov
        if ov:
            ax.set_facecolor("0.92")
        rd = {_float(r["extra_kv"].get("readers")) for r in rs}
        who = (f"{int(next(iter(rd)))} reader(s) + 1 writer" if len(rd) == 1 and None not in rd
               else f"{t} thread{'s' if t > 1 else ''}")
        ax.set_title(f"{'resident set' if k == 'rss_bytes' else 'pending reclamation'}, {who}"
                     + (" (oversubscribed)" if ov else ""), fontsize=9)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    finish_legend(fig, axes, over, nproc)
    save(fig, "memory")
    for s in sorted({r["sync"] for r in rows}, key=policy_key):
        for k in keys:
            vals = [mem_value(r, k) for r in rows if r["sync"] == s and mem_value(r, k) is not None]
            if vals:
                head.append((f"{s}, peak {k}", f"{max(vals) / 2**20:.1f} MiB", "-", "max over samples and trials",
                             k == "pending_bytes"))
    return head


def rg_dataset(r):
    """realgraphs variant 'wiki-Vote:snap' -> ('wiki-Vote', 'snap'); else graph name."""
    v = r["variant"]
    if ":" in v:
        a, b = v.rsplit(":", 1)
        return a, b
    return short_graph(r.get("graph")), v or "snap"


def plot_realgraphs(rows, save):
    nproc = nproc_of(rows)
    multi_sync = len({r["sync"] for r in rows}) > 1
    sets = group(rows, lambda r: rg_dataset(r)[0])
    fig, axes = new_fig(len(sets), rows, "Real graphs (SNAP) vs generated graphs of the same size "
                        "(uniform, R-MAT): read throughput vs threads")
    over = False
    head = []
    kind_col = {"snap": "tab:blue", "uniform": "tab:green", "rmat": "tab:red"}
    for ax, (name, rs) in zip(axes, sorted(sets.items())):
        allx = []
        for key, krs in sorted(group(rs, lambda r: (rg_dataset(r)[1], r["sync"])).items(),
                               key=lambda kv: (list(kind_col).index(kv[0][0]) if kv[0][0] in kind_col else 9, kv[0])):
            kind, s = key
            by_t = group(krs, lambda r: r["threads"])
            xs = sorted(by_t)
            label = kind + (f" ({s})" if multi_sync else "")
            errline(ax, xs, [med_range([r["throughput"] for r in by_t[x]]) for x in xs], label,
                    color=None if multi_sync else kind_col.get(kind), ls="-" if kind == "snap" else "--")
            allx += xs
        over |= threads_axis(ax, allx, nproc)
        g = next((r for r in rs if rg_dataset(r)[1] == "snap"), rs[0])
        ax.set_title(f"{name} ({g.get('nodes', '?')} nodes, {g.get('edges', '?')} edges)", fontsize=9)
        ax.set_ylabel(f"throughput ({unit_of(rs)}/s)")
        eng_y(ax)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        t = ref_threads(rs)
        for s in sorted({r["sync"] for r in rs}, key=policy_key):
            kinds = {k: median_of([r for r in rs if rg_dataset(r)[1] == k], sync=s, threads=t)
                     for k in ("snap", "uniform", "rmat")}
            for k in ("uniform", "rmat"):
                if kinds["snap"] is not None and kinds[k] is not None:
                    head.append((f"{name}, {s}, {t} threads", f"snap {fmt_num(kinds['snap'])} {unit_of(rs)}/s",
                                 fmt_ratio(ratio(kinds["snap"], kinds[k])), f"snap / {k}",
                                 s == min({r["sync"] for r in rs}, key=policy_key)))
    finish_legend(fig, axes, over, nproc)
    save(fig, "realgraphs")
    return head


FLAW_ORDER = ["none", "spawn-in-timer", "shared-warm-cache", "ms-rounding", "semantics-mismatch", "all"]


def ob_split(v):
    """oldbench variant 'reads:flaw=spawn-in-timer' -> ('reads', 'spawn-in-timer')."""
    if ":" in v:
        sc, rest = v.split(":", 1)
    else:
        sc, rest = "-", v
    kv = parse_kv(rest, ";,")
    return sc, kv.get("flaw", rest or "none")


def flaw_key(f):
    return (FLAW_ORDER.index(f) if f in FLAW_ORDER else 9, f)


def ob_speedup(rows, n):
    """(median, lo, hi) of throughput at n threads over the median at the fewest threads."""
    t1 = min(r["threads"] for r in rows)
    base = median_of(rows, threads=t1)
    vals = [r["throughput"] for r in rows if r["threads"] == n]
    if not base or not vals:
        return None
    return statistics.median(vals) / base, min(vals) / base, max(vals) / base


def ob_paired_speedup(sync, variant, n):
    """(est, lo, hi) of rgbench's paired per-round speedup of sync@variant at n threads over 1 thread."""
    for r in RATIOS:
        if (r.get("workload") == "oldbench" and r.get("kind") == "speedup" and r.get("variant") == variant
                and _int(r.get("threads"), 1) == n and (r.get("num") or "").startswith(sync + "@")):
            est = _float(r.get("est"))
            if est is not None:
                return est, _float(r.get("lo")), _float(r.get("hi"))
    return None


def plot_oldbench(rows, save):
    """The old benchmark: one panel per scenario, the speedup at N threads
    over 1 thread (paired per round, 95% CI) for each flaw setting, one
    marker series per policy; one linear y scale shared by the panels;
    dotted line: linear speedup."""
    nproc = nproc_of(rows)
    scen = group(rows, lambda r: ob_split(r["variant"])[0])
    order = ["reads", "mixed", "traversal", "contention"]
    names = sorted(scen, key=lambda x: (order.index(x) if x in order else 9, x))
    fig, axes = new_fig(len(names), rows, "The old benchmark re-created: speedup at N threads over 1 thread "
                        "(paired per round, 95% CI) with each flaw alone, all flaws, and honestly (none); "
                        "dotted: linear speedup", max_cols=4)
    over = False
    head = []
    top, lows = 1.0, []
    for ax, sc in zip(axes, names):
        rs = scen[sc]
        flaws = sorted({ob_split(r["variant"])[1] for r in rs}, key=flaw_key)
        syncs = sorted({r["sync"] for r in rs}, key=policy_key)
        t1 = min(r["threads"] for r in rs)
        ns = sorted({r["threads"] for r in rs if r["threads"] > t1})
        series = [(s, n) for s in syncs for n in ns]
        for j, (s, n) in enumerate(series):
            xs, meds, lo, hi = [], [], [], []
            for i, f in enumerate(flaws):
                st = ob_paired_speedup(s, f"{sc}:flaw={f}", n)
                if st is None:
                    sel = [r for r in rs if r["sync"] == s and ob_split(r["variant"])[1] == f]
                    st = ob_speedup(sel, n) if sel else None
                if st is None or st[0] is None:
                    continue
                xs.append(i + (j - (len(series) - 1) / 2) * 0.25)
                meds.append(st[0])
                lo.append(max(st[0] - (st[1] if st[1] is not None else st[0]), 0))
                hi.append(max((st[2] if st[2] is not None else st[0]) - st[0], 0))
                top = max(top, st[2] if st[2] is not None else st[0])
                lows.append(st[1] if st[1] is not None else st[0])
            ov = n > nproc
            over |= ov
            label = f"{s}, {n} threads" + (" (oversubscribed)" if ov else "")
            sty = style_of(s)
            sty["linestyle"] = "none"
            ax.errorbar(xs, meds, yerr=[lo, hi], capsize=2, elinewidth=0.8, label=label, **sty)
        for n in ns:
            ax.axhline(n / t1, color="0.3", lw=0.8, ls=":")
        ax.axhline(1.0, color="0.6", lw=0.6)
        ax.set_xticks(range(len(flaws)))
        ax.set_xticklabels(["none" if f == "none" else f for f in flaws], rotation=35, ha="right")
        ax.set_xlim(-0.6, len(flaws) - 0.4)
        ax.set_title(sc)
        ax.grid(True, axis="y", alpha=0.3)
        n = max(ns) if ns else t1
        for s in syncs:
            h = ob_paired_speedup(s, f"{sc}:flaw=none", n)
            for f in flaws:
                if f == "none":
                    continue
                fl = ob_paired_speedup(s, f"{sc}:flaw={f}", n)
                if fl is None:
                    continue
                head.append((f"{sc}, {s}, flaw={f}, {n} vs {t1} threads",
                             f"speedup {fl[0]:.2f}x (honest {h[0]:.2f}x)" if h else f"speedup {fl[0]:.2f}x",
                             fmt_ratio(ratio(fl[0], h[0] if h else None)), "flawed speedup / honest speedup",
                             f == "all"))
    bottom = min([ln for ln in lows if ln > 0] or [0.5])
    for k, ax in enumerate(axes):
        # speedups are ratios: one log scale for every panel (points, no bars)
        ax.set_yscale("log")
        ax.set_ylim(min(bottom, 0.5) / 1.3, max(top, 2.0) * 1.3)
        eng_y(ax, lambda v: f"{v:g}")
        if k == 0:
            ax.set_ylabel("speedup over 1 thread")
    finish_legend(fig, axes, over, nproc)
    save(fig, "oldbench")
    return head


# Issue 14's read targets (rgbench readtargets): goal of each named comparison.
READ_TARGETS = {
    "t14-span/csr": 0.8,
    "t14-span-inline/csr": None,  # informative: the same scan through the inline span
    "t14-section-inline-nosync/csr": 0.6,
    "t14-section-inline-rcu-memb/csr": 0.6,
    "t14-edited-span/csr": 0.4,
    "t14-rcu-memb/nosync-inline": 0.95,
    "t14-rcu-memb/nosync-exported": 0.90,
}
RATIOS = []       # DIR/*.ratios.csv rows (main fills it)
FORMATS = ["png", "pdf"]  # figure files written per figure (--formats)
STYLE_WARNINGS = []  # (figure, rule broken): save() fills it
SECTIONCOST = []  # DIR/*sectioncost.csv rows


def target_rows():
    return [r for r in RATIOS if r.get("kind") == "compare" and r.get("name") in READ_TARGETS]


def plot_readtargets(rows, save):
    trs = target_rows()
    if not trs:
        raise ValueError("no read-target comparisons in DIR/*.ratios.csv")
    graphs = sorted({(r.get("variant") or "?").split(":")[0] for r in trs})
    names = [n for n in READ_TARGETS if any(r["name"] == n for r in trs)]
    fig, axes = new_fig(len(graphs), rows, "Read targets (issue 14): paired per-round ratios with 95% CIs; "
                        "ticks: the goal (a ratio at or above it meets the target)",
                        width_per=max(6.0, 0.9 * len(names)), max_cols=1, height=4.2)
    nproc = nproc_of(rows)
    over = False
    for ax, gv in zip(axes, graphs):
        sel = [r for r in trs if (r.get("variant") or "").split(":")[0] == gv]
        ts = sorted({_int(r.get("threads"), 1) for r in sel})
        width = 0.8 / max(1, len(ts))
        for j, t in enumerate(ts):
            xs, meds, lo, hi = [], [], [], []
            ov = t > nproc
            over |= ov
            for i, n in enumerate(names):
                r = next((x for x in sel if x["name"] == n and _int(x.get("threads"), 1) == t), None)
                est, l, h = (_float(r.get(k)) for k in ("est", "lo", "hi")) if r else (None, None, None)
                if est is None:
                    continue
                xs.append(i + (j - (len(ts) - 1) / 2) * width)
                meds.append(est)
                lo.append(max(est - (l if l is not None else est), 0))
                hi.append(max((h if h is not None else est) - est, 0))
            ax.bar(xs, meds, width, yerr=[lo, hi], capsize=2, label=f"{t} thread{'s' if t > 1 else ''}",
                   color=thread_style(t, nproc)["color"] if not ov else "white", hatch="///" if ov else None,
                   edgecolor="0.3" if ov else "none", lw=0.5, error_kw=dict(elinewidth=0.8))
        for i, n in enumerate(names):
            g = READ_TARGETS[n]
            if g is not None:
                ax.plot([i - 0.45, i + 0.45], [g, g], color="black", lw=1.2, ls="--",
                        label="goal" if i == 0 or all(READ_TARGETS[m] is None for m in names[:i]) else None)
        ax.axhline(1.0, color="k", lw=0.6)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels([n.replace("t14-", "") for n in names], rotation=25, ha="right")
        spec = next((r.get("graph") for r in rows if (r.get("variant") or "").startswith(gv + ":")), gv)
        ax.set_title(f"{gv}: {spec}")
        ax.set_ylabel("ratio (paired per round)")
        ax.grid(True, axis="y", alpha=0.3)
    finish_legend(fig, axes, over, nproc, hatch=True)
    save(fig, "readtargets")
    head = []
    for r in trs:
        g = READ_TARGETS[r["name"]]
        if g is None or _int(r.get("oversubscribed")):
            continue
        est = _float(r.get("est"))
        ci = (est, _float(r.get("lo")), _float(r.get("hi")))
        head.append((f"{r['name']} {(r.get('variant') or '').split(':')[0]}, {r.get('threads')} threads",
                     f"goal >= {g:g}", fmt_ci(ci), "met" if est is not None and est >= g else "missed"))
    return head


def plot_sectioncost(save, machine_rows):
    sc = [r for r in SECTIONCOST if _float(r.get("Ir_per_op")) is not None]
    if not sc:
        return []
    syncs = sorted({r["sync"] for r in sc if r.get("path") == "exported"}, key=policy_key)
    fig, axes = new_fig(2, machine_rows or sc, "Cost per read section and per neighbour query (callgrind, single "
                        "thread, empty-loop baseline subtracted): exported path per policy, inline path "
                        "(hatched) for rcu-memb and nosync; line: the static CSR query",
                        width_per=max(7.0, 0.5 * len(syncs) + 3), max_cols=1, height=3.6)
    for ax, ev, lab in ((axes[0], "Ir_per_op", "instructions per op"),
                        (axes[1], "D1mr_per_op", "simulated D1 read misses per op")):
        def val(sync, kind, path):
            r = next((x for x in sc if x["sync"] == sync and x["kind"] == kind and x["path"] == path), None)
            return _float(r.get(ev)) if r else None
        for k, (kind, path, off, hatch) in enumerate((("section", "exported", -0.3, None),
                                                     ("query", "exported", -0.1, None),
                                                     ("section-inline", "inline", 0.1, "///"),
                                                     ("query-inline", "inline", 0.3, "///"))):
            xs, ys = [], []
            for i, sy in enumerate(syncs):
                v = val(sy, kind, path)
                if v is not None:
                    xs.append(i + off)
                    ys.append(v)
            if xs:
                ax.bar(xs, ys, 0.2, label=f"{kind} ({path})", hatch=hatch,
                       color="#56B4E9" if "section" in kind else "#E69F00", edgecolor="0.2", lw=0.4)
        c = val("csr", "csr", "static")
        if c is not None:
            ax.axhline(c, color="black", lw=1.2, ls="--", label="static CSR query")
        ax.set_xticks(range(len(syncs)))
        ax.set_xticklabels(syncs, rotation=30, ha="right")
        ax.set_ylabel(lab)
        ax.grid(True, axis="y", alpha=0.3)
    finish_legend(fig, list(axes), False, 0)
    save(fig, "sectioncost")
    return [(f"{r['sync']} {r['kind']} ({r['path']})", f"{_float(r['Ir_per_op']):.1f} Ir/op",
             "-", "callgrind, baseline subtracted", r["sync"] in ("rcu-memb", "nosync", "csr"))
            for r in sc if r["kind"] in ("query", "query-inline", "csr")]


# ---------------------------------------------------------------- paper-size figures
# The writer-issue, log, peer, long-reader, open-loop and kernel workloads
# are drawn at their printed size: one column (3.5 in) or the page (7.16 in)
# wide, every text >= 7 pt, series told apart by marker and line style as
# well as colour, one scale per figure (panels share their value axis), and
# nosync's ceiling emphasised where it is a reference.

COL_W, PAGE_W = 3.5, 7.16
PAPER_RC = {"font.size": 7, "axes.titlesize": 7, "axes.labelsize": 7, "xtick.labelsize": 7,
            "ytick.labelsize": 7, "legend.fontsize": 7, "figure.titlesize": 7,
            "lines.linewidth": 1.0, "lines.markersize": 4, "axes.linewidth": 0.6,
            "grid.linewidth": 0.4, "hatch.linewidth": 0.5}
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p"]
LSTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1))]

# Named comparisons of these workloads that are targets: (op, goal); None: reported.
TARGET_GOALS = {
    "t-insert/floor": (">=", 0.7), "t-insert/vfloor": None, "t-bulk/floor": None,
    "t-vfloor/floor": None, "t-hub-time/spread-time": ("<=", 2.0),
    "t-load-time/csr1T": ("<=", 2.0), "t-load-time/csr2T": ("<=", 2.0),
    "t-footprint-packed/csr": ("<=", 2.5), "t-footprint-live/csr": None,
    "t-readers-during/without": (">=", 0.9), "t-ckpt-p99-on/off": ("<=", 2.0),
    "t-group-commit-4/1": None, "t-kernel-rcugraph/csr": (">=", 0.5),
    "t-peers-rcugraph/lmdb": (">=", 3.0), "t-peers-rcugraph/sqlite": None,
    "t-peers-write-rcugraph/lmdb": None, "t-peers-write-rcugraph/sqlite": None,
}


def paper_fig(rows, title, ncols=1, width=COL_W, height=2.4, sharey=True, sharex=False):
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), sharey=sharey, sharex=sharex,
                             squeeze=False, layout="constrained")
    wrapped = textwrap.fill(title, width=int(width * 19))
    fig.suptitle(f"{wrapped}\n{textwrap.fill('machine: ' + machine_of(rows), width=int(width * 19))}",
                 fontsize=7)
    return fig, list(axes[0])


def style(i):
    return MARKERS[i % len(MARKERS)], LSTYLES[i % len(LSTYLES)]


def wl_ratios(workload, kinds=("compare",)):
    return [r for r in RATIOS if r.get("workload") == workload and r.get("kind") in kinds]


def ci_of(r):
    return _float(r.get("est")), _float(r.get("lo")), _float(r.get("hi"))


def dot_items(ax, items, xlabel, log=False, res=None):
    """Horizontal dots with 95% CI whiskers, one per item (label, (est, lo, hi), goal, group);
    a goal is drawn as a red bar at its row with its direction; res: the A/A band around 1."""
    groups = []
    for it in items:
        if it[3] not in groups:
            groups.append(it[3])
    if res is not None:
        ax.axvspan(1 - res, 1 + res, color="0.88", lw=0, zorder=0, label=f"A/A resolution ±{100 * res:.0f}%")
    ax.axvline(1.0, color="0.3", lw=0.6, ls=":")
    drawn = set()
    for y, (label, (est, lo, hi), goal, grp) in enumerate(items):
        gi = groups.index(grp)
        m, _ = style(gi)
        if est is not None:
            ax.errorbar([est], [y], xerr=[[max(est - (lo if lo is not None else est), 0)],
                                          [max((hi if hi is not None else est) - est, 0)]],
                        fmt=m, color=_CMAP[(2 * gi) % 20], ms=4, capsize=2, lw=0.8,
                        label=grp if grp not in drawn else None)
            drawn.add(grp)
        if goal:
            op, g = goal
            ax.plot([g, g], [y - 0.35, y + 0.35], color="tab:red", lw=1.4,
                    label="goal" if "goal" not in drawn else None)
            drawn.add("goal")
            ax.annotate("≥" if op == ">=" else "≤", (g, y + 0.38), color="tab:red", fontsize=7,
                        ha="center", va="bottom")
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([it[0] for it in items])
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.grid(True, axis="x", alpha=0.3)


def target_items(workload, names=None, label=None):
    out = []
    for r in wl_ratios(workload):
        n = r.get("name")
        if n not in TARGET_GOALS or (names and n not in names):
            continue
        lab = label(r) if label else f"{n.replace('t-', '')} {r.get('threads')}T"
        out.append((lab, ci_of(r), TARGET_GOALS[n], r.get("study") or workload))
    return out


def target_heads(workload, names=None, label=None):
    head = []
    for r in wl_ratios(workload):
        n = r.get("name")
        if n not in TARGET_GOALS or (names and n not in names):
            continue
        g = TARGET_GOALS[n]
        est, lo, hi = ci_of(r)
        if g:
            ok = est is not None and (est >= g[1] if g[0] == ">=" else est <= g[1])
            meaning = f"goal {g[0]} {g[1]:g}: {'met' if ok else 'missed'}"
        else:
            meaning = "reported"
        if _int(r.get("oversubscribed")):
            meaning += " (oversubscribed)"
        head.append((f"{label(r) if label else n} {r.get('variant') or ''}, {r.get('threads')} threads",
                     r.get("verdict") or "-", fmt_ci((est, lo, hi)), meaning, g is not None))
    return head


def aa_res(workload):
    v = [_float(r.get("resolution")) for r in wl_ratios(workload, ("aa",))
         if _float(r.get("resolution")) is not None and not _int(r.get("oversubscribed"))]
    return max(v) if v else None


def plot_insert(rows, save):
    items = target_items("insert", label=lambda r: {
        "t-insert/floor": "txn=10000 / floor", "t-insert/vfloor": "txn=10000 / vfloor",
        "t-bulk/floor": "txn=2^20 / floor", "t-vfloor/floor": "vfloor / floor",
        "t-hub-time/spread-time": "hub time / spread time"}.get(r["name"], r["name"]))
    if not items:
        raise ValueError("no insert comparisons in DIR/*.ratios.csv")
    fig, (ax,) = paper_fig(rows, "Inserts against the floors (throughput ratios; hub: time ratio), "
                           "median of paired per-round ratios, 95% CI", height=1.2 + 0.28 * len(items))
    dot_items(ax, items, "ratio (paired per round)", res=aa_res("insert"))
    ax.legend(loc="best", frameon=False)
    save(fig, "insert")
    return target_heads("insert")


def plot_load(rows, save):
    items = target_items("load", label=lambda r: f"{(r.get('variant') or '').split(':')[0]} vs CSR "
                         f"{'1T' if r['name'].endswith('1T') else '2T'}")
    if not items:
        raise ValueError("no load comparisons in DIR/*.ratios.csv")
    fig, (ax,) = paper_fig(rows, "Bulk load time: rcugraph / static-CSR build from the same arrays "
                           "(1 and 2 CSR threads), paired per round", height=1.2 + 0.25 * len(items))
    dot_items(ax, items, "load time ratio (rcugraph / CSR)", res=None)
    ax.legend(loc="best", frameon=False)
    save(fig, "load")
    return target_heads("load", label=lambda r: r["name"])


FP_PARTS = [("nodes_bpe", "nodes", "////"), ("heads_bpe", "heads", "\\\\\\\\"),
            ("arrays_bpe", "blocks", "xxx"), ("pack_bpe", "pack", "...")]


def plot_footprint(rows, save):
    by = {r["variant"]: r for r in rows}
    if "csr" not in by:
        raise ValueError("footprint rows lack the CSR")
    order = [v for v in ("packed", "live", "csr") if v in by]
    fig, (ax,) = paper_fig(rows, f"Bytes per edge ({short_graph(by['csr'].get('graph'))}): the graph's "
                           "memory (rg_stats mem_*) beside the static CSR; one deterministic measurement",
                           height=2.3)
    for i, v in enumerate(order):
        r = by[v]
        if v == "csr":
            ax.bar(i, r["throughput"], 0.6, color="0.6", edgecolor="0.2", lw=0.5, hatch="---",
                   label="CSR")
            continue
        bottom = 0.0
        for j, (k, lab, hatch) in enumerate(FP_PARTS):
            val = _float(r["extra_kv"].get(k)) or 0.0
            if val <= 0:
                continue
            ax.bar(i, val, 0.6, bottom=bottom, color=_CMAP[(2 * j) % 20], edgecolor="0.2", lw=0.5,
                   hatch=hatch, label=lab if i == 0 or lab not in [h.get_label() for h in ax.patches] else None)
            bottom += val
    goal = 2.5 * by["csr"]["throughput"]
    ax.axhline(goal, color="tab:red", ls="--", lw=1.0, label=f"goal ≤ 2.5×CSR")
    ax.set_xticks(range(len(order)))
    ax.set_xticklabels(order)
    ax.set_ylabel("bytes per edge")
    ax.set_ylim(0, max(goal, max(by[v]["throughput"] for v in order)) * 1.6)
    h, lab = ax.get_legend_handles_labels()
    seen, hh, ll = set(), [], []
    for a, b in zip(h, lab):
        if b not in seen:
            seen.add(b)
            hh.append(a)
            ll.append(b)
    ax.legend(hh, ll, loc="upper center", frameon=False, ncol=3, columnspacing=0.8, handlelength=1.5)
    ax.grid(True, axis="y", alpha=0.3)
    save(fig, "footprint")
    head = [(f"{v}", f"{by[v]['throughput']:.2f} bytes/edge", fmt_ci((by[v]['ratio_f'], by[v]['ratio_f'],
             by[v]['ratio_f'])) if by[v]["ratio_f"] is not None else "-", "vs CSR (deterministic)", True)
            for v in order]
    return head + target_heads("footprint")


def plot_wal(rows, save):
    rp = [r for r in rows if r["variant"] == "replay"]
    cr = [r for r in rows if r["variant"].startswith("ckptread")]
    head = []
    if rp:
        fig, (ax,) = paper_fig(rp, "Replay on open: edges replayed per second of rg_open, per round "
                               "(the whole log, 1,000-edge records)", height=2.0)
        vals = [r["throughput"] / 1e6 for r in rp]
        ax.plot(range(len(vals)), vals, "o", color="tab:blue", label="rcu-memb, one open per round")
        st = med_range(vals)
        ax.axhline(st[0], color="tab:blue", lw=1, ls="-", label=f"median {st[0]:.2f} [{st[1]:.2f}, {st[2]:.2f}]")
        ax.axhline(5.0, color="tab:red", lw=1.2, ls="--", label="goal ≥ 5 M edges/s")
        ax.set_xlabel("run (round)")
        ax.set_ylabel("M edges / s")
        ax.set_ylim(bottom=0)
        ax.legend(loc="lower right", frameon=False)
        ax.grid(True, alpha=0.3)
        save(fig, "wal_replay")
        head.append(("replay on open", f"{st[0]:.2f} M edges/s", f"{st[0]:.3g} [{st[1]:.3g}, {st[2]:.3g}]",
                     f"goal >= 5 M/s: {'met' if st[0] >= 5 else 'missed'} (median over rounds, 95% CI)", True))
    if cr:
        items = target_items("wal", ["t-readers-during/without"],
                             label=lambda r: f"{r['num'].split('@')[0]} during / without")
        fig, (ax,) = paper_fig(cr, "Reader throughput while checkpoints are written back to back, over "
                               "the same with an idle thread, paired per round", height=1.2 + 0.3 * max(1, len(items)))
        dot_items(ax, items, "reader throughput ratio", res=aa_res("wal"))
        ax.legend(loc="best", frameon=False)
        save(fig, "wal_ckptread")
        head += target_heads("wal", ["t-readers-during/without"])
    if not head:
        raise ValueError("no wal rows")
    return head


def plot_longread(rows, save):
    samp = [r for r in rows if r["verdict"] == "sample" and mem_time(r) is not None]
    meas = [r for r in rows if r["verdict"] != "sample"]
    if not samp:
        raise ValueError("longread rows carry no samples")
    lim = max((_float(r["extra_kv"].get("gc_limit_bytes")) or 0) for r in samp) / 2**20
    fig, (ax,) = paper_fig(rows, "A reader holds one read section for the whole trial while the writer "
                           "commits: bytes awaiting reclamation (median over rounds per sample)", height=2.4)
    for i, (s, srs) in enumerate(sorted(group(samp, lambda r: r["sync"]).items(), key=lambda kv: policy_key(kv[0]))):
        by_i = {}
        for tr in group(srs, lambda r: (r.get("run_id"), r["trial"])).values():
            for k, r in enumerate(sorted(tr, key=mem_time)):
                by_i.setdefault(k, []).append(r)
        idx = sorted(by_i)
        xs = [statistics.median([mem_time(r) for r in by_i[k]]) for k in idx]
        ys = [statistics.median([(_float(r["extra_kv"].get("pending_bytes")) or 0) / 2**20 for r in by_i[k]])
              for k in idx]
        m, ls = style(i)
        ax.plot(xs, ys, marker=m, ls=ls, color=color_of(s), label=s)
    ax.axhline(lim, color="tab:red", ls="--", lw=1.0, label=f"gc_limit_bytes ({lim:g} MiB)")
    ax.set_xlabel("time in trial (s)")
    ax.set_ylabel("awaiting reclamation (MiB)")
    ax.set_ylim(bottom=0, top=lim * 1.3 if lim else None)
    ax.legend(loc="center right", frameon=False)
    ax.grid(True, alpha=0.3)
    save(fig, "longread")
    head = []
    for s in sorted({r["sync"] for r in meas}, key=policy_key):
        rs = [r for r in meas if r["sync"] == s]
        pk = med_range([_float(r["extra_kv"].get("bound_ratio")) for r in rs])
        mx = med_range([_float(r["extra_kv"].get("max_commit_us")) for r in rs])
        gw = med_range([_float(r["extra_kv"].get("gc_waits")) for r in rs])
        head.append((f"{s}, long section", f"{fmt_num(median_of(rs))} commits/s",
                     "-", f"peak pending / limit {pk[0]:.2f}" if pk else "-", True))
        head.append((f"{s}, writer stall", f"max commit {mx[0] / 1e3:.1f} ms" if mx else "-", "-",
                     f"gc_waits {gw[0]:.0f} per trial" if gw else "-", False))
    return head


def plot_openloop(rows, save):
    rows = [r for r in rows if any(r[p] is not None for p, _ in PCTS)]
    if not rows:
        raise ValueError("openloop rows carry no percentiles")
    variants = [v for v in ("no-writer", "writer") if any(r["variant"] == v for r in rows)]
    rate = next((r["extra_kv"].get("rate_per_reader") for r in rows), "?")
    fig, axes = paper_fig(rows, f"Open-loop read latency at {rate} arrivals/s per reader, from the scheduled "
                          "time (queueing counted); median over rounds, 95% CI", ncols=len(variants),
                          width=PAGE_W, height=2.6)
    syncs = sorted({r["sync"] for r in rows}, key=policy_key)
    for ax, v in zip(axes, variants):
        rs = [r for r in rows if r["variant"] == v]
        for i, s in enumerate(syncs):
            srs = [r for r in rs if r["sync"] == s]
            if not srs:
                continue
            xs, st = [], []
            for k, (p, _) in enumerate(PCTS):
                m = med_range([r[p] for r in srs])
                if m:
                    xs.append(k)
                    st.append(m)
            mk, ls = style(syncs.index(s))
            ceiling = s == "nosync"
            ax.errorbar(xs, [a[0] for a in st], yerr=[[a[0] - a[1] for a in st], [a[2] - a[0] for a in st]],
                        marker=mk, ls=ls, capsize=2, color="black" if ceiling else color_of(s),
                        lw=2.2 if ceiling else 1.0, zorder=5 if ceiling else 3,
                        label=f"{s} (no-synchronisation reference)" if ceiling else s)
        ax.set_xticks(range(len(PCTS)))
        ax.set_xticklabels([lab for _, lab in PCTS])
        ax.set_yscale("log")
        eng_y(ax, lambda x: f"{x:g}")
        ax.set_title(f"{v}: 1 reader" + (" + 1 writer" if v == "writer" else ""))
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("latency from the scheduled arrival (µs)")
    h, lab = [], []
    for ax in axes:
        for a, b in zip(*ax.get_legend_handles_labels()):
            if b not in lab:
                h.append(a)
                lab.append(b)
    axes[0].legend(h, lab, loc="upper left", ncol=2, frameon=False)
    save(fig, "openloop")
    head = []
    for r in wl_ratios("openloop"):
        if r.get("name", "").startswith("p99/"):
            head.append((f"{r['num']}", r.get("verdict") or "-", fmt_ci(ci_of(r)), f"{r['name']} (paired per round)",
                         r["num"].startswith(("rcu-memb", "rwlock", "ck-epoch"))))
    return head


def plot_kernels(rows, save):
    items = target_items("kernels", label=lambda r: f"{r.get('variant')} {r.get('threads')}T")
    if not items:
        raise ValueError("no kernel comparisons in DIR/*.ratios.csv")
    items = [(lab, ci, g, f"{lab.split()[-1]}") for lab, ci, g, _ in items]
    fig, (ax,) = paper_fig(rows, "Kernels on a live rcugraph snapshot / the static-CSR baseline "
                           "(time ratio inverted: throughput), paired per round", height=1.2 + 0.25 * len(items))
    dot_items(ax, items, "rcugraph / CSR (runs per second)", res=aa_res("kernels"))
    ax.legend(loc="best", frameon=False)
    save(fig, "kernels")
    return target_heads("kernels", label=lambda r: "rcugraph/csr")


def plot_peers(rows, save):
    rr = [r for r in wl_ratios("peers", ("ratio",)) if not _int(r.get("oversubscribed"))]
    if not rr:
        raise ValueError("no peer ratios in DIR/*.ratios.csv")
    studies = [s for s in ("peers read", "peers write") if any(r.get("study") == s for r in rr)]
    fig, axes = paper_fig(rows, "LMDB (DUPSORT), SQLite and rcugraph (public API) on the same graph and "
                          "sequence: throughput / LMDB's, paired per round (log scale)", ncols=len(studies),
                          width=PAGE_W, height=2.6, sharey=False, sharex=True)
    for ax, st in zip(axes, studies):
        items = []
        for r in rr:
            if r.get("study") != st:
                continue
            store = (r.get("num") or "").split("@")[0]
            goal = TARGET_GOALS["t-peers-rcugraph/lmdb"] if (store == "rcu-memb" and r.get("variant") == "neighbors"
                                                            and r.get("threads") == "2") else None
            items.append((f"{r.get('variant')} {r.get('threads')}T", ci_of(r), goal,
                          "rcugraph" if store == "rcu-memb" else store))
        items.sort(key=lambda it: (it[0], it[3]))
        dot_items(ax, items, "throughput / LMDB", log=True, res=None)
        ax.set_title("reads (queries/s)" if st == "peers read" else "one-edge commits (commits/s)")
    h, lab = [], []
    for ax in axes:
        for a, b in zip(*ax.get_legend_handles_labels()):
            if b not in lab:
                h.append(a)
                lab.append(b)
    axes[0].legend(h, lab, loc="upper right", frameon=False)
    save(fig, "peers")
    return target_heads("peers")


def plot_writer_log(rows, save):
    """The log's group commit (fsyncs per commit by committers) and commit
    latency with automatic checkpoints off and on (writer workload)."""
    grp = [r for r in rows if writer_key(r)[1] == "commit" and writer_key(r)[2]]
    if not grp:
        return []
    head = []
    off = [r for r in grp if "ckpt=on" not in r["variant"]]
    on = [r for r in grp if "ckpt=on" in r["variant"]]
    fig, (ax,) = paper_fig(rows, "Group commit (txn=1, durability COMMIT): fsyncs per commit by committing "
                           "threads, median over rounds, 95% CI", height=2.2)
    for i, (lab, rs) in enumerate((("checkpoints off", off), ("checkpoints on (every 8 KiB of log)", on))):
        by_t = group([r for r in rs if _float(r["extra_kv"].get("fsyncs_per_commit")) is not None],
                     lambda r: r["threads"])
        xs = sorted(by_t)
        if not xs:
            continue
        st = [med_range([_float(r["extra_kv"]["fsyncs_per_commit"]) for r in by_t[x]]) for x in xs]
        m, ls = style(i)
        ax.errorbar(xs, [a[0] for a in st], yerr=[[a[0] - a[1] for a in st], [a[2] - a[0] for a in st]],
                    marker=m, ls=ls, capsize=2, label=lab)
    ax.axhline(0.3, color="tab:red", ls="--", lw=1.0, label="goal ≤ 0.3 at 4 committers")
    over = threads_axis(ax, [r["threads"] for r in grp], nproc_of(rows))
    ax.set_xlabel("committing threads" + (" (grey: more than the CPUs)" if over else ""))
    ax.set_ylabel("fsyncs per commit")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", frameon=False)
    ax.grid(True, alpha=0.3)
    save(fig, "writer_group")
    if on:
        fig, (ax,) = paper_fig(rows, "Commit latency (txn=1, COMMIT) with automatic checkpoints off and on, "
                               "median over rounds of each run's percentile, 95% CI", height=2.3)
        ts = sorted({r["threads"] for r in on})
        for i, (lab, rs) in enumerate((("checkpoints off", off), ("checkpoints on", on))):
            for j, t in enumerate(ts):
                sel = [r for r in rs if r["threads"] == t]
                xs, st = [], []
                for k, (p, _) in enumerate(PCTS):
                    mm = med_range([r[p] for r in sel])
                    if mm:
                        xs.append(k)
                        st.append(mm)
                if not xs:
                    continue
                m, _ = style(j)
                ax.errorbar(xs, [a[0] for a in st], yerr=[[a[0] - a[1] for a in st], [a[2] - a[0] for a in st]],
                            marker=m, ls=LSTYLES[i], capsize=2, color=_CMAP[(2 * i) % 20],
                            label=f"{lab}, {t} committer{'s' if t > 1 else ''}")
        ax.set_xticks(range(len(PCTS)))
        ax.set_xticklabels([lab for _, lab in PCTS])
        ax.set_yscale("log")
        eng_y(ax, lambda x: f"{x:g}")
        ax.set_ylabel("commit latency (µs)")
        ax.legend(loc="upper left", frameon=False)
        ax.grid(True, which="major", alpha=0.3)
        save(fig, "writer_ckpt")
        head += target_heads("writer", ["t-ckpt-p99-on/off"])
    for t in sorted({r["threads"] for r in off}):
        st = med_range([_float(r["extra_kv"].get("fsyncs_per_commit")) for r in off if r["threads"] == t])
        if st:
            head.append((f"group commit, {t} committers", f"{st[0]:.3f} fsyncs/commit", fmt_ci(st),
                         "median over rounds" + (" (goal <= 0.3 at 4)" if t == 4 else ""), t == 4))
    return head + target_heads("writer", ["t-group-commit-4/1"])


def plot_generic(rows, save, name):
    plot_threads_by_policy(rows, save, name, f"{name}: throughput vs threads",
                           panel_key=lambda r: r["variant"] or "-")
    t = ref_threads(rows)
    return [(f"{v or '-'}, {s}, {t} threads", f"{fmt_num(median_of(rows, variant=v, sync=s, threads=t))} "
             f"{unit_of(rows)}/s", "-", "")
            for v, s in sorted({(r["variant"], r["sync"]) for r in rows})]


# drawn at their printed size (see "paper-size figures")
PAPER_SIZE = {"insert", "load", "footprint", "wal", "longread", "openloop", "kernels", "peers"}

PLOTTERS = {
    "readonly": (plot_readonly, ["readonly", "readonly_ratio"]),
    "readtargets": (plot_readtargets, ["readtargets"]),
    "mixed": (plot_mixed, ["mixed"]),
    "traversal": (plot_traversal, ["traversal"]),
    "contention": (plot_contention, ["contention"]),
    "writer": (plot_writer, ["writer", "writer_group", "writer_ckpt"]),
    "counters": (plot_counters, ["counters"]),
    "latency": (plot_latency, ["latency"]),
    "memory": (plot_memory, ["memory"]),
    "realgraphs": (plot_realgraphs, ["realgraphs"]),
    "peers": (plot_peers, ["peers"]),
    "insert": (plot_insert, ["insert"]),
    "load": (plot_load, ["load"]),
    "footprint": (plot_footprint, ["footprint"]),
    "wal": (plot_wal, ["wal_replay", "wal_ckptread"]),
    "longread": (plot_longread, ["longread"]),
    "openloop": (plot_openloop, ["openloop"]),
    "kernels": (plot_kernels, ["kernels"]),
    "oldbench": (plot_oldbench, ["oldbench"]),
}


# ---------------------------------------------------------------- main

def main(argv):
    ap = argparse.ArgumentParser(description="Plot rgbench CSVs (PNG + PDF) and write summary.md.")
    ap.add_argument("dir", help="directory holding the *.csv files")
    ap.add_argument("--figures", help="output directory for figures (default DIR/figures)")
    ap.add_argument("--summary", help="summary file (default DIR/summary.md)")
    ap.add_argument("--formats", default="png,pdf",
                    help="comma list of figure formats (default png,pdf; run_all.sh --quick: png)")
    args = ap.parse_args(argv)
    FORMATS[:] = [f for f in args.formats.split(",") if f in ("png", "pdf", "svg")] or ["png"]

    if not os.path.isdir(args.dir):
        print(f"plot.py: {args.dir}: not a directory", file=sys.stderr)
        return 2
    figdir = args.figures or os.path.join(args.dir, "figures")
    os.makedirs(figdir, exist_ok=True)
    files, rows, notes = read_rows(args.dir)
    RATIOS[:] = read_plain(args.dir, ".ratios.csv")
    SECTIONCOST[:] = read_plain(args.dir, "sectioncost.csv")
    for n in notes:
        print(f"plot.py: note: {n}", file=sys.stderr)
    if not files:
        print(f"plot.py: note: no *.csv in {args.dir}", file=sys.stderr)

    written, failed, skipped = [], [], []
    # A/A copies ("nosync#2"): their interval is the resolution; not plotted as series
    by_w = group([r for r in rows if not r["sync"].endswith("#2")], lambda r: r["workload"])

    def save(fig, name):
        for ext in FORMATS:
            path = os.path.join(figdir, f"{name}.{ext}")
            fig.savefig(path, dpi=200 if ext == "png" else None,
                        metadata={"CreationDate": None} if ext == "pdf" else None)
            written.append(path)
        write_data(fig, os.path.join(figdir, f"{name}.data.json"))  # after drawing: tick labels are set
        for w in style_warnings(fig):
            print(f"plot.py: style: {name}: {w}", file=sys.stderr)
            STYLE_WARNINGS.append((name, w))
        plt.close(fig)

    heads = {}
    order = WORKLOADS + sorted(w for w in by_w if w not in WORKLOADS)
    for w in order:
        rs = by_w.get(w)
        if not rs:
            skipped.append(w)
            print(f"plot.py: note: no rows for workload '{w}' in {args.dir}/*.csv; figure skipped", file=sys.stderr)
            continue
        fn = PLOTTERS.get(w, (None, None))[0]
        try:
            if w in PAPER_SIZE:
                with plt.rc_context(PAPER_RC):
                    heads[w] = fn(rs, save)
            else:
                heads[w] = fn(rs, save) if fn else plot_generic(rs, save, w)
        except Exception as e:  # keep going: one broken figure must not hide the others
            plt.close("all")
            failed.append(w)
            print(f"plot.py: error: figure '{w}' failed: {e}", file=sys.stderr)
            traceback.print_exc()

    if SECTIONCOST:
        try:
            heads["sectioncost"] = plot_sectioncost(save, rows)
        except Exception as e:
            plt.close("all")
            failed.append("sectioncost")
            print(f"plot.py: error: figure 'sectioncost' failed: {e}", file=sys.stderr)
            traceback.print_exc()
    summary = args.summary or os.path.join(args.dir, "summary.md")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shown = os.path.relpath(os.path.abspath(args.dir), root)
    write_summary(summary, rows, by_w, heads, skipped, failed, figdir,
                  shown if not shown.startswith("..") else args.dir)
    print(f"plot.py: {len(written)} figure files in {figdir}; summary in {summary}")
    if skipped:
        print(f"plot.py: skipped (no data): {', '.join(skipped)}")
    if failed:
        print(f"plot.py: FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def md_escape(s):
    return str(s).replace("|", "\\|")


def write_summary(path, rows, by_w, heads, skipped, failed, figdir, datadir):
    out = ["# rcugraph experiment summary", ""]
    if rows:
        first = rows[0]
        dates = sorted({r.get("date", "") for r in rows if r.get("date")})
        commits = sorted({r.get("git_commit", "") for r in rows if r.get("git_commit")})
        seeds = sorted({r.get("seed", "") for r in rows if r.get("seed")})
        nproc = nproc_of(rows)
        out += [f"- machine: {machine_of(rows)}; runs with more threads than {nproc} are labelled "
                "oversubscribed and never enter a headline or a ranking",
                f"- host: {', '.join(sorted({r.get('host', '?') for r in rows}))}; kernel {first.get('kernel', '?')}; "
                f"compiler {first.get('compiler', '?')}; build {first.get('build_type', '?')}",
                f"- dates (UTC): {dates[0] if dates else '?'} .. {dates[-1] if dates else '?'}",
                f"- git commit(s): {', '.join(commits) or '?'}; seed(s) {', '.join(seeds) or '?'}",
                f"- rows: {len(rows)} runs (configuration x round) from {len({r['_file'] for r in rows})} "
                f"CSV file(s) in `{datadir}`",
                "- method: every configuration of a study on the same graph, in rounds shuffled anew each "
                "round, workers pinned; ratios are medians of paired per-round ratios with 95% CIs; "
                "'indistinguishable' = inside the run's A/A resolution (docs/statistics.md)", ""]
    else:
        out += ["No rows found.", ""]
    # validity
    out += ["## Validity", "", "| workload | valid | invalid configurations (reason) |", "|---|---|---|"]
    wl_order = WORKLOADS + sorted(k for k in by_w if k not in WORKLOADS)
    for w in wl_order:
        rs = [r for r in rows if r["workload"] == w]
        if not rs:
            continue
        inv = [r for r in rs if r["valid"] == "INVALID"]
        why = {}
        for r in rs:
            if r["verdict"] == "invalid" and r["valid"] != "flawed":
                why[(r["variant"], r["sync"], r["threads"])] = r["extra_kv"].get("invalid_reason", "?")
        state = "INVALID" if inv else ("valid (flawed rows: deliberate)" if any(r["valid"] == "flawed" for r in rs) else "valid")
        reasons = "; ".join(f"{s}{'@' + v if v else ''} {t}T: {y}" for (v, s, t), y in sorted(why.items())[:6])
        out.append(f"| {w} | {state} | {md_escape(reasons) or '-'} |")
    out.append("")
    # resolution
    aa = [r for r in RATIOS if r.get("kind") == "aa"]
    if aa:
        out += ["## Resolution (A/A control: the reference measured twice per round)", "",
                "| workload | study | reference | threads | A/A ratio [95% CI] | resolution | biased |",
                "|---|---|---|---|---|---|---|"]
        for r in aa:
            est, lo, hi, res = (_float(r.get(k)) for k in ("est", "lo", "hi", "resolution"))
            out.append(f"| {r['workload']} | {md_escape(r['study'])} | {md_escape(r.get('den') or '-')} | {r['threads']}"
                       f"{' (oversubscribed)' if _int(r.get('oversubscribed')) else ''} | "
                       f"{fmt_ci((est, lo, hi))} | {'-' if res is None else f'+-{100 * res:.2f}%'} | "
                       f"{'yes' if _int(r.get('aa_biased')) else 'no'} |")
        out.append("")
    out += ["## Headline numbers", "", "| workload | configuration | median | ratio [95% CI] | meaning |",
            "|---|---|---|---|---|"]
    invalid_wl = {r["workload"] for r in rows if r["valid"] == "INVALID"}
    for w in wl_order + (["sectioncost"] if "sectioncost" in heads else []):
        flag = " **[run INVALID: see Validity]**" if w in invalid_wl else ""
        for h in heads.get(w, []):
            if len(h) < 5 or h[4]:
                out.append(f"| {w} | {md_escape(h[0])} | {md_escape(h[1])} | {h[2]} | {md_escape(h[3])}{flag} |")
    out.append("")
    if any(len(h) >= 5 and not h[4] for hs in heads.values() for h in hs):
        out += ["## All summary numbers per workload", ""]
        for w in wl_order + ["sectioncost"]:
            if not heads.get(w):
                continue
            out += [f"### {w}", "", "| configuration | median | ratio [95% CI] | meaning |", "|---|---|---|---|"]
            for h in heads[w]:
                out.append(f"| {md_escape(h[0])} | {md_escape(h[1])} | {h[2]} | {md_escape(h[3])} |")
            out.append("")
    # section costs beside the timings
    sc = [r for r in SECTIONCOST if _float(r.get("Ir_per_op")) is not None]
    if sc:
        ro = [r for r in rows if r["workload"] == "readonly" and r["threads"] == 1]
        out += ["## Section costs (callgrind) beside the readonly timings", "",
                f"graph {sc[0].get('graph', '?')}, {sc[0].get('ops', '?')} ops per loop, empty-loop baseline "
                f"subtracted; simulated caches: {sc[0].get('cache_config', '?')}", "",
                "| policy | path | section Ir/op | query Ir/op | query D1mr/op | readonly 1 thread: ratio to nosync |",
                "|---|---|---|---|---|---|"]
        keys = sorted({(r["sync"], r["path"]) for r in sc if r["kind"] not in ("empty",)},
                      key=lambda k: (policy_key(k[0]), k[1]))
        for sy, pa in keys:
            def g(kind, ev):
                r = next((x for x in sc if x["sync"] == sy and x["path"] == pa and x["kind"] == kind), None)
                v = _float(r.get(ev)) if r else None
                return "-" if v is None else f"{v:.2f}"
            secs = "section-inline" if pa == "inline" else "section"
            q = "query-inline" if pa == "inline" else ("csr" if sy == "csr" else "query")
            timing = fmt_ci(config_ratio(ro, sy, 1)) if pa == "exported" and sy != "nosync" else "-"
            out.append(f"| {sy} | {pa} | {g(secs, 'Ir_per_op')} | {g(q, 'Ir_per_op')} | {g(q, 'D1mr_per_op')} | "
                       f"{timing} |")
        out.append("")
    rel = os.path.relpath(figdir, os.path.dirname(os.path.abspath(path)) or ".")
    out += ["## Figures", ""]
    for w in WORKLOADS + sorted(k for k in by_w if k not in WORKLOADS):
        names = PLOTTERS.get(w, (None, [w]))[1]
        if w in skipped:
            out.append(f"- {w}: skipped (no CSV rows)")
        elif w in failed:
            out.append(f"- {w}: FAILED to plot (see plot.py output)")
        else:
            out.append(f"- {w}: " + ", ".join(f"[{n}.png]({rel}/{n}.png)" +
                                              (f" ([pdf]({rel}/{n}.pdf))" if "pdf" in FORMATS else "")
                                              for n in names))
    if SECTIONCOST:
        out.append(f"- sectioncost: [sectioncost.png]({rel}/sectioncost.png)"
                   if "sectioncost" not in failed else "- sectioncost: FAILED to plot")
    out.append("")
    with open(path, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
