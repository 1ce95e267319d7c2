"""Keep a served index fresh: rebuild in the background when the corpus changes.

A running `Assistant` moves to the new build on its next question (`Assistant.current`), so a
document dropped into corpus/docs/ is answerable within seconds, without a restart. A bad file
is left out and named in the report; an error that stops the whole build (no readable document,
a bug) is reported once and the old index keeps serving.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from assistant.config import Settings
from assistant.errors import AssistantError

Report = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def refresh_once(settings: Settings, last_error: str | None = None, report: Report = _stderr) -> str | None:
    """Rebuild the index if the corpus changed; return the error message, if the rebuild failed."""
    from assistant.ingest.embedding import make_embedder
    from assistant.ingest.index import build_index, skipped_in, stale_reasons

    try:
        embedder = make_embedder(settings.embedder, settings.index_dir)
        reasons = stale_reasons(settings.index_dir, settings.corpus_dir, settings, embedder)
        if not reasons:
            return None
        build = build_index(settings.corpus_dir, settings.index_dir, settings, embedder, progress=False)
    except Exception as err:  # noqa: BLE001 -- the watcher must outlive any bad file or bug; it retries
        message = str(err) if isinstance(err, AssistantError) else f"internal error: {type(err).__name__}: {err}"
        if message != last_error:
            report(f"corpus changed but the index was not rebuilt: {message} (still serving the previous index)")
        return message
    report("index rebuilt: " + "; ".join(reasons) + "".join(f"; skipped {s}" for s in skipped_in(build)))
    return None


def watch_corpus(settings: Settings, interval: float = 10.0, report: Report = _stderr) -> threading.Event:
    """Check the corpus every `interval` seconds in a daemon thread; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        error: str | None = None
        while not stop.wait(interval):
            error = refresh_once(settings, error, report)

    threading.Thread(target=loop, name="corpus-watcher", daemon=True).start()
    return stop
