"""The persisted vector index is LlamaIndex's FaissVectorStore format: LlamaIndex can load and query it."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.ingest.index import FAISS_FILE


@pytest.mark.parametrize("question", ["Who hosted the ministerial?", "How is the reserve funded?"])
def test_llamaindex_faiss_store_loads_our_index_and_ranks_like_our_search(fake_bot: Assistant, question: str) -> None:
    from llama_index.core.vector_stores.types import VectorStoreQuery
    from llama_index.vector_stores.faiss import FaissVectorStore

    store = FaissVectorStore.from_persist_path(str(fake_bot.index.path / FAISS_FILE))
    vector = fake_bot.embedder.embed([question])[0]
    result = store.query(VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=5))
    theirs = [fake_bot.index.data.chunks[int(i)].chunk_id for i in result.ids or []]
    ours = [hit.chunk.chunk_id for hit in fake_bot.search(question, top_k=5, mode="dense")]
    assert theirs == ours and len(ours) == 5
