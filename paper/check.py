#!/usr/bin/python3
"""check.py - the paper's number check (CI; needs no TeX).

Usage: paper/check.py [--results DIR]

Fails (exit 1, one line per problem) when
  1. paper/generated/* or paper/figures/*.pdf differ from what
     paper/gen_numbers.py produces from the results directory now (a CSV or a
     figure changed, was added or removed, or the generator changed): the
     generated files are regenerated into a temporary directory and compared
     byte for byte, in both directions (missing and extra files);
  2. paper/main.tex uses a macro \\rg<Letters> that generated/numbers.tex
     does not define (every number in the text comes from there), defines a
     \\rg... macro itself, or \\input's (or \\gentable's) a generated/ file that
     is not generated;
  3. paper/main.tex hard-codes a measured-looking ratio (a decimal number
     followed by x or \\times, e.g. "1.13x"): write the macro instead.
DIR defaults to results/full, or results/quick when results/full has no CSV
(the same rule as gen_numbers.py). Standard library only.
"""

import argparse
import difflib
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no paper/__pycache__ from the import below
sys.path.insert(0, HERE)
import gen_numbers  # noqa: E402

MACRO_RE = re.compile(r"\\(rg[A-Za-z]+)")
DEF_RE = re.compile(r"\\(?:newcommand|renewcommand|providecommand|def)\*?\s*\{?\s*\\(rg[A-Za-z]+)")
INPUT_RE = re.compile(r"\\(?:input|include)\s*\{\s*generated/([^}#]+)\}|\\gentable\s*\{([^}#]+)\}")
RATIO_RE = re.compile(r"(?<![\w.])\d+\.\d+\s*(?:\$?\\times\$?|\\ensuremath\{\\times\}|x\b|×)")


def strip_comments(text):
    """Remove TeX comments (an unescaped % to the end of the line)."""
    out = []
    for line in text.splitlines():
        m = re.search(r"(?<!\\)%", line)
        out.append(line[: m.start()] if m else line)
    return out


def compare_dirs(have, want, label, pattern=None):
    """Problems: files of `want` missing or different in `have`, and extra files in `have`."""
    probs = []

    def listing(d):
        if not os.path.isdir(d):
            return set()
        return {f for f in os.listdir(d) if os.path.isfile(os.path.join(d, f))
                and (pattern is None or f.endswith(pattern))}
    h, w = listing(have), listing(want)
    for f in sorted(w - h):
        probs.append(f"{label}/{f}: missing (not generated yet): run paper/gen_numbers.py")
    for f in sorted(h - w):
        probs.append(f"{label}/{f}: not produced from the results any more (stale): run paper/gen_numbers.py")
    for f in sorted(h & w):
        with open(os.path.join(have, f), "rb") as a, open(os.path.join(want, f), "rb") as b:
            da, db = a.read(), b.read()
        if da == db:
            continue
        msg = f"{label}/{f}: out of date with the results: run paper/gen_numbers.py"
        if not f.endswith(".pdf"):
            diff = list(difflib.unified_diff(da.decode(errors="replace").splitlines(),
                                             db.decode(errors="replace").splitlines(),
                                             "committed", "from results", n=0, lineterm=""))
            first = [d for d in diff[2:] if d[:1] in "+-"][:4]
            if first:
                msg += "\n      " + "\n      ".join(first)
        probs.append(msg)
    return probs


def check_tex(main_tex, numbers_tex, generated_files):
    probs = []
    with open(main_tex) as f:
        lines = strip_comments(f.read())
    defined = set()
    if os.path.exists(numbers_tex):
        with open(numbers_tex) as f:
            defined = set(re.findall(r"\\newcommand\{\\(rg[A-Za-z]+)\}", f.read()))
    used = {}
    for no, line in enumerate(lines, start=1):
        for m in DEF_RE.finditer(line):
            probs.append(f"main.tex:{no}: defines \\{m.group(1)}: the \\rg prefix is reserved for "
                         f"generated macros (rename it)")
        for m in MACRO_RE.finditer(line):
            used.setdefault(m.group(1), no)
        for m in INPUT_RE.finditer(line):
            name = (m.group(1) or m.group(2)).strip()
            if not name.endswith(".tex"):
                name += ".tex"
            if name not in generated_files:
                probs.append(f"main.tex:{no}: {m.group(0)} names generated/{name}, which is not generated")
        for m in RATIO_RE.finditer(line):
            probs.append(f"main.tex:{no}: hard-coded ratio '{m.group(0)}': use a generated \\rg macro")
    for name, no in sorted(used.items(), key=lambda kv: kv[1]):
        if name not in defined:
            probs.append(f"main.tex:{no}: \\{name} is not defined in generated/numbers.tex")
    return probs, len(used), len(defined)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--results", help="results directory (default results/full, else results/quick)")
    a = ap.parse_args(argv)
    results = os.path.abspath(a.results) if a.results else gen_numbers.default_results()
    gen_dir = os.path.join(HERE, "generated")
    fig_dir = os.path.join(HERE, "figures")
    probs = []
    if not os.path.isdir(results):
        print(f"paper check: FAILED: results directory {results} does not exist", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="rg-paper-check-") as tmp:
        tgen, tfig = os.path.join(tmp, "generated"), os.path.join(tmp, "figures")
        gen_numbers.generate(results, tgen, tfig, quiet=True)
        probs += compare_dirs(gen_dir, tgen, "paper/generated")
        probs += compare_dirs(fig_dir, tfig, "paper/figures", pattern=".pdf")
        generated_files = set(os.listdir(tgen))
        nfiles = len(generated_files) + len(os.listdir(tfig))
    tex_probs, nused, ndef = check_tex(os.path.join(HERE, "main.tex"),
                                       os.path.join(gen_dir, "numbers.tex"), generated_files)
    probs += tex_probs
    rel = os.path.relpath(results, gen_numbers.ROOT)
    if probs:
        print(f"paper check: FAILED ({len(probs)} problem(s)), results dir {rel}:", file=sys.stderr)
        for p in probs:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"paper check: OK: {nfiles} generated files match {rel}; main.tex uses {nused} of "
          f"{ndef} generated macros, all defined; no hard-coded ratios")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
