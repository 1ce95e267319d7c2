"""Answer-path speed: warm `ask` latency on the article and on a ~1,000-sentence corpus, and cold start.

    .venv/bin/python evals/bench_answers.py        # prints a table; writes evals/out/bench_answers.json

Also the relevance model's cost for 20 candidates (not on the answer path: the shipped scorer does
not use it). Figures, not pass/fail: machines are shared and noisy, so compare the rows of one run. The large
corpus is the three committed SQuAD DEV articles, the two-document ministerial corpus and two
FIT articles (text only), asked the DEV and ministerial questions. Cold start runs `assistant ask`
in a new process (index already built) and checks that spaCy and torch stay off the query path.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

sys.path.insert(0, str(ROOT / "evals"))
import squad  # noqa: E402

from assistant import Assistant, Settings  # noqa: E402
from assistant.evaluate.harness import load_questions  # noqa: E402

PADDING = ("Oxygen", "Black_Death")
LARGE = ["squad-rhine", "squad-geology", "squad-fresno-california", "ministerial"]
OUT = ROOT / "evals" / "out" / "bench_answers.json"
COLD_QUESTION = "Who hosted the Critical Minerals Ministerial?"
PROBE = (
    "import sys; from assistant.cli.main import main; sys.argv = ['assistant', 'ask', {q!r}]\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "print('MODULES', 'spacy' in sys.modules, 'torch' in sys.modules, file=sys.stderr)"
)


def latency(bot: Assistant, questions: list[str]) -> dict[str, float]:
    """p50 and p95 of warm `ask` over the questions, in ms (one warm-up ask first)."""
    bot.ask(questions[0])
    times = []
    for question in questions:
        start = time.perf_counter()
        bot.ask(question)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def relevance_cost(bot: Assistant, questions: list[str], pairs: int = 20) -> dict[str, float]:
    """p50 and p95 of the relevance model scoring each question against its `pairs` best candidates, in ms
    (issue 19: at most 30 ms for 20 on 2 cores). The shipped scorer does not use the model."""
    from assistant.answer.relevance import load_relevance

    model = load_relevance(cache=bot.settings.index_dir / "models" / "relevance")
    groups = [(q, [c.sentence.text for c in bot.ranked(q)[:pairs]]) for q in questions]
    groups = [(q, texts) for q, texts in groups if len(texts) == pairs]
    model.scores(*groups[0])
    times = []
    for question, texts in groups:
        start = time.perf_counter()
        model.scores(question, texts)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "pairs": pairs,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
    }


def large_corpus(work: Path) -> tuple[Path, list[str]]:
    """The DEV corpora's documents in one corpus, and all their questions."""
    corpus = work / "large"
    (corpus / "docs").mkdir(parents=True)
    questions: list[str] = []
    for name in LARGE:
        for doc in (ROOT / "evals" / "corpora" / name / "docs").iterdir():
            if not (corpus / "docs" / doc.name).exists():
                shutil.copy(doc, corpus / "docs" / doc.name)
        questions += [i.question for i in load_questions(ROOT / "evals" / "corpora" / name / "questions.jsonl")]
    if squad.SQUAD_FILE.is_file():  # two FIT articles as extra text, to pass 1,000 sentences
        for article in squad.load_articles(squad.SQUAD_FILE, list(PADDING)):
            squad.write_corpus(article, work / "padding", docs_only=True)
        for doc in (work / "padding" / "docs").iterdir():
            shutil.copy(doc, corpus / "docs" / doc.name)
    return corpus, questions


def cold_start(runs: int = 3) -> dict[str, object]:
    """Median wall time of `assistant ask` in a new process, and whether spaCy or torch were imported."""
    walls, modules = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PROBE.format(q=COLD_QUESTION)], cwd=ROOT, capture_output=True, text=True, check=False
        )
        walls.append(time.perf_counter() - start)
        modules = next((line for line in done.stderr.splitlines() if line.startswith("MODULES")), "MODULES ? ?")
    _, spacy, torch = modules.split()
    return {"median_s": round(statistics.median(walls), 2), "spacy_imported": spacy, "torch_imported": torch}


def main() -> None:
    results: dict[str, object] = {}
    article = Assistant.load(Settings())
    article_questions = [i.question for i in load_questions(ROOT / "evals" / "questions.jsonl")]
    results["article"] = {"sentences": len(article.index.data.sentences), **latency(article, article_questions)}
    results["relevance"] = relevance_cost(article, article_questions)
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as work:
        corpus, questions = large_corpus(Path(work))
        bot = Assistant.load(Settings(corpus_dir=corpus, index_dir=Path(work) / "index"))
        results["large"] = {"sentences": len(bot.index.data.sentences), **latency(bot, questions)}
    results["cold_ask"] = cold_start()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2), "utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
