"""Damaged copies of valid files, as a hostile or unlucky user makes them: each returns new bytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

_LOCAL, _CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'.encode() for p, c in zip("abcdefg", "bcdefgh", strict=True))
    + b"]>"
)


def rezipped(data: bytes, change: Callable[[str, bytes], bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The zip `data` with every entry's content passed through `change(name, content)`."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def in_document(change: Callable[[bytes], bytes]) -> Callable[[str, bytes], bytes]:
    """A `rezipped` change applied to word/document.xml only."""
    return lambda name, content: change(content) if name == "word/document.xml" else content


def headers_patched(data: bytes, local_at: int, central_at: int, value: Callable[[int], int]) -> bytes:
    """`data` with one byte of every local and central zip header (at those offsets) set to `value(old)`."""
    out = bytearray(data)
    for mark, offset in ((_LOCAL, local_at), (_CENTRAL, central_at)):
        at = out.find(mark)
        while at >= 0:
            out[at + offset] = value(out[at + offset]) & 0xFF
            at = out.find(mark, at + 4)
    return bytes(out)


def encrypted_flag(data: bytes) -> bytes:
    """Every zip entry flagged as encrypted (general purpose bit 0)."""
    return headers_patched(data, 6, 8, lambda old: old | 1)


def unknown_method(data: bytes, method: int = 99) -> bytes:
    """Every zip entry claiming a compression method nobody implements."""
    return headers_patched(data, 8, 10, lambda _: method)


def cut_document_xml(data: bytes) -> bytes:
    """word/document.xml cut in half."""
    return rezipped(data, in_document(lambda xml: xml[: len(xml) // 2]))


def entity_bomb(data: bytes) -> bytes:
    """word/document.xml with a 'billion laughs' DTD and an entity reference in the body."""

    def bombed(xml: bytes) -> bytes:
        return BILLION_LAUGHS + xml.split(b"?>", 1)[1].replace(b"<w:t>", b"<w:t>&h;", 1)

    return rezipped(data, in_document(bombed))


def zip_bomb(data: bytes, paragraphs: int = 300_000) -> bytes:
    """word/document.xml padded with the same paragraph over and over: small zip, huge XML."""
    para = b"<w:p><w:r><w:t>Hello world again and again.</w:t></w:r></w:p>"
    return rezipped(data, in_document(lambda xml: xml.replace(b"<w:sectPr", para * paragraphs + b"<w:sectPr", 1)))


def many_entries(data: bytes, count: int = 3000) -> bytes:
    """A zip with thousands of extra empty parts."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as target:
        for n in range(count):
            target.writestr(f"extra/part{n}.xml", b"")
    return out.getvalue()


def deep_html(depth: int = 100_000) -> bytes:
    """An HTML page nested `depth` elements deep."""
    return b"<html><body>" + b"<div>" * depth + b"Deep text." + b"</div>" * depth + b"</body></html>"


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


def bit_flipped(data: bytes, at: int, bit: int = 0) -> bytes:
    out = bytearray(data)
    out[at % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


def nested_xml(data: bytes, depth: int = 1000) -> bytes:
    """word/document.xml with content controls nested `depth` deep at the start of the body."""
    block = b"<w:sdt><w:sdtContent>" * depth + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * depth
    return rezipped(data, in_document(lambda xml: xml.replace(b"<w:body>", b"<w:body>" + block, 1)))
