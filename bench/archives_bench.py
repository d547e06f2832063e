"""Archive-source benchmark (not a timed test): rehydration without Reddit API credentials.

    PYTHONPATH=. nice -n 10 python bench/archives_bench.py [--n_pairs 2250] [--lines 1000000] [--fault_rate 0.0]

1. Arctic Shift API, emulated: the synthetic test set (~3,400 unique comments, ~1,500 posts at the default size) rehydrated
   through the local emulator's `/api/comments/ids` and `/api/posts/ids` with `--latency` per request and litbench's
   polite pace (one request a second). Reports requests against the floor ceil(C/500) + ceil(P/500), retries, wall time,
   and whether the CSV equals the generator's reference rehydration.
2. Dump scanning: a generated comment dump of `--lines` archive-like lines (about 1 KB each, the fields real dumps
   carry, bodies of random words) with the test set's comments spread through it, zstd-compressed with a long window as the real dumps are.
   Each measurement runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own:
     - baseline: decompress the file and split lines, nothing else (the floor a scanner cannot beat);
     - scan: `litbench.archives.scan_dump` for the test set's comment IDs (what `--source dump` does);
     - the same scan on a dump a quarter as long, to show that peak memory does not grow with the file.
   Lines/s and MB/s (compressed and decompressed) on one core; the ratio scan / baseline is the number to compare
   across machines.
"""
import argparse, json, math, random, subprocess, sys, tempfile, time
from pathlib import Path
from litbench.data import sample_test
from litbench.reddit import RedditEmulator
from litbench.archives import write_dump
from litbench.rehydrate import rehydrate
from litbench.fetch import read_pairs
from litbench.tables import REHYDRATED_NAME

_FIELDS = dict(all_awardings=[], archived=False, associated_award=None, author_flair_background_color=None,
               author_flair_css_class=None, author_flair_richtext=[], author_flair_template_id=None, author_flair_text=None,
               author_flair_type='text', author_fullname='t2_abcdefg', author_patreon_flair=False, author_premium=False,
               can_gild=True, collapsed=False, controversiality=0, distinguished=None, edited=False, gilded=0, gildings={},
               is_submitter=False, locked=False, no_follow=True, retrieved_on=1700100000, send_replies=True, stickied=False,
               subreddit='WritingPrompts', subreddit_id='t5_2s3nb', top_awarded_type=None, total_awards_received=0)


_WORDS = [w.encode() for w in ('the a of and to in was she he it that night door light old hand sea city rain voice time never '
          'always dragon ship letter king machine memory star garden silence storm river window fire blood clock child '
          'ghost mirror road winter moon story said asked looked turned whispered ran fell knew remembered').split()]


def filler(n:int, seed:int=0):
    "`n` archive-like comment lines (bytes) with IDs no test set uses; bodies of random words, so they compress like text."
    rng, tail = random.Random(seed), json.dumps(_FIELDS).encode()[1:]
    for i in range(n):
        body = b' '.join(rng.choices(_WORDS, k=rng.randint(10, 60)))
        yield (b'{"id":"z%06x","link_id":"t3_zz%04x","parent_id":"t3_zz%04x","score":%d,"created_utc":%d,"author":"user%d",'
               b'"body":"%s"' % (i, i % 65536, i % 65536, i % 300, 1700000000 + i, i % 997, body)) + b',' + tail


def spread(n:int, comments:list):
    "`n` filler lines with `comments` spread evenly among them."
    step = max(1, n // max(1, len(comments)))
    k = 0
    for i, line in enumerate(filler(n)):
        yield line
        if i % step == 0 and k < len(comments): yield json.dumps(comments[k]).encode(); k += 1
    for c in comments[k:]: yield json.dumps(c).encode()


_CHILD = r'''
import json, resource, sys, time
from pathlib import Path
mode, path, names = sys.argv[1], Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text())
from litbench.archives import scan_dump, open_dump
t = time.perf_counter(); st = dict(lines=0, malformed=0, bytes=0, raw_bytes=0)
if mode == 'baseline':
    stream, f = open_dump(path); rest = b''
    with f:
        while True:
            block = stream.read(1 << 20)
            st['raw_bytes'] += len(block)
            lines = (rest + block).split(b'\n'); rest = lines.pop() if block else b''
            st['lines'] += sum(1 for l in lines if l)
            if not block: break
        st['bytes'] = f.tell()
    found = 0
else: found = len(scan_dump(path, names, stats=st, progress=False))
dt = time.perf_counter() - t
print(json.dumps(dict(st, found=found, seconds=dt, cpu_s=time.process_time(), peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)))
'''


def child(mode:str, path:Path, names_file:Path) -> dict:
    "Run one measurement in a fresh interpreter; its JSON result."
    out = subprocess.run([sys.executable, '-c', _CHILD, mode, str(path), str(names_file)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def bench_arctic(a, d:Path) -> dict:
    ids, snap, ref = sample_test(a.n_pairs, a.seed)
    ids.to_csv(d/'ids.csv', index=False)
    pairs = read_pairs(d/'ids.csv')
    with RedditEmulator(snap, latency=a.latency, fault_rate=a.fault_rate, client_timeout=5) as emu:
        t = time.monotonic()
        rep = rehydrate(d/'ids.csv', d/'arctic', source='arctic-shift', arctic_url=emu.url, progress=False, verbose=False)
        wall, served = time.monotonic() - t, emu.stats['api']
    q, same = rep['requests'], (d/'arctic'/REHYDRATED_NAME).read_text() == ref.to_csv(index=False)
    print(f"Arctic Shift (emulated, {a.latency*1000:.0f} ms latency, fault rate {a.fault_rate}): {len(pairs)} pairs, "
          f"{rep['comments']} comments, {rep['posts']} posts -> {served} requests served, floor {q['floor']} = "
          f"ceil({rep['comments']}/500) + ceil({rep['posts']}/500), retries {q['retries']}, wall {wall:.1f} s "
          f"(pace 1 request/s), CSV == reference: {same}")
    return dict(pairs=len(pairs), comments=rep['comments'], posts=rep['posts'], requests=served, floor=q['floor'],
                retries=q['retries'], wall_s=round(wall, 1), csv_equals_reference=same, snap=snap)


def bench_dump(a, d:Path, snap:dict) -> dict:
    cm = list(snap['comments'].values())
    names = d/'names.json'; names.write_text(json.dumps([f"t1_{c['id']}" for c in cm]))
    res = {}
    for label, n in (('full', a.lines), ('quarter', a.lines // 4)):
        p = d/f'RC_{label}.zst'
        t = time.monotonic(); write_dump(spread(n, cm), p); gen = time.monotonic() - t
        base, scans = child('baseline', p, names), [child('scan', p, names) for _ in range(a.repeats)]
        scan = sorted(scans, key=lambda s: s['seconds'])[len(scans)//2]  # the median run
        assert scan['found'] == len(cm), scan
        rate = lambda s: (s['lines']/s['seconds'], s['raw_bytes']/s['seconds']/1e6, s['bytes']/s['seconds']/1e6)
        (lb, rb, cb), (ls, rs, cs) = rate(base), rate(scan)
        print(f"dump {label}: {scan['lines']:,} lines, {p.stat().st_size/1e6:,.1f} MB compressed, {scan['raw_bytes']/1e6:,.0f} MB "
              f"decompressed (written in {gen:.1f} s)")
        print(f"  baseline (decompress + split only): {lb:,.0f} lines/s, {rb:,.0f} MB/s decompressed, {cb:,.1f} MB/s compressed, "
              f"peak {base['peak_mb']:.0f} MB")
        print(f"  scan (median of {a.repeats}):           {ls:,.0f} lines/s, {rs:,.0f} MB/s decompressed, {cs:,.1f} MB/s compressed, "
              f"peak {scan['peak_mb']:.0f} MB, {scan['seconds']:.2f} s wall / {scan['cpu_s']:.2f} s CPU; "
              f"scan/baseline speed {ls/lb:.2f}; found {scan['found']} of {len(cm)}")
        lc = scan['lines']/scan['cpu_s']  # per CPU second: what one uncontended core does (wall time suffers when cores are shared)
        print(f"  scan per CPU second: {lc:,.0f} lines/s, {scan['raw_bytes']/scan['cpu_s']/1e6:,.0f} MB/s decompressed, "
              f"{scan['bytes']/scan['cpu_s']/1e6:,.1f} MB/s compressed (baseline {base['lines']/base['cpu_s']:,.0f} lines/s)")
        res[label] = dict(lines=scan['lines'], compressed_mb=round(p.stat().st_size/1e6, 1), decompressed_mb=round(scan['raw_bytes']/1e6),
                          scan_lines_per_s=round(ls), scan_mb_s_decompressed=round(rs), scan_mb_s_compressed=round(cs, 1),
                          scan_peak_mb=round(scan['peak_mb']), baseline_lines_per_s=round(lb), baseline_peak_mb=round(base['peak_mb']),
                          scan_over_baseline=round(ls/lb, 2), scan_lines_per_cpu_s=round(scan['lines']/scan['cpu_s']),
                          baseline_lines_per_cpu_s=round(base['lines']/base['cpu_s']))
        p.unlink()
    print(f"peak memory, full vs quarter-size dump: {res['full']['scan_peak_mb']} MB vs {res['quarter']['scan_peak_mb']} MB")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--n_pairs', type=int, default=2250); ap.add_argument('--seed', type=int, default=2)
    ap.add_argument('--latency', type=float, default=0.25); ap.add_argument('--fault_rate', type=float, default=0.0)
    ap.add_argument('--lines', type=int, default=1_000_000); ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--json', default='', help='also write the results to this JSON file')
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix='archives-bench-') as d:
        d = Path(d)
        arctic = bench_arctic(a, d)
        dump = bench_dump(a, d, arctic.pop('snap'))
    if a.json: Path(a.json).write_text(json.dumps(dict(arctic=arctic, dump=dump), indent=1) + '\n')


if __name__ == '__main__': main()
