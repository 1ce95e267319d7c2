"""`assistant serve`: the web UI's command; gradio is imported only when the command runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

# Options are declared here rather than imported from assistant.edges.cli, which imports this module.
CorpusOpt = Annotated[Path | None, typer.Option("--corpus", help="Corpus folder (default: ./corpus)")]
IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder (default: ./index)")]
HostOpt = Annotated[str, typer.Option("--host", help="Interface to listen on; 0.0.0.0 exposes the UI to the network")]
PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on (1-65535)")]
AuthOpt = Annotated[
    str | None,
    typer.Option("--auth", help="Require a login, as user:password (default: $ASSISTANT_AUTH, else no login)"),
]
WatchOpt = Annotated[
    float, typer.Option("--watch", help="Re-index a changed corpus, checking every N seconds (0: never)")
]
FeedbackOpt = Annotated[
    Path | None, typer.Option("--feedback", help="JSONL file for thumbs up/down (default: feedback/feedback.jsonl)")
]


def check_port(host: str, port: int) -> None:
    """An InputError suggesting --port when `port` cannot be bound (in use, or not allowed)."""
    import socket

    from assistant.errors import InputError

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            raise InputError(
                f"cannot listen on {host}:{port} ({err.strerror}): pass another --port, e.g. --port {port + 1}"
            ) from None


def serve_command(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 7860,
    auth: AuthOpt = None,
    corpus: CorpusOpt = None,
    index: IndexOpt = None,
    feedback: FeedbackOpt = None,
    watch: WatchOpt = 10.0,
) -> None:
    """Start the web UI (index built or refreshed first); Ctrl-C stops it."""
    from assistant.edges.console import run, settings_for

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def start() -> None:
        from assistant.edges.ui import DEFAULT_FEEDBACK, launch, parse_auth

        login = parse_auth(auth if auth is not None else os.environ.get("ASSISTANT_AUTH"))
        settings = settings_for(corpus, index)
        check_port(host, port)
        typer.echo(f"starting the UI on http://{host}:{port}/" + (" (login required)" if login else ""), err=True)
        launch(settings, host, port, login, feedback or DEFAULT_FEEDBACK, watch)

    run(start)
