"""Compose cited answers: pick the sentences that answer, number their citations, or abstain.

Every statement the composer writes is either an exact quote of a document (with its offsets)
or a calculator result whose inputs are quotes; the wording around them comes from prompts/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.index import Index
from assistant.lexicon import Lexicon, stems
from assistant.prompts import render
from assistant.records import (
    Answer,
    CalcInput,
    Calculation,
    Citation,
    Computed,
    Declined,
    Hit,
    Sentence,
)

UNKNOWN_TERM_WEIGHT = 0.6  # share of the top IDF given to a question word the corpus never uses
DENSE_WEIGHT, LEXICAL_WEIGHT, TYPE_BONUS, CONTEXT_WEIGHT, MISSING_TYPE_FACTOR = 0.55, 0.45, 0.08, 0.5, 0.75
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ANSWER_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (
        re.compile(r"\b(when|what date|which date|what day)\b", re.I),
        re.compile(
            rf"\b(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}|\bwithin\s+\d+\s+\w+|\b(?:{_MONTHS})\s+\d{{4}}|\b(?:19|20)\d\d\b"
        ),
    ),
    (
        re.compile(r"\b(what (share|percentage|percent|proportion)|how much of)\b", re.I),
        re.compile(r"\d+(?:\.\d+)?%(?:\s+to\s+\d+(?:\.\d+)?%)?"),
    ),
    (
        re.compile(r"\b(how much|what amount|how large|funding|funded|backed)\b", re.I),
        re.compile(r"[$€£]\s?\d[\d,.]*(?:\s+(?:billion|million|trillion))?"),
    ),
    (re.compile(r"\bhow many\b", re.I), re.compile(r"\b\d[\d,]*\s+[a-z]+")),
    (
        re.compile(r"\b(who|whom|which (person|official|country|countries|nations?))\b", re.I),
        re.compile(r"(?:[A-Z][\w’'.-]*|of)(?:\s+(?:of\s+)?[A-Z][\w’'.-]*)+"),
    ),
]
# a figure, but not a span of time: "60 days" does not answer "what is the population"
_NUMBER = re.compile(r"\b\d[\d,.]*\b(?!\s*(?:days|weeks|months|years)\b)")
_DATE = re.compile(rf"\b(?:{_MONTHS})\b|\b(?:19|20)\d\d\b|\b\d+\s+(?:days|weeks|months|years)\b")
_REQUIRED_TYPES: list[tuple[re.Pattern[str], re.Pattern[str]]] = [
    (re.compile(r"\b(when|what date|which date|what day|date of|what year|which year)\b", re.I), _DATE),
    (
        re.compile(
            r"\b(how many|how much|what(?:'s| is| was| are| were)?(?: the)?(?: \w+)? "
            r"(rate|level|amount|number|size|price|cost|percentage|share|population)"
            r"|at what (rate|level|price))\b",
            re.I,
        ),
        _NUMBER,
    ),
]
_LEADING = re.compile(r"^(?:(?:On|In|The|A|An|By|For|At|Under|While|Even|Now|This|That)\s+)+")


@dataclass(frozen=True)
class Scored:
    position: int
    sentence: Sentence
    score: float


@dataclass
class CitationBook:
    """Numbers citations in order of first use; the same span always gets the same number."""

    index: Index
    citations: list[Citation] = field(default_factory=list)

    def cite(self, doc_id: str, start: int, end: int) -> int:
        for citation in self.citations:
            if (citation.doc_id, citation.start, citation.end) == (doc_id, start, end):
                return citation.n
        doc = self.index.document(doc_id)
        n = len(self.citations) + 1
        self.citations.append(
            Citation(n=n, doc_id=doc_id, title=doc.title, quote=doc.text[start:end], start=start, end=end)
        )
        return n

    def cite_sentence(self, sentence: Sentence) -> int:
        return self.cite(sentence.doc_id, sentence.start, sentence.end)


def is_heading(index: Index, position: int) -> bool:
    """A short line standing alone as its paragraph, without closing punctuation."""
    sentences = index.data.sentences
    s = sentences[position]
    alone = all(
        o.paragraph != s.paragraph or o.doc_id != s.doc_id
        for o in (
            sentences[position - 1] if position else None,
            sentences[position + 1] if position + 1 < len(sentences) else None,
        )
        if o is not None
    )
    return alone and len(s.text.split()) <= 14 and not s.text.rstrip("”\"'").endswith((".", "!", ":"))


def answer_type(question: str) -> re.Pattern[str] | None:
    """The pattern an answer to this question should contain (a date, figure, name...), if any."""
    return next((pattern for trigger, pattern in _ANSWER_TYPES if trigger.search(question)), None)


def required_type(question: str) -> re.Pattern[str] | None:
    """A date or figure the answer cannot do without ("what rate", "date of birth", "how many")."""
    return next((pattern for trigger, pattern in _REQUIRED_TYPES if trigger.search(question)), None)


def term_weights(lexicon: Lexicon, question: str) -> dict[str, float]:
    """IDF weight of each question term; a term the corpus never uses gets the highest weight."""
    weights = {t: lexicon.idf(t) for t in lexicon.query_terms(question)}
    return weights | {f"?{t}": UNKNOWN_TERM_WEIGHT * lexicon.max_idf() for t in lexicon.unknown_terms(question)}


def score_sentences(index: Index, lexicon: Lexicon, question: str, vector: np.ndarray, hits: list[Hit]) -> list[Scored]:
    """Sentences of the retrieved chunks, scored by meaning, shared rare terms and answer type.

    A FAQ-style question line that matches passes its score on to the line that answers it.
    """
    positions = list(dict.fromkeys(p for hit in hits for p in hit.chunk.sentence_ids))
    positions += [p + 1 for p in positions if _is_question_line(index, p) and p + 1 not in positions]
    if not positions:
        return []
    weights = term_weights(lexicon, question)
    dense = index.sentence_vectors[positions] @ vector
    raw = {}
    for p, cosine in zip(positions, dense, strict=True):
        lexical = _overlap(weights, set(stems(index.data.sentences[p].text)), _context_stems(index, p))
        raw[p] = DENSE_WEIGHT * float(cosine) + LEXICAL_WEIGHT * lexical
    for p in positions:
        if _is_question_line(index, p) and p + 1 in raw:
            raw[p + 1] = max(raw[p + 1], raw[p])
    scored = [Scored(p, index.data.sentences[p], _adjust(index, p, raw[p], question)) for p in positions]
    return sorted(scored, key=lambda s: -s.score)


def _is_question_line(index: Index, position: int) -> bool:
    sentences = index.data.sentences
    return (
        sentences[position].text.endswith("?")
        and position + 1 < len(sentences)
        and sentences[position + 1].doc_id == sentences[position].doc_id
    )


def _adjust(index: Index, position: int, score: float, question: str) -> float:
    """Reward the expected kind of answer, penalise its absence, headings and question lines."""
    text = index.data.sentences[position].text
    wanted, required = answer_type(question), required_type(question)
    if wanted is not None and wanted.search(text):
        score += TYPE_BONUS
    if required is not None and not required.search(text):
        score *= MISSING_TYPE_FACTOR
    if is_heading(index, position) or text.endswith("?"):
        score *= 0.7
    return score


def _context_stems(index: Index, position: int) -> set[str]:
    """Stems of what a sentence leans on: the previous sentence of its paragraph ("This
    initiative is backed by...") and the heading of its section."""
    context: set[str] = set()
    here = index.data.sentences[position]
    if position > 0:
        prev = index.data.sentences[position - 1]
        if prev.doc_id == here.doc_id and prev.paragraph == here.paragraph:
            context |= set(stems(prev.text))
    heading = _heading_before(index, position - 1) if position > 0 else None
    if heading is not None and heading.doc_id == here.doc_id:
        context |= set(stems(heading.text))
    return context


def _overlap(weights: dict[str, float], own: set[str], context: set[str]) -> float:
    """IDF-weighted share of question terms found; a term found only in the context counts half."""
    total = sum(weights.values())
    if not total:
        return 0.0
    found = sum(w if t in own else CONTEXT_WEIGHT * w if t in context else 0.0 for t, w in weights.items())
    return found / total


def focus(question: str, sentence: str) -> str | None:
    """The part of `sentence` that answers the question (a name, date, figure), if one stands out."""
    wanted = answer_type(question)
    if wanted is None:
        return None
    asked = set(stems(question))
    for match in wanted.finditer(sentence):
        text = _LEADING.sub("", match.group()).strip(" ,.")
        if text and not set(stems(text)) <= asked and not re.fullmatch(_MONTHS, text):
            return text
    return None


def compose(
    question: str, scored: list[Scored], index: Index, prompts: Path, max_citations: int, threshold: float
) -> Answer:
    """An extractive answer from the best sentences, or an abstention when the best is too weak."""
    if not scored or scored[0].score < threshold:
        return abstain(question, scored, index, prompts)
    best = scored[0]
    floor = max(threshold, best.score * 0.8)
    chosen = [best] + [s for s in scored[1:] if s.score >= floor and not is_heading(index, s.position)][
        : max_citations - 1
    ]
    book = CitationBook(index)
    lines = [f"{s.sentence.text} [{book.cite_sentence(s.sentence)}]" for s in chosen]
    short = focus(question, best.sentence.text)
    direct = render(prompts, "direct", focus=short, statement=lines[0]) if short else lines[0]
    support = render(prompts, "support", statements="\n".join(f"- {line}" for line in lines[1:])) if lines[1:] else ""
    text = render(prompts, "answer", direct=direct, support=support)
    return Answer(question=question, text=text, citations=book.citations)


def abstain(question: str, scored: list[Scored], index: Index, prompts: Path) -> Answer:
    """Say plainly that the sources do not answer; offer the headings of the nearest passages."""
    book = CitationBook(index)
    topics: list[str] = []
    for s in scored[:8]:
        heading = _heading_before(index, s.position)
        if heading is not None and len(topics) < 3:
            marker = f"{heading.text} [{book.cite_sentence(heading)}]"
            if marker not in topics:
                topics.append(marker)
    nearby = render(prompts, "nearby", topics="; ".join(topics)) if topics else ""
    text = render(prompts, "abstain", nearby=nearby)
    return Answer(question=question, text=text, citations=book.citations, abstained=True)


def _heading_before(index: Index, position: int) -> Sentence | None:
    doc_id = index.data.sentences[position].doc_id
    for p in range(position, -1, -1):
        if index.data.sentences[p].doc_id != doc_id:
            return None
        if p > 0 and is_heading(index, p):  # the document title (p == 0) is not a topic
            return index.data.sentences[p]
    return None


def compose_calculation(
    question: str, outcome: Computed | Declined, index: Index, prompts: Path, related: Sentence | None = None
) -> Answer:
    """A calculator answer: result first, then the working, then each input cited to its quote.

    When the calculator declines, `related` (the closest sentence, if any) shows what the sources
    do say on the subject, cited like any other statement.
    """
    book = CitationBook(index)
    numbers = [book.cite(u.fact.doc, u.fact.start or 0, u.fact.end or 0) for u in outcome.uses]
    inputs = "\n".join(f"- {u.label}: {u.value} [{n}]" for u, n in zip(outcome.uses, numbers, strict=True))
    if isinstance(outcome, Declined):
        if related is not None and not outcome.uses:
            inputs = render(prompts, "related", statement=f"{related.text} [{book.cite_sentence(related)}]")
        text = render(prompts, "declined", message=outcome.message, inputs=inputs)
        return Answer(question=question, text=text, citations=book.citations, abstained=True)
    markers = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    headline = f"{outcome.headline.rstrip('.')} {markers}.".replace(" .", ".") if markers else outcome.headline
    text = render(prompts, "calculation", headline=headline, expression=outcome.expression, inputs=inputs)
    calculation = Calculation(
        expression=outcome.expression,
        result=outcome.result,
        inputs=[
            CalcInput(fact_id=u.fact.id, label=u.label, value=u.value, citation=n)
            for u, n in zip(outcome.uses, numbers, strict=True)
        ],
    )
    return Answer(question=question, text=text, citations=book.citations, calculation=calculation)
