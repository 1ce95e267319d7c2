"""The chat app served on a free loopback port, for the tests that talk to it over HTTP or in a browser."""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.api import Assistant


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(bot: Assistant, feedback: Path, **options: Any) -> Iterator[str]:
    """The app for `bot` served on a free port while the block runs (`options` go to `serve`); yields its URL.

    Gradio creates event loops it never closes (gradio.utils.safe_get_lock): they are dropped here,
    quietly, rather than let their ResourceWarnings fail whichever test runs when they are collected.
    """
    from assistant.web import app as ui  # Gradio: imported only by the tests that serve the app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        app = ui.build_app(bot, feedback)
        port = free_port()
        ui.serve(app, port=port, prevent_thread_lock=True, quiet=True, **options)
        asyncio.set_event_loop(None)
        gc.collect()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            app.close()
            gc.collect()
