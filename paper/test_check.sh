#!/usr/bin/env bash
# test_check.sh - paper/check.py must pass on an unchanged copy of the results
# the paper was generated from, and fail, naming what differs, when a CSV row
# changes: (1) every nosync row's throughput halved, (2) half of the nosync
# rows deleted. No timing is asserted. Needs /usr/bin/python3 with matplotlib;
# the PDF check runs when pdftotext exists (it does not depend on the copy).
# Usage: paper/test_check.sh   (ctest -R paper_check; CI runs it via scripts/test.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
label=$(sed -n 's/^results: //p' "$root/paper/generated/manifest.txt")
[ -n "$label" ] && [ -d "$root/$label" ] || { echo "test_check: FAIL: no results dir in the manifest" >&2; exit 1; }
work=$(mktemp -d /tmp/rg-test-check.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "test_check: FAIL: $*" >&2; exit 1; }

copy() { rm -rf "$work/r"; cp -r "$root/$label" "$work/r"; }

# 0. unchanged copy: passes
copy
"$PY" "$root/paper/check.py" --results "$work/r" >"$work/ok.log" 2>&1 || { cat "$work/ok.log"; fail "check.py failed on an unchanged copy of $label"; }

# 1. every nosync row's throughput halved: fails, naming a macro or a figure
copy
"$PY" - "$work/r" <<'PYEOF'
import csv, glob, os, sys
for p in glob.glob(os.path.join(sys.argv[1], "*.csv")):
    if p.endswith(".ratios.csv") or p.endswith("sectioncost.csv"):
        continue
    with open(p, newline="") as f:
        rd = csv.DictReader(f)
        fields, rows = rd.fieldnames, list(rd)
    n = 0
    for r in rows:
        if r.get("sync") == "nosync" and r.get("throughput"):
            r["throughput"] = f"{float(r['throughput']) / 2:.9g}"
            n += 1
    if n:
        with open(p, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
PYEOF
if "$PY" "$root/paper/check.py" --results "$work/r" >"$work/half.log" 2>&1; then
	cat "$work/half.log"; fail "check.py passed although every nosync row's throughput was halved"
fi
grep -q "FAILED" "$work/half.log" || fail "no FAILED line"
grep -q "rgRoTputNosync" "$work/half.log" || { cat "$work/half.log"; fail "the halved rows did not show as a differing macro"; }
grep -q "readonly_ratio.data.json\|readonly.data.json\|contention.data.json" "$work/half.log" || { cat "$work/half.log"; fail "the halved rows did not show as a differing figure"; }

# 2. half of the nosync rows deleted: fails
copy
"$PY" - "$work/r" <<'PYEOF'
import csv, glob, os, sys
for p in glob.glob(os.path.join(sys.argv[1], "*.csv")):
    if p.endswith(".ratios.csv") or p.endswith("sectioncost.csv"):
        continue
    with open(p, newline="") as f:
        rd = csv.DictReader(f)
        fields, rows = rd.fieldnames, list(rd)
    keep, k = [], 0
    for r in rows:
        if r.get("sync") == "nosync":
            k += 1
            if k % 2 == 0:
                continue
        keep.append(r)
    if len(keep) != len(rows):
        with open(p, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(keep)
PYEOF
if "$PY" "$root/paper/check.py" --results "$work/r" >"$work/drop.log" 2>&1; then
	cat "$work/drop.log"; fail "check.py passed although half of the nosync rows were deleted"
fi
grep -q "FAILED" "$work/drop.log" || fail "no FAILED line"
echo "test_check: PASS (unchanged copy passes; halved and deleted nosync rows fail: $(grep -c '^  ' "$work/half.log") and $(grep -c '^  ' "$work/drop.log") problems named)"
echo "1 passed, 0 failed"
