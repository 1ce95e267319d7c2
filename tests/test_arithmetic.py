"""The pure operations and formatters: input -> expected, bad input -> message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from assistant.calculate.arithmetic import (
    Countdown,
    complement,
    countdown,
    days_between,
    due_date,
    earliest,
    format_date,
    format_days,
    format_money,
    format_percent,
    format_range,
    growth_multiplier,
    money_difference,
    money_sum,
    partners_by_instrument,
    percent_share,
    ratio,
)
from assistant.records import CommitmentFact

D = Decimal
day = dt.date


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (day(2026, 3, 6), "March 6, 2026"),
        (day(2026, 2, 4), "February 4, 2026"),
        (day(2027, 12, 31), "December 31, 2027"),
    ],
)
def test_dates_are_written_out(date, text):
    assert format_date(date) == text


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (D("12000000000"), "USD", "$12 billion"),
        (D("2500000000"), "USD", "$2.5 billion"),
        (D("2000000000.00"), "USD", "$2 billion"),
        (D("300000000"), "USD", "$300 million"),
        (D("1234"), "USD", "$1,234"),
        (D("1234.5"), "USD", "$1,234.50"),
        (D("1234567891"), "USD", "$1,234,567,891"),
        (D("1250000"), "USD", "$1.25 million"),
        (D("1500000000000"), "USD", "$1.5 trillion"),
        (D("3500000000"), "EUR", "€3.5 billion"),
        (D("5000000"), "CAD", "CAD 5 million"),
        (D("-8000000000"), "USD", "-$8 billion"),
        (D("0"), "USD", "$0"),
    ],
)
def test_money_is_written_exactly(amount, currency, text):
    assert format_money(amount, currency) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("16.7"), "16.7%"), (D("80"), "80%"), (D("50.0"), "50%"), (D("0.5"), "0.5%")],
)
def test_percentages(value, text):
    assert format_percent(value) == text


@pytest.mark.parametrize(("low", "high", "text"), [(D(80), D(90), "80–90%"), (D(10), D(10), "10%")])
def test_share_ranges(low, high, text):
    assert format_range(low, high) == text


@pytest.mark.parametrize(("days", "text"), [(1, "1 day"), (0, "0 days"), (30, "30 days")])
def test_days(days, text):
    assert format_days(days) == text


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "days", "due"),
    [
        (day(2026, 2, 4), 30, day(2026, 3, 6)),
        (day(2026, 2, 4), 60, day(2026, 4, 5)),
        (day(2028, 2, 1), 29, day(2028, 3, 1)),  # leap year
        (day(2026, 12, 15), 30, day(2027, 1, 14)),  # across a year end
        (day(2026, 2, 4), 0, day(2026, 2, 4)),
    ],
)
def test_due_date_is_anchor_plus_days(anchor, days, due):
    assert due_date(anchor, days) == due


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError, match="a deadline needs zero or more days, got -5"):
        due_date(day(2026, 2, 4), -5)


@pytest.mark.parametrize("days", [3_000_000, 10**9, 10**30])
def test_a_date_past_the_calendar_is_a_value_error_the_calculator_declines_not_an_overflow(days: int) -> None:
    with pytest.raises(ValueError, match="is past the last date a calendar holds"):
        due_date(day(2026, 2, 4), days)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (day(2026, 3, 6), day(2026, 4, 5), 30),
        (day(2026, 4, 5), day(2026, 3, 6), -30),
        (day(2026, 3, 6), day(2026, 3, 6), 0),
    ],
)
def test_days_between(start, end, days):
    assert days_between(start, end) == days


@pytest.mark.parametrize(
    ("due", "today", "days", "passed"),
    [
        (day(2026, 4, 5), day(2026, 3, 1), 35, False),
        (day(2026, 4, 5), day(2026, 4, 5), 0, False),  # due today is not passed
        (day(2026, 4, 5), day(2026, 4, 6), -1, True),
        (day(2026, 4, 5), day(2026, 12, 1), -240, True),
    ],
)
def test_countdown_to_a_date(due, today, days, passed):
    assert countdown(due, today) == Countdown(days)
    assert countdown(due, today).passed is passed


def test_earliest_deadline_and_ties():
    assert earliest([("mou", day(2026, 3, 6)), ("plan", day(2026, 4, 5))]) == ["mou"]
    assert earliest([("a", day(2026, 3, 6)), ("b", day(2026, 3, 6))]) == ["a", "b"]


def test_earliest_of_nothing_is_refused():
    with pytest.raises(ValueError, match="no deadlines to compare"):
        earliest([])


# --- money -----------------------------------------------------------------------------------


def test_sum_and_difference_are_decimal_exact():
    assert money_sum([D("0.1"), D("0.2")]) == D("0.3")
    assert money_sum([D("10000000000"), D("2000000000")]) == D("12000000000")
    assert money_difference(D("2000000000"), D("10000000000")) == D("8000000000")


def test_sum_of_nothing_is_refused():
    with pytest.raises(ValueError, match="no amounts to add"):
        money_sum([])


@pytest.mark.parametrize(
    ("a", "b", "times"),
    [(D(10), D(2), D(5)), (D(5), D(2), D("2.5")), (D(10), D(3), D("3.3")), (D(2), D(3), D("0.7"))],
)
def test_ratio_to_one_decimal(a, b, times):
    assert ratio(a, b) == times


def test_ratio_by_zero_is_refused():
    with pytest.raises(ValueError, match="cannot divide by a zero amount"):
        ratio(D(10), D(0))


@pytest.mark.parametrize(
    ("part", "whole", "share"),
    [
        (D(2), D(12), D("16.7")),
        (D(10), D(12), D("83.3")),
        (D(1), D(8), D("12.5")),
        (D(1), D(1), D("100.0")),
        (D(0), D(5), D("0.0")),
    ],
)
def test_percentage_share_rounds_half_up_to_one_decimal(part, whole, share):
    assert percent_share(part, whole) == share


@pytest.mark.parametrize(
    ("part", "whole", "message"),
    [
        (D(2), D(0), "the whole must be a positive amount"),
        (D(13), D(12), r"a part \(13\) must lie between 0 and the whole \(12\)"),
        (D(-1), D(12), r"a part \(-1\) must lie between 0 and the whole \(12\)"),
    ],
)
def test_bad_shares_are_refused(part, whole, message):
    with pytest.raises(ValueError, match=message):
        percent_share(part, whole)


# --- shares and growth -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "rest"),
    [
        (D(80), D(90), (D(10), D(20))),
        (D(100), D(100), (D(0), D(0))),
        (D("12.5"), D(50), (D(50), D("87.5"))),
    ],
)
def test_complement_of_a_share_range(low, high, rest):
    assert complement(low, high) == rest


@pytest.mark.parametrize(("low", "high"), [(D(90), D(80)), (D(-5), D(10)), (D(80), D(120))])
def test_impossible_share_ranges_are_refused(low, high):
    with pytest.raises(ValueError, match="a share range needs 0 <= low <= high <= 100"):
        complement(low, high)


@pytest.mark.parametrize(
    ("percent", "times"),
    [(D(400), D(5)), (D(100), D(2)), (D(50), D("1.5")), (D(0), D(1)), (D(-50), D("0.5"))],
)
def test_growth_as_a_multiplier(percent, times):
    assert growth_multiplier(percent) == times


def test_a_fall_of_more_than_everything_is_refused():
    with pytest.raises(ValueError, match="a decrease cannot exceed 100%, got -150%"):
        growth_multiplier(D(-150))


# --- partners --------------------------------------------------------------------------------


def commitment(id: str, parties: list[str], instrument: str) -> CommitmentFact:
    return CommitmentFact(id=id, doc="d", quote="q", parties=parties, instrument=instrument)


def test_partners_grouped_by_instrument_without_the_excluded():
    deals = [
        commitment("a", ["United States", "Japan", "EU"], "memorandum of understanding"),
        commitment("b", ["United States", "Mexico"], "action plan"),
        commitment("c", ["United States", "Japan"], "action plan"),
    ]
    assert partners_by_instrument(deals, {"United States"}) == {
        "memorandum of understanding": ["Japan", "EU"],
        "action plan": ["Mexico", "Japan"],
    }
