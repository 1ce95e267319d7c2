"""Kept conversations in a real browser: listed, reopened after a reload and a restart, renamed, deleted."""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.config import PROJECT_ROOT, Settings
from assistant.web import app as ui
from tests.test_browser import TIMEOUT_MS, ask, browser, free_port, need_browser, shot  # noqa: F401 -- fixture

pytestmark = [pytest.mark.browser]
HOST_Q = "Who hosted the Critical Minerals Ministerial?"
DOCS_SHOT = PROJECT_ROOT / "docs" / "conversations.png"
RESERVE_Q = "What is the total funding for the strategic critical minerals reserve?"


class Server:
    """The app on a fixed loopback port, restartable: a new app over the same conversation file."""

    def __init__(self, bot: Assistant, root: Path) -> None:
        self.bot, self.root, self.port = bot, root, free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.app: Any = None

    def start(self) -> None:
        # Gradio creates event loops it never closes (gradio.utils.safe_get_lock): dispose of them here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            self.app = ui.build_app(self.bot, self.root / "feedback.jsonl")
            ui.serve(self.app, port=self.port, prevent_thread_lock=True, quiet=True)
            asyncio.set_event_loop(None)
            gc.collect()

    def stop(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            self.app.close()
            gc.collect()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_browser()
    root = tmp_path_factory.mktemp("conversations")
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    # A low threshold: the scorer is fitted on real cosines, these tests use the fake embedder.
    settings = Settings(embedder="fake", corpus_dir=root / "corpus", index_dir=root / "index", abstain_below=0.02)
    running = Server(Assistant.load(settings), root)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def url(server: Server) -> str:
    """The address `browser` (from tests/test_browser.py) waits for."""
    return server.url


def load(page: Any, url: str) -> Any:
    page.goto(url, wait_until="domcontentloaded")  # Gradio never reaches networkidle
    page.locator("#question textarea").wait_for()
    return page


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:  # noqa: F811 -- the fixture
    """A fresh browser profile: its own localStorage, so its own conversations."""
    made = browser.new_context(viewport={"width": 1400, "height": 1000})
    need_browser().expect.set_options(timeout=TIMEOUT_MS)
    yield made
    made.close()


def open_page(context: Any, server: Server) -> Any:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return load(page, server.url)


def listed(page: Any) -> Any:
    return page.locator("#conversations label")


def test_a_conversation_is_listed_and_survives_a_reload(context: Any, server: Server) -> None:
    """Asked, reloaded: the chat is back; a new conversation empties it; the listed one reopens it."""
    expect = need_browser().expect
    page = open_page(context, server)
    expect(ask(page, HOST_Q)).to_contain_text("Marco Rubio")
    expect(listed(page)).to_have_count(1)
    expect(listed(page).first).to_contain_text(HOST_Q)

    load(page, server.url)
    expect(page.locator('[data-testid="bot"]').first).to_contain_text("Marco Rubio")
    expect(listed(page).first).to_contain_text(HOST_Q)
    expect(page.locator("#conversation-title input")).to_have_value(HOST_Q)

    page.locator("#new-conversation").click()
    expect(page.locator('[data-testid="bot"]')).to_have_count(0)
    expect(ask(page, RESERVE_Q)).to_contain_text("billion")
    expect(listed(page)).to_have_count(2)
    expect(listed(page).first).to_contain_text(RESERVE_Q)  # newest first

    listed(page).filter(has_text=HOST_Q).click()
    expect(page.locator('[data-testid="bot"]')).to_have_count(1)
    expect(page.locator('[data-testid="bot"]').first).to_contain_text("Marco Rubio")
    expect(page.locator("#sources mark").first).to_contain_text("Marco Rubio")
    taken = shot(page, "conversations.png")
    if not DOCS_SHOT.exists() or os.environ.get("ASSISTANT_UPDATE_SCREENSHOT") == "1":
        shutil.copy(taken, DOCS_SHOT)


def test_another_browser_sees_none_of_them(browser: Any, context: Any, server: Server) -> None:  # noqa: F811
    expect = need_browser().expect
    page = open_page(context, server)
    ask(page, HOST_Q)
    expect(listed(page)).to_have_count(1)
    other = browser.new_context()
    try:
        stranger = open_page(other, server)
        expect(stranger.locator("#conversations")).to_be_visible()
        expect(listed(stranger)).to_have_count(0)
        expect(stranger.locator('[data-testid="bot"]')).to_have_count(0)
    finally:
        other.close()


def test_rename_then_delete_after_confirmation(context: Any, server: Server) -> None:
    expect = need_browser().expect
    page = open_page(context, server)
    ask(page, HOST_Q)
    page.locator("#conversation-title input").fill("Ministerial <b>host</b>")
    page.locator("#rename-conversation").click()
    expect(listed(page).first).to_contain_text("Ministerial <b>host</b>")

    page.locator("#delete-conversation").click()
    expect(page.locator("#confirm-delete-text")).to_contain_text(
        "Delete “Ministerial <b>host</b>” and its 1 answer(s)?"
    )
    page.locator("#confirm-delete-no").click()
    expect(page.locator("#confirm-delete-yes")).to_be_hidden()
    expect(listed(page)).to_have_count(1)

    page.locator("#delete-conversation").click()
    page.locator("#confirm-delete-yes").click()
    expect(listed(page)).to_have_count(0)
    expect(page.locator('[data-testid="bot"]')).to_have_count(0)
    load(page, server.url)
    expect(page.locator("#conversations")).to_be_visible()
    expect(listed(page)).to_have_count(0)


def test_the_open_conversation_survives_a_server_restart(context: Any, server: Server) -> None:
    expect = need_browser().expect
    page = open_page(context, server)
    ask(page, HOST_Q)
    expect(listed(page)).to_have_count(1)
    server.stop()
    server.start()
    load(page, server.url)
    expect(page.locator('[data-testid="bot"]').first).to_contain_text("Marco Rubio")
    expect(listed(page).first).to_contain_text(HOST_Q)
