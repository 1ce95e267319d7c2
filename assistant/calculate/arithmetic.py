"""Pure operations and formatters for the calculator: dates, deadlines, money, shares and counts.

Money is Decimal and dates are datetime.date throughout; nothing here knows about questions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TypeVar

from assistant.records import CommitmentFact

T = TypeVar("T")
HUNDRED = Decimal(100)
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"),
          (Decimal(10) ** 6, "million"))  # fmt: skip

# --- formatting -----------------------------------------------------------------------------


def format_date(day: dt.date) -> str:
    """'March 6, 2026' (never 3/6/26)."""
    return f"{day:%B} {day.day}, {day.year}"


def plain(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 12, 2.5, 16.7."""
    return format(number.normalize(), "f")


@lru_cache(maxsize=4096)  # a listing or a sum formats each amount of a large library on every question
def format_money(amount: Decimal, currency: str = "USD") -> str:
    """'$12 billion', '$2.5 billion', '$300 million', '$1,234', '$1,234.50'; exact, no float."""
    sign, size = ("-" if amount < 0 else ""), abs(amount)
    unit = SYMBOLS.get(currency, f"{currency} ")
    for scale, word in SCALES:
        scaled = size / scale
        if size >= scale and scaled == scaled.quantize(Decimal("0.01")):
            return f"{sign}{unit}{plain(scaled)} {word}"
    digits = f"{size:,.0f}" if size == size.to_integral_value() else f"{size:,.2f}"
    return f"{sign}{unit}{digits}"


def format_percent(value: Decimal) -> str:
    """'16.7%', '80%'."""
    return f"{plain(value)}%"


def format_range(low: Decimal, high: Decimal) -> str:
    """'80–90%', or '80%' when both ends are equal."""
    return format_percent(low) if low == high else f"{plain(low)}–{plain(high)}%"


def format_days(days: int) -> str:
    """'1 day', '30 days'."""
    return f"{days} day" if abs(days) == 1 else f"{days} days"


# --- operations ------------------------------------------------------------------------------


def due_date(anchor: dt.date, days: int) -> dt.date:
    """The day `days` days after `anchor`."""
    if days < 0:
        raise ValueError(f"a deadline needs zero or more days, got {days}")
    try:
        return anchor + dt.timedelta(days=days)
    except OverflowError:  # timedelta caps at 999999999 days and date at the year 9999: a decline, not a bug
        raise ValueError(f"{days} days after {anchor.isoformat()} is past the last date a calendar holds") from None


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


def partners_by_instrument(commitments: Sequence[CommitmentFact], exclude: set[str]) -> dict[str, list[str]]:
    """Instrument -> the parties it is with, in order, without the excluded ones."""
    out: dict[str, list[str]] = {}
    for c in commitments:
        names = out.setdefault(c.instrument, [])
        names += [p for p in c.parties if p not in exclude and p not in names]
    return out
