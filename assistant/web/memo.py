"""Paste-ready Markdown memos of answers: the answer with footnotes that carry the exact quotes.

Pure formatting, no I/O: `answer_memo` for one answer, `conversation_memo` for a whole chat
(memo_formats writes the same memos as HTML for the clipboard and as Word files). Notes name
the document by its title and the quote by its page or paragraph.
Citation markers `[n]` become footnote references `[^n]`; in a conversation the footnotes are
numbered on through all answers so that every reference stays unique when pasted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from assistant.records import Answer, Citation, Conflict
from assistant.web.answer_markup import status_line

_MARKER = re.compile(r"\[(\d+)\]")


def location(citation: Citation) -> str:
    """Where a quote sits in its document, `p. 3` or `paragraph 4`; its characters where neither is known."""
    return citation.location or f"characters {citation.start}–{citation.end}"


def one_line(text: str) -> str:
    return " ".join(text.split())


def footnote(label: int, citation: Citation) -> str:
    """One Markdown footnote: the exact quote, the document title and the page or paragraph."""
    return f"[^{label}]: “{one_line(citation.quote)}” — *{citation.title}*, {location(citation)}."


def disagreement(conflict: Conflict, numbers: dict[int, int]) -> str:
    """A call-out that the sources disagree, each value with its footnote and document title."""
    values = "; ".join(
        f"{v.value} [^{numbers[v.citation]}] (*{v.title}*)" for v in conflict.values if v.citation in numbers
    )
    values += f"; and {conflict.more} more" if conflict.more else ""
    return f"> **The sources disagree** ({conflict.thing}): {values}."


def as_of_line(day: dt.date | None) -> str:
    return f"*As of {(day or dt.date.today()).isoformat()}.*"


def _renumber(text: str, numbers: dict[int, int]) -> str:
    """Turn the answer's `[n]` markers into footnote references `[^m]` (only known citations)."""

    def replace(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f"[^{numbers[n]}]" if n in numbers else match.group()

    return _MARKER.sub(replace, text)


def _section(question: str, answer: Answer, first_label: int, heading: str, as_of: bool) -> str:
    numbers = {c.n: first_label + i for i, c in enumerate(answer.citations)}
    lines = [f"{heading} {question.strip()}", ""]
    if answer.resolved_question:
        lines += [f"*Understood as: {answer.resolved_question}*", ""]
    if status := status_line(answer):
        lines += [f"**{status}**", ""]
    lines += [_renumber(answer.text.strip(), numbers), ""]
    lines += [disagreement(c, numbers) for c in answer.conflicts]
    lines += [""] if answer.conflicts else []
    lines += [footnote(numbers[c.n], c) for c in answer.citations]
    if as_of:
        lines += ["", as_of_line(answer.as_of)]
    return "\n".join(lines).rstrip() + "\n"


def answer_memo(answer: Answer, question: str | None = None) -> str:
    """One answer as a memo: the question, the answer with footnoted quotes, an "as of" line."""
    return _section(question or answer.question, answer, 1, "**Question:**", as_of=True)


def first_labels(pairs: Sequence[tuple[str, Answer]]) -> list[int]:
    """The first note number of each answer: notes are numbered on across a conversation."""
    labels, label = [], 1
    for _, answer in pairs:
        labels.append(label)
        label += len(answer.citations)
    return labels


def conversation_memo(pairs: Sequence[tuple[str, Answer]]) -> str:
    """A whole conversation as one memo; footnotes numbered on across answers."""
    if not pairs:
        return ""
    days = {a.as_of for _, a in pairs}
    shared = len(days) == 1
    parts = ["# Briefing memo", ""]
    if shared:
        parts += [as_of_line(next(iter(days))), ""]
    for i, ((question, answer), label) in enumerate(zip(pairs, first_labels(pairs), strict=True), start=1):
        parts.append(_section(question, answer, label, f"## {i}.", as_of=not shared))
    return "\n".join(parts).rstrip() + "\n"
