"""Settings: one object, created at the edge (CLI, UI, tests) and passed in."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    retriever: Literal["hybrid", "dense", "bm25"] = "hybrid"
    embedder: Literal["minilm", "fake"] = "minilm"
    # Largest document the web UI's Documents tab accepts, in megabytes.
    max_upload_mb: int = Field(default=20, ge=1, le=1024)


def load_settings(**given: object) -> Settings:
    """Settings from the environment and `given`; a bad value is an InputError naming its variable."""
    from assistant.errors import InputError

    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as err:
        first = err.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        value = first.get("input")
        shown = repr(value)[:60]
        raise InputError(
            f"ASSISTANT_{name.upper()}={shown}: {first['msg']} (see assistant/config.py for the allowed values)"
        ) from None
