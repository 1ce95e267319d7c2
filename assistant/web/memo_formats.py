"""The briefing memo as HTML (the clipboard's rich text) and as a Word file with numbered notes.

The same memo as memo.py's Markdown: each question, its answer with note numbers in place of
the `[n]` markers, then a "Notes" section whose numbered notes hold the exact quote, the
document title, the page or paragraph and the "as of" date. Word footnotes are not in
python-docx's API, so the notes are endnotes: a numbered list after the memo. Every text from
a document or a user is written as text (escaped in HTML, a plain run in Word), never as markup.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

from docx import Document
from docx.text.paragraph import Paragraph

from assistant.records import Answer, Citation
from assistant.web.answer_markup import Block, Run, blocks, status_line
from assistant.web.memo import first_labels, location, one_line

Pairs = Sequence[tuple[str, Answer]]


@dataclass(frozen=True)
class Note:
    number: int
    citation: Citation
    as_of: dt.date | None


def note_text(note: Note) -> str:
    """“quote” — Title, paragraph 4. As of 2026-03-01."""
    c, day = note.citation, (note.as_of or dt.date.today()).isoformat()
    return f"“{one_line(c.quote)}” — {c.title}, {location(c)}. As of {day}."


def notes(pairs: Pairs) -> list[Note]:
    return [
        Note(label + i, c, answer.as_of)
        for (_, answer), label in zip(pairs, first_labels(pairs), strict=True)
        for i, c in enumerate(answer.citations)
    ]


def renumbered(answer: Answer, label: int) -> list[Block]:
    """The answer's blocks with each known marker's note set to its memo-wide number."""
    numbers = {c.n: label + i for i, c in enumerate(answer.citations)}

    def run(r: Run) -> Run:  # an unknown marker ("[7]" in a quote) stays text
        if r.note is None:
            return r
        return Run(str(numbers[r.note]), r.bold, numbers[r.note]) if r.note in numbers else Run(r.text, r.bold)

    return [Block(b.kind, tuple(run(r) for r in b.runs)) for b in blocks(answer.text)]


def heading(pairs: Pairs, i: int, question: str) -> str:
    return f"Question: {question.strip()}" if len(pairs) == 1 else f"{i}. {question.strip()}"


def preamble(answer: Answer) -> list[str]:
    """The lines before an answer: how a follow-up was understood, and that it is not answered."""
    understood = [f"Understood as: {answer.resolved_question}"] if answer.resolved_question else []
    status = status_line(answer)
    return understood + ([status] if status else [])


# --- HTML ----------------------------------------------------------------------------------------


def _separated(runs: tuple[Run, ...]) -> list[tuple[Run, bool]]:
    """Each run, and whether it is a note number right after another (shown "2,3", not "23")."""
    return [(r, r.note is not None and i > 0 and runs[i - 1].note is not None) for i, r in enumerate(runs)]


def _run_html(r: Run, after_note: bool = False) -> str:
    if r.note is not None:
        return f"<sup>{',' if after_note else ''}{r.note}</sup>"
    text = html.escape(r.text)
    return f"<strong>{text}</strong>" if r.bold else text


def _blocks_html(answer_blocks: list[Block]) -> str:
    out, items = [], []
    for block in [*answer_blocks, None]:
        if block is not None and block.kind == "item":
            items.append(f"<li>{''.join(_run_html(r, a) for r, a in _separated(block.runs))}</li>")
            continue
        if items:
            out.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if block is not None:
            tag = "blockquote" if block.kind == "quote" else "p"
            out.append(f"<{tag}>{''.join(_run_html(r, a) for r, a in _separated(block.runs))}</{tag}>")
    return "".join(out)


def memo_html(pairs: Pairs) -> str:
    """The memo as an HTML fragment for the clipboard (Word, Outlook and mail clients paste it)."""
    if not pairs:
        return ""
    parts = ["<h1>Briefing memo</h1>"] if len(pairs) > 1 else []
    for i, ((question, answer), label) in enumerate(zip(pairs, first_labels(pairs), strict=True), start=1):
        parts.append(f"<h2>{html.escape(heading(pairs, i, question))}</h2>")
        parts += [f"<p><em>{html.escape(line)}</em></p>" for line in preamble(answer)]
        parts.append(_blocks_html(renumbered(answer, label)))
    listed = "".join(f"<li>{html.escape(note_text(n))}</li>" for n in notes(pairs))
    parts.append(f"<h2>Notes</h2><ol>{listed}</ol>" if listed else "")
    return "".join(parts)


# --- Word ----------------------------------------------------------------------------------------

_STYLES = {"paragraph": None, "item": "List Bullet", "quote": "Quote"}


def _add_runs(paragraph: Paragraph, runs: tuple[Run, ...]) -> None:
    for r, after_note in _separated(runs):
        if r.note is not None:
            paragraph.add_run(("," if after_note else "") + r.text).font.superscript = True
        else:
            paragraph.add_run(r.text).bold = r.bold or None


def memo_docx(pairs: Pairs) -> bytes:
    """The memo as a .docx file: headings, the answers with superscript note numbers, then the notes."""
    doc = Document()
    if len(pairs) > 1:
        doc.add_heading("Briefing memo", level=1)
    for i, ((question, answer), label) in enumerate(zip(pairs, first_labels(pairs), strict=True), start=1):
        doc.add_heading(heading(pairs, i, question), level=2)
        for line in preamble(answer):
            doc.add_paragraph().add_run(line).italic = True
        for block in renumbered(answer, label):
            _add_runs(doc.add_paragraph(style=_STYLES[block.kind]), block.runs)
    listed = notes(pairs)
    if listed:
        doc.add_heading("Notes", level=2)
        for note in listed:
            doc.add_paragraph(f"{note.number}. {note_text(note)}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
