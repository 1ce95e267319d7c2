"""The web UI's Documents tab: the listing, uploads and removals, and the rebuild they start.

A rebuild runs in one background worker with the assistant's own embedder; it is incremental
(assistant.ingest.incremental), so only new documents are embedded. Until it goes live, every
answer comes from the previous build; the handler reports "done" only once the assistant has
moved to the new one. One progress bar, in the status line, follows the build's stages. A removal
asks first, naming the document. The tab sits inside the app, so a login (`serve --auth`) covers
it, and its events are private: no API client can call them.
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
from assistant.web.documents_markup import TABLE_CSS, step, table_html, upload_check

log = logging.getLogger(__name__)
Progress = Callable[..., Any]
# Gradio finds the progress bar by this default value; the one instance serves every call (its state is per request).
PROGRESS = gr.Progress()
TITLE_CHARS = 80  # of a document's title, in the question before removing it


@dataclass(frozen=True)
class Rebuilt:
    """How a rebuild ended: the live build afterwards, or the error that kept the previous one."""

    build: Path | None
    seconds: float
    error: str | None = None


@dataclass
class Build:
    """A rebuild under way: its outcome to come, and the stage it last reported (stage, fraction)."""

    job: Future[Rebuilt] | None = None
    stage: tuple[str, float] = ("reading", 0.0)  # replaced whole by the worker, read by the handler

    def told(self, stage: str, fraction: float) -> None:
        self.stage = (stage, fraction)


@dataclass
class Reindexer:
    """Rebuilds the index of `bot`'s corpus in one background thread, one build at a time."""

    bot: Assistant
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "documents-reindex"))

    def start(self) -> Build:
        build = Build()
        build.job = self._pool.submit(self._rebuild, build)
        return build

    def _rebuild(self, build: Build) -> Rebuilt:
        s, began = self.bot.settings, time.monotonic()
        try:
            if stale_reasons(s.index_dir, s.corpus_dir, s, self.bot.embedder):
                build_index(s.corpus_dir, s.index_dir, s, self.bot.embedder, progress=False, stages=build.told)
        except AssistantError as err:
            return Rebuilt(live_build(s.index_dir), time.monotonic() - began, str(err))
        except Exception as err:  # noqa: BLE001 -- a bug must not stop the server; the log has the traceback
            log.exception("rebuilding the index after a Documents tab change failed")
            return Rebuilt(live_build(s.index_dir), time.monotonic() - began, f"internal error: {err}")
        return Rebuilt(live_build(s.index_dir), time.monotonic() - began)

    def wait(self, build: Build, progress: Progress, what: str) -> Rebuilt:
        """The build's outcome once the assistant answers from it, with the bar following its stages meanwhile."""
        assert build.job is not None
        while not build.job.done():
            fraction, words = step(*build.stage)
            progress(fraction, desc=f"{what}: {words}…")
            time.sleep(0.25)
        done = build.job.result()
        progress(1.0, desc=f"{what}: switching answers to the new index…")
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


def summary(decisions: list[Accepted | Refused], done: Rebuilt | None, rows: list[Row]) -> str:
    """The status line after an upload or removal: what was stored or refused, and how indexing went."""
    status = {r.file: r.status for r in rows}
    lines = []
    for d in decisions:
        if isinstance(d, Refused):
            lines.append(f"- {html.escape(d.reason)}")
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
        progress(0.0, desc=f"saving {len(given)} file(s)…")
        ids = [d.doc_id for d in self.bot.current().index.data.documents]
        decisions = store_uploads(self.docs, [(p, p.name, p.stat().st_size) for p in given], self.limit, ids)
        stored = [d for d in decisions if isinstance(d, Accepted)]
        done = self.reindexer.wait(self.reindexer.start(), progress, f"{len(stored)} new") if stored else None
        return None, *self.view(), summary(decisions, done, rows_of(self.bot)) + self._left_out()

    def ask_removal(self, name: str | None) -> tuple[Any, ...]:
        """The question before a removal, naming the document: (question, its panel, the name pending, status)."""
        plan = self._plan(name)
        if isinstance(plan, Refused):
            return "", gr.Group(visible=False), None, self._not_removed(plan)
        title = next((r.title for r in rows_of(self.bot) if r.file == name and r.title), str(name))
        if len(title) > TITLE_CHARS:  # a title read from a PDF's first lines can run on
            title = title[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
        question = (
            f"Remove “{html.escape(title)}” from the corpus? Its file {html.escape(str(name))} is deleted"
            " from corpus/docs/ and answers will no longer cite it."
        )
        return question, gr.Group(visible=True), name, ""

    def remove(self, name: str | None, progress: Progress = _quiet) -> tuple[Any, ...]:
        """Delete a document and its sidecar, rebuild, and return (table, choices, status); only once confirmed."""
        plan = self._plan(name)
        if isinstance(plan, Refused):
            return (*self.view(), self._not_removed(plan))
        remove_files(self.docs, plan)
        done = self.reindexer.wait(self.reindexer.start(), progress, f"removing {name}")
        message = f"- **Removed** {html.escape(', '.join(plan))}\n\n{_outcome(done)}"
        return (*self.view(), message + self._left_out())

    def _plan(self, name: str | None) -> list[str] | Refused:
        indexed = [r.file for r in rows_of(self.bot) if r.status == "indexed"]
        return plan_removal(name if isinstance(name, str) else "", files_in(self.docs), indexed)

    @staticmethod
    def _not_removed(plan: Refused) -> str:
        return f"**Not removed** {html.escape(plan.original)}: {html.escape(plan.reason)}"

    def _left_out(self) -> str:
        """Files outside corpus/docs/ the live build skipped (a facts file about a removed document, say)."""
        others = [s for s in skipped_files(self.bot.current().index) if Path(s.path).parent != self.docs]
        return "".join(f"\n\n⚠️ Also left out: {html.escape(str(s))}" for s in others)


def _hidden() -> Any:
    return gr.Group(visible=False)


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
        files = gr.File(file_count="multiple", label="Add documents", elem_id="upload", height=140)
        gr.HTML(
            html_template='<p class="refused" role="status" aria-live="polite"></p>',
            elem_id="upload-refused",
            js_on_load=upload_check(),
            container=False,
            padding=False,
        )
        status = gr.Markdown(elem_id="documents-status", min_height=40)  # the one progress bar shows here
        table = gr.HTML(elem_id="documents", css_template=TABLE_CSS)
        with gr.Row():
            # allow_custom_value: Gradio would log a traceback for a name not in the list; `remove` refuses it.
            choice = gr.Dropdown(
                label="Document to remove", choices=[], elem_id="remove-choice", scale=4, allow_custom_value=True
            )
            drop = gr.Button("Remove from the corpus…", variant="stop", elem_id="remove", scale=1)
        pending = gr.State(None)  # the name the question was asked about: a later choice does not change it
        with gr.Group(visible=False, elem_id="confirm-removal") as confirm:
            question = gr.Markdown(elem_id="confirm-question", padding=True)
            with gr.Row():
                yes = gr.Button("Remove", variant="stop", elem_id="confirm-remove")
                no = gr.Button("Cancel", elem_id="cancel-remove")
        private: dict[str, Any] = {"api_visibility": "private"}
        only_status: dict[str, Any] = {"show_progress_on": [status], **private}
        files.upload(upload, [files], [files, table, choice, status], **only_status)
        drop.click(handlers.ask_removal, [choice], [question, confirm, pending, status], **only_status)
        yes.click(_hidden, None, [confirm], **private).then(
            remove, [pending], [table, choice, status], **only_status
        ).then(lambda: None, None, [pending], **private)
        no.click(lambda: (_hidden(), None, "Nothing was removed."), None, [confirm, pending, status], **private)
        choice.change(lambda: (_hidden(), None), None, [confirm, pending], show_progress="hidden", **private)
        for refresh in (tab.select, app.load):
            # a listing is quick: no bar over the table, so the status line keeps the only one
            refresh(handlers.view, None, [table, choice], show_progress="hidden", api_visibility="private")
    return tab
