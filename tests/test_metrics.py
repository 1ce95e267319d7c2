"""Metrics: retrieval ranks, abstention, latency percentiles and answer overlap."""

from __future__ import annotations

import pytest

from assistant.evaluate.metrics import (
    abstention_scores,
    answerability_accuracy,
    hit_rate,
    mrr,
    percentile,
    rouge_l,
    token_f1,
)


def test_hit_rate_counts_ranks_within_k() -> None:
    assert hit_rate([1, 3, None, 2], k=2) == 0.5


def test_mrr_averages_reciprocal_ranks_with_misses_as_zero() -> None:
    assert mrr([1, 2, None, 4]) == pytest.approx((1 + 0.5 + 0 + 0.25) / 4)


def test_abstention_precision_and_recall() -> None:
    expected = [True, True, False, False]
    actual = [True, False, True, False]
    assert abstention_scores(expected, actual) == (0.5, 0.5)
    assert abstention_scores([False], [False]) == (1.0, 1.0)  # nothing to abstain on: nothing failed


@pytest.mark.parametrize(
    ("unanswerable", "passed", "expected"),
    [
        ([False, False, True, True], [True, False, True, True], (0.5, 1.0)),
        ([False, True, True, True], [True, False, False, True], (1.0, 1 / 3)),
        ([True, True], [False, True], (1.0, 0.5)),  # no answerable item: nothing failed there
        ([False], [False], (0.0, 1.0)),
        ([], [], (1.0, 1.0)),
    ],
)
def test_hasans_and_noans_accuracy(unanswerable: list[bool], passed: list[bool], expected: tuple[float, float]) -> None:
    assert answerability_accuracy(unanswerable, passed) == pytest.approx(expected)


def test_latency_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile([], 95) == 0.0


@pytest.mark.parametrize(
    ("prediction", "reference", "f1"),
    [
        ("the cat sat", "the cat", 0.8),
        ("The cat [1].", "the **cat**", 1.0),  # citation markers and markdown are not words
        ("dog", "cat", 0.0),
    ],
)
def test_token_f1(prediction: str, reference: str, f1: float) -> None:
    assert token_f1(prediction, reference) == pytest.approx(f1)


@pytest.mark.parametrize(
    ("prediction", "reference", "expected"),
    [
        ("a b c d", "a c d e", 0.75),  # LCS a c d: 2 * 3 / (4 + 4)
        ("a b c", "a b c", 1.0),
        ("c b a", "a b c", 1 / 3),
        ("x", "a b", 0.0),
    ],
)
def test_rouge_l(prediction: str, reference: str, expected: float) -> None:
    assert rouge_l(prediction, reference) == pytest.approx(expected)
