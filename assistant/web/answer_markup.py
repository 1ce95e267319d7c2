"""The answer's own formatting, told apart from the document text it quotes.

`Answer.text` is our phrasing templates (prompts/) filled with sentences, names and figures
taken from documents. Only the templates' markup is ours: a bold short answer on the first
line, bold "Working:" and "Inputs:" labels, "- " list items and a "> " quoted passage.
`blocks` reads that markup into plain records, and every renderer (the chat's Markdown here,
the memo's HTML and Word files in memo_formats) writes our markup itself and shows all other
text as the characters it is: a `**`, `<script>` or `[link](…)` in a document stays literal.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

from assistant.records import Answer

# Markdown's own syntax (links, images, emphasis, code, tables, headings), autolinks (a scheme's
# "://", "www.", an e-mail's "@"); `<`, `>` and `&` are left to html.escape.
_MARKDOWN = re.compile(r"([\\`*_\[\]{}~|#!@])|(?<=[A-Za-z]):(?=//)|(?<=www)\.")
_LABELS = ("Working:", "Inputs:")  # prompts/calculation.md
_DIRECT = re.compile(r"\*\*(.+?)\*\* — ")  # prompts/direct.md, first line only
_MARKER = re.compile(r"\[(\d+)\]")
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")  # would start a list, a rule or a heading underline

Kind = Literal["paragraph", "item", "quote"]


@dataclass(frozen=True)
class Run:
    """A stretch of one block: text, bold or not, or a citation marker (`note`, text "[n]")."""

    text: str
    bold: bool = False
    note: int | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item or a quoted passage of an answer."""

    kind: Kind
    runs: tuple[Run, ...]


def md(text: str) -> str:
    """`text` for the chat's Markdown: shown as typed, never as a link, image, emphasis or HTML."""
    return html.escape(_MARKDOWN.sub(lambda m: "\\" + m.group(0), text), quote=True)


def runs(text: str, bold: bool = False) -> list[Run]:
    """`text` split at its citation markers `[n]`."""
    out: list[Run] = []
    at = 0
    for m in _MARKER.finditer(text):
        out += [Run(text[at : m.start()], bold)] if m.start() > at else []
        out.append(Run(m.group(), bold, int(m.group(1))))
        at = m.end()
    return out + ([Run(text[at:], bold)] if at < len(text) else [])


def _line_runs(line: str, first: bool) -> list[Run]:
    """A line's runs, with our bold lead (a label, or the short answer on the first line) bold."""
    for label in _LABELS:
        if line == f"**{label}**" or line.startswith(f"**{label}** "):
            return [Run(label, bold=True), *runs(line[len(label) + 4 :])]
    direct = _DIRECT.match(line) if first else None
    if direct and direct.group(1).strip() and direct.group(1) in line[direct.end() :]:
        return [Run(direct.group(1), bold=True), Run(" — "), *runs(line[direct.end() :])]
    return runs(line)


def blocks(text: str) -> list[Block]:
    """The blocks of an answer's text; a line that does not start a block continues the one before."""
    out: list[Block] = []
    joined = False  # whether the next line may continue the last block (no blank line between)
    for number, line in enumerate(text.strip().split("\n")):
        if not line.strip():
            joined = False
            continue
        kind: Kind = "item" if line.startswith("- ") else "quote" if line.startswith("> ") else "paragraph"
        body = line[2:] if kind != "paragraph" else line
        if kind == "paragraph" and joined and out:
            last = out[-1]
            out[-1] = Block(last.kind, (*last.runs, Run(" "), *runs(body)))
        else:
            out.append(Block(kind, tuple(_line_runs(body, number == 0))))
        joined = True
    return out


def _run_markdown(run: Run) -> str:
    text = md(run.text)
    return f"**{text.strip()}**" if run.bold and text.strip() else text


def markdown(answer_blocks: list[Block]) -> str:
    """Chat Markdown of the blocks: our markup only, every text escaped."""
    lines: list[str] = []
    for i, block in enumerate(answer_blocks):
        body = "".join(_run_markdown(r) for r in block.runs)
        lead = {"item": "- ", "quote": "> ", "paragraph": ""}[block.kind]
        previous = answer_blocks[i - 1].kind if i else None
        lines += [] if not i or (block.kind == previous == "item") else [""]
        lines.append(lead + _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", body))
    return "\n".join(lines)


def answer_markdown(text: str) -> str:
    """An answer's text for the chat: its own formatting rendered, quoted document text literal."""
    return markdown(blocks(text))


def status_line(answer: Answer) -> str | None:
    """The line shown above an answer that is not one: a question back, or a decline; None for an answer."""
    if answer.asks_back:
        return "More than one fits: which one do you mean?"
    return "Not answered by the sources." if answer.abstained else None
