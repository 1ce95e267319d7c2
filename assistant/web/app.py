"""The browser edge: a Gradio chat over `Assistant.ask` with sources, memos and feedback.

Each browser session keeps its own turns in a `gr.State`, so follow-ups work per session and
sessions never see each other. Everything taken from documents or typed by users is escaped
before it reaches an HTML component (`esc`) or the chat's Markdown (`md`: HTML and Markdown
syntax both), so it shows as the text it is. Every handler checks its inputs' types; the
server's own limits (body sizes, uploads, hosts, headers, logins) are in `web_limits`.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.config import PROJECT_ROOT, Settings
from assistant.errors import AssistantError, InputError
from assistant.ingest.text import paragraphs
from assistant.records import Answer, Citation, Document
from assistant.web.answer_markup import answer_markdown, md, status_line
from assistant.web.citation_markers import MARKERS_CSS, MARKERS_JS
from assistant.web.cited_page import page_figure
from assistant.web.conflicts_view import conflicts_html
from assistant.web.conversations import ConversationStore, StoredTurn, store_path
from assistant.web.conversations_panel import add_conversations_panel
from assistant.web.documents_tab import add_documents_tab
from assistant.web.downloads import MemoFiles
from assistant.web.events import events_of
from assistant.web.feedback import FeedbackLog, verdict
from assistant.web.limits import limits_for, middleware
from assistant.web.memo_panel import MemoPanel, add_memo_panel
from assistant.web.server_setup import temp_folder, trust_proxies, use_temp_folder

DEFAULT_FEEDBACK = PROJECT_ROOT / "feedback" / "feedback.jsonl"
MAX_EXAMPLES = 8


def examples_for(corpus_dir: Path, max_chars: int) -> list[str]:
    """The corpus's example questions (`<corpus>/examples.txt`, one per line, `#` comments), for the
    question box; none when the file is missing or unreadable, so another corpus never shows these."""
    try:
        lines = (corpus_dir / "examples.txt").read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    wanted = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return [q for q in wanted if len(q) <= max_chars][:MAX_EXAMPLES]


CSS = """
.banner { padding: .5em .8em; border-radius: 6px; margin-bottom: .6em; font-weight: 600; }
.banner.abstained { background: #fff4e5; border-left: 5px solid #e08a00; color: #6b3f00; }
.banner.answered { background: #eaf6ec; border-left: 5px solid #2e8540; color: #1d4d27; }
.source { border-top: 1px solid #ddd; padding: .4em 0; }
.sources h2 { font-size: 1.05em; margin: .3em 0; }
.source .where { color: #545454; font-size: .85em; margin: 0; }
.dark .source .where { color: #b8b8b8; }
.source blockquote { margin: .3em 0; white-space: pre-wrap; }
#sources .source mark { background: #ffe066; color: #1a1a1a; padding: 0 .1em; }
.working code { white-space: pre-wrap; }
#chat a { pointer-events: none; color: inherit; text-decoration: none; }
.show-api, .show-api *, #upload .or, #remove-choice input { color: var(--body-text-color) !important; }
#conversations { max-height: 420px; overflow-y: auto; }
#tabs button[role=tab][aria-selected=true] { color: #c2410c; }
.dark #tabs button[role=tab][aria-selected=true] { color: #fb923c; }
#conversations-heading, #conversations-heading * { overflow: visible !important; max-height: none !important; }
"""
# After an answer: scroll the chat so that the newest answer's first line is at its top, below the
# chat's label (Gradio's autoscroll, off, would show its last line). The delay lets it render first.
SCROLL_TO_ANSWER = """() => { setTimeout(() => {
  const box = document.querySelector('#chat .bubble-wrap');
  const last = [...document.querySelectorAll('#chat [data-testid="bot"]')].pop();
  if (box && last) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 36;
}, 100); }"""
# Source Sans Pro as Gradio ships it: its SemiBold file holds a few glyphs only, so every heading and
# bold text would fall back to another font; 400 and 700 are complete. The primary (orange) and stop
# (red) buttons are darker than Gradio's, for 4.5:1 contrast with their white labels in both themes.
ORANGE = "#c2410c"
THEME = gr.themes.Default(
    font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "ui-sans-serif", "system-ui", "sans-serif"],
).set(
    button_primary_background_fill=ORANGE,
    button_primary_background_fill_dark=ORANGE,
    button_primary_background_fill_hover="#9a3412",
    button_primary_background_fill_hover_dark="#9a3412",
    button_primary_text_color="#ffffff",
    button_primary_text_color_dark="#ffffff",
    button_cancel_background_fill="#b91c1c",
    button_cancel_background_fill_dark="#b91c1c",
    button_cancel_background_fill_hover="#991b1b",
    button_cancel_background_fill_hover_dark="#991b1b",
    button_cancel_text_color="#ffffff",
    button_cancel_text_color_dark="#ffffff",
)
log = logging.getLogger("assistant.web")
_SURROGATES = re.compile("[\ud800-\udfff]")
SHOWN_CHARS = 200  # of a refused question, in the chat


@dataclass(frozen=True)
class Turn:
    """One exchange of a session: the question and either an answer or an error message.

    `turn_id` is the answer's id in the conversation store, once kept (feedback names it).
    """

    question: str
    answer: Answer | None = None
    error: str | None = None
    turn_id: int | None = None


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def shorten(value: object, limit: int = 60) -> str:
    """repr(value) cut to `limit` characters, for error messages and the log."""
    return clip(repr(value), limit)


def as_text(value: object, what: str) -> str:
    """`value` if it is text (lone surrogates dropped: they cannot be stored or sent), else an InputError."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be text, not {type(value).__name__} ({shorten(value)})")
    return _SURROGATES.sub("", value)


def parse_day(text: object) -> dt.date:
    """The "today" control's date; empty means the current date."""
    value = as_text("" if text is None else text, "“today”").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"“today” is {shorten(value, 40)}, which is not a date: use YYYY-MM-DD, e.g. 2026-03-01"
        ) from None


def history(turns: list[Turn]) -> list[dict[str, str]]:
    """Earlier answered turns in the messages format `Assistant.ask` takes for follow-ups."""
    out: list[dict[str, str]] = []
    for turn in turns:
        if turn.answer is not None:
            out += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": turn.answer.text}]
    return out


def respond(bot: Assistant, message: object, today: object, turns: list[Turn]) -> list[Turn]:
    """The session's turns after asking `message`; an AssistantError becomes the turn's error.

    A refused question is kept only as its first SHOWN_CHARS characters, and the turns kept are
    capped by `max_history_turns` and `max_history_chars`, oldest dropped first.
    """
    limit = bot.settings.max_question_chars
    try:
        question = as_text(message, "the question")
        if len(question) > limit:  # before it is stored, echoed or parsed any further
            raise InputError(f"the question is {len(question)} characters long; the maximum is {limit}: shorten it")
        answer = located(bot, bot.ask(question, history=history(turns), today=parse_day(today)))
    except AssistantError as err:
        log.info("question refused: %s", clip(str(err), 200))
        return capped([*turns, Turn(question=refused_question(message), error=str(err))], bot.settings)
    return capped([*turns, Turn(question=question, answer=answer)], bot.settings)


def refused_question(message: object) -> str:
    text = _SURROGATES.sub("", message) if isinstance(message, str) else shorten(message)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}… ({len(text)} characters)"


def turn_chars(turn: Turn) -> int:
    answer = turn.answer
    quotes = sum(len(c.quote) for c in answer.citations) if answer else 0
    return len(turn.question) + len(turn.error or "") + (len(answer.text) + quotes if answer else 0)


def capped(turns: list[Turn], settings: Settings) -> list[Turn]:
    """The most recent turns within the history caps (the newest is always kept)."""
    kept = turns[-settings.max_history_turns :]
    total = sum(turn_chars(t) for t in kept)
    while len(kept) > 1 and total > settings.max_history_chars:
        total -= turn_chars(kept[0])
        kept = kept[1:]
    return kept


def position(index: object) -> int | None:
    """The turn a chat message index (an int, or Gradio's [row, column]) points at; None for anything else."""
    if isinstance(index, list | tuple) and index:
        index = index[0]
    if isinstance(index, bool) or not isinstance(index, int):
        return None
    return index // 2


# --- rendering (all text escaped) ----------------------------------------------------------


def message_markdown(turn: Turn) -> str:
    """The chat bubble of a turn: banner if abstained, the answer, then its numbered sources."""
    if turn.answer is None:
        return f"**Could not answer:** {md(turn.error or 'unknown error')}"
    answer, parts = turn.answer, []
    if status := status_line(answer):
        parts.append(f"**{status}**")
    if answer.resolved_question:
        parts.append(f"*Understood as: {md(answer.resolved_question)}*")
    parts.append(answer_markdown(answer.text))  # our formatting rendered, document text escaped
    if answer.citations:
        parts.append("**Sources**\n" + "\n".join(_source_line(c) for c in answer.citations))
    return "\n\n".join(parts)


def _source_line(c: Citation) -> str:
    return f"- [{c.n}] *{md(c.title)}* — “{md(' '.join(c.quote.split()))}”"


def chat_messages(turns: list[Turn]) -> list[dict[str, str]]:
    """Chatbot value: exactly two messages per turn (feedback maps message index // 2 to a turn)."""
    out: list[dict[str, str]] = []
    for turn in turns:
        out.append({"role": "user", "content": md(turn.question)})
        out.append({"role": "assistant", "content": message_markdown(turn)})
    return out


def paragraph_span(text: str, start: int, end: int) -> tuple[int, int, int]:
    """(1-based number, start, end) of the paragraph(s) around text[start:end]."""
    spans = list(paragraphs(text))
    first = next((i for i, (_, e) in enumerate(spans) if e > start), len(spans) - 1)
    last = max((i for i, (s, _) in enumerate(spans) if s < end), default=first)
    return first + 1, min(spans[first][0], start), max(spans[max(first, last)][1], end)


def located(bot: Assistant, answer: Answer) -> Answer:
    """`answer` with each citation's paragraph as its location where no page or paragraph is known."""

    def where(c: Citation) -> Citation:
        if c.location:
            return c
        number, _, _ = paragraph_span(cited_text(bot, c), c.start, c.end)
        return c.model_copy(update={"location": f"paragraph {number}"})

    return answer.model_copy(update={"citations": [where(c) for c in answer.citations]})


def passage_html(doc_text: str, title: str, c: Citation, figure: str = "") -> str:
    """A cited passage in its paragraph, the quote in <mark>, with title and location (and its PDF page).

    It can take the focus (tabindex -1) so that a citation marker in the chat can move to it.
    """
    number, p_start, p_end = paragraph_span(doc_text, c.start, c.end)
    body = (
        f"{esc(doc_text[p_start : c.start])}<mark>{esc(doc_text[c.start : c.end])}</mark>{esc(doc_text[c.end : p_end])}"
    )
    where = f"{esc(c.doc_id)} · {esc(c.location) if c.location else f'paragraph {number}'} · chars {c.start}–{c.end}"
    return (
        f'<article class="source" id="source-{c.n}" tabindex="-1"><h2>[{c.n}] {esc(title)}</h2>'
        f'<p class="where">{where}</p><blockquote>{body}</blockquote>{figure}</article>'
    )


def working_html(answer: Answer) -> str:
    calc = answer.calculation
    if calc is None or not calc.expression:  # a look-up of one stated value has no working
        return ""
    items = "".join(f"<li>{esc(i.label)}: {esc(i.value)} [{i.citation}]</li>" for i in calc.inputs)
    return (
        f'<section class="working"><h2>Working</h2><p><code>{esc(calc.expression)}</code> '
        f"→ <strong>{esc(calc.result)}</strong></p><ul>{items}</ul></section>"
    )


def cited_document(bot: Assistant, c: Citation) -> Document | None:
    """The cited document as the answer saw it, or None.

    The index may have been rebuilt since the answer (a document edited while serving); a document
    whose text no longer holds the quote at its offsets is not the one cited.
    """
    for index in (bot.current().index, bot.index):
        try:
            doc = index.document(c.doc_id)
        except KeyError:
            continue
        if doc.text[c.start : c.end] == c.quote:
            return doc
    return None


def cited_text(bot: Assistant, c: Citation) -> str:
    """The text of the cited document as the answer saw it; else the quote alone, at its offset."""
    doc = cited_document(bot, c)
    return doc.text if doc else " " * c.start + c.quote


def cited_passage(bot: Assistant, c: Citation) -> str:
    """A citation's passage in the sources panel, with its page drawn when it is a PDF's."""
    doc = cited_document(bot, c)
    if doc is None:
        return passage_html(cited_text(bot, c), c.title, c)
    return passage_html(doc.text, c.title, c, page_figure(bot.settings.corpus_dir / "docs", doc, c))


def sources_html(bot: Assistant, turn: Turn | None, at: int | None = None) -> str:
    """The sources panel for one turn (number `at` of the chat): a status banner, the working, every cited passage.

    `data-turn` tells the citation markers' script which answer the panel shows.
    """
    if turn is None or turn.answer is None:
        return (
            '<section class="sources" aria-label="Sources"><p class="empty">'
            "Cited passages appear here, highlighted in their paragraph.</p></section>"
        )
    answer = turn.answer
    kind, label = (
        (
            "abstained",
            "More than one fits — the candidates:"
            if answer.asks_back
            else "Not answered by the sources — nearest passages:",
        )
        if answer.abstained
        else ("answered", f"Sources for: {esc(answer.question)}")
    )
    passages = [cited_passage(bot, c) for c in answer.citations]
    banner = f'<div class="banner {kind}">{label}</div>'
    body = f"{banner}{conflicts_html(answer)}{working_html(answer)}{''.join(passages)}"
    turn_at = "" if at is None else f' data-turn="{at}"'
    return f'<section class="sources" aria-label="Sources"{turn_at}>{body}</section>'


# --- memos and feedback --------------------------------------------------------------------


def answered(turns: list[Turn]) -> list[tuple[str, Answer]]:
    return [(t.question, t.answer) for t in turns if t.answer is not None]


def feedback_record(turns: list[Turn], index: object, liked: object) -> dict[str, Any] | None:
    """The JSONL record for a thumbs up/down on chat message `index`, or None for a non-answer or a bad event.

    Only the app's own fields are written, taken from the session's turn; the client sends nothing but
    the message index and a verdict from a fixed set.
    """
    where, choice = position(index), verdict(liked)
    if where is None or choice is None or not 0 <= where < len(turns) or turns[where].answer is None:
        return None
    answer = turns[where].answer
    assert answer is not None
    return {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "question": turns[where].question,
        "answer": answer.text,
        "citations": [c.model_dump(mode="json") for c in answer.citations],
        "abstained": answer.abstained,
        "as_of": answer.as_of.isoformat() if answer.as_of else None,
        "verdict": choice,
        "turn": turns[where].turn_id,
    }


# --- the app -------------------------------------------------------------------------------


def page(c: Citation) -> str:
    """`p. 3, ` for a citation with a known page or paragraph, else nothing."""
    return f"{c.location}, " if c.location else ""


def api_chat(bot: Assistant, message: object, today: object = "") -> str:
    """The `/chat` endpoint: one stateless question in, the answer and its sources as plain text out.

    Quotes are verbatim document text, not Markdown. A bad input is one short error line for the
    client and one line in the log (no traceback).
    """
    try:
        answer = bot.ask(as_text(message, "the question"), today=parse_day(today))
    except AssistantError as err:
        reason = clip(str(err), 300)
        log.info("/chat refused: %s", reason)
        raise gr.Error(reason, print_exception=False) from None
    lines = [answer.text, "", "Sources:"] if answer.citations else [answer.text]
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.title} ({c.doc_id}, {page(c)}chars {c.start}-{c.end}): “{c.quote}”")
    return "\n".join(lines)


def session_of(request: gr.Request | None) -> str:
    return str(getattr(request, "session_hash", None) or "anonymous")


def build_app(
    bot: Assistant, feedback_path: Path = DEFAULT_FEEDBACK, store: ConversationStore | None = None
) -> gr.Blocks:
    """The chat app for `bot`; feedback is appended to `feedback_path` (JSONL, rotated).

    Conversations are kept in `store` (default: the file `store_path` names, beside the index).
    """
    settings = bot.settings
    store = store or ConversationStore(store_path(settings), settings.max_conversations)
    memo_files = MemoFiles.temporary(settings.memo_ttl_seconds)
    feedback = FeedbackLog(feedback_path, settings)

    def view(turns: list[Turn], session: str) -> tuple[Any, ...]:
        return (
            chat_messages(turns),
            turns,
            sources_html(bot, turns[-1] if turns else None, len(turns) - 1),
            *MemoPanel.values(answered(turns), memo_files, session),
        )

    def submit(message: str, today: str, turns: list[Turn], browser: object, request: gr.Request) -> tuple[Any, ...]:
        if isinstance(message, str) and not message.strip():  # an empty question does nothing
            return tuple(gr.skip() for _ in asked)
        turns = respond(bot, message, today, turns)
        last, kept = turns[-1], tuple(gr.skip() for _ in panel.outputs())
        if last.answer is not None:  # a refused question is not kept
            turn_id, kept = panel.keep(request, browser, last.question, last.answer)
            turns = [*turns[:-1], replace(last, turn_id=turn_id)]
        return ("", *view(turns, session_of(request)), *kept)

    def show(stored: list[StoredTurn], request: gr.Request) -> tuple[Any, ...]:
        turns = [Turn(t.question, t.answer, turn_id=t.id) for t in stored]
        return view(capped(turns, settings) if turns else [], session_of(request))

    def select(turns: list[Turn], event: gr.SelectData) -> str:
        where = position(event.index)
        if where is None or not 0 <= where < len(turns):
            return sources_html(bot, None)
        return sources_html(bot, turns[where], where)

    def like(turns: list[Turn], browser: object, event: gr.LikeData, request: gr.Request) -> None:
        record = feedback_record(turns, event.index, event.liked)
        if record is None:
            return
        refused = feedback.add(session_of(request), record)
        if refused:
            gr.Warning(f"Feedback not saved: {refused}.")
        else:
            panel.add_feedback(request, browser, record["turn"], record["verdict"])
            gr.Info("Thanks: your feedback was saved.")

    ttl = settings.memo_ttl_seconds
    # Gradio's cached copies of the memo downloads go after the same time as ours.
    with gr.Blocks(title="Cited answers", analytics_enabled=False, delete_cache=(min(600, ttl), ttl)) as app:
        turns = gr.State([])
        gr.Markdown("# Ask the documents\nEvery answer quotes its sources. Click an answer to see its passages.")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Ask", id="ask", elem_id="ask-tab"):
                with gr.Row():
                    with gr.Column(scale=1, min_width=220, elem_id="conversations-column"):
                        panel = add_conversations_panel(store)
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Chat",
                            height=480,
                            sanitize_html=True,
                            allow_tags=False,
                            latex_delimiters=[],
                            elem_id="chat",
                            feedback_options=("Like", "Dislike"),
                            buttons=["copy", "copy_all"],
                            autoscroll=False,  # SCROLL_TO_ANSWER instead
                        )
                        with gr.Row():
                            # No max_length: the browser would cut a long question without a word;
                            # `respond` refuses it and says how long a question may be.
                            # Off until the page has loaded: the kept conversation, restored on load,
                            # would otherwise replace an answer asked for before it arrived.
                            box = gr.Textbox(
                                label="Question",
                                placeholder="Loading…",
                                show_label=False,
                                scale=5,
                                elem_id="question",
                                interactive=False,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", interactive=False)
                        today = gr.Textbox(
                            max_lines=1,
                            max_length=40,
                            elem_id="today",
                            label="Today (YYYY-MM-DD), for deadline questions",
                        )
                        if examples := examples_for(bot.settings.corpus_dir, bot.settings.max_question_chars):
                            gr.Examples(examples, inputs=[box], label="Try one of these")
                    with gr.Column(scale=2):
                        sources = gr.HTML(sources_html(bot, None), elem_id="sources", js_on_load=None)
                        memo = add_memo_panel()
            add_documents_tab(app, bot)  # listing, upload and removal of documents
        outputs = [box, chatbot, turns, sources, *memo.outputs()]
        asked = [*outputs, *panel.outputs()]
        for trigger in (box.submit, send.click):
            trigger(submit, [box, today, turns, panel.browser], asked, api_visibility="private").then(
                None, js=SCROLL_TO_ANSWER
            )
        chatbot.select(select, [turns], [sources], api_visibility="private")
        restored = panel.wire(app, outputs[1:], show, chatbot.clear)  # the bin icon begins a new conversation
        chatbot.like(like, [turns, panel.browser], None, api_visibility="private")
        ask_text = f"Ask a question (up to {settings.max_question_chars:,} characters)…"

        def ready() -> tuple[Any, ...]:
            """The date at page load, and the question box on (after the restore, failed or not)."""
            opened = gr.update(interactive=True, placeholder=ask_text)
            return dt.date.today().isoformat(), opened, gr.update(interactive=True)

        restored.then(ready, None, [today, box, send], api_visibility="private")

        def chat(message: str, today: str = "") -> str:
            """Ask one question (no history); `today` is YYYY-MM-DD or empty. Returns plain text with sources."""
            return api_chat(bot, message, today)

        gr.api(chat, api_name="chat")
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


UPLOADERS = (gr.File, gr.UploadButton, gr.MultimodalTextbox, gr.Image, gr.Audio, gr.Video)


def takes_uploads(app: gr.Blocks) -> bool:
    """True when some component of `app` uploads files (else the upload route is closed)."""
    return any(
        isinstance(block, UPLOADERS) and getattr(block, "interactive", True) is not False
        for block in app.blocks.values()
    )


def serve(
    app: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    settings: Settings | None = None,
    **options: Any,
) -> Any:
    """Serve a built app: loopback by default, no analytics, no SSR or MCP, optional login, and the
    limits of `settings` (default: from the environment) enforced in front of Gradio (web_limits)."""
    # Gradio's queue statistics use pandas options that pandas 3 deprecates; the warnings are noise to users.
    for message in ("'future.no_silent_downcasting' is deprecated", "The copy keyword is deprecated"):
        warnings.filterwarnings("ignore", message=message)
    # The Assistant is read-only once loaded, so requests from several sessions may run at once.
    app.queue(default_concurrency_limit=CONCURRENT_REQUESTS)
    if not log.handlers:  # refusals and input errors: one line each on stderr
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    settings = settings or Settings()
    uploads = temp_folder(settings)
    use_temp_folder(app, uploads)  # not a shared /tmp/gradio another user may own
    trust_proxies(settings)  # client addresses from the socket unless a listed proxy forwards them
    limits = limits_for(settings, host, takes_uploads(app), events_of(app, uploads))
    return app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        css=CSS + MARKERS_CSS,
        js=MARKERS_JS,
        theme=THEME,
        ssr_mode=False,
        mcp_server=False,
        footer_links=["api"],
        max_file_size=limits.max_upload_bytes,
        app_kwargs={"middleware": middleware(limits)},
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
    from assistant.web.watch import watch_corpus

    bot = Assistant.load(settings, rebuild=True, progress=True)
    if watch_seconds > 0:
        watch_corpus(settings, watch_seconds)
    serve(build_app(bot, feedback_path), host, port, auth, settings)
