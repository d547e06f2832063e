"""Rehydration benchmark: litbench's batched pipeline against the original scripts' approach, in one run,
through the local Reddit API emulator with Reddit's budget (100 requests a minute) and 250 ms latency per request.

    PYTHONPATH=. python bench/rehydrate_bench.py [--n_pairs 2250] [--seed 2] [--workers 1,4] [--seed_subset 30] [--fault_rate 0.05]

Ours: `litbench.rehydrate.rehydrate` on the whole synthetic test set (~2,250 pairs, ~3,400 unique comments, ~1,500
posts), measured end to end, its CSV checked against the generator's reference rehydration.
The original approach (one lazy PRAW request per comment, plus one lazy request for the post title of each pair, no
de-duplication) cannot run to the end in a few minutes at 100 requests a minute, so:
  - its request count for the whole set is MEASURED exactly: the same code runs against an emulator without latency or
    budget, and the emulator counts the requests;
  - its wall time is measured on the first `--seed_subset` pairs at 100 rpm / 250 ms (a subset that fits in one
    minute's budget), and for the whole set COMPUTED from the emulator's rate budget (requests / 100 per minute, or
    requests x per-request time when that is longer).
"""
import argparse, math, sys, tempfile, time
from pathlib import Path
import pandas as pd
from litbench.data import sample_test
from litbench.reddit import RedditEmulator, reddit_client, request_floor
from litbench.rehydrate import rehydrate
from litbench.fetch import read_pairs
from litbench.tables import REHYDRATED_NAME


def seed_approach(reddit, pairs:pd.DataFrame) -> int:
    "The original scripts' loop: per pair, each comment read lazily (1 request each), then its post title (1 more)."
    done = 0
    for c_id, r_id in zip(pairs.chosen_comment_id, pairs.rejected_comment_id):
        try:
            c, r = reddit.comment(c_id), reddit.comment(r_id)
            _ = (c.body, c.author, c.score, c.created_utc, r.body, r.author, r.score, r.created_utc)
            _ = c.submission.title
            done += 1
        except Exception: pass  # the original swallowed errors into missing rows
    return done


def run_seed(snap, pairs, rpm, latency) -> tuple:
    "(requests the emulator received, wall seconds) of `seed_approach` on `pairs`."
    with RedditEmulator(snap, rpm=rpm, latency=latency) as emu:
        t = time.monotonic(); seed_approach(reddit_client(emu.site), pairs)
        return emu.stats['api'], time.monotonic() - t


def budget_time(n:int, per_req:float, rpm:int=100, window:float=60.) -> float:
    "Seconds for `n` sequential requests of `per_req` s each under a budget of `rpm` per `window`."
    full = max(0, math.ceil(n/rpm) - 1)  # windows that are used up and waited out
    return max(n*per_req, full*window + (n - full*rpm)*per_req)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--n_pairs', type=int, default=2250); ap.add_argument('--seed', type=int, default=2)
    ap.add_argument('--rpm', type=int, default=100); ap.add_argument('--latency', type=float, default=0.25)
    ap.add_argument('--workers', default='1,4'); ap.add_argument('--seed_subset', type=int, default=30)
    ap.add_argument('--fault_rate', type=float, default=0.0, help='share of our API requests that fail (5xx, 429, drops, timeouts)')
    a = ap.parse_args()
    d = Path(tempfile.mkdtemp(prefix='rehydrate-bench-'))
    ids, snap, ref = sample_test(a.n_pairs, a.seed)
    ids.to_csv(d/'test_ids.csv', index=False); ref_csv = ref.to_csv(index=False)
    pairs = read_pairs(d/'test_ids.csv')
    print(f'test set: {len(pairs)} pairs, {len(set(pairs.chosen_comment_id) | set(pairs.rejected_comment_id))} unique comments '
          f'({len(snap["comments"])} exist), {len(snap["posts"])} posts; emulator: {a.rpm} requests/min, {a.latency*1000:.0f} ms latency, '
          f'fault rate {a.fault_rate} for ours')
    rows = []
    for w in map(int, a.workers.split(',')):
        with RedditEmulator(snap, rpm=a.rpm, latency=a.latency, fault_rate=a.fault_rate, client_timeout=5, seed=w) as emu:
            t = time.monotonic()
            rep = rehydrate(d/'test_ids.csv', d/f'ours_{w}', max_workers=w, site=emu.site, progress=False, verbose=False)
            wall = time.monotonic() - t
            served = emu.stats['api']
        same = (d/f'ours_{w}'/REHYDRATED_NAME).read_text() == ref_csv
        q = rep['requests']
        rows.append(dict(approach=f'litbench, {w} worker(s)', requests=served, floor=q['floor'], retries=q['retries'],
                         wall_s=round(wall, 1), wall_kind='measured', csv_equals_reference=same))
        print(f"ours ({w} workers): {served} API requests (client counted {q['api']}, +{q['token']} token), floor {q['floor']} "
              f"= ceil({rep['comments']}/100) + ceil({rep['posts']}/100), retries {q['retries']}, wall {wall:.1f} s, "
              f"CSV == reference: {same}")
    sub = pairs.iloc[:a.seed_subset]
    n_sub, t_sub = run_seed(snap, sub, a.rpm, a.latency)
    print(f'original approach, first {len(sub)} pairs at {a.rpm} rpm / {a.latency*1000:.0f} ms: {n_sub} requests, '
          f'{t_sub:.1f} s measured ({t_sub/n_sub*1000:.0f} ms a request)')
    t = time.monotonic(); n_all, _ = run_seed(snap, pairs, 10**9, 0.0)
    print(f'original approach, all {len(pairs)} pairs without latency or budget: {n_all} requests (measured, '
          f'{time.monotonic()-t:.0f} s here)')
    est = budget_time(n_all, t_sub/n_sub, a.rpm)
    rows.append(dict(approach='original (1/comment + 1/title)', requests=n_all, floor=rows[0]['floor'], retries=0,
                     wall_s=round(est, 0), wall_kind=f'computed from the {a.rpm}/min budget', csv_equals_reference=None))
    print(); print(pd.DataFrame(rows).to_string(index=False)); print()
    best = min(r['wall_s'] for r in rows[:-1])
    for r in rows[:-1]:
        print(f"{r['approach']}: requests {r['requests']} vs floor {r['floor']} + retries {r['retries']} "
              f"({'within 5%' if r['requests'] <= 1.05*(r['floor'] + r['retries']) else 'MORE than 5% over'}); "
              f"{n_all/r['requests']:.0f}x fewer requests than the original; wall {r['wall_s']} s "
              f"({'under' if r['wall_s'] < 60 else 'OVER'} 60 s) vs {est/60:.0f} min")
    return 0 if all(r['csv_equals_reference'] for r in rows[:-1]) else 1


if __name__ == '__main__': sys.exit(main())
