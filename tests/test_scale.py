"""The FAISS index type is chosen by size, and the approximate one keeps recall@10 >= 0.95."""

from __future__ import annotations

import faiss
import numpy as np

from assistant.ingest.vectors import faiss_index_for


def embedding_like(n: int) -> np.ndarray:
    """Random unit vectors with the low intrinsic dimension of sentence embeddings (48 of 384)."""
    rng = np.random.default_rng(0)
    basis = rng.standard_normal((48, 384)).astype(np.float32)
    vectors = rng.standard_normal((n, 48)).astype(np.float32) @ basis
    vectors += 0.3 * rng.standard_normal((n, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_small_indexes_are_exact_and_large_ones_are_hnsw() -> None:
    vectors = embedding_like(300)
    assert isinstance(faiss_index_for(vectors, flat_max=300), faiss.IndexFlatIP)
    assert isinstance(faiss_index_for(vectors, flat_max=299), faiss.IndexHNSWFlat)


def test_hnsw_recall_at_10_against_exact_search_is_at_least_0_95() -> None:
    vectors, queries = np.split(embedding_like(5200), [5000])
    exact, approximate = faiss_index_for(vectors, flat_max=len(vectors)), faiss_index_for(vectors, flat_max=0)
    _, truth = exact.search(queries, 10)
    _, found = approximate.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    print(f"recall@10 = {recall:.3f}")
    assert recall >= 0.95, recall
    assert approximate.metric_type == faiss.METRIC_INNER_PRODUCT and approximate.ntotal == len(vectors)
