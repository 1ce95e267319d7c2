"""The corpus watcher rebuilds a changed corpus and reports a bad one once, keeping the old index."""

from __future__ import annotations

import pytest

from assistant import Settings
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import build_index, live_build
from assistant.web.watch import refresh_once


def test_an_unchanged_corpus_is_left_alone(fake_settings: Settings) -> None:
    first = build_index(
        fake_settings.corpus_dir, fake_settings.index_dir, fake_settings, HashEmbedder(), progress=False
    )
    messages: list[str] = []
    assert refresh_once(fake_settings, report=messages.append) is None
    assert live_build(fake_settings.index_dir) == first and messages == []


def test_a_new_document_is_indexed(fake_settings: Settings) -> None:
    build_index(fake_settings.corpus_dir, fake_settings.index_dir, fake_settings, HashEmbedder(), progress=False)
    (fake_settings.corpus_dir / "docs" / "memo.txt").write_text("A short memo about nickel.\n", "utf-8")
    messages: list[str] = []
    assert refresh_once(fake_settings, report=messages.append) is None
    assert messages == ["index rebuilt: docs/memo.txt added"]


def test_a_bad_file_is_left_out_of_the_rebuild_and_named_in_its_report(fake_settings: Settings) -> None:
    first = build_index(
        fake_settings.corpus_dir, fake_settings.index_dir, fake_settings, HashEmbedder(), progress=False
    )
    (fake_settings.corpus_dir / "docs" / "empty.txt").write_text("", "utf-8")
    (fake_settings.corpus_dir / "docs" / "memo.txt").write_text("A short memo about nickel.\n", "utf-8")
    messages: list[str] = []
    assert refresh_once(fake_settings, report=messages.append) is None
    (message,) = messages
    assert message.startswith("index rebuilt: ") and "docs/memo.txt added" in message
    assert "skipped " in message and "empty.txt: empty document" in message
    assert live_build(fake_settings.index_dir) != first


def test_a_corpus_that_cannot_be_built_is_reported_once_and_the_old_index_stays(fake_settings: Settings) -> None:
    first = build_index(
        fake_settings.corpus_dir, fake_settings.index_dir, fake_settings, HashEmbedder(), progress=False
    )
    for path in (fake_settings.corpus_dir / "docs").glob("*.txt"):
        path.write_text("", "utf-8")
    messages: list[str] = []
    error = refresh_once(fake_settings, report=messages.append)
    assert error is not None and "no readable document" in error
    assert refresh_once(fake_settings, error, report=messages.append) == error
    assert len(messages) == 1 and "still serving the previous index" in messages[0]
    assert live_build(fake_settings.index_dir) == first


def test_an_unexpected_error_is_reported_once_and_the_watcher_carries_on(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any exception, not only corpus errors, is one line; the next cycle retries (and succeeds once fixed)."""
    first = build_index(
        fake_settings.corpus_dir, fake_settings.index_dir, fake_settings, HashEmbedder(), progress=False
    )
    (fake_settings.corpus_dir / "docs" / "memo.txt").write_text("A short memo about nickel.\n", "utf-8")

    def broken(*_: object, **__: object) -> None:
        raise ValueError("day is out of range for month")

    messages: list[str] = []
    with monkeypatch.context() as patched:
        patched.setattr("assistant.ingest.index.build_index", broken)
        error = refresh_once(fake_settings, report=messages.append)
        assert error == "internal error: ValueError: day is out of range for month"
        assert refresh_once(fake_settings, error, report=messages.append) == error and len(messages) == 1
        assert live_build(fake_settings.index_dir) == first
    assert refresh_once(fake_settings, error, report=messages.append) is None
    assert messages[-1] == "index rebuilt: docs/memo.txt added"
