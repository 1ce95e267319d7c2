"""The Documents tab's handlers on a temporary corpus: upload a PDF, get answers citing its page, remove it."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import urllib.error
import urllib.request
import warnings
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.errors import CorpusError
from assistant.web import app as ui
from assistant.web import documents_tab
from assistant.web.documents_tab import Handlers, rows_of
from tests.conftest import assert_citations_exact
from tests.documents import pdf, scanned_pdf
from tests.serving import free_port

QUESTION = "Who backs the dredging fund?"
PAGES = [
    ["Harbour Cooperation Report", "The ports of Rotterdam and Antwerp agreed to share dredging data."],
    ["Funding", "The dredging fund is backed by 240 million euros from the European Investment Bank."],
]
NOTE = "Field notes\n\nThe cobalt refinery in Kokkola doubled its output in 2025.\n"


@pytest.fixture
def bot(tmp_path: Path) -> Assistant:
    docs = tmp_path / "corpus" / "docs"
    docs.mkdir(parents=True)
    (docs / "field-notes.txt").write_text(NOTE, "utf-8")
    # The scorer is fitted on real cosines; the fake embedder's are lower, so is the threshold.
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    settings = Settings(corpus_dir=corpus, index_dir=index, embedder="fake", abstain_below=0.02)
    return Assistant.load(settings)


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    """The browser's temporary upload folder, holding files under their client names."""
    folder = tmp_path / "gradio-upload"
    folder.mkdir()
    pdf(folder / "Harbour report.pdf", PAGES, header="PORT NEWS")
    scanned_pdf(folder / "scan.pdf")
    (folder / "notes.exe").write_bytes(b"MZ")
    return folder


def status_of(bot: Assistant) -> dict[str, str]:
    return {r.file: r.status for r in rows_of(bot)}


def test_an_uploaded_pdf_is_listed_indexed_and_answers_with_its_page(bot: Assistant, uploads: Path) -> None:
    _, table, _, message = Handlers(bot).upload([str(uploads / "Harbour report.pdf")])
    [row] = [r for r in rows_of(bot) if r.format == "pdf"]
    assert row.status == "indexed" and row.pages == 2 and row.sentences and row.file in table
    assert f"**Added** {row.file} (from “Harbour report.pdf”): indexed" in message and "Indexed in" in message
    answer = bot.ask(QUESTION)
    assert "European Investment Bank" in answer.text
    assert [c.location for c in answer.citations if "Investment Bank" in c.quote] == ["p. 2"]
    assert_citations_exact(bot.current(), answer)


def test_a_bad_file_is_stored_and_listed_as_skipped_and_a_wrong_type_is_refused(bot: Assistant, uploads: Path) -> None:
    *_, message = Handlers(bot).upload([str(uploads / "scan.pdf"), str(uploads / "notes.exe")])
    assert status_of(bot)["scan.pdf"].startswith("skipped: no text layer")
    assert "- Only PDF, Word, text, Markdown and HTML files can be added; notes.exe was not added." in message
    assert "Traceback" not in message and "415" not in message
    assert not (bot.settings.corpus_dir / "docs" / "notes.exe").exists()


def test_only_the_new_document_is_embedded(bot: Assistant, uploads: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedded: list[str] = []
    original = bot.embedder.embed
    monkeypatch.setattr(bot.embedder, "embed", lambda texts: embedded.extend(texts) or original(texts))
    Handlers(bot).upload([str(uploads / "Harbour report.pdf")])
    assert embedded and not any("Kokkola" in text for text in embedded)


def test_a_removed_document_leaves_the_listing_and_its_answer_goes(bot: Assistant, uploads: Path) -> None:
    handlers = Handlers(bot)
    handlers.upload([str(uploads / "Harbour report.pdf")])
    name = next(r.file for r in rows_of(bot) if r.format == "pdf")
    (bot.settings.corpus_dir / "docs" / f"{Path(name).stem}.meta.yaml").write_text("title: Harbour\n", "utf-8")
    *_, message = handlers.remove(name)
    assert f"**Removed** {name}, {Path(name).stem}.meta.yaml" in message
    assert sorted(p.name for p in (bot.settings.corpus_dir / "docs").iterdir()) == ["field-notes.txt"]
    assert list(status_of(bot)) == ["field-notes.txt"]
    answer = bot.ask(QUESTION)
    assert "Investment Bank" not in answer.text and all(c.doc_id == "field-notes" for c in answer.citations)


def test_asking_to_remove_names_the_document_by_title_and_removes_nothing(bot: Assistant, uploads: Path) -> None:
    handlers = Handlers(bot)
    handlers.upload([str(uploads / "Harbour report.pdf")])
    name = next(r.file for r in rows_of(bot) if r.format == "pdf")
    question, panel, pending, _ = handlers.ask_removal(name)
    assert question.startswith("Remove “Harbour Cooperation Report” from the corpus?") and name in question
    assert panel.visible is True and pending == name
    assert (bot.settings.corpus_dir / "docs" / name).exists() and status_of(bot)[name] == "indexed"


def test_a_long_title_is_cut_at_a_word_in_the_removal_question(bot: Assistant, tmp_path: Path) -> None:
    words = "Regional Broadband Allocations and Milestones for the Northern Highlands and the Western Plains"
    (tmp_path / "long.txt").write_text(f"{words}\n\nThe fund opens in May.\n", "utf-8")
    Handlers(bot).upload([str(tmp_path / "long.txt")])
    question = Handlers(bot).ask_removal("long.txt")[0]
    assert question.startswith("Remove “Regional Broadband Allocations and Milestones for the Northern Highlands and…”")


def test_asking_to_remove_the_last_document_says_why_not_and_asks_nothing(bot: Assistant) -> None:
    question, panel, pending, message = Handlers(bot).ask_removal("field-notes.txt")
    assert question == "" and panel.visible is False and pending is None
    assert "**Not removed** field-notes.txt: it is the only indexed document" in message


def test_the_last_indexed_document_cannot_be_removed(bot: Assistant) -> None:
    *_, message = Handlers(bot).remove("field-notes.txt")
    assert "**Not removed** field-notes.txt: it is the only indexed document" in message
    assert (bot.settings.corpus_dir / "docs" / "field-notes.txt").exists()


def test_answers_come_from_the_previous_build_while_indexing_then_from_the_new_one(
    bot: Assistant, uploads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, building, real_build = threading.Event(), threading.Event(), documents_tab.build_index

    def held_build(*args: object, **kwargs: object) -> Path:
        building.set()
        release.wait(30)
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(documents_tab, "build_index", held_build)
    before = bot.current().index.path
    upload = threading.Thread(target=Handlers(bot).upload, args=([str(uploads / "Harbour report.pdf")],))
    upload.start()
    assert building.wait(30)
    assert "Investment Bank" not in bot.ask(QUESTION).text and bot.current().index.path == before
    assert "waiting to be indexed" in status_of(bot).values()
    release.set()
    upload.join(30)
    assert "European Investment Bank" in bot.ask(QUESTION).text and bot.current().index.path != before


def test_without_the_login_the_upload_and_the_tab_events_are_unreachable(bot: Assistant) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        app = ui.build_app(bot, bot.settings.corpus_dir.parent / "feedback.jsonl")
        port = free_port()
        ui.serve(app, port=port, auth=("ana", "s3cret"), prevent_thread_lock=True, quiet=True)
        asyncio.set_event_loop(None)
        gc.collect()
    try:
        base = f"http://127.0.0.1:{port}/gradio_api"
        join = json.dumps({"data": [[]], "fn_index": 0, "session_hash": "x"}).encode()
        for path, body in (("/upload", b"--x--\r\n"), ("/queue/join", join)):
            request = urllib.request.Request(base + path, data=body, method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 401, path
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            app.close()
            gc.collect()


def test_removing_a_document_with_curated_facts_says_that_its_facts_file_is_left_out(
    bot: Assistant, uploads: Path
) -> None:
    handlers = Handlers(bot)
    handlers.upload([str(uploads / "Harbour report.pdf")])
    name = next(r.file for r in rows_of(bot) if r.format == "pdf")
    facts = bot.settings.corpus_dir / "facts"
    facts.mkdir()
    fact = f"- id: bank\n  kind: count\n  doc: {Path(name).stem}\n  quote: 240 million euros\n  value: 240\n  unit: x\n"
    (facts / "harbour.yaml").write_text(fact, "utf-8")
    *_, message = handlers.remove(name)
    assert "⚠️ Also left out: " in message and "harbour.yaml" in message and "unknown document" in message


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (CorpusError("corpus/docs", "no readable document"), "corpus/docs: no readable document"),
        (RuntimeError("faiss exploded"), "internal error: faiss exploded"),
    ],
)
def test_a_failed_rebuild_keeps_the_previous_index_and_says_so_in_one_line(
    bot: Assistant, uploads: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception, said: str
) -> None:
    def failing(*args: object, **kwargs: object) -> Path:
        raise failure

    monkeypatch.setattr(documents_tab, "build_index", failing)
    before = bot.current().index.path
    *_, message = Handlers(bot).upload([str(uploads / "Harbour report.pdf")])
    assert f"⚠️ The index was not rebuilt: {said} (answers still come from the previous index)." in message
    assert "Traceback" not in message and bot.current().index.path == before
