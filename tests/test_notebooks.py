"""Every numbered notebook is a papermill stage: one `parameters` cell that papermill reads in full,
not exported, with no secret among its names."""
import ast, json, re
import pytest
from litbench.core import is_secret_name
from litbench.core import PRESETS, get_preset
from litbench.options import parameters_mismatch, check_values
from litbench.pipeline import nbs_dir, declared_params, notebook_params, STEPS, STAGE_FUNCTIONS, stage_function, notebook_defaults

NUMBERED = sorted(nbs_dir().glob('[0-9][0-9]_*.ipynb'))
# library notebooks split off a stage sit just before the first notebook that imports them: 00b_tables before 01_data,
# 02a_packrows before 02b_packing, 03a_archives and 03b_fetch before 04_rehydrate, 05a_scoring before 06_bt,
# 06a_prompts before 06b_judge, 06b_judge and 06c_sft_data before 07_genrm, 07a_metrics before 08_eval,
# 08a_budget before 09_pipeline, 05b_card before 06_bt, 09a_reward before 10_serve
LETTERED = sorted(nbs_dir().glob('[0-9][0-9][a-z]_*.ipynb'))

def test_all_stages_present():
    assert [p.name[:2] for p in NUMBERED] == [f'{i:02d}' for i in range(11)]
    assert LETTERED and all(p.name[:2] in {q.name[:2] for q in NUMBERED} for p in LETTERED)
    assert all((nbs_dir()/f'{nb}.ipynb').is_file() for nb in STEPS.values())

def _is_params(cell) -> bool: return 'parameters' in cell['metadata'].get('tags', [])
def _has_params(nb): return any(map(_is_params, json.loads(nb.read_text())['cells']))

# every numbered notebook is a stage with parameters; a lettered library notebook (02a_packrows, 02b_packing) may have none
@pytest.mark.parametrize('nb', NUMBERED + [p for p in LETTERED if _has_params(p)], ids=lambda p: p.stem)
def test_parameters_cell(nb):
    names = declared_params(nb)  # exactly one parameters cell, or it raises
    assert names, f'{nb.name}: empty parameters cell'
    assert sorted(notebook_params(nb)) == sorted(names)  # papermill reads every one
    cell = [c for c in json.loads(nb.read_text())['cells'] if _is_params(c)][0]
    assert '#| export' not in ''.join(cell['source']), f'{nb.name}: the parameters cell must not be exported'
    assert not [n for n in names if is_secret_name(n)], f'{nb.name}: a secret must never be a parameter'
    passed_on = 'stage_kwargs(' in ''.join(''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if 'stage' in _tags(c))
    unused = [] if passed_on else [n for n in names if n not in _names_read(nb)]  # stage_kwargs passes every option on (held equal below)
    assert not unused, f'{nb.name}: parameters {unused} are never read by the stage (papermill -p would change nothing)'

def _names_read(nb) -> set:
    "Names read by the notebook's own code cells: neither exported nor the parameters cell (magics and shell lines skipped)."
    used = set()
    for c in json.loads(nb.read_text())['cells']:
        s = ''.join(c['source'])
        if c['cell_type'] != 'code' or _is_params(c) or s.lstrip().startswith('#| export'): continue
        tree = ast.parse('\n'.join(l for l in s.splitlines() if not l.lstrip().startswith(('%', '!'))))
        used |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return used

def _module(nb): return re.search(r'#\| default_exp (\w+)', nb.read_text()).group(1)

def test_index_lists_every_notebook():
    "README (made from index.ipynb) lists every notebook with its module, lettered ones included."
    index = (nbs_dir()/'index.ipynb').read_text()
    missing = [nb.stem for nb in NUMBERED + LETTERED if f'| `{nb.stem}` | `litbench.{_module(nb)}` |' not in index]
    assert not missing, f'nbs/index.ipynb does not list {missing}'

def test_lower_notebooks_never_import_higher():
    "A module imports only modules of notebooks that sort before its own (00_core < 00a_machine < 00b_tables < 01_data < ...)."
    order = {_module(nb): nb.stem for nb in NUMBERED + LETTERED}
    lib = nbs_dir().parent/'litbench'
    for mod, stem in order.items():
        tree = ast.parse((lib/f'{mod}.py').read_text())
        used = {n.module.split('.')[-1] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and (n.level or n.module.startswith('litbench.'))}
        used |= {a.name.split('.')[1] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names if a.name.startswith('litbench.')}
        higher = sorted(order[u] for u in used & set(order) if order[u] > stem)
        assert not higher, f'litbench.{mod} ({stem}) imports higher notebooks {higher}'

@pytest.mark.parametrize('step', list(STAGE_FUNCTIONS))
def test_parameters_are_the_declaration(step):
    "A step notebook's parameters cell, as papermill reads it, is its stage function's signature: names, order, types, help; defaults the tiny preset's."
    assert parameters_mismatch(stage_function(step), nbs_dir()/f'{STEPS[step]}.ipynb', notebook_defaults(step)) == []

@pytest.mark.parametrize('preset', sorted(PRESETS))
def test_presets_are_declared_options(preset):
    "Every value a preset sets for a stage is an option of that stage's function, of the declared type."
    p = get_preset(preset)
    assert [e for s in STAGE_FUNCTIONS for e in check_values(stage_function(s), p.get(s, {}), f'{preset}.{s}.')] == []

def _tags(c): return c.get('metadata', {}).get('tags', [])

@pytest.mark.parametrize('nb', [nbs_dir()/f'{n}.ipynb' for n in STEPS.values()], ids=lambda p: p.stem)
def test_stage_is_marked(nb):
    "What litbench_run executes is marked: code cells tagged `stage`, after the parameters cell, none of them exported."
    cells = json.loads(nb.read_text())['cells']
    staged = [i for i, c in enumerate(cells) if 'stage' in _tags(c) and c['cell_type'] == 'code']
    params = [i for i, c in enumerate(cells) if _is_params(c)][0]
    assert staged and min(staged) > params, f'{nb.name}: no code cell tagged stage after the parameters cell'
    assert not [i for i in staged if '#| export' in ''.join(cells[i]['source'])]
