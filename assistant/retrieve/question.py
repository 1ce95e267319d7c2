"""What kind of answer a question asks for, by rules on its wording (no model at query time).

The expected type is a set of spaCy entity labels ("who" -> PERSON/ORG/NORP/GPE), or, for
"which X" / "what X", the head noun X that a noun chunk of the answer should be headed by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.lexicon import stems

PEOPLE = frozenset({"PERSON", "ORG", "NORP", "GPE"})
TIMES = frozenset({"DATE", "TIME"})
PLACES = frozenset({"GPE", "LOC", "FAC"})
COUNTS = frozenset({"CARDINAL", "QUANTITY"})
AMOUNTS = frozenset({"MONEY", "PERCENT", "QUANTITY"})
NUMBERS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"})
RATES = frozenset({"PERCENT", "CARDINAL", "QUANTITY"})
_MEASURES = ("tonnes|tons|kilograms|kilos|kg|grams|pounds|ounces|barrels|litres|liters|gallons|miles|"
             "kilometres|kilometers|km|metres|meters|feet|inches|acres|hectares|megawatts|gigawatts")  # fmt: skip

_PLACE_NOUNS = "country|countries|city|cities|state|states|nation|nations|region|continent|town|province"
# Most specific first; each rule is (pattern on the lower-cased question, expected labels).
_RULES: list[tuple[re.Pattern[str], frozenset[str]]] = [
    # spaCy labels a span of time ("30 days", "two decades") DATE or TIME, not CARDINAL
    (re.compile(r"\bhow many (?:seconds|minutes|hours|days|weeks|months|years|decades|centuries)\b"), TIMES | COUNTS),
    # a measure's unit asks for a QUANTITY ("760 miles"), not a bare count of things
    (re.compile(rf"\bhow many (?:square |cubic )?(?:{_MEASURES})\b"), frozenset({"QUANTITY"})),
    (re.compile(r"\bhow many\b"), COUNTS),
    (re.compile(r"\bhow much\b"), AMOUNTS),
    (re.compile(r"\b(?:what|which) (?:percentage|percent|share|proportion|fraction)\b"), frozenset({"PERCENT"})),
    # "What did the flood cost?", "What did she pay for it?": the verb asks for an amount (but "spend it on?" a thing)
    (
        re.compile(
            r"\bwhat (?:did|does|do|will|would|could) (?:[\w'-]+ ){1,6}"
            r"(?:pay|cost|spend|charge|earn|owe)\b(?!.*\bon\W*$)"
        ),
        AMOUNTS,
    ),
    (re.compile(r"\b(?:what|which|how) (?:amount|sum|price|cost)\b|\bhow (?:large|big) (?:a|an|is|was)\b"), AMOUNTS),
    # "What is the price of X?", "What interest rate ...?": a price is money, a rate a share or a number
    (re.compile(r"\bwhat (?:is |was |are |were )?(?:the |its |their )?(?:\w+ )?(?:price|cost|fee|fare)s?\b"), AMOUNTS),
    (re.compile(r"\bwhat (?:is |was |are |were )?(?:the |its |their )?\w+ rates?\b"), RATES),
    (re.compile(r"\b(?:what|which|in what|in which) (?:year|decade|century|month|day|date|time|period|era)\b"), TIMES),
    # "What is the deadline for bids?": a deadline is a date
    (
        re.compile(
            r"\bwhat (?:is |was |are |were )?(?:the |its |their )?(?:\w+ )?(?:deadline|due date|closing date)s?\b"
        ),
        TIMES,
    ),
    (re.compile(r"\bwhen\b"), TIMES),
    (re.compile(r"\bhow (?:long|old)\b"), TIMES | COUNTS),
    (re.compile(r"\bwhere\b"), PLACES),
    (
        re.compile(rf"\b(?:what|which|in what|in which) (?:{_PLACE_NOUNS})\b"),
        PLACES,
    ),  # noqa: E501
    (re.compile(r"\b(?:what|which) (?:person|people|man|woman|official|company|organi[sz]ation|group)\b"), PEOPLE),
    (re.compile(r"\bwho(?:m|se)?\b"), PEOPLE),
    (re.compile(r"\bwhat (?:is|was|are|were) the (?:number|population|rate|level|size|total)\b"), NUMBERS),
]
# A question typed as a few words, without an asking word ("wren weight", "eu money for the mou"):
# the noun that names the value asks for its type. Most specific first.
_ASKING = re.compile(r"\b(?:who|whom|whose|what|whats|what's|when|when's|whens|where|which|why|how)\b")
_TERSE: list[tuple[re.Pattern[str], frozenset[str]]] = [
    (re.compile(r"%|\b(?:percent|percentage|share|proportion)\b"), frozenset({"PERCENT"})),
    (
        re.compile(
            r"\$|£|€|\b(?:money|cost|costs|price|prices|budget|funding|funds|payout|turnover|revenue|profit|"
            r"salary|pay|spend|spending|amount)\b"
        ),
        AMOUNTS,
    ),
    (re.compile(r"\b(?:number|headcount|count|sales)\b"), COUNTS),
    (re.compile(r"\b(?:deadline|date|year)\b"), TIMES),
    (re.compile(rf"\b(?:city|venue|location|{_PLACE_NOUNS})\b"), PLACES),
    # a size may be an area, a weight, a count or a sum ("size of the overdraft")
    (re.compile(rf"\b(?:weight|height|length|size|area|distance|floor space|{_MEASURES})\b"), NUMBERS),
]
_HOW_LONG = next(i for i, (pattern, _) in enumerate(_RULES) if pattern.pattern == r"\bhow (?:long|old)\b")
_SPAN = re.compile(
    r"\b(?:seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?|centur(?:y|ies))\b", re.I
)
_WHICH = re.compile(r"\b(?:which|what)\s+(?:kind of |type of |sort of )?([a-z][a-z-]+)")
_NOT_HEADS = frozenset("is was are were does did do has have had can could will would should the a an".split())


@dataclass(frozen=True)
class AnswerType:
    """The entity labels an answer should carry, and/or the head noun of the phrase asked for."""

    labels: frozenset[str] = frozenset()
    head: str | None = None
    duration: bool = False  # "how long": a date or time must be a span ("seven weeks"), not a day ("23 March")
    sort: bool = False  # "what kind / type / sort of X": a sort of X is asked, which "1 CATOBAR carrier" may hold

    @property
    def asked(self) -> bool:
        return bool(self.labels or self.head)


def answer_type(question: str) -> AnswerType:
    """The expected answer type of a question; empty when it asks for an explanation or nothing typed."""
    text = _main_clause(question.lower().replace("’", "'"))
    if re.search(r"\b(?:why|how (?:do|does|did|is|are|was|were|can|could))\b", text):
        return AnswerType()
    labels = _asked_labels(text) or (_terse_labels(text) if _ASKING.search(text) is None else frozenset())
    duration = labels == _RULES[_HOW_LONG][1] and _RULES[_HOW_LONG][0].search(text) is not None
    head = None if labels else _which_head(text)
    which = _WHICH.search(text)
    sort = head is not None and which is not None and " of " in which.group(0)
    return AnswerType(labels=labels, head=head, duration=duration, sort=sort)


def _terse_labels(text: str) -> frozenset[str]:
    """The labels a few typed words ask for by the noun naming the value ("headcount now" -> a count)."""
    return next((labels for pattern, labels in _TERSE if pattern.search(text)), frozenset())


def _asked_labels(text: str) -> frozenset[str]:
    """The labels of the rule matching earliest: the asking word, not a later clause, decides
    ("Who lent the money when the bank pulled its loan?" asks who); at the same place, the first rule."""
    found = [(m.start(), order) for order, (pattern, _) in enumerate(_RULES) if (m := pattern.search(text))]
    return _RULES[min(found)[1]][1] if found else frozenset()


_AUXILIARIES = "is|was|are|were|do|does|did|will|would|can|could|should|shall|has|have|had|may|might|must"
# "When rocks melt, what forms?": a leading clause (not "When is/did ..."), then the asking word.
_LEADING = re.compile(
    rf"^(?:when|after|before|if|while|once|as|since|during)\s+(?!(?:{_AUXILIARIES})\b)"
    r".*?\b(?=(?:what|which|who|whom|whose|where|how)\b)"
)


def _main_clause(text: str) -> str:
    """The question from its asking word on, past a leading clause: "When rocks melt, what forms?" asks what."""
    return _LEADING.sub("", text, count=1)


def _which_head(text: str) -> str | None:
    """The stem of X in "which X" / "what X" ("which treaty" -> "treati"), if X is a noun-like word."""
    match = _WHICH.search(text)
    if match is None or match.group(1) in _NOT_HEADS:
        return None
    found = stems(match.group(1))
    return found[0] if found else None


def is_span_of_time(text: str) -> bool:
    """A length of time ("seven weeks", "the next nine years", "a month"), not a point in it ("23 March 2020")."""
    return _SPAN.search(text) is not None


def is_year(text: str) -> bool:
    """A bare year ("1066", "in 911") that spaCy may label CARDINAL."""
    return re.fullmatch(r"(?:in |by )?\d{3,4}s?", text.strip()) is not None
