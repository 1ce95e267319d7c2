"""Question understanding by rules: what a question asks (intent) and about what (entities).

Entities are the names that occur in the given facts (parties, instruments, contributors, ...),
matched through alias tables (assistant.calculate.aliases), case-insensitively and tolerant of small
misspellings; nothing here knows any particular document. Follow-ups are assistant.chat.conversation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from assistant.cache import of_facts
from assistant.calculate.aliases import STOP, Aliases
from assistant.ingest.lexicon import closest
from assistant.records import CommitmentFact, Fact

Intent = Literal[
    "due_date", "days_remaining", "days_since", "has_passed", "days_between", "first_deadline",
    "event_date", "money_amount", "money_sum", "money_difference", "money_ratio", "money_share",
    "share_complement", "share_value", "growth_multiplier", "count", "partners_list",
    "partners_count", "agreements_count", "unsupported_figure",
]  # fmt: skip
Role = Literal[
    "parties", "instruments", "contributors", "purposes", "events", "holders", "topics", "units",
    "subjects",
]  # fmt: skip

# Which fact attribute fills each entity role.
ROLES: dict[str, tuple[str, Callable[[Any], Iterable[str | None]]]] = {
    "parties": ("commitment", lambda f: f.parties),
    "instruments": ("commitment", lambda f: [f.instrument]),
    "contributors": ("money", lambda f: [f.contributor]),
    "purposes": ("money", lambda f: [f.purpose]),
    "events": ("event", lambda f: [f.name]),
    "holders": ("share", lambda f: [f.holder]),
    "topics": ("share", lambda f: [f.of]),
    "units": ("count", lambda f: [f.unit]),
    "subjects": ("growth", lambda f: [f.subject]),
}
GROUPS = {"commitment", "money", "event", "share", "count", "growth"}

KEYWORDS = frozenset(
    """deadline due date days day weeks left remain remaining until passed pass expired overdue
    missed lapsed past first earliest sooner earlier next total combined altogether sum together
    difference more less times ratio share percent proportion fraction portion control controls
    partners partner parties sign signed signing agreement commitments long since ago elapsed
    between apart separate after before funding money contributing contribution contribute
    provides provide backed backing invested investment dollars billion million level rate size
    amount price value figure high large big low increase grow growth reach multiple fold held
    hold holds attend attended attending held host hosted""".split()
)
MEASURES = frozenset(
    """barrels tons tonnes ounces pounds kilograms kg acres megawatts gigawatts jobs people euros
    yen yuan rupees""".split()
)
ARTICLE_WORDS = frozenset(
    """united union bank sector republic kingdom states ministerial reserve fund administration
    government council commission summit conference ministry department agency""".split()
)
WORD = re.compile(r"[a-z0-9]+")


class Query(BaseModel):
    """What a question asks, about which names in the facts, and the text to retrieve with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str
    text: str
    intent: Intent | None = None
    parties: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    holders: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # capitalised names that match no fact ("Brazil")
    missing: str | None = None  # what an unsupported_figure question asks for ("price floor")
    follow_up: bool = False

    def entities(self, group: str | None = None) -> dict[str, tuple[str, ...]]:
        """Non-empty entity roles, optionally only those of one fact kind."""
        return {
            r: getattr(self, r) for r, (g, _) in ROLES.items()
            if getattr(self, r) and group in (None, g)
        }  # fmt: skip

    def groups(self) -> set[str]:
        return {ROLES[r][0] for r in self.entities()}


# --- the names in the facts ---------------------------------------------------------------

_LEXICONS: dict[tuple[int, int], tuple[Sequence[Fact], Aliases, Lexicon]] = {}


def lexicon_for(facts: Sequence[Fact], aliases: Aliases) -> Lexicon:
    """The Lexicon of these facts and aliases, built once per (facts, aliases) pair of objects."""
    key = (id(facts), id(aliases))
    cached = _LEXICONS.get(key)
    if cached is None or cached[0] is not facts or cached[1] is not aliases:
        if len(_LEXICONS) >= 8:
            _LEXICONS.clear()
        cached = _LEXICONS[key] = (facts, aliases, Lexicon(facts, aliases))
    return cached[2]


class Lexicon:
    """The names of the facts by role, as canonical word sets, plus the words we know."""

    def __init__(self, facts: Sequence[Fact], aliases: Aliases) -> None:
        self.aliases = aliases
        # (role, name, content words), in first-seen order; a dict keeps membership tests O(1)
        names: dict[tuple[str, str, frozenset[str]], None] = {}
        for role, (kind, get) in ROLES.items():
            for fact in facts:
                for name in get(fact) if fact.kind == kind else ():
                    words = frozenset(self.words(name)) - STOP if name else frozenset()
                    if words:
                        names[(role, name, words)] = None  # type: ignore[index]
        self.names = list(names)
        self.counts = Counter(w for ws in {n[2] for n in self.names} for w in ws)
        self.name_words = set(self.counts)
        self._sorted_names = sorted(self.name_words)
        alias_words = {w for a in aliases.groups.items() for w in WORD.findall(str(a).lower())}
        quoted = {w for f in facts for w in self.words(f.quote)}  # named, if not as an entity
        self.familiar = self.name_words | quoted | STOP | KEYWORDS  # what the sources mention
        self.known = self.familiar | alias_words  # what is not a misspelling

    def words(self, text: str) -> list[str]:
        text = re.sub(r"'s\b", "", self.aliases.canonical(text)).replace("%", " percent ")  # "exim % of reserve"
        return WORD.findall(text)

    def tokens(self, question: str) -> list[str]:
        """Canonical words of a question, misspelled names mended."""
        return [self._mend(w) for w in self.words(question)]

    def _mend(self, word: str) -> str:
        if word in self.known or len(word) < 4 or word.isdigit():
            return word
        cutoff = 0.8 if len(word) > 4 else 0.85  # short words: one slip only ("chna" -> "china")
        return closest(word, self._sorted_names, cutoff * 100) or word

    def entities(self, tokens: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Names whose words all occur, or one of whose distinctive words occurs."""
        present = set(tokens)
        found: dict[str, list[str]] = {}
        for role, name, words in self.names:
            distinctive = any(self.counts[w] == 1 for w in words & present)
            if words <= present or distinctive:
                found.setdefault(role, []).append(name)
        return {r: tuple(ns) for r, ns in found.items()}

    def unknown(self, question: str) -> tuple[str, ...]:
        """Capitalised words that are neither names in the facts nor ordinary words."""
        out = []
        for match in re.finditer(r"[A-Z][A-Za-z\-]+|[A-Z](?:\.[A-Z])+\.?", question):
            raw = match.group()
            if question[: match.start()].rstrip()[-1:] in ("", ".", "!", "?", ":"):
                continue  # a capital at the start of a sentence is not evidence of a name
            parts = [self._mend(p) for p in self.words(raw)]
            if parts and not all(p in self.familiar for p in parts) and raw not in out:
                out.append(raw)
        return tuple(out)


# --- intents --------------------------------------------------------------------------------


def _has(text: str, pattern: str) -> bool:
    return re.search(rf"\b(?:{pattern})\b", text) is not None


MONEY = r"money|funding|funds?|funded|dollars?|billions?|millions?|contribut\w*|backed|backing|"
MONEY += r"invest\w*|financ\w*|pledg\w*|put in"
DEADLINE = r"deadline|due|by when|what date|when|date"
DUE = r"deadlines?|due|expires?|signed|comes? first|falls? due"
SHARE = r"share|percent|proportion|fraction|portion|how much|control\w*|hold\w*|held|own\w*"
GROWTH = r"times|multiple|fold|how much|increase\w*|grow\w*|rise|reach\w*|percent|by how"
FIGURE = r"how (?:much|many|big|large|high|low)|level|rate|size|price|amount|figure|value|volume"


def _intent(text: str, groups: set[str], units_known: set[str]) -> Intent | None:
    """The first rule that fits, most specific first; `text` is canonical words joined."""
    dated = bool(groups & {"commitment", "event"}) or _has(text, DEADLINE)
    money = "money" in groups or _has(text, MONEY)
    measure = next((w for w in text.split() if w in MEASURES and w not in units_known), None)
    if _has(text, r"why|explain|describe"):
        return None  # reasons and explanations are for retrieval, whatever the names
    if measure:
        return "unsupported_figure"
    days = _has(text, r"days?|weeks?|how long|how much time")
    counting = _has(
        text, r"left|remain\w*|until|till|since|ago|between|apart|before|after|away|have|has|to go|from now|from today"
    )
    # "How long was the summit?" asks how long it lasted, which the documents may state; only a
    # question that counts to or from a point ("how long until", "how long ago") is a day count
    spanned = _has(text, r"how long|how much time") and not counting
    if days and not spanned and (dated or counting):
        if _has(text, r"between|apart|separate|separates|after .* (?:due|deadline)|from .* to"):
            return "days_between"
        if _has(text, r"since|ago|elapsed") or (_has(text, "passed") and "event" in groups):
            return "days_since"
        return "days_remaining"
    if _has(text, r"passed|pass|expired|overdue|missed|lapsed|past|still open|over") and dated:
        return "has_passed"
    if _has(text, r"first|earliest|sooner|earlier|soonest|next") and _has(text, DUE):
        return "first_deadline"
    if money:
        for intent, pattern in _MONEY_RULES:
            if _has(text, pattern):
                return intent
    if "share" in groups and _has(text, SHARE):
        negated = _has(text, r"not|don t|doesn t|other|rest|remaining|remainder|outside|left|non")
        return "share_complement" if negated else "share_value"
    if "growth" in groups and _has(text, GROWTH):
        return "growth_multiplier"
    return _count_intent(text, groups) or _date_intent(text, groups, money)


_MONEY_RULES: list[tuple[Intent, str]] = [
    ("money_share", r"share|percent|proportion|fraction|portion"),
    ("money_ratio", r"times|ratio|multiple"),
    ("money_difference", r"how much (?:more|less)|(?:more|less) .*than|difference|gap|exceed\w*"),
    ("money_sum", r"total|combined|altogether|sum|together|in all|overall"),
]


def _count_intent(text: str, groups: set[str]) -> Intent | None:
    if _has(text, r"how many"):
        if _has(text, r"how many (?:\w+ )?(?:agreement|commitments|instruments|partnerships)"):
            return "agreements_count"
        named = "commitment" in groups and _has(text, r"how many nations|sign\w*")
        if _has(text, r"how many (?:partners?|parties)") or named:
            return "partners_count"
        if "count" in groups:
            return "count"
    if "commitment" in groups or _has(text, r"partners?|agreement|sign\w*"):
        if _has(text, r"which|who|whom") and _has(text, r"partners?|parties|nations|with|sign\w*"):
            return "partners_list"
    return None


def _date_intent(text: str, groups: set[str], money: bool) -> Intent | None:
    if _has(text, DEADLINE):
        if "commitment" in groups or _has(text, r"deadline|due|by when"):
            return "due_date"
        if "event" in groups:
            return "event_date"
    if money and _has(text, r"how much|what amount|contribut\w*|provid\w*|funding"):
        return "money_amount"
    if _has(text, FIGURE):
        return "unsupported_figure"
    return None


SCAFFOLD = frozenset("how big large high low level size amount figure value volume number".split())


def _missing(tokens: list[str], lexicon: Lexicon, found: dict[str, tuple[str, ...]]) -> str:
    """What an unsupported figure question asks for: its longest run of unexplained words."""
    measure = next((w for w in tokens if w in MEASURES), None)
    if measure:
        name = next(iter(found.values()), ("",))[0]
        return f"{name} in {measure}".strip()
    runs: list[list[str]] = []
    run: list[str] = []
    for word in [*tokens, ""]:
        if word and word not in STOP | SCAFFOLD and word not in lexicon.name_words:
            run.append(word)
        elif run:
            runs.append(run)
            run = []
    if runs:
        return " ".join(max(runs, key=lambda words: len(list(words))))
    asked = next((w for w in tokens if w in SCAFFOLD - {"how"}), "figure")
    name = next(iter(found.values()), ("",))[0]
    return f"{asked} of {the(name)}" if name else "that figure"


def understand(question: str, facts: Sequence[Fact], aliases: Aliases) -> Query:
    """Intent and entities of one question on its own."""
    return parse(question, lexicon_for(facts, aliases))


def parse(question: str, lexicon: Lexicon, context: frozenset[str] = frozenset()) -> Query:
    """`context`: fact kinds the conversation is about, for questions that name none."""
    tokens = lexicon.tokens(question)
    found = lexicon.entities(tokens)
    groups = {ROLES[r][0] for r in found} | context
    units = {w for r, _, ws in lexicon.names if r == "units" for w in ws}
    intent = _intent(" ".join(tokens), groups, units)
    missing = _missing(tokens, lexicon, found) if intent == "unsupported_figure" else None
    return Query(
        question=question, text=question, intent=intent, unknown=lexicon.unknown(question),
        missing=missing, **found,  # type: ignore[arg-type]  # roles are tuple fields of Query
    )  # fmt: skip


# --- facts the names point at, and how to call them -------------------------------------


def self_parties(commitments: Sequence[Fact]) -> set[str]:
    """A party to every one of several commitments: the one making them, not a partner."""
    parties = [set(c.parties) for c in commitments if isinstance(c, CommitmentFact)]
    return set.intersection(*parties) if len(parties) >= 2 else set()


def select(query: Query, facts: Sequence[Fact], kind: str) -> list[Fact]:
    """Facts of one kind named by the query: those matching every name, else any non-self name."""
    pool = [f for f in facts if f.kind == kind]
    wanted = query.entities(kind)
    if not wanted:
        return pool
    every = [f for f in pool if all(set(ns) <= set(ROLES[r][1](f)) for r, ns in wanted.items())]
    if every:
        return every
    common = self_parties(pool)
    return [
        f for f in pool
        if any((set(ns) - common) & set(ROLES[r][1](f)) for r, ns in wanted.items())
    ]  # fmt: skip


def the(name: str) -> str:
    """A name as used mid-sentence: 'the EU', 'the private sector', but 'Japan'."""
    words = set(WORD.findall(name.lower()))
    short_acronym = name.replace(".", "").isupper() and len(name.replace(".", "")) <= 3
    needs = name[:1].islower() or short_acronym or bool(words & ARTICLE_WORDS)
    return f"the {name}" if needs and not name.lower().startswith("the ") else name


def join(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'; '' for none (a commitment may name no parties)."""
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + " and " + items[-1]


def partners(commitment: CommitmentFact, facts: Sequence[Fact]) -> list[str]:
    """The commitment's parties other than the one making every commitment."""
    common = _common_parties(facts)
    return [p for p in commitment.parties if p not in common] or list(commitment.parties)


@of_facts
def _common_parties(facts: Sequence[Fact]) -> frozenset[str]:
    """The party to every commitment among `facts` (asked once per agreement a listing names)."""
    return frozenset(self_parties([f for f in facts if f.kind == "commitment"]))


def describe(fact: Fact, facts: Sequence[Fact]) -> str:
    """A short noun phrase for a fact, for headlines and rewritten questions."""
    if fact.kind == "commitment":
        return f"the {fact.instrument} with {join([the(p) for p in partners(fact, facts)])}"
    if fact.kind == "money":
        return the(fact.contributor) if fact.contributor else f"the {fact.purpose or 'amount'}"
    if fact.kind == "event":
        return fact.name if fact.name.lower().startswith("the ") else f"the {fact.name}"
    if fact.kind == "share":
        return f"{fact.holder or 'the'} share of {fact.of or 'the total'}"
    if fact.kind == "count":
        return f"the {fact.unit}" + (f" ({fact.context})" if fact.context else "")
    if fact.kind == "growth":
        return fact.subject or "the increase"
    return fact.label or fact.quote
