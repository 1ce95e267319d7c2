"""The exported query model is checked like the index: a damaged model folder is rebuilt or refused.

Every file of `<index>/models/all-MiniLM-L6-v2/` has its size and SHA-256 in export.json, checked
whenever a process opens the model, and a loaded model must give the recorded vector for a fixed
sentence.
Whatever happens to the folder, the next `ask` answers correctly (the model is built again, with
one warning), `ask --no-rebuild` exits 3 naming the file, and `ingest --force` rebuilds it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli.main import app
from assistant.ingest import onnx_embedding
from assistant.ingest.embedding import MiniLM
from tests.conftest import CORPUS

pytestmark = pytest.mark.model
runner = CliRunner()
JAPAN = "By what date must the memorandum with Japan and the EU be signed?"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus indexed with the real model once; each test damages a copy."""
    root = tmp_path_factory.mktemp("model-folder")
    shutil.copytree(CORPUS, root / "corpus")
    Assistant.load(Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="minilm"))
    return root


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Settings:
    shutil.copytree(built / "corpus", tmp_path / "corpus")
    shutil.copytree(built / "index", tmp_path / "index", symlinks=True)
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", embedder="minilm")


def model_file(name: str, change: Callable[[bytes], bytes | None]) -> Callable[[Path], None]:
    def act(index_dir: Path) -> None:
        path = onnx_embedding.model_folder(index_dir) / name
        new = change(path.read_bytes())
        path.unlink()
        if new is not None:
            path.write_bytes(new)

    return act


def random_middle(data: bytes) -> bytes:
    """64 KiB of random bytes inside the file: same size, so only the checksum and the vector see it."""
    middle = len(data) // 2
    return data[:middle] + os.urandom(64 * 1024) + data[middle + 64 * 1024 :]


FAULTS = {
    "truncated model.onnx": model_file("model.onnx", lambda d: d[: len(d) // 2]),
    "empty model.onnx": model_file("model.onnx", lambda d: b""),
    "missing model.onnx": model_file("model.onnx", lambda d: None),
    "random bytes inside model.onnx": model_file("model.onnx", random_middle),
    "truncated tokenizer.json": model_file("tokenizer.json", lambda d: d[:100]),
    "empty tokenizer.json": model_file("tokenizer.json", lambda d: b""),
    "missing tokenizer.json": model_file("tokenizer.json", lambda d: None),
    "export.json that is a list": model_file("export.json", lambda d: b"[1]"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_damaged_model_folder_is_built_again_and_the_answer_is_right(
    site: Settings, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    FAULTS[fault](site.index_dir)
    with caplog.at_level("WARNING"):
        bot = Assistant.load(site)
        answer = bot.ask(JAPAN, today=dt.date(2026, 3, 1))
    assert "March 6, 2026" in answer.text, answer.text
    assert any("stale:" in r.getMessage() for r in caplog.records), [r.getMessage() for r in caplog.records]
    assert onnx_embedding.model_problems(site.index_dir, MiniLM.model_id, checksums=True) == []


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_damaged_model_folder_is_refused_by_name_when_rebuilding_is_not_allowed(site: Settings, fault: str) -> None:
    FAULTS[fault](site.index_dir)
    where = ["--corpus", str(site.corpus_dir), "--index", str(site.index_dir)]
    result = runner.invoke(app, ["ask", JAPAN, "--no-rebuild", *where])
    assert result.exit_code == 3, result.output
    assert result.output.startswith("error: index is stale: ") and result.output.count("\n") == 1, result.output
    assert "all-MiniLM-L6-v2" in result.output and "Traceback" not in result.output


def test_ingest_force_builds_the_model_again_and_clears_exports_killed_halfway(site: Settings) -> None:
    models = onnx_embedding.model_folder(site.index_dir).parent
    leftover = models / ".export-killed"
    leftover.mkdir()
    (leftover / "graph.onnx").write_bytes(b"x" * 1000)
    an_hour_ago = time.time() - 3600
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    before = (onnx_embedding.model_folder(site.index_dir) / "export.json").stat().st_mtime_ns
    result = runner.invoke(app, ["ingest", "--force", "--corpus", str(site.corpus_dir), "--index", str(site.index_dir)])
    assert result.exit_code == 0, result.output
    assert (onnx_embedding.model_folder(site.index_dir) / "export.json").stat().st_mtime_ns != before
    assert not leftover.exists()


def test_same_size_damage_is_seen_by_its_checksum_and_repaired_by_ingest(site: Settings) -> None:
    random_middle_fault = FAULTS["random bytes inside model.onnx"]
    random_middle_fault(site.index_dir)
    assert onnx_embedding.model_problems(site.index_dir, MiniLM.model_id) == []  # sizes alone cannot tell
    problems = onnx_embedding.model_problems(site.index_dir, MiniLM.model_id, checksums=True)
    assert problems and "checksum mismatch" in problems[0]
    result = runner.invoke(app, ["ingest", "--corpus", str(site.corpus_dir), "--index", str(site.index_dir)])
    assert result.exit_code == 0, result.output
    assert onnx_embedding.model_problems(site.index_dir, MiniLM.model_id, checksums=True) == []
