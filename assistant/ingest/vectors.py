"""The chunk vector index (FAISS): exact (IndexFlatIP) up to FLAT_MAX vectors and HNSW above.

Exact search grows linearly with the corpus (recall@10 of HNSW against exact search: docs/performance.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

FLAT_MAX = 20_000  # chunk vectors up to which search is exact


def faiss_index_for(vectors: np.ndarray, flat_max: int = FLAT_MAX) -> Any:
    """An inner-product FAISS index of `vectors`: exact up to `flat_max` rows, HNSW above."""
    import faiss

    dim = vectors.shape[1]
    index: Any
    if len(vectors) <= flat_max:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 256  # stored in the file; recall@10 >= 0.95 needs about 200 (docs/performance.md)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def write_faiss(path: Path, vectors: np.ndarray) -> None:
    """Store chunk vectors (normalized; inner product) as FaissVectorStore.persist would.

    Written with faiss directly: importing llama_index costs about 3 s, more than a whole
    incremental rebuild, and the store adds nothing to a file that is only ever read by faiss.
    """
    import faiss

    faiss.write_index(faiss_index_for(vectors), str(path))
