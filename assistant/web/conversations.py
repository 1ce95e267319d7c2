"""Conversations that are kept: one SQLite file (WAL mode) beside the index folder, never inside it.

Tables: `conversations` (id, owner, title, created, updated), `turns` (conversation, question,
answer text, citations JSON, as_of, and the rest of the Answer as JSON so a reopened answer shows
as it did), `feedback` (turn, verdict, time) and `meta` (the browser-state secret). An owner is an
opaque string ("user:ana" with a login, "browser:<hex>" without); every query names its owner, so
one owner never reads, renames or deletes another's conversation. Deleting a conversation deletes
its turns and their feedback. The file is marked with APPLICATION_ID when created: any other file
at that path is refused, unchanged. Ids are never reused (AUTOINCREMENT): an id kept in a browser
or a feedback line never comes to name another conversation or answer.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import InputError
from assistant.records import Answer, Citation

APPLICATION_ID = 0x41534B44  # "ASKD", in the file's header: this project created it
SCHEMA_VERSION = 1
MAX_TITLE_CHARS = 120
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL, title TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL, as_of TEXT,
    detail TEXT NOT NULL, created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation, id);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, turn INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
    verdict TEXT NOT NULL CHECK (verdict IN ('up', 'down')), time TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_DETAIL = {"text", "citations", "as_of"}  # kept in columns of their own


@dataclass(frozen=True)
class Conversation:
    id: int
    owner: str
    title: str
    created: dt.datetime
    updated: dt.datetime


@dataclass(frozen=True)
class StoredTurn:
    """One kept exchange: the question as typed and the answer it got."""

    id: int
    conversation: int
    question: str
    answer: Answer


def store_path(settings: Settings) -> Path:
    """`conversations_file`, else `<index folder>.conversations.sqlite3` beside the index folder."""
    if settings.conversations_file is not None:
        return settings.conversations_file
    index = settings.index_dir.resolve()
    return index.with_name(f"{index.name}.conversations.sqlite3")


def now() -> str:
    """The time in UTC, ISO 8601 to the microsecond: stamps sort as text, and in the order they were made."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def title_from(text: str) -> str:
    """A conversation title: `text` on one line, cut to MAX_TITLE_CHARS; "Untitled" when empty."""
    one_line = " ".join(text.split())
    if len(one_line) > MAX_TITLE_CHARS:
        one_line = f"{one_line[: MAX_TITLE_CHARS - 1]}…"
    return one_line or "Untitled"


class ConversationStore:
    """The store at `path`, created on first use; each call opens its own connection (thread-safe)."""

    def __init__(self, path: Path, max_per_owner: int = 200) -> None:
        self.path, self.max_per_owner = path, max_per_owner
        self._check_ours()
        with self._connect() as db:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.executescript(SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('browser_secret', ?)", (secrets.token_hex(16),))
        with self._connect() as db:  # outside a transaction: journal_mode cannot change inside one
            db.execute("PRAGMA journal_mode = WAL")

    def _check_ours(self) -> None:
        """InputError, with nothing written, when `path` holds anything but a store this project made."""
        if not self.path.exists():
            return
        advice = "move it away or set ASSISTANT_CONVERSATIONS_FILE to another file"
        if not self.path.is_file() or self.path.is_symlink():
            raise InputError(f"{self.path} is not a plain file, so it is not a conversation store: {advice}")
        try:
            with self._connect() as db:
                found = db.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.DatabaseError:
            found = None
        if found != APPLICATION_ID:
            raise InputError(f"{self.path} is not a conversation store of this assistant: {advice}")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection whose `with` block is one transaction, closed afterwards."""
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:
                yield db
        finally:
            db.close()

    def journal_mode(self) -> str:
        with self._connect() as db:
            return str(db.execute("PRAGMA journal_mode").fetchone()[0])

    def browser_secret(self) -> str:
        """The key the browser state is encrypted with, the same after a restart."""
        with self._connect() as db:
            return str(db.execute("SELECT value FROM meta WHERE key = 'browser_secret'").fetchone()[0])

    def create(self, owner: str, title: str) -> Conversation:
        """A new conversation of `owner`; beyond `max_per_owner`, the least recently updated ones go."""
        stamp = now()
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO conversations (owner, title, created, updated) VALUES (?, ?, ?, ?)",
                (owner, title_from(title), stamp, stamp),
            )
            db.execute(
                "DELETE FROM conversations WHERE owner = ? AND id NOT IN "
                "(SELECT id FROM conversations WHERE owner = ? ORDER BY updated DESC, id DESC LIMIT ?)",
                (owner, owner, self.max_per_owner),
            )
            return _conversation(db.execute(_SELECT + " WHERE id = ?", (cursor.lastrowid,)).fetchone())

    def append(self, owner: str, conversation: int, question: str, answer: Answer) -> StoredTurn | None:
        """Keep one exchange in `owner`'s `conversation`; None when there is no such conversation of theirs."""
        detail = answer.model_dump_json(exclude=_DETAIL)
        citations = json.dumps([c.model_dump(mode="json") for c in answer.citations], ensure_ascii=False)
        as_of = answer.as_of.isoformat() if answer.as_of else None
        stamp = now()
        with self._connect() as db:
            touched = db.execute(
                "UPDATE conversations SET updated = ? WHERE id = ? AND owner = ?", (stamp, conversation, owner)
            )
            if touched.rowcount != 1:
                return None
            cursor = db.execute(
                "INSERT INTO turns (conversation, question, answer, citations, as_of, detail, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation, question, answer.text, citations, as_of, detail, stamp),
            )
        assert cursor.lastrowid is not None
        return StoredTurn(cursor.lastrowid, conversation, question, answer)

    def conversations(self, owner: str) -> list[Conversation]:
        """`owner`'s conversations, the most recently updated first."""
        with self._connect() as db:
            rows = db.execute(_SELECT + " WHERE owner = ? ORDER BY updated DESC, id DESC", (owner,)).fetchall()
        return [_conversation(row) for row in rows]

    def get(self, owner: str, conversation: int) -> tuple[Conversation, list[StoredTurn]] | None:
        """`owner`'s `conversation` with its turns, oldest first; None when it is not theirs or gone."""
        with self._connect() as db:
            row = db.execute(_SELECT + " WHERE id = ? AND owner = ?", (conversation, owner)).fetchone()
            if row is None:
                return None
            turns = db.execute(
                "SELECT id, conversation, question, answer, citations, as_of, detail FROM turns "
                "WHERE conversation = ? ORDER BY id",
                (conversation,),
            ).fetchall()
        return _conversation(row), [_turn(t) for t in turns]

    def rename(self, owner: str, conversation: int, title: str) -> Conversation | None:
        """`owner`'s `conversation` under its new title; None when it is not theirs."""
        with self._connect() as db:
            changed = db.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND owner = ?",
                (title_from(title), conversation, owner),
            )
            row = db.execute(_SELECT + " WHERE id = ?", (conversation,)).fetchone() if changed.rowcount else None
        return _conversation(row) if row else None

    def delete(self, owner: str, conversation: int) -> bool:
        """Delete `owner`'s `conversation`, its turns and their feedback; False when it is not theirs."""
        with self._connect() as db:
            gone = db.execute("DELETE FROM conversations WHERE id = ? AND owner = ?", (conversation, owner))
        return gone.rowcount == 1

    def add_feedback(self, owner: str, turn: int, verdict: str) -> bool:
        """Record a verdict ("up" or "down") on `owner`'s `turn`; False when the turn is not theirs."""
        with self._connect() as db:
            mine = db.execute(
                "SELECT 1 FROM turns JOIN conversations ON conversations.id = turns.conversation "
                "WHERE turns.id = ? AND owner = ?",
                (turn, owner),
            ).fetchone()
            if mine is None:
                return False
            db.execute("INSERT INTO feedback (turn, verdict, time) VALUES (?, ?, ?)", (turn, verdict, now()))
        return True

    def feedback(self, owner: str, turn: int) -> list[str]:
        """The verdicts on `owner`'s `turn`, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT verdict FROM feedback JOIN turns ON turns.id = feedback.turn "
                "JOIN conversations ON conversations.id = turns.conversation "
                "WHERE feedback.turn = ? AND owner = ? ORDER BY feedback.id",
                (turn, owner),
            ).fetchall()
        return [row[0] for row in rows]


_SELECT = "SELECT id, owner, title, created, updated FROM conversations"


def _conversation(row: tuple[int, str, str, str, str]) -> Conversation:
    id_, owner, title, created, updated = row
    return Conversation(id_, owner, title, dt.datetime.fromisoformat(created), dt.datetime.fromisoformat(updated))


def _turn(row: tuple[int, int, str, str, str, str | None, str]) -> StoredTurn:
    id_, conversation, question, text, citations, as_of, detail = row
    answer = Answer.model_validate(
        {
            **json.loads(detail),
            "text": text,
            "citations": [Citation.model_validate(c) for c in json.loads(citations)],
            "as_of": as_of,
        }
    )
    return StoredTurn(id_, conversation, question, answer)
