"""The web UI's handlers, called directly: sessions, escaping, sources, memos, feedback, dates."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import gradio as gr  # noqa: E402
import pytest

from assistant.api import Assistant  # noqa: E402
from assistant.config import PROJECT_ROOT, Settings  # noqa: E402
from assistant.errors import InputError  # noqa: E402
from assistant.web import app as ui  # noqa: E402
from assistant.web.memo_panel import memos  # noqa: E402

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
    # one list of turns, and the Documents tab's pending removal: each per session, none starts shared
    assert sorted(repr(s.value) for s in states) == ["None", "[]"]


def test_the_question_box_opens_only_after_the_kept_conversation_is_restored(bot: Assistant, tmp_path: Path) -> None:
    """Asked before the page's load events ran, an answer was replaced by the restored (empty) chat."""
    app = build_quietly(bot, tmp_path / "feedback.jsonl")
    named = {getattr(b, "elem_id", None): b for b in app.blocks.values()}
    box, send, chat = named["question"], named["ask"], named["chat"]
    assert box.interactive is False and send.interactive is False
    steps = {d["id"]: d for d in app.config["dependencies"]}
    (opener,) = [d for d in steps.values() if box._id in d["outputs"] and send._id in d["outputs"]]
    restore = steps[opener["trigger_after"]]
    assert (app._id, "load") in [tuple(t) for t in restore["targets"]] and chat._id in restore["outputs"]
    assert opener["trigger_only_on_success"] is False  # a failed restore still opens the box


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
    assert "&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt;" in text and "<script" not in text


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("[pixel](http://evil.example/p)", "\\[pixel\\](http\\://evil.example/p)"),
        ("![x](http://evil.example/p.png)", "\\!\\[x\\](http\\://evil.example/p.png)"),
        ("**bold** _it_ `code` ~~s~~ # h | t", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\# h \\| t"),
        ("see https://evil.example", "see https\\://evil.example"),
        ("<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"),
    ],
)
def test_markdown_and_html_are_escaped_for_the_chat(typed: str, shown: str) -> None:
    """Links, images, emphasis, autolinks and tags show as the characters they are."""
    assert ui.md(typed) == shown


def test_a_markdown_link_in_a_document_is_shown_as_text(tmp_path: Path) -> None:
    (tmp_path / "corpus" / "docs").mkdir(parents=True)
    doc = "Talks\n\nThe Harbour Talks opened on May 1, 2027 [pixel](http://evil.example/p.png) in Lisbon.\n"
    (tmp_path / "corpus" / "docs" / "talks.txt").write_text(doc, encoding="utf-8")
    settings = Settings(embedder="fake", corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", abstain_below=0)
    turn = ui.respond(Assistant.load(settings), "When did the Harbour Talks open?", DAY, [])[-1]
    text = ui.message_markdown(turn)
    assert "\\[pixel\\](http\\://evil.example/p.png)" in text and "[pixel](" not in text
    assert "[pixel](http://evil.example/p.png)" in ui.api_chat(
        Assistant.load(settings), "When did the Harbour Talks open?"
    )


def test_a_markdown_image_typed_by_the_user_is_not_an_image(bot: Assistant) -> None:
    messages = ui.chat_messages(ask(bot, "![x](http://evil.example/p.png) who hosted it?"))
    assert "![" not in messages[0]["content"] and "](http:" not in messages[0]["content"]


# --- limits on what a session keeps --------------------------------------------------------


def test_an_overlong_question_is_refused_before_it_is_stored(bot: Assistant) -> None:
    turns = ui.respond(bot, "x" * 5_000_000, DAY, [])
    assert turns[-1].error is not None and "5000000 characters long; the maximum is 1000" in turns[-1].error
    assert len(turns[-1].question) < 300 and ui.history(turns) == []


@pytest.mark.parametrize("message", [5, None, ["q"], {"text": "q"}, b"q"])
def test_a_question_that_is_not_text_is_a_chat_message(bot: Assistant, message: object) -> None:
    turn = ui.respond(bot, message, DAY, [])[-1]
    assert turn.error is not None and "the question must be text" in turn.error


def test_history_keeps_at_most_the_turn_cap(bot: Assistant) -> None:
    small = bot.settings.model_copy(update={"max_history_turns": 2})
    turns = [ui.Turn(f"q{n}", error="e") for n in range(5)]
    assert [t.question for t in ui.capped(turns, small)] == ["q3", "q4"]


def test_history_keeps_at_most_the_character_cap(bot: Assistant) -> None:
    small = bot.settings.model_copy(update={"max_history_chars": 1000})
    turns = [ui.Turn("q" * 400, error="e") for _ in range(5)]
    assert len(ui.capped(turns, small)) == 2
    assert len(ui.capped([ui.Turn("q" * 5000, error="e")], small)) == 1  # the newest always stays


@pytest.mark.parametrize(
    ("today", "message"),
    [(5, "“today” must be text, not int"), ("x" * 5_000_000, "which is not a date"), ([1], "must be text")],
)
def test_chat_endpoint_refuses_bad_today_in_one_short_line(bot: Assistant, today: object, message: str) -> None:
    with pytest.raises(gr.Error) as caught:
        ui.api_chat(bot, HOST_Q, today)
    assert message in str(caught.value) and len(str(caught.value)) < 300 and "\n" not in str(caught.value)
    assert caught.value.print_exception is False  # no traceback on the server's stderr


def test_chat_endpoint_refuses_a_question_that_is_not_text(bot: Assistant) -> None:
    with pytest.raises(gr.Error, match="the question must be text, not int"):
        ui.api_chat(bot, 12, "")


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
    assert ui.message_markdown(turn).startswith("**Not answered by the sources.**")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(0, 5, (1, 0, 10)), (13, 20, (2, 12, 24)), (5, 16, (1, 0, 24)), (29, 32, (3, 28, 33))],
)
def test_paragraph_span_is_the_paragraph_around_a_quote(start: int, end: int, expected: tuple[int, int, int]) -> None:
    """(number, start, end); a quote across paragraphs gets all of them."""
    assert ui.paragraph_span("first para\n\nsecond para.\n\n  third\n", start, end) == expected


# --- memos and feedback --------------------------------------------------------------------


def test_memos_cover_last_answer_and_whole_conversation(bot: Assistant) -> None:
    last, whole = memos(ui.answered(ask(bot, HOST_Q, FOLLOW_UP)))
    assert last.startswith("**Question:** How many nations attended it?") and "“Representatives from 54" in last
    assert "## 1. Who hosted" in whole and "## 2. How many nations" in whole and "*As of 2026-03-01.*" in whole


def test_memo_file_is_written_for_download(tmp_path: Path) -> None:
    files = ui.MemoFiles(tmp_path, ttl=3600)
    path = files.write("session-1", "answer-memo.md", "# memo\n")
    assert path is not None and Path(path).read_text(encoding="utf-8") == "# memo\n"
    assert files.write("session-1", "answer-memo.md", "") is None


def test_a_sessions_memo_file_is_rewritten_not_multiplied(tmp_path: Path) -> None:
    files = ui.MemoFiles(tmp_path, ttl=3600)
    first = files.write("session-1", "answer-memo.md", "# one\n")
    second = files.write("session-1", "answer-memo.md", "# two\n")
    assert first == second and len(list(tmp_path.rglob("*.md"))) == 1


def test_memo_files_older_than_the_ttl_are_removed(tmp_path: Path) -> None:
    now = [1000.0]
    files = ui.MemoFiles(tmp_path, ttl=60, clock=lambda: now[0])
    path = files.write("session-1", "answer-memo.md", "# memo\n")
    assert path is not None
    now[0] = Path(path).parent.stat().st_mtime + 61
    assert files.sweep(force=True) == 1 and not Path(path).exists()


def test_an_apps_memo_folder_goes_when_its_memo_files_do() -> None:
    files = ui.MemoFiles.temporary(ttl=60)
    folder = files.folder
    assert files.write("session-1", "answer-memo.md", "# memo\n") is not None and folder.is_dir()
    del files
    gc.collect()
    assert not folder.exists()


def test_a_lone_surrogate_in_a_question_does_not_break_the_memo(bot: Assistant, tmp_path: Path) -> None:
    turns = ask(bot, "Who hosted the Critical Minerals Ministerial?\ud800")
    assert turns[-1].answer is not None and "\ud800" not in turns[-1].question
    last, _ = memos(ui.answered(turns))
    assert ui.MemoFiles(tmp_path, ttl=60).write("s", "answer-memo.md", last) is not None


@pytest.fixture
def feedback_log() -> Iterator[Callable[..., ui.FeedbackLog]]:
    """FeedbackLog(path, Settings(**limits)), closed after the test."""
    made: list[ui.FeedbackLog] = []

    def make(path: Path, **limits: int) -> ui.FeedbackLog:
        made.append(ui.FeedbackLog(path, Settings(**limits)))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for log in made:
        log.close()


def test_feedback_is_appended_as_jsonl(
    bot: Assistant, tmp_path: Path, feedback_log: Callable[..., ui.FeedbackLog]
) -> None:
    turns = ask(bot, HOST_Q, FOLLOW_UP)
    path = tmp_path / "fb" / "feedback.jsonl"
    log = feedback_log(path)
    for index, liked in ((1, True), (3, "Dislike")):
        record = ui.feedback_record(turns, index, liked)
        assert record is not None
        assert log.add("session-1", record) is None
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["verdict"]) for r in lines] == [(HOST_Q, "up"), (FOLLOW_UP, "down")]
    assert lines[0]["citations"][0]["quote"].startswith("On February 4, 2026") and lines[0]["time"]
    assert "Marco Rubio" in lines[0]["answer"]


@pytest.mark.parametrize("liked", ["x" * 1_000_000, {"a": 1}, None, 1, "LIKE"])
def test_a_verdict_outside_the_fixed_set_writes_nothing(bot: Assistant, liked: object) -> None:
    assert ui.feedback_record(ask(bot, HOST_Q), 1, liked) is None


@pytest.mark.parametrize("index", ["1", None, 1.5, [None], {"x": 1}, True, -2, 99])
def test_a_bad_message_index_writes_nothing(bot: Assistant, index: object) -> None:
    assert ui.feedback_record(ask(bot, HOST_Q), index, True) is None


def test_a_record_over_the_size_cap_is_refused(
    bot: Assistant, tmp_path: Path, feedback_log: Callable[..., ui.FeedbackLog]
) -> None:
    record = ui.feedback_record(ask(bot, HOST_Q), 1, True)
    assert record is not None
    log = feedback_log(tmp_path / "feedback.jsonl", max_feedback_bytes=1024)
    assert "over 1024" in (log.add("s", {**record, "answer": "x" * 2000}) or "")
    assert not (tmp_path / "feedback.jsonl").exists() or (tmp_path / "feedback.jsonl").read_text() == ""


def test_feedback_is_limited_per_session_per_minute(
    bot: Assistant, tmp_path: Path, feedback_log: Callable[..., ui.FeedbackLog]
) -> None:
    record = ui.feedback_record(ask(bot, HOST_Q), 1, True)
    assert record is not None
    log = feedback_log(tmp_path / "feedback.jsonl", feedback_per_minute=3)
    assert [log.add("s1", record) for _ in range(5)][3:] == ["more than 3 feedback records a minute"] * 2
    assert log.add("s2", record) is None  # another session has its own allowance
    assert len((tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()) == 4


def test_the_feedback_file_rotates(bot: Assistant, tmp_path: Path, feedback_log: Callable[..., ui.FeedbackLog]) -> None:
    record = ui.feedback_record(ask(bot, HOST_Q), 1, True)
    assert record is not None
    log = feedback_log(tmp_path / "feedback.jsonl", feedback_file_bytes=64 * 1024, feedback_backups=2)
    for n in range(400):
        log.add(f"s{n}", record)
    log.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["feedback.jsonl", "feedback.jsonl.1", "feedback.jsonl.2"]
    assert all(p.stat().st_size <= 64 * 1024 for p in tmp_path.iterdir())


def test_a_feedback_record_names_its_kept_turn(bot: Assistant) -> None:
    turns = ask(bot, HOST_Q)
    record = ui.feedback_record([ui.replace(turns[0], turn_id=42)], 1, True)
    assert record is not None and record["turn"] == 42


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


def test_example_questions_come_from_the_corpus_and_another_corpus_shows_none(tmp_path: Path) -> None:
    assert ui.examples_for(tmp_path, 1000) == []  # a user's own corpus without examples.txt
    lines = ["# a comment", "", "Who chairs the board?", "x" * 50, *[f"Question {n}?" for n in range(10)]]
    (tmp_path / "examples.txt").write_text("\n".join(lines), "utf-8")
    shown = ui.examples_for(tmp_path, 40)
    assert shown[:2] == ["Who chairs the board?", "Question 0?"] and len(shown) == ui.MAX_EXAMPLES
    assert ui.examples_for(PROJECT_ROOT / "corpus", 1000)[1] == "Who hosted the Critical Minerals Ministerial?"
