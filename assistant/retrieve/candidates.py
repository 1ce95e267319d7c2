"""Candidate sentences for a question and the features a learned scorer ranks them by.

Candidates are the sentences of the retrieved chunks plus the sentences nearest the question by
meaning; headings and FAQ question lines are never candidates, only context of what follows.
Each gets a fixed vector of features (FEATURES, in order): meaning, shared rare terms
in the sentence and around it, whether it holds a mention of the type the question asks for,
and question-level signals (words the corpus never uses) that drive abstention.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.ingest.index import Index
from assistant.ingest.layout import Layout
from assistant.ingest.lexicon import STOP_WORDS, Lexicon, stems
from assistant.records import Hit, Mention, Sentence
from assistant.retrieve.question import NUMBERS, TIMES, AnswerType, answer_type, is_span_of_time, is_year

DENSE_CANDIDATES = 12  # sentences nearest the question by cosine, beside those of the retrieved chunks
FEATURES = (
    "cosine", "cosine_lead", "own", "own_lead", "context", "bigrams", "missing_max", "unknown",
    "chunk_rank", "type_asked", "type_hit", "type_miss", "log_words",
    "best_own", "lead", "neighbour_cosine", "cosine_rank", "own_rank", "names_missing",
    "numbers_missing", "negation_mismatch", "unknown_name", "faq_cosine",
)  # fmt: skip
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NEGATION = re.compile(r"\b(?:not|never|no|none|nor|without)\b|n't\b", re.I)


@dataclass(frozen=True)
class Candidate:
    """A sentence that may answer the question, its features and its typed mentions."""

    position: int
    sentence: Sentence
    features: np.ndarray
    typed: tuple[Mention, ...]  # mentions of the asked type that the question does not already name


@dataclass(frozen=True)
class QuestionTerms:
    """A question's content stems with IDF weights, its stem bigrams, and what the corpus lacks."""

    weights: dict[str, float]
    bigrams: frozenset[tuple[str, str]]
    unknown_share: float
    stems: frozenset[str]
    names: tuple[str, ...]  # corpus entity names the question uses, lower-cased, longest first
    numbers: tuple[str, ...]
    negated: bool
    unknown_name: bool  # a capitalised word inside the question that the corpus has no word for ("Russia")

    @classmethod
    def of(cls, lexicon: Lexicon, question: str, layout: Layout) -> QuestionTerms:
        known = {t: lexicon.idf(t) for t in lexicon.query_terms(question)}
        unknown = lexicon.unknown_terms(question)
        ordered = [fixed or s for s, fixed in lexicon.repaired(question)]
        total = sum(known.values()) + len(unknown) * lexicon.max_idf()
        share = len(unknown) * lexicon.max_idf() / total if total else 0.0
        bigrams = frozenset(zip(ordered, ordered[1:], strict=False))
        numbers = tuple(_NUMBER.findall(question))
        names = question_names(question, layout.names)
        negated = bool(_NEGATION.search(question))
        return cls(known, bigrams, share, frozenset(ordered), names, numbers, negated, names_absent(lexicon, question))


def names_absent(lexicon: Lexicon, question: str, canonical: Callable[[str], str] | None = None) -> bool:
    """A capitalised word inside the question that the corpus has no word for, even misspelled ("Russia")."""
    return bool(absent_names(lexicon, question, canonical))


def absent_names(lexicon: Lexicon, question: str, canonical: Callable[[str], str] | None = None) -> tuple[str, ...]:
    """The names inside the question, as written ("the 2022 FIFA World Cup" -> "FIFA World Cup"), with a
    capitalised word that the corpus has no word for, even misspelled.

    `canonical` maps a word to its canonical phrase; a word it changes is a known alias, not a name.
    """
    runs = re.findall(r"(?<=[\w,;:] )[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)*", question)

    def unknown(word: str) -> bool:
        aliased = canonical is not None and canonical(word) != word.lower().replace("’", "'")
        return bool(lexicon.unknown_terms(word)) and not aliased

    return tuple(dict.fromkeys(run for run in runs if any(unknown(w) for w in run.split())))


def question_names(question: str, names: frozenset[str]) -> tuple[str, ...]:
    """The corpus's entity names that occur in the question (word n-grams up to 5), longest first, not nested.

    A name that is also a stop word ("WHO", "US") counts only where the question writes it in capitals:
    "who hosted it" names nobody.
    """
    written = re.findall(r"[\w'’.-]+", question)
    words = [w.lower() for w in written]
    found: list[str] = []
    for n in range(5, 0, -1):
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i : i + n]).strip(".")
            common = n == 1 and gram in STOP_WORDS and not written[i].isupper()
            if gram in names and not common and not any(gram in f for f in found) and not gram.isdigit():
                found.append(gram)
    return tuple(found)


def candidate_positions(index: Index, vector: np.ndarray, hits: Sequence[Hit]) -> list[int]:
    """Sentences of the retrieved chunks, the nearest by cosine, and the line after a matching FAQ question."""
    positions = list(dict.fromkeys(p for hit in hits for p in hit.chunk.sentence_ids))
    if len(index.data.sentences):
        depth = min(DENSE_CANDIDATES, len(index.data.sentences))
        nearest = np.argpartition(-(index.sentence_vectors @ vector), depth - 1)[:depth]
        positions += [int(p) for p in nearest if int(p) not in positions]
    sentences = index.data.sentences
    after = [
        p + 1
        for p in positions
        if sentences[p].text.endswith("?") and p + 1 < len(sentences) and sentences[p + 1].doc_id == sentences[p].doc_id
    ]
    layout = index.layout
    # headings and FAQ question lines are not statements: they count only as context of what follows
    return [
        p for p in dict.fromkeys(positions + after) if not layout.heading[p] and not sentences[p].text.endswith("?")
    ]


def candidates(
    index: Index, lexicon: Lexicon, question: str, vector: np.ndarray, hits: Sequence[Hit]
) -> list[Candidate]:
    """Every candidate sentence with its feature vector (order of FEATURES)."""
    positions = candidate_positions(index, vector, hits)
    if not positions:
        return []
    layout: Layout = index.layout
    terms = QuestionTerms.of(lexicon, question, layout)
    wanted = answer_type(question)
    cosines = index.sentence_vectors[positions] @ vector
    ranks = _chunk_ranks(hits)
    own = [_coverage(terms.weights, layout.stems[p]) for p in positions]
    best_own = max(own)
    # Margins and ranks are within each document: another document saying the same is corroboration, not rivalry.
    docs = [index.data.sentences[p].doc_id for p in positions]
    cos_lead, own_lead = _per_doc(_leads, [float(c) for c in cosines], docs), _per_doc(_leads, own, docs)
    cos_rank, own_rank = _per_doc(_ranks, [float(c) for c in cosines], docs), _per_doc(_ranks, own, docs)
    faq = _faq_cosines(index, layout, positions, vector)
    out = []
    for i, p in enumerate(positions):
        sentence = index.data.sentences[p]
        typed = typed_mentions(sentence, wanted, terms.stems, terms.bigrams)
        around = _context_text(index, layout, p)
        context = _coverage(terms.weights, layout.stems[p] | _context_stems(index, layout, p))
        row = [
            float(cosines[i]), cos_lead[i], own[i], own_lead[i], context,
            _bigram_share(terms.bigrams, index, p), _missing_max(terms.weights, layout.stems[p], lexicon),
            terms.unknown_share, ranks.get(p, 0.0), float(wanted.asked), float(wanted.asked and bool(typed)),
            float(wanted.asked and not typed),
            math.log1p(len(sentence.text.split())), best_own, float(p == layout.first[p] + 1),
            _neighbour_cosine(index, layout, p, vector), cos_rank[i], own_rank[i],
            _share_missing(terms.names, around), _share_missing(terms.numbers, around),
            float(terms.negated and not _NEGATION.search(sentence.text)), float(terms.unknown_name), faq[i],
        ]  # fmt: skip
        out.append(Candidate(p, index.data.sentences[p], np.asarray(row, dtype=np.float64), typed))
    return out


# A noun phrase that counts things ("four branches", "the five acute trusts", "two primary airports"); a
# year is no count ("the 1988 Summer Olympics")
_COUNTED = re.compile(
    r"^(?:the\s+|these\s+|those\s+|its\s+|their\s+)?(?!1\d\d\d\b|20\d\d\b)(?:\d[\d,.]*|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundreds|thousands|dozens)\s+\D",
    re.IGNORECASE,
)


def counts_things(text: str) -> bool:
    """The phrase counts things rather than naming one: "four branches", "the five trusts"."""
    return _COUNTED.match(text) is not None


def typed_mentions(
    sentence: Sentence, wanted: AnswerType, asked: frozenset[str], phrases: frozenset[tuple[str, str]] = frozenset()
) -> tuple[Mention, ...]:
    """Mentions of the expected type in a sentence whose words the question does not already use.

    `phrases` are the question's stem bigrams: a name ending in one of them is the thing the question
    names by its common noun ("the Wend Valley Building Society" for "when the building society pulled
    its overdraft"), not the answer, unless the question asks "which X" with X in the name.
    """
    if not wanted.asked:
        return ()
    found = []
    for m in sentence.mentions:
        fits = (
            m.label in wanted.labels
            or (m.label == "CARDINAL" and bool(wanted.labels & TIMES) and is_year(m.text))
            or (wanted.head is not None and m.label == "NP" and stems(m.head)[:1] == [wanted.head])
        )
        if fits and wanted.duration and m.label in TIMES | {"CARDINAL"} and not is_span_of_time(m.text):
            fits = m.label == "CARDINAL" and not is_year(m.text)  # "how long": a day or a year is no length
        ordered = stems(m.text)
        own = set(ordered)
        named = m.label not in NUMBERS | TIMES and tuple(ordered[-2:]) in phrases and wanted.head not in own
        counted = m.label == "NP" and not wanted.sort and counts_things(m.text)  # "which branch": not "four branches"
        if fits and own and not named and not counted and len(own & asked) * 2 <= len(own):  # most of it new
            found.append(m)
    return tuple(found)


def _per_doc(measure: Callable[[list[float]], list[float]], values: list[float], docs: list[str]) -> list[float]:
    """`measure` applied to the values of each document separately, results in the original order."""
    out = [0.0] * len(values)
    for doc in set(docs):
        where = [i for i, d in enumerate(docs) if d == doc]
        for i, v in zip(where, measure([values[i] for i in where]), strict=True):
            out[i] = v
    return out


def _faq_cosines(index: Index, layout: Layout, positions: list[int], vector: np.ndarray) -> list[float]:
    """The cosine of the FAQ question line just before each sentence ("Q: ...?" then "A: ..."), else 0."""
    sentences = index.data.sentences
    before = [p - 1 if p > layout.first[p] and sentences[p - 1].text.endswith("?") else -1 for p in positions]
    return [float(index.sentence_vectors[b] @ vector) if b >= 0 else 0.0 for b in before]


def _leads(values: list[float]) -> list[float]:
    """Each value minus the best of the others: positive only for a clear winner, the margin it wins by."""
    if len(values) < 2:
        return [0.0] * len(values)
    top, second = sorted(values, reverse=True)[:2]
    return [v - (second if v == top else top) for v in values]


def _ranks(values: list[float]) -> list[float]:
    """1 / rank of each value among all (1.0 for the highest)."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    out = [0.0] * len(values)
    for rank, i in enumerate(order, 1):
        out[i] = 1.0 / rank
    return out


def _context_text(index: Index, layout: Layout, p: int) -> str:
    """The sentence with its paragraph neighbours and section heading, lower-cased, for name and number checks."""
    near = [layout.previous[p], p, layout.section[p]]
    if p + 1 < len(layout.previous) and layout.previous[p + 1] == p:
        near.append(p + 1)
    return " ".join(index.data.sentences[q].text for q in near if q >= 0).lower()


def _share_missing(items: tuple[str, ...], text: str) -> float:
    return sum(item not in text for item in items) / len(items) if items else 0.0


def _neighbour_cosine(index: Index, layout: Layout, p: int, vector: np.ndarray) -> float:
    """The best cosine of the sentences just before and after it in its paragraph (0 when alone)."""
    near = [layout.previous[p]] if layout.previous[p] >= 0 else []
    if p + 1 < len(layout.previous) and layout.previous[p + 1] == p:
        near.append(p + 1)
    return float(max((index.sentence_vectors[q] @ vector for q in near), default=0.0))


def _chunk_ranks(hits: Sequence[Hit]) -> dict[int, float]:
    """1 / rank of the best retrieved chunk holding each sentence."""
    ranks: dict[int, float] = {}
    for hit in hits:
        for p in hit.chunk.sentence_ids:
            ranks[p] = max(ranks.get(p, 0.0), 1.0 / max(hit.rank, 1))
    return ranks


def _context_stems(index: Index, layout: Layout, p: int) -> frozenset[str]:
    """Stems a sentence leans on: its predecessor in the paragraph, its section heading, its document's title."""
    near = [layout.previous[p], layout.section[p], layout.first[p]]
    if p + 1 < len(layout.previous) and layout.previous[p + 1] == p:
        near.append(p + 1)
    return frozenset().union(*(layout.stems[q] for q in near if q >= 0 and q != p))


def _coverage(weights: dict[str, float], present: frozenset[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in present) / total if total else 0.0


def _bigram_share(bigrams: frozenset[tuple[str, str]], index: Index, p: int) -> float:
    if not bigrams:
        return 0.0
    own = stems(index.data.sentences[p].text)
    return len(bigrams & set(zip(own, own[1:], strict=False))) / len(bigrams)


def _missing_max(weights: dict[str, float], present: frozenset[str], lexicon: Lexicon) -> float:
    """The rarest question term the sentence lacks, as a share of the corpus's highest IDF."""
    missing = [w for t, w in weights.items() if t not in present]
    return max(missing, default=0.0) / lexicon.max_idf()
