"""What a rebuild reuses from the live build, so editing one document re-embeds and re-splits only it.

A text whose vector the live build already holds (same model) is not embedded again, and an
unchanged document keeps its sentence split (same splitter code and version).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import assistant.ingest.extraction as _extraction_module
import assistant.ingest.nlp as _nlp_module
import assistant.ingest.text as _text_module
from assistant.ingest.corpus import sha256
from assistant.ingest.embedding import Embedder
from assistant.ingest.store import FAISS_FILE, corrupt_files, live_build, package_version, read_manifest
from assistant.records import Document, Sentence


@dataclass(frozen=True)
class Carried:
    """What a rebuild reuses from the live build: vectors by text, and sentence splits by document."""

    vectors: dict[str, np.ndarray]
    splits: dict[str, tuple[str, list[dict[str, Any]]]]  # doc_id -> (its text, its sentences)

    @classmethod
    def from_build(cls, index_dir: Path, embedder: Embedder) -> Carried:
        """Everything reusable from the live build of `index_dir`; nothing if it is missing or corrupt."""
        build = live_build(index_dir)
        try:
            manifest = read_manifest(build) if build else {}
            if build is None or corrupt_files(build, manifest):
                return cls({}, {})
            payload = json.loads((build / "corpus.json").read_text("utf-8"))
            vectors = _vectors_by_text(build, payload) if manifest.get("model") == embedder.model_id else {}
        except (OSError, ValueError, RuntimeError, KeyError, TypeError, AttributeError):
            return cls({}, {})  # an unreadable or malformed old build only costs a full rebuild
        if vectors and next(iter(vectors.values())).shape != (embedder.dim,):
            vectors = {}
        same_splitter = manifest.get("splitter") == splitter_version()
        return cls(vectors, _splits(payload) if same_splitter else {})

    def sentences_of(self, doc: Document) -> list[Sentence] | None:
        text, sentences = self.splits.get(doc.doc_id, (None, []))
        return [Sentence.model_validate(s) for s in sentences] if text == doc.text and sentences else None


def _vectors_by_text(build: Path, payload: dict[str, Any]) -> dict[str, np.ndarray]:
    import faiss

    chunks = faiss.read_index(str(build / FAISS_FILE))
    vectors = np.vstack([chunks.reconstruct_n(0, chunks.ntotal), np.load(build / "sentences.npy")])
    texts = [c.get("search_text") or c["text"] for c in payload["chunks"]] + [s["text"] for s in payload["sentences"]]
    return dict(zip(texts, vectors, strict=True))


def _splits(payload: dict[str, Any]) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    splits: dict[str, tuple[str, list[dict[str, Any]]]] = {d["doc_id"]: (d["text"], []) for d in payload["documents"]}
    for sentence in payload["sentences"]:
        splits[sentence["doc_id"]][1].append(sentence)
    return splits


def splitter_version() -> str:
    """The splitter's, tagger's and fact extractor's code and versions: a split is reused only if all are unchanged."""
    # extraction reads the tagged sentences: a change to it must re-extract facts, so it counts too
    modules = (_text_module, _nlp_module, _extraction_module)
    code = b"".join(Path(m.__file__).read_bytes() for m in modules)  # type: ignore[arg-type]
    return sha256(code) + f" nltk {package_version('nltk')} {_nlp_module.versions()}"
