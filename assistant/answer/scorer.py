"""The learned sentence scorer: logistic regression over candidate features, shipped as a small JSON file.

`P(sentence answers the question)` ranks candidates, and the best candidate's probability decides
abstention (below `threshold`). With a relevance stage, a first (`base`) regression over the
candidate features picks the `top` candidates, the relevance model (answer/relevance.py) scores
those pairs, and the final regression reads the features and RELEVANCE_FEATURES together. The file
is written by `evals/fit_scorer.py`; refit with `python evals/fit_scorer.py`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import AssistantError
from assistant.retrieve.candidates import FEATURES

PACKAGED = Path(__file__).with_name("scorer.json")
# What the relevance model adds to a candidate: its score (candidates outside the top get the lowest
# score less one), the gap to the best other candidate's score, and its rank by score (top + 1 outside).
RELEVANCE_FEATURES = ("relevance", "relevance_gap", "relevance_rank")


def relevance_features(count: int, top: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """RELEVANCE_FEATURES for `count` candidates, of which those at `top` were scored `scores`."""
    out = np.zeros((count, len(RELEVANCE_FEATURES)))
    if count == 0 or len(top) == 0:
        return out
    floor = float(scores.min()) - 1.0
    value = np.full(count, floor)
    value[top] = scores
    best, second = np.sort(np.append(value, floor))[::-1][:2]
    out[:, 0] = value
    out[:, 1] = value - np.where(value >= best, second, best)
    order = np.argsort(-scores, kind="stable")
    rank = np.full(count, float(len(top) + 1))
    rank[top[order]] = np.arange(1, len(top) + 1)
    out[:, 2] = rank
    return out


@dataclass(frozen=True)
class Scorer:
    """Standardise, dot with the coefficients, squash: a calibrated probability per candidate."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # abstain when the best candidate's probability is below this
    support_ratio: float  # further sentences are cited when at least this share of the best's probability
    base: Scorer | None = None  # with a relevance stage: the regression that picks the `top` candidates
    top: int = 0

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def rank(self, rows: np.ndarray, question: str, texts: Sequence[str], relevance: Any) -> np.ndarray:
        """Each candidate's probability; with a relevance stage, the best `top` are scored as pairs first."""
        if self.base is None or len(rows) == 0:
            return self.probabilities(rows)
        first = self.base.probabilities(rows)
        top = np.argsort(-first, kind="stable")[: self.top]
        scores = relevance.scores(question, [texts[i] for i in top])
        return self.probabilities(np.hstack([rows, relevance_features(len(rows), top, scores)]))

    @property
    def features(self) -> list[str]:
        return list(FEATURES) + (list(RELEVANCE_FEATURES) if self.base is not None else [])

    def to_json(self, **extra: object) -> str:
        body: dict[str, object] = {
            "features": self.features,
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "support_ratio": self.support_ratio,
        }
        if self.base is not None:
            b = self.base
            body["base"] = {"mean": b.mean.tolist(), "scale": b.scale.tolist(), "coef": b.coef.tolist(),
                            "intercept": b.intercept}  # fmt: skip
            body["top"] = self.top
        return json.dumps(body | extra, indent=1)


@lru_cache(maxsize=4)
def load_scorer(path: Path = PACKAGED) -> Scorer:
    """The scorer in `path`; an AssistantError saying how to refit it when missing or for other features."""
    try:
        body = json.loads(path.read_text("utf-8"))
        expected = list(FEATURES) + (list(RELEVANCE_FEATURES) if "base" in body else [])
        if body["features"] != expected:
            raise ValueError(f"it was fitted on features {body['features']}, the code computes {expected}")
        base = _regression(body["base"], 0.0, 0.0) if "base" in body else None
        scorer = _regression(body, float(body["threshold"]), float(body["support_ratio"]))
        return Scorer(scorer.mean, scorer.scale, scorer.coef, scorer.intercept, scorer.threshold,
                      scorer.support_ratio, base, int(body.get("top", 0)))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise AssistantError(
            f"{path}: unusable sentence scorer ({err}): refit it with `python evals/fit_scorer.py`"
        ) from None


def _regression(body: dict[str, Any], threshold: float, support_ratio: float) -> Scorer:
    mean, scale, coef = (np.asarray(body[k], dtype=np.float64) for k in ("mean", "scale", "coef"))
    return Scorer(mean, scale, coef, float(body["intercept"]), threshold, support_ratio)
