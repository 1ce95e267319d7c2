"""Judge-free evaluation: a question set, the scoring rules and the runs (metrics: assistant.evaluate.metrics).

An item passes when none of these rules fails (each failure is one reason in the results):
- abstention: an `unanswerable` item must be abstained, any other must not be;
- patterns: every `expect_all` and at least one `expect_any` regex matches the answer text
  (case-insensitive), and no `expect_none` regex does;
- citations: every quote equals `document.text[start:end]`;
- evidence: every `evidence` string is cited: a quote contains it, or it contains a quote at least
  half its length (the sentence splitter cut it in two). Whitespace is collapsed before comparing;
- any evidence: when `evidence_any` is given, at least one of its strings is cited by that same rule
  (a SQuAD question has several accepted answer spans; citing one of them is enough).
Answer rank (ranking, apart from deciding): the first of the ranked candidate sentences
(`Assistant.ranked`, before the decision) that covers an evidence string, by the same rule; rank@1
and top 3 count the answerable items with evidence. Answer recall: answerable items that pass over
answerable items; answer precision: items answered (not abstained) that pass over items answered.
Retrieval rank: the first chunk of `Assistant.search(question)` (the resolved question for
follow-ups) that covers an evidence string (of `evidence` or `evidence_any`) by the same rule; hit@k
and MRR count items with evidence. HasAns / NoAns accuracy: the accuracy over the answerable items /
over the `unanswerable` ones (SQuAD 2.0's split of its figures).
Conflicts: an item with `expect_conflict` fails when the answer's reporting of a disagreement
(`Answer.conflicts`) is not what it expects; conflict precision / recall count, over those items,
the answers that reported one against the items that expect one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import CorpusError, InputError
from assistant.evaluate.metrics import (
    abstention_scores,
    answerability_accuracy,
    hit_rate,
    mrr,
    percentile,
    precision_recall,
    ratio,
    squash,
)
from assistant.records import Answer, Citation, Hit

RETRIEVERS = ("dense", "bm25", "hybrid")


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
    evidence_any: list[str] = []
    unanswerable: bool = False
    location: str | None = None  # regex the page/paragraph of the citation covering the evidence must match
    expect_conflict: bool | None = None  # True: the answer must report that the sources disagree; False: must not
    note: str | None = None

    @field_validator("evidence", "evidence_any", "expect_all", "expect_any", "expect_none", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("location")
    @classmethod
    def _location_compiles(cls, pattern: str | None) -> str | None:
        return cls._compiles([pattern])[0] if pattern is not None else None

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
        if self.unanswerable and (self.evidence or self.evidence_any):
            raise ValueError("an unanswerable item cannot expect evidence")
        return self

    @property
    def all_evidence(self) -> list[str]:
        """Every evidence string of the item: `evidence` then `evidence_any`."""
        return [*self.evidence, *self.evidence_any]


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
    evidence_any: list[str] = []
    evidence_cited: bool | None  # None: the item expects no evidence
    retrieval_rank: int | None  # None: no evidence among the top k (or none expected)
    answer_rank: int | None = None  # first ranked candidate sentence covering evidence (None: none or none expected)
    latency_ms: float
    expect_conflict: bool | None = None
    conflicts: int = 0  # the disagreements the answer reported
    short_answer_right: bool | None = None  # None: no bold short answer, or nothing to judge it by


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
    ranked_questions: int = 0  # answerable items with evidence: the ranking figures' denominator
    rank1: float = 1.0  # of those, the share whose best-ranked candidate sentence holds the evidence
    top3: float = 1.0  # ... whose evidence is among the three best-ranked sentences
    answered: int = 0  # items the assistant answered (did not abstain on)
    answer_recall: float = 1.0  # answerable items answered right / answerable items
    answer_precision: float = 1.0  # items answered right / items answered
    hasans_questions: int = 0
    hasans_accuracy: float = 1.0
    noans_questions: int = 0
    noans_accuracy: float = 1.0
    conflict_questions: int = 0
    conflict_precision: float = 1.0
    conflict_recall: float = 1.0
    short_answers: int = 0  # answers that open with a bold short answer that can be judged
    short_answer_precision: float = 1.0  # of those, the share holding an expected value
    latency_p50_ms: float
    latency_p95_ms: float
    categories: dict[str, CategoryScore]


class Run(BaseModel):
    summary: Summary
    items: list[ItemResult]


class SuiteEntry(BaseModel):
    """One corpus the project gates on: a line of evals/suites.yaml (paths relative to that file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    corpus: Path
    questions: Path | None = None  # None: <corpus>/questions.jsonl
    min_accuracy: float = Field(0.0, ge=0.0, le=1.0)
    min_hasans: float = Field(0.0, ge=0.0, le=1.0)
    min_noans: float = Field(0.0, ge=0.0, le=1.0)
    min_answer_precision: float = Field(0.0, ge=0.0, le=1.0)
    min_citation_validity: float = Field(0.0, ge=0.0, le=1.0)
    min_conflict_precision: float = Field(0.0, ge=0.0, le=1.0)
    min_conflict_recall: float = Field(0.0, ge=0.0, le=1.0)

    @property
    def questions_file(self) -> Path:
        return self.questions or self.corpus / "questions.jsonl"

    def minimums(self) -> dict[str, float | None]:
        """The thresholds keyed by the Summary figure they bound."""
        return {"accuracy": self.min_accuracy, "hasans_accuracy": self.min_hasans,
                "noans_accuracy": self.min_noans, "answer_precision": self.min_answer_precision,
                "citation_validity": self.min_citation_validity,
                "conflict_precision": self.min_conflict_precision,
                "conflict_recall": self.min_conflict_recall}  # fmt: skip

    def missing(self) -> list[Path]:
        """The inputs that do not exist (a suite being written may not have them yet)."""
        return [p for p in (self.corpus / "docs", self.questions_file) if not p.exists()]


class SuiteFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suites: list[SuiteEntry] = Field(min_length=1)


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
            raise CorpusError(str(path), first_error(err), number) from None
        if item.id in seen:
            raise CorpusError(str(path), f"duplicate id {item.id!r}", number)
        seen.add(item.id)
        items.append(item)
    if not items:
        raise CorpusError(str(path), "the question set is empty")
    return items


def load_suites(path: Path, only: Sequence[str] = ()) -> list[SuiteEntry]:
    """The entries of a suites file (all, or those named in `only`), paths resolved against its folder."""
    if not path.is_file():
        raise InputError(f"suites file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = SuiteFile.model_validate(raw).suites
    except yaml.YAMLError as err:
        raise CorpusError(str(path), f"not valid YAML: {err}") from None
    except ValidationError as err:
        raise CorpusError(str(path), first_error(err)) from None
    names = [e.name for e in entries]
    if len(set(names)) < len(names):
        raise CorpusError(str(path), f"duplicate suite names in {names}")
    unknown = sorted(set(only) - set(names))
    if unknown:
        raise InputError(f"--only {', '.join(unknown)}: no such suite in {path} (there are: {', '.join(names)})")
    return [_resolved(e, path.parent) for e in entries if not only or e.name in only]


def _resolved(entry: SuiteEntry, base: Path) -> SuiteEntry:
    paths = {"corpus": base / entry.corpus, "questions": base / entry.questions if entry.questions else None}
    return entry.model_copy(update={k: v.resolve() if v else v for k, v in paths.items()})


def first_error(err: ValidationError) -> str:
    """The first problem of a validation error as `field.path: message`."""
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def check_evidence(items: Sequence[EvalItem], texts: Mapping[str, str]) -> None:
    """Every evidence string must occur in some document, or the item can never pass."""
    corpus = [squash(t) for t in texts.values()]
    for item in items:
        for evidence in item.all_evidence:
            if not any(squash(evidence) in text for text in corpus):
                raise InputError(f"question {item.id}: evidence not found in any document: {evidence!r}")


# --- scoring ----------------------------------------------------------------------------------


def covers(text: str, evidence: str) -> bool:
    """`text` (a quote or chunk) contains the evidence, or is a part of it at least half as long."""
    text, evidence = squash(text), squash(evidence)
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


def any_evidence_cited(item: EvalItem, citations: Sequence[Citation]) -> bool:
    """True when `evidence_any` is empty or some citation covers one of its strings."""
    return not item.evidence_any or any(covers(c.quote, e) for e in item.evidence_any for c in citations)


def evidence_errors(item: EvalItem, citations: Sequence[Citation]) -> list[str]:
    """One reason per `evidence` string not cited, and one when no `evidence_any` string is."""
    errors = [f"evidence not cited: {e!r}" for e in missing_evidence(item, citations)]
    if not any_evidence_cited(item, citations):
        errors.append(f"none of the evidence cited: {item.evidence_any!r}")
    return errors


def score(item: EvalItem, answer: Answer, texts: Mapping[str, str]) -> list[str]:
    """The reasons this answer fails the item; empty when it passes."""
    if item.unanswerable != answer.abstained:
        wrong = "answered an unanswerable question" if item.unanswerable else "abstained on an answerable question"
        reasons = [wrong]
    else:
        reasons = []
    reasons += pattern_errors(item, answer.text)
    reasons += citation_errors(answer.citations, texts)
    reasons += evidence_errors(item, answer.citations)
    reasons += location_errors(item, answer.citations)
    reasons += conflict_errors(item, answer)
    return reasons


def conflict_errors(item: EvalItem, answer: Answer) -> list[str]:
    """A reason when the answer reports a disagreement the item says is none, or misses one it expects."""
    if item.expect_conflict is None or bool(answer.conflicts) == item.expect_conflict:
        return []
    if item.expect_conflict:
        return ["no disagreement reported between the sources"]
    values = "; ".join(v.value for c in answer.conflicts for v in c.values)
    return [f"reported a disagreement that is none: {values}"]


def location_errors(item: EvalItem, citations: Sequence[Citation]) -> list[str]:
    """A reason when no citation of the evidence carries the expected page or paragraph."""
    if item.location is None:
        return []
    cited = [c for c in citations if any(covers(c.quote, e) for e in item.all_evidence)]
    if any(re.search(item.location, c.location or "") for c in cited):
        return []
    return [f"evidence not cited at {item.location!r} (cited at {[c.location for c in cited]})"] if cited else []


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


def sentence_rank(ranked: Sequence[Any], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first ranked candidate whose sentence covers any evidence string."""
    return next((i for i, c in enumerate(ranked, 1) if any(covers(c.sentence.text, e) for e in evidence)), None)


def run_item(bot: Any, item: EvalItem, texts: Mapping[str, str], k: int, today: dt.date | None) -> ItemResult:
    answer, latency = ask_item(bot, item, today)
    reasons = score(item, answer, texts)
    asked = answer.resolved_question or item.question
    rank = evidence_rank(bot.search(asked, top_k=k), item.all_evidence)
    answer_rank = sentence_rank(bot.ranked(asked), item.all_evidence) if item.all_evidence else None
    return ItemResult(
        id=item.id, category=item.category, question=item.question, resolved_question=answer.resolved_question,
        answer=answer.text, abstained=answer.abstained, expected_abstain=item.unanswerable,
        citations=answer.citations, passed=not reasons, reasons=reasons,
        citations_valid=len(answer.citations) - len(citation_errors(answer.citations, texts)),
        evidence=item.evidence, evidence_any=item.evidence_any,
        evidence_cited=not evidence_errors(item, answer.citations) if item.all_evidence else None,
        retrieval_rank=rank, answer_rank=answer_rank, latency_ms=round(latency, 2),
        expect_conflict=item.expect_conflict,
        conflicts=len(answer.conflicts), short_answer_right=short_answer_right(item, answer),
    )  # fmt: skip


_SHORT = re.compile(r"\A\*\*(.+?)\*\*")


def short_answer_right(item: EvalItem, answer: Answer) -> bool | None:
    """Whether the bold short answer holds an expected value: on an unanswerable question any bold
    is wrong; None when there is no bold, or the item gives no pattern to judge it by."""
    found = _SHORT.match(answer.text)
    if found is None or answer.abstained:
        return None
    if item.unanswerable:
        return False
    patterns = item.expect_all + item.expect_any
    return any(re.search(p, found.group(1), re.IGNORECASE) for p in patterns) if patterns else None


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
    ranks = [r.retrieval_rank for r in results if r.evidence or r.evidence_any]
    cited = [bool(r.evidence_cited) for r in results if r.evidence_cited is not None]
    unanswerable = [r.expected_abstain for r in results]
    hasans, noans = answerability_accuracy(unanswerable, [r.passed for r in results])
    precision, recall = abstention_scores([r.expected_abstain for r in results], [r.abstained for r in results])
    latencies = [r.latency_ms for r in results]
    judged = [r for r in results if r.expect_conflict is not None]
    conflict_p, conflict_r = precision_recall(
        [bool(r.expect_conflict) for r in judged], [r.conflicts > 0 for r in judged]
    )
    bold = [r.short_answer_right for r in results if r.short_answer_right is not None]
    ranked = [r.answer_rank for r in results if not r.expected_abstain and (r.evidence or r.evidence_any)]
    answered = [r for r in results if not r.abstained]
    return Summary(
        retriever=retriever, k=k, questions=len(results), passed=sum(r.passed for r in results),
        accuracy=ratio(sum(r.passed for r in results), len(results)),
        citation_validity=ratio(sum(r.citations_valid for r in results), sum(len(r.citations) for r in results)),
        evidence_recall=ratio(sum(cited), len(cited)), hit_rate=hit_rate(ranks, k), mrr=mrr(ranks),
        abstention_precision=precision, abstention_recall=recall,
        ranked_questions=len(ranked), rank1=hit_rate(ranked, 1), top3=hit_rate(ranked, 3),
        answered=len(answered), answer_recall=hasans,
        answer_precision=ratio(sum(r.passed for r in answered), len(answered)),
        hasans_questions=unanswerable.count(False), hasans_accuracy=hasans,
        noans_questions=unanswerable.count(True), noans_accuracy=noans,
        conflict_questions=len(judged), conflict_precision=conflict_p, conflict_recall=conflict_r,
        short_answers=len(bold), short_answer_precision=ratio(sum(bold), len(bold)),
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
