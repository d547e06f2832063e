"""The lowest-versions CI job's check: every direct requirement in settings.ini (the base list and the dev extra) declares
a floor, and the environment that `uv pip install --resolution lowest-direct` built (its `uv pip freeze`, given with
--resolved) holds each of them at exactly that floor. A floor the resolver cannot reach (a yanked release, one with no
wheel for this Python, one another requirement rules out) fails here: the floor printed is then the version CI tested.
Packages named with --keep (torch: the CPU build installed first) are listed but not held to their floor."""
import argparse, configparser, re, sys
from pathlib import Path
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

def floors(reqs:str) -> dict:
    "`{name: floor}` for each requirement (`>=` or `==`); a requirement without one maps to None."
    out = {}
    for r in reqs.split():
        req = Requirement(r)
        lo = [s.version for s in req.specifier if s.operator in ('>=', '==')]
        out[canonicalize_name(req.name)] = lo[0] if lo else None
    return out

def resolved(freeze:str) -> dict:
    "`{name: version}` from `pip freeze` / `uv pip freeze` output (editable and URL lines skipped)."
    pins = (re.match(r'^([A-Za-z0-9_.-]+)==(\S+)$', l.strip()) for l in freeze.splitlines())
    return {canonicalize_name(m.group(1)): m.group(2) for m in pins if m}

def check(want:dict, got:dict, keep:set) -> list:
    "Table rows `(name, floor, resolved, verdict)`; verdict is 'ok', 'kept' or what is wrong."
    rows = []
    for name, lo in want.items():
        v = got.get(name)
        if lo is None: verdict = 'no floor (>=) declared'
        elif name in keep: verdict = 'kept'
        elif v is None: verdict = 'not installed'
        elif Version(v) != Version(lo): verdict = f'resolved above the floor: declare >={v}'
        else: verdict = 'ok'
        rows.append((name, lo or '-', v or '-', verdict))
    return rows

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--resolved', required=True, help='`uv pip freeze` of the lowest-direct environment')
    ap.add_argument('--keep', default='torch', help='comma-separated packages left as installed')
    ap.add_argument('--keys', default='requirements,dev_requirements', help='settings.ini keys to read')
    a = ap.parse_args()
    cfg = configparser.ConfigParser(); cfg.read(Path(__file__).parent.parent/'settings.ini')
    want = {k: v for key in a.keys.split(',') for k, v in floors(cfg['DEFAULT'][key]).items()}
    rows = check(want, resolved(Path(a.resolved).read_text()), {canonicalize_name(k) for k in a.keep.split(',')})
    for r in rows: print(f'{r[0]:<14} floor {r[1]:<10} resolved {r[2]:<14} {r[3]}')
    bad = [r for r in rows if r[3] not in ('ok', 'kept')]
    if bad: sys.exit(f'lowest: {len(bad)} floor(s) in settings.ini do not hold: {", ".join(r[0] for r in bad)}')
