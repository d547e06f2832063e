"""GPU training benchmark: the original's padding to max_length vs ours (length-grouped dynamic padding) vs packed
(token-budget rows, FlexAttention document mask), for the Bradley-Terry reward model and GenRM SFT, in one run.

Not a test. A random-init model of a named shape (no hub needed), random token ids with LitBench-like lengths
(lognormal, median ~550 tokens, clipped at 3,000, then cut to max_length), float32 master weights under bf16 autocast
on bf16 GPUs, fused AdamW, one optimizer step per micro-batch. Prints pairs/s (examples/s for SFT), real tokens/s,
MFU = 6 * params * real tokens/s against the GPU's nominal dense bf16 peak (the usual convention; also with the
embedding matrix left out of params, since its lookup is no matmul) AND against a bf16 matmul measured in the same run,
and peak memory. Medians over the timed steps. Usage:

    python bench/gpu_bench.py --shape llama-1b                      # on a CUDA machine, offline
    python bench/gpu_bench.py --device cpu --shape tiny --steps 2   # a CPU dry run of every code path
"""
import argparse, json, math, statistics, sys, time, traceback
from contextlib import nullcontext
import numpy as np
import torch
from litbench.packrows import pack_bins, pack_rows, packed_mask, bt_collate, sft_collate, packed_rewards, packed_sft_loss_sum

SHAPES = {  # LlamaConfig fields; vocab 128,256 as Llama-3 (the SmolLM2 tokenizer's 49,152 gives 1.07 B at 1B shape)
    'tiny': dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, vocab_size=49152),
    'llama-1b': dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32, num_key_value_heads=8,
                     vocab_size=128256, rope_theta=500000.0, tie_word_embeddings=True),
    'llama-8b': dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                     vocab_size=128256, rope_theta=500000.0, tie_word_embeddings=False),
}
PEAKS = {'H200': 989e12, 'H100': 989e12, 'H800': 989e12, 'A100': 312e12, 'L40S': 362e12, 'A10G': 125e12, 'L4': 121e12}  # dense bf16


def nominal_peak(device):
    if device.type != 'cuda': return None
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in PEAKS.items() if k in name), None)


def matmul_tflops(device, n=8192, reps=10):
    "Median bf16 (float32 on CPU) TFLOP/s of an n^3 matmul: what this device reaches on dense work."
    dt = torch.bfloat16 if device.type == 'cuda' else torch.float32
    a, b = torch.randn(n, n, device=device, dtype=dt), torch.randn(n, n, device=device, dtype=dt)
    ts = []
    for i in range(reps + 2):
        sync(device); t = time.perf_counter(); a @ b; sync(device)
        if i >= 2: ts.append(time.perf_counter() - t)
    return 2 * n**3 / statistics.median(ts) / 1e12


def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize(device)


def lengths(n, max_length, seed, median=550, sigma=0.6, clip=3000):
    "LitBench-like story lengths in tokens (EOS included), cut to max_length."
    rng = np.random.default_rng(seed)
    x = np.clip(rng.lognormal(math.log(median), sigma, n), 20, clip).astype(int)
    return np.minimum(x, max_length).tolist()


def make_model(kind, shape, device, attn, grad_ckpt):
    from transformers import LlamaConfig, LlamaForSequenceClassification, LlamaForCausalLM
    cfg = LlamaConfig(**SHAPES[shape], max_position_embeddings=8192, pad_token_id=0, num_labels=1)
    cfg._attn_implementation = attn
    cls = LlamaForSequenceClassification if kind == 'bt' else LlamaForCausalLM
    with torch.device(device): model = cls(cfg)
    if grad_ckpt: model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=dict(use_reentrant=False))
    return model.train()


def padded(seqs, pad_to=None):
    "A right-padded batch of `seqs` (to `pad_to` or the longest)."
    T = pad_to or max(map(len, seqs))
    x = torch.zeros((len(seqs), T), dtype=torch.long)
    for i, s in enumerate(seqs): x[i, :len(s)] = torch.tensor(s)
    return x, (torch.arange(T) < torch.tensor([len(s) for s in seqs])[:, None]).long()


def micro_batches(task, mode, items, args):
    "Micro-batches (lists of items) of each batching mode."
    n = len(items)
    if mode == 'packed':
        cost = [len(i['chosen_ids']) + len(i['rejected_ids']) if task == 'bt' else len(i['input_ids']) for i in items]
        return [[items[j] for j in b] for b in pack_bins(cost, args.max_tokens)]
    k = args.pairs if task == 'bt' else args.examples
    order = list(range(n))
    if mode == 'grouped':  # length-grouped: sort within mega-batches of 50 micro-batches, as Trainer's group_by_length
        key = (lambda i: max(len(items[i]['chosen_ids']), len(items[i]['rejected_ids']))) if task == 'bt' else (lambda i: len(items[i]['input_ids']))
        mega = 50 * k
        order = [j for s in range(0, n, mega) for j in sorted(order[s:s + mega], key=key, reverse=True)]
    return [[items[j] for j in order[s:s + k]] for s in range(0, n - k + 1, k)]


def step_loss(task, mode, model, batch, args, device):
    "Loss of one micro-batch, and its real tokens."
    if mode == 'packed':
        coll = bt_collate if task == 'bt' else sft_collate
        b = {k: v.to(device) if torch.is_tensor(v) else v for k, v in coll(batch, 0, args.pad_to).items()}
        if task == 'bt':
            c, r = packed_rewards(model, b)
            return -torch.nn.functional.logsigmoid(c - r).mean(), int((b['doc_ids'] >= 0).sum())
        s, n = packed_sft_loss_sum(model, b)
        return s / max(n, 1), int((b['doc_ids'] >= 0).sum())
    pad_to = (args.max_length if task == 'bt' else args.sft_max_length) if mode == 'original' else None
    if task == 'bt':
        x, m = padded([p['chosen_ids'] for p in batch] + [p['rejected_ids'] for p in batch], pad_to)
        x, m = x.to(device), m.to(device)
        r = model(input_ids=x, attention_mask=m, use_cache=False).logits[:, 0].float()
        c, rj = r.chunk(2)
        return -torch.nn.functional.logsigmoid(c - rj).mean(), int(m.sum())
    x, m = padded([e['input_ids'] for e in batch], pad_to)
    lab = torch.full_like(x, -100)
    for i, e in enumerate(batch): lab[i, :len(e['input_ids'])] = torch.where(torch.tensor(e['completion_mask']) == 1, torch.tensor(e['input_ids']), -100)
    x, m, lab = x.to(device), m.to(device), lab.to(device)
    return model(input_ids=x, attention_mask=m, labels=lab, use_cache=False).loss, int(m.sum())


def items_for(task, args, vocab, seed):
    g = np.random.default_rng(seed)
    ids = lambda n: g.integers(3, vocab - 1, n).tolist() + [1]  # random ids, EOS=1 last
    if task == 'bt':
        L = lengths(2 * args.n_items, args.max_length, seed)
        return [dict(chosen_ids=ids(L[2*i] - 1), rejected_ids=ids(L[2*i+1] - 1)) for i in range(args.n_items)]
    L = lengths(2 * args.n_items, args.max_length, seed)  # a GenRM example shows two stories + ~80 tokens of instructions
    out = []
    for i in range(args.n_items):
        n = min(L[2*i] + L[2*i+1] + 80, args.sft_max_length) - args.answer_tokens
        out.append(dict(input_ids=ids(n - 1) + ids(args.answer_tokens - 1), completion_mask=[0]*n + [1]*args.answer_tokens))
    return out


def run_mode(task, mode, args, device, nominal, measured):
    compiled = args.compile or mode.endswith('_compiled')
    mode = mode.replace('_compiled', '')
    attn = ('flex_attention' if device.type == 'cuda' and not args.no_flex else 'sdpa') if mode == 'packed' else 'sdpa'
    torch.manual_seed(0)
    model = make_model(task, args.shape, device, attn, args.grad_ckpt)
    nparams = sum(p.numel() for p in model.parameters())
    nembed = model.get_input_embeddings().weight.numel()  # a lookup, not a matmul (BT has no LM head to tie it to)
    if compiled: model = torch.compile(model, dynamic=True if mode != 'packed' else None)  # packed rows have one shape
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, fused=device.type == 'cuda')
    ac = torch.autocast('cuda', dtype=torch.bfloat16) if device.type == 'cuda' and torch.cuda.is_bf16_supported() else nullcontext()
    items = items_for(task, args, getattr(model, '_orig_mod', model).config.vocab_size, args.seed)
    mbs = micro_batches(task, mode, items, args)
    need = args.warmup + args.steps
    mbs = (mbs * math.ceil(need / max(1, len(mbs))))[:need]
    if device.type == 'cuda': torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats(device)
    times, toks, n_items = [], [], []
    for i, b in enumerate(mbs):
        sync(device); t = time.perf_counter()
        with ac: loss, nt = step_loss(task, mode, model, b, args, device)
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        sync(device)
        if i >= args.warmup: times.append(time.perf_counter() - t); toks.append(nt); n_items.append(len(b))
    peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == 'cuda' else None
    # rates over the timed steps (sums, so micro-batches of different sizes weigh by their time); per-step medians beside
    T = sum(times)
    r = dict(task=task, mode=mode + ('_compiled' if compiled else ''), attn=attn, params=nparams, micro_batches=len(times), items_per_s=sum(n_items) / T,
             tokens_per_s=sum(toks) / T, median_step_s=statistics.median(times), mean_items_per_micro=sum(n_items) / len(n_items),
             mean_tokens_per_micro=sum(toks) / len(toks), peak_mem_gib=peak, loss=float(loss.detach()))
    flops = 6 * nparams * r['tokens_per_s']
    r['mfu_nominal'] = flops / nominal if nominal else None
    r['mfu_nominal_non_embedding'] = 6 * (nparams - nembed) * r['tokens_per_s'] / nominal if nominal else None
    r['mfu_vs_matmul'] = flops / (measured * 1e12)
    del model, opt
    if device.type == 'cuda': torch.cuda.empty_cache()
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--device', default='cuda'); ap.add_argument('--shape', default='llama-1b', choices=sorted(SHAPES))
    ap.add_argument('--tasks', default='bt,sft')
    ap.add_argument('--modes', default='original,grouped,packed', help='any of original, grouped, packed, packed_compiled (torch.compile)')
    ap.add_argument('--steps', type=int, default=10, help='timed micro-batches per mode')
    ap.add_argument('--warmup', type=int, default=3, help='untimed micro-batches per mode (compilation, allocator)')
    ap.add_argument('--pairs', type=int, default=8, help='BT pairs per padded micro-batch (the paper: 8)')
    ap.add_argument('--examples', type=int, default=2, help='SFT examples per padded micro-batch (the paper: 2)')
    ap.add_argument('--max_tokens', type=int, default=16384, help='token budget of a packed micro-batch')
    ap.add_argument('--max_length', type=int, default=2048, help='BT tokens per story')
    ap.add_argument('--sft_max_length', type=int, default=4096, help='SFT tokens per example (prompt with two stories + verdict)')
    ap.add_argument('--answer_tokens', type=int, default=5, help='completion tokens per SFT example (`Preferred: A` + EOS)')
    ap.add_argument('--n_items', type=int, default=600); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--compile', action='store_true', help='torch.compile every mode')
    ap.add_argument('--grad_ckpt', action='store_true', help='gradient checkpointing')
    ap.add_argument('--no_flex', action='store_true', help='packed with sdpa and a dense 4-D mask instead of FlexAttention')
    ap.add_argument('--out', default='', help='write the results as JSON here')
    args = ap.parse_args()
    device = torch.device(args.device)
    if device.type == 'cuda' and not torch.cuda.is_available(): sys.exit('no CUDA device: pass --device cpu')
    if args.shape == 'tiny': args.max_length, args.sft_max_length = min(args.max_length, 256), min(args.sft_max_length, 512)
    if args.shape == 'tiny': args.max_tokens = min(args.max_tokens, 2048)
    # FlexAttention kernels compile per row shape: every packed row is padded to the whole budget (one shape, one compilation)
    args.pad_to = (128 if args.no_flex else args.max_tokens) if device.type == 'cuda' else 1
    measured = matmul_tflops(device, 8192 if device.type == 'cuda' else 1024)
    nominal = nominal_peak(device)
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'
    print(f'device {name}  torch {torch.__version__}  measured matmul {measured:.3g} TFLOP/s  nominal peak '
          f'{nominal/1e12 if nominal else float("nan"):.0f} TFLOP/s  shape {args.shape}', flush=True)
    res = []
    for task in args.tasks.split(','):
        for mode in args.modes.split(','):
            try: r = run_mode(task, mode, args, device, nominal, measured)
            except torch.OutOfMemoryError: r = dict(task=task, mode=mode, error='out of memory')
            except Exception as e: r = dict(task=task, mode=mode, error=f'{type(e).__name__}: {str(e)[:300]}')
            if 'error' in r:
                import gc; gc.collect()
                if device.type == 'cuda': torch.cuda.empty_cache()
            res.append(r); save(args, name, measured, nominal, res)  # after every mode: a run cut short keeps what it measured
            if 'error' in r: print(f'{task:4} {mode:9} {r["error"]}', flush=True); continue
            base = next((x for x in res if x['task'] == task and x['mode'] == 'original' and 'error' not in x), None)
            ratio = f'{r["items_per_s"] / base["items_per_s"]:.2f}x original' if base else ''
            mfu = f'{r["mfu_nominal"]:.1%} ({r["mfu_nominal_non_embedding"]:.1%} without embeddings)' if r['mfu_nominal'] is not None else 'n/a'
            mem = f'{r["peak_mem_gib"]:.1f} GiB' if r['peak_mem_gib'] is not None else 'n/a'
            print(f'{task:4} {mode:15} {r["items_per_s"]:8.2f} {"pairs" if task == "bt" else "examples"}/s  {r["tokens_per_s"]:10.0f} tok/s  '
                  f'MFU {mfu} (nominal)  {r["mfu_vs_matmul"]:.1%} (of measured matmul)  peak {mem}  {ratio}', flush=True)
    return save(args, name, measured, nominal, res)


def save(args, name, measured, nominal, res):
    out = dict(device=name, torch=torch.__version__, measured_matmul_tflops=measured, nominal_peak_tflops=nominal and nominal / 1e12,
               args=vars(args), results=res)
    if args.out:
        with open(args.out, 'w') as f: json.dump(out, f, indent=1)
    return out


if __name__ == '__main__': main()
