"""The Documents tab in headless Chromium: upload, the one progress bar, removal after a question, refusals
in words, the table at phone width, screenshots, and the time from upload to an answer from a table cell."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.config import PROJECT_ROOT, Settings
from assistant.web import documents_tab
from tests.documents import pdf, report_pdf
from tests.test_browser import ARGS, CHROMIUM, TIMEOUT_MS, ask, need_browser, shot
from tests.test_browser import served as serving
from tests.test_browser_a11y import serious

pytestmark = [pytest.mark.browser]
SCREENSHOT = PROJECT_ROOT / "docs" / "documents.png"
TIMING = PROJECT_ROOT / "evals" / "out" / "upload_timing.json"
QUESTION = "Who backs the dredging fund?"
PAGES = [
    ["Harbour Cooperation Report", "The ports of Rotterdam and Antwerp agreed to share dredging data."],
    ["Funding", "The dredging fund is backed by 240 million euros from the European Investment Bank."],
]
REFUSED = "Only PDF, Word, text, Markdown and HTML files can be added; report.exe was not added."
# A 10-page report whose figures sit in a ruled table on page 5 (issue 21's timing item)
FLOOD = "Lakeside Flood Programme 2026-2028"
FLOOD_TEXT = [
    "The Lakeside Flood Programme protects homes along the Lake River. Section {page} sets out the works "
    "planned for the district, the contractors who carry them out and the monitoring that follows each season.",
    "Residents are told of works near them by letter two weeks ahead. The council reviews progress every "
    "quarter and publishes the figures on its website.",
] * 3
FLOOD_TABLE = [
    ["Programme", "2026", "2027", "2028"],
    ["Levee repairs", "$4.2M", "$3.9M", "$2.1M"],
    ["Pump stations", "$2.8M", "$1.7M", "$1.5M"],
    ["Storm drains", "$1.3M", "$1.6M", "$0.9M"],
    ["Total", "$8.3M", "$7.2M", "$4.5M"],
]
FLOOD_QUESTION = "How much is budgeted for pump stations in 2027?"


def _serve(settings: Settings, root: Path) -> Iterator[str]:
    with serving(Assistant.load(settings), root / "feedback.jsonl") as address:
        yield address


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """The app on a free loopback port over a one-document corpus, fake embedder."""
    need_browser()
    (tmp_path / "corpus" / "docs").mkdir(parents=True)
    note = "Field notes\n\nThe cobalt refinery in Kokkola doubled its output in 2025.\n"
    (tmp_path / "corpus" / "docs" / "field-notes.txt").write_text(note, "utf-8")
    # The scorer is fitted on real cosines; the fake embedder's are lower, so is the threshold.
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    yield from _serve(Settings(embedder="fake", corpus_dir=corpus, index_dir=index, abstain_below=0.02), tmp_path)


def _page(playwright: Any, url: str, width: int = 1400, height: int = 1200, theme: str = "light") -> Any:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    page = chromium.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    need_browser().expect.set_options(timeout=TIMEOUT_MS)
    page.goto(f"{url}?__theme={theme}", wait_until="domcontentloaded")  # Gradio never reaches networkidle
    page.locator("#question textarea").wait_for()
    return page


@pytest.fixture
def page(served: str) -> Iterator[Any]:
    with need_browser().sync_playwright() as playwright:
        page = _page(playwright, served)
        yield page
        page.context.browser.close()


def documents(page: Any) -> Any:
    """The page with the Documents tab open and its table drawn."""
    page.get_by_role("tab", name="Documents").click()
    need_browser().expect(page.locator("#documents table")).to_be_visible()
    return page


def upload(page: Any, *paths: Path) -> None:
    page.locator("#upload input[type=file]").set_input_files([str(p) for p in paths])


def choose(page: Any, pattern: str) -> None:
    """Pick a document in the removal list."""
    page.locator("#remove-choice input").click()
    page.get_by_role("option", name=re.compile(pattern)).click()


def test_upload_a_pdf_ask_it_with_its_page_then_remove_it_and_the_answer_goes(page: Any, tmp_path: Path) -> None:
    expect = need_browser().expect
    documents(page)
    expect(page.locator("#documents")).to_contain_text("field-notes.txt")

    (tmp_path / "ferry note.md").write_text("# Ferry note\n\nThe ferry pier reopens in June.\n", "utf-8")
    upload(page, pdf(tmp_path / "Harbour report.pdf", PAGES), tmp_path / "ferry note.md")  # several at once
    expect(page.locator("#documents-status")).to_contain_text("Indexed in", timeout=60_000)
    row = page.locator("#documents tr", has_text=".pdf")
    expect(row).to_contain_text("indexed")
    expect(row).to_contain_text("pdf")
    expect(page.locator("#documents-status")).to_contain_text("from “Harbour report.pdf”")
    expect(page.locator("#documents")).to_contain_text("ferry-note")

    answer = ask(show_chat(page), QUESTION)
    expect(answer).to_contain_text("European Investment Bank")
    expect(page.locator("#sources")).to_contain_text("p. 2")
    _screenshot(page, tmp_path)

    documents(page)
    choose(page, r"^Harbour-report.*\.pdf$")
    page.locator("#remove").click()
    page.locator("#confirm-remove").click()
    expect(page.locator("#documents-status")).to_contain_text("Removed", timeout=60_000)
    expect(page.locator("#documents")).not_to_contain_text(".pdf")

    again = ask(show_chat(page), QUESTION)
    expect(again).not_to_contain_text("European Investment Bank")


# --- the four items of issue 22.6 ---------------------------------------------------------------


# Records, at every change of the page, the bars on screen (the one over the table counted twice) and the
# words of each bar. Gradio keeps a tracker for every output in the page, with class "hide" when its event
# asked for none; a tracker in a closed tab has no size. An observer sees every stage however busy the
# machine is; polling from the test could miss a stage shown for half a second.
WATCH_BARS = """() => {
    window.bars = new Set(); window.words = [];
    const look = () => {
        const shown = [...document.querySelectorAll('.progress-text')]
            .filter(e => !e.closest('.wrap').classList.contains('hide'))
            .filter(e => e.getBoundingClientRect().width * e.getBoundingClientRect().height > 0);
        window.bars.add(shown.map(e => e.closest('#documents') ? 2 : 1).reduce((a, b) => a + b, 0));
        for (const e of document.querySelectorAll('.progress-level-inner')) {
            const text = e.innerText;
            if (text && window.words[window.words.length - 1] !== text) window.words.push(text);
        }
    };
    new MutationObserver(look).observe(document.body,
        {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def test_one_progress_bar_follows_the_build_through_its_stages(
    page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly one bar, in the status line (never over the table), whose words name each stage in turn."""
    expect = need_browser().expect
    real_build = documents_tab.build_index

    def slowed(*args: Any, stages: Any = None, **kwargs: Any) -> Path:
        def told(stage: str, fraction: float) -> None:  # each stage held long enough for the page to show it
            if stages is not None:
                stages(stage, fraction)
            time.sleep(0.6)

        return real_build(*args, stages=told, **kwargs)

    real_rows = documents_tab.rows_of

    def slow_rows(*args: Any) -> Any:  # a slow listing (a busy machine) must not draw a second bar
        time.sleep(1.5)
        return real_rows(*args)

    monkeypatch.setattr(documents_tab, "build_index", slowed)
    monkeypatch.setattr(documents_tab, "rows_of", slow_rows)
    page.get_by_role("tab", name="Documents").click()  # the listing starts; the Ask tab's bars are gone
    page.evaluate(WATCH_BARS)
    upload(page, pdf(tmp_path / "Harbour report.pdf", PAGES))
    expect(page.locator(".progress-level-inner").first).to_contain_text("step", timeout=60_000)
    shot(page, "documents-progress.png")
    expect(page.locator("#documents-status")).to_contain_text("Indexed in", timeout=120_000)
    bars, seen = set(page.evaluate("[...window.bars]")), page.evaluate("window.words")
    steps = [m.group(1) for t in seen if (m := re.search(r"step (\d) of 4", t))]
    assert bars <= {0, 1}, f"progress bars at once: {sorted(bars)}"
    assert sorted(set(steps)) == ["1", "2", "3", "4"] and steps == sorted(steps), seen
    assert any("embedding" in t for t in seen) and any("tables" in t for t in seen), seen


def test_remove_asks_first_naming_the_document_and_cancel_keeps_it(page: Any, tmp_path: Path) -> None:
    expect = need_browser().expect
    documents(page)
    (tmp_path / "heat.txt").write_text("Riverton Heat Action Plan 2026\n\nCooling centres open in June.\n", "utf-8")
    upload(page, tmp_path / "heat.txt")
    expect(page.locator("#documents-status")).to_contain_text("Indexed in", timeout=60_000)
    choose(page, r"^heat\.txt$")
    page.locator("#remove").click()
    question = page.locator("#confirm-question")
    expect(question).to_contain_text("Remove “Riverton Heat Action Plan 2026” from the corpus?")
    expect(page.get_by_role("button", name="Cancel", exact=True)).to_be_visible()
    page.wait_for_timeout(1000)  # nothing happens while the question is open
    expect(page.locator("#documents")).to_contain_text("heat.txt")
    assert serious(page) == []
    shot(page, "documents-confirm-removal.png")

    page.get_by_role("button", name="Cancel", exact=True).click()
    expect(question).to_be_hidden()
    expect(page.locator("#documents-status")).to_contain_text("Nothing was removed")
    expect(page.locator("#documents")).to_contain_text("heat.txt")

    page.locator("#remove").click()
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.locator("#documents-status")).to_contain_text("Removed heat.txt", timeout=60_000)
    expect(page.locator("#documents")).not_to_contain_text("heat.txt")


def test_a_file_of_another_type_is_refused_in_words_and_the_rest_is_added(page: Any, tmp_path: Path) -> None:
    expect = need_browser().expect
    documents(page)
    (tmp_path / "report.exe").write_bytes(b"MZ")
    (tmp_path / "ferry.md").write_text("# Ferry note\n\nThe ferry pier reopens in June.\n", "utf-8")
    upload(page, tmp_path / "report.exe", tmp_path / "ferry.md")
    expect(page.locator("#upload-refused")).to_have_text(REFUSED)
    expect(page.locator("#documents-status")).to_contain_text("Indexed in", timeout=60_000)
    expect(page.locator("#documents")).to_contain_text("ferry.md")
    expect(page.locator("#documents")).not_to_contain_text("report")
    page.wait_for_timeout(500)
    assert "HTTP" not in page.evaluate("document.body.innerText")


def test_a_dropped_batch_loses_only_its_file_of_another_type(page: Any) -> None:
    """Dropped rather than chosen: the same words, and the batch's accepted file is still added."""
    expect = need_browser().expect
    documents(page)
    page.evaluate(
        """() => {
        const batch = new DataTransfer();
        batch.items.add(new File(["MZ"], "report.exe"));
        batch.items.add(new File(["# Ferry note\\n\\nThe ferry pier reopens in June.\\n"], "ferry.md"));
        const zone = document.querySelector("#upload .upload-container") || document.querySelector("#upload");
        for (const type of ["dragenter", "dragover", "drop"])
            zone.dispatchEvent(new DragEvent(type, { dataTransfer: batch, bubbles: true, cancelable: true }));
    }"""
    )
    expect(page.locator("#upload-refused")).to_have_text(REFUSED)
    expect(page.locator("#documents-status")).to_contain_text("Indexed in", timeout=60_000)
    expect(page.locator("#documents")).to_contain_text("ferry.md")
    assert "HTTP" not in page.evaluate("document.body.innerText")


def test_at_390_px_every_column_of_the_table_is_on_screen(served: str) -> None:
    """At phone width each row stacks into labelled cells: Status and the rest stay in view, no sideways scroll."""
    expect = need_browser().expect
    with need_browser().sync_playwright() as playwright:
        page = documents(_page(playwright, served, 390, 844))
        expect(page.locator("#documents")).to_contain_text("field-notes.txt")
        for cell in page.locator("#documents tbody td").all():
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, cell.inner_text()
        expect(page.locator("#documents tbody td[data-label=Status]")).to_have_text("indexed")
        expect(page.locator("#documents tbody td[data-label=Status]")).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.context.browser.close()


# --- screenshots and accessibility --------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(1400, 1000), (390, 844)])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_documents_tab_reads_well_in_both_themes_and_widths(
    served: str, tmp_path: Path, theme: str, width: int, height: int
) -> None:
    """axe-core finds no serious or critical violation; a screenshot for a person to look at."""
    expect = need_browser().expect
    with need_browser().sync_playwright() as playwright:
        page = documents(_page(playwright, served, width, height, theme))
        (tmp_path / "report.exe").write_bytes(b"MZ")
        upload(page, pdf(tmp_path / "Harbour report.pdf", PAGES), tmp_path / "report.exe")
        expect(page.locator("#documents-status")).to_contain_text("Indexed in", timeout=60_000)
        assert serious(page) == []
        shot(page, f"documents-{'desktop' if width > 390 else '390px'}-{theme}.png")
        page.context.browser.close()


# --- issue 21: upload to an answer from a table cell, timed -------------------------------------


@pytest.fixture
def served_real(tmp_path: Path) -> Iterator[str]:
    """The app over the shipped corpus and the tables suite's documents, with the real model, indexed."""
    need_browser()
    shutil.copytree(PROJECT_ROOT / "corpus", tmp_path / "corpus")
    for path in (PROJECT_ROOT / "evals" / "corpora" / "tables" / "docs").iterdir():
        shutil.copy(path, tmp_path / "corpus" / "docs" / path.name)
    settings = Settings(embedder="minilm", corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    yield from _serve(settings, tmp_path)  # indexed before it serves: only the upload is timed


@pytest.mark.model
@pytest.mark.slow
def test_a_ten_page_pdf_answers_a_table_question_soon_after_its_upload(served_real: str, tmp_path: Path) -> None:
    """Issue 21: from the upload of a 10-page PDF to a cited answer from one of its table cells, measured."""
    expect = need_browser().expect
    report = report_pdf(tmp_path / "Lakeside Flood Programme.pdf", FLOOD, FLOOD_TEXT, FLOOD_TABLE, pages=10)
    with need_browser().sync_playwright() as playwright:
        page = documents(_page(playwright, served_real))
        began = time.monotonic()
        upload(page, report)
        expect(page.locator("#documents-status")).to_contain_text("Indexed in", timeout=120_000)
        indexed = time.monotonic() - began
        answer = ask(show_chat(page), FLOOD_QUESTION)
        expect(answer).to_contain_text("$1.7M")
        expect(answer).to_contain_text("[1]")
        answered = time.monotonic() - began
        expect(page.locator("#sources")).to_contain_text("Pump stations")
        expect(page.locator("#sources")).to_contain_text("p. 5")
        page.context.browser.close()
    record = {"pages": 10, "upload_to_indexed_s": round(indexed, 1), "upload_to_answer_s": round(answered, 1)}
    record |= {"question": FLOOD_QUESTION, "answer": "$1.7M", "measured": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    TIMING.parent.mkdir(parents=True, exist_ok=True)
    TIMING.write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    print(f"upload to answer from a table cell: {answered:.1f} s (indexed after {indexed:.1f} s)")
    assert answered < 60, record  # the budget is 30 s; twice that, as CI machines are noisy


def show_chat(page: Any) -> Any:
    """The page with the chat in view, whether the chat sits above the tabs or in a tab of its own."""
    chat_tab = page.get_by_role("tab", name="Ask")
    if chat_tab.count():
        chat_tab.click()
    return page


def _screenshot(page: Any, tmp_path: Path) -> None:
    page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)
    if not SCREENSHOT.exists() or os.environ.get("ASSISTANT_UPDATE_SCREENSHOT") == "1":
        shutil.copy(tmp_path / "documents.png", SCREENSHOT)
