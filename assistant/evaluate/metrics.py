"""Judge-free metrics: ratios, retrieval ranks, abstention, latency percentiles and answer overlap.

A ratio over zero items is 1.0: nothing failed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"\[\d+\]|\*\*|—")


def ratio(part: float, whole: float) -> float:
    return part / whole if whole else 1.0


def hit_rate(ranks: Sequence[int | None], k: int) -> float:
    """Share of items whose first relevant chunk is ranked within k."""
    return ratio(sum(1 for r in ranks if r is not None and r <= k), len(ranks))


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank of the first relevant chunk (0 when none was retrieved)."""
    return ratio(sum(1.0 / r for r in ranks if r), len(ranks))


def abstention_scores(expected: Sequence[bool], actual: Sequence[bool]) -> tuple[float, float]:
    """(precision, recall) of abstaining, the positive class being 'the sources cannot answer'."""
    return precision_recall(expected, actual)


def precision_recall(expected: Sequence[bool], actual: Sequence[bool]) -> tuple[float, float]:
    """(precision, recall) of a yes/no judgement: both-yes over actual yes, and over expected yes."""
    both = sum(1 for e, a in zip(expected, actual, strict=True) if e and a)
    return ratio(both, sum(actual)), ratio(both, sum(expected))


def answerability_accuracy(unanswerable: Sequence[bool], passed: Sequence[bool]) -> tuple[float, float]:
    """(HasAns, NoAns) accuracy: the share of answerable items that pass, and of unanswerable ones."""
    pairs = list(zip(unanswerable, passed, strict=True))
    hasans = [p for u, p in pairs if not u]
    noans = [p for u, p in pairs if u]
    return ratio(sum(hasans), len(hasans)), ratio(sum(noans), len(noans))


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else 0.0


def squash(text: str) -> str:
    """The text with every run of whitespace collapsed to one space, as texts are compared."""
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return _WORD.findall(_MARKUP.sub(" ", text).lower())


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style F1 of the word multisets."""
    pred, ref = tokens(prediction), tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 1.0 if not pred and not ref else 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1: longest common word subsequence over both lengths."""
    pred, ref = tokens(prediction), tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    row = [0] * (len(ref) + 1)
    for word in pred:
        diagonal = 0
        for j, other in enumerate(ref, 1):
            diagonal, row[j] = row[j], diagonal + 1 if word == other else max(row[j], row[j - 1])
    lcs = row[-1]
    return 2 * lcs / (len(pred) + len(ref)) if lcs else 0.0
