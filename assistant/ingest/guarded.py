"""The one door every corpus file is read through: documents, sidecars, facts and alias tables.

`read(path, parse)` checks the name (UTF-8, a regular file inside the corpus, not too large),
checks a zip container before any parser opens it (assistant.ingest.containers), then runs
`parse(data)` under a time and character budget that the reading loops draw on (`spend`). Whatever
goes wrong, the caller gets one CorpusError naming the file, what is wrong and what to do, so one
bad file is one skipped file and never stops `ingest`, `ask` or `serve`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from assistant.errors import CorpusError
from assistant.ingest.containers import ZipLimits, zip_problem

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one corpus file may cost to read; the defaults fit real documents with room to spare."""

    file_bytes: int = 200 << 20
    chars: int = 5_000_000
    seconds: float = 60.0
    zip: ZipLimits = field(default_factory=ZipLimits)


LIMITS = Limits()


@dataclass
class _Budget:
    where: str
    deadline: float
    chars: int


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("budget", default=None)


def shown(path: Path | str) -> str:
    """The path as text that prints and encodes anywhere: bytes that are not UTF-8 as \\x escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read(path: Path, parse: Callable[[bytes], T], root: Path | None = None, limits: Limits = LIMITS) -> T:
    """`parse` of the file's bytes, or a CorpusError naming the file whatever went wrong.

    With `root`, a file that resolves outside it (through a link) is refused.
    """
    where = shown(path)
    try:
        data = _checked_bytes(path, where, root, limits)
        with _spending(where, limits):
            return parse(data)
    except CorpusError:
        raise
    except Exception as err:  # noqa: BLE001 -- the door: any failure of one file is that file's skip
        raise CorpusError(where, _reason(err)) from None


def spend(chars: int = 0) -> None:
    """Draw on the budget of the file being read (no-op outside `read`); a CorpusError once it is spent."""
    budget = _budget.get()
    if budget is None:
        return
    budget.chars -= chars
    if budget.chars < 0:
        raise CorpusError(budget.where, "more text than one document may hold: split it into smaller files")
    if time.monotonic() > budget.deadline:
        raise CorpusError(budget.where, "took too long to read (a damaged or oversized file?): split or re-save it")


@contextlib.contextmanager
def _spending(where: str, limits: Limits) -> Iterator[None]:
    token = _budget.set(_Budget(where, time.monotonic() + limits.seconds, limits.chars))
    try:
        yield
    finally:
        _budget.reset(token)


def _checked_bytes(path: Path, where: str, root: Path | None, limits: Limits) -> bytes:
    if where != str(path):
        raise CorpusError(where, "the file name is not valid UTF-8: rename it")
    if root is not None:
        check_inside(root, path)
    size = check_regular(path)
    if size > limits.file_bytes:
        raise CorpusError(where, f"{size >> 20} MiB (limit {limits.file_bytes >> 20} MiB): split it into smaller files")
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" and path.suffix.lower() == ".docx":
        if problem := zip_problem(data, limits.zip):
            raise CorpusError(where, problem)
    return data


def check_inside(root: Path, path: Path) -> None:
    """A link must not pull files from elsewhere into answers."""
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        inside = True  # a looping link: check_regular names it
    if not inside:
        raise CorpusError(shown(path), "links to a file outside the corpus: copy the file into the corpus instead")


def check_regular(path: Path) -> int:
    """The size of a regular file with a single name; not a folder, FIFO, device, broken or looping
    link, or a hard link to a file elsewhere (it could pull any file of the machine into answers)."""
    try:
        info = path.stat()
    except (OSError, RuntimeError) as err:
        reason = "a broken or looping link" if path.is_symlink() else f"unreadable ({type(err).__name__})"
        raise CorpusError(shown(path), f"{reason}: remove it or replace it with the file itself") from None
    if not stat.S_ISREG(info.st_mode):
        raise CorpusError(shown(path), "not a regular file (a folder, FIFO or device): only document files are read")
    if info.st_nlink > 1 and not path.is_symlink():
        raise CorpusError(shown(path), "has other hard links: copy the file into the corpus instead of linking it")
    return info.st_size


def _reason(err: Exception) -> str:
    """One phrase for an unexpected failure: what it was and what to do."""
    if isinstance(err, PermissionError):
        return "not readable by this user (permission denied): change its permissions or remove it"
    if isinstance(err, OSError):
        return f"cannot be read ({err.strerror or type(err).__name__}): check the disk or remove the file"
    detail = str(err).splitlines()[0][:120] if str(err) else ""
    what = f"{type(err).__name__}: {detail}" if detail else type(err).__name__
    return f"damaged or unreadable ({what}): save it again from its source or remove it"
