#!/usr/bin/env bash
# Training throughput and end-to-end checks of litbench on your GPU node (CUDA; no internet needed). From the repo root:
#
#   bash bench/gpu_wheels.sh              # once, on a machine with internet: the wheelhouse .whl/ (see that script)
#   (copy the repo with .whl/ to the node)
#   bash bench/gpu_install.sh             # on the node: pip install --no-index --find-links .whl ...
#   bash bench/gpu_run.sh                 # on the node: everything below; log and JSON under $OUT (default ./gpu_out)
#
# The model is a random-init Llama of Llama-3.2-1B's shape and the data synthetic, LitBench-like, so nothing comes from
# the hub. DRY=1 runs every part on a CPU at toy sizes (12 minutes on 2 shared cores; the torch.compile part stops at
# its cap there), to check the script before you take it to the node. Parts in priority order, each under its own `timeout` capped by what is left of BUDGET (seconds,
# default 3600), so one hung part cannot take the rest (the caps are sized for an H100/H200; SLOW=3 triples them):
#   0. the environment: GPU, versions, litbench imports (installs from $WHL if the imports fail)
#   2a. bench/gpu_bench.py, BT: the original's padding to max_length vs length-grouped vs packed (FlexAttention) vs
#       packed + torch.compile                                                   -> $OUT/bench_bt.json
#   3. train_bt end to end with --packing on a random-init model directory      -> $OUT/metrics_bt_e2e.json
#   3c. the same BT run with --torch_compile (median_step_s excludes compiling)  -> $OUT/metrics_bt_e2e_compiled.json
#   2b. the same benchmark for GenRM SFT                                         -> $OUT/bench_sft.json
#   3b. train_genrm end to end with --packing                                    -> $OUT/metrics_genrm_e2e.json
#   4. float32 master weights under the precision policy: every finished run's saved tensors are float32
#   1. smoke: packed train_bt/train_genrm on tiny-random
# $OUT/gpu_run.log has everything, with MFU per end-to-end run at the end. Keep a run's results by copying $OUT to
# bench/results/DATE_GPU/ and add its numbers, with this command and the GPU, to bench/RESULTS.md.
set -u
OUT=${OUT:-$PWD/gpu_out}; mkdir -p "$OUT"
WHL=${WHL:-$PWD/.whl}
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONUNBUFFERED=1
export PYTHONWARNINGS=ignore
TMP=${TMPDIR:-/tmp}/litbench_gpu; rm -rf "$TMP"; mkdir -p "$TMP"
exec > >(tee -a "$OUT/gpu_run.log") 2>&1
SECONDS=0
# DRY=1: the same parts on a CPU at toy sizes (tiny shape), to check the script where there is no GPU
if [ "${DRY:-0}" = 1 ]; then
  SHAPE=tiny; BENCH="--device cpu --steps 2 --warmup 1 --n_items 40"; BTL="--max_length 256 --batch_size 2 --target_batch_size 8 --max_steps 2 --max_tokens_per_batch 1024"
  GRL="--max_length 512 --batch_size 2 --target_batch_size 4 --max_steps 2 --max_tokens_per_batch 1024"; NP=60; NR=24; SMOKE="--precision fp32"
else
  SHAPE=${SHAPE:-llama-1b}; BENCH="--steps 8 --warmup 3"; BTL="--max_length 2048 --batch_size 8 --target_batch_size 128 --max_steps 6 --max_tokens_per_batch 16384"
  GRL="--max_length 4096 --batch_size 2 --target_batch_size 32 --max_steps 3 --max_tokens_per_batch 16384"; NP=900; NR=200; SMOKE=""
fi
part() { echo; echo "=== [$SECONDS s] $*"; }
BUDGET=${BUDGET:-3600}  # seconds for all parts together; each part gets min(its cap, what is left)
run() {
  local t=$(( $1 * ${SLOW:-1} )) left=$(( BUDGET - SECONDS )); shift
  if [ $left -lt 15 ]; then echo "--- skipped (budget of $BUDGET s spent): $*"; return 124; fi
  [ $t -gt $left ] && t=$left
  timeout --kill-after=5 "$t" "$@"; local rc=$?; echo "--- rc=$rc after $SECONDS s"; return $rc
}

part "0. environment"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
python -c "import sys, torch, transformers, accelerate; print(sys.version.split()[0], 'torch', torch.__version__, 'transformers', transformers.__version__, 'accelerate', accelerate.__version__, 'cuda', torch.cuda.is_available())"
python -c 'import trl, datasets, fastcore, gguf, litbench.bt; from litbench.models import smollm2_gguf; smollm2_gguf()' 2>/dev/null || bash bench/gpu_install.sh "$WHL" || { echo "install failed"; exit 1; }
python -c "import litbench.bt, litbench.genrm, litbench.packing, trl, datasets; print('litbench imports ok; trl', trl.__version__, 'datasets', datasets.__version__)" || { echo "imports failed"; exit 1; }

part "2a. benchmark, BT at $SHAPE shape"
run 180 python bench/gpu_bench.py --shape $SHAPE --tasks bt --modes original,grouped,packed,packed_compiled --n_items 400 $BENCH --out "$OUT/bench_bt.json"
part "3. end to end at $SHAPE shape, packed"
run 45 python bench/gpu_checks.py model --shape $SHAPE --out "$TMP/model" && \
run 20 python bench/gpu_checks.py data --out "$TMP/data" --n_pairs $NP --n_rationales $NR && {
  run 130 python -m litbench.bt --base_model "$TMP/model" --train "$TMP/data/train.jsonl" --output_dir "$TMP/bt_e2e" \
      --packing --keep_checkpoints 1 $BTL
}
part "3c. the same BT run with --torch_compile (the first steps compile; see median_step_s)"
[ -f "$TMP/model/config.json" ] && {
  run 200 python -m litbench.bt --base_model "$TMP/model" --train "$TMP/data/train.jsonl" --output_dir "$TMP/bt_e2e_compiled" \
      --packing --torch_compile --val_frac 0.01 --keep_checkpoints 1 $BTL
}
part "2b. benchmark, GenRM SFT at $SHAPE shape"
run 90 python bench/gpu_bench.py --shape $SHAPE --tasks sft --n_items 200 $BENCH --out "$OUT/bench_sft.json"

part "3b. GenRM end to end at $SHAPE shape, packed"
[ -f "$TMP/model/config.json" ] && {
  run 100 python -m litbench.genrm --model_name "$TMP/model" --dataset_name "$TMP/data/rationales.jsonl" --output_dir "$TMP/genrm_e2e" \
      --packing --eval_pairs -1 --keep_checkpoints 1 $GRL
}
part "4. float32 master weights under the precision policy (every finished run)"
run 30 python bench/gpu_checks.py masters $(ls -d "$TMP"/*/ | while read d; do [ -f "$d/metrics.json" ] && echo "$d"; done)

part "1. smoke: packed BT and GenRM on tiny-random (CUDA, FlexAttention)"
run 90 python -m litbench.bt --base_model tiny-random --train '' --output_dir "$TMP/bt_tiny" --max_length 256 --batch_size 4 \
    --target_batch_size 16 --max_steps 3 --packing --max_tokens_per_batch 2048 --learning_rate 1e-3 --keep_checkpoints 1 $SMOKE
run 90 python -m litbench.genrm --model_name tiny-random --dataset_name '' --output_dir "$TMP/genrm_tiny" --max_length 512 \
    --batch_size 2 --target_batch_size 8 --max_steps 3 --packing --max_tokens_per_batch 2048 --learning_rate 1e-3 --eval_pairs 2 --keep_checkpoints 1 $SMOKE
run 30 python bench/gpu_checks.py masters "$TMP/bt_tiny" "$TMP/genrm_tiny"

part "collect"
for d in "$TMP"/*/; do n=$(basename "$d"); [ -f "$d/metrics.json" ] && cp "$d/metrics.json" "$OUT/metrics_$n.json"; [ -f "$d/run.json" ] && cp "$d/run.json" "$OUT/run_$n.json"; done
python - "$OUT" "$TMP/model" <<'EOF'
import json, sys, glob, os
from pathlib import Path
n = 0
try:
    from safetensors import safe_open
    for f in Path(sys.argv[2]).glob('*.safetensors'):
        with safe_open(str(f), 'pt') as s: n += sum(__import__('math').prod(s.get_slice(k).get_shape()) for k in s.keys())
except Exception as e: print('no parameter count:', e)
try:
    import torch; name = torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu'
except Exception: name = 'cpu'
peak = 989e12 if any(k in name for k in ('H100', 'H200', 'H800')) else None
print(f'device {name}; end-to-end model {n/1e9:.3f} B parameters; MFU = 6 * params * real tokens/s / 989 TFLOP/s (H100/H200 dense bf16)')
for f in sorted(glob.glob(os.path.join(sys.argv[1], 'metrics_*.json'))):
    m = json.load(open(f))
    keep = ('global_step', 'train_loss', 'pairs_per_s', 'tokens_per_s', 'train_tokens_per_s', 'train_time_s', 'peak_gpu_memory_gib', 'packing')
    r = {k: m.get(k) for k in keep if k in m}
    tps = m.get('tokens_per_s') or m.get('train_tokens_per_s')
    if peak and n and tps and 'e2e' in f:
        r['mfu_whole_train'] = round(6 * n * tps / peak, 3)  # trainer.train() wall time: evaluation and checkpoints included
        s = (m.get('packing') or {}).get('real_tokens_per_s_in_steps')
        if s: r['mfu_optimizer_steps'] = round(6 * n * s / peak, 3)  # optimizer steps alone
        s = (m.get('packing') or {}).get('real_tokens_per_s_median_step')
        if s: r['mfu_median_step'] = round(6 * n * s / peak, 3)  # a typical step (compilation excluded)
    print(os.path.basename(f), json.dumps(r))
EOF
echo "done in $SECONDS s"
