"""The package's shape: imports point down the stages, and the answer logic knows no particular document."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
# Lower rank = earlier stage; a module may import its own rank or lower ones only.
RANKS = {"records": 0, "errors": 0, "config": 0, "cache": 0, "ingest": 1, "retrieve": 2}
RANKS |= {"answer": 3, "calculate": 3, "chat": 3}
RANKS |= {"api": 4, "evaluate": 5, "web": 5, "cli": 6, "__init__": 7, "__main__": 7}
# Words of the shipped article and of the development documents; none may steer an answer.
SPECIFIC = ("rubio", "japan", "mexico", "export-import", "exim", "biden", "vance", "carney", "china", "chinese")
SPECIFIC += ("critical mineral", "petroleum", "project vault", "normandy", "rollo", "rhine", "squad")
ANSWER_LOGIC = ("ingest", "retrieve", "answer", "calculate", "chat", "api.py")


def stage(module: str) -> str:
    """The stage of a dotted module name under `assistant` ('assistant.ingest.index' -> 'ingest')."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            names = [f"{node.module}.{a.name}" for a in node.names] if node.module == "assistant" else [node.module]
            found.update(names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("assistant"))
    return found


def own_stage(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_stages(path: Path) -> None:
    mine = RANKS[own_stage(path)]
    upward = [m for m in imported(path) if RANKS.get(stage(m), 0) > mine]
    assert not upward, f"{path.relative_to(PACKAGE)} (rank {mine}) imports later stages: {upward}"


def test_the_rank_table_knows_every_stage() -> None:
    assert {own_stage(p) for p in modules()} <= set(RANKS)


def code_text(path: Path) -> str:
    """Identifiers and string literals of a module, without comments and docstrings (examples may name documents)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }  # noqa: E501
    strings = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    names = [
        t.string
        for t in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline)
        if t.type == tokenize.NAME
    ]
    return " ".join(strings + names).lower()


def answer_logic() -> list[Path]:
    return [p for p in modules() if str(p.relative_to(PACKAGE)).split("/")[0] in ANSWER_LOGIC] + sorted(
        PACKAGE.rglob("*.yaml")
    )


@pytest.mark.parametrize("path", answer_logic(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_document_specific_word_steers_an_answer(path: Path) -> None:
    text = code_text(path) if path.suffix == ".py" else path.read_text("utf-8").lower()
    # a word is a document's where it starts a word ("vance" in "bar.advance" is not the Vice President)
    named = [w for w in SPECIFIC if re.search(rf"\b{re.escape(w)}", text)]
    assert not named, f"{path.relative_to(PACKAGE)} names a particular document's words: {named}"


def test_the_scan_would_catch_a_planted_word(tmp_path: Path) -> None:
    planted = tmp_path / "rule.py"
    planted.write_text('"""Docstrings may say Japan."""\nWANTED = "Japan and the EU"\n', "utf-8")
    assert "japan" in code_text(planted) and code_text(planted).count("japan") == 1
