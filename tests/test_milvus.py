"""Milvus (milvus-lite, the embedded form of the store behind LlamaIndex's MilvusVectorStore) returns the
same top-k chunks as the project's FAISS index, for the same vectors (docs/scaling.md).

The index is the project's own: three documents (the shipped corpus, the SQuAD Rhine article and the
narrative eval corpus) built by `build_index` with the deterministic hash embedder, 236 chunks. The
chunk vectors are read back from its FAISS file and inserted into a milvus-lite collection (FLAT, inner
product); the questions are the Rhine suite's, embedded as `ask` embeds them, plus every sentence vector.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import Settings
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import Index, build_index, load_index
from assistant.retrieve.search import dense_ranking

pymilvus = pytest.importorskip("pymilvus")  # a dev dependency (pyproject.toml); absent from `make run`'s install
pytest.importorskip("milvus_lite")

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("corpus/docs", "evals/corpora/squad-rhine/docs", "evals/corpora/narrative/docs")
QUESTIONS = REPO / "evals/corpora/squad-rhine/questions.jsonl"
TOP_K = 10
TIE = 1e-6  # two chunks may change places only when their exact scores are equal to this
SCORE = 1e-5  # float32 inner products of 384 terms, summed in another order


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    root = tmp_path_factory.mktemp("milvus-corpus")
    docs = root / "corpus" / "docs"
    docs.mkdir(parents=True)
    for source in SOURCES:
        for path in (REPO / source).iterdir():
            shutil.copy(path, docs / path.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="fake")
    build_index(settings.corpus_dir, settings.index_dir, settings, HashEmbedder(), progress=False)
    return load_index(settings.index_dir)


@pytest.fixture(scope="module")
def chunk_vectors(index: Index) -> np.ndarray:
    """The vectors FAISS searches, read back from the build's FAISS file (row = chunk position)."""
    return index.faiss.reconstruct_n(0, index.faiss.ntotal)


@pytest.fixture(scope="module")
def queries(index: Index) -> np.ndarray:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text("utf-8").splitlines()]
    return np.vstack([HashEmbedder().embed(questions), index.sentence_vectors]).astype(np.float32)


@pytest.fixture(scope="module")
def milvus(tmp_path_factory: pytest.TempPathFactory, chunk_vectors: np.ndarray) -> Iterator[Any]:
    """A milvus-lite collection of the chunk vectors: id = chunk position, exact (FLAT) inner product."""
    client = pymilvus.MilvusClient(str(tmp_path_factory.mktemp("milvus") / "milvus.db"))
    schema = pymilvus.MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", pymilvus.DataType.INT64, is_primary=True)
    schema.add_field("vector", pymilvus.DataType.FLOAT_VECTOR, dim=chunk_vectors.shape[1])
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
    client.create_collection("chunks", schema=schema, index_params=index_params)
    client.insert("chunks", [{"id": i, "vector": v.tolist()} for i, v in enumerate(chunk_vectors)])
    try:
        yield client
    finally:
        client.close()


def milvus_ranking(client: Any, vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
    """(chunk position, inner product) best first, per query, as dense_ranking gives them."""
    found = client.search("chunks", data=vectors.tolist(), limit=k, search_params={"metric_type": "IP"})
    return [[(int(hit["id"]), float(hit["distance"])) for hit in hits] for hits in found]


def differences(
    faiss_top: list[tuple[int, float]], milvus_top: list[tuple[int, float]], query: np.ndarray, vectors: np.ndarray
) -> list[str]:
    """Where Milvus's top-k is not FAISS's: a different chunk at a rank is allowed only when the two are tied
    (their exact scores for this query equal to TIE), and every score must be its chunk's exact score."""
    problems = [] if len(faiss_top) == len(milvus_top) else [f"{len(faiss_top)} vs {len(milvus_top)} results"]
    exact = vectors.astype(np.float64) @ query.astype(np.float64)
    for rank, ((f_id, f_score), (m_id, m_score)) in enumerate(zip(faiss_top, milvus_top, strict=False), 1):
        if f_id != m_id and abs(float(exact[f_id]) - float(exact[m_id])) > TIE:
            problems.append(f"rank {rank}: FAISS chunk {f_id} ({f_score:.6f}), Milvus chunk {m_id} ({m_score:.6f})")
        if abs(m_score - float(exact[m_id])) > SCORE:
            problems.append(f"rank {rank}: Milvus scores chunk {m_id} {m_score:.6f}, exactly {exact[m_id]:.6f}")
    if len({m_id for m_id, _ in milvus_top}) != len(milvus_top):
        problems.append("Milvus returned a chunk twice")
    return problems


def test_milvus_lite_returns_the_top_k_chunks_faiss_returns(
    index: Index, chunk_vectors: np.ndarray, queries: np.ndarray, milvus: Any
) -> None:
    assert len(chunk_vectors) == len(index.data.chunks) > 200 and len(queries) > 500
    found = milvus_ranking(milvus, queries, TOP_K)
    problems = {
        q: diff
        for q, (query, milvus_top) in enumerate(zip(queries, found, strict=True))
        if (diff := differences(dense_ranking(index, query, TOP_K), milvus_top, query, chunk_vectors))
    }
    assert not problems, f"{len(problems)} of {len(queries)} queries differ, e.g. {next(iter(problems.items()))}"


def test_the_comparison_sees_one_changed_vector(
    index: Index, chunk_vectors: np.ndarray, queries: np.ndarray, milvus: Any
) -> None:
    """Not vacuous: after the top chunk of the first question is replaced in Milvus by another chunk's vector,
    the two top-k lists differ for that question."""
    query = queries[0]
    faiss_top = dense_ranking(index, query, TOP_K)
    first = faiss_top[0][0]
    far = int(np.argmin(chunk_vectors @ query))  # the chunk least like the question
    milvus.upsert("chunks", [{"id": first, "vector": chunk_vectors[far].tolist()}])
    try:
        assert differences(faiss_top, milvus_ranking(milvus, query[None], TOP_K)[0], query, chunk_vectors)
    finally:
        milvus.upsert("chunks", [{"id": first, "vector": chunk_vectors[first].tolist()}])
    assert not differences(faiss_top, milvus_ranking(milvus, query[None], TOP_K)[0], query, chunk_vectors)
