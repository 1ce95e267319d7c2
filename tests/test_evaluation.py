"""Evaluation: the scoring rules, the question-set format, the report and the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.errors import CorpusError, InputError
from assistant.evaluate.harness import (
    EvalItem,
    ItemResult,
    check_evidence,
    covers,
    load_questions,
    load_suites,
    pattern_errors,
    score,
    summarize,
)
from assistant.records import Answer, Citation, Conflict, ConflictValue

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


BANK = "The reserve is backed by $10 billion from the bank."
PRIVATE = "An additional $2 billion comes from the private sector."


@pytest.mark.parametrize(
    ("evidence_any", "quotes", "expected"),
    [
        (["$10 billion from the bank"], [BANK], []),
        (["$10 billion", "the private sector"], [PRIVATE], []),  # one of them is enough
        (["$10 billion", "ten billion"], [BANK, PRIVATE], []),
        (["$10 billion", "$2 billion"], [], ["none of the evidence cited: ['$10 billion', '$2 billion']"]),
        (["$10 billion from the bank"], [PRIVATE], ["none of the evidence cited: ['$10 billion from the bank']"]),
        (["backed by $10 billion from the bank. An additional"], ["$10 billion from the bank."], []),  # half of it
    ],
)
def test_evidence_any_needs_one_of_its_strings_cited(
    evidence_any: list[str], quotes: list[str], expected: list[str]
) -> None:
    item = EvalItem(id="a", category="hasans", question="How much?", evidence_any=evidence_any)
    cited = answer("It is $10 billion.", *(cite(q, n) for n, q in enumerate(quotes, 1)))
    assert score(item, cited, TEXTS) == expected


def test_evidence_and_evidence_any_are_both_required() -> None:
    item = ITEM.model_copy(update={"evidence_any": ["the private sector"]})
    assert score(item, GOOD, TEXTS) == ["none of the evidence cited: ['the private sector']"]


def test_evidence_any_must_occur_in_the_corpus() -> None:
    check_evidence([EvalItem(id="a", category="c", question="q", evidence_any="$2 billion")], TEXTS)
    with pytest.raises(InputError, match="question b: evidence not found in any document: '\\$3 billion'"):
        check_evidence([EvalItem(id="b", category="c", question="q", evidence_any=["$2 billion", "$3 billion"])], TEXTS)


def result(expected_abstain: bool, passed: bool) -> ItemResult:
    return ItemResult(
        id="r", category="noans" if expected_abstain else "hasans", question="q", resolved_question=None, answer="a",
        abstained=expected_abstain == passed, expected_abstain=expected_abstain, citations=[], passed=passed,
        reasons=[] if passed else ["x"], citations_valid=0, evidence=[], evidence_cited=None, retrieval_rank=None,
        latency_ms=1.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("outcomes", "hasans", "noans"),
    [
        # (unanswerable, passed) per item -> (HasAns accuracy, n), (NoAns accuracy, n)
        ([(False, True), (False, False), (True, True), (True, True)], (0.5, 2), (1.0, 2)),
        ([(False, True), (False, True), (False, True), (True, False)], (1.0, 3), (0.0, 1)),
        ([(True, False), (True, True), (True, True), (True, False)], (1.0, 0), (0.5, 4)),  # no answerable: 1.0
        ([(False, False)], (0.0, 1), (1.0, 0)),
    ],
)
def test_hasans_and_noans_accuracy_split_the_items_by_answerability(
    outcomes: list[tuple[bool, bool]], hasans: tuple[float, int], noans: tuple[float, int]
) -> None:
    summary = summarize([result(u, p) for u, p in outcomes], k=5, retriever="hybrid")
    assert (summary.hasans_accuracy, summary.hasans_questions) == hasans
    assert (summary.noans_accuracy, summary.noans_questions) == noans


@pytest.mark.parametrize(
    ("outcomes", "precision", "answered"),
    [
        # (unanswerable, passed, abstained) per item -> answer precision, items answered
        ([(False, True, False), (False, False, False), (True, False, False), (True, True, True)], 1 / 3, 3),
        ([(False, True, False), (False, False, True), (True, True, True)], 1.0, 1),
        ([(True, True, True), (False, False, True)], 1.0, 0),  # nothing answered: nothing answered wrong
    ],
)
def test_answer_precision_is_right_answers_over_answers_given(
    outcomes: list[tuple[bool, bool, bool]], precision: float, answered: int
) -> None:
    results = [result(u, p).model_copy(update={"abstained": a}) for u, p, a in outcomes]
    summary = summarize(results, k=5, retriever="hybrid")
    assert (summary.answer_precision, summary.answered) == (pytest.approx(precision), answered)
    assert summary.answer_recall == summary.hasans_accuracy


def test_ranking_counts_answerable_items_with_evidence_at_rank_one_and_in_the_top_three() -> None:
    ranks = [1, 2, 4, None]
    results = [result(False, True).model_copy(update={"answer_rank": r, "evidence": ["e"]}) for r in ranks]
    unranked = result(True, True).model_copy(update={"answer_rank": None})  # unanswerable: not a ranking item
    summary = summarize([*results, unranked], k=5, retriever="hybrid")
    assert (summary.rank1, summary.top3, summary.ranked_questions) == (0.25, 0.5, 4)


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
        ('{"id": "b", "category": "c", "question": "q", "unanswerable": true, "evidence_any": ["x"]}', "cannot expect"),
        ('{"id": "b", "category": "c", "question": "q", "evidence_all": ["x"]}', ":2: evidence_all: Extra inputs"),
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


# --- suites ---------------------------------------------------------------------------------------


def suites_file(tmp_path: Path, corpus: Path, questions: Path, minimum: float = 0.0) -> Path:
    text = f"""suites:
  - name: shipped
    corpus: {corpus}
    questions: {questions}
    min_accuracy: {minimum}
  - name: later
    corpus: later-corpus
"""
    return write_lines(tmp_path / "suites.yaml", text)


def test_suites_resolve_paths_against_their_file_and_default_the_questions(tmp_path: Path) -> None:
    path = suites_file(tmp_path, Path("c"), Path("q.jsonl"))
    shipped, later = load_suites(path)
    assert (shipped.corpus, shipped.questions_file) == (tmp_path / "c", tmp_path / "q.jsonl")
    assert later.questions_file == tmp_path / "later-corpus" / "questions.jsonl"
    assert shipped.minimums() == {"accuracy": 0.0, "hasans_accuracy": 0.0, "noans_accuracy": 0.0,
                                  "answer_precision": 0.0, "citation_validity": 0.0, "conflict_precision": 0.0,
                                  "conflict_recall": 0.0}  # fmt: skip
    assert [s.name for s in load_suites(path, only=["later"])] == ["later"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("suites:\n  - name: a\n    corpus: c\n    min_acuracy: 0.5\n", "suites.0.min_acuracy: Extra inputs"),
        ("suites:\n  - name: a\n    corpus: c\n    min_noans: 1.5\n", "suites.0.min_noans: Input should be less"),
        ("suites:\n  - name: a\n    corpus: c\n  - name: a\n    corpus: d\n", "duplicate suite names"),
        ("suites: [\n", "not valid YAML"),
        ("suites: []\n", "suites: List should have at least 1 item"),
    ],
)
def test_a_bad_suites_file_is_an_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = write_lines(tmp_path / "suites.yaml", text)
    with pytest.raises(CorpusError) as err:
        load_suites(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_only_must_name_a_suite(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--only nope: no such suite"):
        load_suites(suites_file(tmp_path, Path("c"), Path("q.jsonl")), only=["nope"])


def test_the_shipped_suites_file_is_valid() -> None:
    names = [s.name for s in load_suites(Path(__file__).resolve().parent.parent / "evals" / "suites.yaml")]
    assert names[:2] == ["article", "ministerial"] and sum(n.startswith("squad-") for n in names) == 3


@pytest.mark.parametrize(("minimum", "code"), [(0.0, 1), (0.5, 1)])
def test_eval_suite_prints_a_row_per_corpus_and_names_every_missed_gate(
    tmp_path: Path, corpus_copy: Path, runner: CliRunner, minimum: float, code: int
) -> None:
    suites = suites_file(tmp_path, corpus_copy, write_lines(tmp_path / "q.jsonl", IMPOSSIBLE), minimum)
    args = ["eval", "--suite", str(suites), "--out", str(tmp_path / "out"), "--no-charts"]
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    row = "| shipped | 1 | 0.000 | 0.000 (1) | 1.000 (0) | 1.000 / 1.000 (0) | 0.000 / 0.000 (1) | 1.000 |"
    assert row in result.output
    assert "| later | missing |" in result.output and "gate missed: later: not found:" in result.output
    assert ("gate missed: shipped: accuracy 0.000 < 0.5" in result.output) is (minimum > 0)
    assert (tmp_path / "out" / "shipped" / "report.md").is_file() and (tmp_path / "out" / "index-shipped").is_dir()


def test_eval_suite_only_runs_the_named_suites(tmp_path: Path, corpus_copy: Path, runner: CliRunner) -> None:
    questions = write_lines(tmp_path / "q.jsonl", IMPOSSIBLE)
    suites = suites_file(tmp_path, corpus_copy, questions)
    args = ["eval", "--suite", str(suites), "--only", "shipped", "--index", str(tmp_path / "idx"), "--out",
            str(tmp_path / "out"), "--no-charts"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "| shipped |" in result.output and "later" not in result.output
    assert (tmp_path / "idx" / "shipped").is_dir()


# --- conflicts ---------------------------------------------------------------------------------------

DISPUTE = Conflict(kind="money", thing="amount: private", values=[
    ConflictValue(value="$10 billion", citation=1, doc_id="doc", title="Doc", start=25, end=36),
    ConflictValue(value="$2 billion", citation=2, doc_id="doc", title="Doc", start=66, end=76),
])  # fmt: skip


@pytest.mark.parametrize(
    ("expect", "conflicts", "reasons"),
    [
        (True, [DISPUTE], []),
        (True, [], ["no disagreement reported between the sources"]),
        (False, [], []),
        (False, [DISPUTE], ["reported a disagreement that is none: $10 billion; $2 billion"]),
        (None, [DISPUTE], []),  # the item does not judge conflicts
    ],
)
def test_expect_conflict_judges_whether_the_answer_reports_a_disagreement(
    expect: bool | None, conflicts: list[Conflict], reasons: list[str]
) -> None:
    item = ITEM.model_copy(update={"expect_conflict": expect})
    assert score(item, GOOD.model_copy(update={"conflicts": conflicts}), TEXTS) == reasons


def judged(expected: bool | None, reported: bool) -> ItemResult:
    return result(False, True).model_copy(update={"expect_conflict": expected, "conflicts": int(reported)})


@pytest.mark.parametrize(
    ("outcomes", "precision", "recall", "n"),
    [
        # (expect_conflict, reported) per item
        ([(True, True), (True, False), (False, False), (False, True)], 0.5, 0.5, 4),
        ([(True, True), (False, False), (None, True)], 1.0, 1.0, 2),  # an item without expect_conflict is not counted
        ([(None, True)], 1.0, 1.0, 0),
    ],
)
def test_conflict_precision_and_recall_count_the_judged_items(
    outcomes: list[tuple[bool | None, bool]], precision: float, recall: float, n: int
) -> None:
    summary = summarize([judged(e, r) for e, r in outcomes], k=5, retriever="hybrid")
    assert (summary.conflict_precision, summary.conflict_recall, summary.conflict_questions) == (precision, recall, n)


def test_the_conflicts_suite_gates_precision_and_recall() -> None:
    suites = load_suites(Path(__file__).resolve().parent.parent / "evals" / "suites.yaml", ["conflicts"])
    minimums = suites[0].minimums()
    assert minimums["conflict_precision"] and minimums["conflict_recall"]
    items = load_questions(suites[0].questions_file)
    assert sum(i.expect_conflict is True for i in items) >= 8 and sum(i.expect_conflict is False for i in items) >= 8


@pytest.mark.parametrize(
    ("text", "abstained", "unanswerable", "right"),
    [
        ("**$2 billion** — The private sector adds $2 billion. [1]", False, False, True),
        ("**$10 billion** — The bank gives $10 billion and the private sector $2 billion. [1]", False, False, False),
        ("**US** — The US will sign. [1]", False, True, False),  # any bold on an unanswerable item is wrong
        ("The private sector adds $2 billion. [1]", False, False, None),  # no bold: not judged
        ("**Note** The source material does not say.", True, False, None),
    ],
)
def test_a_bold_short_answer_is_right_only_when_it_holds_an_expected_value(
    text: str, abstained: bool, unanswerable: bool, right: bool | None
) -> None:
    from assistant.evaluate.harness import EvalItem, short_answer_right

    item = EvalItem(id="q", category="c", question="How much?", expect_all=[] if unanswerable else [r"\$2 billion"],
                    unanswerable=unanswerable)  # fmt: skip
    answer = Answer(question="How much?", text=text, citations=[], abstained=abstained)
    assert short_answer_right(item, answer) is right
