"""The web UI's Documents tab: the listing, uploads and removals, and the rebuild they start.

A rebuild runs in one background worker with the assistant's own embedder; it is incremental
(assistant.ingest.incremental), so only new documents are embedded. Until it goes live, every
answer comes from the previous build; the handler reports "done" only once the assistant has
moved to the new one. The tab sits inside the app, so a login (`serve --auth`) covers it, and
its events are private: no API client can call them.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import REFRESH_SECONDS, Assistant
from assistant.errors import AssistantError
from assistant.ingest.index import build_index, live_build, skipped_files, stale_reasons
from assistant.web.documents import (
    ALLOWED,
    Accepted,
    Refused,
    Row,
    files_in,
    listing,
    plan_removal,
    remove_files,
    store_uploads,
)

log = logging.getLogger(__name__)
Progress = Callable[..., Any]
# Gradio finds the progress bar by this default value; the one instance serves every call (its state is per request).
PROGRESS = gr.Progress()
COLUMNS = ("File", "Title", "Format", "Pages", "Sentences", "Added", "Status")


@dataclass(frozen=True)
class Rebuilt:
    """How a rebuild ended: the live build afterwards, or the error that kept the previous one."""

    build: Path | None
    seconds: float
    error: str | None = None


@dataclass
class Reindexer:
    """Rebuilds the index of `bot`'s corpus in one background thread, one build at a time."""

    bot: Assistant
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "documents-reindex"))

    def start(self) -> Future[Rebuilt]:
        return self._pool.submit(self._rebuild)

    def _rebuild(self) -> Rebuilt:
        s, began = self.bot.settings, time.monotonic()
        try:
            if stale_reasons(s.index_dir, s.corpus_dir, s, self.bot.embedder):
                build_index(s.corpus_dir, s.index_dir, s, self.bot.embedder, progress=False)
        except AssistantError as err:
            return Rebuilt(live_build(s.index_dir), time.monotonic() - began, str(err))
        except Exception as err:  # noqa: BLE001 -- a bug must not stop the server; the log has the traceback
            log.exception("rebuilding the index after a Documents tab change failed")
            return Rebuilt(live_build(s.index_dir), time.monotonic() - began, f"internal error: {err}")
        return Rebuilt(live_build(s.index_dir), time.monotonic() - began)

    def wait(self, job: Future[Rebuilt], progress: Progress, what: str) -> Rebuilt:
        """The job's outcome once the assistant answers from its build, with the progress bar moving meanwhile."""
        while not job.done():
            progress((1, 3), desc=f"{what}: indexing (only new documents are embedded)…")
            time.sleep(0.25)
        done = job.result()
        progress((2, 3), desc=f"{what}: switching answers to the new index…")
        deadline = time.monotonic() + 2 * REFRESH_SECONDS + 1
        while done.build is not None and self.bot.current().index.path != done.build and time.monotonic() < deadline:
            time.sleep(0.1)
        return done


# --- rendering --------------------------------------------------------------------------------


def rows_of(bot: Assistant) -> list[Row]:
    """The Documents tab's rows for the build `bot` answers from and the files now in corpus/docs/."""
    index = bot.current().index
    counts: dict[str, int] = {}
    for s in index.data.sentences:
        counts[s.doc_id] = counts.get(s.doc_id, 0) + 1
    return listing(index.data.documents, counts, skipped_files(index), files_in(bot.settings.corpus_dir / "docs"))


def table_html(rows: list[Row]) -> str:
    """The listing as an HTML table; every value escaped."""
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    body = "".join(
        f'<tr class="{"indexed" if r.status == "indexed" else "pending"}">'
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in _cells(r))
        + "</tr>"
        for r in rows
    )
    return f'<table class="documents"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cells(r: Row) -> tuple[Any, ...]:
    blank = "—"
    pages = r.pages if r.pages is not None else blank
    sentences = r.sentences if r.sentences is not None else blank
    return (r.file, r.title or blank, r.format, pages, sentences, r.added or blank, r.status)


def summary(decisions: list[Accepted | Refused], done: Rebuilt | None, rows: list[Row]) -> str:
    """The status line after an upload or removal: what was stored or refused, and how indexing went."""
    status = {r.file: r.status for r in rows}
    lines = []
    for d in decisions:
        if isinstance(d, Refused):
            lines.append(f"- **Refused** {html.escape(d.original)}: {html.escape(d.reason)}")
        else:
            renamed = f" (from “{html.escape(d.original)}”)" if d.original != d.name else ""
            state = status.get(d.name, "waiting to be indexed")
            lines.append(f"- **Added** {html.escape(d.name)}{renamed}: {html.escape(state)}")
    return "\n".join(lines) + (f"\n\n{_outcome(done)}" if done is not None else "")


def _outcome(done: Rebuilt) -> str:
    if done.error:
        return f"⚠️ The index was not rebuilt: {html.escape(done.error)} (answers still come from the previous index)."
    return f"Indexed in {done.seconds:.1f} s: answers now come from the updated documents."


# --- the tab ----------------------------------------------------------------------------------


def _quiet(*_: Any, **__: Any) -> None:
    """A progress callback that shows nothing (tests, scripts)."""


class Handlers:
    """The tab's event handlers for one assistant; callable without a browser."""

    def __init__(self, bot: Assistant) -> None:
        self.bot, self.reindexer = bot, Reindexer(bot)
        self.docs = bot.settings.corpus_dir / "docs"
        self.limit = bot.settings.max_upload_bytes

    def view(self) -> tuple[str, Any]:
        """The table and the choices of the removal list."""
        rows = rows_of(self.bot)
        names = [r.file for r in rows if r.status != "removed, re-indexing"]
        return table_html(rows), gr.Dropdown(choices=names, value=None)

    def upload(self, paths: list[str] | None, progress: Progress = _quiet) -> tuple[Any, ...]:
        """Store the uploaded files, rebuild, and return (cleared upload box, table, choices, status)."""
        given = [Path(p) for p in paths or []]
        progress((0, 3), desc=f"saving {len(given)} file(s)…")
        ids = [d.doc_id for d in self.bot.current().index.data.documents]
        decisions = store_uploads(self.docs, [(p, p.name, p.stat().st_size) for p in given], self.limit, ids)
        stored = [d for d in decisions if isinstance(d, Accepted)]
        done = self.reindexer.wait(self.reindexer.start(), progress, f"{len(stored)} new") if stored else None
        return None, *self.view(), summary(decisions, done, rows_of(self.bot)) + self._left_out()

    def remove(self, name: str | None, progress: Progress = _quiet) -> tuple[Any, ...]:
        """Delete a document and its sidecar, rebuild, and return (table, choices, status)."""
        indexed = [r.file for r in rows_of(self.bot) if r.status == "indexed"]
        plan = plan_removal(name if isinstance(name, str) else "", files_in(self.docs), indexed)
        if isinstance(plan, Refused):
            return (*self.view(), f"**Not removed** {html.escape(plan.original)}: {html.escape(plan.reason)}")
        remove_files(self.docs, plan)
        done = self.reindexer.wait(self.reindexer.start(), progress, f"removing {name}")
        message = f"- **Removed** {html.escape(', '.join(plan))}\n\n{_outcome(done)}"
        return (*self.view(), message + self._left_out())

    def _left_out(self) -> str:
        """Files outside corpus/docs/ the live build skipped (a facts file about a removed document, say)."""
        others = [s for s in skipped_files(self.bot.current().index) if Path(s.path).parent != self.docs]
        return "".join(f"\n\n⚠️ Also left out: {html.escape(str(s))}" for s in others)


def add_documents_tab(app: gr.Blocks, bot: Assistant) -> gr.Tab:
    """The Documents tab, added inside `app` (a `gr.Blocks` being built); the listing refreshes at each page load."""
    handlers = Handlers(bot)

    def upload(paths: list[str] | None, progress: Progress = PROGRESS) -> tuple[Any, ...]:
        return handlers.upload(paths, progress)

    def remove(name: str | None, progress: Progress = PROGRESS) -> tuple[Any, ...]:
        return handlers.remove(name, progress)

    with gr.Tab("Documents", id="documents", elem_id="documents-tab") as tab:
        cap_mb = bot.settings.max_upload_bytes // 2**20
        gr.Markdown(
            f"Drop files here to add them to the corpus ({', '.join(ALLOWED)}; up to {cap_mb} MB"
            " each). Only new documents are embedded; answers come from the previous index until it is done."
        )
        # No `file_types`: Gradio would refuse a whole batch for one wrong file; the handler refuses it alone.
        files = gr.File(file_count="multiple", label="Add documents", elem_id="upload", height=140)
        status = gr.Markdown(elem_id="documents-status")
        table = gr.HTML(elem_id="documents")
        with gr.Row():
            # allow_custom_value: Gradio would log a traceback for a name not in the list; `remove` refuses it.
            choice = gr.Dropdown(
                label="Document to remove", choices=[], elem_id="remove-choice", scale=4, allow_custom_value=True
            )
            drop = gr.Button("Remove from the corpus", variant="stop", elem_id="remove", scale=1)
        files.upload(upload, [files], [files, table, choice, status], api_visibility="private")
        drop.click(remove, [choice], [table, choice, status], api_visibility="private")
        for refresh in (tab.select, app.load):
            refresh(handlers.view, None, [table, choice], api_visibility="private")
    return tab
