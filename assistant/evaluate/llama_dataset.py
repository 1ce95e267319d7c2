"""LlamaIndex datasets: read a LabelledRagDataset file and score the assistant against it, no judge.

A retrieved chunk counts as a reference when it matches one of the example's reference contexts
(`context_matches`); answers are scored by token F1 and ROUGE-L against the reference answer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from assistant.errors import InputError
from assistant.evaluate.harness import first_error
from assistant.evaluate.metrics import hit_rate, mrr, percentile, ratio, rouge_l, squash, token_f1, tokens

MATCH_THRESHOLD = 0.6  # similarity at which a chunk counts as a reference context


class LlamaExample(BaseModel):
    """A LabelledRagDataExample: the fields scored here (query_by, reference_answer_by are ignored)."""

    query: str
    reference_contexts: list[str] | None = None
    reference_answer: str


class LlamaDataset(BaseModel):
    """The JSON that LlamaIndex's `LabelledRagDataset.save_json` writes: `{"examples": [...]}`."""

    examples: list[LlamaExample] = Field(min_length=1)


class LlamaResult(BaseModel):
    query: str
    answer: str
    abstained: bool
    retrieval_rank: int | None
    token_f1: float
    rouge_l: float
    latency_ms: float


class LlamaSummary(BaseModel):
    examples: int
    k: int
    match_threshold: float
    hit_rate: float
    mrr: float
    token_f1: float
    rouge_l: float
    latency_p50_ms: float
    latency_p95_ms: float


class LlamaRun(BaseModel):
    summary: LlamaSummary
    items: list[LlamaResult]


def load_llama_dataset(path: Path) -> list[LlamaExample]:
    """The examples of a LlamaIndex LabelledRagDataset JSON file.

    Read with pydantic against the file format rather than through `llama_index.core.llama_dataset`,
    which llama-index-core 0.14 no longer ships; the format is unchanged.
    """
    try:
        return LlamaDataset.model_validate_json(path.read_bytes()).examples
    except OSError as err:
        raise InputError(f"{path}: cannot read the dataset: {err.strerror}") from None
    except ValidationError as err:
        raise InputError(f"{path}: not a LlamaIndex LabelledRagDataset file: {first_error(err)}") from None


def context_matches(chunk: str, context: str, threshold: float = MATCH_THRESHOLD) -> bool:
    """One text contains the other, or their character similarity or shared words reach `threshold`.

    Texts are lower-cased with whitespace collapsed; shared words are the distinct words of 3+
    characters common to both, over those of the shorter text (which needs at least 5).
    """
    a, b = squash(chunk).lower(), squash(context).lower()
    if not a or not b:
        return False
    if a in b or b in a or SequenceMatcher(None, a, b).ratio() >= threshold:
        return True
    wa, wb = ({w for w in tokens(t) if len(w) >= 3} for t in (a, b))
    smaller = min(len(wa), len(wb))
    return smaller >= 5 and len(wa & wb) / smaller >= threshold


def llama_item(bot: Any, example: LlamaExample, k: int, threshold: float) -> LlamaResult:
    start = time.perf_counter()
    answer = bot.ask(example.query)
    latency = (time.perf_counter() - start) * 1000
    relevant = [any(context_matches(h.chunk.text, c, threshold) for c in example.reference_contexts or [])
                for h in bot.search(example.query, top_k=k)]  # fmt: skip
    return LlamaResult(
        query=example.query, answer=answer.text, abstained=answer.abstained,
        retrieval_rank=relevant.index(True) + 1 if any(relevant) else None,
        token_f1=token_f1(answer.text, example.reference_answer),
        rouge_l=rouge_l(answer.text, example.reference_answer),
        latency_ms=round(latency, 2),
    )  # fmt: skip


def run_llama(
    bot: Any, examples: Sequence[LlamaExample], k: int | None = None, threshold: float = MATCH_THRESHOLD
) -> LlamaRun:
    """Retrieval hit rate / MRR against reference contexts and answer F1 / ROUGE-L, no judge."""
    k = k or bot.settings.top_k
    results = [llama_item(bot, example, k, threshold) for example in examples]
    ranks, latencies = [r.retrieval_rank for r in results], [r.latency_ms for r in results]
    summary = LlamaSummary(
        examples=len(results), k=k, match_threshold=threshold, hit_rate=hit_rate(ranks, k), mrr=mrr(ranks),
        token_f1=ratio(sum(r.token_f1 for r in results), len(results)),
        rouge_l=ratio(sum(r.rouge_l for r in results), len(results)),
        latency_p50_ms=percentile(latencies, 50), latency_p95_ms=percentile(latencies, 95),
    )  # fmt: skip
    return LlamaRun(summary=summary, items=results)
