"""spaCy at ingestion: the pinned pipeline, and mentions with exact document offsets."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from assistant.ingest.nlp import MODEL_PACKAGE, annotate, versions
from assistant.records import Sentence


def test_the_pipeline_is_the_official_small_english_model_3_8_0() -> None:
    meta_files = [p for p in resources.files(MODEL_PACKAGE).iterdir() if p.name == "meta.json"]
    meta_files += [p / "meta.json" for p in resources.files(MODEL_PACKAGE).iterdir() if (p / "meta.json").is_file()]
    meta = json.loads(meta_files[0].read_text("utf-8"))
    assert (meta["lang"], meta["version"], meta["license"]) == ("en", "3.8.0", "MIT")
    assert "ner" in meta["pipeline"] and "parser" in meta["pipeline"]
    assert "3.8.18" in versions() and "3.8.0" in versions()


def test_mentions_carry_labels_and_offsets_into_the_document() -> None:
    text = "Intro line.\nOn February 4, 2026, Marco Rubio hosted 54 nations in Washington."
    start = text.index("On")
    sentence = Sentence(doc_id="d", start=start, end=len(text), text=text[start:])
    (tagged,) = annotate([sentence])
    found = {(m.label, m.text) for m in tagged.mentions}
    assert {("DATE", "February 4, 2026"), ("PERSON", "Marco Rubio"), ("CARDINAL", "54"), ("GPE", "Washington")} <= found
    assert all(text[m.start : m.end] == m.text for m in tagged.mentions)


def test_noun_chunks_are_mentions_with_their_head_word() -> None:
    (tagged,) = annotate([Sentence(doc_id="d", start=0, end=31, text="The treaty was signed by Rollo.")])
    assert ("NP", "The treaty", "treaty") in {(m.label, m.text, m.head) for m in tagged.mentions}


def test_no_sentences_need_no_model() -> None:
    assert annotate([]) == []


def test_one_stream_over_many_documents_tags_each_as_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.ingest.nlp as nlp

    texts = ["Marco Rubio hosted 54 nations.", "Japan pledged $2 billion in 2026.", "The reserve grew."]
    groups = [[Sentence(doc_id=f"d{i}", start=0, end=len(t), text=t)] for i, t in enumerate(texts)]
    alone = [annotate(g) for g in groups]
    seen: list[int] = []
    monkeypatch.setattr(nlp, "PARALLEL_FROM", 2)  # the second process's spans are the first's
    assert nlp.annotate_all([groups[0], [], *groups[1:]], seen.append) == [alone[0], [], *alone[1:]]
    assert sum(seen) == sum(map(len, texts))
