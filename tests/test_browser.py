"""The UI in a real browser: headless Debian chromium driven by Playwright against a running app."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant  # noqa: E402
from assistant.config import PROJECT_ROOT, Settings  # noqa: E402
from assistant.web import app as ui  # noqa: E402
from tests.conftest import ARTICLE_ID
from tests.serving import free_port, served  # noqa: F401 -- free_port: for the other browser tests

pytestmark = [
    pytest.mark.browser,
]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCRIPT_DOC = (
    "Field notes\n\nThe cobalt refinery memo reads <script>window.__pwned=1</script> and "
    '<img src=x onerror="window.__pwned=2"> in its margin.\n'
)
LINK_DOC = "Harbour memo\n\nThe harbour memo footer links [pixel](http://evil.example/p.png) and **bold** text.\n"
SCREENSHOT = PROJECT_ROOT / "docs" / "screenshot.png"
SHOTS = PROJECT_ROOT / "evals" / "out" / "screenshots"  # git-ignored; looked at before an issue is closed
RESERVE = "What is the total funding for the strategic critical minerals reserve?"
TIMEOUT_MS = 20_000


def need_browser() -> Any:
    """Playwright's sync API, or a skip (a failure when ASSISTANT_REQUIRE_BROWSER=1, as in CI)."""
    reason = None
    try:
        from playwright import sync_api
    except ImportError:
        reason = "the playwright package is not installed"
    if reason is None and not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
    if reason is None:
        return sync_api
    if os.environ.get("ASSISTANT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser required (ASSISTANT_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free loopback port: a corpus copy plus a document carrying <script>, fake embedder."""
    need_browser()
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    (root / "corpus" / "docs" / "field-notes.txt").write_text(SCRIPT_DOC, encoding="utf-8")
    (root / "corpus" / "docs" / "harbour-memo.txt").write_text(LINK_DOC, encoding="utf-8")
    # The scorer is fitted on real cosines; with the fake embedder's, its probabilities are low, so the
    # threshold is lowered: these tests are about the page, not abstention.
    settings = Settings(embedder="fake", corpus_dir=root / "corpus", index_dir=root / "index", abstain_below=0.02)
    bot = Assistant.load(settings)
    with served(bot, root / "feedback.jsonl") as address:
        yield address


@pytest.fixture(scope="module")
def browser(url: str) -> Iterator[Any]:
    with need_browser().sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:
    """A fresh browser session (its own chat history) with the app loaded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    need_browser().expect.set_options(timeout=TIMEOUT_MS)  # not 5 s: two test workers share 2 cores
    page.goto(url, wait_until="domcontentloaded")  # Gradio never reaches networkidle
    page.locator("#question textarea").wait_for()
    # The "today" box is filled by a load event; wait for it so that it cannot overwrite a test's date.
    need_browser().expect(page.locator("#today input")).to_have_value(ui.dt.date.today().isoformat())
    yield page
    context.close()


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, and return the new bot message once it has arrived."""
    count = page.locator('[data-testid="bot"]').count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    message = page.locator('[data-testid="bot"]').nth(count)
    message.wait_for()
    return message


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot in SHOTS, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)
    return SHOTS / name


def test_question_follow_up_memo_and_screenshot(page: Any, tmp_path: Path) -> None:
    """A cited answer with its highlighted passage, a follow-up, a memo download and a screenshot."""
    expect = need_browser().expect
    page.locator("#today input").fill("2026-03-01")

    first = ask(page, "Who hosted the Critical Minerals Ministerial?")
    expect(first).to_contain_text("Marco Rubio")
    expect(first).to_contain_text("[1]")
    mark = page.locator("#sources mark").first
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("Secretary of State Marco Rubio hosted")

    second = ask(page, "How many nations attended it?")  # "it" only makes sense after the first question
    expect(second).to_contain_text("54 nations")
    expect(page.locator("#sources mark").first).to_contain_text("Representatives from 54 nations attended")

    with page.expect_download() as download:
        page.locator("#download-all").click()
    memo = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## 1. Who hosted the Critical Minerals Ministerial?" in memo
    assert "## 2. How many nations attended it?" in memo
    assert (
        "[^2]: “Representatives from 54 nations attended, spanning" in memo
        and "— *US Critical Minerals Strategy" in memo
    )
    assert "*As of 2026-03-01.*" in memo

    page.locator("#copy-memo").click()
    copied = ""
    for _ in range(40):  # the copy is asynchronous: read until it has landed (a slow machine takes a moment)
        copied = page.evaluate("navigator.clipboard.readText()")
        if copied:
            break
        page.wait_for_timeout(250)
    assert copied.startswith("**Question:** How many nations attended it?") and "[^1]: “Representatives" in copied

    page.screenshot(path=str(tmp_path / "ui.png"), full_page=True)
    if not SCREENSHOT.exists() or os.environ.get("ASSISTANT_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copy(tmp_path / "ui.png", SCREENSHOT)


def test_script_in_a_document_renders_as_inert_text(page: Any) -> None:
    expect = need_browser().expect
    message = ask(page, "What does the cobalt refinery memo read in its margin?")
    expect(message).to_contain_text("<script>window.__pwned=1</script>")
    expect(page.locator("#sources")).to_contain_text("<script>window.__pwned=1</script>")
    assert page.locator("#chat script, #sources script, #chat img[src='x'], #sources img[src='x']").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_html_typed_by_a_user_renders_as_text(page: Any) -> None:
    expect = need_browser().expect
    ask(page, '<img src=x onerror="window.__pwned=3"> who hosted the ministerial?')
    expect(page.locator('[data-testid="user"]').first).to_contain_text("<img src=x")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_bad_today_date_shows_a_message_in_the_chat(page: Any) -> None:
    expect = need_browser().expect
    page.locator("#today input").fill("March 1st")
    message = ask(page, "When is the memorandum of understanding with Japan and the EU due?")
    expect(message).to_contain_text("not a date: use YYYY-MM-DD")


def outside_requests(page: Any) -> list[str]:
    """Every request the page makes to anything but the app's own origin, recorded (and aborted)."""
    seen: list[str] = []

    def record(route: Any) -> None:
        seen.append(route.request.url)
        route.abort()

    page.route(lambda address: not address.startswith("http://127.0.0.1:"), record)
    return seen


def test_markdown_in_a_document_is_shown_verbatim_not_as_a_link(page: Any) -> None:
    expect = need_browser().expect
    message = ask(page, "What does the harbour memo footer link?")
    expect(message).to_contain_text("[pixel](http://evil.example/p.png) and **bold** text")
    assert page.locator("#chat a[href*='evil'], #chat img[src*='evil'], #chat strong:has-text('bold')").count() == 0
    expect(page.locator("#sources")).to_contain_text("[pixel](http://evil.example/p.png)")


def test_a_markdown_image_typed_by_a_user_is_not_fetched(page: Any) -> None:
    expect = need_browser().expect
    seen = outside_requests(page)
    ask(page, "![x](http://evil.example/p.png) who hosted the ministerial?")
    expect(page.locator('[data-testid="user"]').first).to_contain_text("![x](http://evil.example/p.png)")
    assert page.locator("#chat img[src*='evil']").count() == 0
    assert [u for u in seen if "evil.example" in u] == []


# --- the answer's own formatting (issue 22, part 1) ----------------------------------------


def test_the_answers_own_markdown_is_rendered(page: Any) -> None:
    """The bold short answer and the calculator's Working and Inputs show as formatting, not asterisks."""
    expect = need_browser().expect
    first = ask(page, "Who hosted the Critical Minerals Ministerial?")
    expect(first.locator("strong").first).to_have_text("Marco Rubio")
    expect(first).not_to_contain_text("**")
    working = ask(page, RESERVE)
    expect(working.locator("strong", has_text="Working:")).to_have_count(1)
    expect(working.locator("strong", has_text="Inputs:")).to_have_count(1)
    expect(working.locator("li", has_text="the private sector: $2 billion [2]")).to_have_count(1)
    expect(working).not_to_contain_text("**")


def test_links_in_answers_and_questions_are_inert(page: Any) -> None:
    """No anchor is made from a URL, a www. address or an e-mail address, typed or quoted."""
    expect = need_browser().expect
    seen = outside_requests(page)
    ask(page, "What does the harbour memo footer link?")
    ask(page, "Is www.evil.example or ana@evil.example or http://evil.example/x who hosted the ministerial?")
    expect(page.locator('[data-testid="user"]').nth(1)).to_contain_text("www.evil.example or ana@evil.example")
    assert page.locator("#chat a").count() == 0
    assert [u for u in seen if "evil.example" in u] == []


def newest_answer_top(page: Any) -> tuple[float, float]:
    """(top of the newest answer, top of the chat's scrolled area), in page pixels."""
    return page.evaluate(
        """() => {
            const box = document.querySelector('#chat .bubble-wrap');
            const last = [...document.querySelectorAll('#chat [data-testid="bot"]')].pop();
            return [last.getBoundingClientRect().top, box.getBoundingClientRect().top];
        }"""
    )


def test_a_long_answer_is_shown_from_its_first_line_at_phone_width(page: Any) -> None:
    """At 390 px an answer is taller than the chat; the chat scrolls to its top, not its end."""
    page.set_viewport_size({"width": 390, "height": 844})
    ask(page, "Who hosted the Critical Minerals Ministerial?")
    last = ask(page, RESERVE)
    page.wait_for_timeout(600)  # the scroll follows the render
    top, area = newest_answer_top(page)
    assert last.bounding_box()["height"] > 480  # taller than the chat: only one end can show
    assert area + 30 <= top <= area + 60, (top, area)  # below the chat's label
    page.locator("#chat").scroll_into_view_if_needed()
    shot(page, "chat-390px.png")


# --- memos for Word (issue 22, part 3) -----------------------------------------------------


def test_memos_for_word_copy_as_rich_text_and_say_copied(page: Any) -> None:
    """A .docx memo with numbered notes (quote, title, paragraph, as-of date); an HTML and plain copy; "Copied"."""
    import docx

    expect = need_browser().expect
    page.locator("#today input").fill("2026-03-01")
    ask(page, "Who hosted the Critical Minerals Ministerial?")
    ask(page, "How many nations attended it?")
    with page.expect_download() as download:
        page.locator("#download-all-docx").click()
    text = [p.text for p in docx.Document(download.value.path()).paragraphs]
    assert text[0] == "Briefing memo" and "Notes" in text
    notes = text[text.index("Notes") + 1 :]
    assert notes[1].startswith("2. “Representatives from 54 nations attended")
    assert ", paragraph " in notes[1] and notes[1].endswith("As of 2026-03-01.")
    assert "US Critical Minerals Strategy" in notes[1] and ARTICLE_ID not in "".join(text)

    page.locator("#copy-memo").click()
    expect(page.locator("#copy-status")).to_contain_text("Copied")
    plain = page.evaluate("navigator.clipboard.readText()")
    rich = page.evaluate(
        "async () => { const [item] = await navigator.clipboard.read();"
        " return await (await item.getType('text/html')).text(); }"
    )
    assert plain.startswith("**Question:** How many nations attended it?")
    assert "<h2>Question: How many nations attended it?</h2>" in rich and "<sup>1</sup>" in rich
    assert "<li>“Representatives from 54 nations attended" in rich
    page.locator("#memo-panel").click()
    expect(page.locator("#memo-last textarea")).to_have_value(re.compile(r"\*US Critical Minerals Strategy.*paragraph"))


# --- input behaviour (issue 22, part 4) ----------------------------------------------------


def test_an_empty_question_does_nothing(page: Any) -> None:
    """No bubble, no error, no feedback buttons: Enter on blank text is ignored."""
    box = page.locator("#question textarea")
    box.fill("   ")
    box.press("Enter")
    page.locator("#ask").click()
    page.wait_for_timeout(1500)  # time for a reply, were one coming
    assert page.locator('#chat [data-testid="user"], #chat [data-testid="bot"]').count() == 0
    assert page.locator(".toast-body").count() == 0


def test_an_over_long_question_is_not_cut_but_answered_with_the_limit(page: Any) -> None:
    expect = need_browser().expect
    box = page.locator("#question textarea")
    box.fill("why " * 300)
    assert len(box.input_value()) == 1200  # the browser does not cut it without a word
    message = ask(page, "why " * 300)
    expect(message).to_contain_text("the question is 1200 characters long; the maximum is 1000: shorten it")


def test_question_box_buttons_and_panels_have_accessible_names(page: Any) -> None:
    """Each control is announced by its own name (not "Textbox", not its placeholder)."""
    expect = need_browser().expect
    for role, name in [
        ("textbox", "Question"),
        ("button", "Ask"),
        ("textbox", "Today (YYYY-MM-DD), for deadline questions"),
        ("region", "Sources"),
        ("button", re.compile(r"^Memo for briefers")),
        ("button", "Copy as memo"),
        ("button", "Download memo (Word)"),
        ("tab", "Documents"),
    ]:
        expect(page.get_by_role(role, name=name, exact=True)).to_have_count(1)
    expect(page.get_by_role("log")).to_have_count(1)
