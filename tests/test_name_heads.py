"""A question may shorten a corpus name to its last word ("the ministerial"): that word, when it ends
one name only and the documents always capitalise it, is read with the full name."""

from __future__ import annotations

import pytest

from assistant.api import Assistant
from tests.conftest import one_document

REPORT = (
    "Coastal Resilience Report\n\n"
    "On May 3, 2026, Mayor Ines Carvalho opened the inaugural Coastal Resilience Summit in Porto, "
    "calling for shared flood defences.\n\n"
    "The Summit drew forty delegations from fishing towns along the coast. Each agreement signed "
    "there is public, and the Summit will meet again in 2027.\n"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return one_document(tmp_path_factory, "coastal", REPORT, "minilm")


def test_the_last_word_of_a_name_is_read_with_the_name(report: Assistant) -> None:
    assert report._expand("who opened the summit") == "who opened the summit (coastal resilience summit)"
    assert report._expand("when was the agreement signed") == "when was the agreement signed"  # a common word


def test_a_terse_question_about_the_shortened_name_is_answered(report: Assistant) -> None:
    answer = report.ask("who opened the summit")
    assert not answer.abstained and "Carvalho" in answer.text
