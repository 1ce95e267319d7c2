"""Sources that disagree: different values for the same thing in different sentences.

Pure: it reads the sentences chosen for an answer, the entity spans spaCy stored with them at
ingestion, and the extracted facts. "The same thing" is a value of one kind (an amount of money,
a date, a count, an actor) that the question asks about, in a passage that shares the question's
most specific word the answer's passage uses, with nothing that tells the two apart: not a
different purpose or contributor (money), year (any), unit (counts), or action (actors).
A rounded figure ("about $1.67 billion, a figure other outlets round to $2 billion") against an
exact one is a disagreement too: the briefer should see both.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from assistant.cache import of_facts
from assistant.ingest.lexicon import stems
from assistant.records import CountFact, Fact, Mention, MoneyFact, Sentence

Kind = Literal["money", "date", "count", "actor"]
NOUNS: dict[str, str] = {"money": "amount", "date": "date", "count": "number", "actor": "who"}
LABELS: dict[Kind, frozenset[str]] = {
    "money": frozenset({"MONEY"}),
    "date": frozenset({"DATE"}),
    "count": frozenset({"CARDINAL", "QUANTITY"}),
    "actor": frozenset({"PERSON", "ORG", "NORP"}),
}
_SCALES = {"trillion": 10**12, "tn": 10**12, "billion": 10**9, "bn": 10**9, "million": 10**6,
           "m": 10**6, "thousand": 10**3, "k": 10**3}  # fmt: skip
_AMOUNT = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>trillion|tn|billion|bn|million|m|thousand|k)?\b", re.I)
_CURRENCY = re.compile(r"US\$|C\$|A\$|\$|€|£|¥|\b(?:USD|EUR|GBP|dollars?|euros?|pounds?|yen)\b", re.I)
_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100}  # fmt: skip
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b\.?\s*(\d{1,2}(?!\d))?", re.I)
_LEADING = re.compile(r"^(?:(?:an?|the|additional|another|roughly\s+the)\s+)+", re.I)
_AUXILIARIES = frozenset("has have had was were is are also then first formally".split())
# An answer shows at most this many values of one disagreement (each cited); the rest are counted
# ("and 3 more"), so a corpus of many near-copies cannot bury the answer under citations.
MAX_SHOWN_VALUES = 5
_TITLES = re.compile(r"^(?:the|president|secretary|minister|prime|vice|mr|ms|mrs|dr)\.?\s+", re.I)


@dataclass(frozen=True)
class Passage:
    """A sentence and the stems of what it leans on: itself and its heading, and its paragraph predecessor.

    The predecessor lends its words only when it states no value of its own of the kind at hand: a
    topic sentence ("Private money is smaller than first described.") introduces the figure after
    it, but a sentence with its own figure is about its own thing.
    """

    sentence: Sentence
    context: frozenset[str]
    previous: Sentence | None = None
    previous_stems: frozenset[str] = frozenset()

    def uses(self, stem: str, kind: Kind) -> bool:
        """The passage speaks of `stem`, in the sentence, its heading, or a predecessor without its own value."""
        if stem in self.context:
            return True
        return stem in self.previous_stems and self.previous is not None and not claims(self.previous, kind)


@dataclass(frozen=True)
class Claim:
    """A value of one kind stated by a sentence: `sentence` text at [start:end] (document offsets) is `value`."""

    kind: Kind
    value: str
    key: tuple[object, ...]
    sentence: Sentence
    start: int
    end: int
    detail: frozenset[str] = frozenset()  # stems of what the value is for / from / counts (from the facts)


@dataclass(frozen=True)
class Disagreement:
    """The answer's claim and the claims of other sentences that give another value for the same thing."""

    kind: Kind
    thing: str
    claims: tuple[Claim, ...]


def acting(sentence: Sentence, weights: Mapping[str, float], facts: Sequence[Fact] = ()) -> Claim | None:
    """Without a short answer: the actor of the sentence whose action the question names ("Which firm designed")."""
    return next((c for c in claims(sentence, "actor", facts) if _action(c) in weights), None)


def kind_of(mention: Mention) -> Kind | None:
    """The kind of value an entity mention gives (MONEY -> money, PERSON -> actor, ...), if any."""
    return next((k for k, labels in LABELS.items() if mention.label in labels), None)


def claims(sentence: Sentence, kind: Kind, facts: Sequence[Fact] = ()) -> list[Claim]:
    """Every value of `kind` that spaCy tagged in the sentence, parsed, with its facts' details."""
    out = []
    for m in sentence.mentions:
        if m.label not in LABELS[kind]:
            continue
        key = _key(kind, m.text)
        shown = _phrase_of(sentence, m) if kind == "actor" else m
        lead = len(found[0]) if (found := _LEADING.match(shown.text)) else 0
        text = shown.text[lead:].rstrip(" ,.;:")
        if key is not None and text:
            claim = Claim(kind, text, key, sentence, shown.start + lead, shown.start + lead + len(text))
            out.append(_with_detail(claim, facts))
    return out


def _phrase_of(sentence: Sentence, name: Mention) -> Mention:
    """The noun phrase a name heads or qualifies ("the Biden administration"), else the name itself."""
    around = [m for m in sentence.mentions if m.label == "NP" and m.start <= name.start and name.end <= m.end]
    return min(around, key=lambda m: m.end - m.start, default=name)


def anchor(weights: Mapping[str, float], answer: Claim, best: Passage) -> str | None:
    """The rarest question term the answer's passage uses, outside the answer's own words: the thing's thread.

    `weights` are the question's terms with their rarity (IDF).
    """
    return next(iter(anchors(weights, answer, best)), None)


def anchors(weights: Mapping[str, float], answer: Claim, best: Passage) -> list[str]:
    """Every question term the answer's passage uses outside the answer's own words, rarest first.

    The rarest is the thread; the next is tried only where no other document uses the rarer one
    at all (one document's own wording, "private sector" where another says "private money").
    """
    own = {t for m in answer.sentence.mentions if m.start < answer.end and answer.start < m.end for t in stems(m.text)}
    if answer.kind == "actor":  # the same actor for the same action: the action is the thread
        action = _action(answer)
        return [action] if action is not None and action in weights else []
    shared = [t for t in weights if best.uses(t, answer.kind) and t not in own]
    return sorted(shared, key=lambda t: (weights[t], t), reverse=True)


def shown(values: Sequence[Claim], limit: int = MAX_SHOWN_VALUES) -> tuple[list[Claim], int]:
    """The values an answer shows, each different value once before any repeat, and how many are left out."""
    firsts = {v.value: v for v in reversed(values)}  # the first claim of each value wins
    distinct = [v for v in values if firsts[v.value] is v]
    ordered = distinct + [v for v in values if firsts[v.value] is not v]
    return ordered[:limit], max(0, len(values) - limit)


def same_subject(
    terms: Mapping[str, float], thread: str, docs: tuple[str, str], uses: Callable[[str, str], bool]
) -> bool:
    """Two documents speak of the question's subject: besides the thread they share a question word, or differ in none.

    `uses(term, doc)` tells whether a document uses a term anywhere. A common word ("open") ties a
    heat plan's cooling centres to a broadband fund's applications only in name; one document's own
    wording ("private sector" where another says "private money") still shares "reserve".
    """
    if docs[0] == docs[1]:
        return True
    others = {t: (uses(t, docs[0]), uses(t, docs[1])) for t in terms if t != thread}
    if all(a == b for a, b in others.values()):
        return True
    return any(a and b for a, b in others.values())


def names_alike(terms: Mapping[str, float], thread: str, answer: Claim, other: Passage) -> bool:
    """The other passage uses the question words that name what the answer's value belongs to.

    Those are the head of the noun phrase that opens the answer's sentence ("The council has set
    aside $4 million" -> council, not the government's $250 million) and, for an actor, every
    question word of its sentence (who signed the heat plan, not the marina lease).
    """
    s = answer.sentence
    if answer.kind == "actor":
        words = set(stems(s.text))
    else:
        opening = min((m for m in s.mentions if m.label == "NP" and m.end <= answer.start), key=lambda m: m.start,
                      default=None)  # fmt: skip
        words = set(stems(opening.head)) if opening is not None and opening.head else set()
    return all(other.uses(t, answer.kind) for t in words & terms.keys() if t != thread)


def elsewhere(thread: str, answer: Claim, others: Iterable[Passage]) -> bool:
    """Whether a passage of another document than the answer's speaks of `thread`."""
    return any(o.sentence.doc_id != answer.sentence.doc_id and o.uses(thread, answer.kind) for o in others)


def detect(
    thread: str, answer: Claim, best: Passage, others: Sequence[Passage], facts: Sequence[Fact] = ()
) -> Disagreement | None:
    """The values other passages tied to the answer by `thread` (a stem) give for its thing, where they differ."""
    found: dict[tuple[object, ...], Claim] = {}
    labels = LABELS[answer.kind]
    for other in others:
        if not any(m.label in labels for m in other.sentence.mentions):
            continue  # no value of the kind at all (the thread word may be in thousands of sentences)
        if other.sentence == answer.sentence or not other.uses(thread, answer.kind):
            continue
        if answer.kind == "actor" and _position(other.sentence, thread) is None:
            continue  # the same action is named in the sentence itself, not only around it
        rival = _rival(answer, other, thread, facts)
        if rival is not None and rival.key != answer.key:
            found.setdefault(rival.key, rival)
    if not found:
        return None
    thing = f"{NOUNS[answer.kind]}: {_word_for(thread, best)}"
    return Disagreement(answer.kind, thing, (answer, *found.values()))


def _rival(answer: Claim, other: Passage, anchor: str, facts: Sequence[Fact]) -> Claim | None:
    """The value `other` gives for the same thing as `answer`: nearest the anchor word, else its first."""
    fits = [c for c in claims(other.sentence, answer.kind, facts) if same_thing(answer, c)]
    if not fits:
        return None
    if answer.kind == "actor":
        return next((c for c in fits if _action(c) == anchor), None)
    at = _position(other.sentence, anchor)
    if at is None:
        return fits[0]
    return min(fits, key=lambda c: abs(c.start - at))


def _action(claim: Claim) -> str | None:
    """The stem of the word that follows an actor's phrase: what it did ("Trump launched" -> "launch")."""
    s = claim.sentence
    end = max([m.end for m in s.mentions if m.start <= claim.start < m.end] + [claim.end])
    words = re.findall(r"[A-Za-z][\w’'-]*", s.text[end - s.start :])[:3]
    verb = next((w for w in words if w.lower() not in _AUXILIARIES and not w.endswith("ly")), None)
    found = stems(verb) if verb else []
    return found[0] if found else None


def same_thing(a: Claim, b: Claim) -> bool:
    """Nothing tells the two values apart as being about different things."""
    if a.kind != b.kind or a.sentence == b.sentence:
        return False
    if a.detail and b.detail and not a.detail & b.detail:
        return False  # different purposes, contributors or units
    years_a, years_b = _years(a), _years(b)
    if years_a and years_b and not years_a & years_b:
        return False  # different years
    if a.kind == "count" and not a.detail & b.detail:
        return False  # a count is of something: 54 nations and 43 delegates are two counts
    if a.kind == "date":
        return a.key[0] == b.key[0]  # a date in another year is another event
    if a.kind == "actor":
        return not set(a.key) & set(b.key)  # "President Trump" and "Trump" are one actor
    return True


def _years(c: Claim) -> frozenset[str]:
    """Years the sentence mentions outside the value itself (a date's own year is its key)."""
    s = c.sentence
    text = s.text[: c.start - s.start] + " " + s.text[c.end - s.start :]
    return frozenset(_YEAR.findall(text))


def _key(kind: Kind, text: str) -> tuple[object, ...] | None:
    if kind == "money":
        return _money(text)
    if kind == "date":
        return _date(text)
    if kind == "count":
        return _count(text)
    words = [w for w in re.findall(r"[A-Z][\w’'-]+", _TITLES.sub("", text)) if w.lower() not in {"the"}]
    return tuple(w.lower() for w in words) or None


def _money(text: str) -> tuple[object, ...] | None:
    currency, amount = _CURRENCY.search(text), _AMOUNT.search(text)
    if currency is None or amount is None:
        return None
    try:
        value = Decimal(amount["num"].replace(",", "")) * _SCALES.get((amount["scale"] or "").lower(), 1)
    except InvalidOperation:
        return None
    symbol = currency[0].lower().rstrip("s")
    return ("$" if symbol in {"$", "us$", "usd", "dollar"} else symbol, value.normalize())


def _date(text: str) -> tuple[object, ...] | None:
    year = _YEAR.search(text)
    if year is None:
        return None
    month = _MONTH.search(text)
    day = int(month[2]) if month and month[2] else None
    return (int(year[1]), _MONTHS[month[1].lower()] if month else None, day)


def _count(text: str) -> tuple[object, ...] | None:
    if _YEAR.fullmatch(text.strip()):
        return None
    digits = re.search(r"\d[\d,]*", text)
    if digits:
        return (int(digits[0].replace(",", "")),)
    word = next((w for w in re.findall(r"[a-z]+", text.lower()) if w in _WORDS), None)
    return (_WORDS[word],) if word else None


def _with_detail(claim: Claim, facts: Sequence[Fact]) -> Claim:
    """What the value is for, from, or counts: from the fact stating it, else the word after a count."""
    s = claim.sentence
    mine = _stated_at(facts).get((s.doc_id, s.start), ())
    detail: list[str] = []
    for f in mine:
        if isinstance(f, MoneyFact) and claim.kind == "money" and (f.amount.normalize(),) == claim.key[1:]:
            detail += [w for part in (f.purpose, f.contributor) if part for w in stems(part)]
        if isinstance(f, CountFact) and claim.kind == "count" and (f.value,) == claim.key:
            detail += stems(f.unit)
    if claim.kind == "count" and not detail:
        detail = _unit(claim)
    return Claim(claim.kind, claim.value, claim.key, s, claim.start, claim.end, frozenset(detail))


@of_facts
def _stated_at(facts: Sequence[Fact]) -> dict[tuple[str, int | None], list[Fact]]:
    """(document, start offset) -> the facts that start there, in order."""
    found: dict[tuple[str, int | None], list[Fact]] = {}
    for f in facts:
        found.setdefault((f.doc, f.start), []).append(f)
    return found


def _unit(claim: Claim) -> list[str]:
    """What a count counts: the head of its noun chunk ("54 nations"), or of the next one ("43 of the delegates")."""
    chunks = sorted(
        (m for m in claim.sentence.mentions if m.label == "NP" and m.end > claim.start), key=lambda m: m.start
    )
    for m in chunks:
        if m.start > claim.end + 12:
            break
        if m.head and not m.head[:1].isdigit() and m.head not in _WORDS:
            return stems(m.head)
    return []


def _position(sentence: Sentence, stem: str) -> int | None:
    """The document offset of the first word of the sentence whose stem is `stem`."""
    for m in re.finditer(r"[\w’'-]+", sentence.text):
        if stem in _word_stems(m[0]):
            return sentence.start + m.start()
    return None


@lru_cache(maxsize=65536)
def _word_stems(word: str) -> tuple[str, ...]:
    return tuple(stems(word))


def _word_for(stem: str, passage: Passage) -> str:
    """The word of the answer's sentence behind a stem, as written ("private"), else the stem."""
    at = _position(passage.sentence, stem)
    if at is None:
        return stem
    text = passage.sentence.text[at - passage.sentence.start :]
    return re.match(r"[\w’'-]+", text)[0]  # type: ignore[index]
