"""The corpus's documents as staff see them in the web UI: the listing, and uploads and removals.

The decisions are pure (`listing`, `plan_uploads`, `plan_removal`): they see names, sizes and
the current build, never the file system. The writes at the bottom apply them to `corpus/docs/`:
an upload is stored under a name derived from its stem by `doc_id_for` (never the client's name
as a path), never over another file, and appears there whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from assistant.ingest.corpus import doc_id_for
from assistant.ingest.guarded import shown
from assistant.records import Document, Skipped

ALLOWED = (".txt", ".md", ".html", ".pdf", ".docx")
KINDS = "PDF, Word, text, Markdown and HTML"  # ALLOWED in words, for people
SIDECAR = ".meta.yaml"
_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
_writing = threading.Lock()  # one upload or removal at a time, so two sessions never pick the same name


@dataclass(frozen=True)
class Row:
    """One line of the Documents tab."""

    file: str
    title: str
    format: str
    pages: int | None
    sentences: int | None
    added: str  # when the file arrived in corpus/docs/ (its modification time), or "" if it is gone
    status: str  # "indexed", "skipped: <reason>", "waiting to be indexed", "removed, re-indexing"


@dataclass(frozen=True)
class Accepted:
    """An upload to store as `name` in corpus/docs/."""

    original: str
    name: str
    source: Path


@dataclass(frozen=True)
class Refused:
    """An upload that is not stored (its reason a sentence naming it), or a removal not done, and why."""

    original: str
    reason: str


# --- decisions (pure) ------------------------------------------------------------------------


def listing(
    documents: Iterable[Document],
    sentences: Mapping[str, int],
    skipped: Iterable[Skipped],
    on_disk: Mapping[str, dt.datetime],
) -> list[Row]:
    """Every document of the build and of corpus/docs/ (file name -> time added), with its status."""
    rows: dict[str, Row] = {}
    for doc in documents:
        added = on_disk.get(doc.path)
        status = "indexed" if added is not None else "removed, re-indexing"
        rows[doc.path] = Row(
            doc.path, doc.title, doc.format, doc.pages, sentences.get(doc.doc_id, 0), _when(added), status
        )
    for item in skipped:
        name = Path(item.path).name
        where = f" (line {item.line})" if item.line is not None else ""
        if name in on_disk and name not in rows:
            status = f"skipped: {item.reason}{where}"
            rows[name] = Row(name, "", _format(name), None, None, _when(on_disk[name]), status)
    for name, added in on_disk.items():
        if name not in rows and _format(name) and not name.endswith(SIDECAR):
            rows[name] = Row(name, "", _format(name), None, None, _when(added), "waiting to be indexed")
    return sorted(rows.values(), key=lambda r: r.file.casefold())


def _when(added: dt.datetime | None) -> str:
    return added.strftime("%Y-%m-%d %H:%M") if added is not None else ""


def _format(name: str) -> str:
    return _FORMATS.get(PurePosixPath(name).suffix.lower(), "")


def client_name(name: str) -> str:
    """The last part of a name a browser sent, whichever separators it used ("C:\\a\\b.pdf" -> "b.pdf")."""
    return PureWindowsPath(PurePosixPath(name).name).name


def taken_stems(names: Iterable[str], doc_ids: Iterable[str] = ()) -> set[str]:
    """The stems (case-folded) that a new document may not use: files, sidecars and ids already there."""
    stems = {n[: -len(SIDECAR)] if n.endswith(SIDECAR) else PurePosixPath(n).stem for n in names}
    return {s.casefold() for s in [*stems, *doc_ids]}


def stored_name(original: str, taken: set[str]) -> str:
    """The file name an upload is stored under: its stem as a document id, with -2, -3… if taken."""
    path = PurePosixPath(client_name(original))
    stem = doc_id_for(path.stem)
    name, n = stem, 2
    while name.casefold() in taken:
        name, n = f"{stem}-{n}", n + 1
    return name + path.suffix.lower()


def plan_uploads(uploads: Iterable[tuple[Path, str, int]], taken: set[str], max_bytes: int) -> list[Accepted | Refused]:
    """What to do with each (temporary path, client name, size) upload; names chosen in order, never twice."""
    taken = set(taken)
    out: list[Accepted | Refused] = []
    for source, original, size in uploads:
        shown = client_name(original)
        suffix = PurePosixPath(shown).suffix.lower()
        if suffix not in ALLOWED:
            out.append(Refused(shown, wrong_type([shown])))
        elif size > max_bytes:
            over = f"{size / 1_000_000:.1f} MB is over the {max_bytes / 1_000_000:g} MB limit"
            out.append(Refused(shown, f"{shown} was not added: {over}; split or compress it."))
        elif size == 0:
            out.append(Refused(shown, f"{shown} was not added: the file is empty."))
        else:
            name = stored_name(shown, taken)
            taken.add(PurePosixPath(name).stem.casefold())
            out.append(Accepted(shown, name, source))
    return out


def wrong_type(names: list[str]) -> str:
    """Why files of other types were not added, in words (the browser says the same before uploading)."""
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return f"Only {KINDS} files can be added; {listed} {'were' if len(names) > 1 else 'was'} not added."


def plan_removal(name: str, on_disk: Iterable[str], indexed: Iterable[str]) -> list[str] | Refused:
    """The files to delete to remove document `name` (it and its sidecar), or why not."""
    present = set(on_disk)
    if name not in present or name.endswith(SIDECAR) or not _format(name):
        return Refused(name, "no such document in corpus/docs/: pick one from the list")
    if not set(indexed) & present - {name}:
        return Refused(name, "it is the only indexed document: upload another before removing it")
    sidecar = f"{PurePosixPath(name).stem}{SIDECAR}"
    return [name, *([sidecar] if sidecar in present else [])]


# --- the writes ------------------------------------------------------------------------------


def files_in(docs: Path) -> dict[str, dt.datetime]:
    """Every visible file of corpus/docs/ with the time it was last written."""
    found = {}
    for path in docs.iterdir() if docs.is_dir() else []:
        if not path.name.startswith((".", "~$")) and path.is_file():
            found[shown(path.name)] = dt.datetime.fromtimestamp(path.stat().st_mtime)  # a non-UTF-8 name \x-escaped
    return found


def store_uploads(
    docs: Path, uploads: Iterable[tuple[Path, str, int]], max_bytes: int, doc_ids: Iterable[str] = ()
) -> list[Accepted | Refused]:
    """Copy the accepted uploads into `docs`, each complete before it gets its name; return every decision."""
    with _writing:
        decisions = plan_uploads(uploads, taken_stems(files_in(docs), doc_ids), max_bytes)
        return [_stored(docs, item) if isinstance(item, Accepted) else item for item in decisions]


def _stored(docs: Path, item: Accepted) -> Accepted | Refused:
    """The upload written into `docs`, or refused with the reason the write failed (full disk, permissions)."""
    try:
        _write_new(docs / item.name, item.source)
    except OSError as err:
        why = err.strerror or str(err)
        because = f"it could not be saved in {docs} ({why}): check its free space and permissions."
        return Refused(item.original, f"{item.original} was not added: {because}")
    return item


def _write_new(target: Path, source: Path) -> None:
    """Copy `source` to `target` via a hidden temporary file (the corpus reader ignores those)."""
    handle, part = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as given:
            shutil.copyfileobj(given, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(part, 0o644)
        if target.exists():  # planned under the lock, so only another program can have put it there
            raise FileExistsError(f"{target} appeared while uploading: upload the file again")
        os.replace(part, target)
    finally:
        Path(part).unlink(missing_ok=True)


def remove_files(docs: Path, names: Iterable[str]) -> None:
    """Delete the planned files of one document from `docs` (names come from `plan_removal`)."""
    with _writing:
        for name in names:
            (docs / PurePosixPath(name).name).unlink(missing_ok=True)
