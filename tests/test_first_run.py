"""A first run says what it does: one line per stage with its time, and no library banners."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli.main import app
from tests.serving import free_port

REPO = Path(__file__).resolve().parent.parent
SECONDS = r"in [0-9]+\.[0-9] s"
BANNERS = ("Loading weights", "Running on local URL", "share=True", "Warning", "warn", "it/s]", "Traceback")
TORCH = "torch", "sentence_transformers", "transformers"


def env(**extra: str) -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(REPO)} | extra


def no_banners(text: str) -> None:
    assert not [b for b in BANNERS if b in text], text


def test_ingest_names_the_rebuild_and_ends_with_its_time(fake_settings: Settings) -> None:
    where = ["--corpus", str(fake_settings.corpus_dir), "--index", str(fake_settings.index_dir)]
    result = CliRunner().invoke(app, ["ingest", *where], env={"ASSISTANT_EMBEDDER": "fake"})
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == f"rebuilding: no index in {fake_settings.index_dir}"
    assert re.fullmatch(rf"index built {SECONDS}: .+ \(1 documents\)", lines[-1]), lines
    again = CliRunner().invoke(app, ["ingest", *where], env={"ASSISTANT_EMBEDDER": "fake"})
    assert again.output.strip().startswith("index is up to date: "), again.output


def test_a_rebuild_on_load_says_why_and_how_long_it_took_at_a_terminal(fake_settings: Settings) -> None:
    """`ask`, `chat` and `serve` rebuild a stale index first; at a terminal (progress on) they say so."""
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    stages = logging.getLogger("assistant.stage")
    stages.addHandler(handler)
    level, stages.level = stages.level, logging.INFO
    try:
        Assistant.load(fake_settings, progress=False)
        assert lines == []  # `ask` in a script: nothing but its answer
        (fake_settings.corpus_dir / "docs" / "new.txt").write_text("The new plan starts in May.\n", "utf-8")
        Assistant.load(fake_settings, progress=True)
    finally:
        stages.removeHandler(handler)
        stages.setLevel(level)
    assert len(lines) == 1 and re.fullmatch(rf"index rebuilt \(docs/new.txt added\) {SECONDS}", lines[0]), lines


@pytest.mark.model
def test_a_first_ingest_with_the_real_model_prints_its_stages_and_imports_no_torch(tmp_path: Path) -> None:
    index, corpus = tmp_path / "index", tmp_path / "corpus"
    (corpus / "docs").mkdir(parents=True)  # one short document: the stages are the same as for any corpus
    (corpus / "docs" / "note.txt").write_text("On May 4, 2026, Ana Ruiz opened the Lisbon office.\n", "utf-8")
    script = (
        "import sys\n"
        "from assistant.cli.main import main\n"
        f"sys.argv = ['assistant', 'ingest', '--corpus', {str(corpus)!r}, '--index', {str(index)!r}]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        f"    print('HEAVY', sorted({{m.split('.')[0] for m in sys.modules}} & {set(TORCH)!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert errors[0] == f"rebuilding: no index in {index}", errors
    assert re.fullmatch(rf"exported the query model \(ONNX, no torch; max diff .+\) {SECONDS}", errors[1]), errors
    assert len(errors) == 2, errors
    out = done.stdout.strip().splitlines()
    assert re.fullmatch(rf"index built {SECONDS}: .+ \(1 documents\)", out[0]) and out[1] == "HEAVY []", out
    no_banners(done.stdout + done.stderr)


@pytest.mark.model
def test_ask_prints_the_answer_and_nothing_else(real_bot: Assistant) -> None:
    where = ["--corpus", str(real_bot.settings.corpus_dir), "--index", str(real_bot.settings.index_dir)]
    cmd = [sys.executable, "-m", "assistant", "ask", "Who hosted the Critical Minerals Ministerial?", *where]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env(), cwd=REPO, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith("**Marco Rubio**"), done.stdout
    no_banners(done.stdout)


@pytest.mark.slow
def test_serve_says_where_it_serves_once_it_answers_and_nothing_else(fake_settings: Settings, tmp_path: Path) -> None:
    import httpx

    Assistant.load(fake_settings)  # the index is built: only serving is left
    port = free_port()
    where = ["--corpus", str(fake_settings.corpus_dir), "--index", str(fake_settings.index_dir)]
    cmd = [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--watch", "0", *where]
    variables = env(ASSISTANT_EMBEDDER="fake", GRADIO_TEMP_DIR=str(tmp_path / "gradio"))
    server = subprocess.Popen(cmd, env=variables, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()  # blocks until the first line; the server prints it when it is up
        assert re.fullmatch(rf"serving at http://127\.0\.0\.1:{port}/ \(ready in [0-9.]+ s; Ctrl-C stops it\)\n", line)
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    no_banners(out + err)
    assert out == "", out
