"""Follow-up questions: a question read in the light of the earlier user turns of a chat.

A follow-up ('And with Chile?', 'Has it passed?', 'So what's the total?') takes what it leaves
out (intent, names) from the turn before, and gets a self-contained text for retrieval and for
the next turn. History comes in either chat format: content as a string or as a list of parts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.calculate.aliases import STOP, Aliases
from assistant.calculate.understanding import (
    ROLES,
    WORD,
    Lexicon,
    Query,
    describe,
    join,
    lexicon_for,
    parse,
    select,
    the,
)
from assistant.records import Fact

LEADING = re.compile(r"^\s*(and|so|what about|how about|then|also|plus|ok|okay)\b[\s,]*", re.I)
PRONOUN = re.compile(r"\b(it|its|that|this|them|they|those|these|their)\b", re.I)
ELLIPSIS = re.compile(r"\b(the total|the difference|the rest|the other|the others|both)\b", re.I)
# a follow-up that is only a name ("the North East?"), and a run of capitalised words in a question
NAME_ONLY = re.compile(r"(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'’.-]*){0,4}\s*\??")
NAME_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w'’.-]*)*")
GAP = re.compile(r"[\s,/&-]*(?:(?:with|and|the|of|or|from)[\s,/&-]+)*", re.I)
NEEDS_TARGET = {
    "due_date", "days_remaining", "days_since", "has_passed", "event_date", "money_amount",
    "money_share", "share_value", "share_complement", "count",
}  # fmt: skip
INTENT_GROUP = {
    "due_date": "commitment", "days_remaining": "commitment", "has_passed": "commitment",
    "first_deadline": "commitment", "partners_list": "commitment", "partners_count": "commitment",
    "agreements_count": "commitment", "event_date": "event", "days_since": "event",
    "share_value": "share", "share_complement": "share", "growth_multiplier": "growth",
    "count": "count",
}  # fmt: skip
TWO_AMOUNTS = {"money_sum", "money_difference", "money_ratio"}


def resolve(question: str, history: Sequence[Mapping[str, Any]], facts: Sequence[Fact],
            aliases: Aliases) -> Query:  # fmt: skip
    """Understand a question in the light of the earlier user turns of a chat."""
    context: list[Query] = []
    for turn in _user_turns(history, question):
        context.append(_resolve_one(turn, context, facts, aliases))
    return _resolve_one(question, context, facts, aliases)


def _user_turns(history: Sequence[Mapping[str, Any]], question: str) -> list[str]:
    """The text of earlier user messages; content may be a string or a list of text parts."""
    turns = []
    for message in history:
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(p.get("text", "") for p in content if isinstance(p, Mapping))
        if message.get("role") == "user" and isinstance(content, str) and content.strip():
            turns.append(content.strip())
    return turns[:-1] if turns and turns[-1] == question.strip() else turns


def _resolve_one(question: str, context: list[Query], facts: Sequence[Fact],
                 aliases: Aliases) -> Query:  # fmt: skip
    lexicon = lexicon_for(facts, aliases)
    cur = parse(question, lexicon)
    if not context or not _is_follow_up(question, cur, lexicon):
        return cur
    if cur.intent is None or not cur.entities():
        cur = parse(question, lexicon, frozenset(context[-1].groups()))
    elliptical = _is_elliptical(question, cur, lexicon)
    intent = context[-1].intent if elliptical else cur.intent
    merged = cur.model_copy(update={**_merge(cur, context, facts), "intent": intent})
    text = _rewrite(question, cur, merged, context[-1], facts, lexicon, elliptical)
    return merged.model_copy(update={"text": text, "follow_up": True})


# --- is it a follow-up? ----------------------------------------------------------------------


def _pronoun(question: str, lexicon: Lexicon) -> re.Match[str] | None:
    """A pronoun that refers back; 'this reserve' is a determiner before a name, not one."""
    for match in PRONOUN.finditer(question):
        following = lexicon.words(question[match.end() :])[:1]
        word = match.group().lower()
        if word in {"its", "their"} and _names_something_before(question[: match.start()], lexicon):
            continue  # 'the memo ... in its margin': the owner is in the question itself
        if word in {"it", "its", "them", "they", "their"}:
            return match
        if not following or following[0] not in lexicon.name_words:
            return match
    return None


def _names_something_before(text: str, lexicon: Lexicon) -> bool:
    """Whether `text` (the question up to a possessive) has a noun-like content word."""
    return any(w not in STOP and len(w) > 3 for w in lexicon.tokens(text)[1:])


def _is_follow_up(question: str, query: Query, lexicon: Lexicon) -> bool:
    own = bool(query.entities())
    if LEADING.match(question) or _pronoun(question, lexicon):
        return True
    if (ELLIPSIS.search(question) or query.intent in NEEDS_TARGET) and not own:
        return True
    return query.intent is None and own and len(WORD.findall(question.lower())) <= 4


def _is_elliptical(question: str, query: Query, lexicon: Lexicon) -> bool:
    """No intent and no word but names and function words: 'And with Chile?'."""
    content = [w for w in lexicon.tokens(LEADING.sub("", question))
               if w not in STOP and w not in lexicon.name_words]  # fmt: skip
    return query.intent is None and not content


# --- merging with the turn before ------------------------------------------------------------


def _merge(cur: Query, context: list[Query], facts: Sequence[Fact]) -> dict[str, Any]:
    """Entity roles of the follow-up: its own, plus the previous turn's where consistent."""
    prev = context[-1]
    merged = {r: getattr(cur, r) or getattr(prev, r) for r in ROLES}
    for group in cur.groups():
        inherited = [r for r in prev.entities(group) if not getattr(cur, r)]
        if not _fits(cur.model_copy(update={r: merged[r] for r in inherited}), facts, group):
            merged.update({r: () for r in inherited})
    if cur.intent in TWO_AMOUNTS and not cur.entities("money"):
        merged["contributors"] = _contributors(context)
    return merged


def _fits(query: Query, facts: Sequence[Fact], group: str) -> bool:
    """Some fact of `group` carries every name the query gives for that group."""
    wanted = query.entities(group)
    return any(all(set(ns) <= set(ROLES[r][1](f)) for r, ns in wanted.items()) for f in facts if f.kind == group)


def _contributors(context: list[Query]) -> tuple[str, ...]:
    """The contributors named across earlier turns, when there are at least two to combine."""
    seen = [c for q in reversed(context) if q.entities("money") for c in q.contributors]
    return tuple(dict.fromkeys(seen)) if len(set(seen)) >= 2 else ()


# --- a self-contained text -------------------------------------------------------------------


def _rewrite(question: str, cur: Query, merged: Query, prev: Query,
             facts: Sequence[Fact], lexicon: Lexicon, elliptical: bool) -> str:  # fmt: skip
    """A self-contained version of a follow-up, for retrieval and for the next turn."""
    body = LEADING.sub("", question).strip() or question
    body = body[0].upper() + body[1:]
    pronoun = _pronoun(body, lexicon)
    if pronoun and (phrase := _phrase(prev, facts)):
        return _replace_pronoun(body, pronoun, phrase)
    if elliptical:
        return _fill_ellipsis(body, cur, merged, prev, facts, lexicon)
    swapped = _swap_name(question, prev.text)
    if swapped is not None:
        return swapped
    phrase = _phrase(merged, facts)
    return f"{body.rstrip(' ?')} for {phrase}?" if phrase and not cur.entities() else body


def _swap_name(question: str, before: str) -> str | None:
    """'And the North East?' after 'How much does the South West get?': the earlier question with its one
    name (a run of capitalised words after its first word) swapped for the follow-up's, when the
    follow-up is only a name; None otherwise."""
    lead = LEADING.match(question)
    name = NAME_ONLY.fullmatch(question[lead.end() :].strip()) if lead else None
    names = list(NAME_RUN.finditer(before, 1))
    if name is None or len(names) != 1:
        return None
    start, end = names[0].span()
    start -= 4 if before[:start].lower().endswith("the ") else 0  # the follow-up's own "the", or none
    return before[:start] + name.group(0).rstrip(" ?") + before[end:]


def _phrase(query: Query, facts: Sequence[Fact], group: str | None = None) -> str:
    """A noun phrase for what a query is about: its facts if few, else its names."""
    group = group or INTENT_GROUP.get(query.intent or "")
    if group is None or not query.entities(group):
        group = next(iter(sorted(query.groups())), None)
    if group is None:
        return ""
    chosen = select(query, facts, group)
    if 1 <= len(chosen) <= 3:
        return join([describe(f, facts) for f in chosen])
    return join([the(n) for ns in query.entities(group).values() for n in ns])


def _replace_pronoun(body: str, pronoun: re.Match[str], phrase: str) -> str:
    """The phrase where the pronoun was; a possessive pronoun makes it possessive."""
    phrase = f"{phrase}'s" if pronoun.group().lower() in {"its", "their"} else phrase
    return body[: pronoun.start()] + phrase + body[pronoun.end() :]


def _fill_ellipsis(body: str, cur: Query, merged: Query, prev: Query, facts: Sequence[Fact],
                   lexicon: Lexicon) -> str:  # fmt: skip
    """The previous question with its names swapped for the follow-up's ('And with Chile?')."""
    replaced = [n for r in cur.entities() for n in getattr(prev, r)]
    replaced += [n for r in prev.entities() if not getattr(merged, r) for n in getattr(prev, r)]
    group = next(iter(sorted(cur.groups())), None)
    new = _phrase(merged, facts, group) if group else ""
    swapped = _swap(prev.text, replaced, new, lexicon) if new and replaced else None
    return swapped or f"{prev.text} ({body})"


def _swap(text: str, names: Sequence[str], phrase: str, lexicon: Lexicon) -> str | None:
    """Replace where `text` mentions `names` (one stretch, with its 'the') by `phrase`."""
    spans = _mentions(text, names, lexicon)
    if not spans:
        return None
    start, end = spans[0]
    for s, e in spans[1:]:
        if s <= end or GAP.fullmatch(text[end:s]):
            end = max(end, e)
    if text[:start].lower().endswith("the "):
        start -= 4
    return text[:start] + phrase + text[end:]


def _mentions(text: str, names: Sequence[str], lexicon: Lexicon) -> list[tuple[int, int]]:
    """Where `text` mentions each name, by any spelling or by a word only that name has, in order."""
    spans = []
    for name in names:
        distinctive = [w for w in lexicon.words(name) if lexicon.counts[w] == 1]
        for cand in lexicon.aliases.variants(name) + distinctive:
            flags = 0 if cand.isupper() else re.IGNORECASE
            m = re.search(rf"(?<![A-Za-z0-9]){re.escape(cand)}(?![A-Za-z0-9])", text, flags)
            if m:
                spans.append((m.start(), m.end()))
    return sorted(spans)
