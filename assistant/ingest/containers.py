"""Checks on a zip container (a .docx) made before any parser sees it: a bad one is refused by name.

A Word file is a zip of XML parts. Its central directory states every entry's sizes, flags and
compression method, so a zip bomb, an encrypted entry or an unknown method is seen without
inflating anything. zipfile stops inflating an entry at its stated size (a lying entry fails its
CRC), so the stated sizes bound what is read. XML parts must not declare a DTD: Word never writes
one, and a DTD is how entity bombs and external entities get in (python-docx's lxml parser already
has `resolve_entities=False`; this refuses them before parsing at all).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Word writes; others are refused
_ENCRYPTED = 0x1  # general purpose flag bit 0
_RATIO_FROM = 1 << 20  # the inflate ratio is checked on entries larger than this (as Apache POI does)
_DTD = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


@dataclass(frozen=True)
class ZipLimits:
    """How large a zip container may unpack; the defaults fit any real Word file."""

    entries: int = 2000
    unzipped_bytes: int = 256 << 20
    ratio: int = 100  # Apache POI refuses entries inflating more than 100 times (MIN_INFLATE_RATIO 0.01)


def zip_problem(data: bytes, limits: ZipLimits) -> str | None:
    """What makes this zip unsafe or unreadable (one phrase with the fix), or None when it may be opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _entries_problem(archive.infolist(), limits) or _dtd_problem(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as err:
        return f"damaged or not a Word file ({type(err).__name__}): save it again as .docx"


def _entries_problem(entries: list[zipfile.ZipInfo], limits: ZipLimits) -> str | None:
    if len(entries) > limits.entries:
        return f"{len(entries)} parts in the zip (limit {limits.entries}): save it again as .docx"
    total = sum(e.file_size for e in entries)
    if total > limits.unzipped_bytes:
        return f"unpacks to {total >> 20} MiB (limit {limits.unzipped_bytes >> 20} MiB): split it or save it smaller"
    for entry in entries:
        if entry.flag_bits & _ENCRYPTED:
            return f"encrypted part {entry.filename!r}: save a copy without a password and add that instead"
        if entry.compress_type not in _METHODS:
            return f"part {entry.filename!r} uses compression method {entry.compress_type}: save it again as .docx"
        if entry.file_size > _RATIO_FROM and entry.file_size > limits.ratio * max(entry.compress_size, 1):
            return f"part {entry.filename!r} inflates more than {limits.ratio} times (a zip bomb?): remove the file"
    return None


def _dtd_problem(archive: zipfile.ZipFile) -> str | None:
    for entry in archive.infolist():
        if entry.filename.endswith((".xml", ".rels")):
            content = archive.read(entry)
            if any(mark in content for mark in _DTD):
                return f"part {entry.filename!r} declares a DTD or entities (Word never does): save it again as .docx"
    return None
