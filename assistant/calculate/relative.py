"""A deadline that the answering sentence counts from a named event, worked out as a date.

"The panel must publish its findings within 6 weeks of the summit" answers "By what date must the
panel publish?" only with arithmetic: the event's date (a cited fact of the corpus)
plus the sentence's days. The sentence is the one retrieval chose; nothing here picks it.

What the deadline counts from is an event fact its words name ("the summit"), else a date its own
document states in a sentence with the verb of its noun: "within 90 days of the launch" counts from
"The fund was launched on 2 March 2026". Either way the start must be one date, or there is no answer.

"How many days until ...?" with no fact the calculator can name is counted to the one date that
sentence gives, stated ("by 30 September 2026") or counted as above (`passage_countdown`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from assistant.calculate import phrasing
from assistant.calculate.arithmetic import countdown, due_date, format_date, format_days
from assistant.calculate.understanding import describe
from assistant.ingest.extraction import RelativeDeadline, dates_in, relative_deadline
from assistant.ingest.lexicon import stems
from assistant.records import CommitmentFact, Computed, DateFact, EventFact, Fact, FactUse, Sentence


def counted_deadline(sentence: Sentence, facts: Sequence[Fact], today: dt.date) -> Computed | None:
    """The due date of a deadline `sentence` counts from an event or a dated act, or None when the
    sentence has none, or when the starts its words could name do not agree on one date."""
    counted = _counted(sentence, facts, today)
    return counted[1] if counted is not None else None


def _counted(sentence: Sentence, facts: Sequence[Fact], today: dt.date) -> tuple[dt.date, Computed] | None:
    found = relative_deadline(sentence.text)
    if found is None:
        return None
    origin = _event(found, sentence, facts) or _dated(found, sentence, facts)
    if origin is None:
        return None
    event, name = origin
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
        FactUse(fact=event, label=f"{name} date", value=start),
        FactUse(fact=within, label="due within", value=days),
    ]
    said = describe(event, facts) if isinstance(event, EventFact) else f"the {name}"
    headline = phrasing.counted_from(due, day < today, days, said)
    return day, Computed(headline=headline, expression=f"{start} + {days} = {due}", result=due, uses=uses)


def _names(found: RelativeDeadline, event: EventFact) -> bool:
    """The deadline's words name the event: its head noun ("the summit"), or only words of its name."""
    words = event.name.lower().split()
    return words[-1] in found.anchor or set(found.anchor) <= set(words)


# A day count from today: "until", "left", "since", "ago" ...
_FROM_NOW = re.compile(
    r"\b(?:until|till|left|remain\w*|since|ago|away|to go|elapsed|from now|from today)\b", re.IGNORECASE
)
# Words of a day-count question that ask for the count, not for what is counted to.
_COUNTING = frozenset(
    stems(
        "how many much days weeks long time until till since ago left remain remaining due deadline dead line "
        "passed pass expired over still today now date come happen happened"
    )
)


def passage_countdown(
    question: str, sentence: Sentence, facts: Sequence[Fact], today: dt.date, passed: bool
) -> Computed | None:
    """Days from today to the one date `sentence` gives (or, with `passed`, whether it has passed): a
    deadline it counts, else a date it states. None when it gives none or several, or when a word the
    question counts to is not among the words that go with the date ("until the shortlist": "will
    publish a shortlist by 30 September 2026"; a counted deadline's words leave out what it counts
    from, so "since the launch" is not "within 90 days of the launch")."""
    if not (passed or _FROM_NOW.search(question)):
        return None  # "How many weeks does the panel have to publish?" asks for the span the sentence states
    counted = _counted(sentence, facts, today)
    found = relative_deadline(sentence.text)
    said_of = sentence.text if found is None else sentence.text[: found.start] + sentence.text[found.end :]
    if not _counts_to(question, said_of):
        return None
    if counted is not None:
        day, computed = counted
        uses, steps = list(computed.uses), [computed.expression]
        said = phrasing.the_deadline(computed.result, day < today)
    else:
        stated = [f for f in facts if isinstance(f, DateFact) and _inside(f, sentence)]
        chosen = stated if len({f.date for f in stated}) == 1 else _nearest(question, sentence, stated)
        if not chosen:
            return None
        day, steps = chosen[0].date, []
        uses = [FactUse(fact=chosen[0], label="date stated", value=format_date(day))]
        said = f"The passage gives {format_date(day)}"
    cd, now = countdown(day, today), format_date(today)
    if cd.days >= 0:
        steps.append(f"{format_date(day)} − {now} (today) = {format_days(cd.days)}")
    else:
        steps.append(f"{now} (today) − {format_date(day)} = {format_days(-cd.days)}")
    headline = phrasing.passage_countdown(said, now, cd.days)
    result = format_days(cd.days) if cd.days >= 0 else f"{format_days(-cd.days)} ago"
    if passed:
        headline, result = f"{'Yes' if cd.passed else 'No'}. {headline}", "Yes" if cd.passed else "No"
    return Computed(headline=headline, expression="; ".join(steps), result=result, uses=uses)


def _nearest(question: str, sentence: Sentence, stated: list[DateFact]) -> list[DateFact]:
    """Of several dates in the sentence, the one written nearest a word the question counts to
    ("since the review was commissioned": "commissioned … on 4 November 2025", not the date it reported);
    none on a tie."""
    asked = [w for w in stems(question) if w not in _COUNTING]
    words = [(m.start(), m.end()) for m in re.finditer(r"[\w’'-]+", sentence.text)
             if any(_kin(w, s) for w in asked for s in stems(m.group()))]  # fmt: skip
    gaps = sorted(
        (min(max(start - hi, lo - end, 0) for lo, hi in words), date)
        for start, end, date in dates_in(sentence.text)
        if words
    )
    if not gaps or (len(gaps) > 1 and gaps[0][0] == gaps[1][0] and gaps[0][1] != gaps[1][1]):
        return []
    return [f for f in stated if f.date == gaps[0][1]]


def _counts_to(question: str, text: str) -> bool:
    """Every word the question counts to is a word of `text`, or of its family."""
    asked = [w for w in stems(question) if w not in _COUNTING]
    said = stems(text)
    return bool(asked) and all(any(_kin(w, s) for s in said) for w in asked)


def _inside(fact: Fact, sentence: Sentence) -> bool:
    return (
        fact.doc == sentence.doc_id
        and fact.start is not None
        and fact.end is not None
        and sentence.start <= fact.start
        and fact.end <= sentence.end
    )


def _event(found: RelativeDeadline, sentence: Sentence, facts: Sequence[Fact]) -> tuple[EventFact, str] | None:
    """The one event the deadline's words name (the sentence's own document first), with its name."""
    named = [f for f in facts if isinstance(f, EventFact) and _names(found, f)]
    events = [e for e in named if e.doc == sentence.doc_id] or named
    if not events or len({e.date for e in events}) != 1:
        return None
    return events[0], events[0].name


def _dated(found: RelativeDeadline, sentence: Sentence, facts: Sequence[Fact]) -> tuple[DateFact, str] | None:
    """The one date the sentence's document states beside the verb of the deadline's noun ("the launch":
    "was launched on 2 March 2026"), with the noun. A sentence that itself counts a deadline is no start."""
    noun = found.anchor[-1]
    head = stems(noun)
    if not head:
        return None
    dated = [
        f
        for f in facts
        if isinstance(f, DateFact)
        and f.doc == sentence.doc_id
        and any(_kin(head[0], word) for word in stems(f.quote))
        and relative_deadline(f.quote) is None
    ]
    if not dated or len({f.date for f in dated}) != 1:
        return None
    return dated[0], " ".join(found.anchor)


def _kin(stem: str, other: str) -> bool:
    """The same stem, or words of one family by a shared start of five letters ("publication", "published")."""
    return stem == other or (len(stem) >= 5 and len(other) >= 5 and stem[:5] == other[:5])
