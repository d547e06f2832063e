"""Reward server throughput: stories/s through `litbench_serve`'s HTTP server at concurrency 1 and 8, against the same
model scoring the same stories in-process (`RewardModel.score`, batches of 16) measured in the same run.

Not a test. Each repeat interleaves the three modes; medians reported. At concurrency 8 the server merges requests
that arrive together into one forward pass (the `Batcher`), so it can beat one-request-at-a-time serving. The model is
the base checkpoint with an untrained score head (its speed is a trained model's speed). Usage (a few minutes on a
2-core CPU with smollm2-135m; seconds with tiny-random):

    PYTHONPATH=. python bench/serve_bench.py [--model smollm2-135m] [--requests 16] [--per_request 4] [--repeats 3] [--out bench/results/DATE_serve_bench.json]
"""
import argparse, json, platform, statistics, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
import torch
from litbench.data import sample_train
from litbench.scoring import RewardModel, InputFormat
from litbench.serve import RewardServer


def post(url, obj):
    req = urllib.request.Request(url, data=json.dumps(obj).encode(), headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=600) as r: return json.loads(r.read())['rewards']


def through_server(srv, reqs, conc):
    "Stories/s sending `reqs` (lists of stories) to /get_reward from `conc` threads."
    t = time.perf_counter()
    with ThreadPoolExecutor(conc) as ex: out = list(ex.map(lambda q: post(srv.url + '/get_reward', dict(query=q)), reqs))
    assert sum(map(len, out)) == sum(map(len, reqs))
    return sum(map(len, reqs)) / (time.perf_counter() - t)


def cpu_name():
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='smollm2-135m'); ap.add_argument('--requests', type=int, default=16)
    ap.add_argument('--per_request', type=int, default=4); ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--max_length', type=int, default=512); ap.add_argument('--out', default='')
    a = ap.parse_args()
    rm = RewardModel.from_pretrained(a.model, device='cpu', precision='fp32'); rm.fmt = InputFormat(a.max_length)
    stories = sample_train(a.requests * a.per_request, seed=7).chosen_story.tolist()[:a.requests * a.per_request]
    reqs = [stories[i:i + a.per_request] for i in range(0, len(stories), a.per_request)]
    rm.score(stories[:4])  # warm-up
    res = {'in-process': [], 'server c=1': [], 'server c=8': []}
    with RewardServer(rm, wait_s=0.01) as srv:
        post(srv.url + '/score', dict(stories=stories[:2]))
        for r in range(a.repeats):
            t = time.perf_counter(); rm.score(stories, batch_size=16); res['in-process'].append(len(stories) / (time.perf_counter() - t))
            res['server c=1'].append(through_server(srv, reqs, 1))
            calls = srv.batcher.calls; res['server c=8'].append(through_server(srv, reqs, 8))
            print(f'repeat {r}: ' + ', '.join(f'{k} {v[-1]:.1f}' for k, v in res.items()) + f' stories/s; c=8 took {srv.batcher.calls - calls} forward calls for {len(reqs)} requests', flush=True)
    med = {k: round(statistics.median(v), 2) for k, v in res.items()}
    base = med['in-process']
    summary = dict(model=a.model, stories=len(stories), per_request=a.per_request, max_length=a.max_length, repeats=a.repeats,
                   cpu=cpu_name(), threads=torch.get_num_threads(), median_stories_per_s=med,
                   ratio_to_in_process={k: round(v / base, 3) for k, v in med.items()})
    print(json.dumps(summary, indent=1))
    if a.out: open(a.out, 'w').write(json.dumps(summary, indent=1) + '\n')


if __name__ == '__main__': main()
