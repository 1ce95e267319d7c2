"""The guarded door: any damaged, hostile or unreadable corpus file is one skipped file, named, with the fix."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.ingest import guarded
from assistant.ingest.containers import ZipLimits
from assistant.ingest.corpus import load_corpus
from tests import damaged
from tests.documents import docx

GOOD = "The harbour report says the pier reopens in May.\n"
BAD_NAME = b"bad\xff\xfename.txt".decode("utf-8", "surrogateescape")


def word(tmp_path: Path) -> bytes:
    return docx(tmp_path / "source.docx", [("h1", "Pier"), ("p", "The pier reopens in May.")]).read_bytes()


def corpus_with(tmp_path: Path, name: str, content: bytes) -> Path:
    """A corpus of one good text file and the file `name` holding `content`."""
    root = tmp_path / "corpus"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "good.txt").write_text(GOOD, "utf-8")
    (root / "docs" / name).write_bytes(content)
    return root


# (name, bytes of the bad file from a valid Word file, words the skip line must hold)
WORD_FAULTS: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("document.xml cut short", damaged.cut_document_xml, "damaged or unreadable (XMLSyntaxError"),
    ("an XML entity bomb", damaged.entity_bomb, "declares a DTD or entities"),
    ("a zip entry flagged encrypted", damaged.encrypted_flag, "encrypted part"),
    ("an unknown compression method", damaged.unknown_method, "compression method 99"),
    ("a zip bomb (20 MB of XML in 90 KB)", damaged.zip_bomb, "inflates more than 100 times"),
    ("thousands of zip entries", damaged.many_entries, "parts in the zip (limit 2000)"),
    ("not a zip at all", lambda data: b"PK\x03\x04" + data[200:], "not a Word file"),
]


@pytest.mark.parametrize(("fault", "damage", "words"), WORD_FAULTS, ids=[f[0] for f in WORD_FAULTS])
def test_a_damaged_word_file_is_one_skipped_file_and_the_others_load(
    tmp_path: Path, fault: str, damage: Callable[[bytes], bytes], words: str
) -> None:
    root = corpus_with(tmp_path, "bad.docx", damage(word(tmp_path)))
    started = time.monotonic()
    corpus = load_corpus(root)
    assert time.monotonic() - started < 5, fault
    assert [d.path for d in corpus.documents] == ["good.txt"]
    [skipped] = corpus.skipped
    assert skipped.path.endswith("bad.docx") and words in skipped.reason, skipped


# (name, limits, file name, content, words the skip line must hold)
BUDGET_FAULTS = [
    ("too many characters", guarded.Limits(chars=100), "long.txt", b"word " * 1000, "more text than one document"),
    ("too large a file", guarded.Limits(file_bytes=1000), "big.md", b"big " * 1000, "MiB (limit"),
    ("unpacks too large", guarded.Limits(zip=ZipLimits(unzipped_bytes=1000)), "big.docx", b"", "unpacks to"),
]


@pytest.mark.parametrize(
    ("fault", "limits", "name", "content", "words"),
    BUDGET_FAULTS,
    ids=[b[0] for b in BUDGET_FAULTS],
)
def test_a_file_over_its_budget_is_one_skipped_file(
    tmp_path: Path, fault: str, limits: guarded.Limits, name: str, content: bytes, words: str
) -> None:
    root = corpus_with(tmp_path, name, content or word(tmp_path))
    corpus = load_corpus(root, limits=limits)
    assert [d.path for d in corpus.documents] == ["good.txt"], fault
    assert [s.path.rsplit("/", 1)[-1] for s in corpus.skipped] == [name] and words in corpus.skipped[0].reason


def test_the_time_budget_stops_a_slow_word_file_in_its_reading_loop(tmp_path: Path) -> None:
    """A Word file that takes long to read (not a zip bomb by ratio) stops at its time budget."""
    slow = damaged.zip_bomb(word(tmp_path), paragraphs=30_000)
    root = corpus_with(tmp_path, "slow.docx", slow)
    started = time.monotonic()
    corpus = load_corpus(root, limits=guarded.Limits(seconds=0.5, zip=ZipLimits(ratio=10**6)))
    assert time.monotonic() - started < 4
    assert "took too long to read" in corpus.skipped[0].reason


def test_a_file_name_that_is_not_utf8_is_skipped_and_named_with_escapes(tmp_path: Path) -> None:
    root = corpus_with(tmp_path, BAD_NAME, b"Text under a bad name.\n")
    corpus = load_corpus(root)
    [skipped] = corpus.skipped
    assert skipped.path.endswith("bad\\xff\\xfename.txt") and "not valid UTF-8" in skipped.reason
    assert str(skipped).encode("utf-8") and all(k.isascii() for k in corpus.file_hashes)


def test_an_unreadable_file_is_one_skipped_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 for a non-root user: reading raises PermissionError (simulated, as root can read anything)."""
    root = corpus_with(tmp_path, "locked.txt", b"Locked text.\n")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    corpus = load_corpus(root)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    assert "permission denied" in corpus.skipped[0].reason
    assert corpus.file_hashes["docs/locked.txt"].startswith("unreadable")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("note.meta.yaml", b"title: [unclosed", "invalid YAML"),
        ("note.meta.yaml", b"\xff\xfe", "not valid UTF-8"),
    ],
)
def test_a_bad_sidecar_costs_only_its_metadata(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    root = corpus_with(tmp_path, "note.txt", b"A note.\n")
    (root / "docs" / name).write_bytes(content)
    corpus = load_corpus(root)
    assert sorted(d.path for d in corpus.documents) == ["good.txt", "note.txt"]
    assert corpus.skipped[0].path.endswith(name) and words in corpus.skipped[0].reason


def test_any_exception_while_parsing_becomes_a_corpus_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text("x", "utf-8")

    def parse(_: bytes) -> None:
        raise MemoryError

    with pytest.raises(guarded.CorpusError, match=r"odd\.txt: damaged or unreadable \(MemoryError\)"):
        guarded.read(path, parse)
