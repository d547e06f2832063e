"""Every CLI on generated broken inputs: never a traceback, exit 1 with one message naming the file, column or argument,
and no file written that the command was not asked to write. Most cases run in-process through the `cli_errors`-wrapped
entry points (argv parsed by the command's own parser exactly as on the command line); a few run as real subprocesses to prove the exit
code and stderr of the installed console scripts. Validation fails before any model loads, so the whole file takes seconds;
the one case that must reach training uses `tiny-random` for one step."""
import hashlib, importlib, json, os, shutil, subprocess, sys
from pathlib import Path
import numpy as np, pandas as pd
import pytest

ENTRY = dict(sample_data='litbench.data:sample_data_cli', rehydrate='litbench.rehydrate:main', analyze='litbench.analysis:main',
             train_bt='litbench.bt:main', train_genrm='litbench.genrm:main', eval='litbench.evaluate:main', run='litbench.pipeline:main')
BIN = Path(sys.executable).parent
# Imported once, before any test captures output: libraries that keep a handle on sys.stderr (transformers' logging) must
# not hold a capture stream that a finished test has closed.
FUNCS = {k: getattr(importlib.import_module(v.split(':')[0]), v.split(':')[1]) for k, v in ENTRY.items()}

def good_pairs(n=6, prompt=True):
    "A small, valid pair table."
    d = dict(chosen_story=[f'a good story number {i} ' * 3 for i in range(n)], rejected_story=[f'a dull story {i}' for i in range(n)])
    return pd.DataFrame(dict(prompt=[f'[WP] prompt {i}' for i in range(n)], **d) if prompt else d)

def make_inputs(d:Path):
    "Write every broken (and every odd-but-valid) input file into `d`."
    d.mkdir(parents=True, exist_ok=True)
    for n in ('empty.csv', 'empty.jsonl', 'empty.parquet'): (d/n).write_bytes(b'')
    (d/'blank.csv').write_text('\n\n\n')
    (d/'latin1.csv').write_bytes('prompt,chosen_story,rejected_story\ncaf\xe9,d\xe9j\xe0 vu,na\xefve\n'.encode('latin-1'))
    (d/'binary.csv').write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)))
    (d/'dup.csv').write_text('prompt,chosen_story,chosen_story,rejected_story\np,a,b,c\n')
    (d/'missing.csv').write_text('story,label\nhello,1\n')
    (d/'header_only.csv').write_text('prompt,chosen_story,rejected_story,chosen_comment_id,rejected_comment_id\n')
    (d/'semicolon.csv').write_text('prompt;chosen_story;rejected_story\np;a;b\n')
    (d/'ragged.csv').write_text('prompt,chosen_story,rejected_story\np,a,b\nq,b,c,d,e\n')
    (d/'notjson.jsonl').write_text('{"prompt": "p"}\nthis is not json\n')
    (d/'garbage.parquet').write_bytes(b'PAR1 this is not parquet PAR1')
    (d/'table.xlsx').write_bytes(b'PK\x03\x04 not really')
    (d/'a_directory.csv').mkdir()
    nan = good_pairs(4).assign(chosen_story=[None, '', '  ', float('nan')])
    nan.to_parquet(d/'nan.parquet'); nan.to_csv(d/'nan.csv', index=False)
    pd.DataFrame(dict(chosen_comment_id=['abc1234', 'oops!', ''], rejected_comment_id=['xyz9876', 'def5678', 'ghi9012'])).to_csv(d/'bad_ids.csv', index=False)
    pd.DataFrame(dict(chosen_comment_id=['abc1234'], rejected_comment_id=['xyz9876'])).to_csv(d/'ids_only.csv', index=False)
    # odd but usable
    good_pairs(6, prompt=False).to_csv(d/'plain.csv', index=False)
    good_pairs(6).to_csv(d/'good.csv', index=False)
    (d/'utf16.csv').write_bytes(good_pairs(3).to_csv(index=False).encode('utf-16'))
    uni = good_pairs(4).assign(chosen_story=['emoji 🙂🚀 story', 'עברית מימין לשמאל', 'zero\u200bwidth and e\u0301 combining', 'CJK 故事 很长'])
    uni.to_csv(d/'unicode.csv', index=False)
    huge = good_pairs(3).assign(chosen_story=['word ' * 400_000, 'short', 'also short'])  # a 2 MB cell
    huge.to_csv(d/'huge.csv', index=False)
    rows = [dict(prompt=1, chosen_story=12345, rejected_story=['a', 'list'], chosen_upvotes='many', rejected_upvotes=None,
                 chosen_timestamp='not a time', rejected_timestamp=3.5),
            dict(prompt=None, chosen_story={'a': 'dict'}, rejected_story=True, chosen_upvotes=10, rejected_upvotes='3',
                 chosen_timestamp=1700000000, rejected_timestamp='2024-01-01')]
    (d/'wrong_types.jsonl').write_text('\n'.join(json.dumps(r) for r in rows) + '\n')
    rat = pd.DataFrame(dict(prompt=['p']*3, story_a=['a x', 'b y', 'c z'], story_b=['x', 'y', 'z'], chosen_story=['A', 'maybe', 'B'], rationale=['r']*3))
    rat.to_json(d/'bad_labels.jsonl', orient='records', lines=True)

def tree_hash(d:Path) -> dict:
    "Content hash of every file under `d`."
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob('*')) if p.is_file()}

@pytest.fixture(scope='module')
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp('fuzz')/'in'
    make_inputs(d)
    return d

def run_cli(name:str, args:list, monkeypatch, capsys) -> tuple:
    "Run console script `name` in-process with `args` as its argv; return (exit code, stdout, stderr)."
    f = FUNCS[name]
    monkeypatch.setattr(sys, 'argv', [f'litbench_{name}', *map(str, args)])
    capsys.readouterr()
    try: f(); code = 0
    except SystemExit as e: code = e.code if isinstance(e.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err

# (case id, CLI, argv with {i} for the input dir and {w} for the working dir, text the one error line must hold)
BROKEN = [
    # every reader, through the evaluation's --test
    ('eval-empty-csv', 'eval', ['--test', '{i}/empty.csv'], 'empty.csv: empty file (0 bytes)'),
    ('eval-empty-parquet', 'eval', ['--test', '{i}/empty.parquet'], 'empty.parquet: empty file'),
    ('eval-blank-lines', 'eval', ['--test', '{i}/blank.csv'], 'blank.csv: no columns'),
    ('eval-latin1', 'eval', ['--test', '{i}/latin1.csv'], 'latin1.csv: not UTF-8 text'),
    ('eval-binary', 'eval', ['--test', '{i}/binary.csv'], 'binary.csv: '),
    ('eval-dup-columns', 'eval', ['--test', '{i}/dup.csv'], "dup.csv: duplicated column(s) ['chosen_story']"),
    ('eval-missing-columns', 'eval', ['--test', '{i}/missing.csv'], "missing.csv: missing column(s) ['chosen_story', 'rejected_story']"),
    ('eval-ids-only', 'eval', ['--test', '{i}/ids_only.csv'], "it holds comment IDs only: rehydrate it first"),
    ('eval-header-only', 'eval', ['--test', '{i}/header_only.csv'], 'header_only.csv: no complete pairs to evaluate'),
    ('eval-semicolons', 'eval', ['--test', '{i}/semicolon.csv'], "the file looks separated by ';'"),
    ('eval-ragged-rows', 'eval', ['--test', '{i}/ragged.csv'], 'ragged.csv: cannot read as csv'),
    ('eval-all-nan', 'eval', ['--test', '{i}/nan.parquet'], 'nan.parquet: no complete pairs to evaluate'),
    ('eval-not-json', 'eval', ['--test', '{i}/notjson.jsonl'], 'notjson.jsonl: cannot read as jsonl'),
    ('eval-garbage-parquet', 'eval', ['--test', '{i}/garbage.parquet'], 'garbage.parquet: cannot read as parquet'),
    ('eval-xlsx', 'eval', ['--test', '{i}/table.xlsx'], "unknown format '.xlsx'"),
    ('eval-directory', 'eval', ['--test', '{i}/a_directory.csv'], 'a_directory.csv: is a directory'),
    ('eval-nonexistent', 'eval', ['--test', '{i}/nope.csv'], 'nope.csv: no such file'),
    ('eval-missing-model', 'eval', ['--kind', 'bt', '--model', '{w}/MISSING_DIR', '--test', '{i}/plain.csv'], "--model: base model '"),
    ('eval-all-problems', 'eval', ['--kind', 'bt,gpt', '--model', '{w}/MISSING_DIR', '--test', '{i}/dup.csv', '--batch_size', '0'],
     '4 problems with the arguments'),
    ('eval-bad-int', 'eval', ['--batch_size', 'eight'], "argument --batch_size/--batch-size: invalid int value: 'eight'"),
    ('eval-api-no-server', 'eval', ['--kind', 'api', '--test', '{i}/plain.csv'], "--api_base: --kind api needs the server's base URL"),
    ('eval-api-bad-url', 'eval', ['--kind', 'api', '--api_base', 'localhost:8000', '--api_model', 'm', '--test', '{i}/plain.csv'], '--api_base:'),
    ('eval-api-no-model', 'eval', ['--kind', 'length,api', '--api_base', 'http://127.0.0.1:9/v1', '--test', '{i}/plain.csv'], '--api_model:'),
    ('eval-api-unset-key', 'eval', ['--kind', 'api', '--api_base', 'http://127.0.0.1:9/v1', '--api_model', 'm', '--api_key_env', 'LITBENCH_FUZZ_NO_SUCH_VAR',
                                    '--test', '{i}/plain.csv'], 'the environment variable LITBENCH_FUZZ_NO_SUCH_VAR is not set'),
    ('eval-api-bad-concurrency', 'eval', ['--kind', 'api', '--api_base', 'http://127.0.0.1:9/v1', '--api_model', 'm', '--concurrency', '0',
                                          '--test', '{i}/plain.csv'], '--concurrency: must be at least 1'),
    ('eval-api-negative-price', 'eval', ['--kind', 'api', '--api_base', 'http://127.0.0.1:9/v1', '--api_model', 'm', '--price_in', '-1',
                                         '--test', '{i}/plain.csv'], '--price_in: must be at least 0'),
    # rehydration
    ('rehydrate-empty', 'rehydrate', ['--ids', '{i}/empty.csv', '--output_dir', '{w}/out'], 'empty.csv: empty file (0 bytes)'),
    ('rehydrate-dup', 'rehydrate', ['--ids', '{i}/dup.csv', '--output_dir', '{w}/out'], 'dup.csv: duplicated column(s)'),
    ('rehydrate-missing-cols', 'rehydrate', ['--ids', '{i}/good.csv', '--output_dir', '{w}/out'], "--ids: ") ,
    ('rehydrate-bad-ids', 'rehydrate', ['--ids', '{i}/bad_ids.csv', '--output_dir', '{w}/out'], "bad_ids.csv: malformed comment ID(s) in row(s) 2"),
    ('rehydrate-header-only', 'rehydrate', ['--ids', '{i}/header_only.csv', '--output_dir', '{w}/out'], 'header_only.csv: no ID pairs'),
    ('rehydrate-latin1', 'rehydrate', ['--ids', '{i}/latin1.csv', '--output_dir', '{w}/out'], 'latin1.csv: not UTF-8 text'),
    ('rehydrate-workers', 'rehydrate', ['--ids', '{i}/ids_only.csv', '--output_dir', '{i}/good.csv', '--max_workers', '0'], '2 problems'),
    ('rehydrate-snapshot', 'rehydrate', ['--ids', '{i}/ids_only.csv', '--output_dir', '{w}/out', '--emulator_snapshot', '{i}/nope.json'],
     '--emulator_snapshot: '),
    # analysis
    ('analyze-train-empty', 'analyze', ['--train', '{i}/empty.jsonl', '--out_dir', '{w}/an'], '--train: '),
    ('analyze-three', 'analyze', ['--train', '{i}/missing.csv', '--test', '{i}/latin1.csv', '--rationales', '{i}/nope.jsonl', '--out_dir', '{w}/an'],
     '3 problems'),
    ('analyze-nothing', 'analyze', [], 'nothing to analyse'),
    # Bradley-Terry training: every problem before the model loads
    ('bt-dup', 'train_bt', ['--base_model', 'tiny-random', '--train', '{i}/dup.csv', '--output_dir', '{w}/bt'], '--train: '),
    ('bt-plain-train', 'train_bt', ['--base_model', 'tiny-random', '--train', '{i}/plain.csv', '--output_dir', '{w}/bt'],
     "plain.csv: missing column(s) ['prompt']"),
    ('bt-all-nan', 'train_bt', ['--base_model', 'tiny-random', '--train', '{i}/nan.csv', '--output_dir', '{w}/bt'], 'nan.csv: no usable training pairs'),
    ('bt-header-only', 'train_bt', ['--base_model', 'tiny-random', '--train', '{i}/header_only.csv', '--output_dir', '{w}/bt'],
     'header_only.csv: no usable training pairs among 0 rows'),
    ('bt-test-empty', 'train_bt', ['--base_model', 'tiny-random', '--train', '{i}/good.csv', '--test', '{i}/empty.csv', '--output_dir', '{w}/bt'],
     '--test: '),
    ('bt-everything', 'train_bt', ['--base_model', '{w}/MISSING_DIR', '--train', '{i}/binary.csv', '--test', '{i}/missing.csv',
                                   '--batch_size', '0', '--max_length', '3', '--val_frac', '2', '--report_to', 'mlflow', '--output_dir', '{i}/good.csv'],
     '8 problems with the arguments'),
    # GenRM training
    ('bt-resume-nowhere', 'train_bt', ['--base_model', 'tiny-random', '--train', '{i}/good.csv', '--resume_from_checkpoint', '{i}',
                                       '--learning_rate', 'nan', '--output_dir', '{w}/bt'], '2 problems'),
    ('genrm-empty', 'train_genrm', ['--model_name', 'tiny-random', '--dataset_name', '{i}/empty.jsonl', '--output_dir', '{w}/g'], '--dataset_name: '),
    ('genrm-test-schema', 'train_genrm', ['--model_name', 'tiny-random', '--dataset_name', '{i}/good.csv', '--output_dir', '{w}/g'],
     "missing column(s) ['story_a', 'story_b', 'rationale']"),
    ('genrm-bad-labels', 'train_genrm', ['--model_name', 'tiny-random', '--dataset_name', '{i}/bad_labels.jsonl', '--output_dir', '{w}/g'],
     "rows 2 hold ['maybe']"),
    ('genrm-budget', 'train_genrm', ['--model_name', 'tiny-random', '--dataset_name', '{i}/bad_labels.jsonl', '--max_length', '60',
                                     '--output_dir', '{w}/g'], '--max_length: 60 tokens leave no room for the stories'),
    ('genrm-style', 'train_genrm', ['--model_name', 'nope', '--style', 'gpt', '--dataset_name', '{i}/x.parquet', '--output_dir', '{w}/g'], '3 problems'),
    # pipeline and sample data
    ('run-bad-args', 'run', ['--preset', 'huge', '--steps', 'data,train', '--out', '{w}/r'], '2 problems'),
    ('run-bad-override', 'run', ['--preset', 'tiny', '--steps', 'data', '--out', '{w}/r', '--p', 'data.n_trian=3'], "no data notebook has a parameter 'n_trian'"),
    ('sample-data', 'sample_data', ['--out', '{i}/good.csv/sub', '--n_train', '0'], '2 problems'),
]

@pytest.mark.parametrize('case,cli,argv,expect', BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_input(case, cli, argv, expect, inputs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # a default output (runs/, data/) would land here
    before = tree_hash(inputs)
    code, out, err = run_cli(cli, [a.format(i=inputs, w=tmp_path) for a in argv], monkeypatch, capsys)
    assert 'Traceback' not in err + out, err
    assert code != 0, (out, err)
    assert expect in err, err
    if code == 1: assert err.startswith('error: ') and sum(l.startswith('error: ') for l in err.splitlines()) == 1, err  # one message
    assert tree_hash(inputs) == before, 'an input file changed'
    assert not list(tmp_path.iterdir()), f'wrote {list(tmp_path.iterdir())}'

# odd tables that are still test sets: exit 0, outputs only where asked
ODD_TEST_SETS = ['good.csv', 'plain.csv', 'utf16.csv', 'unicode.csv', 'huge.csv', 'wrong_types.jsonl']

@pytest.mark.parametrize('name', ODD_TEST_SETS)
def test_odd_test_sets_evaluate(name, inputs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    before = tree_hash(inputs)
    code, out, err = run_cli('eval', ['--kind', 'length,random', '--test', inputs/name, '--output', tmp_path/'ev'/'m.json'], monkeypatch, capsys)
    assert code == 0 and 'Traceback' not in err, err
    m = json.loads((tmp_path/'ev'/'m.json').read_text())
    assert m['test']['evaluated'] >= 2
    assert tree_hash(inputs) == before and [p.name for p in tmp_path.iterdir()] == ['ev']
    if name in ('plain.csv', 'utf16.csv', 'unicode.csv', 'huge.csv'): assert 'accuracy by upvote margin skipped' in out

@pytest.mark.parametrize('name', ['plain.csv', 'unicode.csv', 'wrong_types.jsonl'])
def test_odd_test_sets_analyze(name, inputs, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli('analyze', ['--test', inputs/name, '--out_dir', tmp_path/'an'], monkeypatch, capsys)
    assert code == 0 and 'Traceback' not in err, err
    assert (tmp_path/'an'/'summary.json').is_file()

def test_one_prompt_trains(inputs, tmp_path, monkeypatch, capsys):
    "All training pairs share one prompt (and hold numbers, unicode, a huge cell and NaN where text belongs): split by row with a warning, never an empty split reaching the trainer."
    monkeypatch.chdir(tmp_path)
    df = good_pairs(24).assign(prompt='[WP] the only prompt').astype(object)
    df.loc[0, 'chosen_story'], df.loc[1, 'rejected_story'], df.loc[2, 'chosen_story'] = 12345, 'emoji 🙂 עברית 故事', 'word ' * 50_000
    df.to_json(tmp_path/'one.jsonl', orient='records', lines=True)
    code, out, err = run_cli('train_bt', ['--base_model', 'tiny-random', '--train', tmp_path/'one.jsonl', '--test', inputs/'plain.csv',
                                          '--output_dir', tmp_path/'bt', '--max_steps', '1', '--batch_size', '4', '--target_batch_size', '4',
                                          '--max_length', '32', '--val_frac', '0.1'], monkeypatch, capsys)
    assert code == 0 and 'Traceback' not in err, err[-2000:]
    assert 'split by row instead' in out
    m = json.loads((tmp_path/'bt'/'metrics.json').read_text())
    assert m['truncated']['train'] + m['truncated']['val'] >= 1  # the huge cell was cut, not a crash
    assert (m['pairs']['train'], m['pairs']['val'], m['pairs']['test']) == (22, 2, 6)

def script(name:str) -> str:
    p = BIN/f'litbench_{name}'
    if not p.exists(): pytest.skip(f'{p} not installed')
    return str(p)

@pytest.mark.parametrize('name,argv,expect', [
    ('rehydrate', ['--ids', '{i}/empty.csv'], 'empty.csv: empty file (0 bytes)'),
    ('eval', ['--kind', 'bt', '--model', '{w}/MISSING_DIR', '--test', '{i}/plain.csv'], 'MISSING_DIR'),
    ('analyze', ['--test', '{i}/latin1.csv'], 'latin1.csv: not UTF-8 text'),
    ('sample_data', ['--n_train', '-1', '--out', '{i}/good.csv'], '2 problems'),
], ids=['rehydrate-empty', 'eval-missing-model', 'analyze-latin1', 'sample-data'])
def test_subprocess(name, argv, expect, inputs, tmp_path):
    "The installed console scripts: exit 1, the message on stderr, no traceback, nothing written."
    before = tree_hash(inputs)
    r = subprocess.run([script(name), *[a.format(i=inputs, w=tmp_path) for a in argv]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert 'Traceback' not in r.stderr and r.stderr.startswith('error: ') and expect in r.stderr, r.stderr
    assert tree_hash(inputs) == before and not list(tmp_path.iterdir())
