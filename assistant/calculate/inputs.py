"""The calculator's inputs: the facts a Query means, each as a FactUse (label + displayed value).

Each chooser returns what it found or a Declined saying why the facts do not fit the question
(no such name, none, several where one is needed, mixed currencies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.cache import of_facts
from assistant.calculate import phrasing
from assistant.calculate.arithmetic import (
    due_date,
    format_date,
    format_days,
    format_money,
    format_range,
    partners_by_instrument,
)
from assistant.calculate.understanding import Query, describe, partners, select
from assistant.records import CommitmentFact, Declined, EventFact, Fact, FactUse, MoneyFact, ShareFact

# A question back names at most this many of the facts that fit; a library may hold thousands.
MAX_LISTED = 25
NOUNS = {"commitment": "deadline", "money": "amount", "event": "event", "share": "share",
         "count": "count", "growth": "growth figure"}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """A dated thing: a deadline (anchor + N days) or an event, with how its date was found."""

    name: str
    day: dt.date
    uses: tuple[FactUse, ...]
    working: str = ""
    is_deadline: bool = True

    def verb(self, today: dt.date) -> str:
        ahead = self.day >= today
        if self.is_deadline:
            return "is due by" if ahead else "was due by"
        return "takes place on" if ahead else "took place on"


def deadline(c: CommitmentFact, facts: Sequence[Fact]) -> Target:
    """A commitment's due date: its start (or its anchor event's date) plus its days."""
    event = _events_by_id(facts).get(c.after) if c.after is not None else None
    anchor_date = c.anchor_date or (event.date if event else None)
    if anchor_date is None or c.due_days is None:
        raise ValueError(f"the sources give no due date for {describe(c, facts)}")
    start = format_date(anchor_date)
    anchor = FactUse(fact=event, label=f"{event.name} date", value=start) if event else FactUse(
        fact=c, label="start date", value=start)  # fmt: skip
    within = FactUse(fact=c, label=f"{c.instrument} due within", value=format_days(c.due_days))
    due = due_date(anchor_date, c.due_days)
    working = f"{start} + {within.value} = {format_date(due)}"
    return Target(describe(c, facts), due, (anchor, within), working)


@of_facts
def _events_by_id(facts: Sequence[Fact]) -> dict[str, EventFact]:
    """Id -> the first event fact with that id (a listing of deadlines looks each anchor up)."""
    found: dict[str, EventFact] = {}
    for f in facts:
        if isinstance(f, EventFact):
            found.setdefault(f.id, f)
    return found


def event(e: EventFact) -> Target:
    """An event on its date."""
    use = FactUse(fact=e, label=f"{e.name} date", value=format_date(e.date))
    return Target(f"the {e.name}", e.date, (use,), is_deadline=False)


def amount(m: MoneyFact, facts: Sequence[Fact]) -> FactUse:
    """An amount labelled by who provides it: "$10 billion" from "the Development Bank ..."."""
    # a validated fact and two strings: nothing to validate (a listing may label thousands of amounts)
    return FactUse.model_construct(fact=m, label=describe(m, facts), value=format_money(m.amount, m.currency))


def listing_of(found: Sequence[Fact], facts: Sequence[Fact]) -> tuple[str, list[FactUse]]:
    """'x (detail); y (detail)' for an ambiguity message, with the uses behind the details."""
    parts: list[str] = []
    uses: list[FactUse] = []
    for f in found[:MAX_LISTED]:
        if isinstance(f, CommitmentFact) and f.due_days is not None:
            t = deadline(f, facts)
            parts.append(f"{t.name} (within {t.uses[1].value} of {t.uses[0].value})")
            uses += t.uses
        elif isinstance(f, MoneyFact):
            use = amount(f, facts)
            parts.append(f"{use.value} from {use.label}")
            uses.append(use)
        elif isinstance(f, EventFact):
            parts.append(describe(f, facts))
            uses += event(f).uses
        else:
            parts.append(describe(f, facts))
    if len(found) > MAX_LISTED:
        parts.append(f"and {len(found) - MAX_LISTED} more")
    return "; ".join(parts), uses


def nothing_for(noun: str, query: Query) -> Declined:
    """The query names someone the facts do not know."""
    return Declined(message=phrasing.nothing_for(noun, query.unknown))


def pick(query: Query, facts: Sequence[Fact], kind: str) -> Fact | Declined:
    """The one fact of `kind` the query means, or why there is not exactly one."""
    noun = NOUNS[kind]
    if query.unknown:
        return nothing_for(noun, query)
    found = select(query, facts, kind)
    if not found:
        return Declined(message=phrasing.no_match(noun))
    if len(found) > 1:
        listing, uses = listing_of(found, facts)
        return Declined(message=phrasing.which_one(len(found), noun, listing), asks=True, uses=uses)
    return found[0]


def target(query: Query, facts: Sequence[Fact]) -> Target | Declined:
    """The one deadline (or, if only an event is named, the event) the query is about."""
    kind = "event" if query.events and not query.entities("commitment") else "commitment"
    fact = pick(query, facts, kind)
    if isinstance(fact, Declined):
        return fact
    return event(fact) if isinstance(fact, EventFact) else deadline(fact, facts)  # type: ignore[arg-type]


def dates(query: Query, facts: Sequence[Fact]) -> list[Target]:
    """The dates a 'how many days between' question is about."""
    events = select(query, facts, "event") if query.events else []
    named = bool(query.entities("commitment")) or not events
    deals = select(query, facts, "commitment") if named else []
    targets = [event(e) for e in events] + [deadline(c, facts) for c in deals]  # type: ignore[arg-type]
    if len(targets) == 1 and targets[0].is_deadline:
        anchor = targets[0].uses[0]
        start = targets[0].day - dt.timedelta(days=deals[0].due_days or 0)  # type: ignore[union-attr]
        targets.insert(0, Target(anchor.label, start, (anchor,), is_deadline=False))
    return targets


def amounts(query: Query, facts: Sequence[Fact], least: int) -> list[MoneyFact] | Declined:
    """The amounts the query is about (at least `least`), all in one currency."""
    if query.unknown:
        return nothing_for("amount", query)
    found = [f for f in select(query, facts, "money") if isinstance(f, MoneyFact)]
    if len(found) < least:
        return Declined(message=phrasing.too_few_amounts(least, len(found)))
    if len({f.currency for f in found}) > 1:
        return Declined(message=phrasing.mixed_currencies("combine"))
    return found


def purpose(found: Sequence[MoneyFact]) -> str | None:
    """The one purpose all the amounts are for, if they share one."""
    purposes = {m.purpose for m in found}
    return purposes.pop() if len(purposes) == 1 else None


def pair(query: Query, facts: Sequence[Fact]) -> tuple[MoneyFact, MoneyFact] | Declined:
    """Exactly two amounts to compare, the larger first."""
    found = amounts(query, facts, 2)
    if isinstance(found, Declined):
        return found
    if len(found) > 2:
        listing, uses = listing_of(found, facts)
        return Declined(message=phrasing.which_two_amounts(listing), asks=True, uses=uses)
    big, small = sorted(found, key=lambda m: m.amount, reverse=True)
    return big, small


def share(query: Query, facts: Sequence[Fact]) -> tuple[ShareFact, FactUse] | Declined:
    """The one share the query is about, with its range as shown."""
    fact = pick(query, facts, "share")
    if isinstance(fact, Declined):
        return fact
    assert isinstance(fact, ShareFact)
    label = f"{fact.holder or 'share'} share of {fact.of or 'the total'}"
    return fact, FactUse(fact=fact, label=label, value=format_range(fact.low, fact.high))


def agreements(query: Query, facts: Sequence[Fact]) -> list[CommitmentFact]:
    """The commitments the query names, or all of them when it names none."""
    named = select(query, facts, "commitment") if query.entities("commitment") else facts
    return [f for f in named if isinstance(f, CommitmentFact)]


def partner_lists(query: Query, facts: Sequence[Fact]) -> tuple[dict[str, list[str]], list[FactUse]]:
    """Instrument -> partners of the agreements the query is about, with one use per agreement."""
    deals = agreements(query, facts)
    uses = [FactUse(fact=c, label=c.instrument, value=", ".join(partners(c, facts))) for c in deals]
    exclude = {p for c in deals for p in c.parties if p not in partners(c, facts)}
    return partners_by_instrument(deals, exclude), uses
