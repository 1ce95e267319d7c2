"""The relevance model: its features, its checks on load, and that it ranks the answering sentence first."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.answer.relevance import CARD, WEIGHTS, load_relevance
from assistant.answer.scorer import RELEVANCE_FEATURES, Scorer, load_scorer, relevance_features
from assistant.errors import AssistantError

shipped = pytest.mark.skipif(not WEIGHTS.is_file(), reason="no relevance model fitted yet (make train-relevance)")


@pytest.mark.parametrize(
    ("count", "top", "scores", "expected"),
    [
        # candidates 0..3, the relevance model scored 2 and 0 (in that order)
        (4, [2, 0], [3.0, 1.0], [[1.0, -2.0, 2], [0.0, -3.0, 3], [3.0, 2.0, 1], [0.0, -3.0, 3]]),
        (2, [1], [0.5], [[-0.5, -1.0, 2], [0.5, 1.0, 1]]),  # one scored: the gap is to the floor
        (0, [], [], []),
    ],
)  # fmt: skip
def test_candidates_outside_the_top_get_the_floor_and_the_last_rank(
    count: int, top: list[int], scores: list[float], expected: list[list[float]]
) -> None:
    got = relevance_features(count, np.asarray(top, dtype=int), np.asarray(scores))
    assert got.shape == (count, len(RELEVANCE_FEATURES))
    assert got.tolist() == expected


def test_a_two_stage_scorer_survives_its_json(tmp_path: Path) -> None:
    base = load_scorer()
    base = base.base or base
    width = len(base.mean) + len(RELEVANCE_FEATURES)
    staged = Scorer(np.zeros(width), np.ones(width), np.ones(width), 0.5, 0.3, 0.5, base, 10)
    path = tmp_path / "scorer.json"
    path.write_text(staged.to_json(), "utf-8")
    loaded = load_scorer.__wrapped__(path)
    assert loaded.top == 10 and loaded.base is not None and loaded.features == staged.features
    assert np.allclose(loaded.base.coef, base.coef) and loaded.threshold == 0.3


@shipped
def test_damaged_weights_are_refused_with_what_to_do(tmp_path: Path) -> None:
    copy = tmp_path / WEIGHTS.name
    shutil.copyfile(WEIGHTS, copy)
    with copy.open("r+b") as f:
        f.seek(copy.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(AssistantError, match="damaged .*git checkout"):
        load_relevance.__wrapped__(copy, CARD)


@shipped
def test_missing_weights_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AssistantError, match="missing"):
        load_relevance.__wrapped__(tmp_path / "none.safetensors", CARD)


@shipped
def test_the_card_says_what_data_and_licence_the_weights_come_from() -> None:
    card = json.loads(CARD.read_text("utf-8"))
    assert "squad2-train" in card["data"] and "CC BY-SA 4.0" in card["licence"]
    assert card["bytes"] == WEIGHTS.stat().st_size <= 25 * 1024 * 1024


@shipped
@pytest.mark.parametrize(
    ("question", "answer", "others"),
    [
        ("Who opened the new bridge?", "The mayor, Ada Brown, opened the bridge in May.",
         ["The bridge is 300 metres long.", "Traffic rose by a third after it opened."]),
        ("Why was the factory closed?", "The factory closed because its orders fell by half.",
         ["The factory was built in 1950.", "It employed 400 people at its peak."]),
    ],
)  # fmt: skip
def test_the_answering_sentence_scores_highest(question: str, answer: str, others: list[str]) -> None:
    scores = load_relevance().scores(question, [answer, *others])
    assert int(np.argmax(scores)) == 0, scores


def test_a_model_fitted_with_context_reads_each_sentence_with_the_one_before_it() -> None:
    from assistant.answer.relevance import Relevance

    plain, with_context = Relevance(None, None), Relevance(None, None, context=True)
    assert plain.reads("She lent us money.", "The bank pulled the loan.") == "She lent us money."
    assert with_context.reads("She lent us money.", "The bank pulled the loan.") == (
        "She lent us money. | The bank pulled the loan."
    )
    assert with_context.reads("First of its paragraph.", None) == "First of its paragraph."
