"""Rule-based calculator: a Query and the facts it names -> a Computed result, a Declined message, or None.

The arithmetic lives in assistant.calculate.arithmetic, the choice of facts in assistant.calculate.inputs and the
sentences in assistant.calculate.phrasing. Every number or date a Computed result shows is the result, a
shown step or an input's displayed value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from assistant.calculate import inputs, phrasing, sources
from assistant.calculate.arithmetic import (
    HUNDRED,
    Countdown,
    complement,
    countdown,
    days_between,
    earliest,
    format_date,
    format_days,
    format_money,
    format_percent,
    format_range,
    growth_multiplier,
    money_difference,
    money_sum,
    percent_share,
    plain,
    ratio,
)
from assistant.calculate.understanding import Query, describe, join, select
from assistant.records import (
    CommitmentFact,
    Computed,
    Declined,
    Fact,
    FactUse,
    GrowthFact,
    MoneyFact,
)

Handler = Callable[[Query, Sequence[Fact], dt.date], "Computed | Declined"]


def _dedupe(uses: Sequence[FactUse]) -> list[FactUse]:
    seen: dict[tuple[str, str, str], FactUse] = {}
    for use in uses:
        seen.setdefault((use.fact.id, use.label, use.value), use)
    return list(seen.values())


def _computed(headline: str, steps: Sequence[str], result: str, uses: Sequence[FactUse]) -> Computed:
    expression = "; ".join(s for s in steps if s)
    return Computed(headline=headline, expression=expression, result=result, uses=_dedupe(uses))


# --- dates -----------------------------------------------------------------------------------


def _countdown(t: inputs.Target, today: dt.date) -> tuple[str, str, str, Countdown]:
    """(headline, working, result, countdown) for how far a date is from today."""
    cd, day, now = countdown(t.day, today), format_date(t.day), format_date(today)
    headline = phrasing.countdown(t.name, t.verb(today), day, now, cd.days)
    if cd.days > 0:
        return headline, f"{day} − {now} (today) = {format_days(cd.days)}", format_days(cd.days), cd
    if cd.days == 0:
        return headline, "", "0 days", cd
    ago = format_days(-cd.days)
    return headline, f"{now} (today) − {day} = {ago}", f"{ago} ago", cd


def _days_remaining(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    t = inputs.target(query, facts)
    if isinstance(t, Declined):
        return t
    headline, step, result, _ = _countdown(t, today)
    return _computed(headline, [t.working, step], result, t.uses)


def _has_passed(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    t = inputs.target(query, facts)
    if isinstance(t, Declined):
        return t
    headline, step, _, cd = _countdown(t, today)
    answer = "Yes" if cd.passed else "No"
    return _computed(f"{answer}. {headline}", [t.working, step], answer, t.uses)


def _due_date(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    t = inputs.target(query, facts)
    if isinstance(t, Declined):
        return t
    headline = phrasing.dated(t.name, t.verb(today), format_date(t.day))
    return _computed(headline, [t.working], format_date(t.day), t.uses)


def _event_date(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    fact = inputs.pick(query, facts, "event")
    if isinstance(fact, Declined):
        return fact
    t = inputs.event(fact)  # type: ignore[arg-type]
    headline = phrasing.dated(t.name, t.verb(today), format_date(t.day))
    return _computed(headline, [f"{t.uses[0].label}: {t.uses[0].value}"], t.uses[0].value, t.uses)


def _days_between(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    if query.unknown:
        return inputs.nothing_for("date", query)
    targets = sorted(inputs.dates(query, facts), key=lambda t: t.day)
    if len(targets) != 2:
        return Declined(message=phrasing.which_two_dates([t.name for t in targets]), asks=True)
    a, b = targets
    n = format_days(days_between(a.day, b.day))
    step = f"{format_date(b.day)} − {format_date(a.day)} = {n}"
    headline = phrasing.days_apart((a.name, format_date(a.day)), (b.name, format_date(b.day)), n)
    return _computed(headline, [a.working, b.working, step], n, [*a.uses, *b.uses])


def _first_deadline(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    named = select(query, facts, "commitment") if query.entities("commitment") else []
    deals = named if len(named) >= 2 else [f for f in facts if isinstance(f, CommitmentFact)]
    targets = [inputs.deadline(c, facts) for c in deals]  # type: ignore[arg-type]
    if len(targets) < 2:
        return Declined(message=phrasing.TOO_FEW_DEADLINES)
    first = earliest([(t, t.day) for t in targets])
    others = [(t.name, format_date(t.day)) for t in targets if t not in first]
    headline = phrasing.first_deadline([t.name for t in first], format_date(first[0].day), others)
    uses = [u for t in targets for u in t.uses]
    return _computed(headline, [t.working for t in targets], join([t.name for t in first]), uses)


# --- money -----------------------------------------------------------------------------------


def _money_amount(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    if query.parties and not query.contributors:  # "How much did Japan contribute?"
        return Declined(message=phrasing.no_amount_from(list(query.parties)))
    several = len(select(query, facts, "money")) > 1
    if several and query.purposes and not query.contributors:
        return _money_sum(query, facts, today)  # how much a named purpose has: all of it
    fact = inputs.pick(query, facts, "money")
    if isinstance(fact, Declined):
        return fact
    use = inputs.amount(fact, facts)  # type: ignore[arg-type]
    headline = phrasing.provides(use.label, use.value, fact.purpose)  # type: ignore[union-attr]
    return _computed(headline, [f"{use.label}: {use.value}"], use.value, [use])


def _money_sum(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    found = inputs.amounts(query, facts, 1)
    if isinstance(found, Declined):
        return found
    uses = [inputs.amount(m, facts) for m in found]
    total = format_money(money_sum([m.amount for m in found]), found[0].currency)
    headline = phrasing.total(inputs.purpose(found), total, [(u.value, u.label) for u in uses])
    return _computed(headline, [" + ".join(u.value for u in uses) + f" = {total}"], total, uses)


def _money_difference(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    pair = inputs.pair(query, facts)
    if isinstance(pair, Declined):
        return pair
    big, small = (inputs.amount(m, facts) for m in pair)
    diff = format_money(money_difference(pair[0].amount, pair[1].amount), pair[0].currency)
    headline = phrasing.more_than(big.label, diff, small.label)
    return _computed(headline, [f"{big.value} − {small.value} = {diff}"], diff, [big, small])


def _money_ratio(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    pair = inputs.pair(query, facts)
    if isinstance(pair, Declined):
        return pair
    big, small = (inputs.amount(m, facts) for m in pair)
    times = plain(ratio(pair[0].amount, pair[1].amount))
    headline = phrasing.times_as_much(big.label, times, small.label)
    return _computed(headline, [f"{big.value} ÷ {small.value} = {times}"], f"{times} times", [big, small])


def _money_share(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    part = inputs.pick(query, facts, "money")
    if isinstance(part, Declined):
        return part
    assert isinstance(part, MoneyFact)
    whole = [f for f in facts if isinstance(f, MoneyFact) and f.purpose == part.purpose]
    if len({f.currency for f in whole}) > 1:
        return Declined(message=phrasing.mixed_currencies("compare"))
    share = format_percent(percent_share(part.amount, money_sum([m.amount for m in whole])))
    uses = [inputs.amount(m, facts) for m in whole]
    headline = phrasing.share_of_funding(describe(part, facts), share, part.purpose)
    step = f"{inputs.amount(part, facts).value} ÷ ({' + '.join(u.value for u in uses)}) = {share}"
    return _computed(headline, [step], share, uses)


# --- shares, growth, counts ------------------------------------------------------------------


def _share_value(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    found = inputs.share(query, facts)
    if isinstance(found, Declined):
        return found
    fact, use = found
    headline = phrasing.share(fact.holder, fact.of, use.value)
    return _computed(headline, [f"{use.label}: {use.value}"], use.value, [use])


def _share_complement(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    found = inputs.share(query, facts)
    if isinstance(found, Declined):
        return found
    fact, use = found
    rest = format_range(*complement(fact.low, fact.high))
    headline = phrasing.rest_of_share(fact.holder, fact.of, rest)
    return _computed(headline, [f"100% − {use.value} = {rest}"], rest, [use])


def _growth_multiplier(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    fact = inputs.pick(query, facts, "growth")
    if isinstance(fact, Declined):
        return fact
    assert isinstance(fact, GrowthFact)
    bound = "" if fact.bound == "exact" else f"{fact.bound} "
    use = FactUse(fact=fact, label=f"increase in {fact.subject or 'the figure'}",
                  value=f"{bound}{format_percent(fact.percent)}")  # fmt: skip
    times = f"{bound}{plain(growth_multiplier(fact.percent))}"
    step = f"100% + {format_percent(fact.percent)} = {format_percent(HUNDRED + fact.percent)}"
    headline = phrasing.growth(use.value, fact.subject, times)
    return _computed(headline, [step, f"{times} times"], f"{times} times", [use])


def _count(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    fact = inputs.pick(query, facts, "count")
    if isinstance(fact, Declined):
        return fact
    value = f"{fact.value} {fact.unit}"  # type: ignore[union-attr]
    use = FactUse(fact=fact, label=fact.context or fact.unit, value=value)  # type: ignore[union-attr]
    headline = phrasing.count(fact.value, fact.unit, fact.context or "")  # type: ignore[union-attr]
    return _computed(headline, [f"{use.label}: {value}"], value, [use])


# --- partners and agreements -----------------------------------------------------------------


def _partners_list(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    if query.unknown:
        return inputs.nothing_for("agreement", query)
    by_instrument, uses = inputs.partner_lists(query, facts)
    if not by_instrument:
        return Declined(message=phrasing.NO_AGREEMENT)
    everyone = [p for ps in by_instrument.values() for p in ps]
    steps = [f"{i}: {', '.join(ps)}" for i, ps in by_instrument.items()]
    return _computed(phrasing.partners(by_instrument), steps, ", ".join(everyone), uses)


def _partners_count(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    by_instrument, uses = inputs.partner_lists(query, facts)
    everyone = list(dict.fromkeys(p for ps in by_instrument.values() for p in ps))
    if not everyone:
        return Declined(message=phrasing.NO_AGREEMENT)
    n = phrasing.plural(len(everyone), "partner")
    headline = phrasing.partner_count(by_instrument, everyone)
    return _computed(headline, [f"{', '.join(everyone)} = {n}"], n, uses)


def _agreements_count(query: Query, facts: Sequence[Fact], today: dt.date) -> Computed | Declined:
    deals = inputs.agreements(query, facts)
    if not deals:
        return Declined(message=phrasing.NO_AGREEMENT)
    n = phrasing.plural(len(deals), "agreement")
    uses = [FactUse(fact=c, label="agreement", value=describe(c, facts)) for c in deals]
    headline = phrasing.agreement_count([u.value for u in uses])
    return _computed(headline, [" + ".join(c.instrument for c in deals) + f" = {n}"], n, uses)


def _unsupported(query: Query, facts: Sequence[Fact], today: dt.date) -> Declined:
    return Declined(message=phrasing.no_figure(query.missing))


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

    def on(chosen: Sequence[Fact]) -> Computed | Declined:
        try:
            return handler(query, chosen, today)
        except ValueError as err:
            return Declined(message=phrasing.cannot_calculate(err))

    return sources.per_source(on, facts, on(facts))
