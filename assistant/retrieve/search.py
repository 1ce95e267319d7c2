"""Hybrid retrieval: dense (FAISS inner product) and BM25, fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from assistant.ingest.index import Index, bm25_tokens
from assistant.records import Hit

Mode = Literal["hybrid", "dense", "bm25"]


def dense_ranking(index: Index, vector: np.ndarray, depth: int) -> list[tuple[int, float]]:
    """(chunk position, cosine) best first."""
    depth = min(depth, index.faiss.ntotal)
    if depth == 0:
        return []
    scores, ids = index.faiss.search(vector.reshape(1, -1).astype(np.float32), depth)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def bm25_ranking(index: Index, tokens: list[str], depth: int) -> list[tuple[int, float]]:
    """(chunk position, BM25 score) best first; only chunks sharing a term with the query."""
    vocab = index.bm25.vocab_dict
    tokens = [t for t in tokens if t in vocab]
    depth = min(depth, len(index.data.chunks))
    if not tokens or depth == 0:
        return []
    ids, scores = index.bm25.retrieve([tokens], k=depth, show_progress=False, n_threads=0)  # 0: no thread pool
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]


def reciprocal_rank_fusion(rankings: Sequence[list[tuple[int, float]]], k: int) -> list[tuple[int, float]]:
    """Sum of 1 / (k + rank) over the rankings each item appears in, best first."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (item, _) in enumerate(ranking, 1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def retrieve(
    index: Index,
    text: str,
    vector: np.ndarray,
    top_k: int,
    mode: Mode = "hybrid",
    rrf_k: int = 60,
    terms: list[str] | None = None,
) -> list[Hit]:
    """The top_k chunks for a query, with their fused, dense and BM25 scores.

    `terms` are BM25 query tokens already stemmed (e.g. with misspellings repaired); by default
    the text is tokenized as the index was.
    """
    depth = max(top_k * 4, 20)
    dense = dense_ranking(index, vector, depth) if mode != "bm25" else []
    tokens = terms if terms is not None else bm25_tokens([text])[0]
    sparse = bm25_ranking(index, tokens, depth) if mode != "dense" else []
    rankings = {"hybrid": [dense, sparse], "dense": [dense], "bm25": [sparse]}[mode]
    dense_of, sparse_of = dict(dense), dict(sparse)
    hits = []
    for rank, (pos, score) in enumerate(reciprocal_rank_fusion(rankings, rrf_k)[:top_k], 1):
        hits.append(
            Hit(
                chunk=index.data.chunks[pos],
                score=score,
                dense_score=dense_of.get(pos),
                bm25_score=sparse_of.get(pos),
                rank=rank,
            )
        )
    return hits
