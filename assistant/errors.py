"""Every error the assistant raises on purpose.

AssistantError                 base; `str(err)` is one line a user can act on
├── InputError                 a question or option the user gave is unusable (exit code 2)
├── CorpusError                a corpus file is unreadable or invalid; carries file and line (exit 2)
└── IndexError_                the index on disk is missing, stale, corrupt or mismatched
    └── StaleIndexError        the index no longer matches the corpus (lists what changed)

Only the CLI and UI turn these into messages and exit codes.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class; the message says what went wrong and what to do."""

    exit_code = 1


class InputError(AssistantError):
    exit_code = 2


class CorpusError(AssistantError):
    """A corpus problem, reported as `path:line: message`."""

    exit_code = 2

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class IndexError_(AssistantError):  # noqa: N801 - trailing underscore avoids the builtin
    exit_code = 3


class StaleIndexError(IndexError_):
    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("index is stale: " + "; ".join(reasons) + " (run `assistant ingest` to rebuild)")
