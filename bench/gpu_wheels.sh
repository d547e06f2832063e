#!/usr/bin/env bash
# Build the carry for bench/gpu_run.sh in the repo root (both under the git-ignored .whl/, ~21 MB):
#   .whl/gpu/              wheels the GPU image lacks (trl 1.16, datasets, fastcore, dill, multiprocess, xxhash, psutil, zstandard),
#                          downloaded with --no-deps for Python 3.10-3.14 on x86-64 Linux
#   .whl/cache/tiny-random the offline tokenizer and test model (made by litbench on first use)
# Then on the lent GPU (device `run` tool): command `bash bench/gpu_run.sh`, carry [".whl"].
set -eu
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p .whl/gpu .whl/cache
$PY -m pip download -q --no-deps -d .whl/gpu trl==1.16.0 datasets==5.2.0 fastcore==1.12.47 dill==0.4.1
for v in 3.10 3.11 3.12 3.13 3.14; do
  $PY -m pip download -q --no-deps --only-binary=:all: --python-version $v --platform manylinux2014_x86_64 \
      --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 -d .whl/gpu multiprocess==0.70.19 xxhash==4.1.0 psutil zstandard
done
d=$($PY -c "from litbench.models import tiny_random_dir; print(tiny_random_dir())")
rm -rf .whl/cache/tiny-random && cp -r "$d" .whl/cache/tiny-random
du -sh .whl
