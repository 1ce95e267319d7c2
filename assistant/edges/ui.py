"""The browser edge: a Gradio chat over `Assistant.ask` with sources, memos and feedback.

Each browser session keeps its own turns in a `gr.State`, so follow-ups work per session and
sessions never see each other. Everything taken from documents or typed by users is passed
through `html.escape` before it reaches any HTML or Markdown component.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.config import PROJECT_ROOT, Settings
from assistant.edges.conflicts_view import conflicts_html
from assistant.edges.documents_tab import add_documents_tab
from assistant.edges.memo import answer_memo, conversation_memo
from assistant.errors import AssistantError, InputError
from assistant.ingest.text import paragraphs
from assistant.records import Answer, Citation

DEFAULT_FEEDBACK = PROJECT_ROOT / "feedback" / "feedback.jsonl"
EXAMPLES = [  # partnerships, deadlines, the reserve
    "Which partners will the US sign agreements with?",
    "Who hosted the Critical Minerals Ministerial?",
    "When is the memorandum of understanding with Japan and the EU due?",
    "How many days are left until the action plan with Mexico is due?",
    "What is the total funding for the strategic critical minerals reserve?",
    "What is the strategic critical minerals reserve?",
]
CSS = """
.banner { padding: .5em .8em; border-radius: 6px; margin-bottom: .6em; font-weight: 600; }
.banner.abstained { background: #fff4e5; border-left: 5px solid #e08a00; color: #6b3f00; }
.banner.answered { background: #eaf6ec; border-left: 5px solid #2e8540; color: #1d4d27; }
.source { border-top: 1px solid #ddd; padding: .4em 0; }
.source .where { color: #666; font-size: .85em; margin: 0; }
.source blockquote { margin: .3em 0; white-space: pre-wrap; }
.source mark { background: #ffe066; padding: 0 .1em; }
.working code { white-space: pre-wrap; }
"""
_feedback_lock = threading.Lock()


@dataclass(frozen=True)
class Turn:
    """One exchange of a session: the question and either an answer or an error message."""

    question: str
    answer: Answer | None = None
    error: str | None = None


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def parse_day(text: str | None) -> dt.date:
    """The "today" control's date; empty means the current date."""
    value = (text or "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"“today” is {value!r}, which is not a date: use YYYY-MM-DD, e.g. 2026-03-01") from None


def history(turns: list[Turn]) -> list[dict[str, str]]:
    """Earlier answered turns in the messages format `Assistant.ask` takes for follow-ups."""
    out: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is not None:
            out += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": turn.answer.text}]
    return out


def respond(bot: Assistant, message: str, today: str | None, turns: list[Turn]) -> list[Turn]:
    """The session's turns after asking `message`; an AssistantError becomes the turn's error."""
    try:
        answer = bot.ask(message, history=history(turns), today=parse_day(today))
    except AssistantError as err:
        return [*turns, Turn(question=str(message), error=str(err))]
    return [*turns, Turn(question=str(message), answer=answer)]


# --- rendering (all text escaped) ----------------------------------------------------------


def message_markdown(turn: Turn) -> str:
    """The chat bubble of a turn: banner if abstained, the answer, then its numbered sources."""
    if turn.answer is None:
        return f"⚠️ **Could not answer:** {esc(turn.error or 'unknown error')}"
    answer, parts = turn.answer, []
    if answer.abstained:
        parts.append("🚫 **Not answered by the sources.**")
    if answer.resolved_question:
        parts.append(f"*Understood as: {esc(answer.resolved_question)}*")
    parts.append(esc(answer.text))
    if answer.citations:
        parts.append("**Sources**\n" + "\n".join(_source_line(c) for c in answer.citations))
    return "\n\n".join(parts)


def _source_line(c: Citation) -> str:
    return f"- [{c.n}] *{esc(c.title)}* — “{esc(' '.join(c.quote.split()))}”"


def chat_messages(turns: list[Turn]) -> list[dict[str, str]]:
    """Chatbot value: exactly two messages per turn (feedback maps message index // 2 to a turn)."""
    out: list[dict[str, str]] = []
    for turn in turns:
        out.append({"role": "user", "content": esc(turn.question)})
        out.append({"role": "assistant", "content": message_markdown(turn)})
    return out


def paragraph_span(text: str, start: int, end: int) -> tuple[int, int, int]:
    """(1-based number, start, end) of the paragraph(s) around text[start:end]."""
    spans = list(paragraphs(text))
    first = next((i for i, (_, e) in enumerate(spans) if e > start), len(spans) - 1)
    last = max((i for i, (s, _) in enumerate(spans) if s < end), default=first)
    return first + 1, min(spans[first][0], start), max(spans[max(first, last)][1], end)


def passage_html(doc_text: str, title: str, c: Citation) -> str:
    """A cited passage in its paragraph, the quote in <mark>, with title and location."""
    number, p_start, p_end = paragraph_span(doc_text, c.start, c.end)
    body = (
        f"{esc(doc_text[p_start : c.start])}<mark>{esc(doc_text[c.start : c.end])}</mark>{esc(doc_text[c.end : p_end])}"
    )
    where = f"{esc(c.doc_id)} · {esc(c.location) if c.location else f'paragraph {number}'} · chars {c.start}–{c.end}"
    return (
        f'<article class="source" id="source-{c.n}"><h4>[{c.n}] {esc(title)}</h4>'
        f'<p class="where">{where}</p><blockquote>{body}</blockquote></article>'
    )


def working_html(answer: Answer) -> str:
    calc = answer.calculation
    if calc is None:
        return ""
    items = "".join(f"<li>{esc(i.label)}: {esc(i.value)} [{i.citation}]</li>" for i in calc.inputs)
    return (
        f'<section class="working"><h4>Working</h4><p><code>{esc(calc.expression)}</code> '
        f"→ <strong>{esc(calc.result)}</strong></p><ul>{items}</ul></section>"
    )


def cited_text(bot: Assistant, c: Citation) -> str:
    """The text of the cited document as the answer saw it.

    The index may have been rebuilt since the answer (a document edited while serving); a text
    whose slice no longer equals the quote is never shown around it: the quote then stands alone.
    """
    for index in (bot.current().index, bot.index):
        try:
            text = index.document(c.doc_id).text
        except KeyError:
            continue
        if text[c.start : c.end] == c.quote:
            return text
    return " " * c.start + c.quote


def sources_html(bot: Assistant, turn: Turn | None) -> str:
    """The sources panel for one turn: a status banner, the working, every cited passage."""
    if turn is None or turn.answer is None:
        return '<p class="empty">Cited passages appear here, highlighted in their paragraph.</p>'
    answer = turn.answer
    kind, label = (
        ("abstained", "Not answered by the sources — nearest passages:")
        if answer.abstained
        else ("answered", f"Sources for: {esc(answer.question)}")
    )
    passages = [passage_html(cited_text(bot, c), c.title, c) for c in answer.citations]
    banner = f'<div class="banner {kind}">{label}</div>'
    return f'<div class="sources">{banner}{conflicts_html(answer)}{working_html(answer)}{"".join(passages)}</div>'


# --- memos and feedback --------------------------------------------------------------------


def answered(turns: list[Turn]) -> list[tuple[str, Answer]]:
    return [(t.question, t.answer) for t in turns if t.answer is not None]


def memos(turns: list[Turn]) -> tuple[str, str]:
    """(memo of the last answer, memo of the whole conversation), Markdown."""
    pairs = answered(turns)
    return (answer_memo(pairs[-1][1], pairs[-1][0]) if pairs else "", conversation_memo(pairs))


def memo_file(folder: Path, name: str, text: str) -> str | None:
    """Write `text` to a fresh file for the download button; None when there is nothing yet."""
    if not text:
        return None
    path = Path(tempfile.mkdtemp(dir=folder)) / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def feedback_record(turns: list[Turn], index: Any, liked: Any) -> dict[str, Any] | None:
    """The JSONL record for a thumbs up/down on chat message `index`, or None for a non-answer."""
    position = (index[0] if isinstance(index, list | tuple) else int(index)) // 2
    if not 0 <= position < len(turns) or turns[position].answer is None:
        return None
    answer = turns[position].answer
    assert answer is not None
    verdict = {True: "up", False: "down", "Like": "up", "Dislike": "down"}.get(liked, str(liked))
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "question": turns[position].question,
        "answer": answer.text,
        "citations": [c.model_dump(mode="json") for c in answer.citations],
        "abstained": answer.abstained,
        "as_of": answer.as_of.isoformat() if answer.as_of else None,
        "verdict": verdict,
    }


def append_feedback(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _feedback_lock, path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- the app -------------------------------------------------------------------------------


def page(c: Citation) -> str:
    """`p. 3, ` for a citation with a known page or paragraph, else nothing."""
    return f"{c.location}, " if c.location else ""


def api_chat(bot: Assistant, message: str, today: str = "") -> str:
    """The `/chat` endpoint: one stateless question in, the answer and its sources as Markdown out."""
    try:
        answer = bot.ask(message, today=parse_day(today))
    except AssistantError as err:
        raise gr.Error(str(err)) from None
    lines = [answer.text, "", "Sources:"] if answer.citations else [answer.text]
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.title} ({c.doc_id}, {page(c)}chars {c.start}-{c.end}): “{c.quote}”")
    return "\n".join(lines)


def build_app(bot: Assistant, feedback_path: Path = DEFAULT_FEEDBACK) -> gr.Blocks:
    """The chat app for `bot`; feedback is appended to `feedback_path` (JSONL)."""
    memo_dir = Path(tempfile.mkdtemp(prefix="assistant-memos-"))

    def view(turns: list[Turn]) -> tuple[Any, ...]:
        last, whole = memos(turns)
        return (
            chat_messages(turns),
            turns,
            sources_html(bot, turns[-1] if turns else None),
            last,
            whole,
            memo_file(memo_dir, "answer-memo.md", last),
            memo_file(memo_dir, "conversation-memo.md", whole),
        )

    def submit(message: str, today: str, turns: list[Turn]) -> tuple[Any, ...]:
        return ("", *view(respond(bot, message, today, turns)))

    def select(turns: list[Turn], event: gr.SelectData) -> str:
        position = (event.index[0] if isinstance(event.index, list | tuple) else int(event.index)) // 2
        return sources_html(bot, turns[position] if 0 <= position < len(turns) else None)

    def like(turns: list[Turn], event: gr.LikeData) -> None:
        record = feedback_record(turns, event.index, event.liked)
        if record is not None:
            append_feedback(feedback_path, record)
            gr.Info("Thanks: your feedback was saved.")

    with gr.Blocks(title="Cited answers", analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        turns = gr.State([])
        gr.Markdown("## Ask the documents\nEvery answer quotes its sources. Click an answer to see its passages.")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="Chat",
                    height=480,
                    sanitize_html=True,
                    allow_tags=False,
                    elem_id="chat",
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy", "copy_all"],
                )
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=5, elem_id="question")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                today = gr.Textbox(max_lines=1, elem_id="today", label="Today (YYYY-MM-DD), for deadline questions")
                gr.Examples(EXAMPLES, inputs=[box], label="Try one of these")
            with gr.Column(scale=2):
                sources = gr.HTML(sources_html(bot, None), elem_id="sources", js_on_load=None)
                with gr.Accordion("Memo for briefers (Markdown)", open=False, elem_id="memo-panel"):
                    last_memo = gr.Textbox(label="Last answer", lines=6, buttons=["copy"], elem_id="memo-last")
                    whole_memo = gr.Textbox(label="Whole conversation", lines=6, buttons=["copy"], elem_id="memo-all")
                with gr.Row():
                    copy_last = gr.Button("Copy as memo", size="sm", elem_id="copy-memo")
                    copy_all = gr.Button("Copy conversation", size="sm", elem_id="copy-conversation")
                with gr.Row():
                    get_last = gr.DownloadButton("Download memo (.md)", size="sm", elem_id="download-memo")
                    get_all = gr.DownloadButton("Download conversation (.md)", size="sm", elem_id="download-all")
        outputs = [box, chatbot, turns, sources, last_memo, whole_memo, get_last, get_all]
        for trigger in (box.submit, send.click):
            trigger(submit, [box, today, turns], outputs, api_visibility="private")
        chatbot.select(select, [turns], [sources], api_visibility="private")
        chatbot.clear(lambda: view([]), None, outputs[1:], api_visibility="private")  # forget the history too
        chatbot.like(like, [turns], None, api_visibility="private")
        app.load(lambda: dt.date.today().isoformat(), None, today, api_visibility="private")  # the date at page load
        copy_js = "(text) => { navigator.clipboard && navigator.clipboard.writeText(text || ''); }"
        copy_last.click(None, [last_memo], None, js=copy_js)
        copy_all.click(None, [whole_memo], None, js=copy_js)

        def chat(message: str, today: str = "") -> str:
            """Ask one question (no history); `today` is YYYY-MM-DD or empty. Returns Markdown with sources."""
            return api_chat(bot, message, today)

        gr.api(chat, api_name="chat")
        add_documents_tab(app, bot)  # listing, upload and removal of documents
    return app


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`user:password` -> (user, password); None or empty -> no login."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not (sep and user and password):
        raise InputError("--auth / ASSISTANT_AUTH must be user:password (both non-empty)")
    return user, password


CONCURRENT_REQUESTS = 4


def serve(
    app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None, **options: Any
) -> Any:
    """Serve a built app: loopback by default, no analytics, no SSR or MCP, optional login."""
    # Gradio's queue statistics use pandas options that pandas 3 deprecates; the warnings are noise to users.
    for message in ("'future.no_silent_downcasting' is deprecated", "The copy keyword is deprecated"):
        warnings.filterwarnings("ignore", message=message)
    # The Assistant is read-only once loaded, so requests from several sessions may run at once.
    app.queue(default_concurrency_limit=CONCURRENT_REQUESTS)
    return app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        css=CSS,
        ssr_mode=False,
        mcp_server=False,
        footer_links=["api"],
        **options,
    )


def launch(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    feedback_path: Path = DEFAULT_FEEDBACK,
    watch_seconds: float = 10.0,
) -> None:
    """Load the assistant (index built or refreshed first) and serve the app until interrupted.

    While serving, the corpus is checked every `watch_seconds` (0: never) and re-indexed when it
    changes; answers move to the new index on the next question.
    """
    from assistant.edges.watch import watch_corpus

    bot = Assistant.load(settings, rebuild=True, progress=True)
    if watch_seconds > 0:
        watch_corpus(settings, watch_seconds)
    serve(build_app(bot, feedback_path), host, port, auth)
