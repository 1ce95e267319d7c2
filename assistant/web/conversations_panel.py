"""The conversation list of the Ask tab: past conversations reopened, renamed, deleted, a new one begun.

Whose they are: the signed-in user's with a login (`request.username`), else this browser's: a
random id kept in the browser's localStorage (`gr.BrowserState`, encrypted with a secret the store
keeps, so it still reads after a restart), with the id of the open conversation beside it, so a
reload or a restart reopens it. Everything the browser sends back is checked before use.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.records import Answer
from assistant.web.answer_markup import md
from assistant.web.conversations import MAX_TITLE_CHARS, Conversation, ConversationStore, StoredTurn

STORAGE_KEY = "assistant-conversations"
_BROWSER_ID = re.compile(r"[0-9a-f]{32}")
Show = Callable[[list[StoredTurn], gr.Request], tuple[Any, ...]]  # the chat's values for kept turns


def owner_of(request: gr.Request | None, browser: dict[str, Any]) -> str:
    """ "user:<name>" when signed in, else "browser:<id>" (`browser` as `checked` gives it)."""
    username = getattr(request, "username", None)
    return f"user:{username}" if isinstance(username, str) and username else f"browser:{browser['id']}"


def checked(browser: object) -> dict[str, Any]:
    """The browser's state as {"id": 32 hex digits, "current": conversation id or None}; a new id if it has none."""
    state = browser if isinstance(browser, dict) else {}
    browser_id, current = state.get("id"), state.get("current")
    if not (isinstance(browser_id, str) and _BROWSER_ID.fullmatch(browser_id)):
        browser_id = uuid.uuid4().hex
    return {"id": browser_id, "current": conversation_id(current)}


def conversation_id(value: object) -> int | None:
    """A conversation id sent by the browser (an int, or digits), else None."""
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def choices(conversations: Sequence[Conversation]) -> list[tuple[str, int]]:
    """The list's (label, id) pairs: title and the time of the last answer, newest first."""
    return [(f"{c.title} · {c.updated.astimezone():%Y-%m-%d %H:%M}", c.id) for c in conversations]


@dataclass
class ConversationsPanel:
    store: ConversationStore
    browser: Any
    listing: Any
    title: Any
    rename: Any
    delete: Any
    confirm: Any
    confirm_text: Any
    yes: Any
    no: Any
    new: Any

    def outputs(self) -> list[Any]:
        return [self.browser, self.listing, self.title, self.confirm]

    def values(self, owner: str, browser: dict[str, Any], current: Conversation | None) -> tuple[Any, ...]:
        """The browser's state, the list, the title box and a hidden confirmation, with `current` open."""
        listed = choices(self.store.conversations(owner))
        kept = {**browser, "current": current.id if current else None}
        value = current.id if current else None
        return kept, gr.update(choices=listed, value=value), current.title if current else "", gr.update(visible=False)

    def keep(self, request: gr.Request, browser: object, question: str, answer: Answer) -> tuple[int, tuple[Any, ...]]:
        """Keep an answered turn in the open conversation (a new one, titled by the question, if none is open).

        Returns the kept turn's id and the panel's values.
        """
        state = checked(browser)
        owner = owner_of(request, state)
        found = self.store.get(owner, state["current"]) if state["current"] else None
        current = found[0] if found else self.store.create(owner, question)
        turn = self.store.append(owner, current.id, question, answer)
        if turn is None:  # deleted from another tab just now
            current = self.store.create(owner, question)
            turn = self.store.append(owner, current.id, question, answer)
        assert turn is not None
        return turn.id, self.values(owner, state, current)

    def add_feedback(self, request: gr.Request, browser: object, turn: int | None, verdict: str) -> None:
        if turn is not None:
            self.store.add_feedback(owner_of(request, checked(browser)), turn, verdict)

    def wire(self, app: gr.Blocks, chat: list[Any], show: Show, clear: Any) -> Any:
        """Connect the panel's events; `chat` are the chat's components, `show` gives their values.

        Returns the page-load event that restores the kept conversation, for steps that must follow it."""
        store, both = self.store, [*self.outputs(), *chat]

        def opened(owner: str, state: dict[str, Any], conversation: int | None, request: gr.Request) -> tuple[Any, ...]:
            found = store.get(owner, conversation) if conversation else None
            current, turns = found if found else (None, [])
            return (*self.values(owner, state, current), *show(turns, request))

        def restore(browser: object, request: gr.Request) -> tuple[Any, ...]:
            state = checked(browser)
            return opened(owner_of(request, state), state, state["current"], request)

        def open_chosen(browser: object, chosen: object, request: gr.Request) -> tuple[Any, ...]:
            state = checked(browser)
            return opened(owner_of(request, state), state, conversation_id(chosen), request)

        def start(browser: object, request: gr.Request) -> tuple[Any, ...]:
            state = checked(browser)
            return opened(owner_of(request, state), state, None, request)

        def rename(browser: object, title: object, request: gr.Request) -> tuple[Any, ...]:
            state = checked(browser)
            owner, text = owner_of(request, state), title if isinstance(title, str) else ""
            if state["current"] is None or not text.strip():
                gr.Warning("Open a conversation and type its new title first.")
                return tuple(gr.skip() for _ in self.outputs())
            return self.values(owner, state, store.rename(owner, state["current"], text))

        def ask_first(browser: object, request: gr.Request) -> tuple[Any, Any]:
            state = checked(browser)
            found = store.get(owner_of(request, state), state["current"]) if state["current"] else None
            if found is None:
                gr.Warning("Open a conversation first: there is nothing to delete.")
                return gr.skip(), gr.skip()
            question = f"Delete “{md(found[0].title)}” and its {len(found[1])} answer(s)? This cannot be undone."
            return gr.update(visible=True), question

        def delete(browser: object, request: gr.Request) -> tuple[Any, ...]:
            state = checked(browser)
            owner = owner_of(request, state)
            if state["current"] is not None:
                store.delete(owner, state["current"])
            return opened(owner, state, None, request)

        private: dict[str, Any] = {"api_visibility": "private"}
        restored = app.load(restore, [self.browser], both, **private)
        self.listing.input(open_chosen, [self.browser, self.listing], both, **private)
        for trigger in (self.new.click, clear):
            trigger(start, [self.browser], both, **private)
        self.rename.click(rename, [self.browser, self.title], self.outputs(), **private)
        self.title.submit(rename, [self.browser, self.title], self.outputs(), **private)
        self.delete.click(ask_first, [self.browser], [self.confirm, self.confirm_text], **private)
        self.yes.click(delete, [self.browser], both, **private)
        self.no.click(lambda: gr.update(visible=False), None, [self.confirm], **private)
        return restored


def add_conversations_panel(store: ConversationStore) -> ConversationsPanel:
    """The "Conversations" column: a new-conversation button, the list, rename and delete (confirmed)."""
    browser = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=store.browser_secret())
    gr.Markdown("## Conversations", elem_id="conversations-heading")
    new = gr.Button("New conversation", size="sm", elem_id="new-conversation")
    listing = gr.Radio(
        choices=[], label="Past conversations, newest first", elem_id="conversations", elem_classes=["conversations"]
    )
    title = gr.Textbox(label="Title", max_lines=1, max_length=MAX_TITLE_CHARS, elem_id="conversation-title")
    with gr.Row():
        rename = gr.Button("Rename", size="sm", elem_id="rename-conversation")
        delete = gr.Button("Delete…", size="sm", variant="stop", elem_id="delete-conversation")
    with gr.Group(visible=False, elem_id="confirm-delete") as confirm:
        confirm_text = gr.Markdown("", elem_id="confirm-delete-text")
        with gr.Row():
            yes = gr.Button("Delete", size="sm", variant="stop", elem_id="confirm-delete-yes")
            no = gr.Button("Keep it", size="sm", elem_id="confirm-delete-no")
    parts = (browser, listing, title, rename, delete, confirm, confirm_text, yes, no, new)
    return ConversationsPanel(store, *parts)
