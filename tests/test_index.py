"""Index building: manifest, staleness, atomic swap, corruption detection."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant import Settings
from assistant.errors import CorpusError, IndexError_, StaleIndexError
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import (
    STAGES,
    build_index,
    ensure_index,
    live_build,
    load_index,
    skipped_files,
    stale_reasons,
)

ARTICLE = "docs/us-critical-minerals-strategy.txt"


def build(settings: Settings) -> Path:
    return build_index(settings.corpus_dir, settings.index_dir, settings, HashEmbedder(), progress=False)


def reasons(settings: Settings) -> list[str]:
    return stale_reasons(settings.index_dir, settings.corpus_dir, settings, HashEmbedder())


def test_a_fresh_build_is_not_stale_and_records_its_inputs(fake_settings: Settings) -> None:
    path = build(fake_settings)
    manifest = json.loads((path / "manifest.json").read_text())
    assert reasons(fake_settings) == []
    assert ARTICLE in manifest["inputs"] and manifest["model"] == HashEmbedder.model_id
    assert manifest["chunking"] == {"max_chars": 600, "overlap_sentences": 1}
    assert {"faiss-cpu", "llama-index-core"} <= manifest["versions"].keys()


def test_every_chunk_and_sentence_slices_its_document_exactly(fake_settings: Settings) -> None:
    build(fake_settings)
    index = load_index(fake_settings.index_dir)
    for span in [*index.data.sentences, *index.data.chunks]:
        assert index.document(span.doc_id).text[span.start : span.end] == span.text
    assert index.faiss.ntotal == len(index.data.chunks)
    assert index.sentence_vectors.shape == (len(index.data.sentences), 384)


def test_facts_are_indexed_as_searchable_chunks(fake_settings: Settings) -> None:
    build(fake_settings)
    index = load_index(fake_settings.index_dir)
    fact_chunks = [c for c in index.data.chunks if c.kind == "fact"]
    assert {c.fact_id for c in fact_chunks} >= {"ministerial", "reserve-exim", "mou-japan-eu"}
    assert all(c.search_text.endswith(c.text) for c in fact_chunks)


def test_editing_a_document_makes_the_index_stale_and_it_is_rebuilt(fake_settings: Settings) -> None:
    build(fake_settings)
    doc = fake_settings.corpus_dir / ARTICLE
    doc.write_text(doc.read_text("utf-8") + "\nA new closing line about cobalt.\n", "utf-8")
    assert reasons(fake_settings) == [f"{ARTICLE} changed"]
    with pytest.raises(StaleIndexError, match="changed"):
        ensure_index(fake_settings, HashEmbedder(), rebuild=False)
    index = ensure_index(fake_settings, HashEmbedder(), rebuild=True, progress=False)
    assert "cobalt" in index.document("us-critical-minerals-strategy").text


def test_added_removed_and_settings_changes_are_reported(fake_settings: Settings) -> None:
    build(fake_settings)
    (fake_settings.corpus_dir / "docs" / "extra.txt").write_text("Another note.\n", "utf-8")
    assert reasons(fake_settings) == ["docs/extra.txt added"]
    other = fake_settings.model_copy(update={"chunk_max_chars": 300})
    assert any(r.startswith("chunking changed") for r in reasons(other))


def test_a_corrupt_index_file_is_detected_and_never_loaded(fake_settings: Settings) -> None:
    path = build(fake_settings)
    (path / "sentences.npy").write_bytes(b"garbage")
    assert reasons(fake_settings) == ["index file sentences.npy is corrupt (checksum mismatch)"]
    with pytest.raises(StaleIndexError):
        load_index(fake_settings.index_dir)
    index = ensure_index(fake_settings, HashEmbedder(), progress=False)  # rebuilt
    assert np.isfinite(index.sentence_vectors).all()


def test_a_missing_index_is_reported(tmp_path: Path) -> None:
    with pytest.raises(IndexError_, match="no index"):
        load_index(tmp_path / "nowhere")


def test_a_failed_build_leaves_the_previous_index_live(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(fake_settings)

    def explode(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C half way

    monkeypatch.setattr("assistant.ingest.index._write_bm25", explode)
    with pytest.raises(KeyboardInterrupt):
        build(fake_settings)
    assert live_build(fake_settings.index_dir) == first
    assert [p.name for p in fake_settings.index_dir.glob("build-*")] == [first.name]
    assert load_index(fake_settings.index_dir).faiss.ntotal > 0


def test_a_corpus_error_leaves_the_existing_index_untouched(fake_settings: Settings) -> None:
    first = build(fake_settings)
    (fake_settings.corpus_dir / "facts" / "bad.yaml").write_text("- id: x\n  kind: count\n", "utf-8")
    with pytest.raises(CorpusError, match="bad.yaml:1"):
        build_index(fake_settings.corpus_dir, fake_settings.index_dir, fake_settings, HashEmbedder(), False, True)
    assert live_build(fake_settings.index_dir) == first


def test_a_bad_file_is_left_out_and_listed_in_the_new_builds_manifest(fake_settings: Settings) -> None:
    (fake_settings.corpus_dir / "facts" / "bad.yaml").write_text("- id: x\n  kind: count\n", "utf-8")
    index = load_index(build(fake_settings).parent)
    (skipped,) = skipped_files(index)
    assert skipped.path.endswith("facts/bad.yaml") and skipped.line == 1 and index.data.facts


class ExportingEmbedder(HashEmbedder):
    """A fake embedder that, like MiniLM, can export a query model; it records the calls."""

    def __init__(self) -> None:
        self.exports: list[Path] = []

    def export_onnx(self, index_dir: Path) -> bool:
        self.exports.append(index_dir)
        return False


def test_an_index_built_before_the_query_model_existed_gets_it_on_ingest(fake_settings: Settings) -> None:
    from assistant.ingest.index import ensure_query_model

    build(fake_settings)
    embedder = ExportingEmbedder()
    ensure_query_model(fake_settings.index_dir, embedder)
    assert embedder.exports == [fake_settings.index_dir]
    ensure_query_model(fake_settings.index_dir, HashEmbedder())  # the fake model has nothing to export


def test_two_builders_at_once_leave_one_live_loadable_build(fake_settings: Settings) -> None:
    """`assistant ingest` while the server's watcher rebuilds: they take turns, nothing is lost."""
    import threading

    threads = [threading.Thread(target=build, args=(fake_settings,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    live = live_build(fake_settings.index_dir)
    assert live is not None and [p.name for p in fake_settings.index_dir.glob("build-*")] == [live.name]
    assert load_index(fake_settings.index_dir).faiss.ntotal > 0


def test_folders_the_project_did_not_create_survive_a_rebuild(fake_settings: Settings) -> None:
    """Builds are recognised by their marker file, not by a name starting with 'build-'."""
    first = build(fake_settings)
    look_alikes = [fake_settings.index_dir / "build-output", fake_settings.index_dir / "build-2024-release"]
    for folder in look_alikes:
        folder.mkdir()
        (folder / "keep.txt").write_text("mine", "utf-8")
    (fake_settings.corpus_dir / "docs" / "extra.txt").write_text("Another document.\n", "utf-8")
    second = build(fake_settings)
    assert not first.exists() and second.is_dir()
    assert all((folder / "keep.txt").read_text("utf-8") == "mine" for folder in look_alikes)


def test_a_duplicated_document_does_not_duplicate_its_facts(fake_settings: Settings) -> None:
    """Two copies of one file give one deadline, not 'The sources give 2 deadlines: ... Which one?'."""
    docs = fake_settings.corpus_dir / "docs"
    original = next(p for p in docs.glob("*.txt"))
    (docs / "copy-of-article.txt").write_text(original.read_text("utf-8"), "utf-8")
    build(fake_settings)
    facts = load_index(fake_settings.index_dir).data.facts
    assert facts and all(f.doc == original.stem for f in facts)


def test_a_build_reports_each_stage_in_order_from_start_to_end(fake_settings: Settings) -> None:
    """The progress callback hears reading, sentences, embedding and indexing, each rising to 1.0, in that order."""
    heard: list[tuple[str, float]] = []
    build_index(
        fake_settings.corpus_dir,
        fake_settings.index_dir,
        fake_settings,
        HashEmbedder(),
        False,
        stages=lambda *s: heard.append(s),
    )
    stages = list(dict.fromkeys(stage for stage, _ in heard))
    assert stages == list(STAGES) == ["reading", "sentences", "embedding", "indexing"]
    for stage in STAGES:
        fractions = [f for s, f in heard if s == stage]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0 and all(0 <= f <= 1 for f in fractions), stage


def test_a_build_told_of_its_stages_writes_the_same_index(fake_settings: Settings, tmp_path: Path) -> None:
    told = build_index(
        fake_settings.corpus_dir, tmp_path / "told", fake_settings, HashEmbedder(), False, stages=lambda *_: None
    )
    plain = build(fake_settings)
    assert (told / "corpus.json").read_bytes() == (plain / "corpus.json").read_bytes()
    assert np.array_equal(np.load(told / "sentences.npy"), np.load(plain / "sentences.npy"))
