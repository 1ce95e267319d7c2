"""Sentence layout: headings, the section each sentence falls under, neighbours, computed in one pass."""

from __future__ import annotations

from assistant.ingest.layout import Layout
from assistant.records import Mention, Sentence
from assistant.retrieve.candidates import question_names


def doc(doc_id: str, paragraphs: list[list[str]]) -> list[Sentence]:
    out, offset = [], 0
    for number, sentences in enumerate(paragraphs):
        for text in sentences:
            out.append(Sentence(doc_id=doc_id, start=offset, end=offset + len(text), text=text, paragraph=number))
            offset += len(text) + 1
    return out


SENTENCES = doc("a", [["Title of A"], ["Intro one.", "Intro two."], ["Funding"], ["Money came.", "More came."]]) + doc(
    "b", [["Title of B"], ["Body."]]
)


def test_a_short_line_alone_in_its_paragraph_is_a_heading() -> None:
    assert Layout.of(SENTENCES).heading == (True, False, False, True, False, False, True, False)


def test_each_sentence_knows_its_section_heading_but_not_the_title() -> None:
    assert Layout.of(SENTENCES).section == (-1, -1, -1, -1, 3, 3, -1, -1)


def test_the_previous_sentence_is_only_within_the_same_paragraph() -> None:
    assert Layout.of(SENTENCES).previous == (-1, -1, 1, -1, -1, 4, -1, -1)


def test_sections_and_firsts_do_not_cross_documents() -> None:
    layout = Layout.of(SENTENCES)
    assert layout.first == (0, 0, 0, 0, 0, 0, 6, 6) and layout.section[7] == -1


def test_stems_are_precomputed_per_sentence() -> None:
    assert "money" in Layout.of(SENTENCES).stems[4]


def test_each_stem_maps_to_the_sentences_that_use_it_in_order() -> None:
    layout = Layout.of(SENTENCES)
    assert layout.using["intro"] == (1, 2) and layout.using["titl"] == (0, 6)


def test_a_document_and_start_offset_map_to_the_sentence_that_starts_there() -> None:
    layout = Layout.of(SENTENCES)
    assert [layout.at[(s.doc_id, s.start)] for s in SENTENCES] == list(range(len(SENTENCES)))


def test_led_by_gives_the_next_sentence_of_the_same_paragraph_only() -> None:
    assert Layout.of(SENTENCES).led_by([1, 2, 4, 5, 7]) == [2, 5]


def test_a_name_written_with_the_is_also_known_without_it() -> None:
    text = "The United Kingdom signed a memorandum in London."
    uk = Mention(label="GPE", start=0, end=18, text="The United Kingdom")
    london = Mention(label="GPE", start=43, end=49, text="London")
    layout = Layout.of([Sentence(doc_id="a", start=0, end=len(text), text=text, mentions=(uk, london))])
    assert {"the united kingdom", "united kingdom", "london"} == layout.names
    assert question_names("When did united kingdom sign it?", layout.names) == ("united kingdom",)
