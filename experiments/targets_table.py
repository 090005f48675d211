#!/usr/bin/python3
"""targets_table.py [FILE] - turns experiments/targets.sh lines into the
Markdown table of the README's targets.

Input (FILE or stdin): lines "target <name> <measured> <goal> <met|missed>"
(the table) and "report <name> <measured>" (a second table of what is
reported beside the targets); other lines are ignored. measured is "est[lo,hi]" (a ratio's median and
95% CI), "res(A/A=...)" or free text. The table adds whether the CI clears
the goal ("yes": the whole interval is on the goal's side, "no": the whole
interval misses it, "straddles": it contains the goal). A target whose
data the results do not hold (measured "n/a") is "not measured", not
"missed". paper/gen_numbers.py calls render() for the README's generated
targets region; /usr/bin/python3, standard library only.
"""
import re
import sys


def clears(measured, goal):
    m = re.match(r"^([-0-9.eE+]+)\[([-0-9.eE+]+),([-0-9.eE+]+)\]$", measured)
    g = re.match(r"^(>=|<=)([-0-9.eE+]+)", goal)
    if not m or not g:
        return "-"
    lo, hi, gv = float(m.group(2)), float(m.group(3)), float(g.group(2))
    if g.group(1) == ">=":
        return "yes" if lo >= gv else ("no" if hi < gv else "straddles")
    return "yes" if hi <= gv else ("no" if lo > gv else "straddles")


def render(lines):
    """The Markdown table (a string ending in a newline) of target lines,
    followed by the table of report lines when there are any."""
    rows, reports = [], []
    for ln in lines:
        f = ln.split()
        if len(f) == 5 and f[0] == "target":
            rows.append(f[1:])
        elif len(f) >= 3 and f[0] == "report":
            reports.append((f[1], " ".join(f[2:])))
    out = ["| target | measured (median [95% CI]) | goal | CI clears the goal | status |",
           "|---|---|---|---|---|"]
    for name, measured, goal, status in rows:
        shown = re.sub(r"^([-0-9.eE+]+)\[([^,]+),([^\]]+)\]$", r"\1 [\2, \3]", measured)
        state = "not measured" if measured == "n/a" else ("**met**" if status == "met" else "missed")
        out.append(f"| {name} | {shown} | {goal.replace('>=', '≥ ').replace('<=', '≤ ')} | "
                   f"{clears(measured, goal)} | {state} |")
    if not rows:
        out.append("| (no target lines) | | | | |")
    if reports:
        out += ["", "Reported beside the targets (no goal of their own):", "",
                "| measurement | value (median [95% CI]) |", "|---|---|"]
        for name, measured in reports:
            shown = re.sub(r"^([-0-9.eE+]+)\[([^,]+),([^\]]+)\]$", r"\1 [\2, \3]", measured)
            out.append(f"| {name} | {shown} |")
    return "\n".join(out) + "\n"


def main(argv):
    src = open(argv[1]) if len(argv) > 1 else sys.stdin
    sys.stdout.write(render(src.read().splitlines()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
