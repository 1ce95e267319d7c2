"""The web UI's handlers, called directly: sessions, escaping, sources, memos, feedback, dates."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import warnings
from pathlib import Path

import gradio as gr  # noqa: E402
import pytest

from assistant.api import Assistant  # noqa: E402
from assistant.config import PROJECT_ROOT, Settings  # noqa: E402
from assistant.edges import ui  # noqa: E402
from assistant.errors import InputError  # noqa: E402

DAY = "2026-03-01"
HOST_Q = "Who hosted the Critical Minerals Ministerial?"
FOLLOW_UP = "How many nations attended it?"
SCRIPT_DOC = "Field notes\n\nThe cobalt refinery memo reads <script>window.__pwned=1</script> in its margin.\n"
SCRIPT_Q = "What does the cobalt refinery memo read in its margin?"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The project corpus plus a document carrying a <script> tag, fake embedder.

    The scorer is fitted on real cosines; with the fake embedder's its probabilities are low, so the
    threshold is lowered: these tests are about rendering, not abstention.
    """
    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    (root / "corpus" / "docs" / "field-notes.txt").write_text(SCRIPT_DOC, encoding="utf-8")
    settings = Settings(embedder="fake", corpus_dir=root / "corpus", index_dir=root / "index", abstain_below=0.02)
    return Assistant.load(settings)


def ask(bot: Assistant, *questions: str, today: str = DAY) -> list[ui.Turn]:
    turns: list[ui.Turn] = []
    for question in questions:
        turns = ui.respond(bot, question, today, turns)
    return turns


# --- sessions and history ------------------------------------------------------------------


def test_follow_up_is_resolved_with_the_sessions_history(bot: Assistant) -> None:
    turns = ask(bot, HOST_Q, FOLLOW_UP)
    assert turns[-1].answer is not None and "54" in turns[-1].answer.text


def test_sessions_never_see_each_others_history(bot: Assistant) -> None:
    first = ask(bot, HOST_Q)
    other = ui.respond(bot, FOLLOW_UP, DAY, [])
    assert len(first) == 1 and len(other) == 1
    assert other[-1].answer is not None and other[-1].answer.resolved_question is None


def test_respond_returns_new_turns_without_changing_the_old(bot: Assistant) -> None:
    turns = ask(bot, HOST_Q)
    ui.respond(bot, FOLLOW_UP, DAY, turns)
    assert len(turns) == 1


def test_history_holds_only_answered_turns() -> None:
    turns = [ui.Turn("broken", error="bad date"), ui.Turn("q", answer=ui.Answer(question="q", text="a"))]
    assert ui.history(turns) == [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]


def build_quietly(bot: Assistant, feedback: Path) -> gr.Blocks:
    """build_app, disposing of the event loops Gradio creates and never closes (gradio.utils.safe_get_lock)
    now, under a filter, instead of letting their ResourceWarnings fail some later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        app = ui.build_app(bot, feedback)
        asyncio.set_event_loop(None)
        gc.collect()
    return app


def test_the_app_keeps_turns_in_per_session_state(bot: Assistant, tmp_path: Path) -> None:
    app = build_quietly(bot, tmp_path / "feedback.jsonl")
    states = [b for b in app.blocks.values() if isinstance(b, gr.State)]
    assert len(states) == 1 and states[0].value == []


# --- errors become chat messages -----------------------------------------------------------


def test_bad_today_date_becomes_a_clear_chat_message(bot: Assistant) -> None:
    turn = ui.respond(bot, HOST_Q, "March 1st", [])[-1]
    assert turn.answer is None
    assert "not a date: use YYYY-MM-DD" in ui.message_markdown(turn)


def test_empty_question_becomes_a_chat_message(bot: Assistant) -> None:
    turn = ui.respond(bot, "   ", DAY, [])[-1]
    assert turn.error is not None and "empty" in turn.error


@pytest.mark.parametrize(("text", "expected"), [("2026-03-01", "2026-03-01"), ("  2026-12-31 ", "2026-12-31")])
def test_parse_day_reads_iso_dates(text: str, expected: str) -> None:
    assert ui.parse_day(text).isoformat() == expected


@pytest.mark.parametrize("text", ["01/03/2026", "2026-02-30", "tomorrow"])
def test_parse_day_rejects_other_text(text: str) -> None:
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        ui.parse_day(text)


def test_empty_today_means_the_current_date() -> None:
    assert ui.parse_day("") == ui.dt.date.today()


# --- rendering and escaping ----------------------------------------------------------------


def test_two_chat_messages_per_turn(bot: Assistant) -> None:
    messages = ui.chat_messages(ask(bot, HOST_Q, "March 1st"))
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]


def test_answer_shows_numbered_citations(bot: Assistant) -> None:
    text = ui.message_markdown(ask(bot, HOST_Q)[-1])
    assert "[1]" in text and "**Sources**" in text and "Marco Rubio" in text


def test_user_input_is_escaped_in_the_chat(bot: Assistant) -> None:
    messages = ui.chat_messages(ask(bot, "<img src=x onerror=alert(1)> who hosted it?"))
    assert messages[0]["content"].startswith("&lt;img src=x onerror=alert(1)&gt;")


def test_document_script_is_escaped_in_the_chat(bot: Assistant) -> None:
    text = ui.message_markdown(ask(bot, SCRIPT_Q)[-1])
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text and "<script" not in text


def test_document_script_is_escaped_in_the_sources_panel(bot: Assistant) -> None:
    panel = ui.sources_html(bot, ask(bot, SCRIPT_Q)[-1])
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in panel and "<script" not in panel


def test_sources_panel_highlights_the_quote_in_its_paragraph(bot: Assistant) -> None:
    panel = ui.sources_html(bot, ask(bot, HOST_Q)[-1])
    assert "<mark>On February 4, 2026, Secretary of State Marco Rubio hosted" in panel
    assert "A quiet but pivotal shift is underway" in panel  # the rest of the paragraph
    assert "paragraph 4 · chars" in panel


def test_calculation_working_is_shown(bot: Assistant) -> None:
    panel = ui.sources_html(bot, ask(bot, "When is the memorandum of understanding with Japan and the EU due?")[-1])
    assert '<section class="working">' in panel and "+ 30 days" in panel


def test_abstention_looks_different(bot: Assistant) -> None:
    turn = ask(bot, "What is the capital of France?")[-1]
    assert '<div class="banner abstained">' in ui.sources_html(bot, turn)
    assert ui.message_markdown(turn).startswith("🚫 **Not answered by the sources.**")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(0, 5, (1, 0, 10)), (13, 20, (2, 12, 24)), (5, 16, (1, 0, 24)), (29, 32, (3, 28, 33))],
)
def test_paragraph_span_is_the_paragraph_around_a_quote(start: int, end: int, expected: tuple[int, int, int]) -> None:
    """(number, start, end); a quote across paragraphs gets all of them."""
    assert ui.paragraph_span("first para\n\nsecond para.\n\n  third\n", start, end) == expected


# --- memos and feedback --------------------------------------------------------------------


def test_memos_cover_last_answer_and_whole_conversation(bot: Assistant) -> None:
    last, whole = ui.memos(ask(bot, HOST_Q, FOLLOW_UP))
    assert last.startswith("**Question:** How many nations attended it?") and "“Representatives from 54" in last
    assert "## 1. Who hosted" in whole and "## 2. How many nations" in whole and "*As of 2026-03-01.*" in whole


def test_memo_file_is_written_for_download(tmp_path: Path) -> None:
    path = ui.memo_file(tmp_path, "answer-memo.md", "# memo\n")
    assert path is not None and Path(path).read_text(encoding="utf-8") == "# memo\n"
    assert ui.memo_file(tmp_path, "answer-memo.md", "") is None


def test_feedback_is_appended_as_jsonl(bot: Assistant, tmp_path: Path) -> None:
    turns = ask(bot, HOST_Q, FOLLOW_UP)
    path = tmp_path / "fb" / "feedback.jsonl"
    for index, liked in ((1, True), (3, False)):
        record = ui.feedback_record(turns, index, liked)
        assert record is not None
        ui.append_feedback(path, record)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["verdict"]) for r in lines] == [(HOST_Q, "up"), (FOLLOW_UP, "down")]
    assert lines[0]["citations"][0]["quote"].startswith("On February 4, 2026") and lines[0]["time"]
    assert "Marco Rubio" in lines[0]["answer"]


def test_no_feedback_record_for_an_error_turn(bot: Assistant) -> None:
    assert ui.feedback_record(ask(bot, HOST_Q, today="nope"), 1, True) is None


# --- login ---------------------------------------------------------------------------------


def test_parse_auth_splits_user_and_password() -> None:
    assert ui.parse_auth("ana:s3cret:x") == ("ana", "s3cret:x")
    assert ui.parse_auth(None) is None


@pytest.mark.parametrize("value", ["ana", ":pw", "ana:"])
def test_parse_auth_rejects_incomplete_logins(value: str) -> None:
    with pytest.raises(InputError, match="user:password"):
        ui.parse_auth(value)


def test_a_passage_whose_document_changed_since_the_answer_shows_the_quote_alone(bot) -> None:
    """The panel never highlights other words than the cited ones, even after a re-index."""
    answer = bot.ask(HOST_Q)
    c = answer.citations[0]
    moved = c.model_copy(update={"start": c.start + 5, "end": c.end + 5})  # as if text was inserted before
    assert ui.cited_text(bot, c)[c.start : c.end] == c.quote
    shown = ui.cited_text(bot, moved)
    assert shown.strip() == c.quote and shown[moved.start : moved.end] == c.quote
