"""spaCy at ingestion: the pinned pipeline, and mentions with exact document offsets."""

from __future__ import annotations

import json
from importlib import resources

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
