"""The memo as HTML for the clipboard and as a Word file whose numbered notes hold the quotes."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document

from assistant.records import Answer, Citation
from assistant.web.memo_formats import memo_docx, memo_html

TITLE = "US Critical Minerals Strategy"
HOST = Citation(n=1, doc_id="minerals-0ee773", title=TITLE, quote="Secretary of State Marco Rubio hosted",
                start=120, end=157, location="paragraph 4")  # fmt: skip
NATIONS = Citation(n=1, doc_id="minerals-0ee773", title=TITLE, quote="Representatives from 54 nations attended",
                   start=900, end=940, location="p. 2")  # fmt: skip
DAY = dt.date(2026, 3, 1)
FIRST = (
    "Who hosted it?",
    Answer(question="q", text="**Marco Rubio** — Marco Rubio hosted it [1].", citations=[HOST], as_of=DAY),
)
SECOND = ("How many attended?", Answer(question="q", text="54 nations attended [1].", citations=[NATIONS], as_of=DAY))


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_word_memo_has_the_answer_and_a_numbered_note_per_quote() -> None:
    text = paragraphs(memo_docx([FIRST, SECOND]))
    assert text[:3] == ["Briefing memo", "1. Who hosted it?", "Marco Rubio — Marco Rubio hosted it 1."]
    assert text[-3:] == [
        "Notes",
        f"1. “Secretary of State Marco Rubio hosted” — {TITLE}, paragraph 4. As of 2026-03-01.",
        f"2. “Representatives from 54 nations attended” — {TITLE}, p. 2. As of 2026-03-01.",
    ]
    assert not any("minerals-0ee773" in line for line in text)


def test_word_memo_note_numbers_are_superscript_and_the_short_answer_bold() -> None:
    answer = Document(io.BytesIO(memo_docx([FIRST]))).paragraphs[1]
    assert [(r.text, bool(r.bold), bool(r.font.superscript)) for r in answer.runs] == [
        ("Marco Rubio", True, False),
        (" — ", False, False),
        ("Marco Rubio hosted it ", False, False),
        ("1", False, True),
        (".", False, False),
    ]


def test_word_memo_lists_are_bullets() -> None:
    working = Answer(question="q", text="Total [1].\n\n**Inputs:**\n- private: $2 billion [1]", citations=[HOST])
    found = [(p.style.name, p.text) for p in Document(io.BytesIO(memo_docx([("Total?", working)]))).paragraphs]
    assert ("List Bullet", "private: $2 billion 1") in found


def test_html_memo_renders_our_markup_and_escapes_document_text() -> None:
    quoted = HOST.model_copy(update={"quote": "<script>x</script> **bold**"})
    text = "**Marco Rubio** — Marco Rubio <b>it</b> [1]\n\nAlso:\n- more [1]"
    out = memo_html([("Who <i>hosted</i>?", Answer(question="q", text=text, citations=[quoted], as_of=DAY))])
    assert out.startswith("<h2>Question: Who &lt;i&gt;hosted&lt;/i&gt;?</h2><p><strong>Marco Rubio</strong> — ")
    assert "Marco Rubio &lt;b&gt;it&lt;/b&gt; <sup>1</sup></p><p>Also:</p><ul><li>more <sup>1</sup></li></ul>" in out
    assert "<li>“&lt;script&gt;x&lt;/script&gt; **bold**” — US Critical Minerals Strategy, paragraph 4." in out
    assert "<script>" not in out


def test_an_unknown_marker_stays_text() -> None:
    odd = ("Q?", Answer(question="q", text="See [7] and [1].", citations=[HOST]))
    assert "See [7] and <sup>1</sup>." in memo_html([odd])


def test_adjacent_note_numbers_are_kept_apart_in_word_and_html() -> None:
    both = Answer(
        question="q",
        text="Rubio hosted and 54 nations attended [1][2].",
        citations=[HOST, NATIONS.model_copy(update={"n": 2})],
        as_of=DAY,
    )
    assert paragraphs(memo_docx([("Who came?", both)]))[1] == "Rubio hosted and 54 nations attended 1,2."
    assert "<sup>1</sup><sup>,2</sup>" in memo_html([("Who came?", both)])
