"""Compose cited answers: pick the sentences that answer, number their citations, or abstain.

Every statement the composer writes is either an exact quote of a document (with its offsets)
or a calculator result whose inputs are quotes; the wording around them comes from prompts/.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import conflicts as disputes
from assistant.answer.prompts import render
from assistant.ingest.index import Index
from assistant.ingest.lexicon import stems
from assistant.records import (
    Answer,
    CalcInput,
    Calculation,
    Citation,
    Computed,
    Conflict,
    ConflictValue,
    Declined,
    Fact,
    FactUse,
    Mention,
    MoneyFact,
    Sentence,
)
from assistant.retrieve.question import PEOPLE, answer_type

log = logging.getLogger(__name__)
_BY_SOURCE = re.compile(r"^by [^:;]+: ")  # calculate.sources: one source's steps when the sources disagree
_RESTATED = re.compile(r"(?P<value>[^=]+) = (?P=value)")  # a total of one amount
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
    cosine: float = 1.0  # the sentence's cosine with the question (the bi-encoder's)


@dataclass
class CitationBook:
    """Numbers citations in order of first use; the same span always gets the same number."""

    index: Index
    citations: list[Citation] = field(default_factory=list)
    _numbers: dict[tuple[str, int, int], int] = field(default_factory=dict, repr=False)

    def cite(self, doc_id: str, start: int, end: int) -> int:
        if (found := self._numbers.get((doc_id, start, end))) is not None:
            return found
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
        self._numbers[(doc_id, start, end)] = n
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
    nearest = focus_mention(question, best)
    return nearest.text.strip(" ,.;:") if nearest is not None else None


def focus_mention(question: str, best: Scored) -> Mention | None:
    """The typed mention that `focus` shows, if any."""
    if not best.typed:
        return None
    text, base = best.sentence.text, best.sentence.start
    asked = set(stems(question))
    anchors = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text) if set(stems(m.group())) & asked]

    def distance(m: Mention) -> int:  # the characters between the mention and the nearest question word
        lo, hi = m.start - base, m.end - base
        return min((max(lo - end, start - hi, 0) for start, end in anchors), default=0)

    people = answer_type(question).labels == PEOPLE  # "who": a person before an organisation or a place
    nearest = min(best.typed, key=lambda m: (people and m.label != "PERSON", distance(m), m.start))
    return nearest if distance(nearest) <= FOCUS_REACH else None


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
    weights: Mapping[str, float] | None = None,
    follow_ratio: float | None = None,
) -> Answer:
    """An extractive answer from the best sentences (the decision, answer/decide.py, chose to answer).

    Further sentences are cited when at least `threshold` and `support_ratio` of the best's
    probability. With `follow_ratio`, when the best sentence gives no short answer, the sentence
    that follows it in its paragraph is quoted with it, cited apart, if its probability is at least
    that share of the best's (a story names its subject, then says what happened: "…withdrew our
    overdraft. My aunt lent us…"); the short answer may then come from that one.
    `weights` (the question's terms and their IDF) let it say when another candidate sentence gives
    a different value for what the answer states.
    """
    best = scored[0]
    short = focus(question, best)
    after = following(scored, index, follow_ratio) if follow_ratio is not None and short is None else None
    floor = max(threshold, best.score * support_ratio)
    others = [s for s in scored[1:] if s.score >= floor and not is_heading(index, s.position) and s is not after]
    chosen = [best] + others[: max_citations - 1 - (after is not None)]
    book = CitationBook(index)
    lines = [f"{s.sentence.text} [{book.cite_sentence(s.sentence)}]" for s in chosen]
    if after is not None:
        lines[0] += f" {after.sentence.text} [{book.cite_sentence(after.sentence)}]"
    if after is not None and not best.typed:
        short = focus(question, after)
    direct = render(prompts, "direct", focus=short, statement=lines[0]) if short else lines[0]
    try:
        found = _disagreement(question, scored, index, weights or {})
    except Exception:  # noqa: BLE001 -- a rule bug must not cost the user the answer itself
        log.exception("conflict detection failed on %r; answering without it", question)
        found = None
    conflicts = [_cite_conflict(found, book)] if found else []
    if conflicts:
        direct += "\n\n" + disagreement_line(prompts, conflicts[0])
    support = render(prompts, "support", statements="\n".join(f"- {line}" for line in lines[1:])) if lines[1:] else ""
    text = render(prompts, "answer", direct=direct, support=support)
    return Answer(question=question, text=text, citations=book.citations, conflicts=conflicts)


def following(scored: list[Scored], index: Index, ratio: float) -> Scored | None:
    """The candidate right after the best sentence in the same paragraph, when its probability is at
    least `ratio` of the best's and it is a statement, not a heading."""
    best, sentences = scored[0], index.data.sentences
    nxt = best.position + 1
    if nxt >= len(sentences) or sentences[nxt].doc_id != best.sentence.doc_id:
        return None
    if sentences[nxt].paragraph != best.sentence.paragraph or is_heading(index, nxt):
        return None
    found = next((s for s in scored[1:] if s.position == nxt), None)
    return found if found is not None and found.score >= ratio * best.score else None


def disagreement_line(prompts: Path, conflict: Conflict) -> str:
    """'The sources disagree: $2 billion [1] (Title 1); about $1.67 billion [2] (Title 2).'"""
    values = "; ".join(f"{v.value} [{v.citation}] ({v.title})" for v in conflict.values)
    if conflict.more:
        values += f"; and {conflict.more} more"
    return render(prompts, "disagree", values=values)


def passage(index: Index, position: int) -> disputes.Passage:
    """A sentence with the stems of its section heading and of its paragraph predecessor."""
    layout = index.layout
    section, previous = layout.section[position], layout.previous[position]
    context = layout.stems[position] | (layout.stems[section] if section >= 0 else frozenset())
    if previous < 0:
        return disputes.Passage(index.data.sentences[position], context)
    before = index.data.sentences[previous]
    return disputes.Passage(index.data.sentences[position], context, before, layout.stems[previous])


def _disagreement(
    question: str, scored: list[Scored], index: Index, weights: Mapping[str, float]
) -> disputes.Disagreement | None:
    """Another candidate sentence's value for the thing the short answer states, where it differs."""
    best, facts = scored[0], index.data.facts
    answer = _claim(question, best, facts, weights) if weights else None
    if answer is None:
        return None
    return _dispute(answer, passage(index, best.position), index, scored, weights)


def _dispute(
    answer: disputes.Claim, own: disputes.Passage, index: Index, scored: list[Scored], weights: Mapping[str, float]
) -> disputes.Disagreement | None:
    """The values other passages tied to `answer` by a thread word give for its thing, where they differ."""
    sentences, labels = index.data.sentences, disputes.LABELS[answer.kind]
    for rank, thread in enumerate(disputes.anchors(weights, answer, own)):
        around = _around(index, scored, thread)
        # the rarest word is the thread; a commoner one only where no other document uses the rarer
        if rank == 0 or _elsewhere(index, thread, answer, around):
            # only a sentence with a value of the kind can disagree (detect skips the others)
            valued = [passage(index, p) for p in around if any(m.label in labels for m in sentences[p].mentions)
                      and disputes.same_subject(weights, thread, (answer.sentence.doc_id, sentences[p].doc_id),
                                                _uses(index))]  # fmt: skip
            valued = [v for v in valued if disputes.names_alike(weights, thread, answer, v)]
            found = disputes.detect(thread, answer, own, valued, index.data.facts)
            if found or _elsewhere(index, thread, answer, around):
                return found
    return None


def _uses(index: Index) -> Callable[[str, str], bool]:
    """Whether a document uses a stem anywhere (its title and headings included): one look-up."""
    docs_using = index.layout.docs_using

    def uses(stem: str, doc: str) -> bool:
        return doc in docs_using.get(stem, ())

    return uses


def _elsewhere(index: Index, thread: str, answer: disputes.Claim, around: list[int]) -> bool:
    """Whether another document's passage among `around` speaks of the thread (passages built until one does)."""
    return disputes.elsewhere(thread, answer, (passage(index, p) for p in around))


def _claim(question: str, best: Scored, facts: Sequence[Fact], weights: Mapping[str, float]) -> disputes.Claim | None:
    """The value the answer gives: its short answer's (or an entity in it), else the actor of the asked action."""
    mention = focus_mention(question, best)
    if mention is None:
        return disputes.acting(best.sentence, weights, facts)
    inside = [m for m in best.sentence.mentions if m.start < mention.end and mention.start < m.end]
    for m in sorted(inside, key=lambda m: m.label == "NP"):
        kind = disputes.kind_of(m)
        found = (
            [c for c in disputes.claims(best.sentence, kind, facts) if c.start < m.end and m.start < c.end]
            if kind
            else []
        )
        if found:
            return found[0]
    return None


def input_rivals(uses: Sequence[FactUse], index: Index, weights: Mapping[str, float]) -> dict[str, MoneyFact]:
    """For each amount a calculation used, the fact of another sentence that gives another value for the same thing.

    The sentences tie them (as for an extractive answer) where the facts alone do not: an amount
    whose sentence names neither contributor nor purpose.
    """
    found: dict[str, MoneyFact] = {}
    positions = index.layout.at
    facts = index.data.facts
    for use in uses:
        where = positions.get((use.fact.doc, use.fact.start or -1))
        if not isinstance(use.fact, MoneyFact) or where is None:
            continue
        key = ("$" if use.fact.currency == "USD" else None, use.fact.amount.normalize())
        own = passage(index, where)
        claim = next((c for c in disputes.claims(own.sentence, "money", facts) if c.key == key), None)
        if claim is None or (dispute := _dispute(claim, own, index, [], weights)) is None:
            continue
        rival = dispute.claims[1]
        if rival.sentence.doc_id != claim.sentence.doc_id:
            same = [f for f in facts if isinstance(f, MoneyFact) and f.doc == rival.sentence.doc_id
                    and f.start == rival.sentence.start and (f.amount.normalize(),) == rival.key[1:]]  # fmt: skip
            found.update({use.fact.id: same[0]} if same else {})
    return found


def _around(index: Index, scored: list[Scored], thread: str) -> list[int]:
    """The other candidates, then every statement in the corpus that uses the thread word itself (positions)."""
    layout = index.layout
    seen = [s.position for s in scored[1:]]
    more = [p for p in layout.using.get(thread, ()) if not layout.heading[p]]
    # a sentence whose predecessor names the thread may lean on it (Passage.uses decides)
    more += [p for p in layout.led_by(more) if not layout.heading[p]]
    return list(dict.fromkeys(seen + more))


def _cite_conflict(found: disputes.Disagreement, book: CitationBook) -> Conflict:
    claims, more = disputes.shown(found.claims)
    return Conflict(kind=found.kind, thing=found.thing, values=[_cite_claim(c, book) for c in claims], more=more)


def _cite_claim(claim: disputes.Claim, book: CitationBook) -> ConflictValue:
    n = book.cite_sentence(claim.sentence)
    title = book.citations[n - 1].title
    return ConflictValue(value=claim.value, citation=n, doc_id=claim.sentence.doc_id, title=title,
                         start=claim.start, end=claim.end)  # fmt: skip


def abstain(
    question: str, closest: Sentence | None, index: Index, prompts: Path, after: Sentence | None = None
) -> Answer:
    """Say plainly that the sources do not answer; show the closest passage, cited, when there is one
    (with `after`, the sentence that follows it, cited apart)."""
    book = CitationBook(index)
    if closest is None:
        return Answer(question=question, text=render(prompts, "abstain"), abstained=True)
    statement = f"{closest.text} [{book.cite_sentence(closest)}]"
    if after is not None:
        statement += f" {after.text} [{book.cite_sentence(after)}]"
    text = render(prompts, "closest", statement=statement)
    return Answer(question=question, text=text, citations=book.citations, abstained=True)


def unmentioned(question: str, names: Sequence[str], closest: Sentence | None, index: Index, prompts: Path) -> Answer:
    """Say that the documents never mention the question's `names` ("Washington"), and show what they
    do say on the subject, cited, when one passage is clearly related: the user can ask again in the
    documents' own words ("the US")."""
    book = CitationBook(index)
    shown = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]
    text = render(prompts, "unmentioned", names=shown)
    if closest is not None:
        text += "\n\n" + render(prompts, "related", statement=f"{closest.text} [{book.cite_sentence(closest)}]")
    return Answer(question=question, text=text, citations=book.citations, abstained=True)


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
        conflicts = _calculation_conflicts(outcome.rivals, index, book)
        text = render(prompts, "declined", message=outcome.message, inputs=inputs)
        return Answer(question=question, text=text, citations=book.citations, abstained=True,
                      asks_back=outcome.asks, conflicts=conflicts)  # fmt: skip
    conflicts = _calculation_conflicts(outcome.rivals, index, book)
    markers = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    headline = f"{outcome.headline.rstrip('.')} {markers}.".replace(" .", ".") if markers else outcome.headline
    stated = _stated(outcome)
    # a look-up of one stated value is an answer with its citation, not a calculation of itself
    working = "" if stated else outcome.expression
    text = headline if stated else render(prompts, "calculation", headline=headline, expression=working, inputs=inputs)
    text += "".join("\n\n" + disagreement_line(prompts, c) for c in conflicts)
    calculation = Calculation(
        expression=working,
        result=outcome.result,
        inputs=[
            CalcInput(fact_id=u.fact.id, label=u.label, value=u.value, citation=n)
            for u, n in zip(outcome.uses, numbers, strict=True)
        ],
    )
    return Answer(question=question, text=text, citations=book.citations, calculation=calculation, conflicts=conflicts)


def _stated(outcome: Computed) -> bool:
    """A look-up: each step only restates an input ("the amount: $640 million", "$2 billion = $2 billion").

    Each source's steps count alike when the sources disagree ("by doc: the amount: $2 billion; by ...").
    """
    lookups = {f"{u.label}: {u.value}" for u in outcome.uses}
    steps = [_BY_SOURCE.sub("", step) for step in outcome.expression.split("; ")]
    return all(step in lookups or _RESTATED.fullmatch(step) for step in steps)


def _calculation_conflicts(rivals: Sequence[FactUse], index: Index, book: CitationBook) -> list[Conflict]:
    """The calculator's disputed inputs as conflicts, each value the exact words of its cited sentence."""
    claims: list[disputes.Claim] = []
    kind: disputes.Kind = "money"
    for use in rivals:
        at = index.layout.at.get((use.fact.doc, use.fact.start)) if use.fact.start is not None else None
        sentence = index.data.sentences[at] if at is not None else None
        kind = "date" if use.fact.kind == "event" else "money" if use.fact.kind == "money" else "count"
        found = (
            [c for c in disputes.claims(sentence, kind) if c.value in use.value or use.value in c.value]
            if sentence
            else []
        )
        claims += found[:1]
    if len({c.value for c in claims}) < 2:
        return []
    kept, more = disputes.shown(claims)  # cited only when shown
    values = [_cite_claim(c, book) for c in kept]
    return [Conflict(kind=kind, thing=f"{disputes.NOUNS[kind]}: {rivals[0].label}", values=values, more=more)]
