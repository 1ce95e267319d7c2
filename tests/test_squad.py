"""evals/squad.py: SQuAD 2.0 articles as corpora and question sets, and the fixed DEV / FIT split."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from assistant.evaluate.harness import check_evidence, load_questions
from assistant.ingest.corpus import load_corpus

REPO = Path(__file__).resolve().parent.parent


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("squad", REPO / "evals" / "squad.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("squad", module)
    spec.loader.exec_module(module)
    return module


squad = _module()

CONTEXTS = ["The Rhine rises in the Alps. It flows 1,230 km. ", "Cologne is the largest city on the Rhine. cologne"]
ARTICLE: dict[str, Any] = {
    "title": "Rhine",
    "paragraphs": [
        {"context": CONTEXTS[0], "qas": [
            {"id": "q1", "question": " How long is  the Rhine? ", "is_impossible": False,
             "answers": [{"text": "1,230 km", "answer_start": 38}, {"text": "1,230  km", "answer_start": 38}]},
            {"id": "q2", "question": "How long is the Danube?", "is_impossible": True, "answers": [],
             "plausible_answers": [{"text": "1,230 km", "answer_start": 38}]},
        ]},
        {"context": CONTEXTS[1], "qas": [
            {"id": "q3", "question": "Which city is the largest?", "is_impossible": False,
             "answers": [{"text": "Cologne", "answer_start": 0}, {"text": "cologne", "answer_start": 43}]},
        ]},
    ],
}  # fmt: skip


def unlabelled(article: dict[str, Any]) -> dict[str, Any]:
    """The article as the CS224N test file has it: no answers, no is_impossible."""
    strip = [{"id": q["id"], "question": q["question"], "answers": []} for p in article["paragraphs"] for q in p["qas"]]
    return {"title": article["title"], "paragraphs": [
        {"context": p["context"], "qas": [q for q in strip if q["id"] in {x["id"] for x in p["qas"]}]}
        for p in article["paragraphs"]
    ]}  # fmt: skip


def test_the_split_is_fixed_and_disjoint() -> None:
    assert len(squad.DEV_TITLES) == 6 and "Fresno,_California" in squad.DEV_TITLES
    assert not set(squad.DEV_TITLES) & set(squad.FIT_TITLES)
    with pytest.raises(ValueError, match="neither DEV_TITLES nor FIT_TITLES"):
        squad.check_split(["Rhine", "Normans"])


@pytest.mark.parametrize(
    ("answer", "text", "matches"),
    [
        ("Rollo", "under their leader Rollo, they", True),
        ("Rollo", "the Rollos were", False),  # word-bounded
        ("10th century", "in the 10TH  century.", True),  # case and whitespace runs
        ("$2 billion", "an extra $2 billion", True),  # no \b before a non-word character
        ("U.S.", "the U.S. army", True),
        ("(a) b", "see (a) b here", True),
        ("1,230 km", "about 1,230 km(760 mi)", True),
        ("1,230 km", "about 11,230 km", False),
    ],
)
def test_answer_patterns_are_bounded_literals(answer: str, text: str, matches: bool) -> None:
    assert bool(re.search(squad.answer_pattern(answer), text, re.I)) is matches


def test_questions_become_hasans_and_noans_items() -> None:
    q1, q2, q3 = squad.squad_items(ARTICLE)
    assert (q1.id, q1.category, q1.question) == ("q1", "hasans", "How long is the Rhine?")
    assert q1.evidence_any == ["1,230 km"] and q1.expect_any == [r"\b1,230\s+km\b"]  # deduplicated
    assert (q2.category, q2.unanswerable, q2.evidence_any, q2.expect_any) == ("noans", True, [], [])
    assert q3.evidence_any == ["Cologne", "cologne"] and q3.expect_any == [r"\bCologne\b"]  # patterns ignore case


def test_article_text_joins_paragraphs_and_locates_answers() -> None:
    text, offsets = squad.article_text(ARTICLE)
    assert text == CONTEXTS[0].rstrip() + "\n\n" + CONTEXTS[1] + "\n"
    for paragraph, base in zip(ARTICLE["paragraphs"], offsets, strict=True):
        for qa in paragraph["qas"]:
            for a in qa["answers"][:1]:
                assert text[base + a["answer_start"] :].startswith(a["text"])


def test_an_unlabelled_article_needs_labels(tmp_path: Path) -> None:
    bare = unlabelled(ARTICLE)
    with pytest.raises(ValueError, match="unlabelled"):
        squad.squad_items(bare)
    squad.merge_labels([bare], [ARTICLE])
    assert [i.model_dump() for i in squad.squad_items(bare)] == [i.model_dump() for i in squad.squad_items(ARTICLE)]
    with pytest.raises(ValueError, match="Rhine: 1 questions have no match"):
        squad.merge_labels([unlabelled(ARTICLE)], [{"title": "x", "paragraphs": ARTICLE["paragraphs"][:1]}])
    other = {"title": "Miscellaneous", "paragraphs": [{"context": "Elsewhere.", "qas": [{"id": "m", "question": "?"}]}]}
    assert squad.merge_labels([other], [ARTICLE]) == ["Miscellaneous"] and not squad.is_labelled(other)


def test_a_written_corpus_loads_and_its_evidence_is_in_it(tmp_path: Path) -> None:
    out = squad.write_corpus(ARTICLE, tmp_path / "rhine")
    corpus = load_corpus(out)
    assert [(d.doc_id, d.title) for d in corpus.documents] == [("rhine", "Rhine")]
    items = load_questions(out / "questions.jsonl")
    check_evidence(items, {d.doc_id: d.text for d in corpus.documents})
    assert [i.id for i in items] == ["q1", "q2", "q3"]


def test_the_cli_writes_one_article_from_a_labelled_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(squad, "TEAM_LABELS", tmp_path / "no-team-labels")
    source = tmp_path / "squad.json"
    source.write_text(json.dumps({"version": "v2.0", "data": [unlabelled(ARTICLE)]}), encoding="utf-8")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"version": "v2.0", "data": [ARTICLE]}), encoding="utf-8")
    base = ["--squad", str(source), "--title", "Rhine", "--out", str(tmp_path / "out")]
    assert squad.main(base) == 2  # unlabelled
    assert squad.main([*base, "--labels", str(labels)]) == 0
    assert len((tmp_path / "out" / "questions.jsonl").read_text().splitlines()) == 3


@pytest.mark.skipif(not squad.SQUAD_FILE.is_file(), reason="shared SQuAD file not beside the repo")
def test_the_committed_dev_corpora_are_the_dev_articles() -> None:
    committed = [t for t in squad.DEV_TITLES if (squad.CORPORA / f"squad-{squad.slug(t)}").is_dir()]
    assert len(committed) >= 3
    for article in squad.load_articles(squad.SQUAD_FILE, committed):
        folder = squad.CORPORA / f"squad-{squad.slug(article['title'])}"
        document = folder / "docs" / f"{squad.slug(article['title'])}.txt"
        assert document.read_text(encoding="utf-8") == squad.article_text(article).text, document


def team_label_file(folder: Path, lines: list[dict[str, Any]]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "rhine.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def test_team_labels_keep_only_the_labelled_questions_with_their_spans(tmp_path: Path) -> None:
    bare = unlabelled(ARTICLE)
    first = bare["paragraphs"][0]["qas"][0]
    answer = CONTEXTS[0].split()[0]
    team_label_file(tmp_path, [{"id": first["id"], "answer": answer}])
    (article,) = squad.apply_team_labels([bare], tmp_path)
    (qa,) = [q for p in article["paragraphs"] for q in p["qas"]]
    assert qa["answers"] == [{"text": answer, "answer_start": CONTEXTS[0].index(answer)}] and not qa["is_impossible"]


def test_a_team_label_not_in_its_paragraph_names_the_file_and_line(tmp_path: Path) -> None:
    bare = unlabelled(ARTICLE)
    ids = [q["id"] for p in bare["paragraphs"] for q in p["qas"]]
    team_label_file(tmp_path, [{"id": ids[0], "answer": None}, {"id": ids[1], "answer": "not in the text at all"}])
    with pytest.raises(ValueError, match=r"rhine\.jsonl:2: answer 'not in the text at all' is not in its paragraph"):
        squad.apply_team_labels([bare], tmp_path)
