"""The web UI's disagreement box: shown only when the sources disagree, each value linked to its passage."""

from __future__ import annotations

from assistant.records import Answer, Conflict, ConflictValue
from assistant.web.conflicts_view import conflicts_html

CONFLICT = Conflict(kind="actor", thing="who: signed", values=[
    ConflictValue(value="Alice <Moreau>", citation=1, doc_id="a", title="Report", start=0, end=14),
    ConflictValue(value="Tomas Ruiz", citation=2, doc_id="b", title="Review & notes", start=5, end=15),
])  # fmt: skip


def test_no_box_when_the_sources_agree() -> None:
    assert conflicts_html(Answer(question="q", text="t")) == ""


def test_each_value_is_highlighted_and_links_to_its_cited_passage() -> None:
    html = conflicts_html(Answer(question="q", text="t", conflicts=[CONFLICT]))
    assert 'role="alert"' in html and "The sources disagree" in html
    assert '<a href="#source-1"><mark>Alice &lt;Moreau&gt;</mark> [1]</a>' in html
    assert '<a href="#source-2"><mark>Tomas Ruiz</mark> [2]</a> <em>Review &amp; notes</em>' in html


def test_values_left_out_are_counted_in_the_box() -> None:
    html = conflicts_html(Answer(question="q", text="t", conflicts=[CONFLICT.model_copy(update={"more": 53})]))
    assert html.count("<mark>") == 2 and "<li>and 53 more</li>" in html
