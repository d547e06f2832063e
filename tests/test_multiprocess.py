"""Several processes, proven on CPU: BT and GenRM under `torchrun --nproc_per_node 2` (gloo), packed, with the module
forms the README gives (`-m litbench.bt`, `-m litbench.genrm`), and under `configs/accelerate_fsdp.yaml` (FSDP2). Each
run must see two processes in its batch plan, keep the effective batch every optimizer step, write its outputs once
(rank 0, into its output dir, nothing elsewhere) and exit 0 in both ranks; FSDP2 must train what DDP trains."""
import json, os, subprocess, sys
from pathlib import Path
import pytest
from accelerate.commands.config.config_args import ClusterConfig
from safetensors.torch import load_file
from litbench.data import make_sample
from litbench.emulator import free_port

ROOT = Path(__file__).resolve().parents[1]


def _torchrun(cwd, module, *args, timeout=240):
    exe = Path(sys.executable).with_name('torchrun')
    cmd = [str(exe) if exe.exists() else 'torchrun', '--nproc_per_node', '2', '--master_addr', '127.0.0.1', '--master_port', str(free_port()),
           '-m', module, *map(str, args)]
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)


def _env(): return dict(os.environ, OMP_NUM_THREADS='1', TOKENIZERS_PARALLELISM='false', PYTHONWARNINGS='ignore', CUDA_VISIBLE_DEVICES='')


def _fsdp(cwd, module, *args, timeout=240):
    "`accelerate launch` with the project's FSDP2 config, two CPU processes (gloo) instead of eight GPUs, through `tests/fsdp_cpu.py`."
    cfg = ClusterConfig.from_yaml_file(str(ROOT/'configs/accelerate_fsdp.yaml'))  # read as accelerate reads it
    assert cfg.fsdp_config['fsdp_version'] == 2
    cfg.num_processes, cfg.mixed_precision, cfg.main_process_port = 2, 'no', free_port()
    cfg.to_yaml_file(str(cwd.parent/f'{cwd.name}_fsdp.yaml'))  # outside the run's directory
    exe = Path(sys.executable).with_name('accelerate')
    cmd = [str(exe) if exe.exists() else 'accelerate', 'launch', '--config_file', str(cwd.parent/f'{cwd.name}_fsdp.yaml'), str(ROOT/'tests/fsdp_cpu.py'), module, *map(str, args)]
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)


def _only_outputs_in(cwd, out):
    "Files written in the run's working directory outside its output dir (should be none)."
    return [p for p in Path(cwd).rglob('*') if p.is_file() and not p.is_relative_to(out)]


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp('mp')
    return d, make_sample(d/'data', n_train=40, n_test=8, n_rationales=24, seed=0)


def _bt_args(p, out):
    return ['--base_model', 'tiny-random', '--train', p['train'], '--test', p['reference'], '--output_dir', out, '--max_length', 64,
            '--batch_size', 2, '--target_batch_size', 8, '--max_steps', 2, '--packing', '--max_tokens_per_batch', 160,
            '--learning_rate', 1e-3, '--precision', 'fp32', '--keep_checkpoints', 1]


@pytest.fixture(scope='module')
def bt_ddp(data):
    cwd = data[0]/'bt_run'; cwd.mkdir()
    out = cwd/'bt'
    return cwd, out, _torchrun(cwd, 'litbench.bt', *_bt_args(data[1], out))


def test_bt_two_processes(bt_ddp):
    cwd, out, r = bt_ddp
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out/'metrics.json').read_text())
    assert m['batch_plan']['n_devices'] == 2 and m['batch_plan']['effective'] == 8
    assert m['packing']['items_per_step'] == 8 and m['packing']['micro_batches_per_step'] >= 1
    assert m['packing']['items_per_s_in_steps'] > 0 and m['packing']['max_tokens_in_micro_batch'] <= 160
    assert m['global_step'] == 2 and m['val_accuracy'] is not None and m['test_accuracy'] is not None
    assert json.loads((out/'run.json').read_text())['device']['device'] == 'cpu'
    assert (out/'model.safetensors').is_file() and not _only_outputs_in(cwd, out)
    assert r.stdout.count('BT reward model saved to') == 1  # the report comes once, from rank 0, with its final scores
    assert 'validation accuracy n/a' not in r.stdout


def test_bt_fsdp2(data, bt_ddp):
    "The FSDP2 config trains the same model as DDP: same batch plan, sharded checkpoints, one whole model.safetensors."
    cwd = data[0]/'bt_fsdp'; cwd.mkdir()
    out = cwd/'bt'
    r = _fsdp(cwd, 'litbench.bt', *_bt_args(data[1], out))
    assert r.returncode == 0, r.stderr[-3000:]
    assert sorted(p.name for p in (out/'checkpoint-2/pytorch_model_fsdp_0').glob('*.distcp')) == ['__0_0.distcp', '__1_0.distcp']  # sharded over 2
    m, d = json.loads((out/'metrics.json').read_text()), json.loads((bt_ddp[1]/'metrics.json').read_text())
    assert m['batch_plan'] == d['batch_plan'] and m['packing']['items_per_step'] == 8 and m['global_step'] == 2
    assert m['train_loss'] == pytest.approx(d['train_loss'], abs=1e-5) and m['test_accuracy'] == d['test_accuracy']
    w, v = load_file(out/'model.safetensors'), load_file(bt_ddp[1]/'model.safetensors')
    assert w.keys() == v.keys() and all((w[k] - v[k]).abs().max() < 1e-5 for k in w)  # gathered whole, and what DDP trained
    assert json.loads((out/'config.json').read_text())['architectures'] == ['LlamaForSequenceClassification']
    assert r.stdout.count('BT reward model saved to') == 1 and not _only_outputs_in(cwd, out)


def _genrm_args(p, out):
    return ['--model_name', 'tiny-random', '--dataset_name', p['rationales'], '--output_dir', out, '--max_length', 320, '--batch_size', 1,
            '--target_batch_size', 4, '--max_steps', 2, '--packing', '--max_tokens_per_batch', 700, '--learning_rate', 1e-3,
            '--precision', 'fp32', '--keep_checkpoints', 1, '--eval_pairs', 2, '--epochs', 1]


def test_genrm_two_processes(data):
    p = data[1]
    cwd = data[0]/'genrm_run'; cwd.mkdir()
    out = cwd/'genrm'
    r = _torchrun(cwd, 'litbench.genrm', *_genrm_args(p, out))
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'NameError' not in r.stderr
    m = json.loads((out/'metrics.json').read_text())
    assert m['batch_plan']['n_devices'] == 2 and m['batch_plan']['effective'] == 4
    assert m['packing']['items_per_step'] == 4 and m['global_step'] == 2
    assert m['heldout']['n'] >= 1  # rank 0 judged the held-out pairs
    assert (out/'genrm.json').is_file() and not _only_outputs_in(cwd, out)
    assert r.stdout.count('GenRM saved to') == 1


def test_genrm_fsdp2(data):
    p = data[1]
    cwd = data[0]/'genrm_fsdp'; cwd.mkdir()
    out = cwd/'genrm'
    r = _fsdp(cwd, 'litbench.genrm', *_genrm_args(p, out))
    assert r.returncode == 0, r.stderr[-3000:]
    assert (out/'checkpoint-2/pytorch_model_fsdp_0').is_dir() and (out/'model.safetensors').is_file()
    m = json.loads((out/'metrics.json').read_text())
    assert m['batch_plan']['n_devices'] == 2 and m['packing']['items_per_step'] == 4 and m['heldout']['n'] >= 1
