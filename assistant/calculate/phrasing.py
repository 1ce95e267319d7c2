"""The calculator's sentences: headlines of computed results and messages of declined ones.

Every function takes values already computed and formatted; nothing here calculates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.calculate.arithmetic import format_days
from assistant.calculate.understanding import join, the

NO_AGREEMENT = "The sources describe no agreement like that."
TOO_FEW_DEADLINES = "The sources give fewer than two deadlines to compare."


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(count: int, noun: str) -> str:
    """'1 partner', '3 partners'."""
    return f"{count} {noun}" + ("s" if count != 1 else "")


# --- declined --------------------------------------------------------------------------------


def nothing_for(noun: str, names: Sequence[str]) -> str:
    return f"There is no {noun} involving {join(names)} in the sources."


def no_match(noun: str) -> str:
    return f"There is no {noun} matching that in the sources."


def which_one(count: int, noun: str, listing: str) -> str:
    return f"The sources give {count} {noun}s: {listing}. Which one do you mean?"


def which_two_dates(names: Sequence[str]) -> str:
    return f"Which two dates do you mean? The question points at: {join(names) if names else 'none'}."


def which_two_amounts(listing: str) -> str:
    return f"Which two amounts do you mean: {listing}?"


def too_few_amounts(least: int, found: int) -> str:
    return f"That needs {least} amounts; the sources give {found} here."


def mixed_currencies(verb: str) -> str:
    return f"The amounts are in different currencies; I cannot {verb} them."


def no_amount_from(names: Sequence[str]) -> str:
    return f"The sources name no amount from {join(names)}."


def no_figure(missing: str | None) -> str:
    what = the(missing) if missing and missing != "that figure" else "that"
    return f"The sources give no figure for {what}."


def cannot_calculate(err: Exception) -> str:
    return f"I cannot calculate that: {err}."


# --- dates -----------------------------------------------------------------------------------


def dated(name: str, verb: str, day: str) -> str:
    return f"{cap(name)} {verb} {day}."


def the_deadline(due: str, passed: bool) -> str:
    return f"The deadline {'was' if passed else 'is'} {due}"


def counted_from(due: str, passed: bool, within: str, start: str) -> str:
    """A deadline a sentence counts from a named event: 'The deadline is May 5, 2026: 90 days after ...'."""
    return f"{the_deadline(due, passed)}: {within} after {start}."


def passage_countdown(said: str, now: str, days: int) -> str:
    """How far the date a passage gives is from today: 'The passage gives May 5, 2026: 30 days from today (...).'"""
    if days > 0:
        return f"{said}: {format_days(days)} from today ({now})."
    if days == 0:
        return f"{said}: that is today."
    return f"{said}: {format_days(-days)} ago (today is {now})."


def countdown(name: str, verb: str, day: str, now: str, days: int) -> str:
    """How far a date is from today (`days` > 0 ahead, 0 today, < 0 passed)."""
    if days > 0:
        return f"{cap(name)} {verb} {day}, {format_days(days)} from today ({now})."
    if days == 0:
        return f"{cap(name)} {verb} today, {day}."
    return f"{cap(name)} {verb} {day}, {format_days(-days)} ago (today is {now})."


def days_apart(first: tuple[str, str], then: tuple[str, str], days: str) -> str:
    """`first` and `then` are (name, date)."""
    return f"{cap(then[0])} ({then[1]}) is {days} after {first[0]} ({first[1]})."


def first_deadline(first: Sequence[str], day: str, others: Sequence[tuple[str, str]]) -> str:
    """`others` are the later deadlines as (name, date)."""
    if not others:
        return f"{cap(join(first))} are all due by {day}."
    later = join([f"{name} ({when})" for name, when in others])
    return f"{cap(join(first))} comes first: due by {day}, before {later}."


# --- money -----------------------------------------------------------------------------------


def provides(contributor: str, value: str, purpose: str | None) -> str:
    return f"{cap(contributor)} provides {value}" + (f" for {the(purpose)}." if purpose else ".")


def total(purpose: str | None, value: str, parts: Sequence[tuple[str, str]]) -> str:
    """`parts` are (value, contributor)."""
    subject = f"the funding for {the(purpose)}" if purpose else "the amounts"
    listing = join([f"{v} from {who}" for v, who in parts])
    return f"{cap(subject)} comes to {value} in total: {listing}."


def more_than(big: str, diff: str, small: str) -> str:
    return f"{cap(big)} provides {diff} more than {small}."


def times_as_much(big: str, times: str, small: str) -> str:
    return f"{cap(big)} provides {times} times as much as {small}."


def share_of_funding(contributor: str, share: str, purpose: str | None) -> str:
    of = f"the funding for {the(purpose)}" if purpose else "the total"
    return f"{cap(contributor)} provides {share} of {of}."


# --- shares, growth, counts ------------------------------------------------------------------


def share(holder: str | None, of: str | None, value: str) -> str:
    subject = f"{holder}'s share" if holder else "The share"
    return f"{subject} of {of or 'the total'} is {value}."


def rest_of_share(holder: str | None, of: str | None, rest: str) -> str:
    held = f" not held by {holder}" if holder else " left over"
    return f"The share of {of or 'the total'}{held} is {rest}."


def growth(increase: str, subject: str | None, times: str) -> str:
    return f"An increase of {increase} would put {subject or 'the figure'} at {times} times its current level."


def count(value: int, unit: str, context: str) -> str:
    if context.lower().startswith(unit.lower()):
        return f"The sources give {value} {context}."
    return f"The sources give {value} {unit}" + (f" ({context})." if context else ".")


# --- partners --------------------------------------------------------------------------------


def partners(by_instrument: Mapping[str, Sequence[str]]) -> str:
    if len(by_instrument) == 1:
        instrument, names = next(iter(by_instrument.items()))
        return f"The {instrument} is to be signed with {join([the(p) for p in names])}."
    parts = [f"{join([the(p) for p in ps])} ({i})" for i, ps in by_instrument.items()]
    return f"The commitments are with {join(parts)}."


def partner_count(by_instrument: Mapping[str, Sequence[str]], everyone: Sequence[str]) -> str:
    one = len(by_instrument) == 1
    subject = f"The {next(iter(by_instrument))}" if one else "The commitments"
    n = plural(len(everyone), "partner")
    return f"{subject} {'has' if one else 'have'} {n}: {join([the(p) for p in everyone])}."


def agreement_count(agreements: Sequence[str]) -> str:
    return f"The sources describe {plural(len(agreements), 'agreement')}: {join(agreements)}."


def by_source(results: Sequence[tuple[str, str]]) -> str:
    """Each source's result when their inputs disagree: 'The sources disagree, so each is shown: ...'."""
    shown = "; ".join(f"by {doc}: {_lower_article(headline.rstrip('.'))}" for headline, doc in results)
    return f"The sources disagree on an input, so here is the result by each: {shown}."


def which_source(values: Sequence[str], docs: Sequence[str]) -> str:
    """The sources disagree and one of them does not give enough to compute with."""
    return (f"The sources disagree ({', '.join(v for v in values if v)}): "
            f"which source should I use: {join(list(docs))}?")  # fmt: skip


def _lower_article(text: str) -> str:
    """'The amounts ...' -> 'the amounts ...' inside a sentence; names keep their capitals."""
    return text[:1].lower() + text[1:] if text.split(" ", 1)[0] in {"The", "A", "An"} else text
