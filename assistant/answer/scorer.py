"""The learned sentence scorer: logistic regression over candidate features, shipped as a small JSON file.

`P(sentence answers the question)` ranks candidates, and the best candidate's probability decides
abstention (below `threshold`). The file is written by `evals/fit_scorer.py` from SQuAD 2.0
questions (../shared/data/squad2-test); refit with `python evals/fit_scorer.py`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError
from assistant.retrieve.candidates import FEATURES

PACKAGED = Path(__file__).with_name("scorer.json")


@dataclass(frozen=True)
class Scorer:
    """Standardise, dot with the coefficients, squash: a calibrated probability per candidate."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # abstain when the best candidate's probability is below this
    support_ratio: float  # further sentences are cited when at least this share of the best's probability

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self, **extra: object) -> str:
        body = {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "support_ratio": self.support_ratio,
        }
        return json.dumps(body | extra, indent=1)


@lru_cache(maxsize=4)
def load_scorer(path: Path = PACKAGED) -> Scorer:
    """The scorer in `path`; an AssistantError saying how to refit it when missing or for other features."""
    try:
        body = json.loads(path.read_text("utf-8"))
        if body["features"] != list(FEATURES):
            raise ValueError(f"it was fitted on features {body['features']}, the code computes {list(FEATURES)}")
        return Scorer(
            mean=np.asarray(body["mean"], dtype=np.float64),
            scale=np.asarray(body["scale"], dtype=np.float64),
            coef=np.asarray(body["coef"], dtype=np.float64),
            intercept=float(body["intercept"]),
            threshold=float(body["threshold"]),
            support_ratio=float(body["support_ratio"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise AssistantError(
            f"{path}: unusable sentence scorer ({err}): refit it with `python evals/fit_scorer.py`"
        ) from None
