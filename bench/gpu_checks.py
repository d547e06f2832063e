"""Helpers for bench/gpu_run.sh on your (offline) GPU node: a random-init model directory of a named shape with the offline
tokenizer, LitBench-like training files, and the float32-master-weights check of finished runs.

    python bench/gpu_checks.py model --shape llama-1b --out /tmp/llama1b
    python bench/gpu_checks.py data --out /tmp/lb --n_pairs 800 --n_rationales 160
    python bench/gpu_checks.py masters RUN_DIR [RUN_DIR ...]
"""
import argparse, json, math, sys
from pathlib import Path
import numpy as np


def make_model(shape, out, dtype='bfloat16'):
    "A random-init Llama of `shape` saved with tiny-random's tokenizer (the SmolLM2 vocabulary), loadable as causal LM or reward model."
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from litbench.models import load_tokenizer
    sys.path.insert(0, str(Path(__file__).parent))
    from gpu_bench import SHAPES
    tok = load_tokenizer('tiny-random')
    cfg = LlamaConfig(**{**SHAPES[shape], 'vocab_size': len(tok)}, max_position_embeddings=8192, bos_token_id=tok.bos_token_id,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    torch.manual_seed(0)
    with torch.device('cuda' if torch.cuda.is_available() else 'cpu'): m = LlamaForCausalLM(cfg)
    m.to(getattr(torch, dtype)).save_pretrained(out); tok.save_pretrained(out)
    print(f'{shape}: {sum(p.numel() for p in m.parameters())/1e9:.2f} B parameters -> {out}')


def story(rng, words, n):
    "n words of filler prose in sentences and paragraphs."
    w = rng.choice(words, n)
    sents = [' '.join(w[i:i + 12]).capitalize() + '.' for i in range(0, n, 12)]
    return '\n\n'.join(' '.join(sents[i:i + 6]) for i in range(0, len(sents), 6))


def make_data(out, n_pairs, n_rationales, seed=0, median_words=420):
    "train.jsonl and rationales.jsonl with LitBench-like lengths (lognormal, ~550 tokens median, clipped at 3,000)."
    from litbench.data import sample_train, sample_rationales
    rng = np.random.default_rng(seed)
    words = np.array(('the of and a to in was he she it that with for as his her on at by had from they but not night door key '
                      'village river light storm letter clock garden window mother father city ship road dream voice silence morning').split())
    L = lambda: int(np.clip(rng.lognormal(math.log(median_words), 0.6), 20, 2300))
    out = Path(out); out.mkdir(parents=True, exist_ok=True)
    tr = sample_train(n_pairs, seed)
    tr['chosen_story'] = [story(rng, words, L()) for _ in range(n_pairs)]
    tr['rejected_story'] = [story(rng, words, L()) for _ in range(n_pairs)]
    tr.to_json(out/'train.jsonl', orient='records', lines=True)
    ra = sample_rationales(n_rationales, seed + 1)
    ra['story_a'] = [story(rng, words, L()) for _ in range(n_rationales)]
    ra['story_b'] = [story(rng, words, L()) for _ in range(n_rationales)]
    ra.to_json(out/'rationales.jsonl', orient='records', lines=True)
    print(f'{n_pairs} pairs, {n_rationales} rationales -> {out}')


def masters(runs):
    "Each finished run trained float32 master weights: saved tensors float32, and the precision it ran under."
    from safetensors import safe_open
    ok = True
    for d in map(Path, runs):
        dts = set()
        for f in d.glob('*.safetensors'):
            with safe_open(str(f), 'pt') as s: dts |= {str(s.get_slice(k).get_dtype()) for k in s.keys()}
        m = json.loads((d/'metrics.json').read_text()) if (d/'metrics.json').is_file() else {}
        prec = (m.get('precision') or {}).get('name')
        good = dts == {'F32'} and prec in ('bf16', 'fp16', 'fp32')
        ok &= good
        print(json.dumps(dict(run=str(d), saved_dtypes=sorted(dts), precision=prec, peak_gpu_memory_gib=m.get('peak_gpu_memory_gib'),
                              float32_masters=good)))
    return ok


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('model'); a.add_argument('--shape', default='llama-1b'); a.add_argument('--out', required=True)
    a = sub.add_parser('data'); a.add_argument('--out', required=True); a.add_argument('--n_pairs', type=int, default=800)
    a.add_argument('--n_rationales', type=int, default=160)
    a = sub.add_parser('masters'); a.add_argument('runs', nargs='+')
    args = ap.parse_args()
    if args.cmd == 'model': make_model(args.shape, args.out)
    elif args.cmd == 'data': make_data(args.out, args.n_pairs, args.n_rationales)
    else: sys.exit(0 if masters(args.runs) else 1)
