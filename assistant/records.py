"""Typed records that the pipeline stages hand each other.

corpus -> Document, Fact; index -> Sentence, Chunk; retrieval -> Hit;
calculator -> Calculation; answer -> Citation, Answer.
"""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Immutable record; unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(Record):
    """Where a stretch of a document's text comes from in its file: "p. 3" (PDF), "¶ 4, under …" (Word)."""

    start: int
    end: int
    label: str


class TableCell(Record):
    """One cell of a table in a document: `document.text[start:end] == value`, on the row line row_start..row_end.

    `row` is the row's label (its first cell or row header), `column` its column header, a header
    of several rows joined ("Allocation (2026)"); `table` counts the document's tables from 1.
    """

    table: int
    row: str
    column: str
    value: str
    start: int
    end: int
    row_start: int
    row_end: int
    page: int | None = None


class Document(Record):
    """One source document: its text as read (plain text) or as extracted once (PDF, Word).

    Citations slice `text`; `locations` map offsets back to pages or paragraphs of the file.
    """

    doc_id: str
    path: str
    title: str
    text: str
    sha256: str
    byline: str | None = None
    event_date: dt.date | None = None
    url: str | None = None
    format: str = "txt"
    pages: int | None = None
    locations: tuple[Location, ...] = ()
    cells: tuple[TableCell, ...] = ()  # the cells of its tables (assistant/ingest/tables.py)

    def location_of(self, start: int) -> str | None:
        """The page or paragraph label of the text at offset `start`, if the file has them."""
        found = bisect.bisect_right([loc.start for loc in self.locations], start) - 1
        return self.locations[found].label if found >= 0 else None


class Skipped(Record):
    """A corpus file left out of the index, with what is wrong and what to do."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}{f':{self.line}' if self.line else ''}: {self.reason}"


class Span(Record):
    """A slice of a document: `document.text[start:end] == text`."""

    doc_id: str
    start: int
    end: int
    text: str


class Mention(Record):
    """A named entity or noun phrase that spaCy found in a sentence: `document.text[start:end] == text`."""

    label: str  # spaCy entity label (PERSON, ORG, GPE, DATE, MONEY, ...) or "NP" for a noun chunk
    start: int
    end: int
    text: str
    head: str = ""  # lower-cased head word of a noun chunk ("countries" in "three countries")


class Sentence(Span):
    """One sentence (or heading / list item) of a document, with the mentions found in it at ingestion."""

    paragraph: int = 0
    mentions: tuple[Mention, ...] = ()


class Chunk(Span):
    """A retrievable unit: consecutive sentences of a document, or a fact rendered as text."""

    chunk_id: str
    kind: Literal["text", "fact"] = "text"
    fact_id: str | None = None
    sentence_ids: tuple[int, ...] = ()  # positions in the index's global sentence list
    search_text: str = ""  # what is embedded and BM25-indexed when it differs from `text`

    @property
    def indexed_text(self) -> str:
        return self.search_text or self.text


# --- facts ----------------------------------------------------------------------------


class FactBase(Record):
    """Common fields: where the fact comes from and the exact words that state it."""

    id: str
    doc: str
    quote: str
    origin: Literal["curated", "extracted"] = "curated"
    start: int | None = None  # resolved at ingestion: document.text[start:end] == quote
    end: int | None = None


class EventFact(FactBase):
    kind: Literal["event"] = "event"
    name: str
    date: dt.date
    location: str | None = None
    host: str | None = None


class DateFact(FactBase):
    """An explicit calendar date stated in a document, with the words around it."""

    kind: Literal["date"] = "date"
    date: dt.date
    label: str = ""


class CommitmentFact(FactBase):
    """A promised agreement: parties, instrument, scope, due N days after an anchor date."""

    kind: Literal["commitment"] = "commitment"
    parties: list[str]
    instrument: str
    scope: str | None = None
    due_days: int | None = Field(default=None, ge=0)
    after: str | None = None  # id of an event fact, resolved into anchor_date at ingestion
    anchor_date: dt.date | None = None


class MoneyFact(FactBase):
    kind: Literal["money"] = "money"
    amount: Decimal
    currency: str = "USD"
    contributor: str | None = None
    purpose: str | None = None


class ShareFact(FactBase):
    """A share or range of shares in percent (80-90% -> low=80, high=90)."""

    kind: Literal["share"] = "share"
    low: Decimal
    high: Decimal
    holder: str | None = None
    of: str | None = None


class CountFact(FactBase):
    kind: Literal["count"] = "count"
    value: int
    unit: str
    context: str | None = None


class GrowthFact(FactBase):
    """A relative increase in percent ("increase by as much as 400%")."""

    kind: Literal["growth"] = "growth"
    percent: Decimal
    bound: Literal["exact", "up to", "at least"] = "exact"
    subject: str | None = None


Fact = Annotated[
    EventFact | DateFact | CommitmentFact | MoneyFact | ShareFact | CountFact | GrowthFact,
    Field(discriminator="kind"),
]
FACT_KINDS = ("event", "date", "commitment", "money", "share", "count", "growth")


# --- retrieval and answers -------------------------------------------------------------


class Hit(Record):
    """A retrieved chunk with the scores that ranked it."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None
    rank: int = 0


class Citation(Record):
    """A numbered citation; `document.text[start:end] == quote` always holds."""

    n: int
    doc_id: str
    title: str
    quote: str
    start: int
    end: int
    location: str | None = None  # page ("p. 3") or paragraph of the quote in its file, when known


class CalcInput(Record):
    """One input of a calculation: the fact it came from and the citation number of its quote."""

    fact_id: str
    label: str
    value: str
    citation: int


class Calculation(Record):
    expression: str  # "" for a look-up of one stated value: no working to show
    result: str
    inputs: list[CalcInput]


class ConflictValue(Record):
    """One source's value for a disputed thing: `document.text[start:end] == value`, inside citation `citation`."""

    value: str
    citation: int
    doc_id: str
    title: str
    start: int
    end: int


class Conflict(Record):
    """Sources that give different values for the same thing (an amount, a date, a count, an actor).

    `values` are the ones shown and cited (at most `answer.conflicts.MAX_SHOWN_VALUES`); `more`
    counts the values left out.
    """

    kind: Literal["money", "date", "count", "actor"]
    thing: str
    values: list[ConflictValue]
    more: int = 0


class Answer(Record):
    """What `Assistant.ask` returns: markdown text with [n] markers and the citations they map to.

    `conflicts` lists the things the cited sources disagree on, each value with its citation.
    """

    question: str
    text: str
    citations: list[Citation] = []
    abstained: bool = False
    asks_back: bool = False  # (with `abstained`) not a decline: several fit, and the answer asks which one is meant
    calculation: Calculation | None = None
    resolved_question: str | None = None
    as_of: dt.date | None = None
    conflicts: list[Conflict] = []


# --- calculator output (before citation numbers are assigned) ----------------------------


class FactUse(Record):
    """A fact used as a calculation input, with a human label and its value as displayed."""

    fact: Fact
    label: str
    value: str


class Computed(Record):
    """A calculator result: a one-sentence headline, the working and the facts it used.

    Every number or date in `headline` and `expression` is either `result` or the `value` of
    one of `uses`, so each can be traced to a cited quote.
    """

    headline: str
    expression: str
    result: str
    uses: list[FactUse]
    rivals: list[FactUse] = []  # inputs the sources disagree on: each source's value, computed separately


class Declined(Record):
    """The calculator understood the question but cannot answer it from the sources."""

    message: str
    asks: bool = False  # the message asks which one is meant: several facts fit
    uses: list[FactUse] = []
    rivals: list[FactUse] = []  # inputs the sources disagree on, when the message asks which source to use
