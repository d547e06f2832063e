"""API judge throughput: `litbench.api.ApiJudge` at concurrency 1, 4 and 16, against the local emulator of the
chat-completions protocol (a fixed latency per answer, like a remote API) and against a real local server
(`transformers serve` of the offline SmolLM2-135M-Instruct on CPU). Every number is measured in this run; ratios are
against concurrency 1 measured here; each figure is the median of `--repeats` runs.

    PYTHONPATH=. python bench/api_bench.py [--latency 0.2] [--requests 48] [--repeats 3]
                                           [--server] [--server_requests 8] [--server_repeats 2] [--server_threads 2]

Each run asks distinct prompts with an empty answer store, so every prompt is a real request.
"""
import argparse, statistics, tempfile, time
from pathlib import Path
from litbench.api import ApiJudge
from litbench.emulator import Emulator, TransformersServe
from litbench.data import sample_rationales

LEVELS = (1, 4, 16)


def pairs(n:int, words:int, seed:int) -> tuple:
    "`n` distinct pairs of sample stories cut to `words` words (a new seed gives new prompts)."
    r = sample_rationales(n, seed=seed)
    cut = lambda s: ' '.join(s.split()[:words])
    return [f'{i}. ' + cut(s) for i, s in enumerate(r.story_a)], [cut(s) for s in r.story_b]


def measure(url:str, model:str, n:int, words:int, repeats:int, max_tokens:int) -> dict:
    "Median requests per second at each concurrency level, each repeat on fresh prompts."
    out = {}
    for c in LEVELS:
        rates = []
        for r in range(repeats):
            a, b = pairs(n, words, seed=1000 * c + r)
            j = ApiJudge(url, model, concurrency=c)  # answers kept in memory only: nothing is reused across runs
            t = time.perf_counter(); j.judge(a, b, max_new_tokens=max_tokens)
            rates.append(n / (time.perf_counter() - t))
            assert j.stats['requests_sent'] == n, j.stats
        out[c] = dict(median=statistics.median(rates), all=[round(x, 3) for x in rates])
    return out


def report(title:str, res:dict):
    base = res[1]['median']
    print(title)
    for c, v in res.items():
        print(f"  concurrency {c:>2}: {v['median']:8.3f} requests/s (median of {v['all']})  x{v['median'] / base:.2f} vs concurrency 1")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--latency', type=float, default=.2, help='emulator seconds per answer')
    ap.add_argument('--requests', type=int, default=48, help='emulator requests per measurement')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--server', action='store_true', help='also measure transformers serve with SmolLM2-135M (slow on a CPU)')
    ap.add_argument('--server_requests', type=int, default=8)
    ap.add_argument('--server_repeats', type=int, default=2)
    ap.add_argument('--server_threads', type=int, default=2, help='OMP threads of the server process')
    ap.add_argument('--server_words', type=int, default=30, help='words per story sent to the server')
    args = ap.parse_args()
    with Emulator(latency=args.latency) as emu:
        report(f'emulator, {args.latency * 1000:.0f} ms per answer, {args.requests} requests:',
               measure(emu.url, 'emulator', args.requests, 60, args.repeats, 16))
    if args.server:
        from litbench.models import smollm2_dir
        with TransformersServe(smollm2_dir(), threads=args.server_threads, log=Path(tempfile.mkdtemp())/'serve.log') as srv:
            print(f'transformers serve up in {srv.started_s:.1f} s')
            report(f'transformers serve, SmolLM2-135M on CPU ({args.server_threads} threads), {args.server_requests} requests '
                   f'of {args.server_words}-word stories, 4 answer tokens:',
                   measure(srv.url, srv.model, args.server_requests, args.server_words, args.server_repeats, 4))


if __name__ == '__main__':
    main()
