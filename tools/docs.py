"""`make docs`: nbdev's docs pre-processing (`nbdev_proc_nbs`) of `nbs/` into `_proc/`.

Two differences from running `nbdev_proc_nbs` by hand:
- nbdev only warns about a code cell that mixes imports with other code, yet it runs such a cell
  on its own when it builds the docs (where it breaks or renders wrongly): here every such cell,
  in every notebook, is listed first and fails the build;
- where quarto is missing, nbdev_proc_nbs tries to install it with sudo and then runs
  `pip install -e .[dev]` with whatever pip is first on PATH; here it only says so (quarto renders
  `_proc/` into the site, `make site`; processing the notebooks does not need it).
The sidebar is ours (settings.ini `custom_sidebar = True`), written by `make sidebar`.
"""
import os, shutil, sys, warnings
from pathlib import Path
import nbdev.quarto as q
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.process import NBProcessor
from nbdev.processors import _do_eval

MIXED = 'Found cells containing imports and other code'  # the warning of nbdev.processors._do_eval

def mixed_cells(nb):
    "Cells of notebook `nb` that nbdev's docs processor warns about: (index, first line)"
    res = []
    for c in NBProcessor(nb, procs=[]).nb.cells:
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter('always')
            _do_eval(c)
        if any(MIXED in str(w.message) for w in ws): res.append((c.idx_, c.source.splitlines()[0]))
    return res

def check_cells(nbs):
    "Exit with one line per cell that mixes imports with other code, in notebooks `nbs`"
    bad = [f'{os.path.relpath(nb)} cell {i}: imports mixed with other code, first line `{l}`' for nb in nbs for i, l in mixed_cells(nb)]
    if bad: sys.exit('\n'.join(bad + ['docs: keep import cells import-only (nbdev runs them on their own when it builds the docs)']))

def _no_install():
    if not shutil.which('quarto'): print('quarto not found: notebooks are processed into _proc/ only; `make site` renders them where quarto is installed')

def main():
    check_cells(nbglob(get_config().nbs_path, as_path=True).sorted())
    os.environ['PYTHONWARNINGS'] = ','.join(s for s in (os.environ.get('PYTHONWARNINGS'), f'error:{MIXED}') if s)  # in the spawned workers too
    q._ensure_quarto = _no_install  # nbdev==2.4.14 is pinned in settings.ini
    shutil.rmtree(get_config().config_path/'_proc', ignore_errors=True)  # a fresh build (not `force`: nbdev passes it on to the sidebar too)
    q.nbdev_proc_nbs.__wrapped__()
    print('docs: every notebook processed into _proc/')

if __name__ == '__main__': main()
