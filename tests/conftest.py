"""Shared fixtures: temp corpora, a fake-embedder assistant, and one real-model assistant per session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# Gradio and matplotlib write caches to these folders; keep test runs out of the home folder.
os.environ.setdefault("GRADIO_TEMP_DIR", tempfile.mkdtemp(prefix="gradio-"))
os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="mpl-"))

from assistant import Assistant, Settings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
ARTICLE_ID = "us-critical-minerals-strategy"


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_settings(corpus_copy: Path, tmp_path: Path) -> Settings:
    """Settings for a temp copy of the corpus and index, with the deterministic fake embedder."""
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", embedder="fake")


@pytest.fixture
def fake_bot(fake_settings: Settings) -> Assistant:
    return Assistant.load(fake_settings)


@pytest.fixture(scope="session")
def real_bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The shipped corpus with the real MiniLM model, indexed once per test session."""
    index_dir = tmp_path_factory.mktemp("real-index")
    return Assistant.load(Settings(corpus_dir=CORPUS, index_dir=index_dir, embedder="minilm"))


@pytest.fixture(scope="session")
def harbour(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """A short unseen document (tests/documents.py HARBOUR) indexed with the real model."""
    from tests.documents import HARBOUR

    return one_document(tmp_path_factory, "harbour", HARBOUR, "minilm")


def one_document(factory: pytest.TempPathFactory, name: str, text: str, embedder: str) -> Assistant:
    """An assistant over a corpus of one text document, `name`.txt, indexed in a fresh folder."""
    root = factory.mktemp(name)
    (root / "corpus" / "docs").mkdir(parents=True)
    (root / "corpus" / "docs" / f"{name}.txt").write_text(text, "utf-8")
    return Assistant.load(Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder=embedder))  # type: ignore[arg-type]


def assert_citations_exact(bot: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    """Every citation quotes its document exactly at its offsets."""
    for c in answer.citations:
        assert bot.index.document(c.doc_id).text[c.start : c.end] == c.quote, c
