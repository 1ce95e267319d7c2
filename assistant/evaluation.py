"""Judge-free evaluation: a question set, the scoring rules, the metrics and the runs.

An item passes when none of these rules fails (each failure is one reason in the results):
- abstention: an `unanswerable` item must be abstained, any other must not be;
- patterns: every `expect_all` and at least one `expect_any` regex matches the answer text
  (case-insensitive), and no `expect_none` regex does;
- citations: every quote equals `document.text[start:end]`;
- evidence: every `evidence` string is cited: a quote contains it, or it contains a quote at least
  half its length (the sentence splitter cut it in two). Whitespace is collapsed before comparing.
Retrieval rank: the first chunk of `Assistant.search(question)` (the resolved question for
follow-ups) that covers an evidence string by the same rule; hit@k and MRR count items with evidence.
A ratio over zero items is 1.0: nothing failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import CorpusError, InputError
from assistant.records import Answer, Citation, Hit

MATCH_THRESHOLD = 0.6  # LlamaIndex contexts: similarity at which a chunk counts as a reference
RETRIEVERS = ("dense", "bm25", "hybrid")
_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"\[\d+\]|\*\*|—")


class EvalItem(BaseModel):
    """One line of a question set (format in evals/README.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    category: str = Field(min_length=1)
    question: str = Field(min_length=1)
    history: list[str] = []
    today: dt.date | None = None
    expect_all: list[str] = []
    expect_any: list[str] = []
    expect_none: list[str] = []
    evidence: list[str] = []
    unanswerable: bool = False
    note: str | None = None

    @field_validator("evidence", "expect_all", "expect_any", "expect_none", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("expect_all", "expect_any", "expect_none")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as err:
                raise ValueError(f"bad regex {pattern!r}: {err}") from None
        return patterns

    @model_validator(mode="after")
    def _consistent(self) -> EvalItem:
        if self.unanswerable and self.evidence:
            raise ValueError("an unanswerable item cannot expect evidence")
        return self


class ItemResult(BaseModel):
    """What one item produced and how it scored."""

    id: str
    category: str
    question: str
    resolved_question: str | None
    answer: str
    abstained: bool
    expected_abstain: bool
    citations: list[Citation]
    passed: bool
    reasons: list[str]
    citations_valid: int
    evidence: list[str]
    evidence_cited: bool | None  # None: the item expects no evidence
    retrieval_rank: int | None  # None: no evidence among the top k (or none expected)
    latency_ms: float


class CategoryScore(BaseModel):
    questions: int
    passed: int
    accuracy: float


class Summary(BaseModel):
    retriever: str
    k: int
    questions: int
    passed: int
    accuracy: float
    citation_validity: float
    evidence_recall: float
    hit_rate: float
    mrr: float
    abstention_precision: float
    abstention_recall: float
    latency_p50_ms: float
    latency_p95_ms: float
    categories: dict[str, CategoryScore]


class Run(BaseModel):
    summary: Summary
    items: list[ItemResult]


# --- loading --------------------------------------------------------------------------------


def load_questions(path: Path) -> list[EvalItem]:
    """The items of a JSON Lines question set; a bad line is a CorpusError naming file:line."""
    if not path.is_file():
        raise InputError(f"question set not found: {path} (give --questions FILE)")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            item = EvalItem.model_validate_json(line)
        except ValidationError as err:
            raise CorpusError(str(path), _first_error(err), number) from None
        if item.id in seen:
            raise CorpusError(str(path), f"duplicate id {item.id!r}", number)
        seen.add(item.id)
        items.append(item)
    if not items:
        raise CorpusError(str(path), "the question set is empty")
    return items


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def check_evidence(items: Sequence[EvalItem], texts: Mapping[str, str]) -> None:
    """Every evidence string must occur in some document, or the item can never pass."""
    corpus = [_squash(t) for t in texts.values()]
    for item in items:
        for evidence in item.evidence:
            if not any(_squash(evidence) in text for text in corpus):
                raise InputError(f"question {item.id}: evidence not found in any document: {evidence!r}")


# --- metrics ----------------------------------------------------------------------------------


def ratio(part: float, whole: float) -> float:
    return part / whole if whole else 1.0


def hit_rate(ranks: Sequence[int | None], k: int) -> float:
    """Share of items whose first relevant chunk is ranked within k."""
    return ratio(sum(1 for r in ranks if r is not None and r <= k), len(ranks))


def mrr(ranks: Sequence[int | None]) -> float:
    """Mean reciprocal rank of the first relevant chunk (0 when none was retrieved)."""
    return ratio(sum(1.0 / r for r in ranks if r), len(ranks))


def abstention_scores(expected: Sequence[bool], actual: Sequence[bool]) -> tuple[float, float]:
    """(precision, recall) of abstaining, the positive class being 'the sources cannot answer'."""
    both = sum(1 for e, a in zip(expected, actual, strict=True) if e and a)
    return ratio(both, sum(actual)), ratio(both, sum(expected))


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else 0.0


def tokens(text: str) -> list[str]:
    return _WORD.findall(_MARKUP.sub(" ", text).lower())


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style F1 of the word multisets."""
    pred, ref = tokens(prediction), tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not common:
        return 1.0 if not pred and not ref else 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1: longest common word subsequence over both lengths."""
    pred, ref = tokens(prediction), tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    row = [0] * (len(ref) + 1)
    for word in pred:
        diagonal = 0
        for j, other in enumerate(ref, 1):
            diagonal, row[j] = row[j], diagonal + 1 if word == other else max(row[j], row[j - 1])
    lcs = row[-1]
    return 2 * lcs / (len(pred) + len(ref)) if lcs else 0.0


# --- scoring ----------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def covers(text: str, evidence: str) -> bool:
    """`text` (a quote or chunk) contains the evidence, or is a part of it at least half as long."""
    text, evidence = _squash(text), _squash(evidence)
    return bool(text) and (evidence in text or (text in evidence and 2 * len(text) >= len(evidence)))


def citation_errors(citations: Sequence[Citation], texts: Mapping[str, str]) -> list[str]:
    errors = []
    for c in citations:
        if c.doc_id not in texts:
            errors.append(f"citation [{c.n}] names an unknown document {c.doc_id!r}")
        elif texts[c.doc_id][c.start : c.end] != c.quote:
            errors.append(f"citation [{c.n}] quote differs from {c.doc_id}[{c.start}:{c.end}]")
    return errors


def pattern_errors(item: EvalItem, text: str) -> list[str]:
    errors = [f"missing pattern {p!r}" for p in item.expect_all if not re.search(p, text, re.I)]
    if item.expect_any and not any(re.search(p, text, re.I) for p in item.expect_any):
        errors.append(f"none of the patterns {item.expect_any!r}")
    errors += [f"forbidden pattern {p!r}" for p in item.expect_none if re.search(p, text, re.I)]
    return errors


def missing_evidence(item: EvalItem, citations: Sequence[Citation]) -> list[str]:
    return [e for e in item.evidence if not any(covers(c.quote, e) for c in citations)]


def score(item: EvalItem, answer: Answer, texts: Mapping[str, str]) -> list[str]:
    """The reasons this answer fails the item; empty when it passes."""
    if item.unanswerable != answer.abstained:
        wrong = "answered an unanswerable question" if item.unanswerable else "abstained on an answerable question"
        reasons = [wrong]
    else:
        reasons = []
    reasons += pattern_errors(item, answer.text)
    reasons += citation_errors(answer.citations, texts)
    reasons += [f"evidence not cited: {e!r}" for e in missing_evidence(item, answer.citations)]
    return reasons


def evidence_rank(hits: Sequence[Hit], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first hit covering any evidence string."""
    return next((i for i, h in enumerate(hits, 1) if any(covers(h.chunk.text, e) for e in evidence)), None)


# --- running ----------------------------------------------------------------------------------


def with_retriever(bot: Any, mode: str) -> Any:
    """The same loaded assistant (index, model) retrieving with another mode."""
    return dataclasses.replace(bot, settings=bot.settings.model_copy(update={"retriever": mode}))


def ask_item(bot: Any, item: EvalItem, today: dt.date | None) -> tuple[Answer, float]:
    """Replay the history, then ask; returns the answer and the last turn's latency in ms."""
    day = item.today or today
    history: list[dict[str, str]] = []
    for turn in item.history:
        earlier = bot.ask(turn, history=history, today=day)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": earlier.text}]
    start = time.perf_counter()
    answer = bot.ask(item.question, history=history, today=day)
    return answer, (time.perf_counter() - start) * 1000


def run_item(bot: Any, item: EvalItem, texts: Mapping[str, str], k: int, today: dt.date | None) -> ItemResult:
    answer, latency = ask_item(bot, item, today)
    reasons = score(item, answer, texts)
    rank = evidence_rank(bot.search(answer.resolved_question or item.question, top_k=k), item.evidence)
    return ItemResult(
        id=item.id, category=item.category, question=item.question, resolved_question=answer.resolved_question,
        answer=answer.text, abstained=answer.abstained, expected_abstain=item.unanswerable,
        citations=answer.citations, passed=not reasons, reasons=reasons,
        citations_valid=len(answer.citations) - len(citation_errors(answer.citations, texts)),
        evidence=item.evidence, evidence_cited=not missing_evidence(item, answer.citations) if item.evidence else None,
        retrieval_rank=rank, latency_ms=round(latency, 2),
    )  # fmt: skip


def run(
    bot: Any,
    items: Sequence[EvalItem],
    k: int | None = None,
    today: dt.date | None = None,
    on_item: Callable[[ItemResult], None] | None = None,
) -> Run:
    """Ask every item with `bot` and score it."""
    texts = {d.doc_id: d.text for d in bot.index.data.documents}
    check_evidence(items, texts)
    k = k or bot.settings.top_k
    bot.search("warm-up", top_k=1)  # load the model now, so the first item's latency does not include it
    results = []
    for item in items:
        results.append(run_item(bot, item, texts, k, today))
        if on_item:
            on_item(results[-1])
    return Run(summary=summarize(results, k, bot.settings.retriever), items=results)


def summarize(results: Sequence[ItemResult], k: int, retriever: str) -> Summary:
    """The headline figures of a run and the accuracy of each category."""
    ranks = [r.retrieval_rank for r in results if r.evidence]
    cited = [bool(r.evidence_cited) for r in results if r.evidence]
    precision, recall = abstention_scores([r.expected_abstain for r in results], [r.abstained for r in results])
    latencies = [r.latency_ms for r in results]
    return Summary(
        retriever=retriever, k=k, questions=len(results), passed=sum(r.passed for r in results),
        accuracy=ratio(sum(r.passed for r in results), len(results)),
        citation_validity=ratio(sum(r.citations_valid for r in results), sum(len(r.citations) for r in results)),
        evidence_recall=ratio(sum(cited), len(cited)), hit_rate=hit_rate(ranks, k), mrr=mrr(ranks),
        abstention_precision=precision, abstention_recall=recall,
        latency_p50_ms=percentile(latencies, 50), latency_p95_ms=percentile(latencies, 95),
        categories=category_scores(results),
    )  # fmt: skip


def category_scores(results: Sequence[ItemResult]) -> dict[str, CategoryScore]:
    groups: dict[str, list[bool]] = {}
    for r in results:
        groups.setdefault(r.category, []).append(r.passed)
    return {c: CategoryScore(questions=len(p), passed=sum(p), accuracy=ratio(sum(p), len(p)))
            for c, p in sorted(groups.items())}  # fmt: skip


def shortfalls(
    summary: BaseModel, minimums: Mapping[str, float | None], maximums: Mapping[str, float | None]
) -> list[str]:
    """One line per figure of `summary` below its minimum or above its maximum (None: no limit)."""
    v = summary.model_dump()
    low = [f"{name} {v[name]:.3f} < {lim}" for name, lim in minimums.items() if lim is not None and v[name] < lim]
    high = [f"{name} {v[name]:.0f} > {lim}" for name, lim in maximums.items() if lim is not None and v[name] > lim]
    return low + high


# --- LlamaIndex datasets ----------------------------------------------------------------------


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
        raise InputError(f"{path}: not a LlamaIndex LabelledRagDataset file: {_first_error(err)}") from None


def context_matches(chunk: str, context: str, threshold: float = MATCH_THRESHOLD) -> bool:
    """One text contains the other, or their character similarity or shared words reach `threshold`.

    Texts are lower-cased with whitespace collapsed; shared words are the distinct words of 3+
    characters common to both, over those of the shorter text (which needs at least 5).
    """
    a, b = _squash(chunk).lower(), _squash(context).lower()
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
