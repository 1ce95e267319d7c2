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

.PHONY: run test install install-dev lock check-lock ingest lint bench probe clean

# uv itself, from PyPI by hash (requirements-uv.txt), into a git-ignored folder
$(UV): requirements-uv.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.11 (or run make PYTHON=python3)"; exit 2; }
	@start=$$EPOCHREALTIME; rm -rf $(UV_DIR) && \
	$(PYTHON) -m pip install --isolated --root-user-action=ignore --quiet --disable-pip-version-check \
	    --no-deps --require-hashes \
	    --target $(UV_DIR) -r requirements-uv.txt && \
	echo "installed uv $(UV_VERSION) in $(UV_DIR)/ in $$($(elapsed)) s"

# One line if uv.lock no longer matches pyproject.toml (nothing is installed then).
check-lock: $(UV)
	@$(UV) lock --check --quiet 2>/dev/null || { echo "error: uv.lock is out of date with pyproject.toml: run 'make lock' to refresh it"; exit 2; }

# The runtime packages only (`make run`); packages installed for the tests are kept.
install: check-lock
	@start=$$EPOCHREALTIME; $(UV) sync --frozen --no-dev --inexact --quiet && \
	echo "installed $(VENV) from uv.lock (runtime) in $$($(elapsed)) s"

# Everything the tests need, exactly the lock's runtime and dev packages.
install-dev: check-lock
	@start=$$EPOCHREALTIME; $(UV) sync --frozen --quiet && \
	echo "installed $(VENV) from uv.lock (runtime and dev) in $$($(elapsed)) s"

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

clean:
	rm -rf $(VENV) index/build-* index/CURRENT
