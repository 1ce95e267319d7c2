"""Facts from different sources that give different values for the same thing, and the calculator run per source.

The calculator never silently picks one of two disagreeing inputs: it computes with each
source's value and shows every result, or, when a source's figures cannot be computed, asks which
source to use. "The same thing": amounts from the same contributor for the same purpose, an
event of the same name, an agreement of the same instrument and parties.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.cache import of_facts
from assistant.calculate import phrasing
from assistant.calculate.arithmetic import format_date, format_days, format_money
from assistant.calculate.inputs import MAX_LISTED
from assistant.ingest.lexicon import stems
from assistant.records import CommitmentFact, Computed, Declined, EventFact, Fact, FactUse, MoneyFact

Handler = Callable[[Sequence[Fact]], "Computed | Declined"]
# Inputs disputed by more documents than this are not computed once per source (a result per report of a
# library would be unreadable, and each run reads every fact): the assistant asks which source to use.
MAX_SOURCES = 8


def _thing(fact: Fact) -> tuple[object, ...] | None:
    """What a fact gives a value for, or None when it names too little to tell."""
    if isinstance(fact, MoneyFact):
        who, what = frozenset(stems(fact.contributor or "")), frozenset(stems(fact.purpose or ""))
        return ("money", fact.currency, who, what) if who or what else None
    if isinstance(fact, EventFact):
        return ("event", fact.name.lower())
    if isinstance(fact, CommitmentFact):
        return ("commitment", fact.instrument, frozenset(p.lower() for p in fact.parties))
    return None


def _value(fact: Fact) -> object:
    if isinstance(fact, MoneyFact):
        return fact.amount.normalize()
    if isinstance(fact, EventFact):
        return fact.date
    if isinstance(fact, CommitmentFact):
        return (fact.due_days, fact.anchor_date)
    return None


@of_facts
def same_things(facts: Sequence[Fact]) -> list[list[Fact]]:
    """Groups of facts about one thing stated in more than one sentence (usually in several documents).

    Remembered per fact list (every calculation reads them): the groups must not be changed.
    """
    groups: dict[tuple[object, ...], list[Fact]] = {}
    for fact in facts:
        thing = _thing(fact)
        if thing is not None:
            groups.setdefault(thing, []).append(fact)
    return [group for group in groups.values() if len({(f.doc, f.start) for f in group}) > 1]


def rivals(facts: Sequence[Fact]) -> list[list[Fact]]:
    """Groups of facts about one thing whose values differ between sentences."""
    return [group for group in same_things(facts) if len({_value(f) for f in group}) > 1]


def per_source(handler: Handler, facts: Sequence[Fact], outcome: Computed | Declined) -> Computed | Declined:
    """`outcome`, or, when its inputs are stated by several sources, each source's result: one if they agree."""
    ids = {u.fact.id for u in outcome.uses}
    disputed = [g for g in same_things(facts) if ids & {f.id for f in g}]
    if not disputed:
        return outcome
    differ = any(len({_value(f) for f in g}) > 1 for g in disputed)
    members = {f.id for g in disputed for f in g}
    docs = list(dict.fromkeys(f.doc for g in disputed for f in g))
    done: list[tuple[str, Computed]] = []
    # one source that cannot be computed decides the outcome, so the rest need not run
    for doc in docs if len(docs) <= MAX_SOURCES else []:
        result = handler([f for f in facts if f.id not in members or f.doc == doc])
        if not isinstance(result, Computed):
            break
        done.append((doc, result))
    if not differ:
        return done[0][1] if done and len(done) == len(docs) else outcome
    if len(done) < len(docs):
        rival_uses = _uses(disputed, outcome.uses)[:MAX_LISTED]
        named = docs if len(docs) <= MAX_SOURCES else [*docs[:MAX_SOURCES], f"{len(docs) - MAX_SOURCES} more"]
        message = phrasing.which_source([u.value for u in rival_uses], named)
        return Declined(message=message, asks=True, uses=rival_uses, rivals=rival_uses)
    if len({r.result for _, r in done}) == 1:
        return done[0][1]
    return _side_by_side(done).model_copy(update={"rivals": _uses(disputed, outcome.uses)})


def _uses(groups: Sequence[Sequence[Fact]], uses: Sequence[FactUse]) -> list[FactUse]:
    """Every fact of the groups as the outcome used it (its first use), or labelled plainly."""
    first: dict[str, FactUse] = {}
    for u in uses:
        first.setdefault(u.fact.id, u)
    return [first[f.id] if f.id in first else _use(f) for g in groups for f in g]


def _use(fact: Fact) -> FactUse:
    """A fact the outcome did not use, labelled plainly."""
    if isinstance(fact, MoneyFact):
        shown = format_money(fact.amount, fact.currency)
    elif isinstance(fact, EventFact):
        shown = format_date(fact.date)
    else:
        shown = format_days(fact.due_days) if isinstance(fact, CommitmentFact) and fact.due_days is not None else ""
    return FactUse(fact=fact, label=fact.kind, value=shown)


def _side_by_side(done: Sequence[tuple[str, Computed]]) -> Computed:
    """One Computed holding each source's headline, working and inputs."""
    headline = phrasing.by_source([(r.headline, doc) for doc, r in done])
    expression = "; ".join(f"by {doc}: {r.expression}" for doc, r in done)
    uses: dict[tuple[str, str], FactUse] = {}
    for _, r in done:
        for u in r.uses:
            uses.setdefault((u.fact.id, u.value), u)
    return Computed(
        headline=headline,
        expression=expression,
        result=" or ".join(r.result for _, r in done),
        uses=list(uses.values()),
    )


def with_rivals(handler: Handler, facts: Sequence[Fact], outcome: Computed, rival_of: dict[str, MoneyFact]) -> Computed:
    """`outcome`, and beside it the result with another source's value for each input in `rival_of` (by fact id).

    The other source's fact stands in for the input under the input's own contributor and purpose
    (its sentence names them less plainly, which is why only the sentences tied the two together).
    """
    used = {u.fact.id: u.fact for u in outcome.uses if u.fact.id in rival_of}
    if not used:
        return outcome
    stand_ins = {
        i: rival_of[i].model_copy(update={"contributor": f.contributor, "purpose": f.purpose})
        for i, f in used.items()
        if isinstance(f, MoneyFact)
    }
    gone = {r.id for r in stand_ins.values()}
    variant = [stand_ins.get(f.id, f) for f in facts if f.id not in gone]
    other = handler(variant)
    if not isinstance(other, Computed) or other.result == outcome.result:
        return outcome
    rivals = [*(u for u in outcome.uses if u.fact.id in stand_ins), *(u for u in other.uses if u.fact.id in gone)]
    docs = [next(iter(used.values())).doc, next(iter(stand_ins.values())).doc]
    return _side_by_side(list(zip(docs, (outcome, other), strict=True))).model_copy(update={"rivals": rivals})
