"""Rule-based fact extraction: money, shares, growth, counts, dates, events and commitments.

Pure and offline: general English patterns over the sentences of any document. Every fact
quotes its whole sentence verbatim, so `document.text[fact.start:fact.end] == fact.quote`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assistant.records import (
    CommitmentFact,
    CountFact,
    DateFact,
    Document,
    EventFact,
    Fact,
    GrowthFact,
    MoneyFact,
    Sentence,
    ShareFact,
)

_NUM = r"\d[\d,]*(?:\.\d+)?"
_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_NUMBER = rf"(?:{_NUM}|{'|'.join(_WORD_NUMBERS)})"
_SCALES = {"trillion": 10**12, "tn": 10**12, "billion": 10**9, "bn": 10**9, "b": 10**9, "million": 10**6,
           "m": 10**6, "thousand": 10**3, "k": 10**3}  # fmt: skip
# Tables write "$64M", "$1.2B", "$5K": capital letters count too ("b" alone only as "B")
_SCALE = r"(?:\s*(?P<scale>trillion|tn|billion|[bB][nN]|million|[mM]|thousand|[kK]|B)\b)?"
_SYMBOLS = {"US$": "USD", "$": "USD", "C$": "CAD", "A$": "AUD", "€": "EUR", "£": "GBP",
            "¥": "JPY", "USD": "USD", "EUR": "EUR", "GBP": "GBP", "dollars": "USD",
            "euros": "EUR", "pounds": "GBP", "yen": "JPY"}  # fmt: skip
_MONEY = [
    re.compile(rf"(?P<cur>US\$|C\$|A\$|\$|€|£|¥|\b(?:USD|EUR|GBP)\s?)(?P<num>{_NUM}){_SCALE}"),
    re.compile(rf"\b(?P<num>{_NUM}){_SCALE}\s+(?P<cur>dollars|euros|pounds|yen)\b"),
]
_PURPOSE = re.compile(r"(?:\s+from\s+[^,;]*?)?\s+(?:for|to fund|to finance|to build)\s+(.+)")
_PCT = r"\s*(?:%|\s?per\s?cent\b)"
_SHARES = [
    re.compile(rf"\bbetween\s+(?P<low>{_NUM})(?:{_PCT})?\s+and\s+(?P<high>{_NUM}){_PCT}"),
    re.compile(rf"(?<![\d.])(?P<low>{_NUM})(?:{_PCT})?\s*(?:to|-|–|—)\s*(?P<high>{_NUM}){_PCT}"),
    re.compile(rf"(?<![\d.])(?P<low>{_NUM}){_PCT}"),
]
_GROWTH_VERB = (r"\b(?:increase|rise|rose|risen|grow|grew|grown|growth|jump|surge|climb|expand"
                r"|soar|boost|gain)\w*")  # fmt: skip
_GROWTH_BEFORE = re.compile(rf"{_GROWTH_VERB}\s+(?:by\s+)?(?:(?P<bound>as much as|up to|at least|more than|over)\s+)?$")
_GROWTH_AFTER = re.compile(rf"^\s+{_GROWTH_VERB}")
_BOUNDS = {"as much as": "up to", "up to": "up to", "at least": "at least",
           "more than": "at least", "over": "at least"}  # fmt: skip
_MONTHS = {name.lower()[:3]: i for i, name in enumerate(calendar.month_name) if name}
_MONTH = r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*)\.?"
_DATES = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
]
_CAP = r"[A-Z][\w’'\-]*"
_NAME = rf"{_CAP}(?:\s+(?:(?:of|the|for)\s+)*(?:{_CAP}|(?:[A-Z]\.){{2,}}))*"
_EVENT_WORDS = ("Ministerial|Summit|Conference|Meeting|Forum|Talks|Dialogue|Council|Congress"
                "|Convention|Symposium|Assembly|Roundtable|Session|Retreat")  # fmt: skip
_EVENT = re.compile(rf"\b(?P<name>(?:{_CAP}\s+){{1,6}}(?:{_EVENT_WORDS}))\b")
_HOST = [
    re.compile(rf"\b(?P<host>{_NAME})\s+(?:hosted|convened|chaired|organi[sz]ed|opened)\b"),
    re.compile(rf"\b(?:hosted|convened|chaired|organi[sz]ed) by\s+(?P<host>{_NAME})"),
]
_INSTRUMENTS = {"memorandum of understanding": "memorandum of understanding",
                "mou": "memorandum of understanding", "action plan": "action plan",
                "agreement": "agreement", "treaty": "treaty", "accord": "accord",
                "framework": "framework", "partnership": "partnership", "deal": "deal"}  # fmt: skip
_INSTRUMENT = re.compile(r"\b(memorandum of understanding|MoU|MOU|action plan|agreement|treaty"
                         r"|accord|framework|partnership|deal)\b")  # fmt: skip
_DEADLINE = re.compile(
    rf"\b(?:within|in|over)\s+(?:the\s+)?(?:next\s+)?(?P<n>{_NUMBER})\s+"
    r"(?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|shall|plans? to|agreed to|pledged to|committed to|slated|set to)\b")
_PARTIES = re.compile(rf"\bwith\s+(?P<p>(?:the\s+)?{_NAME}(?:(?:,\s*|\s+and\s+|,\s+and\s+)"
                      rf"(?:the\s+)?{_NAME})*)")  # fmt: skip
_SUBJECT_PARTIES = re.compile(rf"(?P<p>{_NAME}(?:\s+and\s+(?:the\s+)?{_NAME})*)\s+(?:will|shall)\b")
_SCOPE = re.compile(r"\b(?:to|focusing on|focused on|covering|regarding|concerning|on)\s+"
                    r"(?P<scope>[^.;]+)")  # fmt: skip
_PHRASE_STOP = (r"(?:and|or|to|for|with|which|that|providing|by|in|on|at|as|while|who|is|are"
                r"|was|were|has|have|had|will|would|said|says)")  # fmt: skip
_PHRASE = re.compile(
    rf"(?P<np>(?:the\s+)?(?:(?:[A-Z]\.){{2,}}|[\w][\w’'&\-]*)"
    rf"(?:\s+(?!{_PHRASE_STOP}\b)(?:(?:[A-Z]\.){{2,}}|[\w][\w’'&\-]*))*)",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"(?<![\d.,$€£-])\b(?P<num>(?i:{_NUMBER}))\s+(?:(?P<adj>[a-z]+)\s+)?"
    r"(?P<unit>[a-z][a-z\-]*[^s\W]s)\b"
)
_NOT_NOUNS = {"times", "this", "thus", "plus", "less", "unless", "across", "perhaps", "always",
              "towards", "besides", "does", "goes", "was", "has", "its", "percent"}  # fmt: skip
_TIME_UNITS = {"days", "weeks", "months", "years", "decades", "hours", "minutes"}
_SUBJECT_TAIL = re.compile(
    r"(?:\s+(?:is|are|was|were|has|have|had|will|would|could|may|might|should|can|be|been"
    r"|projected|expected|forecast|set|likely|poised|to))+\s*$"
)
_LEAD = re.compile(r"^(?:the|a|an|particularly|especially|including|notably|and)\s+", re.I)
_SHARE_VERB = re.compile(r"(?:,\s*)?(?:\s+(?:which|that|who))?\s+(?:controls|holds|owns|has|"
                         r"accounts? for|produces|supplies|makes up|represents|commands|"
                         r"processes|refines|mines|control|hold|own|produce)\b[^,;]*$")  # fmt: skip


@dataclass(frozen=True)
class _Where:
    """The sentence being read, to turn match offsets into fact fields."""

    doc: Document
    sentence: Sentence

    def base(self, kind: str, offset: int) -> dict[str, Any]:
        s = self.sentence
        fact_id = f"{self.doc.doc_id}:{kind}:{s.start + offset}"
        return {"id": fact_id, "doc": self.doc.doc_id, "quote": s.text, "origin": "extracted",
                "start": s.start, "end": s.end}  # fmt: skip


def extract_facts(doc: Document, sentences: list[Sentence]) -> list[Fact]:
    """Every fact the patterns find in `sentences` of `doc`, in document order."""
    facts: list[Fact] = []
    last_date: dt.date | None = None  # the latest explicit date so far: kept, not searched for (linear time)
    for sentence in sentences:
        found = _sentence_facts(_Where(doc, sentence), last_date)
        last_date = next((f.date for f in reversed(found) if isinstance(f, DateFact)), last_date)
        facts.extend(found)
    return facts


def _sentence_facts(where: _Where, last_date: dt.date | None) -> list[Fact]:
    text = where.sentence.text
    money, taken = _money(where, text)
    dates = _dates(where, text)
    growth, grown = _growth(where, text)
    shares = _shares(where, text, taken + grown)
    taken += [(m.start(), m.end()) for p in _SHARES + _DATES for m in p.finditer(text)]
    anchor = _anchor(dates, last_date, where.doc)
    commitments = _commitments(where, text, anchor)
    taken += [(m.start(), m.end()) for m in _DEADLINE.finditer(text)]
    out: list[Fact] = [*money, *dates, *_events(where, text, dates), *growth, *shares]
    return out + _counts(where, text, taken) + commitments


def _number(raw: str) -> Decimal:
    return Decimal(_WORD_NUMBERS.get(raw.lower(), raw.replace(",", "")))


def _phrase(text: str) -> str | None:
    """The noun phrase at the start of `text`, without a leading article."""
    match = _PHRASE.match(text)
    if not match:
        return None
    phrase = _LEAD.sub("", match.group("np"))
    return phrase if re.search(r"(?:[A-Z]\.){2,}$", phrase) else phrase.rstrip(".")


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _money(where: _Where, text: str) -> tuple[list[Fact], list[tuple[int, int]]]:
    facts: list[Fact] = []
    spans: list[tuple[int, int]] = []
    for pattern in _MONEY:
        for m in pattern.finditer(text):
            if _overlaps((m.start(), m.end()), spans):  # "$10 billion dollars" is one amount
                continue
            scale = _SCALES.get((m.group("scale") or "").lower(), 1)
            rest = text[m.end() :]
            source = re.match(r"\s+from\s+(.+)", rest)
            purpose = _PURPOSE.match(rest)
            facts.append(MoneyFact(
                **where.base("money", m.start()),
                amount=_number(m.group("num")) * scale,
                currency=_SYMBOLS[m.group("cur").strip()],
                contributor=_phrase(source.group(1)) if source else None,
                purpose=_phrase(purpose.group(1)) if purpose else None,
            ))  # fmt: skip
            spans.append((m.start(), m.end()))
    return facts, spans


def _growth(where: _Where, text: str) -> tuple[list[Fact], list[tuple[int, int]]]:
    facts: list[Fact] = []
    spans: list[tuple[int, int]] = []
    for m in _SHARES[2].finditer(text):
        before = _GROWTH_BEFORE.search(text[: m.start()])
        if not before and not _GROWTH_AFTER.match(text[m.end() :]):
            continue
        bound = _BOUNDS.get(before.group("bound") or "", "exact") if before else "exact"
        subject = _subject(text[: before.start()]) if before else None
        facts.append(GrowthFact(**where.base("growth", m.start()), percent=_number(m.group("low")),
                                bound=bound, subject=subject))  # type: ignore[arg-type]  # fmt: skip
        spans.append((m.start(), m.end()))
    return facts, spans


def _subject(before: str) -> str | None:
    """The subject of a clause that ends in `before`, without auxiliaries and article."""
    clause = re.split(r"[,;:?!]\s|\.\s", before)[-1]
    clause = _LEAD.sub("", _SUBJECT_TAIL.sub("", clause).strip())
    return clause or None


def _shares(where: _Where, text: str, taken: list[tuple[int, int]]) -> list[Fact]:
    facts: list[Fact] = []
    for pattern in _SHARES:
        for m in pattern.finditer(text):
            if _overlaps((m.start(), m.end()), taken):
                continue
            taken.append((m.start(), m.end()))
            of = re.match(r"\s+of\s+(.+)", text[m.end() :])
            facts.append(ShareFact(
                **where.base("share", m.start()), low=_number(m.group("low")),
                high=_number(m.groupdict().get("high") or m.group("low")),
                holder=_holder(text[: m.start()]), of=_phrase(of.group(1)) if of else None,
            ))  # fmt: skip
    return facts


def _holder(before: str) -> str | None:
    """Who holds a share: the words before a verb like "controls" in "China, which controls"."""
    verb = _SHARE_VERB.search(before)
    if not verb:
        return None
    clause = re.split(r"[,;:–—(]\s*", before[: verb.start()])[-1].strip()
    words = _LEAD.sub("", clause).split()
    return " ".join(words[-4:]) if words else None


def _dates(where: _Where, text: str) -> list[Fact]:
    return [DateFact(**where.base("date", m.start()), date=date, label=_label(text, m)) for m, date in _dated(text)]


def dates_in(text: str) -> list[tuple[int, int, dt.date]]:
    """The calendar dates written out in `text` ("2 March 2026", "March 2, 2026", "2026-03-02"), with
    their offsets, in the order the patterns find them."""
    return [(m.start(), m.end(), date) for m, date in _dated(text)]


def _dated(text: str) -> list[tuple[re.Match[str], dt.date]]:
    found = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            month = m.group("month")
            number = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 0)
            try:
                found.append((m, dt.date(int(m.group("year")), number, int(m.group("day")))))
            except ValueError:
                continue
    return found


def _label(text: str, m: re.Match[str]) -> str:
    """A few words of the clause after a date, or before it when the date ends the clause."""
    after = re.split(r"[,;.]\s|[.]$", text[m.end() :].lstrip(", "))[0].split()[:12]
    before = re.split(r"[,;:]\s", text[: m.start()])[-1].split()[-12:]
    return " ".join(after or before)


def _events(where: _Where, text: str, dates: list[Fact]) -> list[Fact]:
    if not dates:
        return []
    facts: list[Fact] = []
    for m in _EVENT.finditer(text):
        name = re.sub(r"^(?:(?:The|On|At|In|During|A|An)\s+)+", "", m.group("name"))
        if " " not in name:
            continue
        host = next((h.group("host") for p in _HOST if (h := p.search(text))), None)
        facts.append(EventFact(**where.base("event", m.start()), name=name, date=dates[0].date, host=host))  # type: ignore[union-attr]
    return facts


def _anchor(dates: list[Fact], last_date: dt.date | None, doc: Document) -> dt.date | None:
    """The nearest explicit date stated so far (this sentence's last, else an earlier one), else the event date."""
    here = [f.date for f in dates if isinstance(f, DateFact)]
    return here[-1] if here else last_date or doc.event_date


def _commitments(where: _Where, text: str, anchor: dt.date | None) -> list[Fact]:
    instrument = _INSTRUMENT.search(text)
    deadline = _DEADLINE.search(text)
    if not instrument or not (deadline or _FUTURE.search(text)):
        return []
    after = text[instrument.end() :]
    parties = _PARTIES.search(after) or _SUBJECT_PARTIES.search(text[: instrument.start()])
    scope_from = parties.end() if parties and parties.string is after else 0
    scope = _SCOPE.search(after, scope_from)
    if parties is not None:
        shift = instrument.end() if parties.string is after else 0
        named = _named(where, shift + parties.start("p"), shift + parties.end("p"))
        names = named or _split_parties(parties.group("p"))
    else:  # no "with X and Y": the names spaCy found after the instrument, before its scope
        names = _named(where, instrument.end(), instrument.end() + (scope.start() if scope else len(after)))
    fact = CommitmentFact(
        **where.base("commitment", instrument.start()),
        parties=names,
        instrument=_INSTRUMENTS[instrument.group(1).lower()],
        scope=scope.group("scope").strip() if scope else None,
        due_days=_due_days(deadline) if deadline else None,
        anchor_date=anchor,
    )
    return [fact]


_PARTY_LABELS = frozenset({"GPE", "ORG", "NORP", "PERSON"})


def _named(where: _Where, lo: int, hi: int) -> list[str]:
    """The names spaCy tagged between two offsets of the sentence, without a leading "the"."""
    base = where.sentence.start
    spans = [m for m in where.sentence.mentions if m.label in _PARTY_LABELS and lo <= m.start - base < hi]
    return list(dict.fromkeys(re.sub(r"^the\s+", "", m.text, flags=re.I) for m in spans))


def _split_parties(raw: str) -> list[str]:
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+", raw)
    return [re.sub(r"^the\s+", "", name.strip()) for name in names if name.strip()]


_ANCHOR = r"\s+(?:the\s+)?(?P<anchor>[\w’'\-]+(?:\s+[\w’'\-]+){0,5})"
_RELATIVE = re.compile(rf"{_DEADLINE.pattern}\s+(?:of|after|from|following){_ANCHOR}", re.IGNORECASE)
# a span someone is given from a thing: "Residents have 30 days from the announcement" (not "had 6 weeks of talks")
_GIVEN = re.compile(
    rf"\b(?:have|has|had|get|gets|given)\s+(?P<n>{_NUMBER})\s+(?P<unit>day|week)s?\s+(?:after|from|following){_ANCHOR}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RelativeDeadline:
    """ "within 6 weeks of the summit": the days, and the words naming what they count from."""

    days: int
    anchor: tuple[str, ...]  # lower-case words after "of the", up to the first function word
    start: int  # offsets of the whole phrase in the text
    end: int


def relative_deadline(text: str) -> RelativeDeadline | None:
    """The first deadline counted from a named thing ("within 6 weeks after the summit", "have 30 days
    from the announcement"); months and years have no fixed length, so they give None, as does a
    deadline without "of/after X"."""
    found = [m for p in (_RELATIVE, _GIVEN) if (m := p.search(text))]
    m = min(found, key=lambda f: f.start()) if found else None
    days = _due_days(m) if m else None
    if m is None or days is None:
        return None
    words: list[str] = []
    for word in m.group("anchor").lower().split():
        if re.fullmatch(_PHRASE_STOP, word) or word in {"of", "the", "a", "an", "its", "their"}:
            break
        words.append(word)
    return RelativeDeadline(days, tuple(words), m.start(), m.end()) if words else None


def _due_days(deadline: re.Match[str]) -> int | None:
    """Days until the deadline; months and years have no fixed length, so they give None."""
    per_unit = {"day": 1, "week": 7}.get(deadline.group("unit").lower())
    return int(_number(deadline.group("n"))) * per_unit if per_unit else None


def _counts(where: _Where, text: str, taken: list[tuple[int, int]]) -> list[Fact]:
    facts: list[Fact] = []
    for m in _COUNT.finditer(text):
        unit = m.group("unit")
        value = _number(m.group("num"))
        if _skip_count(m, value, unit, taken):
            continue
        clause = re.split(r"[,;:–—]\s", text[: m.start()])[-1] + m.group()
        clause += re.split(r"[,;:.–—]\s|[.]$", text[m.end() :])[0]
        facts.append(CountFact(**where.base("count", m.start()), value=int(value), unit=unit,
                               context=clause.strip()))  # fmt: skip
    return facts


def _skip_count(m: re.Match[str], value: Decimal, unit: str, taken: list[tuple[int, int]]) -> bool:
    """Years, money, percents, dates and deadlines are not counts of things."""
    year_like = "," not in m.group("num") and 1800 <= value <= 2199 and value == int(value)
    return (
        unit.lower() in _NOT_NOUNS | _TIME_UNITS
        or (m.group("adj") or "") in _NOT_NOUNS
        or year_like
        or value != int(value)
        or _overlaps((m.start(), m.end()), taken)
    )


def _same_value(a: Fact, b: Fact) -> bool:
    fields = {"money": ("amount",), "date": ("date",), "event": ("date",), "share": ("low", "high"),
              "count": ("value",), "commitment": ("due_days",), "growth": ("percent",)}  # fmt: skip
    return all(getattr(a, f, None) == getattr(b, f, None) for f in fields[a.kind])


def _same_place(curated: Fact, extracted: Fact) -> bool:
    if curated.doc != extracted.doc:
        return False
    if None not in (curated.start, curated.end, extracted.start, extracted.end):
        return _overlaps((curated.start, curated.end), [(extracted.start, extracted.end)])  # type: ignore[arg-type,list-item]
    return curated.quote in extracted.quote or extracted.quote in curated.quote


def merge_facts(curated: list[Fact], extracted: list[Fact]) -> list[Fact]:
    """Curated facts first, then extracted facts that no curated fact already states."""

    def covered(fact: Fact) -> bool:
        return any(
            (c.kind == fact.kind or (c.kind, fact.kind) == ("event", "date"))
            and _same_place(c, fact)
            and _same_value(fact, c)
            for c in curated
        )

    return [*curated, *(fact for fact in extracted if not covered(fact))]
