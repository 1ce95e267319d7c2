"""Sources one click away, in Chromium: citation markers preview their quote and open their passage, and a
PDF's cited page is drawn with the quote highlighted."""

from __future__ import annotations

import base64
import io
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.config import PROJECT_ROOT, Settings
from tests.documents import pdf
from tests.test_browser import (  # noqa: F401 -- browser: the fixture, over this module's url
    TIMEOUT_MS,
    ask,
    browser,
    need_browser,
    served,
    shot,
)
from tests.test_browser_a11y import serious

pytestmark = [pytest.mark.browser]
SURVEY = [
    ["Lithium Survey 2026", "", "The survey counted eleven lithium brine sites in the northern basin."],
    [
        "The lithium survey found that the northern basin holds 4.2 million tonnes of",
        "lithium carbonate equivalent, enough for two decades of battery demand.",
        "The estimate will be reviewed in 2028.",
    ],
]
LITHIUM = "How many tonnes of lithium carbonate does the northern basin hold?"
HOSTED = "Who hosted the Critical Minerals Ministerial?"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a corpus copy plus a two-page PDF survey, fake embedder."""
    need_browser()
    root = tmp_path_factory.mktemp("sources")
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    pdf(root / "corpus" / "docs" / "lithium-survey.pdf", SURVEY)
    (root / "corpus" / "docs" / "lithium-survey.meta.yaml").write_text("title: Lithium Survey 2026\n")
    settings = Settings(embedder="fake", corpus_dir=root / "corpus", index_dir=root / "index", abstain_below=0.02)
    bot = Assistant.load(settings)
    with served(bot, root / "feedback.jsonl") as address:
        yield address


def open_page(browser: Any, url: str, theme: str = "light") -> Any:  # noqa: F811 -- the fixture
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    need_browser().expect.set_options(timeout=TIMEOUT_MS)
    page.goto(f"{url}?__theme={theme}", wait_until="domcontentloaded")
    page.locator("#question textarea").wait_for()
    return page


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:  # noqa: F811 -- the fixture
    page = open_page(browser, url)
    yield page
    page.context.close()


def in_view(page: Any, selector: str) -> bool:
    return bool(
        page.locator(selector).evaluate(
            "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
        )
    )


def test_hovering_a_citation_marker_previews_its_quote(page: Any) -> None:
    expect = need_browser().expect
    answer = ask(page, HOSTED)
    marker = answer.locator("button.cite").first
    expect(marker).to_have_text("[1]")
    expect(page.locator("#cite-preview")).to_be_hidden()
    marker.hover()
    expect(page.locator("#cite-preview")).to_be_visible()
    quote = page.locator("#sources #source-1 mark").inner_text()
    expect(page.locator("#cite-preview")).to_contain_text(" ".join(quote.split())[:60])
    assert serious(page) == []  # the markers and the preview: names, roles, contrast
    shot(page, "citation-preview.png")


def test_clicking_a_marker_of_an_earlier_answer_opens_the_panel_at_its_passage(page: Any) -> None:
    expect = need_browser().expect
    first = ask(page, HOSTED)
    ask(page, LITHIUM)
    expect(page.locator("#sources section.sources")).to_have_attribute("data-turn", "1")
    page.mouse.wheel(0, -2000)
    first.locator("button.cite").first.click()
    expect(page.locator("#sources section.sources")).to_have_attribute("data-turn", "0")
    expect(page.locator("#sources #source-1")).to_be_focused()
    expect(page.locator("#sources #source-1")).to_have_class("source cited")
    assert in_view(page, "#sources #source-1")


def test_a_marker_is_reached_by_keyboard_named_and_opened_with_enter(page: Any) -> None:
    expect = need_browser().expect
    ask(page, HOSTED)
    marker = page.get_by_role("button", name="Source [1]:").first
    marker.focus()
    expect(page.locator("#cite-preview")).to_be_visible()  # the preview shows on focus, too
    page.keyboard.press("Enter")
    expect(page.locator("#sources #source-1")).to_be_focused()


def highlighted_pixels(data_uri: str) -> int:
    from PIL import Image

    png = base64.b64decode(data_uri.split(",", 1)[1])
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.get_flattened_data() if r > 240 and 200 < g < 240 and 80 < b < 120)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_pdf_citation_shows_its_page_with_the_quote_highlighted(browser: Any, url: str, theme: str) -> None:  # noqa: F811 -- the fixture
    expect = need_browser().expect
    page = open_page(browser, url, theme)
    try:
        answer = ask(page, LITHIUM)
        answer.locator("button.cite").first.click()
        figure = page.locator("#sources #source-1 figure.page")
        expect(figure).to_have_attribute("data-marked", "true")
        expect(figure.locator("figcaption")).to_have_text("p. 2: The quote is highlighted on the page.")
        image = figure.locator("img")
        expect(image).to_have_attribute("alt", "Page 2 of “Lithium Survey 2026”, the quote highlighted")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 720
        assert highlighted_pixels(image.get_attribute("src")) > 1000
        assert serious(page) == []
        shot(page, "source-panel-pdf.png" if theme == "light" else f"source-panel-pdf-{theme}.png")
    finally:
        page.context.close()
