"""`assistant eval`: run a question set, a suite of them or a LlamaIndex dataset; report; gate on thresholds.

Writes into --out: results.json (every answer, its citations, pass or the reasons for failing),
report.md and PNG charts; with --suite one such folder per corpus and suite.md, the table of all.
Heavy libraries (matplotlib, the model, llama_index) load lazily.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.config import PROJECT_ROOT

DEFAULT_QUESTIONS = PROJECT_ROOT / "evals" / "questions.jsonl"
DEFAULT_OUT = PROJECT_ROOT / "evals" / "out"
DEFAULT_SUITES = PROJECT_ROOT / "evals" / "suites.yaml"
_FIGURES = (
    "accuracy",
    "hasans_accuracy",
    "noans_accuracy",
    "rank1",
    "top3",
    "answer_recall",
    "answer_precision",
    "citation_validity",
    "evidence_recall",
    "hit_rate",
    "mrr",
    "abstention_precision",
    "abstention_recall",
    "conflict_precision",
    "conflict_recall",
)

Floor = Annotated[float | None, typer.Option(min=0.0, max=1.0, show_default=False)]


def eval_command(
    questions: Annotated[
        Path, typer.Option("--questions", help="Question set, JSON Lines (evals/README.md)")
    ] = DEFAULT_QUESTIONS,
    corpus: Annotated[
        Path | None, typer.Option("--corpus", help="Corpus folder; with --llama-dataset, any folder of documents")
    ] = None,
    index: Annotated[
        Path | None, typer.Option("--index", help="Index folder (with --llama-dataset: default a temp folder)")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Date for items without their own `today`, YYYY-MM-DD")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for results.json, report.md and charts")] = DEFAULT_OUT,
    retriever: Annotated[
        str | None, typer.Option("--retriever", help="dense | bm25 | hybrid (default: settings)")
    ] = None,
    compare: Annotated[bool, typer.Option("--compare", help="Run dense, bm25 and hybrid side by side")] = False,
    llama_dataset: Annotated[
        Path | None, typer.Option("--llama-dataset", help="A LlamaIndex LabelledRagDataset JSON file")
    ] = None,
    top_k: Annotated[
        int | None, typer.Option("--top-k", min=1, help="k of hit rate@k (default: settings top_k)")
    ] = None,
    match_threshold: Annotated[
        float, typer.Option("--match-threshold", min=0.0, max=1.0, help="LlamaIndex context match")
    ] = 0.6,
    no_charts: Annotated[bool, typer.Option("--no-charts", help="Skip the PNG charts")] = False,
    suite: Annotated[
        Path | None, typer.Option("--suite", help="Run every corpus of a suites file (evals/suites.yaml)")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="With --suite: run only this suite (repeatable)")
    ] = None,
    min_accuracy: Floor = None,
    min_hasans: Floor = None,
    min_noans: Floor = None,
    min_citation_validity: Floor = None,
    min_evidence_recall: Floor = None,
    min_hit_rate: Floor = None,
    min_mrr: Floor = None,
    min_abstention_precision: Floor = None,
    min_abstention_recall: Floor = None,
    min_conflict_precision: Floor = None,
    min_conflict_recall: Floor = None,
    min_token_f1: Floor = None,
    min_rouge_l: Floor = None,
    max_p95_ms: Annotated[float | None, typer.Option(min=0.0, help="Fail when latency p95 exceeds this")] = None,
) -> None:
    """Score the assistant on a question set: accuracy, citations, evidence, retrieval, abstention, latency."""
    from assistant.cli.console import parse_today, run, settings_for
    from assistant.errors import InputError

    minimums = {
        "accuracy": min_accuracy,
        "hasans_accuracy": min_hasans,
        "noans_accuracy": min_noans,
        "citation_validity": min_citation_validity,
        "evidence_recall": min_evidence_recall,
        "hit_rate": min_hit_rate,
        "mrr": min_mrr,
        "abstention_precision": min_abstention_precision,
        "abstention_recall": min_abstention_recall,
        "conflict_precision": min_conflict_precision,
        "conflict_recall": min_conflict_recall,
        "token_f1": min_token_f1,
        "rouge_l": min_rouge_l,
    }

    def evaluate() -> list[str]:
        if retriever is not None and retriever not in ("dense", "bm25", "hybrid"):
            raise InputError(f"--retriever {retriever!r}: use dense, bm25 or hybrid")
        if suite is not None:
            if compare or llama_dataset is not None or corpus is not None:
                raise InputError("--suite runs the suites file's corpora: no --compare, --llama-dataset or --corpus")
            return suite_eval(suite, only or [], index, out, parse_today(today), retriever, top_k, no_charts)
        if only:
            raise InputError("--only needs --suite FILE")
        if llama_dataset is not None:
            if corpus is None:
                raise InputError("--llama-dataset needs --corpus DIR: the documents the dataset was made from")
            return llama_eval(
                llama_dataset, corpus, index, out, top_k, match_threshold, no_charts, minimums, max_p95_ms
            )
        day = parse_today(today)
        extra = {"retriever": retriever} if retriever else {}
        settings = settings_for(corpus, index, **extra)
        return set_eval(settings, questions, day, out, top_k, compare, no_charts, minimums, max_p95_ms)

    failures = run(evaluate)
    for line in failures:
        typer.echo(f"{'gate missed' if suite else 'below threshold'}: {line}", err=True)
    if failures:
        raise typer.Exit(1)


def set_eval(
    settings: Any,
    questions: Path,
    day: Any,
    out: Path,
    top_k: int | None,
    compare: bool,
    no_charts: bool,
    minimums: dict[str, float | None],
    max_p95_ms: float | None,
) -> list[str]:
    """Run the question set (once, or per retriever), write the report; the threshold failures."""
    from assistant.api import Assistant
    from assistant.evaluate.harness import RETRIEVERS, load_questions, run, shortfalls, with_retriever

    items = load_questions(questions)
    bot = Assistant.load(settings, progress=sys.stderr.isatty())
    modes = RETRIEVERS if compare else (settings.retriever,)
    runs = {mode: run(with_retriever(bot, mode), items, top_k, day, _progress) for mode in modes}
    typer.echo("", err=True)
    write_report(out, runs, questions, no_charts)
    typer.echo(summary_table(runs))
    typer.echo(f"report: {out / 'report.md'}")
    main = runs[settings.retriever]
    figures = {k: v for k, v in minimums.items() if k in _FIGURES}
    return shortfalls(main.summary, figures, {"latency_p95_ms": max_p95_ms})


# --- suites -------------------------------------------------------------------------------------


def suite_eval(
    suite_file: Path,
    only: Sequence[str],
    index_base: Path | None,
    out: Path,
    day: Any,
    retriever: str | None,
    top_k: int | None,
    no_charts: bool,
) -> list[str]:
    """Run every selected suite (index per corpus: <index>/<name>, default <out>/index-<name>); the missed gates."""
    from assistant.evaluate.harness import load_suites

    rows, failures = [], []
    for entry in load_suites(suite_file, only):
        index_dir = index_base / entry.name if index_base else out / f"index-{entry.name}"
        row, misses = run_suite(entry, index_dir, out / entry.name, day, retriever, top_k, no_charts)
        rows.append(row)
        failures += [f"{entry.name}: {m}" for m in misses]
    table = suite_table(rows)
    out.mkdir(parents=True, exist_ok=True)
    (out / "suite.md").write_text(f"# Suite evaluation\n\nSuites: `{suite_file}`.\n\n{table}\n", encoding="utf-8")
    typer.echo(table)
    typer.echo(f"report: {out / 'suite.md'}")
    return failures


def run_suite(
    entry: Any, index_dir: Path, out: Path, day: Any, retriever: str | None, top_k: int | None, no_charts: bool
) -> tuple[tuple[str, list[str]], list[str]]:
    """One suite: its table row and its missed gates (a missing input or a crash is one)."""
    from assistant.cli.console import settings_for
    from assistant.errors import AssistantError
    from assistant.evaluate.harness import shortfalls

    if entry.missing():
        return (entry.name, ["missing"] + [""] * 8), [f"not found: {', '.join(map(str, entry.missing()))}"]
    typer.echo(f"{entry.name}: ", nl=False, err=True)
    start = time.perf_counter()
    try:
        settings = settings_for(entry.corpus, index_dir, **({"retriever": retriever} if retriever else {}))
        summary = suite_run(settings, entry.questions_file, day, out, top_k, no_charts)
    except AssistantError as err:
        typer.echo(f"\nerror: {err}", err=True)
        return (entry.name, ["error"] + [""] * 8), [f"error: {err}"]
    except Exception as err:  # one broken corpus must not hide the others' figures
        typer.echo("\n" + "".join(traceback.format_exception(err)[-6:]), err=True)
        return (entry.name, ["crashed"] + [""] * 8), [f"crashed: {type(err).__name__}: {err}"]
    wall = time.perf_counter() - start
    typer.echo(f" {wall:.0f} s", err=True)
    return (entry.name, suite_cells(summary, wall)), shortfalls(summary, entry.minimums(), {})


def suite_run(settings: Any, questions: Path, day: Any, out: Path, top_k: int | None, no_charts: bool) -> Any:
    """Load (indexing if needed) and run one corpus's question set; write its report; its summary."""
    from assistant.api import Assistant
    from assistant.evaluate.harness import load_questions, run

    items = load_questions(questions)
    bot = Assistant.load(settings, progress=sys.stderr.isatty())
    result = run(bot, items, top_k, day, _progress)
    write_report(out, {settings.retriever: result}, questions, no_charts)
    return result.summary


def suite_cells(s: Any, wall: float) -> list[str]:
    return [str(s.questions), f"{s.accuracy:.3f}", f"{s.hasans_accuracy:.3f} ({s.hasans_questions})",
            f"{s.noans_accuracy:.3f} ({s.noans_questions})",
            f"{s.rank1:.3f} / {s.top3:.3f} ({s.ranked_questions})",
            f"{s.answer_recall:.3f} / {s.answer_precision:.3f} ({s.answered})", f"{s.citation_validity:.3f}",
            _conflict_cell(s), f"{s.short_answer_precision:.3f} ({s.short_answers})",
            f"{s.latency_p50_ms:.0f}", f"{s.latency_p95_ms:.0f}", f"{wall:.0f}"]  # fmt: skip


def suite_table(rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """One row per corpus: questions, accuracy, HasAns and NoAns (item counts), ranking (answer sentence
    at rank 1 / in the top 3), deciding (answer recall / precision), citation validity, conflicts,
    the share of bold short answers that are right, latency, wall."""
    header = ["suite", "questions", "accuracy", "HasAns (n)", "NoAns (n)", "rank@1 / top 3 (n)",
              "recall / precision (answered)", "citation validity"]  # fmt: skip
    return _table([*header, "conflict P / R (n)", "bold right (n)", "p50 ms", "p95 ms", "wall s"], rows)


def _conflict_cell(s: Any) -> str:
    """Conflict precision / recall over the items that judge conflicts, or a dash when none does."""
    if not s.conflict_questions:
        return "–"
    return f"{s.conflict_precision:.3f} / {s.conflict_recall:.3f} ({s.conflict_questions})"


def _progress(result: Any) -> None:
    typer.echo("." if result.passed else "F", nl=False, err=True)


def llama_eval(
    dataset: Path,
    corpus: Path,
    index: Path | None,
    out: Path,
    top_k: int | None,
    threshold: float,
    no_charts: bool,
    minimums: dict[str, float | None],
    max_p95_ms: float | None,
) -> list[str]:
    """Index `corpus` separately and score retrieval and answers against the dataset's references."""
    from assistant.api import Assistant
    from assistant.cli.console import settings_for
    from assistant.evaluate.harness import shortfalls
    from assistant.evaluate.llama_dataset import load_llama_dataset, run_llama

    examples = load_llama_dataset(dataset)
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as scratch:
        root = as_corpus(corpus, Path(scratch) / "corpus")
        settings = settings_for(root, index or Path(scratch) / "index")
        bot = Assistant.load(settings, progress=sys.stderr.isatty())
        result = run_llama(bot, examples, top_k, threshold)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
    (out / "report.md").write_text(llama_markdown(result, dataset, corpus), encoding="utf-8")
    if not no_charts:
        latency_chart(out / "latency.png", {"llama": [r.latency_ms for r in result.items]})
    s = result.summary
    typer.echo(
        f"{s.examples} examples  hit@{s.k} {s.hit_rate:.3f}  MRR {s.mrr:.3f}  token-F1 {s.token_f1:.3f}  "
        f"ROUGE-L {s.rouge_l:.3f}  p50 {s.latency_p50_ms:.0f} ms  p95 {s.latency_p95_ms:.0f} ms"
    )
    typer.echo(f"report: {out / 'report.md'}")
    figures = {k: v for k, v in minimums.items() if k in ("hit_rate", "mrr", "token_f1", "rouge_l")}
    return shortfalls(s, figures, {"latency_p95_ms": max_p95_ms})


def as_corpus(folder: Path, scratch: Path) -> Path:
    """`folder` if it is a corpus (has docs/); else a copy of its documents laid out as one."""
    from assistant.errors import InputError
    from assistant.ingest.corpus import DOC_SUFFIXES

    if (folder / "docs").is_dir():
        return folder
    files = (
        sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in DOC_SUFFIXES)
        if folder.is_dir()
        else []
    )
    if not files:
        raise InputError(f"--corpus {folder}: no docs/ folder and no .txt, .md or .html documents in it")
    (scratch / "docs").mkdir(parents=True)
    for n, path in enumerate(files, 1):
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-.") or "doc"
        shutil.copyfile(path, scratch / "docs" / f"{n:03d}-{stem}{path.suffix.lower()}")
    return scratch


# --- report -------------------------------------------------------------------------------------


def summary_table(runs: dict[str, Any]) -> str:
    """Headline figures, one column per retriever, then accuracy per category."""
    modes = list(runs)
    sums = {m: runs[m].summary for m in modes}
    first = sums[modes[0]]
    rows = [("questions", [str(s.questions) for s in sums.values()])]
    rows += [
        (f"hit@{first.k}" if f == "hit_rate" else f, [f"{getattr(s, f):.3f}" for s in sums.values()]) for f in _FIGURES
    ]
    rows += [
        (name, [f"{getattr(s, name):.0f} ms" for s in sums.values()]) for name in ("latency_p50_ms", "latency_p95_ms")
    ]
    rows += [
        (f"  {c}", [f"{s.categories[c].passed}/{s.categories[c].questions}" for s in sums.values()])
        for c in first.categories
    ]
    return _table(["figure", *modes], rows)


def _table(header: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join([name, *cells]) + " |" for name, cells in rows])


def report_markdown(runs: dict[str, Any], questions: Path, charts: bool = True) -> str:
    parts = [
        f"# Evaluation report\n\nQuestion set: `{questions}`. Rules: see `assistant/evaluate/harness.py`.\n",
        summary_table(runs),
        "",
    ]
    if charts:
        parts += ["![accuracy per category](category_accuracy.png)", "![latency](latency.png)", ""]
    for mode, result in runs.items():
        failed = [r for r in result.items if not r.passed]
        parts.append(f"## Failures ({mode}): {len(failed)} of {len(result.items)}\n")
        for r in failed:
            answer = " ".join(r.answer.split())[:240]
            parts.append(
                f"- **{r.id}** ({r.category}) {r.question}\n  - "
                + "\n  - ".join(r.reasons)
                + f"\n  - answered: {answer}"
            )
        parts.append("")
    return "\n".join(parts)


def llama_markdown(result: Any, dataset: Path, corpus: Path) -> str:
    s = result.summary
    rows = [(name, [f"{getattr(s, name):.3f}"]) for name in ("hit_rate", "mrr", "token_f1", "rouge_l")]
    rows += [(name, [f"{getattr(s, name):.0f} ms"]) for name in ("latency_p50_ms", "latency_p95_ms")]
    rule = (
        f"A retrieved chunk counts when, lower-cased with whitespace collapsed, one text contains the other, "
        f"or difflib.SequenceMatcher ratio ≥ {s.match_threshold}, or ≥ {s.match_threshold:.0%} of the shorter text's "
        "distinct 3+ letter words (at least 5) occur in the other."
    )
    head = f"# LlamaIndex dataset evaluation\n\nDataset `{dataset}`, corpus `{corpus}`, {s.examples} examples, "
    head += f"k = {s.k}.\n\n{rule}\n"
    return "\n".join([head, _table(["figure", "value"], rows), ""])


def write_report(out: Path, runs: dict[str, Any], questions: Path, no_charts: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    payload = {mode: result.model_dump(mode="json") for mode, result in runs.items()}
    (out / "results.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "report.md").write_text(report_markdown(runs, questions, not no_charts), encoding="utf-8")
    if not no_charts:
        accuracy = {m: {c: v.accuracy for c, v in r.summary.categories.items()} for m, r in runs.items()}
        category_chart(out / "category_accuracy.png", accuracy)
        latency_chart(out / "latency.png", {m: [i.latency_ms for i in r.items] for m, r in runs.items()})


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def category_chart(path: Path, accuracy: dict[str, dict[str, float]]) -> None:
    """Grouped bars: accuracy per category, one bar per retriever."""
    plt = _pyplot()
    categories = list(next(iter(accuracy.values())))
    width = 0.8 / len(accuracy)
    fig, ax = plt.subplots(figsize=(max(6, len(categories) * 0.9), 4))
    for n, (mode, values) in enumerate(accuracy.items()):
        ax.bar([i + n * width for i in range(len(categories))], [values[c] for c in categories], width, label=mode)
    ax.set_xticks(
        [i + width * (len(accuracy) - 1) / 2 for i in range(len(categories))], categories, rotation=30, ha="right"
    )
    ax.set(ylim=(0, 1.05), ylabel="accuracy", title="Accuracy per category")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def latency_chart(path: Path, latencies: dict[str, list[float]]) -> None:
    """Histogram of answer latency (last turn), one series per run."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist(list(latencies.values()), bins=20, label=list(latencies))
    ax.set(xlabel="latency (ms)", ylabel="questions", title="Answer latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
