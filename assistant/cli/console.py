"""What the command-line commands share: option types, settings from options, errors as exit codes."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from assistant.errors import AssistantError

T = TypeVar("T")

CorpusOpt = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus folder (docs/, facts/); default $ASSISTANT_CORPUS_DIR or ./corpus"),
]
IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder; default $ASSISTANT_INDEX_DIR or ./index")]
TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Date for deadline questions, YYYY-MM-DD (default: today)")
]


def _state_folder() -> Path:
    """The user's own state folder (XDG Base Directory: $XDG_STATE_HOME, else ~/.local/state)."""
    given = os.environ.get("XDG_STATE_HOME", "")
    return (Path(given) if os.path.isabs(given) else Path.home() / ".local" / "state") / "assistant"


# Where an unexpected error's traceback goes, so the terminal gets one line and the details are kept:
# per user, so that one user's log never stops another's (a fixed /tmp file would belong to the first).
ERROR_LOG = _state_folder() / "errors.log"


class _StageLines(logging.Handler):
    """The library's stage lines ("exported the query model … in 2.1 s") on whatever stderr is now."""

    def emit(self, record: logging.LogRecord) -> None:
        print(record.getMessage(), file=sys.stderr, flush=True)


def show_stages() -> None:
    """Print the `assistant.stage` log (one line per first-run stage, with its time) on stderr."""
    stages = logging.getLogger("assistant.stage")
    if not any(isinstance(h, _StageLines) for h in stages.handlers):
        stages.addHandler(_StageLines())
        stages.setLevel(logging.INFO)
        stages.propagate = False


def run(action: Callable[[], T]) -> T:
    """Call `action`; an AssistantError becomes one line on stderr and its exit code, and any other
    exception one "internal error" line (exit 1) with its traceback appended to ERROR_LOG."""
    show_stages()
    try:
        return action()
    except AssistantError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(err.exit_code) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as err:  # noqa: BLE001 -- the one place that turns a bug into a message
        where = _log_traceback()
        typer.echo(f"internal error: {type(err).__name__}: {str(err)[:200]} (details in {where})", err=True)
        raise typer.Exit(1) from None


def _log_traceback() -> str:
    try:
        ERROR_LOG.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(os.open(ERROR_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a", encoding="utf-8") as log:
            log.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n{traceback.format_exc()}\n")
        return str(ERROR_LOG)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to put it in
        return f"no log: {ERROR_LOG.parent} is not writable (set XDG_STATE_HOME)"


def settings_for(corpus: Path | None, index: Path | None, **extra: Any) -> Any:
    from assistant.config import load_settings

    given = {"corpus_dir": corpus, "index_dir": index, **extra}
    return load_settings(**{k: v for k, v in given.items() if v is not None})


def parse_today(value: str | None) -> dt.date | None:
    from assistant.errors import InputError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--today {value!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-01") from None
