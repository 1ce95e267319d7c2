"""Evaluation: the scoring rules, the question-set format, the report and the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import CorpusError
from assistant.evaluation import EvalItem, covers, load_questions, pattern_errors, score
from assistant.records import Answer, Citation

TEXT = "The reserve is backed by $10 billion from the bank. An additional $2 billion comes from the private sector."
TEXTS = {"doc": TEXT}


def cite(quote: str, n: int = 1, shift: int = 0) -> Citation:
    start = TEXT.index(quote) + shift
    return Citation(n=n, doc_id="doc", title="Doc", quote=quote, start=start, end=start + len(quote))


def answer(text: str, *citations: Citation, abstained: bool = False) -> Answer:
    return Answer(question="q", text=text, citations=list(citations), abstained=abstained)


ITEM = EvalItem(
    id="x", category="fact", question="How much?", expect_all=[r"\$10 billion"], evidence=["$10 billion from the bank"]
)
GOOD = answer("It is $10 billion [1].", cite("The reserve is backed by $10 billion from the bank."))


# --- scoring rules --------------------------------------------------------------------------


def test_a_correct_cited_answer_passes() -> None:
    assert score(ITEM, GOOD, TEXTS) == []


def test_a_wrong_citation_offset_fails_the_item() -> None:
    shifted = answer(GOOD.text, cite("The reserve is backed by $10 billion from the bank.", shift=1))
    assert score(ITEM, shifted, TEXTS) == ["citation [1] quote differs from doc[1:52]"]


def test_a_citation_of_an_unknown_document_fails_the_item() -> None:
    stray = answer(GOOD.text, GOOD.citations[0].model_copy(update={"doc_id": "other"}))
    assert score(ITEM, stray, TEXTS) == ["citation [1] names an unknown document 'other'"]


def test_a_missing_evidence_citation_fails_the_item() -> None:
    elsewhere = answer(GOOD.text, cite("An additional $2 billion comes from the private sector."))
    assert score(ITEM, elsewhere, TEXTS) == ["evidence not cited: '$10 billion from the bank'"]


def test_answering_an_unanswerable_question_fails_the_item() -> None:
    item = EvalItem(id="u", category="unanswerable", question="Who chairs it?", unanswerable=True)
    assert score(item, GOOD, TEXTS) == ["answered an unanswerable question"]
    assert score(item, answer("The sources do not say.", abstained=True), TEXTS) == []


def test_abstaining_on_an_answerable_question_fails_the_item() -> None:
    reasons = score(ITEM, answer("The sources do not say.", abstained=True), TEXTS)
    assert reasons[0] == "abstained on an answerable question"


@pytest.mark.parametrize(
    ("fields", "text", "expected"),
    [
        ({"expect_all": ["billion", "bank"]}, "10 BILLION from the Bank", []),
        ({"expect_all": ["billion", "bank"]}, "10 billion", ["missing pattern 'bank'"]),
        ({"expect_any": ["tariff", "floor"]}, "price floors", []),
        ({"expect_any": ["tariff", "floor"]}, "quotas", ["none of the patterns ['tariff', 'floor']"]),
        ({"expect_none": [r"\$50 billion"]}, "It is $12 billion", []),
        ({"expect_none": [r"\$50 billion"]}, "It is $50 billion", [r"forbidden pattern '\\$50 billion'"]),
    ],
)
def test_answer_pattern_rules(fields: dict[str, list[str]], text: str, expected: list[str]) -> None:
    """expect_all: every regex; expect_any: at least one; expect_none: none; all case-insensitive."""
    assert pattern_errors(EvalItem(id="p", category="c", question="q", **fields), text) == expected


@pytest.mark.parametrize(
    ("quote", "evidence", "expected"),
    [
        ("The reserve is backed by $10 billion from the bank.", "$10 billion from the bank", True),
        ("$10 billion from the bank", "backed by $10 billion from the bank. An additional", True),  # half or more
        ("the bank", "backed by $10 billion from the bank", False),  # too small a piece
        ("An additional $2 billion", "$10 billion from the bank", False),
        ("", "anything", False),
    ],
)
def test_a_quote_covers_evidence_when_one_contains_the_other(quote: str, evidence: str, expected: bool) -> None:
    assert covers(quote, evidence) is expected


# --- question-set format ---------------------------------------------------------------------------


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_shipped_question_set_is_valid() -> None:
    items = load_questions(Path(__file__).resolve().parent.parent / "evals" / "questions.jsonl")
    assert len(items) >= 80
    assert sum(i.unanswerable for i in items) >= 15


@pytest.mark.parametrize(
    ("second_line", "message"),
    [
        ('{"id": "b", "category": "fact"}', ":2: question: Field required"),
        ('{"id": "b", "category": "c", "question": "q", "expect_all": ["("]}', ":2: expect_all: Value error, bad"),
        ('{"id": "a", "category": "c", "question": "q"}', ":2: duplicate id 'a'"),
        ("not json", ":2: Invalid JSON"),
        ('{"id": "b", "category": "c", "question": "q", "unanswerable": true, "evidence": "x"}', "cannot expect"),
    ],
)
def test_a_bad_line_is_an_error_naming_file_and_line(tmp_path: Path, second_line: str, message: str) -> None:
    path = write_lines(tmp_path / "q.jsonl", '{"id": "a", "category": "c", "question": "q"}', second_line)
    with pytest.raises(CorpusError) as err:
        load_questions(path)
    assert str(path) in str(err.value) and message in str(err.value)


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    return CliRunner()


def eval_args(tmp_path: Path, corpus: Path, questions: Path) -> list[str]:
    return ["eval", "--questions", str(questions), "--corpus", str(corpus), "--index", str(tmp_path / "index"),
            "--out", str(tmp_path / "out"), "--no-charts"]  # fmt: skip


IMPOSSIBLE = '{"id": "never", "category": "fact", "question": "When was the ministerial held?", "expect_all": ["zzz"]}'


@pytest.mark.parametrize(("minimum", "code"), [("0.5", 1), ("0.0", 0)])
def test_eval_exits_non_zero_below_the_accuracy_threshold(
    tmp_path: Path, corpus_copy: Path, runner: CliRunner, minimum: str, code: int
) -> None:
    questions = write_lines(tmp_path / "q.jsonl", IMPOSSIBLE)
    result = runner.invoke(app, [*eval_args(tmp_path, corpus_copy, questions), "--min-accuracy", minimum])
    assert result.exit_code == code, result.output
    assert ("below threshold: accuracy 0.000 < 0.5" in result.output) is (code == 1)


def test_eval_writes_results_report_and_charts(tmp_path: Path, corpus_copy: Path, runner: CliRunner) -> None:
    questions = write_lines(tmp_path / "q.jsonl", IMPOSSIBLE)
    args = [a for a in eval_args(tmp_path, corpus_copy, questions) if a != "--no-charts"]
    result = runner.invoke(app, [*args, "--compare"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    results = json.loads((out / "results.json").read_text())
    assert list(results) == ["dense", "bm25", "hybrid"]
    assert "missing pattern 'zzz'" in results["hybrid"]["items"][0]["reasons"]
    assert "never" in (out / "report.md").read_text()
    assert (out / "category_accuracy.png").stat().st_size > 0 and (out / "latency.png").stat().st_size > 0


def test_a_bad_question_file_is_one_line_and_exit_2(tmp_path: Path, corpus_copy: Path, runner: CliRunner) -> None:
    questions = write_lines(tmp_path / "q.jsonl", '{"id": "a"}')
    result = runner.invoke(app, eval_args(tmp_path, corpus_copy, questions))
    assert result.exit_code == 2
    assert f"error: {questions}:1: category: Field required" in result.output
