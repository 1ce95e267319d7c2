"""Regression gates with the real model: the shipped question set, and every corpus of evals/suites.yaml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.cli.eval_command import DEFAULT_SUITES
from assistant.evaluate.harness import Run, SuiteEntry, load_questions, load_suites, run, shortfalls

pytestmark = pytest.mark.model

SUITES = load_suites(DEFAULT_SUITES)
Runner = Callable[[Path, Path], Run]


@pytest.fixture(scope="session")
def run_set(real_bot: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """The run of a corpus's question set, once per session; the shipped corpus reuses real_bot's index."""
    runs: dict[tuple[Path, Path], Run] = {}

    def get(corpus: Path, questions: Path) -> Run:
        key = (corpus.resolve(), questions.resolve())
        if key not in runs:
            runs[key] = run(bot_for(key[0], real_bot, tmp_path_factory), load_questions(questions))
        return runs[key]

    return get


def bot_for(corpus: Path, real_bot: Assistant, factory: pytest.TempPathFactory) -> Assistant:
    """real_bot for its own corpus; else the corpus indexed with the real model into a session temp folder."""
    if corpus == real_bot.settings.corpus_dir.resolve():
        return real_bot
    index_dir = factory.mktemp(f"index-{corpus.name}")
    return Assistant.load(Settings(corpus_dir=corpus, index_dir=index_dir, embedder="minilm"))


def failing(result: Run, limit: int = 10) -> str:
    """How many items fail, and the first few with their reasons, for the assertion message."""
    failed = [r for r in result.items if not r.passed]
    examples = {r.id: r.reasons for r in failed[:limit]}
    return f"{len(failed)} failing, e.g. {examples}"


def suite_params() -> list[object]:
    """One test per suite; the SQuAD corpora (hundreds of questions each) are also marked slow."""
    return [pytest.param(s, id=s.name, marks=[pytest.mark.slow] if s.name.startswith("squad-") else []) for s in SUITES]


@pytest.mark.parametrize("suite", suite_params())
def test_every_suite_meets_its_thresholds(suite: SuiteEntry, run_set: Runner) -> None:
    if suite.missing():
        pytest.skip(f"{suite.name}: not written yet: {', '.join(map(str, suite.missing()))}")
    result = run_set(suite.corpus, suite.questions_file)
    missed = shortfalls(result.summary, suite.minimums(), {})
    assert not missed, f"{suite.name}: {missed}; {failing(result)}"
