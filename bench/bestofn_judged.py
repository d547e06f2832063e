"""Best-of-n against a random candidate, judged by a GenRM: does a reward model's pick beat chance?

Not a test. For each sample writing prompt, SmolLM2 writes n stories (`litbench.serve.write_candidates`); the picker (a
trained BT or GenRM directory) picks one with `best_of_n_table`; a different candidate of the same prompt is drawn at
random (seeded); the judge (a trained GenRM directory, or a zero-shot instruct model) compares pick and random draw in
both orders. Reports the mean P(pick preferred), the share of prompts where the pick wins, and a bootstrap 95% interval.
Usage (minutes on a 2-core CPU):

    PYTHONPATH=. python bench/bestofn_judged.py --picker runs/bt_sample --judge runs/genrm_sample [--prompts 12] [--n 4] [--out bench/results/DATE_bestofn_judged.json]
"""
import argparse, json, random, time
import numpy as np
import pandas as pd
from litbench.data import sample_train
from litbench.judge import GenRM
from litbench.metrics import bootstrap_ci
from litbench.reward import best_of_n_table, win_probs
from litbench.serve import write_candidates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--picker', required=True); ap.add_argument('--judge', required=True)
    ap.add_argument('--generator', default='smollm2-135m'); ap.add_argument('--prompts', type=int, default=12)
    ap.add_argument('--n', type=int, default=4); ap.add_argument('--max_new_tokens', type=int, default=128)
    ap.add_argument('--seed', type=int, default=0); ap.add_argument('--candidates', default='', help='reuse a candidates csv (prompt, story)')
    ap.add_argument('--out', default='')
    a = ap.parse_args()
    t0 = time.time()
    if a.candidates: cands = pd.read_csv(a.candidates, keep_default_na=False)
    else:
        prompts = sample_train(200, seed=a.seed + 11).prompt.drop_duplicates().tolist()[:a.prompts]
        cands = write_candidates(a.generator, prompts, a.n, a.max_new_tokens, seed=a.seed)
        cands.to_csv((a.out or 'bench/bestofn_judged.json').rsplit('.', 1)[0] + '_candidates.csv', index=False)
    t_gen = time.time() - t0
    scored = best_of_n_table(a.picker, cands)
    rng = random.Random(a.seed)
    picks, rands, ps = [], [], []
    for p, g in scored.groupby('prompt', sort=False):
        best = g[g.best].story.iloc[0]
        picks.append(best); rands.append(rng.choice(g[~g.best].story.tolist())); ps.append(p)
    judge = GenRM.from_pretrained(a.judge, device='cpu')
    pw = win_probs(judge, picks, rands, ps)
    lo, hi = bootstrap_ci(pw)
    res = dict(picker=a.picker, judge=a.judge, generator=a.generator, prompts=len(picks), candidates_per_prompt=a.n,
               mean_p_pick_preferred=round(float(pw.mean()), 3), ci95=[round(lo, 3), round(hi, 3)],
               pick_wins=int((pw > 0.5).sum()), ties=int((pw == 0.5).sum()), judge_method=judge.stats.get('method'),
               judge_position_bias=judge.position_bias, pick_longer_share=round(float(np.mean([len(x.split()) > len(y.split()) for x, y in zip(picks, rands)])), 3),
               generate_s=round(t_gen, 1), total_s=round(time.time() - t0, 1))
    print(json.dumps(res, indent=1))
    if a.out: open(a.out, 'w').write(json.dumps(res, indent=1) + '\n')


if __name__ == '__main__': main()
