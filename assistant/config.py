"""Settings: one object, created at the edge (CLI, UI, tests) and passed in."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The answer rules that can be switched off one by one (assistant/answer/decide.py says what each does;
# "respell", reading a misspelt word as the closest corpus word, is in assistant/api.py).
Rule = Literal[
    "table_cells",
    "typed_decline",
    "names_absent",
    "doubted_lookup",
    "counted_deadline",
    "passage_countdown",
    "closest_passage",
    "follow_on",
    "respell",
    "unrelated",
]


class Settings(BaseSettings):
    """Configuration; every field can be set by an ASSISTANT_<NAME> environment variable."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", frozen=True)

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    chunk_max_chars: int = Field(default=600, ge=100)
    chunk_overlap_sentences: int = Field(default=1, ge=0)
    top_k: int = Field(default=6, ge=1, le=50)
    rrf_k: int = Field(default=60, ge=1)
    max_question_chars: int = Field(default=1000, ge=10)
    max_citations: int = Field(default=3, ge=1)
    # Probability (that the best sentence answers) below which the composer abstains. None: the
    # threshold fitted with the scorer (evals/fit_scorer.py; curve in evals/README.md).
    abstain_below: float | None = Field(default=None, ge=0.0, le=1.0)
    # Answer rules switched off, to measure what each gains and costs (ASSISTANT_RULES_OFF='["typed_decline"]').
    rules_off: frozenset[Rule] = frozenset()
    retriever: Literal["hybrid", "dense", "bm25"] = "hybrid"
    embedder: Literal["minilm", "fake"] = "minilm"
    # --- the web server's limits (assistant/web/limits.py, assistant/web/app.py) ---
    # Largest request body; bigger ones get 413 before anything parses them.
    max_request_bytes: int = Field(default=256 * 1024, ge=1024)
    # Largest upload through /gradio_api/upload (the document upload), and the file types it takes;
    # uploads are refused outright when the app has no upload component.
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    upload_types: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
    # One session's history: turns kept, and characters over all its questions and answers.
    max_history_turns: int = Field(default=50, ge=1)
    max_history_chars: int = Field(default=200_000, ge=1000)
    # Feedback: the largest JSONL record, records per session per minute, and file rotation.
    max_feedback_bytes: int = Field(default=32 * 1024, ge=1024)
    feedback_per_minute: int = Field(default=20, ge=1)
    feedback_file_bytes: int = Field(default=10 * 1024 * 1024, ge=64 * 1024)
    feedback_backups: int = Field(default=5, ge=1)
    # Memo downloads (and Gradio's cached copies of them) are deleted after this many seconds.
    memo_ttl_seconds: int = Field(default=3600, ge=60)
    # With a login: failures allowed before each further attempt waits, and the first wait (doubling, max 60 s).
    login_free_failures: int = Field(default=3, ge=1)
    login_delay_seconds: float = Field(default=2.0, gt=0)
    # A login form must arrive within this many seconds (408 otherwise).
    login_body_seconds: float = Field(default=5.0, gt=0)
    # Uploads each client address may make in an hour: how many, and how many bytes in all.
    upload_quota_count: int = Field(default=100, ge=1)
    upload_quota_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)
    # Proxies whose X-Forwarded-For names the client (addresses or networks, e.g. '["10.0.0.5"]');
    # from anyone else the client is the socket's address, so a header cannot dodge the login back-off.
    trusted_proxies: tuple[str, ...] = ()
    # Host names the server answers to, besides 127.0.0.1, localhost, ::1 and the --host it binds.
    allowed_hosts: tuple[str, ...] = ()
    # Kept conversations (assistant/web/conversations.py): the SQLite file (None: beside the index
    # folder, `<index>.conversations.sqlite3`) and how many each user or browser keeps (oldest go first).
    conversations_file: Path | None = None
    max_conversations: int = Field(default=200, ge=1)


def load_settings(**given: object) -> Settings:
    """Settings from the environment and `given`; a bad value is an InputError naming its variable."""
    from assistant.errors import InputError

    try:
        return Settings(**given)  # type: ignore[arg-type]
    except SettingsError as err:  # a list or set variable that is not JSON: pydantic-settings parses it first
        raise InputError(_unparsed(str(err))) from None
    except ValidationError as err:
        first = err.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        value = first.get("input")
        shown = repr(value)[:60]
        raise InputError(
            f"ASSISTANT_{name.upper()}={shown}: {first['msg']} (see assistant/config.py for the allowed values)"
        ) from None


def _unparsed(message: str) -> str:
    """One line naming the variable pydantic-settings could not parse as JSON, and its value."""
    found = re.search(r'field "(\w+)"', message)
    name = f"ASSISTANT_{found.group(1).upper()}" if found else "an ASSISTANT_* variable"
    shown = repr(os.environ.get(name, ""))[:60] if found else ""
    return f"{name}={shown}: not valid JSON: give a JSON list, e.g. '[\"example.org\"]' (see assistant/config.py)"
