#!/usr/bin/env bash
# Sums the surefire reports of every module and the entry-point checks (bin/lib/entry-points.sh):
# one line per module, then the closing line.
cd "$(dirname "$0")/../.."
python3 - <<'PY'
import glob, os, xml.etree.ElementTree as ET
rows = {}
for f in sorted(glob.glob('*/target/surefire-reports/TEST-*.xml')) + sorted(glob.glob('target/entry-points/TEST-*.xml')):
    module = 'entry-points' if f.startswith('target/') else f.split('/')[0]
    r = ET.parse(f).getroot()
    t, fl, er, sk = (int(r.get(k, 0)) for k in ('tests', 'failures', 'errors', 'skipped'))
    m = rows.setdefault(module, [0, 0, 0, 0])
    m[0] += t; m[1] += fl; m[2] += er; m[3] += sk
print()
print("%-22s %7s %7s %7s %7s" % ("module", "tests", "passed", "failed", "skipped"))
total = [0, 0, 0, 0]
for module, (t, fl, er, sk) in rows.items():
    print("%-22s %7d %7d %7d %7d" % (module, t, t - fl - er - sk, fl + er, sk))
    total = [a + b for a, b in zip(total, (t, fl, er, sk))]
t, fl, er, sk = total
print()
print("tests: %d passed, %d failed, %d skipped" % (t - fl - er - sk, fl + er, sk))
PY
