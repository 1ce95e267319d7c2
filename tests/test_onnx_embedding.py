"""The ONNX query path gives sentence-transformers' vectors and rankings, without importing torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.ingest.embedding import MiniLM, make_embedder
from assistant.ingest.onnx_embedding import OnnxMiniLM, exported, model_folder
from assistant.retrieve.search import retrieve

pytestmark = pytest.mark.model
REPO = Path(__file__).resolve().parent.parent


def questions(n: int = 20) -> list[str]:
    lines = (REPO / "evals" / "questions.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:n]


@pytest.fixture(scope="module")
def onnx(real_bot: Assistant) -> OnnxMiniLM:
    """The ONNX copy that ingesting with the real model exported next to the index."""
    assert exported(real_bot.settings.index_dir, MiniLM.model_id)
    return OnnxMiniLM(model_folder(real_bot.settings.index_dir), MiniLM.model_id)


@pytest.fixture(scope="module")
def torch_minilm(real_bot: Assistant) -> MiniLM:
    """The reference: MiniLM through sentence-transformers."""
    return real_bot.embedder if isinstance(real_bot.embedder, MiniLM) else MiniLM()


def test_ingestion_exports_the_model_and_queries_pick_it(real_bot: Assistant) -> None:
    embedder = make_embedder("minilm", real_bot.settings.index_dir)
    assert isinstance(embedder, OnnxMiniLM) and embedder.model_id == MiniLM.model_id
    assert isinstance(make_embedder("minilm"), MiniLM)  # ingestion keeps sentence-transformers


def test_vectors_match_sentence_transformers_within_1e_4_cosine(
    real_bot: Assistant, torch_minilm: MiniLM, onnx: OnnxMiniLM
) -> None:
    sentences = [s.text for s in real_bot.index.data.sentences[::3]][:30]
    texts = sentences + questions(10) + ["", "?", "EXIM", "cobalt " * 400]  # empty, tiny, truncated at 256
    reference = torch_minilm.embed(texts)
    ours = onnx.embed(texts)
    assert ours.shape == reference.shape and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    assert (ours * reference).sum(axis=1).min() >= 1 - 1e-4


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_top_5_retrieval_is_identical_for_20_questions(
    real_bot: Assistant, torch_minilm: MiniLM, onnx: OnnxMiniLM, mode: str
) -> None:
    for question in questions(20):
        ranked = [
            [h.chunk.chunk_id for h in retrieve(real_bot.index, question, e.embed([question])[0], 5, mode)]  # type: ignore[arg-type]
            for e in (torch_minilm, onnx)
        ]
        assert ranked[0] == ranked[1], question


def test_asking_imports_neither_torch_nor_sentence_transformers_nor_llama_index(real_bot: Assistant) -> None:
    script = (
        "import sys\n"
        "from assistant import Assistant, Settings\n"
        f"bot = Assistant.load(Settings(corpus_dir={str(real_bot.settings.corpus_dir)!r},"
        f" index_dir={str(real_bot.settings.index_dir)!r}), rebuild=False)\n"
        "bot.ask('Why does China dominate rare earth processing?')\n"
        "print(type(bot.embedder).__name__, sorted({m.split('.')[0] for m in sys.modules} & "
        "{'torch', 'sentence_transformers', 'transformers', 'llama_index'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["OnnxMiniLM", "[]"]
