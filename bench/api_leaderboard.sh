#!/usr/bin/env bash
# The sample test set's leaderboard without trained models: SmolLM2-135M-Instruct zero-shot judged locally (logits) and served by
# `transformers serve` judged through the API (parsed text), the longer story and chance, on the same synthetic pairs.
# Run from an empty directory: PYTHONPATH=<repo> bash <repo>/bench/api_leaderboard.sh   (results of one run: bench/results/2026-12-06_api_leaderboard.md)
set -e
export OMP_NUM_THREADS=2
P=${PYTHON:-python}
$P -m litbench.data --out data --n_train 8 --n_test 24 --n_rationales 8 > /dev/null
$P -m litbench.evaluate --kind zero-shot --both_orders --max_length 512 --test data/reference_rehydrated.csv --output eval_zs/metrics.json | tail -3
$P -m litbench.evaluate --kind length,random --test data/reference_rehydrated.csv --output eval_base/metrics.json | tail -3
$P - <<'PY'
import subprocess, sys, time
from litbench.emulator import TransformersServe
from litbench.models import smollm2_dir
with TransformersServe(smollm2_dir(), threads=2) as s:
    t = time.time()
    subprocess.run([sys.executable, '-m', 'litbench.evaluate', '--kind', 'api', '--api_base', s.url, '--api_model', s.model, '--both_orders',
                    '--max_new_tokens', '8', '--concurrency', '2', '--test', 'data/reference_rehydrated.csv', '--output', 'eval_api/metrics.json'], check=True)
    print(f'api eval {time.time() - t:.0f} s, server up in {s.started_s:.0f} s')
PY
$P -m litbench.leaderboard --runs eval_zs,eval_api,eval_base --output lb
