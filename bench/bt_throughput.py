"""BT training throughput: our length-grouped dynamic batches vs the original's padding to max_length.

Not a test. Same model, optimizer, precision, pairs and batch size for both; only the batching differs.
Measured in one process, the two variants interleaved per repeat, medians reported, with the matmul
ceiling measured in the same run. Rates are per CPU-second of this process (process_time / threads), so
other jobs on a shared machine inflate them little; wall-clock rates are reported beside them. Usage (about 3-5 minutes on a 2-core CPU):

    PYTHONPATH=. python bench/bt_throughput.py [--model smollm2-135m] [--pairs 8] [--batch_pairs 2] [--repeats 3]
"""
import argparse, json, statistics, sys, time
from pathlib import Path
import numpy as np
import torch
from trl.trainer.reward_trainer import DataCollatorForPreference
from litbench.reward import InputFormat, encode
from litbench.data import sample_train
from litbench.models import load_base_model, freeze_lower


def matmul_gflops(dtype, n=2048, reps=5):
    "Median GFLOP/s of an n x n matmul in `dtype` (the CPU's ceiling for dense training)."
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b
    ts, cs = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time(); a @ b
        ts.append(time.perf_counter() - t); cs.append(time.process_time() - c)
    threads = torch.get_num_threads()
    return dict(wall=round(2 * n**3 / statistics.median(ts) / 1e9, 1), cpu=round(2 * n**3 * threads / statistics.median(cs) / 1e9, 1))


def reset_peak():
    "Reset the kernel's peak-RSS counter for this process (Linux)."
    try: Path('/proc/self/clear_refs').write_text('5')
    except OSError: pass


def peak_rss_mb():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024
    return float('nan')


def batches(pairs, batch_pairs, grouped):
    "Lists of pair indices: sorted by length (ours) or in the given order (the original's random batches)."
    idx = sorted(range(len(pairs)), key=lambda i: -pairs[i]['length']) if grouped else list(range(len(pairs)))
    return [idx[i:i + batch_pairs] for i in range(0, len(idx), batch_pairs)]


def run_epoch(model, opt, pairs, batch_pairs, pad_id, pad_to):
    "One pass over `pairs` as RewardTrainer computes it; returns (seconds, real tokens, padded tokens)."
    coll = DataCollatorForPreference(pad_token_id=pad_id, pad_to_multiple_of=pad_to)
    real = padded = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for b in batches(pairs, batch_pairs, grouped=pad_to is None):
        x = coll([pairs[i] for i in b])
        with torch.autocast('cpu', dtype=torch.bfloat16):
            r = model(input_ids=x['input_ids'], attention_mask=x['attention_mask'], use_cache=False).logits.squeeze(-1)
        c, j = r.float().chunk(2)
        loss = -torch.nn.functional.logsigmoid(c - j).mean()
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        real += int(x['attention_mask'].sum()); padded += x['input_ids'].numel()
    return time.perf_counter() - t0, (time.process_time() - c0) / torch.get_num_threads(), real, padded


def flops_per_token(model, freeze_layers):
    "Training FLOPs per token: 2N forward over the non-embedding weights + 4N backward over the layers that get gradients."
    base = model.base_model
    emb = base.get_input_embeddings().weight.numel()
    n_all = sum(p.numel() for p in model.parameters()) - emb
    n_bwd = sum(p.numel() for l in base.layers[freeze_layers:] for p in l.parameters()) + sum(
        p.numel() for n, p in model.named_parameters() if not n.startswith(('model.layers', 'model.embed')))
    return 2 * n_all + 4 * n_bwd, n_all


def bench(model_name, max_length, freeze, n_pairs, batch_pairs, repeats, with_padded, seed=0):
    model, tok = load_base_model(model_name, 'reward', dtype=torch.float32)
    freeze_lower(model, freeze)
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-6)
    df = sample_train(400, seed).sample(n_pairs, random_state=seed)
    fmt = InputFormat(max_length)
    c, _ = encode(tok, df.chosen_story.tolist(), max_length)
    r, _ = encode(tok, df.rejected_story.tolist(), max_length)
    pairs = [dict(chosen_ids=a, rejected_ids=b, length=max(len(a), len(b))) for a, b in zip(c, r)]
    run_epoch(model, opt, pairs[:batch_pairs], batch_pairs, tok.pad_token_id, None)  # warm-up
    res = {'ours': [], 'padded': []}
    for _ in range(repeats):
        for name, pad_to in (('ours', None), ('padded', max_length)) if with_padded else (('ours', None),):
            reset_peak()
            w, s, real, padded = run_epoch(model, opt, pairs, batch_pairs, tok.pad_token_id, pad_to)
            res[name].append(dict(s=s, wall=w, real=real, padded=padded, rss=peak_rss_mb()))
    fpt, n_nonemb = flops_per_token(model, freeze)
    out = dict(model=model_name, max_length=max_length, freeze_layers=freeze, pairs=n_pairs, batch_pairs=batch_pairs,
               repeats=repeats, params_nonembedding=n_nonemb, train_flops_per_token=fpt)
    for name, rs in res.items():
        if not rs: continue
        s = statistics.median(x['s'] for x in rs)
        out[name] = dict(seconds=round(s, 2), pairs_per_s=round(n_pairs / s, 3), real_tokens_per_s=round(rs[0]['real'] / s, 1),
                         computed_tokens_per_s=round(rs[0]['padded'] / s, 1), padding_overhead=round(rs[0]['padded'] / rs[0]['real'], 3),
                         peak_rss_mb=round(max(x['rss'] for x in rs)), cpu_seconds=[round(x['s'], 2) for x in rs],
                         wall_seconds=[round(x['wall'], 2) for x in rs],
                         wall_pairs_per_s=round(n_pairs / statistics.median(x['wall'] for x in rs), 3))
        out[name]['model_gflops'] = round(fpt * out[name]['real_tokens_per_s'] / 1e9, 1)
        out[name]['6N_gflops'] = round(6 * n_nonemb * out[name]['real_tokens_per_s'] / 1e9, 1)
    if res['padded']: out['pairs_per_s_ratio'] = round(out['ours']['pairs_per_s'] / out['padded']['pairs_per_s'], 2)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', default='smollm2-135m')
    ap.add_argument('--pairs', type=int, default=4, help='pairs per measured pass (the same pairs for both variants)')
    ap.add_argument('--batch_pairs', type=int, default=2, help='pairs per step (equal settings for both)')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--freeze_layers', type=int, default=27, help='as in the sample preset')
    ap.add_argument('--out', default='', help='write the results as JSON here')
    a = ap.parse_args()
    torch.manual_seed(0)
    t0 = time.time()
    ceil = dict(fp32=matmul_gflops(torch.float32), bf16=matmul_gflops(torch.bfloat16))
    runs = []
    for ml, fr, padded in ((256, a.freeze_layers, True),  # the sample preset's max_length
                           (2048, a.freeze_layers, True),  # the original's max_length
                           (2048, 0, False)):  # full fine-tuning, for the 6N ceiling
        runs.append(bench(a.model, ml, fr, a.pairs, a.batch_pairs, a.repeats, padded))
        print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    ceil_after = dict(fp32=matmul_gflops(torch.float32), bf16=matmul_gflops(torch.bfloat16))
    bf16 = statistics.median([ceil['bf16']['cpu'], ceil_after['bf16']['cpu']])
    for r in runs:
        for k in ('ours', 'padded'):
            if k in r: r[k]['fraction_of_bf16_matmul'] = round(r[k]['model_gflops'] / bf16, 3)
    res = dict(matmul_gflops_before=ceil, matmul_gflops_after=ceil_after, torch_threads=torch.get_num_threads(), runs=runs,
               wall_s=round(time.time() - t0, 1))
    print(json.dumps(res, indent=1))
    for r in runs:
        o, p = r['ours'], r.get('padded')
        print(f"max_length {r['max_length']:4} freeze {r['freeze_layers']:2}: ours {o['pairs_per_s']:.3f} pairs/s {o['real_tokens_per_s']:.0f} tok/s "
              f"({o['fraction_of_bf16_matmul']:.0%} of bf16 matmul, peak RSS {o['peak_rss_mb']} MB)"
              + (f" | padded {p['pairs_per_s']:.3f} pairs/s (peak RSS {p['peak_rss_mb']} MB) | ratio {r['pairs_per_s_ratio']}x" if p else ''))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__':
    main()
