"""Sweep the abstention threshold over the shipped question set and print what each value gives.

    .venv/bin/python evals/threshold_sweep.py [--questions evals/questions.jsonl]

The threshold (Settings.abstain_below, env ASSISTANT_ABSTAIN_BELOW) is the best-sentence score
below which the composer abstains. For each candidate value this prints accuracy and abstention
precision and recall. Pick the value that keeps abstention precision high without losing
answerable questions: a wrong refusal costs less than an invented answer.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from assistant import Assistant, Settings
from assistant.edges.evaluation import load_questions, run

REPO = Path(__file__).resolve().parent.parent
CANDIDATES = [0.30, 0.34, 0.38, 0.40, 0.42, 0.44, 0.46, 0.50, 0.55]


def with_threshold(base: Assistant, value: float) -> Assistant:
    """The same loaded index and model, another threshold."""
    settings = base.settings.model_copy(update={"abstain_below": value})
    return Assistant(settings, base.index, base.embedder, base.lexicon, base.aliases)


def main() -> None:
    parser = argparse.ArgumentParser(description="Sweep the abstention threshold.")
    parser.add_argument("--questions", type=Path, default=REPO / "evals" / "questions.jsonl")
    items = load_questions(parser.parse_args().questions)
    base = Assistant.load(Settings(index_dir=Path(tempfile.mkdtemp(prefix="sweep-index-"))))
    print("| abstain_below | accuracy | abstention precision | abstention recall |\n|---|---|---|---|")
    for value in CANDIDATES:
        summary = run(with_threshold(base, value), items).summary
        figures = (summary.accuracy, summary.abstention_precision, summary.abstention_recall)
        print(f"| {value:.2f} | " + " | ".join(f"{x:.3f}" for x in figures) + " |")


if __name__ == "__main__":
    main()
