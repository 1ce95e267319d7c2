"""A deadline that the answering sentence counts from a named event, worked out as a date.

"The panel must publish its findings within 6 weeks of the summit" answers "By what date must the
panel publish?" only with arithmetic: the event's date (a cited fact of the corpus)
plus the sentence's days. The sentence is the one retrieval chose; nothing here picks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from assistant.calculate import phrasing
from assistant.calculate.arithmetic import due_date, format_date, format_days
from assistant.calculate.understanding import describe
from assistant.ingest.extraction import RelativeDeadline, relative_deadline
from assistant.records import CommitmentFact, Computed, EventFact, Fact, FactUse, Sentence


def counted_deadline(sentence: Sentence, facts: Sequence[Fact], today: dt.date) -> Computed | None:
    """The due date of a deadline `sentence` counts from an event, or None when the sentence has
    none, or when the events its words could name do not agree on one date."""
    found = relative_deadline(sentence.text)
    if found is None:
        return None
    named = [f for f in facts if isinstance(f, EventFact) and _names(found, f)]
    events = [e for e in named if e.doc == sentence.doc_id] or named  # the sentence's own document first
    if not events or len({e.date for e in events}) != 1:
        return None
    event = events[0]
    within = CommitmentFact(
        id=f"{sentence.doc_id}:deadline:{sentence.start + found.start}",
        doc=sentence.doc_id,
        quote=sentence.text,
        origin="extracted",
        start=sentence.start,
        end=sentence.end,
        parties=[],
        instrument="deadline",
        due_days=found.days,
        after=event.id,
        anchor_date=event.date,
    )
    try:
        day = due_date(event.date, found.days)
    except ValueError:  # past the calendar ("within 10**9 days"): no date to count to, and no traceback
        return None
    start, days, due = format_date(event.date), format_days(found.days), format_date(day)
    uses = [
        FactUse(fact=event, label=f"{event.name} date", value=start),
        FactUse(fact=within, label="due within", value=days),
    ]
    headline = phrasing.counted_from(due, day < today, days, describe(event, facts))
    return Computed(headline=headline, expression=f"{start} + {days} = {due}", result=due, uses=uses)


def _names(found: RelativeDeadline, event: EventFact) -> bool:
    """The deadline's words name the event: its head noun ("the summit"), or only words of its name."""
    words = event.name.lower().split()
    return words[-1] in found.anchor or set(found.anchor) <= set(words)
