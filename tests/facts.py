"""Facts shared by the calculator, understanding and conversation tests, and the traceability check.

Facts are built here, as curated facts would be, with quotes copied from the article; nothing
depends on corpus/facts or on extraction. `other_facts` is a second, made-up document.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from assistant.calculate.aliases import PACKAGED_ALIASES, load_aliases
from assistant.calculate.arithmetic import format_date
from assistant.config import PROJECT_ROOT
from assistant.records import (
    CommitmentFact,
    Computed,
    CountFact,
    EventFact,
    Fact,
    GrowthFact,
    MoneyFact,
    ShareFact,
)

DOC = "us-critical-minerals-strategy"
EVENT_DAY = dt.date(2026, 2, 4)
MARCH_1 = dt.date(2026, 3, 1)


def article_facts() -> list[Fact]:
    """The article's facts, as a curator would write them."""
    return [
        EventFact(id="ministerial", doc=DOC, name="Critical Minerals Ministerial",
                  date=EVENT_DAY, host="Secretary of State Marco Rubio",
                  quote="On February 4, 2026, Secretary of State Marco Rubio hosted the "
                  "inaugural Critical Minerals Ministerial"),
        CommitmentFact(id="mou-japan-eu", doc=DOC, parties=["Japan", "EU"],
                       instrument="memorandum of understanding", due_days=30,
                       after="ministerial", anchor_date=EVENT_DAY,
                       quote="Within 30 days, the US will sign a memorandum of understanding "
                       "with Japan and the EU"),
        CommitmentFact(id="action-plan-mexico", doc=DOC, parties=["Mexico"],
                       instrument="action plan", due_days=60, after="ministerial",
                       anchor_date=EVENT_DAY,
                       quote="A similar action plan is slated for implementation with Mexico "
                       "within 60 days"),
        MoneyFact(id="reserve-exim", doc=DOC, amount=Decimal("10000000000"),
                  contributor="Export-Import Bank of the U.S.",
                  purpose="strategic critical minerals reserve",
                  quote="This initiative is backed by $10 billion from the Export-Import Bank "
                  "of the U.S."),
        MoneyFact(id="reserve-private", doc=DOC, amount=Decimal("2000000000"),
                  contributor="private sector", purpose="strategic critical minerals reserve",
                  quote="And an additional $2 billion from the private sector"),
        ShareFact(id="china-share", doc=DOC, low=Decimal(80), high=Decimal(90), holder="China",
                  of="key mineral market capacity",
                  quote="China, which controls an estimated 80% to 90% of key mineral market "
                  "capacity"),
        CountFact(id="nations-attending", doc=DOC, value=54, unit="nations",
                  context="nations represented at the Critical Minerals Ministerial",
                  quote="Representatives from 54 nations attended"),
        GrowthFact(id="demand-growth", doc=DOC, percent=Decimal(400), bound="up to",
                   subject="demand for some critical minerals",
                   quote="The demand for some critical minerals is projected to increase by as "
                   "much as 400% in the coming decades."),
    ]  # fmt: skip


FACTS = article_facts()
ALIASES = load_aliases(
    [PACKAGED_ALIASES, PROJECT_ROOT / "corpus" / "aliases.yaml"]
)  # the article's facts, with its corpus's aliases
MOU, MEXICO = {"ministerial", "mou-japan-eu"}, {"ministerial", "action-plan-mexico"}
RESERVE = {"reserve-exim", "reserve-private"}


def other_facts() -> list[Fact]:
    doc = "nordic-battery-summit"
    return [
        EventFact(id="summit", doc=doc, name="Nordic Battery Summit", date=dt.date(2027, 9, 10),
                  quote="The Nordic Battery Summit opened in Oslo on September 10, 2027."),
        CommitmentFact(id="framework-chile-peru", doc=doc, parties=["Chile", "Peru"],
                       instrument="framework agreement", due_days=45, after="summit",
                       anchor_date=dt.date(2027, 9, 10),
                       quote="within 45 days Norway will conclude a framework agreement with "
                       "Chile and Peru"),
        MoneyFact(id="fund-nib", doc=doc, amount=Decimal("3500000000"), currency="EUR",
                  contributor="Nordic Investment Bank", purpose="battery recycling fund",
                  quote="€3.5 billion from the Nordic Investment Bank"),
        MoneyFact(id="fund-pension", doc=doc, amount=Decimal("500000000"), currency="EUR",
                  contributor="pension funds", purpose="battery recycling fund",
                  quote="€500 million from pension funds"),
    ]  # fmt: skip


# --- the invariant: every number or date shown is traceable -----------------------------------

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def traceable(computed: Computed, today: dt.date) -> set[str]:
    """Numbers of the result, the inputs' values and quotes, today, 100% and each shown step."""
    allowed = numbers(computed.result) | numbers(format_date(today)) | {"100"}
    for use in computed.uses:
        allowed |= numbers(use.value) | numbers(use.fact.quote)
    for step in computed.expression.split("; "):
        allowed |= numbers(step.rsplit("=", 1)[-1]) if "=" in step else set()
    return allowed


def shown(computed: Computed) -> set[str]:
    """The numbers a computed answer shows in its headline and working."""
    return numbers(computed.headline) | numbers(computed.expression)
