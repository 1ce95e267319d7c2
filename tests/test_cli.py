"""The command line: answers, JSON, and one clear line with exit code 2 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Settings
from assistant.cli.main import app

runner = CliRunner()


def invoke(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"ASSISTANT_EMBEDDER": "fake"}
    return runner.invoke(
        app, [*args, "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)], env=env
    )


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "the question is empty"), ("   \t ", "the question is empty"), ("x" * 1001, "maximum is 1000")],
)
def test_bad_questions_exit_2_with_one_line(fake_settings: Settings, question: str, message: str) -> None:
    result = invoke(fake_settings, "ask", question)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert not fake_settings.index_dir.exists()  # rejected before any work


def test_a_bad_today_date_exits_2(fake_settings: Settings) -> None:
    result = invoke(fake_settings, "ask", "When is the Mexico plan due?", "--today", "03/01/2026")
    assert result.exit_code == 2 and "use YYYY-MM-DD" in result.output


def test_ask_json_prints_an_answer_with_exact_citations(fake_settings: Settings) -> None:
    result = invoke(fake_settings, "ask", "How many nations attended the ministerial?", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    text = (fake_settings.corpus_dir / "docs" / "us-critical-minerals-strategy.txt").read_text("utf-8")
    assert data["citations"] and all(text[c["start"] : c["end"]] == c["quote"] for c in data["citations"])


def test_ingest_no_rebuild_lists_what_is_stale_and_exits_nonzero(fake_settings: Settings) -> None:
    assert invoke(fake_settings, "ingest").exit_code == 0
    doc = fake_settings.corpus_dir / "docs" / "us-critical-minerals-strategy.txt"
    doc.write_text(doc.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    result = invoke(fake_settings, "ingest", "--no-rebuild")
    assert result.exit_code == 3
    assert "docs/us-critical-minerals-strategy.txt changed" in result.output


def test_a_bad_file_is_skipped_with_file_and_line_and_strict_mode_exits_2(fake_settings: Settings) -> None:
    (fake_settings.corpus_dir / "facts" / "broken.yaml").write_text("- id: a\n  kind: count\n  doc: nowhere\n", "utf-8")
    result = invoke(fake_settings, "ingest", "--strict")
    assert result.exit_code == 2
    assert "broken.yaml:1:" in result.output and "Traceback" not in result.output
    result = invoke(fake_settings, "ingest")
    assert result.exit_code == 0 and "skipped: " in result.output and "broken.yaml:1:" in result.output


def test_chat_keeps_history_for_follow_ups(fake_settings: Settings) -> None:
    questions = "By what date must the memorandum with Japan and the EU be signed?\nAnd with Mexico?\nexit\n"
    env = {"ASSISTANT_EMBEDDER": "fake"}
    args = [
        "chat",
        "--today",
        "2026-03-01",
        "--corpus",
        str(fake_settings.corpus_dir),
        "--index",
        str(fake_settings.index_dir),
    ]
    result = runner.invoke(app, args, input=questions, env=env)
    assert result.exit_code == 0, result.output
    assert "March 6, 2026" in result.output and "April 5, 2026" in result.output


@pytest.mark.model
def test_the_documented_json_example_quotes_the_rubio_sentence(tmp_path: Path) -> None:
    """`assistant ask "Who hosted the Critical Minerals Ministerial?" --json`, as a user runs it."""
    env = os.environ | {"ASSISTANT_INDEX_DIR": str(tmp_path / "index")}
    cmd = [sys.executable, "-m", "assistant", "ask", "Who hosted the Critical Minerals Ministerial?", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert any("Secretary of State Marco Rubio hosted" in c["quote"] for c in data["citations"])


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ASSISTANT_TOP_K", "abc", "ASSISTANT_TOP_K='abc': Input should be a valid integer"),
        ("ASSISTANT_TOP_K", "0", "ASSISTANT_TOP_K='0'"),
        ("ASSISTANT_RETRIEVER", "magic", "Input should be 'hybrid', 'dense' or 'bm25'"),
    ],
)
def test_a_bad_setting_names_its_variable_and_exits_2(
    fake_settings: Settings, variable: str, value: str, message: str
) -> None:
    where = ["--corpus", str(fake_settings.corpus_dir), "--index", str(fake_settings.index_dir)]
    result = runner.invoke(app, ["ask", "Who hosted it?", *where], env={"ASSISTANT_EMBEDDER": "fake", variable: value})
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_serve_on_a_busy_port_says_so_and_suggests_another(fake_settings: Settings) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = invoke(fake_settings, "serve", "--port", str(port), "--watch", "0")
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.output
    assert f"--port {port + 1}" in result.output and "Traceback" not in result.output


def test_serve_refuses_a_port_out_of_range(fake_settings: Settings) -> None:
    result = invoke(fake_settings, "serve", "--port", "99999")
    assert result.exit_code == 2 and "less than or equal to 65535" in result.output and "Traceback" not in result.output


def test_an_unexpected_error_is_one_line_with_the_traceback_in_a_log(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from assistant.api import Assistant
    from assistant.cli import console

    def broken(*_: object, **__: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(console, "ERROR_LOG", tmp_path / "errors.log")
    monkeypatch.setattr(Assistant, "ask", broken)
    result = invoke(fake_settings, "ask", "Who hosted it?")
    assert result.exit_code == 1 and "internal error: ZeroDivisionError: a bug" in result.output
    assert "Traceback" not in result.output and "ZeroDivisionError" in (tmp_path / "errors.log").read_text("utf-8")


def test_ask_keeps_answering_while_a_new_file_is_broken_and_warns_once_naming_it(
    fake_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assert invoke(fake_settings, "ingest").exit_code == 0
    (fake_settings.corpus_dir / "docs" / "blank.txt").write_text("  \n", "utf-8")
    answer = invoke(fake_settings, "ask", "How many nations attended the ministerial?")
    assert answer.exit_code == 0 and "Traceback" not in answer.output and "[1]" in answer.output
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "skipped" in warnings[0] and "blank.txt: empty document" in warnings[0]
    assert invoke(fake_settings, "ingest", "--strict").exit_code == 2  # strict ingestion still refuses it


def test_without_an_earlier_index_a_broken_file_does_not_stop_ask_either(fake_settings: Settings) -> None:
    (fake_settings.corpus_dir / "docs" / "blank.txt").write_text("  \n", "utf-8")
    result = invoke(fake_settings, "ask", "How many nations attended the ministerial?")
    assert result.exit_code == 0 and "[1]" in result.output


def test_without_an_earlier_index_a_corpus_with_nothing_readable_stops_ask(fake_settings: Settings) -> None:
    for path in (fake_settings.corpus_dir / "docs").glob("*.txt"):
        path.write_text("  \n", "utf-8")
    result = invoke(fake_settings, "ask", "How many nations attended the ministerial?")
    assert result.exit_code == 2 and "no readable document" in result.output


def test_a_broken_alias_table_is_reported_by_ingest_refused_by_strict_and_ask_still_answers(
    fake_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    (fake_settings.corpus_dir / "aliases.yaml").write_text("mou: [MoU\n", "utf-8")
    result = invoke(fake_settings, "ingest")
    assert result.exit_code == 0 and "skipped: " in result.output and "aliases.yaml" in result.output
    assert invoke(fake_settings, "ingest", "--strict").exit_code == 2
    answer = invoke(fake_settings, "ask", "How many nations attended the ministerial?")
    assert answer.exit_code == 0 and "[1]" in answer.output
    assert any("aliases.yaml" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")


def test_render_answer_lists_each_disagreement_with_its_offsets() -> None:
    from assistant.cli.main import render_answer
    from assistant.records import Answer, Conflict, ConflictValue

    conflict = Conflict(kind="count", thing="number: cranes", values=[
        ConflictValue(value="18", citation=1, doc_id="report", title="Report", start=40, end=42),
        ConflictValue(value="22", citation=2, doc_id="review", title="Review", start=70, end=72),
    ])  # fmt: skip
    shown = render_answer(Answer(question="q", text="18 cranes [1].", conflicts=[conflict]))
    assert shown.splitlines()[-1] == (
        "! sources disagree (number: cranes): [1] 18 (report, chars 40-42) vs [2] 22 (review, chars 70-72)"
    )
