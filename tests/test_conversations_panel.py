"""The conversation list's rules: whose conversations a request sees, what the browser may send, what is kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assistant.records import Answer
from assistant.web.conversations import ConversationStore
from assistant.web.conversations_panel import ConversationsPanel, checked, choices, conversation_id, owner_of

BROWSER = {"id": "ab" * 16, "current": None}
ANSWER = Answer(question="q", text="**54 nations** [1]")


@pytest.mark.parametrize(
    ("username", "browser", "owner"),
    [
        ("ana", BROWSER, "user:ana"),  # signed in: the user, whatever the browser holds
        (None, BROWSER, "browser:" + "ab" * 16),
        ("", BROWSER, "browser:" + "ab" * 16),
    ],
)
def test_the_owner_is_the_signed_in_user_else_the_browser(
    username: str | None, browser: dict[str, Any], owner: str
) -> None:
    assert owner_of(SimpleNamespace(username=username), browser) == owner  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sent",
    [None, "x", 5, [], {"id": "user:ana"}, {"id": "AB" * 16}, {"id": "ab" * 17}, {"id": ["ab" * 16]}],
)
def test_a_browser_without_a_well_formed_id_gets_a_new_one(sent: object) -> None:
    state = checked(sent)
    assert state["id"] != "ab" * 16 and len(state["id"]) == 32 and state["current"] is None
    assert checked(sent)["id"] != state["id"]  # random, never shared


def test_a_well_formed_browser_state_is_kept() -> None:
    assert checked({"id": "ab" * 16, "current": 7, "extra": "dropped"}) == {"id": "ab" * 16, "current": 7}


@pytest.mark.parametrize(
    ("sent", "expected"),
    [(7, 7), ("7", 7), (0, None), (-3, None), (True, None), ("7 OR 1=1", None), (1.5, None), ("9" * 30, None)],
)
def test_conversation_ids_from_the_browser_are_checked(sent: object, expected: int | None) -> None:
    assert conversation_id(sent) == expected


def test_the_list_shows_title_and_time_newest_first(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    store.create("user:ana", "first")
    store.create("user:ana", "second")
    labels = [label for label, _ in choices(store.conversations("user:ana"))]
    assert [label.split(" · ")[0] for label in labels] == ["second", "first"]
    assert dt.datetime.strptime(labels[0].split(" · ")[1], "%Y-%m-%d %H:%M")


def panel(store: ConversationStore) -> ConversationsPanel:
    return ConversationsPanel(store, *([None] * 10))


def test_the_first_answer_begins_a_conversation_titled_by_its_question(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    request: Any = SimpleNamespace(username="ana")
    turn, (browser, _, title, _) = panel(store).keep(request, BROWSER, "How many nations?", ANSWER)
    assert title == "How many nations?" and browser["current"] is not None
    _, (again, _, _, _) = panel(store).keep(request, browser, "And who hosted?", ANSWER)
    assert again["current"] == browser["current"]
    found = store.get("user:ana", browser["current"])
    assert found is not None and [t.question for t in found[1]] == ["How many nations?", "And who hosted?"]
    assert found[1][0].id == turn


def test_an_answer_for_a_conversation_deleted_meanwhile_begins_a_new_one(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    request: Any = SimpleNamespace(username="ana")
    _, (browser, _, _, _) = panel(store).keep(request, BROWSER, "q1", ANSWER)
    store.delete("user:ana", browser["current"])
    _, (after, _, _, _) = panel(store).keep(request, browser, "q2", ANSWER)
    assert after["current"] != browser["current"] and len(store.conversations("user:ana")) == 1


def test_another_users_conversation_id_is_never_appended_to(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    theirs = store.create("user:bo", "Bo's")
    request: Any = SimpleNamespace(username="ana")
    _, (browser, _, _, _) = panel(store).keep(request, {**BROWSER, "current": theirs.id}, "q", ANSWER)
    assert browser["current"] != theirs.id
    found = store.get("user:bo", theirs.id)
    assert found is not None and found[1] == []


def test_feedback_is_kept_on_the_answers_turn(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3")
    request: Any = SimpleNamespace(username="ana")
    turn, _ = panel(store).keep(request, BROWSER, "q", ANSWER)
    panel(store).add_feedback(request, BROWSER, turn, "up")
    panel(store).add_feedback(SimpleNamespace(username="bo"), BROWSER, turn, "down")  # type: ignore[arg-type]
    assert store.feedback("user:ana", turn) == ["up"]
