"""The paper preset on your own GPU node: BT and GenRM training at Llama-3.2-1B's shape, sized to the card, against the
original's padded step, under the memory of smaller cards.

Not a test. What it runs, per memory cap (80, 40, 24 GiB by default, through `torch.cuda.set_per_process_memory_fraction`)
and per stage, each in its own process:
  original  the seed's BT step: 8 pairs per micro-batch padded to max_length 2048 (GenRM: 2 examples padded to the longer,
            gradient checkpointing as the paper preset), float32 master weights under bf16 autocast, fused AdamW;
            pairs/s over a few timed steps after a warm-up.
  ours      `train_bt` / `train_genrm` with the paper preset's settings (`get_preset('paper')`), a few dozen optimizer
            steps of `target_batch_size` items, packed (FlexAttention), the token budget chosen for the card by
            `litbench.sizing.size_budget` (a two-budget memory probe), `torch.compile` only when `decide_compile`
            measured it faster; evaluation and checkpoints as the trainer schedules them, and their time measured.
            With `--route fsdp` the same stage runs under `accelerate launch --config_file configs/accelerate_fsdp.yaml`
            on every GPU of the node (one GPU when that is all there is): FSDP2, the budget from the sharded prior.
The model is random-init from a LlamaConfig of Llama-3.2-1B's shape (written to a local directory; no hub), the
tokenizer litbench's offline `tiny-random` one (SmolLM2's vocabulary) or `--tokenizer DIR`; the data synthetic with
LitBench's lengths (stories: lognormal, median ~550 tokens, cut at 2048; GenRM rows: two stories and the instructions,
cut at 8192). It prints one table: pairs/s, real tokens/s, MFU (6 x non-embedding parameters x real tokens/s over the
dense bf16 peak, `--peak_tflops`, 989 for H100/H200), peak memory, where the time went (optimizer steps, evaluation,
checkpoints, the rest of `trainer.train`, the final scoring after it) and the ratio to the original's pairs/s measured
in the same run on the same card. Results also go to `--out` (JSON).

On an offline GPU node. On a machine with internet and the same Python version and platform as the node:

    pip download --no-deps -d wheels trl==1.16.0 datasets fastcore dill multiprocess xxhash psutil zstandard
    pip download -d wheels torch transformers accelerate pandas pyarrow   # only if the node lacks them
    python -c "from litbench.models import tiny_random_dir; print(tiny_random_dir())"   # the offline tokenizer, from a litbench checkout
    cp -r ~/.cache/litbench/tiny-random tokenizer/   # (the directory printed above)

copy `wheels/`, `tokenizer/` and a checkout of this repository to the node, and there, from the checkout:

    pip install --no-index --no-deps --find-links wheels trl datasets fastcore dill multiprocess xxhash psutil zstandard
    PYTHONPATH=. python bench/gpu_paper.py --tokenizer tokenizer/tiny-random            # 1B shape, caps 80,40,24
    PYTHONPATH=. python bench/gpu_paper.py --tokenizer tokenizer/tiny-random --caps 0   # the whole card only
    PYTHONPATH=. python bench/gpu_paper.py --tokenizer tokenizer/tiny-random --caps 80 --route fsdp   # the FSDP2 config

A CPU dry run of every code path (a 2-layer model, a few steps; about ten minutes on 2 cores):

    PYTHONPATH=. python bench/gpu_paper.py --tiny
    PYTHONPATH=. python bench/gpu_paper.py --tiny --route fsdp --stages bt   # FSDP2 over 2 CPU processes (tests/fsdp_cpu.py)
"""
import argparse, inspect, json, math, os, statistics, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SHAPES = {  # LlamaConfig fields (the vocabulary is the tokenizer's)
    'llama-1b': dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32, num_key_value_heads=8,
                     rope_theta=500000.0, tie_word_embeddings=True),
    'tiny': dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                 tie_word_embeddings=True),
}
WORDS = ('the of and a to in was he she it that with for as his her on at by had from they but not night door key village '
         'river light storm letter clock garden window mother father city ship road dream voice silence morning').split()


# ---------------------------------------------------------------- setup: model directory and data files
def make_model(shape, tokenizer, out):
    "A random-init Llama of `shape` with `tokenizer`'s vocabulary, saved in float32 to `out`; loadable as causal LM or reward model."
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from litbench.models import load_tokenizer
    if (Path(out)/'config.json').is_file(): return
    tok = load_tokenizer(tokenizer)
    cfg = LlamaConfig(**SHAPES[shape], vocab_size=len(tok), max_position_embeddings=8192, bos_token_id=tok.bos_token_id,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    torch.manual_seed(0)
    LlamaForCausalLM(cfg).save_pretrained(out); tok.save_pretrained(out)


def make_data(out, n_pairs, n_rationales, median_words, seed=0):
    "train.jsonl and rationales.jsonl of litbench's schemas, stories of filler prose at LitBench-like lengths."
    import numpy as np
    from litbench.data import sample_train, sample_rationales
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    if (out/'rationales.jsonl').is_file(): return
    rng = np.random.default_rng(seed)
    def story():
        w = rng.choice(WORDS, int(np.clip(rng.lognormal(math.log(median_words), 0.6), 20, 2300)))
        s = [' '.join(w[i:i + 12]).capitalize() + '.' for i in range(0, len(w), 12)]
        return '\n\n'.join(' '.join(s[i:i + 6]) for i in range(0, len(s), 6))
    tr = sample_train(n_pairs, seed)
    tr['chosen_story'] = [story() for _ in range(len(tr))]; tr['rejected_story'] = [story() for _ in range(len(tr))]
    tr.to_json(out/'train.jsonl', orient='records', lines=True)
    ra = sample_rationales(n_rationales, seed + 1)
    ra['story_a'] = [story() for _ in range(len(ra))]; ra['story_b'] = [story() for _ in range(len(ra))]
    ra.to_json(out/'rationales.jsonl', orient='records', lines=True)


# ---------------------------------------------------------------- one job per process
def set_cap(cap_gib):
    "Cap this process's GPU memory at `cap_gib` GiB (0: the whole card); the cap actually applied."
    import torch
    if not torch.cuda.is_available() or not cap_gib: return None
    dev = int(os.environ.get('LOCAL_RANK', 0))  # under accelerate launch: this process's GPU
    total = torch.cuda.get_device_properties(dev).total_memory
    frac = min(1.0, cap_gib * 2**30 / total)
    torch.cuda.set_per_process_memory_fraction(frac, dev)
    return round(frac * total / 2**30, 1)


def non_embedding_params(model):
    "Parameters that do matmuls per token: all but the input embeddings (and a causal LM's head, run on a few positions only)."
    n = sum(p.numel() for p in model.parameters())
    skip = {id(model.get_input_embeddings().weight)}
    head = model.get_output_embeddings() if hasattr(model, 'get_output_embeddings') else None
    if head is not None: skip.add(id(head.weight))
    return n - sum(p.numel() for p in model.parameters() if id(p) in skip and p.dim() == 2)


def peak_gib():
    import torch
    return round(torch.cuda.max_memory_allocated() / 2**30, 2) if torch.cuda.is_available() else None


def original_job(a, stage):
    """The seed's step: padded micro-batches (BT: 8 pairs to max_length; GenRM: 2 examples to the longer, checkpointing), one
    optimizer step each. When the card cannot hold that micro-batch, fewer items per micro-batch (the same padded work per item)."""
    import gc, torch
    from litbench.models import load_base_model
    cuda = torch.cuda.is_available()
    model, tok = load_base_model(a.model, 'reward' if stage == 'bt' else 'causal', dtype=torch.float32)
    model.to('cuda' if cuda else 'cpu').train()
    if stage == 'genrm': model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=dict(use_reentrant=False))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=cuda)
    for n in ((8, 4, 2, 1) if stage == 'bt' else (2, 1)):
        try: r = _padded_steps(a, stage, model, opt, tok.pad_token_id, n)
        except torch.OutOfMemoryError: r = None  # handled outside the except block: its traceback holds the activations
        if r: return dict(r, items_per_micro=n, non_embedding_params=non_embedding_params(model))
        opt.zero_grad(set_to_none=True); gc.collect(); torch.cuda.empty_cache()
        print(f'original {stage}: {n} items per micro-batch do not fit; trying {n // 2}', flush=True)
    raise torch.OutOfMemoryError('the original padded step does not fit even one item per micro-batch')


def _padded_steps(a, stage, model, opt, pad, n):
    "Median pairs/s (examples/s) of the original's padded micro-batches of `n` items, each its own optimizer step."
    import numpy as np, torch
    from contextlib import nullcontext
    cuda = torch.cuda.is_available()
    dev = next(model.parameters()).device
    ac = torch.autocast('cuda', dtype=torch.bfloat16) if cuda and torch.cuda.is_bf16_supported() else nullcontext()
    rng, V = np.random.default_rng(0), model.config.vocab_size
    L = lambda k: np.minimum(np.clip(rng.lognormal(math.log(a.median_tokens), 0.6, k), 20, 3000).astype(int), a.bt_len)
    if cuda: torch.cuda.reset_peak_memory_stats()
    times, toks = [], []
    for i in range(a.orig_warmup + a.orig_steps):
        if stage == 'bt': lens = L(2 * n); T = a.bt_len  # the original pads every story to max_length
        else: lens = np.minimum(L(2 * n).reshape(n, 2).sum(1) + 90, a.genrm_len); T = int(lens.max())
        x = torch.full((len(lens), T), pad, dtype=torch.long)
        for j, l in enumerate(lens): x[j, :l] = torch.from_numpy(rng.integers(5, V, l))
        m = (torch.arange(T)[None] < torch.from_numpy(lens)[:, None]).long()
        x, m = x.to(dev), m.to(dev)
        if cuda: torch.cuda.synchronize()
        t = time.perf_counter()
        with ac:
            if stage == 'bt':
                r = model(input_ids=x, attention_mask=m, use_cache=False).logits[:, 0].float()
                loss = -torch.nn.functional.logsigmoid(r[:n] - r[n:]).mean()
            else:
                lab = torch.full_like(x, -100)
                for j, l in enumerate(lens): lab[j, l - 5:l] = x[j, l - 5:l]  # `Preferred: A` and EOS
                loss = model(input_ids=x, attention_mask=m, labels=lab, use_cache=False).loss
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        del loss
        if cuda: torch.cuda.synchronize()
        if i >= a.orig_warmup: times.append(time.perf_counter() - t); toks.append(int(lens.sum()))
    med = statistics.median(times)
    return dict(items_per_s=round(n / med, 3), real_tokens_per_s=round(statistics.median(toks) / med, 1), median_step_s=round(med, 4),
                peak_gib=peak_gib())


class Timers:
    "Seconds spent in `Trainer.evaluate` and `Trainer._save_checkpoint` inside `Trainer.train` (patched on the class for this process)."
    def __init__(self):
        import transformers
        self.s, self.training = dict(eval_s=0.0, checkpoint_s=0.0), False
        train = transformers.Trainer.train
        def timed_train(*args, **kw):
            self.training = True
            try: return train(*args, **kw)
            finally: self.training = False
        transformers.Trainer.train = timed_train
        for name, key in (('evaluate', 'eval_s'), ('_save_checkpoint', 'checkpoint_s')):
            f = getattr(transformers.Trainer, name)
            def timed(*args, _f=f, _k=key, **kw):
                import torch
                t = time.perf_counter()
                try: return _f(*args, **kw)
                finally:
                    if torch.cuda.is_available(): torch.cuda.synchronize()
                    if self.training: self.s[_k] += time.perf_counter() - t  # an evaluation after training counts as after
            setattr(transformers.Trainer, name, timed)


def sized(a, stage, prec_name='auto'):
    "The token budget for this card (memory probe) and the compile decision (timed steps), on the model as the trainer loads it."
    import torch
    from litbench.models import load_base_model
    from litbench.machine import choose_precision
    from litbench.packing import item_costs
    from litbench.sizing import size_budget, decide_compile, compile_step
    stage_cfg = a.preset[stage]
    model, tok = load_base_model(a.model, 'reward' if stage == 'bt' else 'causal', dtype=torch.float32)
    dev = 'cuda' if torch.cuda.is_available() else 'cpu'
    model.to(dev)
    ckpt = bool(stage_cfg.get('gradient_checkpointing'))
    if ckpt: model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=dict(use_reentrant=False))
    prec = choose_precision(prec_name, model)
    costs = data_costs(a, stage, tok)
    kind, L = ('bt', a.bt_len) if stage == 'bt' else ('sft', a.genrm_len)
    target = a.target or stage_cfg['target_batch_size']
    from litbench.sizing import gpu_memory
    avail = min(gpu_memory(), int(a.cap * 2**30)) if dev == 'cuda' and a.cap else None  # older torch cannot read the fraction back
    sz = size_budget(model, kind, L, costs, target, prec=prec, grad_ckpt=ckpt, most=a.most, available=avail)
    if sz and not sz['fits'] and not ckpt:  # the card is too small for the floor: recompute activations, and size again
        ckpt = True; model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=dict(use_reentrant=False))
        sz = dict(size_budget(model, kind, L, costs, target, prec=prec, grad_ckpt=True, most=a.most, available=avail), gradient_checkpointing_added=True)
    budget = sz['max_tokens_per_batch'] if sz else a.cpu_budget * (2 if kind == 'bt' else 1)
    if a.compile == 'auto':
        dec = decide_compile(compile_step(kind, budget, L, model.config.vocab_size, prec), model, warmup=2, steps=3)
    else: dec = dict(torch_compile=a.compile == 'on', reason=f'--compile {a.compile}')
    n_ne = non_embedding_params(model)
    del model
    import gc; gc.collect(); torch._dynamo.reset()  # the trainer compiles its own model, if at all
    if dev == 'cuda': torch.cuda.empty_cache()
    return budget, sz, dec, n_ne, ckpt


def data_costs(a, stage, tok):
    "Tokens of each training item as the trainer will see them (BT: a pair's two stories; GenRM: a prompt's row), approximately."
    import pandas as pd
    if stage == 'bt':
        df = pd.read_json(Path(a.data)/'train.jsonl', lines=True)
        n = lambda s: min(len(tok(s, add_special_tokens=True)['input_ids']) + 1, a.bt_len)
        return [n(c) + n(r) for c, r in zip(df['chosen_story'], df['rejected_story'])]
    df = pd.read_json(Path(a.data)/'rationales.jsonl', lines=True)
    return [min(len(tok(x)['input_ids']) + len(tok(y)['input_ids']) + 90, a.genrm_len) for x, y in zip(df['story_a'], df['story_b'])]


def meta_non_embedding(path, stage):
    "Non-embedding parameters of the model at `path`, counted on the meta device (no weights loaded)."
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSequenceClassification
    cfg = AutoConfig.from_pretrained(path)
    if stage == 'bt': cfg.num_labels = 1
    with torch.device('meta'):
        m = (AutoModelForSequenceClassification if stage == 'bt' else AutoModelForCausalLM).from_config(cfg)
    return non_embedding_params(m)


def ours_job(a, stage):
    "The paper preset's stage, packed and sized to the card, a few dozen optimizer steps; with where its time went."
    import torch
    if a.route in ('stage', 'fsdp'):  # what a user gets: the stage sizes the budget and decides compile itself (packing, 0, None)
        budget, sz, dec, n_ne, ckpt = 0, None, None, meta_non_embedding(a.model, stage), bool(a.preset[stage].get('gradient_checkpointing'))
    else: budget, sz, dec, n_ne, ckpt = sized(a, stage)  # --route presized: this script sizes first, the stage takes its choice
    timers = Timers()
    from litbench.bt import train_bt
    from litbench.genrm import train_genrm
    fn = train_bt if stage == 'bt' else train_genrm
    cfg = dict(a.preset[stage])
    if stage == 'bt':
        cfg.update(base_model=a.model, train=str(Path(a.data)/'train.jsonl'), test='', data_dir=str(Path(a.work)/'nodata'), max_length=a.bt_len)
    else:
        cfg.update(model_name=a.model, dataset_name=str(Path(a.data)/'rationales.jsonl'), max_length=a.genrm_len,
                   eval_pairs=a.eval_pairs, calibrate_pairs=a.eval_pairs)
    cfg.update(output_dir=str(Path(a.work)/f'run_{stage}_{a.cap}'), max_steps=a.steps, keep_checkpoints=1, target_batch_size=a.target or cfg['target_batch_size'])
    cfg['packing'] = True  # the default on CUDA (None); said outright so a --tiny try on a CPU packs too
    if a.route == 'presized': cfg.update(max_tokens_per_batch=budget, torch_compile=bool(dec['torch_compile']), gradient_checkpointing=ckpt)
    known = set(inspect.signature(fn).parameters)
    dropped = sorted(set(cfg) - known)
    if dropped: print(f'{fn.__name__} has no {dropped}: left out', flush=True)
    t0 = time.perf_counter()
    m = fn(**{k: v for k, v in cfg.items() if k in known})
    wall = time.perf_counter() - t0
    pk = m.get('packing') or {}
    items = m['global_step'] * m['batch_plan']['effective']
    tokens = m.get('train_tokens') or 0
    tt = m['train_time_s']
    if a.route != 'presized': budget, sz, dec = pk.get('max_tokens_per_batch'), m.get('sizing'), m.get('compile') or dict(torch_compile=False, reason='not decided')
    return dict(items_per_s=round(items / tt, 3), real_tokens_per_s=round(tokens / tt, 1), peak_gib=m.get('peak_gpu_memory_gib'),
                global_step=m['global_step'], items_per_step=m['batch_plan']['effective'], train_time_s=tt,
                step_s=pk.get('step_time_s'), eval_s=round(timers.s['eval_s'], 2), checkpoint_s=round(timers.s['checkpoint_s'], 2),
                other_s=round(tt - (pk.get('step_time_s') or 0) - timers.s['eval_s'] - timers.s['checkpoint_s'], 2),
                after_train_s=round(wall - tt, 2), items_per_s_in_steps=pk.get('items_per_s_in_steps'),
                real_tokens_per_s_in_steps=pk.get('real_tokens_per_s_in_steps'), max_tokens_per_batch=budget,
                oom_shrinks=pk.get('oom_shrinks'), sizing=sz, compile=dec, non_embedding_params=n_ne,
                n_procs=m['batch_plan']['n_devices'], dropped_args=dropped)


def worker(a):
    import torch
    a.preset = json.loads(a.preset_json)
    cap = set_cap(a.cap)
    t0 = time.perf_counter()
    try:
        r = (original_job if a.job == 'original' else ours_job)(a, a.stage)
    except torch.OutOfMemoryError as e:
        r = dict(error=f'CUDA out of memory: {str(e).splitlines()[0][:160]}', peak_gib=peak_gib())
    except Exception as e:
        import traceback; traceback.print_exc()
        r = dict(error=f'{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ""}')
    r.update(job=a.job, stage=a.stage, cap_gib=cap, wall_s=round(time.perf_counter() - t0, 1),
             device=torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu')
    if os.environ.get('RANK', '0') == '0': Path(a.result).write_text(json.dumps(r, default=str))  # under accelerate launch: rank 0 reports


# ---------------------------------------------------------------- driver
def table(results, peak):
    "The printed table: one row per cap, stage and route."
    cols = ('cap', 'stage', 'route', 'items/s', 'real tok/s', 'MFU', 'peak GiB', 'budget', 'compile', 'steps s', 'eval s', 'ckpt s',
            'other s', 'after s', 'vs original')
    rows = []
    for r in results:
        base = next((x for x in results if x['job'] == 'original' and x['stage'] == r['stage'] and x['cap_arg'] == r['cap_arg']
                     and 'error' not in x), None)
        mfu = (6 * r['non_embedding_params'] * r['real_tokens_per_s'] / (peak * r.get('n_procs', 1))) if peak and 'error' not in r else None
        f = lambda v, p='.2f': '' if v is None else format(v, p)
        route = r['job'] + (f" ({r['items_per_micro']}/micro-batch)" if 'items_per_micro' in r else '') + (f" fsdp x{r.get('n_procs')}" if r.get('route') == 'fsdp' else '')
        rows.append((str(r['cap_arg'] or 'card'), r['stage'], route if 'error' not in r else f"{r['job']}: {r['error'][:40]}",
                     f(r.get('items_per_s')), f(r.get('real_tokens_per_s'), '.0f'), f(mfu, '.1%') if mfu is not None else '',
                     f(r.get('peak_gib')), str(r.get('max_tokens_per_batch') or ''), 
                     '' if 'compile' not in r else ('on' if r['compile']['torch_compile'] else 'off'),
                     f(r.get('step_s')), f(r.get('eval_s')), f(r.get('checkpoint_s')), f(r.get('other_s')), f(r.get('after_train_s')),
                     f(r['items_per_s'] / base['items_per_s'], '.2f') + 'x' if base and r['job'] == 'ours' and 'error' not in r else ''))
    w = [max(len(c), *(len(x[i]) for x in rows)) for i, c in enumerate(cols)] if rows else [len(c) for c in cols]
    return '\n'.join(' | '.join(v.ljust(w[i]) for i, v in enumerate(row)) for row in [cols] + rows)


def fsdp_launch(cuda):
    "`accelerate launch` with the project's FSDP2 config over every GPU (on a CPU: two processes through tests/fsdp_cpu.py)."
    import torch
    from litbench.emulator import free_port
    n = torch.cuda.device_count() if cuda else 2
    cmd = [sys.executable, '-m', 'accelerate.commands.launch', '--config_file', str(ROOT/'configs/accelerate_fsdp.yaml'),
           '--num_processes', str(n), '--main_process_port', str(free_port())]
    return cmd + ([] if cuda else ['--mixed_precision', 'no', str(ROOT/'tests/fsdp_cpu.py')])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tiny', action='store_true', help='a 2-layer model at short lengths: every code path in minutes, on a CPU too')
    ap.add_argument('--caps', default='80,40,24', help='GPU memory caps in GiB, one run per cap (0: the whole card)')
    ap.add_argument('--stages', default='bt,genrm')
    ap.add_argument('--steps', type=int, default=24, help='optimizer steps per stage (ours)')
    ap.add_argument('--target', type=int, default=0, help='items per optimizer step (0: the paper preset, 128)')
    ap.add_argument('--orig_steps', type=int, default=6); ap.add_argument('--orig_warmup', type=int, default=3)
    ap.add_argument('--route', default='stage', choices=('stage', 'presized', 'fsdp'), help="stage: train_bt/train_genrm size the budget and decide compile themselves, as a user's run does; presized: this script does it first; fsdp: the stage under configs/accelerate_fsdp.yaml on every GPU")
    ap.add_argument('--compile', default='auto', choices=('auto', 'on', 'off'), help='with --route presized: auto lets decide_compile measure it')
    ap.add_argument('--most', type=int, default=12288, help='largest token budget size_budget may choose')
    ap.add_argument('--eval_pairs', type=int, default=32, help='GenRM held-out pairs judged and calibrated after training')
    ap.add_argument('--peak_tflops', type=float, default=989.0, help='dense bf16 peak of the card (H100/H200: 989)')
    ap.add_argument('--tokenizer', default='tiny-random', help='tokenizer directory (default: litbench\'s offline tiny-random)')
    ap.add_argument('--work', default='', help='scratch directory (default: $TMPDIR/litbench_gpu_paper)')
    ap.add_argument('--out', default='gpu_paper.json', help='results as JSON')
    ap.add_argument('--timeout', type=int, default=1800, help='seconds per job')
    # worker arguments
    ap.add_argument('--job', default=''); ap.add_argument('--stage', default=''); ap.add_argument('--cap', type=float, default=0)
    ap.add_argument('--result', default=''); ap.add_argument('--preset_json', default='')
    for k in ('model', 'data', 'bt_len', 'genrm_len', 'median_tokens', 'cpu_budget'): ap.add_argument(f'--{k}', default=None)
    a = ap.parse_args()
    if a.job:
        for k in ('bt_len', 'genrm_len', 'cpu_budget'): setattr(a, k, int(getattr(a, k)))
        a.median_tokens = float(a.median_tokens)
        return worker(a)
    import torch
    from litbench.core import get_preset
    cuda = torch.cuda.is_available()
    work = Path(a.work or Path(os.environ.get('TMPDIR', '/tmp'))/'litbench_gpu_paper'); work.mkdir(parents=True, exist_ok=True)
    preset = get_preset('paper')
    if a.tiny:
        shape, bt_len, genrm_len, med_words = 'tiny', 256, 512, 60
        a.steps, a.target, a.orig_steps, a.orig_warmup, a.eval_pairs = min(a.steps, 4), a.target or 8, 2, 1, min(a.eval_pairs, 4)
        preset['genrm']['gradient_checkpointing'] = False
    else: shape, bt_len, genrm_len, med_words = 'llama-1b', preset['bt']['max_length'], preset['genrm']['max_length'], 420
    target = a.target or preset['bt']['target_batch_size']
    caps = [float(c) for c in a.caps.split(',')] if cuda else [0.0]
    model, data = work/f'model_{shape}', work/f'data_{shape}'
    print(f"device {torch.cuda.get_device_name(0) if cuda else 'cpu'}  torch {torch.__version__}  shape {shape}  caps {caps} GiB  "
          f"{a.steps} steps x {target} items per stage; work dir {work}", flush=True)
    make_model(shape, a.tokenizer, model)
    n_pairs = math.ceil(a.steps * target / 0.95) + 64  # train_bt holds 5% out for validation
    make_data(data, n_pairs, math.ceil(a.steps * target / 2 / 0.95) + 64, med_words)  # GenRM trains both orders of each pair
    results = []
    for cap in caps:
        for stage in a.stages.split(','):
            for job in ('original', 'ours'):
                res = work/f'result_{job}_{stage}_{cap:g}.json'; res.unlink(missing_ok=True)
                cmd = [sys.executable, __file__, '--job', job, '--stage', stage, '--cap', str(cap), '--result', str(res),
                       '--preset_json', json.dumps(preset), '--model', str(model), '--data', str(data), '--bt_len', str(bt_len),
                       '--genrm_len', str(genrm_len), '--median_tokens', str(550 if not a.tiny else 80), '--cpu_budget', str(bt_len * 2),
                       '--steps', str(a.steps), '--target', str(target), '--orig_steps', str(a.orig_steps), '--orig_warmup', str(a.orig_warmup),
                       '--compile', a.compile, '--route', a.route, '--most', str(a.most), '--eval_pairs', str(a.eval_pairs), '--work', str(work)]
                if job == 'ours' and a.route == 'fsdp': cmd = fsdp_launch(cuda) + cmd[1:]
                print(f'--- cap {cap:g} GiB, {stage}, {job}', flush=True)
                try: rc = subprocess.run(cmd, timeout=a.timeout).returncode
                except subprocess.TimeoutExpired: rc = 'timeout'
                r = json.loads(res.read_text()) if res.is_file() else dict(error=f'no result (exit {rc})')
                r.update(job=job, stage=stage, cap_arg=cap, route=a.route if job == 'ours' else 'padded')
                results.append(r)
                Path(a.out).write_text(json.dumps(dict(peak_tflops=a.peak_tflops, shape=shape, results=results), indent=1, default=str))
                print(json.dumps({k: v for k, v in r.items() if k not in ('sizing', 'compile')}, default=str), flush=True)
    print('\nMFU = 6 x non-embedding parameters x real tokens/s (evaluation and checkpoints included for ours) / '
          f'{a.peak_tflops:g} TFLOP/s dense bf16' + ('' if cuda else ' (not meaningful on a CPU)'))
    print(table(results, a.peak_tflops * 1e12))


if __name__ == '__main__': main()
