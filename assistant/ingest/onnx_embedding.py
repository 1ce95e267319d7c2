"""MiniLM at query time without torch: the same weights exported once to ONNX, run by onnxruntime.

`export` runs at ingestion (it needs torch and sentence-transformers, which are loaded then
anyway) and writes `<index dir>/models/all-MiniLM-L6-v2/` with model.onnx, tokenizer.json and
export.json. `OnnxMiniLM` reads that folder with onnxruntime and the `tokenizers` library only,
so asking a question never imports torch (about 5 s of the cold start). Its vectors match
sentence-transformers to about 3e-7, so it shares MiniLM's model_id and the index stays valid.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "model.onnx"
_FOLDER = "all-MiniLM-L6-v2"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
_MIN_COSINE = 1 - 1e-4
_log = logging.getLogger(__name__)


def model_folder(index_dir: Path) -> Path:
    """Where the exported model of an index folder lives (outside the builds, so it survives them)."""
    return index_dir / "models" / _FOLDER


def exported(index_dir: Path, model_id: str) -> bool:
    """True if `index_dir` holds a verified export of the model `model_id`."""
    try:
        meta = json.loads((model_folder(index_dir) / "export.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("model_id") == model_id and (model_folder(index_dir) / MODEL_FILE).is_file()


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


# --- export (ingestion time: torch and sentence-transformers are loaded) ---------------------


def export(model: Any, model_path: str, model_id: str, index_dir: Path, probe: list[str]) -> bool:
    """Export a loaded SentenceTransformer to ONNX under `index_dir`; keep it only if it matches.

    `probe` texts (some of the corpus) are embedded both ways; the export is kept only if every
    cosine is at least 1 - 1e-4. Failure is logged, never raised: queries then use torch.
    """
    target = model_folder(index_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        staging.chmod(0o755)
        _export_onnx(model, staging / "traced.onnx")
        _optimize(staging / "traced.onnx", staging / MODEL_FILE)
        shutil.copy(Path(model_path) / "tokenizer.json", staging / "tokenizer.json")
        cosine = _agreement(model, OnnxMiniLM(staging, model_id), probe)
        if cosine < _MIN_COSINE:
            _log.warning("ONNX export of %s disagrees with torch (cosine %.6f): not used", model_id, cosine)
            return False
        meta = {"model_id": model_id, "min_cosine": cosine, "probe_texts": len(probe)}
        (staging / "export.json").write_text(json.dumps(meta, indent=2), "utf-8")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
        return True
    except Exception as err:  # an optional speed-up: any failure leaves the torch path in place
        _log.warning("ONNX export of %s failed (%s): queries will use sentence-transformers", model_id, err)
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _export_onnx(model: Any, path: Path) -> None:
    import torch

    class LastHidden(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    # The example must contain padding, or tracing drops attention_mask as a constant.
    texts = ["a short one", "a longer example sentence with more words"]
    example = model.tokenizer(texts, padding=True, return_tensors="pt")
    module = LastHidden(model[0].auto_model).eval()
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # TracerWarnings about shape checks that do not apply here
        torch.onnx.export(
            module,
            tuple(example[name] for name in _INPUTS),
            str(path),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _optimize(source: Path, target: Path) -> None:
    """Fuse the graph once here (portable "extended" level), so each query process loads it ready."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(target)
    onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    source.unlink()


def _agreement(model: Any, onnx: OnnxMiniLM, texts: list[str]) -> float:
    reference = np.asarray(model.encode(texts, batch_size=32, normalize_embeddings=True), dtype=np.float32)
    return float((reference * onnx.embed(texts)).sum(axis=1).min())
