"""A PDF and a Word file dropped into a corpus are answered from, with the page or paragraph cited."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli.main import app
from tests.conftest import assert_citations_exact
from tests.documents import docx, pdf, scanned_pdf

FIRST_PAGE = [
    "Harbour Cooperation Report",
    "The ports of Rotterdam and Antwerp agreed to share dredging data",
    "from 2027 onwards, under a pact signed by both port authorities.",
]
SECOND_PAGE = [
    "Funding",
    "The dredging fund is backed by 240 million euros from the European",
    "Investment Bank, with the rest coming from the two port authorities.",
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    docs = tmp_path / "corpus" / "docs"
    docs.mkdir(parents=True)
    pdf(docs / "harbour report.pdf", [FIRST_PAGE, SECOND_PAGE], header="PORT NEWS")
    wind = [("h1", "Offshore wind"), ("p", "Turbines off Esbjerg will deliver 3 gigawatts by 2030.")]
    docx(docs / "Wind note.docx", wind)
    scanned_pdf(docs / "scan.pdf")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", embedder="fake", abstain_below=0.02)


def test_a_question_answered_from_a_pdf_cites_the_exact_words_and_their_page(settings: Settings) -> None:
    bot = Assistant.load(settings)
    answer = bot.ask("Who backs the dredging fund?")
    assert not answer.abstained and "European Investment Bank" in answer.text
    assert_citations_exact(bot, answer)
    assert [c.location for c in answer.citations if "Investment" in c.quote] == ["p. 2"]


def test_a_question_answered_from_a_word_file_cites_its_paragraph_and_heading(settings: Settings) -> None:
    bot = Assistant.load(settings)
    answer = bot.ask("How many gigawatts will the turbines off Esbjerg deliver?")
    assert_citations_exact(bot, answer)
    assert answer.citations[0].location == "¶ 2, under “Offshore wind”"


def test_ingest_indexes_the_readable_files_and_lists_the_skipped_one_with_its_reason(settings: Settings) -> None:
    result = invoke(settings, "ingest")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert any(line.startswith("skipped: ") and "scan.pdf: no text layer" in line for line in lines), lines
    assert re.fullmatch(r"index built in [0-9.]+ s: .+ \(2 documents, 1 files skipped\)", lines[-1]), lines[-1]


def test_ingest_json_lists_documents_with_format_pages_and_sentences_and_the_skipped_files(settings: Settings) -> None:
    report = json.loads(invoke(settings, "ingest", "--json").stdout)
    formats = {d["file"]: (d["format"], d["pages"]) for d in report["documents"]}
    assert formats == {"harbour report.pdf": ("pdf", 2), "Wind note.docx": ("docx", None)}
    assert all(d["sentences"] > 0 for d in report["documents"])
    assert [Path(s["path"]).name for s in report["skipped"]] == ["scan.pdf"]


def test_strict_ingest_stops_at_the_bad_file_and_leaves_no_index(settings: Settings) -> None:
    result = invoke(settings, "ingest", "--strict")
    assert result.exit_code == 2 and "scan.pdf: no text layer" in result.output and "Traceback" not in result.output
    assert not (settings.index_dir / "CURRENT").exists()


def test_strict_ingest_refuses_an_up_to_date_index_that_left_files_out(settings: Settings) -> None:
    assert invoke(settings, "ingest").exit_code == 0
    result = invoke(settings, "ingest", "--strict")
    assert result.exit_code == 2 and "scan.pdf" in result.output


def test_the_cli_answer_shows_the_page_beside_the_quote(settings: Settings) -> None:
    result = invoke(settings, "ask", "Who backs the dredging fund?")
    assert result.exit_code == 0 and "p. 2, chars " in result.output, result.output


def invoke(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        app,
        [*args, "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)],
        env={"ASSISTANT_EMBEDDER": "fake", "ASSISTANT_ABSTAIN_BELOW": "0.02"},
    )
