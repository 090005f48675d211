#!/usr/bin/env bash
# test_plot.sh - checks experiments/plot.py on synthetic CSVs.
#
# Writes synthetic CSVs in the rgbench schemas (experiments/test_plot_data.py:
# every workload with rounds, ratio columns, A/A copies, oversubscribed
# thread counts, an INVALID workload; a ratios CSV with the read targets; a
# section-cost CSV), runs plot.py on them and checks that every expected
# PNG/PDF and summary.md exist and are non-empty, that the summary flags the
# INVALID workload, shows the resolution, the targets and the section
# costs, and keeps oversubscribed runs out of the headline. Then removes
# one workload's CSV and checks plot.py still succeeds and notes the skip.
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

"$PY" "$here/test_plot_data.py" "$data"

expected="readonly readonly_ratio readtargets mixed traversal contention writer writer_group writer_ckpt counters latency memory realgraphs peers oldbench future sectioncost insert load footprint wal_replay wal_ckptread longread openloop kernels"

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
grep -q "| readonly | INVALID | " "$data/summary.md" || { cat "$data/summary.md"; fail "summary.md does not flag the INVALID workload"; }
grep -q "Resolution (A/A" "$data/summary.md" || fail "summary.md lacks the A/A resolution"
grep -q "t14-span/csr cache, 1 threads" "$data/summary.md" || fail "summary.md lacks the read targets"
grep -q "Section costs (callgrind)" "$data/summary.md" || fail "summary.md lacks the section costs"
grep -q "nproc=2" "$data/summary.md" || fail "summary.md does not name the machine"
if grep -q "| readonly | rcu-memb, [48] threads" "$data/summary.md"; then fail "an oversubscribed configuration is in a headline"; fi
grep -q "t-insert/floor" "$data/summary.md" || { cat "$data/summary.md"; fail "summary.md lacks the insert target"; }
grep -q "| footprint | packed" "$data/summary.md" || fail "summary.md lacks the footprint"
grep -q "replay on open" "$data/summary.md" || fail "summary.md lacks the replay target"
# the paper-size figures are drawn at a column (3.5 in) or the page (7.16 in)
for f in insert load footprint wal_replay longread kernels openloop peers writer_group; do
  w=$("$PY" -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(struct.unpack('>I', d[16:20])[0])" "$data/figures/$f.png")
  [ "$w" = 700 ] || [ "$w" = 1432 ] || fail "$f.png is $w px wide, not 3.5 in or 7.16 in at 200 dpi"
done
if grep -q "error" "$log"; then cat "$log"; fail "plot.py printed an error"; fi
# Every figure writes the data it plots (paper/check.py compares these, not pixels).
for f in $expected; do
  [ -s "$data/figures/$f.data.json" ] || fail "missing plotted-data sidecar $f.data.json"
done
# The read-side figures keep the style rules (printed width, >= 7 pt, one y scale,
# no bars on a log axis): plot.py prints "plot.py: style: FIG: rule" otherwise.
for f in readonly readonly_ratio readtargets mixed traversal contention realgraphs oldbench sectioncost; do
  if grep -q "^plot.py: style: $f:" "$log"; then grep "^plot.py: style: $f:" "$log"; fail "$f breaks the figure style rules"; fi
done
"$PY" - "$data/figures" <<'PYEOF' || fail "a figure's sidecar breaks the style rules"
import json, os, sys
d = sys.argv[1]
for name in ("readonly_ratio", "oldbench", "mixed", "contention"):
    j = json.load(open(os.path.join(d, name + ".data.json")))
    w = j["size_in"][0]
    assert abs(w - 3.5) < 0.01 or abs(w - 7.16) < 0.01, (name, w)
    assert len({a["yscale"] for a in j["axes"]}) == 1, (name, "one y scale")
    for a in j["axes"]:
        assert not any(t.endswith("m") for t in a["yticks"]), (name, a["yticks"])
print("sidecars: printed widths, one y scale, no milli ticks")
PYEOF

# A missing CSV is skipped with a note, not a failure.
part=$work/partial
rm -rf "$part"; mkdir -p "$part"
cp "$data"/readonly.csv "$data"/memory.csv "$part"/
"$PY" "$here/plot.py" "$part" >"$log" 2>&1 || { cat "$log"; fail "plot.py failed when CSVs are missing"; }
grep -q "no rows for workload 'peers'" "$log" || { cat "$log"; fail "no note for the missing peers CSV"; }
[ ! -e "$part/figures/peers.png" ] || fail "peers figure drawn without data"
[ -s "$part/figures/readonly.png" ] || fail "readonly figure missing in the partial run"
[ -s "$part/figures/memory.pdf" ] || fail "memory figure missing in the partial run"

# An empty directory still gives a summary and exit 0.
mkdir -p "$work/empty"
"$PY" "$here/plot.py" "$work/empty" >"$log" 2>&1 || { cat "$log"; fail "plot.py failed on an empty directory"; }
[ -s "$work/empty/summary.md" ] || fail "no summary.md for an empty directory"

echo "test_plot: PASS ($(echo $expected | wc -w) figures, PNG+PDF, summary.md)"
[ $keep -eq 1 ] || rm -rf "$work"
