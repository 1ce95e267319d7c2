"""Incremental ingestion: a rebuild embeds and splits only the texts that changed."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Settings
from assistant.ingest import index as index_module
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import Index, build_index, load_index

ARTICLE = "docs/us-critical-minerals-strategy.txt"
NOTE = "docs/reserve-note.txt"
NOTE_TEXT = "The reserve holds cobalt and gallium. It is funded by the Export-Import Bank.\n"


class CountingEmbedder(HashEmbedder):
    """The fake embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed(texts)


@pytest.fixture
def settings(fake_settings: Settings) -> Settings:
    """The shipped corpus plus a second, short document, already indexed once."""
    (fake_settings.corpus_dir / NOTE).write_text(NOTE_TEXT, "utf-8")
    build(fake_settings)
    return fake_settings


def build(settings: Settings) -> CountingEmbedder:
    embedder = CountingEmbedder()
    build_index(settings.corpus_dir, settings.index_dir, settings, embedder, progress=False)
    return embedder


def chunk_vectors(index: Index) -> np.ndarray:
    return index.faiss.reconstruct_n(0, index.faiss.ntotal)


def test_rebuilding_an_unchanged_corpus_embeds_nothing_and_keeps_the_vectors(settings: Settings) -> None:
    before = load_index(settings.index_dir)
    assert build(settings).seen == []
    after = load_index(settings.index_dir)
    assert after.path != before.path
    assert np.array_equal(after.sentence_vectors, before.sentence_vectors)
    assert np.array_equal(chunk_vectors(after), chunk_vectors(before))


def test_changing_one_document_embeds_only_its_new_texts(settings: Settings) -> None:
    (settings.corpus_dir / NOTE).write_text(NOTE_TEXT.replace("gallium", "germanium"), "utf-8")
    seen = build(settings).seen
    assert seen and all("germanium" in text for text in seen)
    assert len(seen) == len(set(seen))  # a text both a chunk and a sentence is embedded once


def test_vectors_after_an_incremental_build_equal_a_full_build(settings: Settings, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    doc = settings.corpus_dir / ARTICLE
    doc.write_text(doc.read_text("utf-8") + "\nA closing line about lithium.\n", "utf-8")
    build(settings)
    fresh = settings.model_copy(update={"index_dir": tmp_path_factory.mktemp("fresh")})
    build(fresh)
    incremental, full = load_index(settings.index_dir), load_index(fresh.index_dir)
    assert [c.chunk_id for c in incremental.data.chunks] == [c.chunk_id for c in full.data.chunks]
    assert incremental.data.sentences == full.data.sentences
    assert np.array_equal(incremental.sentence_vectors, full.sentence_vectors)


def test_a_different_model_reuses_no_vectors(settings: Settings) -> None:
    class OtherModel(CountingEmbedder):
        model_id = "another-model"

    embedder = OtherModel()
    build_index(settings.corpus_dir, settings.index_dir, settings, embedder, progress=False)
    assert len(embedder.seen) == len(set(embedder.seen)) > 50


def test_unchanged_documents_are_not_split_again(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    split: list[str] = []
    original = index_module.split_sentences

    def counting_split(doc_id: str, text: str) -> list:  # type: ignore[type-arg]
        split.append(doc_id)
        return original(doc_id, text)

    monkeypatch.setattr(index_module, "split_sentences", counting_split)
    (settings.corpus_dir / NOTE).write_text(NOTE_TEXT + "A third sentence.\n", "utf-8")
    build(settings)
    assert split == ["reserve-note"]
