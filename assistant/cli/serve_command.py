"""`assistant serve`: the web UI's command; gradio is imported only when the command runs."""

from __future__ import annotations

import errno
import math
import os
import time
from pathlib import Path
from typing import Annotated

import typer

# Options are declared here rather than imported from assistant.cli.main, which imports this module.
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
MAX_WATCH_SECONDS = 86400  # a day; longer intervals would overflow the watcher's sleep long before


def check_port(host: str, port: int) -> None:
    """An InputError suggesting --port when `port` cannot be bound (in use, or not allowed)."""
    import socket

    from assistant.errors import InputError

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno in (errno.EADDRINUSE, errno.EACCES):
                fix = f"pass another --port, e.g. --port {port + 1}"
            else:  # not an address of this machine, or not an address at all (socket.gaierror)
                fix = f"--host {host} is not an address of this machine: pass e.g. --host 127.0.0.1 or 0.0.0.0"
            raise InputError(f"cannot listen on {host}:{port} ({err.strerror or err}): {fix}") from None


def check_options(watch: float, feedback: Path | None) -> None:
    """An InputError (one line) for a --watch or --feedback the server could not use, before it starts."""
    from assistant.errors import InputError

    if not (math.isfinite(watch) and 0 <= watch <= MAX_WATCH_SECONDS):
        raise InputError(
            f"--watch {watch}: give the seconds between corpus checks, 0 to {MAX_WATCH_SECONDS} (0: never)"
        )
    if feedback is not None and (feedback.is_dir() or (feedback.parent.exists() and not feedback.parent.is_dir())):
        raise InputError(f"--feedback {feedback} is not a file path: name a file, e.g. --feedback feedback.jsonl")


def exposure_warning(host: str, login: object) -> str | None:
    """The warning for a server reachable from other machines without a login."""
    import ipaddress

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        loopback = host == "localhost"
    if login or loopback:
        return None
    return (
        f"warning: --host {host} without --auth: anyone who can reach this machine can use the UI; add --auth user:pass"
    )


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
    from assistant.cli.console import run, settings_for

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    def start() -> None:
        started = time.perf_counter()
        from assistant.api import Assistant
        from assistant.web import app as ui
        from assistant.web.watch import watch_corpus

        login = ui.parse_auth(auth if auth is not None else os.environ.get("ASSISTANT_AUTH"))
        settings = settings_for(corpus, index)
        check_options(watch, feedback)
        check_port(host, port)
        if warning := exposure_warning(host, login):
            typer.echo(warning, err=True)
        # ui.launch, step by step, so that gradio's own banner gives way to one line once it answers
        bot = Assistant.load(settings, rebuild=True, progress=True)
        if watch > 0:
            watch_corpus(settings, watch)
        app = ui.build_app(bot, feedback or ui.DEFAULT_FEEDBACK)
        ui.serve(app, host, port, login, settings, quiet=True, prevent_thread_lock=True)
        where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
        login_note = ", login required" if login else ""
        seconds = time.perf_counter() - started
        typer.echo(f"serving at {where} (ready in {seconds:.1f} s{login_note}; Ctrl-C stops it)", err=True)
        try:
            while app.is_running:
                time.sleep(0.2)
        except KeyboardInterrupt:
            typer.echo("stopped", err=True)
        finally:
            app.close(verbose=False)

    run(start)
