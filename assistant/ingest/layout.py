"""Where each sentence sits: heading or not, its section heading, its neighbour, its stems.

Computed once per loaded index in one linear pass, so scoring a question never scans the corpus:
the inverted maps (`using`, `at`) find a word's sentences or a fact's sentence by look-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.ingest.lexicon import stems
from assistant.records import Sentence

HEADING_MAX_WORDS = 14
NAMED = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"})


def looks_like_heading(sentence: Sentence, alone: bool) -> bool:
    """A short line standing alone as its paragraph, without closing punctuation."""
    text = sentence.text.rstrip("”\"'")
    return alone and len(sentence.text.split()) <= HEADING_MAX_WORDS and not text.endswith((".", "!", ":"))


@dataclass(frozen=True)
class Layout:
    """Per-sentence structure of an index's sentence list (positions are global sentence ids)."""

    heading: tuple[bool, ...]
    section: tuple[int, ...]  # the heading that governs the sentence, or -1 (a document's first line is its title)
    previous: tuple[int, ...]  # the sentence before it in the same paragraph, or -1
    stems: tuple[frozenset[str], ...]
    first: tuple[int, ...]  # position of the first sentence of the sentence's document
    names: frozenset[str]  # lower-cased texts of the corpus's named entities (not noun chunks), also without "the"
    using: Mapping[str, tuple[int, ...]]  # stem -> the sentences that use it, in order
    at: Mapping[tuple[str, int], int]  # (document, start offset) -> the sentence that starts there
    docs_using: Mapping[str, frozenset[str]]  # stem -> the documents that use it anywhere

    @classmethod
    def of(cls, sentences: Sequence[Sentence]) -> Layout:
        n = len(sentences)

        def same(a: int, b: int, paragraph: bool) -> bool:
            x, y = sentences[a], sentences[b]
            return x.doc_id == y.doc_id and (not paragraph or x.paragraph == y.paragraph)

        heading = tuple(
            looks_like_heading(s, not (p > 0 and same(p, p - 1, True)) and not (p + 1 < n and same(p, p + 1, True)))
            for p, s in enumerate(sentences)
        )
        section, previous, first = [], [], []
        current, start = -1, 0
        for p in range(n):
            if p == 0 or not same(p, p - 1, False):
                current, start = -1, p
            section.append(current)
            previous.append(p - 1 if p > start and same(p, p - 1, True) else -1)
            first.append(start)
            if heading[p] and p > start:
                current = p
        named = {m.text.lower() for s in sentences for m in s.mentions if m.label in NAMED}
        # "The United Kingdom" is also "United Kingdom": a question may name it without the article
        names = frozenset(named | {n.removeprefix("the ") for n in named if n.startswith("the ") and len(n) > 4})
        all_stems = tuple(frozenset(stems(s.text)) for s in sentences)
        using: dict[str, list[int]] = {}
        for p, own in enumerate(all_stems):
            for stem in own:
                using.setdefault(stem, []).append(p)
        at: dict[tuple[str, int], int] = {}
        for p, s in enumerate(sentences):
            at.setdefault((s.doc_id, s.start), p)
        frozen = {stem: tuple(ps) for stem, ps in using.items()}
        docs = {stem: frozenset(sentences[p].doc_id for p in ps) for stem, ps in using.items()}
        return cls(heading, tuple(section), tuple(previous), all_stems, tuple(first), names, frozen, at, docs)

    def led_by(self, positions: Sequence[int]) -> list[int]:
        """The sentences right after each of `positions` in the same paragraph (which may lean on them), in order."""
        return [p + 1 for p in positions if p + 1 < len(self.previous) and self.previous[p + 1] == p]
