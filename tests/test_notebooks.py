"""Every numbered notebook is a papermill stage: one `parameters` cell that papermill reads in full,
not exported, with no secret among its names."""
import json
import pytest
from litbench.core import is_secret_name
from litbench.pipeline import nbs_dir, declared_params, notebook_params, STEPS

NUMBERED = sorted(nbs_dir().glob('[0-9][0-9]_*.ipynb'))
LETTERED = sorted(nbs_dir().glob('[0-9][0-9][a-z]_*.ipynb'))  # a notebook split in two: 03a follows 03, 06a follows 06

def test_all_stages_present():
    assert [p.name[:2] for p in NUMBERED] == [f'{i:02d}' for i in range(10)]
    assert LETTERED and all(p.name[:2] in {q.name[:2] for q in NUMBERED} for p in LETTERED)
    assert all((nbs_dir()/f'{nb}.ipynb').is_file() for nb in STEPS.values())

def _has_params(nb): return any('parameters' in c['metadata'].get('tags', []) for c in json.loads(nb.read_text())['cells'])

# every numbered notebook is a stage with parameters; a lettered library notebook (02a_packing) may have none
@pytest.mark.parametrize('nb', NUMBERED + [p for p in LETTERED if _has_params(p)], ids=lambda p: p.stem)
def test_parameters_cell(nb):
    names = declared_params(nb)  # exactly one parameters cell, or it raises
    assert names, f'{nb.name}: empty parameters cell'
    assert sorted(notebook_params(nb)) == sorted(names)  # papermill reads every one
    cell = [c for c in json.loads(nb.read_text())['cells'] if 'parameters' in c['metadata'].get('tags', [])][0]
    assert '#| export' not in ''.join(cell['source']), f'{nb.name}: the parameters cell must not be exported'
    assert not [n for n in names if is_secret_name(n)], f'{nb.name}: a secret must never be a parameter'
