"""A running Assistant moves to a newer live build of its index, never to a broken one."""

from __future__ import annotations

import pytest

from assistant import Assistant, Settings
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import build_index, live_build
from tests.conftest import assert_citations_exact

ARTICLE = "docs/us-critical-minerals-strategy.txt"
NEW_LINE = "\nThe cobalt stockpile of Atlantis holds 77 tonnes.\n"


@pytest.fixture(autouse=True)
def check_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.api.REFRESH_SECONDS", 0.0)


def rebuild_with_new_line(settings: Settings) -> None:
    doc = settings.corpus_dir / ARTICLE
    doc.write_text(doc.read_text("utf-8") + NEW_LINE, "utf-8")
    build_index(settings.corpus_dir, settings.index_dir, settings, HashEmbedder(), progress=False)


def test_answers_come_from_a_build_made_after_loading(fake_bot: Assistant, fake_settings: Settings) -> None:
    rebuild_with_new_line(fake_settings)
    answer = fake_bot.ask("How many tonnes does the cobalt stockpile of Atlantis hold?")
    assert "77 tonnes" in answer.text
    assert fake_bot.current().index.path == live_build(fake_settings.index_dir)
    assert_citations_exact(fake_bot.current(), answer)


def test_a_broken_newer_build_is_not_served(fake_bot: Assistant, fake_settings: Settings) -> None:
    rebuild_with_new_line(fake_settings)
    (live_build(fake_settings.index_dir) / "sentences.npy").write_bytes(b"corrupt")  # type: ignore[operator]
    answer = fake_bot.ask("Who hosted the Critical Minerals Ministerial?")
    assert fake_bot.current() is fake_bot and "Rubio" in answer.text
