"""The conversation store: kept per owner in SQLite (WAL) beside the index, reopened as they were."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import InputError
from assistant.records import Answer, CalcInput, Calculation, Citation
from assistant.web.conversations import ConversationStore, store_path, title_from

ANA, BO = "user:ana", "browser:" + "b0" * 16
CITATION = Citation(n=1, doc_id="memo", title="Memo", quote="54 nations", start=10, end=20, location="p. 2")
ANSWER = Answer(
    question="How many nations attended?",
    text="**54 nations** [1]",
    citations=[CITATION],
    as_of=dt.date(2026, 3, 1),
    resolved_question="How many nations attended the ministerial?",
    calculation=Calculation(
        expression="54", result="54", inputs=[CalcInput(fact_id="f", label="n", value="54", citation=1)]
    ),
)


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "index.conversations.sqlite3")


# --- where the file is ---------------------------------------------------------------------


def test_the_file_is_beside_the_index_folder_not_in_it(tmp_path: Path) -> None:
    path = store_path(Settings(index_dir=tmp_path / "index"))
    assert path == tmp_path.resolve() / "index.conversations.sqlite3"


def test_a_configured_file_wins(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", conversations_file=tmp_path / "kept.sqlite3")
    assert store_path(settings) == tmp_path / "kept.sqlite3"


def test_wal_mode_is_on(store: ConversationStore) -> None:
    assert store.journal_mode() == "wal"


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"my notes\n", "a text file"), (b"", "an empty file")],
    ids=["text", "empty"],
)
def test_a_file_it_did_not_create_is_refused_unchanged(tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "index.conversations.sqlite3"
    path.write_bytes(content)
    with pytest.raises(InputError, match="not a conversation store of this assistant"):
        ConversationStore(path)
    assert path.read_bytes() == content, what


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    with pytest.raises(InputError, match="ASSISTANT_CONVERSATIONS_FILE"):
        ConversationStore(path)


# --- the operations ------------------------------------------------------------------------


def test_create_list_rename_delete(store: ConversationStore) -> None:
    first = store.create(ANA, "Who hosted the ministerial?")
    second = store.create(ANA, "Reserve funding")
    assert [c.title for c in store.conversations(ANA)] == ["Reserve funding", "Who hosted the ministerial?"]
    renamed = store.rename(ANA, first.id, "  Ministerial\nhost ")
    assert renamed is not None and renamed.title == "Ministerial host"
    assert store.delete(ANA, second.id)
    assert [c.title for c in store.conversations(ANA)] == ["Ministerial host"]


def test_the_most_recently_updated_conversation_is_listed_first(store: ConversationStore) -> None:
    old = store.create(ANA, "old")
    store.create(ANA, "new")
    store.append(ANA, old.id, "q", ANSWER)
    assert [c.title for c in store.conversations(ANA)] == ["old", "new"]


def test_a_turn_comes_back_as_it_was_kept(store: ConversationStore) -> None:
    conversation = store.create(ANA, "q")
    kept = store.append(ANA, conversation.id, "how many nations attended?", ANSWER)
    found = store.get(ANA, conversation.id)
    assert kept is not None and found is not None
    assert found[1] == [kept] and found[1][0].answer == ANSWER


@pytest.mark.parametrize(
    ("text", "title"),
    [("Who  hosted\nit?", "Who hosted it?"), ("   ", "Untitled"), ("x" * 200, "x" * 119 + "…")],
)
def test_titles_are_one_line_and_short(text: str, title: str) -> None:
    assert title_from(text) == title


def test_beyond_the_limit_the_oldest_conversations_go(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "c.sqlite3", max_per_owner=2)
    for title in ("one", "two", "three"):
        store.create(ANA, title)
    assert [c.title for c in store.conversations(ANA)] == ["three", "two"]


def test_deleting_a_conversation_deletes_its_turns_and_feedback(store: ConversationStore) -> None:
    conversation = store.create(ANA, "q")
    turn = store.append(ANA, conversation.id, "q", ANSWER)
    assert turn is not None and store.add_feedback(ANA, turn.id, "up")
    store.delete(ANA, conversation.id)
    with sqlite3.connect(store.path) as db:
        counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("turns", "feedback")]
    db.close()
    assert counts == [0, 0]


def test_feedback_is_linked_to_its_turn(store: ConversationStore) -> None:
    conversation = store.create(ANA, "q")
    turn = store.append(ANA, conversation.id, "q", ANSWER)
    assert turn is not None
    assert store.add_feedback(ANA, turn.id, "down") and store.add_feedback(ANA, turn.id, "up")
    assert store.feedback(ANA, turn.id) == ["down", "up"]


# --- owners --------------------------------------------------------------------------------


def test_one_owner_never_sees_anothers(store: ConversationStore) -> None:
    """Listing, reading, appending, renaming, deleting and feedback all stop at the owner."""
    mine = store.create(ANA, "Ana's question")
    turn = store.append(ANA, mine.id, "q", ANSWER)
    assert turn is not None
    assert store.conversations(BO) == []
    assert store.get(BO, mine.id) is None
    assert store.append(BO, mine.id, "q", ANSWER) is None
    assert store.rename(BO, mine.id, "taken") is None
    assert not store.delete(BO, mine.id)
    assert not store.add_feedback(BO, turn.id, "down") and store.feedback(BO, turn.id) == []
    found = store.get(ANA, mine.id)
    assert found is not None and found[0].title == "Ana's question" and len(found[1]) == 1
    assert store.feedback(ANA, turn.id) == []


# --- a restart -----------------------------------------------------------------------------


def test_conversations_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "index.conversations.sqlite3"
    first = ConversationStore(path)
    conversation = first.create(ANA, "kept")
    first.append(ANA, conversation.id, "q", ANSWER)
    again = ConversationStore(path)
    found = again.get(ANA, conversation.id)
    assert found is not None and found[0].title == "kept" and found[1][0].answer == ANSWER
    assert again.journal_mode() == "wal"


def test_the_browser_secret_is_the_same_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    assert ConversationStore(path).browser_secret() == ConversationStore(path).browser_secret()


def test_ids_are_never_reused(store: ConversationStore) -> None:
    """A conversation id kept by a browser, or a turn id in a feedback line, never names a newer one."""
    first = store.create(ANA, "q")
    turn = store.append(ANA, first.id, "q", ANSWER)
    store.delete(ANA, first.id)
    second = store.create(ANA, "q")
    again = store.append(ANA, second.id, "q", ANSWER)
    assert turn is not None and again is not None
    assert (second.id, again.id) == (first.id + 1, turn.id + 1)
