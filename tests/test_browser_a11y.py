"""Readable in both themes, usable without a mouse or sight: axe-core, contrast, fonts and glyphs in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import RESERVE, ask, browser, need_browser, shot, url  # noqa: F401 -- fixtures

pytestmark = [pytest.mark.browser]
THEMES = ("light", "dark")
# Debian's default sans-serif font: text the page's own fonts lack falls back to it (else a box shows).
FALLBACK_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(params=THEMES)
def themed(request: pytest.FixtureRequest, browser: Any, url: str) -> Any:  # noqa: F811 -- the fixture
    """A fresh session in one theme, forced with Gradio's ?__theme= parameter, after one answer."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    need_browser().expect.set_options(timeout=20_000)
    page.goto(f"{url}?__theme={request.param}", wait_until="domcontentloaded")
    page.locator("#question textarea").wait_for()
    ask(page, "Who hosted the Critical Minerals Ministerial?")
    page.wait_for_timeout(300)
    page.theme = request.param
    yield page
    context.close()


def serious(page: Any, reads: int = 4) -> list[str]:
    """axe-core's serious and critical violations on the settled page: rule, and the first elements with it.

    Gradio fades a component while an update to it is pending (its text reads #d4d4d4 on white for
    a moment), so a page is read again, up to `reads` times, half a second apart, until it is clean:
    a real violation is there on every read.
    """
    from axe_playwright_python.sync_playwright import Axe

    for _ in range(reads):
        found = Axe().run(page).response["violations"]
        shown = [_line(v) for v in found if v["impact"] in ("serious", "critical")]
        if not shown:
            return []
        page.wait_for_timeout(500)
    return shown


def _line(v: dict[str, Any]) -> str:
    nodes = v["nodes"]
    return f"{v['id']} ({v['impact']}): {[n['target'] for n in nodes][:3]} {nodes[0].get('failureSummary', '')}"


def test_the_ask_tab_has_no_serious_accessibility_violations(themed: Any) -> None:
    """Contrast (WCAG AA, 4.5:1) of the highlighted quote, the buttons and all text; names; roles."""
    need_browser().expect(themed.locator("#sources mark").first).to_be_visible()
    assert serious(themed) == []
    shot(themed, f"chat-{themed.theme}.png")


def test_the_documents_tab_has_no_serious_accessibility_violations(themed: Any) -> None:
    themed.get_by_role("tab", name="Documents").click()
    need_browser().expect(themed.locator("#documents table")).to_be_visible()
    assert serious(themed) == []
    shot(themed, f"documents-{themed.theme}.png")


def test_the_highlighted_quote_is_dark_on_yellow_in_both_themes(themed: Any) -> None:
    color = themed.locator("#sources mark").first.evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(26, 26, 26)"


def test_headings_and_bold_text_use_one_font(themed: Any) -> None:
    """Every heading, bold answer and button is drawn in the page's font, none in a fallback."""
    cdp = themed.context.new_cdp_session(themed)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    used: dict[str, set[str]] = {}
    for selector in ("h1", "#sources h2", "#chat [data-testid='bot'] strong", "#ask", ".banner"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        used[selector] = {f["familyName"] for f in fonts if f["glyphCount"] > 0}
    families = set().union(*used.values())
    assert len(families) == 1 and "DejaVu" not in next(iter(families)), used


def test_no_character_on_the_page_is_missing_from_the_fonts(themed: Any) -> None:
    """No emoji or symbol that the fallback font lacks (it would render as a box), on either tab."""
    from fontTools.ttLib import TTFont

    known = set(TTFont(FALLBACK_FONT).getBestCmap())
    ask(themed, "What is the capital of France?")  # an abstention has its own banner
    texts = themed.evaluate("document.body.innerText")
    themed.get_by_role("tab", name="Documents").click()
    texts += themed.evaluate("document.body.innerText")
    missing = sorted({ch for ch in texts if ord(ch) > 0x7F and ord(ch) not in known and not ch.isspace()})
    assert missing == []


@pytest.mark.parametrize("theme", THEMES)
def test_at_390_px_the_conversations_chat_and_sources_have_no_serious_violations(
    browser: Any,  # noqa: F811 -- the fixture
    url: str,  # noqa: F811 -- the fixture
    theme: str,
) -> None:
    """Phone width stacks the conversation list, the chat and the sources; each stays readable and named."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{url}?__theme={theme}", wait_until="domcontentloaded")
        page.locator("#question textarea").wait_for()
        ask(page, "Who hosted the Critical Minerals Ministerial?")
        need_browser().expect(page.get_by_text("Past conversations", exact=False).first).to_be_visible()
        assert serious(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, f"conversations-390px-{theme}.png")
    finally:
        context.close()
