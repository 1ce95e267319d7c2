"""Rule-based calculator over structured facts: dates, deadlines, money, shares and counts.

The operations and formatters at the top are pure (Decimal money, datetime.date dates).
`calculate` applies them to the facts a Query names and returns a Computed result whose every
number or date is the result, a shown step or an input's displayed value, or a Declined message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from assistant.records import (
    CommitmentFact,
    Computed,
    Declined,
    EventFact,
    Fact,
    FactUse,
    GrowthFact,
    MoneyFact,
    ShareFact,
)
from assistant.understanding import Query, describe, join, partners, select, the

T = TypeVar("T")
HUNDRED = Decimal(100)
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"),
          (Decimal(10) ** 6, "million"))  # fmt: skip

# --- formatting -----------------------------------------------------------------------------


def format_date(day: dt.date) -> str:
    """'March 6, 2026' (never 3/6/26)."""
    return f"{day:%B} {day.day}, {day.year}"


def _plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 12, 2.5, 16.7."""
    return format(number.normalize(), "f")


def format_money(amount: Decimal, currency: str = "USD") -> str:
    """'$12 billion', '$2.5 billion', '$300 million', '$1,234', '$1,234.50'; exact, no float."""
    sign, size = ("-" if amount < 0 else ""), abs(amount)
    unit = SYMBOLS.get(currency, f"{currency} ")
    for scale, word in SCALES:
        scaled = size / scale
        if size >= scale and scaled == scaled.quantize(Decimal("0.01")):
            return f"{sign}{unit}{_plain(scaled)} {word}"
    digits = f"{size:,.0f}" if size == size.to_integral_value() else f"{size:,.2f}"
    return f"{sign}{unit}{digits}"


def format_percent(value: Decimal) -> str:
    """'16.7%', '80%'."""
    return f"{_plain(value)}%"


def format_range(low: Decimal, high: Decimal) -> str:
    """'80–90%', or '80%' when both ends are equal."""
    return format_percent(low) if low == high else f"{_plain(low)}–{_plain(high)}%"


def format_days(days: int) -> str:
    return f"{days} day" if abs(days) == 1 else f"{days} days"


# --- operations ------------------------------------------------------------------------------


def due_date(anchor: dt.date, days: int) -> dt.date:
    """The day `days` days after `anchor`."""
    if days < 0:
        raise ValueError(f"a deadline needs zero or more days, got {days}")
    return anchor + dt.timedelta(days=days)


def days_between(start: dt.date, end: dt.date) -> int:
    """Whole days from `start` to `end` (negative when `end` is earlier)."""
    return (end - start).days


@dataclass(frozen=True)
class Countdown:
    """Days from today to a date; a deadline that falls today is due today, not passed."""

    days: int  # > 0 still ahead, 0 today, < 0 passed that many days ago

    @property
    def passed(self) -> bool:
        return self.days < 0


def countdown(day: dt.date, today: dt.date) -> Countdown:
    return Countdown(days_between(today, day))


def earliest(dated: Sequence[tuple[T, dt.date]]) -> list[T]:
    """The items with the earliest date (several if they tie)."""
    if not dated:
        raise ValueError("no deadlines to compare")
    first = min(day for _, day in dated)
    return [item for item, day in dated if day == first]


def money_sum(amounts: Sequence[Decimal]) -> Decimal:
    if not amounts:
        raise ValueError("no amounts to add")
    return sum(amounts, Decimal(0))


def money_difference(a: Decimal, b: Decimal) -> Decimal:
    """How much larger the larger amount is."""
    return abs(a - b)


def ratio(a: Decimal, b: Decimal) -> Decimal:
    """a / b to one decimal place ('5 times')."""
    if b == 0:
        raise ValueError("cannot divide by a zero amount")
    return (a / b).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_share(part: Decimal, whole: Decimal) -> Decimal:
    """part as a percentage of whole, to one decimal place (2 of 12 -> 16.7)."""
    if whole <= 0:
        raise ValueError("the whole must be a positive amount")
    if not 0 <= part <= whole:
        raise ValueError(f"a part ({part}) must lie between 0 and the whole ({whole})")
    return (part / whole * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def complement(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    """100% minus a share range: 80–90% -> (10, 20)."""
    if not 0 <= low <= high <= HUNDRED:
        raise ValueError(f"a share range needs 0 <= low <= high <= 100, got {low}–{high}")
    return HUNDRED - high, HUNDRED - low


def growth_multiplier(percent: Decimal) -> Decimal:
    """An increase of `percent` as a multiple of the starting level: 400% -> 5."""
    if percent < -HUNDRED:
        raise ValueError(f"a decrease cannot exceed 100%, got {percent}%")
    return (HUNDRED + percent) / HUNDRED


def partners_by_instrument(
    commitments: Sequence[CommitmentFact], exclude: set[str]
) -> dict[str, list[str]]:
    """Instrument -> the parties it is with, in order, without the excluded ones."""
    out: dict[str, list[str]] = {}
    for c in commitments:
        names = out.setdefault(c.instrument, [])
        names += [p for p in c.parties if p not in exclude and p not in names]
    return out


# --- answering a Query from facts ------------------------------------------------------------

Handler = Callable[[Query, Sequence[Fact], dt.date], "Computed | Declined"]
NOUNS = {"commitment": "deadline", "money": "amount", "event": "event", "share": "share",
         "count": "count", "growth": "growth figure"}  # fmt: skip


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _dedupe(uses: Sequence[FactUse]) -> list[FactUse]:
    seen: dict[tuple[str, str, str], FactUse] = {}
    for use in uses:
        seen.setdefault((use.fact.id, use.label, use.value), use)
    return list(seen.values())


def _computed(
    headline: str, steps: Sequence[str], result: str, uses: Sequence[FactUse]
) -> Computed:
    expression = "; ".join(s for s in steps if s)
    return Computed(headline=headline, expression=expression, result=result, uses=_dedupe(uses))


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


def _deadline(c: CommitmentFact, facts: Sequence[Fact]) -> Target:
    event = next((f for f in facts if f.id == c.after and isinstance(f, EventFact)), None)
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


def _event(e: EventFact) -> Target:
    use = FactUse(fact=e, label=f"{e.name} date", value=format_date(e.date))
    return Target(f"the {e.name}", e.date, (use,), is_deadline=False)


def _listing(found: Sequence[Fact], facts: Sequence[Fact]) -> tuple[str, list[FactUse]]:
    """'x (detail); y (detail)' for an ambiguity message, with the uses behind the details."""
    parts, uses = [], []
    for f in found:
        if isinstance(f, CommitmentFact) and f.due_days is not None:
            t = _deadline(f, facts)
            parts.append(f"{t.name} (within {t.uses[1].value} of {t.uses[0].value})")
            uses += t.uses
        elif isinstance(f, MoneyFact):
            use = _amount(f, facts)
            parts.append(f"{use.value} from {use.label}")
            uses.append(use)
        else:
            parts.append(describe(f, facts))
    return "; ".join(parts), uses


def _nothing_for(noun: str, query: Query) -> Declined:
    return Declined(message=f"There is no {noun} involving {join(query.unknown)} in the sources.")


def _pick(query: Query, facts: Sequence[Fact], kind: str) -> Fact | Declined:
    """The one fact of `kind` the query means, or why there is not exactly one."""
    noun = NOUNS[kind]
    if query.unknown:
        return _nothing_for(noun, query)
    found = select(query, facts, kind)
    if not found:
        return Declined(message=f"There is no {noun} matching that in the sources.")
    if len(found) > 1:
        listing, uses = _listing(found, facts)
        message = f"The sources give {len(found)} {noun}s: {listing}. Which one do you mean?"
        return Declined(message=message, uses=uses)
    return found[0]


def _target(query: Query, facts: Sequence[Fact]) -> Target | Declined:
    kind = "event" if query.events and not query.entities("commitment") else "commitment"
    fact = _pick(query, facts, kind)
    if isinstance(fact, Declined):
        return fact
    return _event(fact) if isinstance(fact, EventFact) else _deadline(fact, facts)  # type: ignore[arg-type]


def _countdown(t: Target, today: dt.date) -> tuple[str, str, str, Countdown]:
    """(headline, working, result, countdown) for how far a date is from today."""
    cd, day, now = countdown(t.day, today), format_date(t.day), format_date(today)
    if cd.days > 0:
        step = f"{day} − {now} (today) = {format_days(cd.days)}"
        return f"{cap(t.name)} {t.verb(today)} {day}, {format_days(cd.days)} from today ({now}).", \
            step, format_days(cd.days), cd  # fmt: skip
    if cd.days == 0:
        return f"{cap(t.name)} {t.verb(today)} today, {day}.", "", "0 days", cd
    ago = format_days(-cd.days)
    step = f"{now} (today) − {day} = {ago}"
    return f"{cap(t.name)} {t.verb(today)} {day}, {ago} ago (today is {now}).", step, \
        f"{ago} ago", cd  # fmt: skip


def _days_remaining(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    t = _target(query, facts)
    if isinstance(t, Declined):
        return t
    headline, step, result, _ = _countdown(t, today)
    return _computed(headline, [t.working, step], result, t.uses)


def _has_passed(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    t = _target(query, facts)
    if isinstance(t, Declined):
        return t
    headline, step, _, cd = _countdown(t, today)
    answer = "Yes" if cd.passed else "No"
    return _computed(f"{answer}. {headline}", [t.working, step], answer, t.uses)


def _due_date(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    t = _target(query, facts)
    if isinstance(t, Declined):
        return t
    headline = f"{cap(t.name)} {t.verb(today)} {format_date(t.day)}."
    return _computed(headline, [t.working], format_date(t.day), t.uses)


def _event_date(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    fact = _pick(query, facts, "event")
    if isinstance(fact, Declined):
        return fact
    t = _event(fact)  # type: ignore[arg-type]
    headline = f"{cap(t.name)} {t.verb(today)} {format_date(t.day)}."
    return _computed(headline, [f"{t.uses[0].label}: {t.uses[0].value}"], t.uses[0].value, t.uses)


def _dated(query: Query, facts: Sequence[Fact]) -> list[Target]:
    """The dates a 'how many days between' question is about."""
    events = select(query, facts, "event") if query.events else []
    named = bool(query.entities("commitment")) or not events
    deals = select(query, facts, "commitment") if named else []
    targets = [_event(e) for e in events] + [_deadline(c, facts) for c in deals]  # type: ignore[arg-type]
    if len(targets) == 1 and targets[0].is_deadline:
        anchor = targets[0].uses[0]
        start = targets[0].day - dt.timedelta(days=deals[0].due_days or 0)  # type: ignore[union-attr]
        targets.insert(0, Target(anchor.label, start, (anchor,), is_deadline=False))
    return targets


def _days_between(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    if query.unknown:
        return _nothing_for("date", query)
    targets = sorted(_dated(query, facts), key=lambda t: t.day)
    if len(targets) != 2:
        names = join([t.name for t in targets]) if targets else "none"
        return Declined(message=f"Which two dates do you mean? The question points at: {names}.")
    a, b = targets
    n = format_days(days_between(a.day, b.day))
    step = f"{format_date(b.day)} − {format_date(a.day)} = {n}"
    headline = f"{cap(b.name)} ({format_date(b.day)}) is {n} after {a.name} ({format_date(a.day)})."
    return _computed(headline, [a.working, b.working, step], n, [*a.uses, *b.uses])


def _first_deadline(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    named = select(query, facts, "commitment") if query.entities("commitment") else []
    deals = named if len(named) >= 2 else [f for f in facts if isinstance(f, CommitmentFact)]
    targets = [_deadline(c, facts) for c in deals]  # type: ignore[arg-type]
    if len(targets) < 2:
        return Declined(message="The sources give fewer than two deadlines to compare.")
    first = earliest([(t, t.day) for t in targets])
    others = [t for t in targets if t not in first]
    day, names = format_date(first[0].day), cap(join([t.name for t in first]))
    if others:
        later = join([f"{t.name} ({format_date(t.day)})" for t in others])
        headline = f"{names} comes first: due by {day}, before {later}."
    else:
        headline = f"{names} are all due by {day}."
    uses = [u for t in targets for u in t.uses]
    return _computed(headline, [t.working for t in targets], join([t.name for t in first]), uses)


def _amount(m: MoneyFact, facts: Sequence[Fact]) -> FactUse:
    return FactUse(fact=m, label=describe(m, facts), value=format_money(m.amount, m.currency))


def _money(query: Query, facts: Sequence[Fact], least: int) -> list[MoneyFact] | Declined:
    """The amounts the query is about (at least `least`), all in one currency."""
    if query.unknown:
        return _nothing_for("amount", query)
    found = [f for f in select(query, facts, "money") if isinstance(f, MoneyFact)]
    if len(found) < least:
        return Declined(message=f"That needs {least} amounts; the sources give {len(found)} here.")
    if len({f.currency for f in found}) > 1:
        return Declined(message="The amounts are in different currencies; I cannot combine them.")
    return found


def _purpose(amounts: Sequence[MoneyFact]) -> str | None:
    purposes = {m.purpose for m in amounts}
    return purposes.pop() if len(purposes) == 1 else None


def _money_amount(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    if query.parties and not query.contributors:  # "How much did Japan contribute?"
        names = join(list(query.parties))
        return Declined(message=f"The sources name no amount from {names}.")
    several = len(select(query, facts, "money")) > 1
    if several and query.purposes and not query.contributors:
        return _money_sum(query, facts, today)  # how much a named purpose has: all of it
    fact = _pick(query, facts, "money")
    if isinstance(fact, Declined):
        return fact
    use = _amount(fact, facts)  # type: ignore[arg-type]
    purpose = f" for {the(fact.purpose)}" if fact.purpose else ""  # type: ignore[union-attr]
    headline = f"{cap(use.label)} provides {use.value}{purpose}."
    return _computed(headline, [f"{use.label}: {use.value}"], use.value, [use])


def _money_sum(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    found = _money(query, facts, 1)
    if isinstance(found, Declined):
        return found
    uses = [_amount(m, facts) for m in found]
    total = format_money(money_sum([m.amount for m in found]), found[0].currency)
    purpose = _purpose(found)
    subject = f"the funding for {the(purpose)}" if purpose else "the amounts"
    parts = join([f"{u.value} from {u.label}" for u in uses])
    headline = f"{cap(subject)} comes to {total} in total: {parts}."
    return _computed(headline, [" + ".join(u.value for u in uses) + f" = {total}"], total, uses)


def _pair(query: Query, facts: Sequence[Fact]) -> tuple[MoneyFact, MoneyFact] | Declined:
    found = _money(query, facts, 2)
    if isinstance(found, Declined):
        return found
    if len(found) > 2:
        listing, uses = _listing(found, facts)
        return Declined(message=f"Which two amounts do you mean: {listing}?", uses=uses)
    big, small = sorted(found, key=lambda m: m.amount, reverse=True)
    return big, small


def _money_difference(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    pair = _pair(query, facts)
    if isinstance(pair, Declined):
        return pair
    big, small = (_amount(m, facts) for m in pair)
    diff = format_money(money_difference(pair[0].amount, pair[1].amount), pair[0].currency)
    headline = f"{cap(big.label)} provides {diff} more than {small.label}."
    return _computed(headline, [f"{big.value} − {small.value} = {diff}"], diff, [big, small])


def _money_ratio(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    pair = _pair(query, facts)
    if isinstance(pair, Declined):
        return pair
    big, small = (_amount(m, facts) for m in pair)
    times = _plain(ratio(pair[0].amount, pair[1].amount))
    headline = f"{cap(big.label)} provides {times} times as much as {small.label}."
    step = f"{big.value} ÷ {small.value} = {times}"
    return _computed(headline, [step], f"{times} times", [big, small])


def _money_share(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    part = _pick(query, facts, "money")
    if isinstance(part, Declined):
        return part
    assert isinstance(part, MoneyFact)
    whole = [f for f in facts if isinstance(f, MoneyFact) and f.purpose == part.purpose]
    if len({f.currency for f in whole}) > 1:
        return Declined(message="The amounts are in different currencies; I cannot compare them.")
    share = format_percent(percent_share(part.amount, money_sum([m.amount for m in whole])))
    uses = [_amount(m, facts) for m in whole]
    of = f"the funding for {the(part.purpose)}" if part.purpose else "the total"
    headline = f"{cap(describe(part, facts))} provides {share} of {of}."
    step = f"{_amount(part, facts).value} ÷ ({' + '.join(u.value for u in uses)}) = {share}"
    return _computed(headline, [step], share, uses)


def _share(query: Query, facts: Sequence[Fact]) -> tuple[ShareFact, FactUse] | Declined:
    fact = _pick(query, facts, "share")
    if isinstance(fact, Declined):
        return fact
    assert isinstance(fact, ShareFact)
    label = f"{fact.holder or 'share'} share of {fact.of or 'the total'}"
    return fact, FactUse(fact=fact, label=label, value=format_range(fact.low, fact.high))


def _share_value(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    found = _share(query, facts)
    if isinstance(found, Declined):
        return found
    fact, use = found
    holder = f"{fact.holder}'s share" if fact.holder else "The share"
    headline = f"{holder} of {fact.of or 'the total'} is {use.value}."
    return _computed(headline, [f"{use.label}: {use.value}"], use.value, [use])


def _share_complement(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    found = _share(query, facts)
    if isinstance(found, Declined):
        return found
    fact, use = found
    rest = format_range(*complement(fact.low, fact.high))
    holder = f" not held by {fact.holder}" if fact.holder else " left over"
    headline = f"The share of {fact.of or 'the total'}{holder} is {rest}."
    return _computed(headline, [f"100% − {use.value} = {rest}"], rest, [use])


def _growth_multiplier(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    fact = _pick(query, facts, "growth")
    if isinstance(fact, Declined):
        return fact
    assert isinstance(fact, GrowthFact)
    bound = "" if fact.bound == "exact" else f"{fact.bound} "
    use = FactUse(fact=fact, label=f"increase in {fact.subject or 'the figure'}",
                  value=f"{bound}{format_percent(fact.percent)}")  # fmt: skip
    times = _plain(growth_multiplier(fact.percent))
    step = f"100% + {format_percent(fact.percent)} = {format_percent(HUNDRED + fact.percent)}"
    subject = fact.subject or "the figure"
    headline = (
        f"An increase of {use.value} would put {subject} at {bound}{times} times its current level."
    )
    return _computed(headline, [step, f"{bound}{times} times"], f"{bound}{times} times", [use])


def _count(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    fact = _pick(query, facts, "count")
    if isinstance(fact, Declined):
        return fact
    value = f"{fact.value} {fact.unit}"  # type: ignore[union-attr]
    use = FactUse(fact=fact, label=fact.context or fact.unit, value=value)  # type: ignore[union-attr]
    context = fact.context or ""  # type: ignore[union-attr]
    if context.lower().startswith(fact.unit.lower()):  # type: ignore[union-attr]
        headline = f"The sources give {fact.value} {context}."  # type: ignore[union-attr]
    else:
        headline = f"The sources give {value}" + (f" ({context})." if context else ".")
    return _computed(headline, [f"{use.label}: {value}"], value, [use])


def _deals(query: Query, facts: Sequence[Fact]) -> list[CommitmentFact]:
    named = select(query, facts, "commitment") if query.entities("commitment") else facts
    return [f for f in named if isinstance(f, CommitmentFact)]


def _partners(query: Query, facts: Sequence[Fact]) -> tuple[dict[str, list[str]], list[FactUse]]:
    deals = _deals(query, facts)
    uses = [FactUse(fact=c, label=c.instrument, value=", ".join(partners(c, facts))) for c in deals]
    exclude = {p for c in deals for p in c.parties if p not in partners(c, facts)}
    return partners_by_instrument(deals, exclude), uses


def _partners_list(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    if query.unknown:
        return _nothing_for("agreement", query)
    by_instrument, uses = _partners(query, facts)
    if not by_instrument:
        return Declined(message="The sources describe no agreement like that.")
    everyone = [p for ps in by_instrument.values() for p in ps]
    parts = [f"{join([the(p) for p in ps])} ({i})" for i, ps in by_instrument.items()]
    if len(by_instrument) == 1:
        instrument, ps = next(iter(by_instrument.items()))
        headline = f"The {instrument} is to be signed with {join([the(p) for p in ps])}."
    else:
        headline = f"The commitments are with {join(parts)}."
    steps = [f"{i}: {', '.join(ps)}" for i, ps in by_instrument.items()]
    return _computed(headline, steps, ", ".join(everyone), uses)


def _partners_count(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    by_instrument, uses = _partners(query, facts)
    everyone = list(dict.fromkeys(p for ps in by_instrument.values() for p in ps))
    if not everyone:
        return Declined(message="The sources describe no agreement like that.")
    n = f"{len(everyone)} partner" + ("s" if len(everyone) != 1 else "")
    subject = f"The {next(iter(by_instrument))}" if len(by_instrument) == 1 else "The commitments"
    verb = "has" if len(by_instrument) == 1 else "have"
    headline = f"{subject} {verb} {n}: {join([the(p) for p in everyone])}."
    return _computed(headline, [f"{', '.join(everyone)} = {n}"], n, uses)


def _agreements_count(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    deals = _deals(query, facts)
    if not deals:
        return Declined(message="The sources describe no agreement like that.")
    n = f"{len(deals)} agreement" + ("s" if len(deals) != 1 else "")
    uses = [FactUse(fact=c, label="agreement", value=describe(c, facts)) for c in deals]
    headline = f"The sources describe {n}: {join([u.value for u in uses])}."
    return _computed(headline, [" + ".join(c.instrument for c in deals) + f" = {n}"], n, uses)


def _unsupported(query: Query, facts: Sequence[Fact], today: dt.date) -> Declined:
    what = the(query.missing) if query.missing and query.missing != "that figure" else "that"
    return Declined(message=f"The sources give no figure for {what}.")


HANDLERS: dict[str, Handler] = {
    "due_date": _due_date, "days_remaining": _days_remaining, "days_since": _days_remaining,
    "has_passed": _has_passed, "days_between": _days_between, "first_deadline": _first_deadline,
    "event_date": _event_date, "money_amount": _money_amount, "money_sum": _money_sum,
    "money_difference": _money_difference, "money_ratio": _money_ratio,
    "money_share": _money_share, "share_value": _share_value,
    "share_complement": _share_complement, "growth_multiplier": _growth_multiplier,
    "count": _count, "partners_list": _partners_list, "partners_count": _partners_count,
    "agreements_count": _agreements_count, "unsupported_figure": _unsupported,
}  # fmt: skip


def calculate(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined | None:
    """The calculation a query asks for; None when it is not a calculator question."""
    handler = HANDLERS.get(query.intent or "")
    if handler is None:
        return None
    try:
        return handler(query, facts, today)
    except ValueError as err:
        return Declined(message=f"I cannot calculate that: {err}.")
