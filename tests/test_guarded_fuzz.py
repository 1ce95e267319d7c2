"""Mutated PDF, Word, HTML, Markdown and text files: the corpus still loads within budget, the bad file named.

Hypothesis damages valid files (truncation, bit flips, zip entries with wrong flags or methods,
entity bombs, zip bombs, deep nesting) and loads each beside a good document through
`load_corpus`: the corpus reading stage, without the embedding model. 4 formats x 60 examples.
"""

from __future__ import annotations

import functools
import re
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.ingest import guarded
from assistant.ingest.corpus import load_corpus
from tests import damaged
from tests.documents import docx, pdf

LIMITS = guarded.Limits(seconds=2.0)
SLACK = 3.0  # seconds past the budget: it is checked between pages and paragraphs, not inside one
EXAMPLES = 60
GOOD = "The harbour report says the pier reopens in May.\n"


@functools.cache
def seed(kind: str) -> bytes:
    """A valid file of each kind, made once."""
    folder = Path(tempfile.mkdtemp(prefix="seeds-"))
    lines = ["The pier reopens in May.", "Repairs cost $2 million.", "The council approved them."]
    if kind == "pdf":
        return pdf(folder / "seed.pdf", [lines, [f"Page two: {line}" for line in reversed(lines)]]).read_bytes()
    if kind == "docx":
        blocks = [("h1", "Pier"), ("p", lines[0]), ("table", "Cost | $2 million")]
        return docx(folder / "seed.docx", blocks).read_bytes()
    if kind == "html":
        return f"<html><head><title>Pier</title></head><body><p>{'</p><p>'.join(lines)}</p></body></html>".encode()
    return ("---\ntitle: Pier\nevent_date: 2027-05-01\n---\n" + "\n\n".join(lines) + "\n").encode()


def flips(kind: str) -> st.SearchStrategy[bytes]:
    spots = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 7)), min_size=1, max_size=8)

    def flipped(at: list[tuple[int, int]]) -> bytes:
        data = seed(kind)
        for position, bit in at:
            data = damaged.bit_flipped(data, position, bit)
        return data

    return spots.map(flipped)


def common(kind: str) -> list[st.SearchStrategy[bytes]]:
    return [st.floats(0, 1).map(lambda keep: damaged.truncated(seed(kind), keep)), flips(kind)]


def word_damage() -> st.SearchStrategy[bytes]:
    data = seed("docx")
    return st.one_of(
        *common("docx"),
        st.just(damaged.encrypted_flag(data)),
        st.integers(1, 255).filter(lambda m: m not in (8, 12, 14)).map(lambda m: damaged.unknown_method(data, m)),
        st.just(damaged.cut_document_xml(data)),
        st.just(damaged.entity_bomb(data)),
        st.integers(100, 200_000).map(lambda n: damaged.zip_bomb(data, n)),
        st.integers(1, 3000).map(lambda n: damaged.many_entries(data, n)),
        st.integers(100, 5000).map(lambda depth: damaged.nested_xml(data, depth)),
    )


def pdf_damage() -> st.SearchStrategy[bytes]:
    data = seed("pdf")

    def nested(depth: int) -> bytes:
        box = b"[" * depth + b"0 0 612 792" + b"]" * depth
        return re.sub(rb"/MediaBox \[[^\]]*\]", box.replace(b"\\", b"\\\\"), data, count=1)

    return st.one_of(*common("pdf"), st.integers(10, 50_000).map(nested))


def html_damage() -> st.SearchStrategy[bytes]:
    return st.one_of(
        *common("html"),
        st.integers(10, 50_000).map(damaged.deep_html),
        st.binary(max_size=2000).map(lambda junk: seed("html")[:40] + junk),
        st.just(b"<script>" * 50_000 + b"text"),
    )


def text_damage() -> st.SearchStrategy[bytes]:
    return st.one_of(
        *common("md"),
        st.binary(max_size=3000),
        st.integers(1, 2_000_000).map(lambda n: b"x" * n),
        st.just(b"---\ntitle: &a [*a]\n---\nText.\n"),
        st.integers(100, 20_000).map(lambda depth: b"---\ntitle: " + b"[" * depth + b"\n---\nText.\n"),
    )


def loads_with_the_bad_file_named(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "docs").mkdir()
        (root / "docs" / "good.txt").write_text(GOOD, "utf-8")
        (root / "docs" / name).write_bytes(content)
        started = time.monotonic()
        corpus = load_corpus(root, limits=LIMITS)
        elapsed = time.monotonic() - started
    assert elapsed < LIMITS.seconds + SLACK, f"{name} took {elapsed:.1f} s"
    loaded = {d.path for d in corpus.documents}
    named = {Path(s.path).name for s in corpus.skipped}
    assert "good.txt" in loaded and name in loaded | named
    assert all(s.reason and "\n" not in s.reason for s in corpus.skipped)


FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(content=word_damage())
def test_a_damaged_word_file_never_stops_the_corpus(content: bytes) -> None:
    loads_with_the_bad_file_named("bad.docx", content)


@FUZZ
@given(content=pdf_damage())
def test_a_damaged_pdf_never_stops_the_corpus(content: bytes) -> None:
    loads_with_the_bad_file_named("bad.pdf", content)


@FUZZ
@given(content=html_damage())
def test_a_damaged_html_page_never_stops_the_corpus(content: bytes) -> None:
    loads_with_the_bad_file_named("bad.html", content)


@FUZZ
@given(content=text_damage())
def test_a_damaged_text_or_markdown_file_never_stops_the_corpus(content: bytes) -> None:
    loads_with_the_bad_file_named("bad.md", content)


@pytest.mark.parametrize("kind", ["pdf", "docx", "html", "md"])
def test_every_seed_file_loads_undamaged(kind: str) -> None:
    """The mutations start from valid files, so a skip is the damage's doing."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "docs").mkdir()
        (Path(folder) / "docs" / f"seed.{kind}").write_bytes(seed(kind))
        assert not load_corpus(Path(folder)).skipped
