"""Print the lowest allowed version of every direct requirement in settings.ini as `name==version`, for the
lowest-versions CI job. Every requirement must declare a floor (`>=`): a bare name would resolve to an ancient
release nobody has tested. Packages named with --keep (torch: the CPU build already installed) are left out."""
import argparse, configparser, re, sys
from pathlib import Path

def floors(reqs:str, keep:set) -> list:
    "`name==floor` for each requirement; raises on one without a floor."
    out, bad = [], []
    for r in reqs.split():
        m = re.match(r'^([A-Za-z0-9_.\[\]-]+?)(\[[^\]]*\])?((?:[<>=!~]=?[^,]+,?)*)$', r)
        name, spec = m.group(1), m.group(3)
        lo = re.search(r'>=\s*([^,]+)', spec)
        if name.lower() in keep: continue
        if not lo: bad.append(name); continue
        out.append(f'{name}=={lo.group(1)}')
    if bad: sys.exit(f'settings.ini: requirement(s) without a floor (>=): {", ".join(bad)}')
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--keep', default='torch', help='comma-separated packages to leave as installed')
    ap.add_argument('--key', default='requirements', help='settings.ini key to read')
    a = ap.parse_args()
    cfg = configparser.ConfigParser(); cfg.read(Path(__file__).parent.parent/'settings.ini')
    print("\n".join(floors(cfg["DEFAULT"][a.key], {k.strip().lower() for k in a.keep.split(",")})))
