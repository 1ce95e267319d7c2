"""What each answer rule and the threshold do on every suite: answerable recall and unanswerable declines apart.

    .venv/bin/python evals/rules.py                      # every suite of evals/suites.yaml
    .venv/bin/python evals/rules.py --only short --only narrative-held --thresholds 0.1 0.2 0.3

Each suite is indexed once (in --index, reused while fresh); then its questions are asked under
the shipped decision, under the shipped decision with one rule switched off (ASSISTANT_RULES_OFF,
the names in assistant/config.py `Rule`), and at each of --thresholds. One table row per suite and
setting: accuracy, answer recall (answerable right / answerable), NoAns (unanswerable declined /
unanswerable) and answer precision (right / answered). Nothing here fits anything: it measures.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import Any, get_args

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evals"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.api import Assistant  # noqa: E402
from assistant.config import Rule, Settings  # noqa: E402
from assistant.evaluate.harness import load_questions, load_suites, run  # noqa: E402


def settings_grid(thresholds: list[float]) -> list[tuple[str, dict[str, Any]]]:
    """(label, settings update) for the shipped decision, each rule off, and each threshold."""
    grid: list[tuple[str, dict[str, Any]]] = [("shipped", {})]
    grid += [(f"without {rule}", {"rules_off": frozenset({rule})}) for rule in get_args(Rule)]
    grid += [(f"threshold {t:.2f}", {"abstain_below": t}) for t in thresholds]
    return grid


def expected_cost(s: Any) -> float:
    """Cost per question at the declared prior: a declined answerable question costs 1, any wrong answer 2."""
    from fit_scorer import PRIOR_UNANSWERABLE as prior
    from fit_scorer import WRONG_COST as wrong

    answerable, unanswerable = max(s.hasans_questions, 1), s.noans_questions
    right, false_answers = s.answer_recall * s.hasans_questions, (1 - s.noans_accuracy) * unanswerable
    wrong_answers = s.answered - right - false_answers
    declined = s.hasans_questions - right - wrong_answers
    unanswerable_cost = wrong * false_answers / unanswerable if unanswerable else 0.0
    return float((1 - prior) * (declined + wrong * wrong_answers) / answerable + prior * unanswerable_cost)


def measure(bot: Assistant, items: list[Any], update: dict[str, Any]) -> list[str]:
    variant = dataclasses.replace(bot, settings=bot.settings.model_copy(update=update))
    s = run(variant, items).summary
    figures = (s.accuracy, s.answer_recall, s.noans_accuracy, s.answer_precision, expected_cost(s))
    return [f"{f:.3f}" for f in figures]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", type=Path, default=ROOT / "evals" / "suites.yaml")
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--thresholds", type=float, nargs="*", default=[])
    parser.add_argument("--no-rules", action="store_true", help="thresholds only")
    parser.add_argument("--index", type=Path, default=ROOT / "evals" / "out" / "rules-index")
    args = parser.parse_args()
    grid = settings_grid(args.thresholds)
    if args.no_rules:
        grid = [g for g in grid if not g[0].startswith("without")]
    print(
        "| suite | setting | accuracy | answer recall | NoAns | answer precision | expected cost |\n"
        "|---|---|---|---|---|---|---|"
    )
    for entry in load_suites(args.suites, args.only):
        settings = Settings(corpus_dir=entry.corpus, index_dir=args.index / entry.name)
        bot = Assistant.load(settings)
        items = load_questions(entry.questions_file)
        for label, update in grid:
            print(f"| {entry.name} | {label} | " + " | ".join(measure(bot, items, update)) + " |", flush=True)


if __name__ == "__main__":
    main()
