"""Compose cited answers: pick the sentences that answer, number their citations, or abstain.

Every statement the composer writes is either an exact quote of a document (with its offsets)
or a calculator result whose inputs are quotes; the wording around them comes from prompts/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer.prompts import render
from assistant.ingest.index import Index
from assistant.ingest.lexicon import stems
from assistant.records import (
    Answer,
    CalcInput,
    Calculation,
    Citation,
    Computed,
    Declined,
    Mention,
    Sentence,
)

# A short answer is a mention at most this many characters from a question word in the sentence.
FOCUS_REACH = 200
_CALENDAR = re.compile(
    r"\b(?:1[0-9]|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


@dataclass(frozen=True)
class Scored:
    """A candidate sentence with the scorer's probability that it answers the question."""

    position: int
    sentence: Sentence
    score: float
    typed: tuple[Mention, ...] = ()


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
            Citation(
                n=n,
                doc_id=doc_id,
                title=doc.title,
                quote=doc.text[start:end],
                start=start,
                end=end,
                location=doc.location_of(start),
            )
        )
        return n

    def cite_sentence(self, sentence: Sentence) -> int:
        return self.cite(sentence.doc_id, sentence.start, sentence.end)


def is_heading(index: Index, position: int) -> bool:
    """A short line standing alone as its paragraph, without closing punctuation."""
    return index.layout.heading[position]


def focus(question: str, best: Scored) -> str | None:
    """The mention of the asked type nearest the question's words in the best sentence, if any.

    No short answer is better than a wrong one: without a typed mention there is none.
    """
    if not best.typed:
        return None
    text, base = best.sentence.text, best.sentence.start
    asked = set(stems(question))
    anchors = [m.start() for m in re.finditer(r"[A-Za-z0-9]+", text) if set(stems(m.group())) & asked]

    def distance(m: Mention) -> int:
        lo, hi = m.start - base, m.end - base
        return min((max(lo - a, a - hi, 0) for a in anchors), default=0)

    nearest = min(best.typed, key=lambda m: (distance(m), m.start))
    return nearest.text.strip(" ,.;:") if distance(nearest) <= FOCUS_REACH else None


def states_date(answer_focus: str | None) -> bool:
    """A short answer that is a calendar date (a month or a year), not a span like "30 days"."""
    return answer_focus is not None and _CALENDAR.search(answer_focus) is not None


def compose(
    question: str,
    scored: list[Scored],
    index: Index,
    prompts: Path,
    max_citations: int,
    threshold: float,
    support_ratio: float = 0.5,
) -> Answer:
    """An extractive answer from the best sentences, or an abstention when the best is too unlikely."""
    if not scored or scored[0].score < threshold:
        return abstain(question, scored, index, prompts)
    best = scored[0]
    floor = max(threshold, best.score * support_ratio)
    chosen = [best] + [s for s in scored[1:] if s.score >= floor and not is_heading(index, s.position)][
        : max_citations - 1
    ]
    book = CitationBook(index)
    lines = [f"{s.sentence.text} [{book.cite_sentence(s.sentence)}]" for s in chosen]
    short = focus(question, best)
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
    """The section heading a sentence falls under (itself if it is one); a document's title is not a topic."""
    layout = index.layout
    if layout.heading[position] and position > layout.first[position]:
        return index.data.sentences[position]
    section = layout.section[position]
    return index.data.sentences[section] if section >= 0 else None


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
