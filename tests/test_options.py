"""Each stage's options are declared once (its function's signature) and arrive the same whichever way they are set:
the function, its console script, papermill (the stage cells litbench_run executes) and litbench_run's -p overrides."""
import json, os, subprocess, sys
from pathlib import Path
import pytest
from litbench.core import read_json
from litbench.data import make_sample
from litbench.pipeline import STEPS, run_step, run_pipeline, stage_function

BIN = Path(sys.executable).parent
# options set away from their defaults (a bool default None or False, a float, ints, a string with spaces)
CASES = dict(
    bt=dict(base_model='tiny-random', max_steps=1, batch_size=4, target_batch_size=4, max_length=32, packing=True,
            max_tokens_per_batch=256, val_frac=0.2, with_prompt=True, separator=' || ', seed=3, learning_rate=0.002,
            keep_checkpoints=1, precision='fp32'),
    genrm=dict(model_name='tiny-random', max_steps=1, batch_size=2, target_batch_size=2, max_length=384, val_frac=0.3,
               both_orders=False, calibrate=False, eval_pairs=-1, style='qwen', seed=5, learning_rate=0.002, keep_checkpoints=1,
               n_rationales=30, precision='fp32'),
)
SCRIPTS = dict(bt='litbench_train_bt', genrm='litbench_train_genrm')

@pytest.fixture(scope='module')
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp('data')
    p = make_sample(d, n_train=40, n_test=8, n_rationales=30, seed=0)
    return dict(bt=dict(train=str(p['train']), test=str(p['reference'])), genrm=dict(dataset_name=str(p['rationales'])))

def _flag(k, v): return [f'--{k}', json.dumps(v) if isinstance(v, bool) else str(v)]

def via_function(step, opts, out): stage_function(step)(**opts, output_dir=str(out))
def via_cli(step, opts, out):
    args = [a for k, v in opts.items() for a in _flag(k, v)]
    r = subprocess.run([str(BIN/SCRIPTS[step]), *args, '--output_dir', str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
def via_papermill(step, opts, out): run_step(step, out.parent/f'{out.name}_nb', {**opts, 'output_dir': str(out)})
def via_litbench_run(step, opts, out):
    run_pipeline('tiny', step, out.parent/f'{out.name}_run', overrides=[f'{step}.{k}={json.dumps(v)}' for k, v in {**opts, 'output_dir': str(out)}.items()],
                 budget_min=0)

@pytest.mark.parametrize('step', list(CASES))
def test_options_arrive_the_same_every_way(step, data, tmp_path):
    opts = {**CASES[step], **data[step]}  # the data paths too: litbench_run would point them into its run directory
    got = {}
    for way in (via_function, via_cli, via_papermill, via_litbench_run):
        out = tmp_path/way.__name__
        way(step, opts, out)
        got[way.__name__] = {k: v for k, v in read_json(out/'run.json')['config'].items() if k != 'output_dir'}
    want = {k: v for k, v in got['via_function'].items()}
    assert {k: want[k] for k in opts} == opts  # the function received what was set
    for way, cfg in got.items():
        assert {k: cfg[k] for k in opts} == opts, way  # every way delivers the options that were set
        assert set(cfg) == set(want), way  # and the same option names: one declaration
    packed = read_json(tmp_path/'via_cli'/'metrics.json')['packing']
    assert (packed is not None) == bool(opts.get('packing')), packed  # --packing true trained packed

def test_cli_help_is_the_declaration():
    "`--help` lists every option with its docments help, and a wrong type is one line naming the option, exit 2."
    for step, script in SCRIPTS.items():
        h = subprocess.run([str(BIN/script), '--help'], capture_output=True, text=True).stdout
        from litbench.options import options
        flat = ' '.join(h.split())
        for n, o in options(stage_function(step)).items(): assert f'--{n}' in h and ' '.join(o.help.split()[:4]) in flat, n
    r = subprocess.run([str(BIN/'litbench_train_bt'), '--max_steps', 'many'], capture_output=True, text=True)
    assert r.returncode == 2 and '--max_steps' in r.stderr and 'Traceback' not in r.stderr, r.stderr

def test_litbench_run_short_p(tmp_path):
    "The README's form, `-p step.name=value`, parses (and a bad override is one line, exit 1, before any step runs)."
    r = subprocess.run([str(BIN/'litbench_run'), '--preset', 'tiny', '--steps', 'bt', '--out', str(tmp_path/'r'), '-p', 'bt.max_stepz=1'],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "no bt notebook has a parameter 'max_stepz'" in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert not (tmp_path/'r').exists()
