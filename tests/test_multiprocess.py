"""Several processes, proven on CPU: BT and GenRM under `torchrun --nproc_per_node 2` (gloo), packed, with the module
forms the README gives (`-m litbench.bt`, `-m litbench.genrm`). Each run must see two processes in its batch plan, keep
the effective batch every optimizer step, write its outputs once (rank 0, into its output dir, nothing elsewhere) and
exit 0 in both ranks."""
import json, os, socket, subprocess, sys
from pathlib import Path
import pytest
from litbench.data import make_sample


def _port():
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def _torchrun(cwd, module, *args, timeout=240):
    exe = Path(sys.executable).with_name('torchrun')
    cmd = [str(exe) if exe.exists() else 'torchrun', '--nproc_per_node', '2', '--master_addr', '127.0.0.1', '--master_port', str(_port()),
           '-m', module, *map(str, args)]
    env = dict(os.environ, OMP_NUM_THREADS='1', TOKENIZERS_PARALLELISM='false', PYTHONWARNINGS='ignore', CUDA_VISIBLE_DEVICES='')
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _only_outputs_in(cwd, out):
    "Files written in the run's working directory outside its output dir (should be none)."
    return [p for p in Path(cwd).rglob('*') if p.is_file() and not p.is_relative_to(out)]


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp('mp')
    return d, make_sample(d/'data', n_train=40, n_test=8, n_rationales=24, seed=0)


def test_bt_two_processes(data):
    p = data[1]
    cwd = data[0]/'bt_run'; cwd.mkdir()
    out = cwd/'bt'
    r = _torchrun(cwd, 'litbench.bt', '--base_model', 'tiny-random', '--train', p['train'], '--test', p['reference'], '--output_dir', out,
                  '--max_length', 64, '--batch_size', 2, '--target_batch_size', 8, '--max_steps', 2, '--packing', '--max_tokens_per_batch', 160,
                  '--learning_rate', 1e-3, '--precision', 'fp32', '--keep_checkpoints', 1)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out/'metrics.json').read_text())
    assert m['batch_plan']['n_devices'] == 2 and m['batch_plan']['effective'] == 8
    assert m['packing']['items_per_step'] == 8 and m['packing']['micro_batches_per_step'] >= 1
    assert m['packing']['items_per_s_in_steps'] > 0 and m['packing']['max_tokens_in_micro_batch'] <= 160
    assert m['global_step'] == 2 and m['val_accuracy'] is not None and m['test_accuracy'] is not None
    assert json.loads((out/'run.json').read_text())['device']['device'] == 'cpu'
    assert (out/'model.safetensors').is_file() and not _only_outputs_in(cwd, out)
    assert r.stdout.count('BT reward model saved to') == 2  # both ranks finished and reported


def test_genrm_two_processes(data):
    p = data[1]
    cwd = data[0]/'genrm_run'; cwd.mkdir()
    out = cwd/'genrm'
    r = _torchrun(cwd, 'litbench.genrm', '--model_name', 'tiny-random', '--dataset_name', p['rationales'], '--output_dir', out,
                  '--max_length', 320, '--batch_size', 1, '--target_batch_size', 4, '--max_steps', 2, '--packing', '--max_tokens_per_batch', 700,
                  '--learning_rate', 1e-3, '--precision', 'fp32', '--keep_checkpoints', 1, '--eval_pairs', 2, '--epochs', 1)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'NameError' not in r.stderr
    m = json.loads((out/'metrics.json').read_text())
    assert m['batch_plan']['n_devices'] == 2 and m['batch_plan']['effective'] == 4
    assert m['packing']['items_per_step'] == 4 and m['global_step'] == 2
    assert m['heldout']['n'] >= 1  # rank 0 judged the held-out pairs
    assert (out/'genrm.json').is_file() and not _only_outputs_in(cwd, out)
    assert r.stdout.count('GenRM saved to') == 2
