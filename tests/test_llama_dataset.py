"""LlamaIndex datasets: reading a LabelledRagDataset file, matching contexts, scoring a folder of documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.errors import InputError
from assistant.evaluate.llama_dataset import context_matches, load_llama_dataset

DOCS = {
    "river.txt": "The river flooded the valley in April. Farmers moved their cattle to the hills.",
    "comet.txt": "Astronomers saw a bright comet in the northern sky. It will return in 76 years.",
    "bakery.txt": "The bakery sells rye bread and cinnamon rolls. It opens at six in the morning.",
}


def rag_dataset(path: Path) -> Path:
    """A LabelledRagDataset file, in the JSON that LabelledRagDataset.save_json writes."""
    rows = [
        ("When did the river flood the valley?", "The river flooded the valley in April.", "In April."),
        ("How often does the comet return?", "It will return in 76 years.", "Every 76 years."),
        ("What does the bakery sell?", "The bakery sells rye bread and cinnamon rolls.", "Rye bread and rolls."),
    ]
    examples = [
        {"query": q, "query_by": {"model_name": "", "type": "human"}, "reference_contexts": [c],
         "reference_answer": a, "reference_answer_by": {"model_name": "gpt-4", "type": "ai"}}
        for q, c, a in rows
    ]  # fmt: skip
    path.write_text(json.dumps({"examples": examples}, indent=4), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("chunk", "context", "expected"),
    [
        ("the ministerial was held in february", "The Ministerial was held in February.", True),  # similar
        ("One. The reserve holds minerals for emergencies. Two.", "The reserve holds minerals for emergencies.", True),
        ("Nations signed a memorandum on minerals refining and recycling today",
         "Today the nations signed a broad memorandum covering refining, recycling and minerals", True),  # words
        ("The weather was sunny all week in the capital.", "The reserve holds minerals for emergencies.", False),
    ],
)  # fmt: skip
def test_a_chunk_matches_a_reference_context(chunk: str, context: str, expected: bool) -> None:
    assert context_matches(chunk, context) is expected


def test_a_llama_dataset_file_is_read(tmp_path: Path) -> None:
    examples = load_llama_dataset(rag_dataset(tmp_path / "rag_dataset.json"))
    assert [e.reference_answer for e in examples][0] == "In April."
    assert examples[1].reference_contexts == ["It will return in 76 years."]


def test_a_file_that_is_not_a_llama_dataset_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"rows": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not a LlamaIndex LabelledRagDataset file"):
        load_llama_dataset(path)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    return CliRunner()


def test_eval_scores_a_llama_dataset_against_a_folder_of_documents(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    dataset = rag_dataset(tmp_path / "rag.json")
    args = ["eval", "--llama-dataset", str(dataset), "--corpus", str(folder), "--out", str(out)]
    result = runner.invoke(app, [*args, "--min-hit-rate", "1.0"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "results.json").read_text())["summary"]
    assert summary["examples"] == 3 and summary["hit_rate"] == 1.0 and summary["mrr"] > 0.5
    assert 0.0 <= summary["token_f1"] <= 1.0 and 0.0 <= summary["rouge_l"] <= 1.0
    assert "difflib.SequenceMatcher" in (out / "report.md").read_text()
