#!/usr/bin/python3
"""check.py - the paper, the README and the figures against the CSVs (CI; no TeX).

Usage: paper/check.py [--results DIR] [--pdf FILE] [--no-pdf]

DIR defaults to the results directory recorded in paper/generated/manifest.txt
(the one the committed paper was generated from). Everything downstream of
DIR's CSVs is regenerated into a temporary directory and compared with what
is committed; the check fails (exit 1, one block per problem, naming the
file and the value) when
  1. a generated number differs: paper/generated/numbers.tex, macro by macro
     (\\rgName: committed value vs the value the CSVs give), and the tables
     generated/tab_*.tex line by line;
  2. a README table differs: the regions <!-- BEGIN generated:NAME --> of
     README.md and results/README.md, and DIR/targets.md;
  3. a committed figure differs from one redrawn from the CSVs: plot.py
     redraws every figure, and the plotted data (FIG.data.json: every point,
     bar, band, label, tick and scale; not pixels) of paper/figures/ and of
     DIR/figures/ must be equal; DIR/summary.md too;
  4. the PDF disagrees with its macros (when pdftotext exists, poppler-utils):
     the digest of numbers.tex printed in the PDF must be the committed one,
     and every number of every macro main.tex uses must occur in its text;
  5. main.tex breaks the number rule (paper/README.md): an \\rg macro that is
     not generated or that main.tex defines itself, a hard-coded ratio
     ("1.13x"), a \\gentable of a table that is not generated, a figure that
     is not in paper/figures or is never referenced in the text.
Standard library only, plus experiments/plot.py (matplotlib) for step 3.
"""

import argparse
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import gen_numbers  # noqa: E402

ROOT = gen_numbers.ROOT
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
MACRO_RE = re.compile(r"\\(rg[A-Za-z]+)")
DEF_RE = re.compile(r"\\(?:newcommand|renewcommand|providecommand|def)\*?\s*\{?\s*\\(rg[A-Za-z]+)")
NEWCMD_RE = re.compile(r"^\\newcommand\{\\(rg[A-Za-z]+)\}\{(.*)\}(?:  % .*)?$")
INPUT_RE = re.compile(r"\\(?:input|include)\s*\{\s*generated/([^}#]+)\}|\\gentable\s*\{([^}#]+)\}")
RATIO_RE = re.compile(r"(?<![\w.])\d+\.\d+\s*(?:\$?\\times\$?|\\ensuremath\{\\times\}|\\xx|x\b|×)")
FIG_RE = re.compile(r"\\resultfig\s*\{([^}]+)\}")


def strip_comments(text):
    out = []
    for line in text.splitlines():
        m = re.search(r"(?<!\\)%", line)
        out.append(line[: m.start()] if m else line)
    return out


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def macros_of(text):
    out = {}
    for ln in text.splitlines():
        m = NEWCMD_RE.match(ln)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def first_diff(a, b, la, lb, n=4):
    diff = list(difflib.unified_diff(a.splitlines(), b.splitlines(), la, lb, n=0, lineterm=""))
    return [d for d in diff[2:] if d[:1] in "+-"][:n]


# ------------------------------------------------------------------ 1. numbers and tables

def check_generated(gen_dir, tgen):
    probs = []
    have = {f for f in os.listdir(gen_dir)} if os.path.isdir(gen_dir) else set()
    want = set(os.listdir(tgen))
    for f in sorted(want - have):
        probs.append(f"paper/generated/{f}: missing: run experiments/regen.sh")
    for f in sorted(have - want):
        probs.append(f"paper/generated/{f}: not generated from the CSVs any more (stale)")
    for f in sorted(have & want):
        a, b = read(os.path.join(gen_dir, f)), read(os.path.join(tgen, f))
        if a == b:
            continue
        if f == "numbers.tex":
            ma, mb = macros_of(a), macros_of(b)
            bad = [k for k in mb if k in ma and ma[k] != mb[k]]
            for k in bad[:12]:
                probs.append(f"paper/generated/numbers.tex: \\{k} is '{ma[k]}' but the CSVs give '{mb[k]}'")
            if len(bad) > 12:
                probs.append(f"paper/generated/numbers.tex: ... and {len(bad) - 12} more macros differ")
            for k in sorted(set(mb) - set(ma))[:5]:
                probs.append(f"paper/generated/numbers.tex: \\{k} missing (the generator defines it)")
            for k in sorted(set(ma) - set(mb))[:5]:
                probs.append(f"paper/generated/numbers.tex: \\{k} is no longer generated")
            if not bad and set(ma) == set(mb):
                probs.append("paper/generated/numbers.tex: differs outside the macro values: "
                             + "; ".join(first_diff(a, b, "committed", "from CSVs", 2)))
        else:
            probs.append(f"paper/generated/{f}: differs from what the CSVs give:\n      "
                         + "\n      ".join(first_diff(a, b, "committed", "from CSVs")))
    return probs


# ------------------------------------------------------------------ 2. README regions

def check_readme(o, results):
    probs = []
    for rel, names in gen_numbers.README_FILES.items():
        path = os.path.join(ROOT, rel)
        if not os.path.exists(path):
            probs.append(f"{rel}: missing")
            continue
        text = read(path)
        for n in names:
            have = gen_numbers.extract_region(text, n)
            if have is None:
                probs.append(f"{rel}: no region <!-- BEGIN generated:{n} --> ... <!-- END generated:{n} -->")
            elif have != o.readme[n]:
                probs.append(f"{rel}: generated region '{n}' differs from what the CSVs give "
                             f"(run experiments/regen.sh):\n      "
                             + "\n      ".join(first_diff(have, o.readme[n], "README", "from CSVs")))
    tm = os.path.join(results, "targets.md")
    if os.path.exists(tm):
        want = o.readme["targets"]
        if read(tm) != want:
            probs.append(f"{os.path.relpath(tm, ROOT)}: differs from experiments/targets.sh's lines:\n      "
                         + "\n      ".join(first_diff(read(tm), want, "targets.md", "from CSVs")))
    return probs


# ------------------------------------------------------------------ 3. figures

def json_diff(a, b, path=""):
    """The first place where two plotted-data trees differ, as text."""
    if type(a) is not type(b):
        return f"{path}: {json.dumps(a)[:60]} vs {json.dumps(b)[:60]}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in the {'committed' if k in a else 'redrawn'} figure"
            d = json_diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items committed, {len(b)} redrawn from the CSVs"
        for i, (x, y) in enumerate(zip(a, b)):
            d = json_diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: committed {json.dumps(a)[:60]}, from the CSVs {json.dumps(b)[:60]}"


def compare_figs(fig_dir, tfig, label, want_names=None):
    probs = []
    if not os.path.isdir(fig_dir):
        return probs
    for p in sorted(glob.glob(os.path.join(fig_dir, "*.data.json"))):
        name = os.path.basename(p)
        if want_names is not None and name[: -len(".data.json")] not in want_names:
            continue
        q = os.path.join(tfig, name)
        if not os.path.exists(q):
            probs.append(f"{label}/{name}: the CSVs no longer give this figure")
            continue
        d = json_diff(json.loads(read(p)), json.loads(read(q)), name[: -len(".data.json")])
        if d:
            probs.append(f"{label}/{name}: the committed figure's data differ from the figure redrawn "
                         f"from the CSVs: {d}")
    for p in sorted(glob.glob(os.path.join(fig_dir, "*.pdf"))):
        base = p[: -len(".pdf")]
        if not os.path.exists(base + ".data.json"):
            probs.append(f"{label}/{os.path.basename(p)}: no plotted-data sidecar "
                         f"({os.path.basename(base)}.data.json): redraw with experiments/regen.sh")
    return probs


def norm_summary(s):
    s = re.sub(r"CSV file\(s\) in `[^`]*`", "CSV file(s) in `DIR`", s)
    return re.sub(r"\]\([^)]*/([^/)]+\.(?:png|pdf))\)", r"](FIGDIR/\1)", s)


# ------------------------------------------------------------------ 4. PDF

def plain(val):
    """A macro value as the PDF's text shows it (roughly)."""
    v = val.replace("{,}", ",").replace("\\,", " ").replace("$-$", "-")
    v = re.sub(r"\\ensuremath\{\\times\}", "×", v)
    v = re.sub(r"\\[A-Za-z]+", " ", v)
    return v.replace("{", "").replace("}", "").replace("$", "")


def num_tokens(s):
    return [t.rstrip(".,") for t in re.findall(r"\d[\d,]*(?:\.\d+)?", s)]


def check_pdf(pdf, numbers_tex, used):
    probs = []
    exe = shutil.which("pdftotext")
    if exe is None:
        return probs, "pdftotext not installed (poppler-utils): PDF not checked"
    if not os.path.exists(pdf):
        return [f"{os.path.relpath(pdf, ROOT)}: missing: build it with paper/build.sh"], ""
    text = subprocess.run([exe, "-q", pdf, "-"], capture_output=True, text=True).stdout
    text = re.sub(r"-\n", "", text)
    flat = " ".join(text.split()).replace("\u2212", "-").replace("\ufb01", "fi")
    have = set(num_tokens(flat))
    digest = gen_numbers.numbers_digest(read(numbers_tex))
    if digest not in flat:
        probs.append(f"{os.path.relpath(pdf, ROOT)}: built from other numbers than "
                     f"paper/generated/numbers.tex (digest {digest} not in its text): rebuild with "
                     f"paper/build.sh")
    macros = macros_of(read(numbers_tex))
    missing = []
    for name in sorted(used):
        val = macros.get(name)
        if val is None or not re.search(r"\d", val):
            continue
        for tok in num_tokens(plain(val)):
            if tok not in have:
                missing.append(f"\\{name} = '{val}' ({tok})")
                break
    for m in missing[:10]:
        probs.append(f"{os.path.relpath(pdf, ROOT)}: the number of {m} is not in the PDF's text: "
                     f"rebuild with paper/build.sh")
    if len(missing) > 10:
        probs.append(f"{os.path.relpath(pdf, ROOT)}: ... and {len(missing) - 10} more macros")
    return probs, f"PDF text matches {len([u for u in used if re.search(r'[0-9]', macros.get(u, ''))])} numeric macros"


# ------------------------------------------------------------------ 5. main.tex rules

def check_tex(main_tex, numbers_tex, generated_files, fig_dir):
    probs = []
    lines = strip_comments(read(main_tex))
    defined = set()
    for g in glob.glob(os.path.join(os.path.dirname(numbers_tex), "*.tex")):
        defined |= set(macros_of(read(g)))
    used, figs, labels, refs = {}, {}, set(), set()
    body = "\n".join(lines)
    for no, line in enumerate(lines, start=1):
        for m in DEF_RE.finditer(line):
            probs.append(f"main.tex:{no}: defines \\{m.group(1)}: the \\rg prefix is reserved for "
                         f"generated macros")
        for m in MACRO_RE.finditer(line):
            used.setdefault(m.group(1), no)
        for m in INPUT_RE.finditer(line):
            name = (m.group(1) or m.group(2)).strip()
            name = name if name.endswith(".tex") else name + ".tex"
            if name not in generated_files:
                probs.append(f"main.tex:{no}: {m.group(0)} names generated/{name}, which is not generated")
        for m in RATIO_RE.finditer(line):
            probs.append(f"main.tex:{no}: hard-coded ratio '{m.group(0)}': use a generated \\rg macro")
        for m in FIG_RE.finditer(line):
            if "#" not in m.group(1):
                figs.setdefault(m.group(1), no)
    labels = set(re.findall(r"\\label\{(fig:[^}]+)\}", body))
    refs = set(re.findall(r"\\ref\{(fig:[^}]+)\}", body))
    for lab in sorted(labels - refs):
        probs.append(f"main.tex: figure \\label{{{lab}}} is never referenced in the text")
    for name, no in sorted(figs.items(), key=lambda kv: kv[1]):
        if name not in gen_numbers.PAPER_FIGURES:
            probs.append(f"main.tex:{no}: \\resultfig{{{name}}} is not in gen_numbers.PAPER_FIGURES "
                         f"(it would never be copied to paper/figures)")
    for p in sorted(glob.glob(os.path.join(fig_dir, "*.pdf"))):
        n = os.path.basename(p)[:-4]
        if n not in figs:
            probs.append(f"paper/figures/{n}.pdf: not included by main.tex (only the paper's figures belong there)")
    for name, no in sorted(used.items(), key=lambda kv: kv[1]):
        if name not in defined:
            probs.append(f"main.tex:{no}: \\{name} is not defined in generated/numbers.tex")
    return probs, used, defined


# ------------------------------------------------------------------ main

def committed_label():
    man = os.path.join(HERE, "generated", "manifest.txt")
    if os.path.exists(man):
        for ln in open(man):
            if ln.startswith("results: "):
                return ln.split(": ", 1)[1].strip()
    return None


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", help="results directory (default: the one in paper/generated/manifest.txt)")
    ap.add_argument("--pdf", default=os.path.join(HERE, "main.pdf"))
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF check")
    a = ap.parse_args(argv)
    label = committed_label()
    results = os.path.abspath(a.results) if a.results else (
        os.path.join(ROOT, label) if label else gen_numbers.default_results())
    if not os.path.isdir(results):
        print(f"paper check: FAILED: results directory {results} does not exist", file=sys.stderr)
        return 1
    gen_dir, fig_dir = os.path.join(HERE, "generated"), os.path.join(HERE, "figures")
    probs, notes = [], []
    with tempfile.TemporaryDirectory(prefix="rg-paper-check-") as tmp:
        tfig, tgen, tpfig = (os.path.join(tmp, x) for x in ("figs", "generated", "pfigs"))
        # 3. redraw every figure and the summary from the CSVs
        r = subprocess.run([PY, os.path.join(ROOT, "experiments", "plot.py"), results, "--figures", tfig,
                            "--summary", os.path.join(tmp, "summary.md")], capture_output=True, text=True)
        if r.returncode != 0:
            probs.append("experiments/plot.py failed on the CSVs:\n      "
                         + "\n      ".join(r.stderr.strip().splitlines()[-5:]))
        probs += compare_figs(fig_dir, tfig, "paper/figures")
        probs += compare_figs(os.path.join(results, "figures"), tfig,
                              os.path.relpath(os.path.join(results, "figures"), ROOT))
        summ = os.path.join(results, "summary.md")
        if os.path.exists(summ) and os.path.exists(os.path.join(tmp, "summary.md")):
            a_, b_ = norm_summary(read(summ)), norm_summary(read(os.path.join(tmp, "summary.md")))
            if a_ != b_:
                probs.append(f"{os.path.relpath(summ, ROOT)}: differs from the summary plot.py writes from the "
                             f"CSVs:\n      " + "\n      ".join(first_diff(a_, b_, "committed", "from CSVs")))
        # 1. numbers and tables (the label keeps a copy of the results comparable)
        o = gen_numbers.generate(results, tgen, tpfig, label=label, quiet=True)
        probs += check_generated(gen_dir, tgen)
        want_figs = {f for f in os.listdir(tpfig)}
        have_figs = {f for f in os.listdir(fig_dir)} if os.path.isdir(fig_dir) else set()
        for f in sorted(want_figs - have_figs):
            probs.append(f"paper/figures/{f}: missing (the results have it): run experiments/regen.sh")
        for f in sorted(have_figs - want_figs):
            probs.append(f"paper/figures/{f}: not produced from the results (stale)")
        generated_files = set(os.listdir(tgen))
        # 2. README regions and targets
        probs += check_readme(o, results)
    # 5. main.tex
    tex_probs, used, defined = check_tex(os.path.join(HERE, "main.tex"), os.path.join(gen_dir, "numbers.tex"),
                                         generated_files, fig_dir)
    probs += tex_probs
    # 4. the PDF
    if not a.no_pdf:
        pp, note = check_pdf(a.pdf, os.path.join(gen_dir, "numbers.tex"), used)
        probs += pp
        notes.append(note)
    rel = os.path.relpath(results, ROOT)
    if probs:
        print(f"paper check: FAILED ({len(probs)} problem(s)) against {rel}:", file=sys.stderr)
        for p in probs:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"paper check: OK against {rel}: numbers, tables, README regions and the figures' plotted data "
          f"match the CSVs; main.tex uses {len(used)} of {len(defined)} generated macros"
          + (f"; {notes[0]}" if notes and notes[0] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
