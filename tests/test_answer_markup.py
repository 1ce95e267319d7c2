"""The answer's own formatting rendered; the document text it quotes shown as the characters it is."""

from __future__ import annotations

import pytest

from assistant.records import Answer
from assistant.web.answer_markup import Block, Run, answer_markdown, blocks, md, status_line

CALCULATION = (
    "The funding comes to $12 billion [1][2].\n\n**Working:** $10 billion + $2 billion = $12 billion\n\n"
    "**Inputs:**\n- the Export-Import Bank: $10 billion [1]\n- the private sector: $2 billion [2]"
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("**Marco Rubio** — Marco Rubio hosted it. [1]", "**Marco Rubio** — Marco Rubio hosted it. \\[1\\]"),
        (CALCULATION, "\n\n**Working:** $10 billion + $2 billion = $12 billion\n\n**Inputs:**\n\n- the Export"),
        ("Closest:\n\n> It was hosted. [1]", "Closest:\n\n> It was hosted. \\[1\\]"),
        ("Also:\n- one [1]\n- two [2]", "Also:\n\n- one \\[1\\]\n- two \\[2\\]"),
    ],
)
def test_our_own_markup_is_kept(text: str, shown: str) -> None:
    assert shown in answer_markdown(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("It reads **bold** here. [1]", "It reads \\*\\*bold\\*\\* here. \\[1\\]"),
        ("It links [pixel](http://evil.example/p.png).", "It links \\[pixel\\](http\\://evil.example/p.png)."),
        ("It reads <script>alert(1)</script>.", "It reads &lt;script&gt;alert(1)&lt;/script&gt;."),
        ("See www.evil.example or ana@evil.example.", "See www\\.evil.example or ana\\@evil.example."),
        ("# Not a heading", "\\# Not a heading"),
        ("1. Not a list", "1\\. Not a list"),
        ("- 2) not a list either", "- 2\\) not a list either"),
        ("A line\n===", "A line ==="),  # a continuation line joins its paragraph: no heading underline
        ("> quoted <b>x</b>", "> quoted &lt;b&gt;x&lt;/b&gt;"),
    ],
)
def test_document_text_is_shown_literally(text: str, shown: str) -> None:
    assert answer_markdown(text) == shown


def test_a_bold_lead_must_be_the_short_answer_of_the_first_line() -> None:
    """Bold is ours only as `**focus** — statement` with the focus inside the statement."""
    assert answer_markdown("**x** — y") == "\\*\\*x\\*\\* — y"
    assert answer_markdown("Intro.\n\n**Rubio** — Rubio said") == "Intro.\n\n\\*\\*Rubio\\*\\* — Rubio said"


def test_blocks_carry_citation_markers_as_notes() -> None:
    assert blocks("**Rubio** — Rubio hosted it [1].") == [
        Block("paragraph", (Run("Rubio", bold=True), Run(" — "), Run("Rubio hosted it "), Run("[1]", note=1), Run(".")))
    ]


def test_labels_and_list_items_become_blocks() -> None:
    kinds = [(b.kind, b.runs[0].text, b.runs[0].bold) for b in blocks(CALCULATION)]
    assert kinds[1:] == [
        ("paragraph", "Working:", True),
        ("paragraph", "Inputs:", True),
        ("item", "the Export-Import Bank: $10 billion ", False),
        ("item", "the private sector: $2 billion ", False),
    ]


def test_md_escapes_markdown_and_html() -> None:
    assert md("*a* <b>") == "\\*a\\* &lt;b&gt;"


@pytest.mark.parametrize(
    ("abstained", "asks_back", "line"),
    [
        (False, False, None),
        (True, False, "Not answered by the sources."),
        (True, True, "More than one fits: which one do you mean?"),  # a question back is no decline
    ],
)
def test_the_status_line_tells_a_decline_from_a_question_back(
    abstained: bool, asks_back: bool, line: str | None
) -> None:
    answer = Answer(question="q", text="t", abstained=abstained, asks_back=asks_back)
    assert status_line(answer) == line
