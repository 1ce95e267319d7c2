"""Command line: `assistant ask | chat | ingest | serve | eval`. Errors become one line and an exit code."""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated, Any

import typer

from assistant.cli.console import CorpusOpt, IndexOpt, TodayOpt, parse_today, run, settings_for
from assistant.errors import AssistantError, CorpusError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Cited answers from your documents, offline.")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
    today: TodayOpt = None,
    corpus: CorpusOpt = None,
    index: IndexOpt = None,
    no_rebuild: Annotated[bool, typer.Option("--no-rebuild", help="Fail instead of rebuilding a stale index")] = False,
) -> None:
    """Answer one question with citations."""
    from assistant.api import Assistant, clean_question

    def answer() -> None:
        settings = settings_for(corpus, index)
        clean_question(question, settings.max_question_chars)  # fail fast, before loading anything
        day = parse_today(today)
        bot = Assistant.load(settings, rebuild=not no_rebuild, progress=sys.stderr.isatty())
        result = bot.ask(question, today=day)
        typer.echo(result.model_dump_json(indent=2) if as_json else render_answer(result))

    run(answer)


def render_answer(answer: Any) -> str:
    """An Answer as terminal text: the answer, then its numbered sources."""
    lines = [answer.text, ""]
    for c in answer.citations:
        where = f"{c.location}, " if c.location else ""
        lines.append(f"[{c.n}] {c.title} ({c.doc_id}, {where}chars {c.start}-{c.end}): “{c.quote}”")
    for conflict in getattr(answer, "conflicts", []):
        values = " vs ".join(f"[{v.citation}] {v.value} ({v.doc_id}, chars {v.start}-{v.end})" for v in conflict.values)
        more = f" and {conflict.more} more" if getattr(conflict, "more", 0) else ""
        lines.append(f"! sources disagree ({conflict.thing}): {values}{more}")
    return "\n".join(lines).rstrip()


@app.command()
def chat(today: TodayOpt = None, corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """Terminal chat that keeps the conversation for follow-up questions (Ctrl-D or 'exit' to quit)."""
    from assistant.api import Assistant

    def loop() -> None:
        day = parse_today(today)
        bot = Assistant.load(settings_for(corpus, index), progress=True)
        history: list[dict[str, str]] = []
        typer.echo("Ask about the documents (Ctrl-D or 'exit' to quit).")
        while (question := _prompt()) is not None:
            try:
                result = bot.ask(question, history=history, today=day)
            except AssistantError as err:
                typer.echo(f"error: {err}", err=True)
                continue
            typer.echo(render_answer(result) + "\n")
            history += [{"role": "user", "content": question}, {"role": "assistant", "content": result.text}]

    run(loop)


def _prompt() -> str | None:
    try:
        line = input("? ")
    except (EOFError, KeyboardInterrupt):
        return None
    return None if line.strip().lower() in ("exit", "quit") else line


@app.command()
def ingest(
    corpus: CorpusOpt = None,
    index: IndexOpt = None,
    no_rebuild: Annotated[bool, typer.Option("--no-rebuild", help="Only check: list what is stale and exit 3")] = False,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the index is up to date")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad file (exit 2)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was indexed and skipped as JSON")] = False,
) -> None:
    """Build the index (only if missing or stale, unless --force); bad files are skipped and listed."""
    from assistant.errors import StaleIndexError
    from assistant.ingest.embedding import make_embedder
    from assistant.ingest.index import ensure_query_model, load_index, stale_reasons
    from assistant.ingest.ownership import check_claimable

    def build() -> None:
        started = time.perf_counter()
        status_line = "index is up to date"
        settings = settings_for(corpus, index)
        check_claimable(settings.index_dir)  # before any line: a folder of the user's is refused, untouched
        embedder = make_embedder(settings.embedder, settings.index_dir, not no_rebuild, force=force)
        reasons = stale_reasons(settings.index_dir, settings.corpus_dir, settings, embedder)
        if no_rebuild and reasons:
            raise StaleIndexError(reasons)
        if not reasons and not force:
            ensure_query_model(settings.index_dir, embedder)
            status, path = "up to date", load_index(settings.index_dir).path
        else:
            for reason in reasons:
                typer.echo(f"rebuilding: {reason}", err=True)
            status = "built"
            path = _build(settings, embedder, strict)
            status_line = f"index built in {time.perf_counter() - started:.1f} s"
        report = ingest_report(load_index(settings.index_dir), status)
        report["skipped"] += alias_problems(settings.corpus_dir)
        if strict and report["skipped"]:  # an index that predates --strict may hold skipped files
            first = report["skipped"][0]
            raise CorpusError(first["path"], first["reason"], first["line"])
        typer.echo(json.dumps(report, indent=2) if as_json else render_report(report, path, status_line))

    run(build)


def _build(settings: Any, embedder: Any, strict: bool) -> Any:
    """build_index, with a full or read-only disk as one IndexError_ line (the live build is left as it was)."""
    from assistant.errors import IndexError_
    from assistant.ingest.index import build_index

    try:
        return build_index(settings.corpus_dir, settings.index_dir, settings, embedder, sys.stderr.isatty(), strict)
    except OSError as err:
        raise IndexError_(
            f"cannot write the index in {settings.index_dir} ({err.strerror or err}):"
            " free some disk space or pass a writable --index, then run `assistant ingest` again"
        ) from None


def ingest_report(index: Any, status: str) -> dict[str, Any]:
    """What the live build holds: every document with its format and size, and every file left out."""
    from assistant.ingest.index import skipped_files

    sentences: dict[str, int] = {}
    for s in index.data.sentences:
        sentences[s.doc_id] = sentences.get(s.doc_id, 0) + 1
    documents = [
        {
            "doc_id": d.doc_id,
            "file": d.path,
            "title": d.title,
            "format": d.format,
            "pages": d.pages,
            "sentences": sentences.get(d.doc_id, 0),
        }
        for d in index.data.documents
    ]
    skipped = [s.model_dump(mode="json") for s in skipped_files(index)]
    return {"status": status, "index": str(index.path), "documents": documents, "skipped": skipped}


def alias_problems(corpus_dir: Any) -> list[dict[str, Any]]:
    """The corpus's alias table as a skipped file, if it cannot be read (answers then go without it)."""
    from assistant.calculate.aliases import load_aliases

    path = corpus_dir / "aliases.yaml"
    try:
        load_aliases([path] if path.is_file() else [], root=corpus_dir)
    except CorpusError as err:
        return [{"path": err.path, "reason": err.message, "line": err.line}]
    return []


def render_report(report: dict[str, Any], path: Any, head: str | None = None) -> str:
    """One line per skipped file, then what the index holds (after `head`, e.g. "index built in 9.1 s")."""
    from assistant.records import Skipped

    lines = [f"skipped: {Skipped.model_validate(s)}" for s in report["skipped"]]
    counts = f"{len(report['documents'])} documents"
    if report["skipped"]:
        counts += f", {len(report['skipped'])} files skipped"
    head = head or ("index is up to date" if report["status"] == "up to date" else "index built")
    return "\n".join([*lines, f"{head}: {path} ({counts})"])


from assistant.cli.eval_command import eval_command  # noqa: E402

app.command("eval")(eval_command)


from assistant.cli.serve_command import serve_command  # noqa: E402

app.command("serve")(serve_command)


def main() -> None:
    app()
