"""The index folder is ours or untouched: nothing of the user's is ever deleted or written over."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Settings
from assistant.cli.main import app
from assistant.errors import IndexError_
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import build_index, live_build
from assistant.ingest.onnx_embedding import model_folder, remove_leftovers, replace_folder
from assistant.ingest.ownership import MARKER, claim

README = "Built output of `assistant ingest` (git-ignored).\n"


def build(settings: Settings) -> Path:
    return build_index(settings.corpus_dir, settings.index_dir, settings, HashEmbedder(), progress=False)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its content and modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def users_folder(index: Path) -> Path:
    """A folder of the user's own, as the probe found it: a model folder, a lock file, a note."""
    (index / "models" / "all-MiniLM-L6-v2").mkdir(parents=True)
    (index / "models" / "all-MiniLM-L6-v2" / "config.json").write_text("{}", "utf-8")
    (index / "models" / "all-MiniLM-L6-v2" / "pytorch_model.bin").write_bytes(b"weights")
    (index / ".lock").write_text("the user's lock", "utf-8")
    (index / "KEEP.txt").write_text("mine", "utf-8")
    return index


@pytest.mark.parametrize("command", ["ingest", "ask"])
def test_a_users_folder_as_index_is_refused_with_one_line_and_left_unchanged(
    fake_settings: Settings, command: str
) -> None:
    index = users_folder(fake_settings.index_dir)
    before = snapshot(index)
    args = [command, *(["Who?"] if command == "ask" else [])]
    args += ["--corpus", str(fake_settings.corpus_dir), "--index", str(index)]
    result = CliRunner().invoke(app, args, env={"ASSISTANT_EMBEDDER": "fake"})
    assert result.exit_code == 3 and result.output.count("\n") == 1
    assert "did not create: pass a new or empty folder as --index" in result.output
    assert snapshot(index) == before and not (index / MARKER).exists()


@pytest.mark.parametrize(
    ("state", "make"),
    [
        ("absent", lambda index: None),
        ("empty", lambda index: index.mkdir()),
        ("the shipped index/ with its README", lambda index: (index.mkdir(), (index / "README.md").write_text(README))),
    ],
)
def test_an_absent_empty_or_shipped_index_folder_is_created_with_its_marker(
    fake_settings: Settings, state: str, make: object
) -> None:
    make(fake_settings.index_dir)  # type: ignore[operator]
    build(fake_settings)
    assert (fake_settings.index_dir / MARKER).is_file() and live_build(fake_settings.index_dir), state


def test_an_index_built_before_the_marker_is_adopted(fake_settings: Settings) -> None:
    build(fake_settings)
    (fake_settings.index_dir / MARKER).unlink()
    build(fake_settings)
    assert (fake_settings.index_dir / MARKER).is_file()


def test_a_readme_of_the_users_own_is_other_content(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("My notes.\n", "utf-8")
    with pytest.raises(IndexError_, match="did not create"):
        claim(tmp_path)


def test_a_copied_build_folder_and_a_users_file_in_an_old_build_are_kept(fake_settings: Settings) -> None:
    first = build(fake_settings)
    (first / "KEEP.txt").write_text("mine", "utf-8")
    backup = fake_settings.index_dir / "build-backup-of-index"
    shutil.copytree(first, backup)  # a copy as a user makes it, marker included
    (fake_settings.corpus_dir / "docs" / "new.txt").write_text("A new note about the pier.\n", "utf-8")
    build(fake_settings)
    assert (first / "KEEP.txt").read_text("utf-8") == "mine" and not (first / "corpus.json").exists()
    assert snapshot(backup).keys() == {*snapshot(first).keys(), *snapshot(backup).keys()}
    assert (backup / "corpus.json").is_file() and (backup / "KEEP.txt").is_file()


def test_a_build_half_removed_by_a_killed_process_goes_but_a_users_file_in_it_stays(fake_settings: Settings) -> None:
    build(fake_settings)
    half = fake_settings.index_dir / "build-20260101-000000-4242-123456"  # its marker already removed
    (half / "bm25").mkdir(parents=True)
    (half / "sentences.npy").write_bytes(b"vectors")
    (half / "manifest.json").write_text("{}", "utf-8")
    kept = fake_settings.index_dir / "build-20260101-000000-4243-123456"
    (kept / "bm25").mkdir(parents=True)
    (kept / "corpus.json").write_text("{}", "utf-8")
    (kept / "notes.txt").write_text("mine", "utf-8")
    (fake_settings.corpus_dir / "docs" / "new.txt").write_text("A new note about the pier.\n", "utf-8")
    build(fake_settings)
    assert not half.exists()
    assert sorted(p.name for p in kept.iterdir()) == ["notes.txt"] and (kept / "notes.txt").read_text("utf-8") == "mine"


def test_a_stale_export_loses_only_the_files_an_export_writes(tmp_path: Path) -> None:
    old = tmp_path / ".export-old"
    old.mkdir()
    (old / "model.onnx").write_bytes(b"half written")
    (old / "mine.txt").write_text("mine", "utf-8")
    gone = tmp_path / ".export-killed"
    gone.mkdir()
    (gone / "graph.onnx").write_bytes(b"half written")
    hour_ago = time.time() - 3600
    for folder in (old, gone):
        os.utime(folder, (hour_ago, hour_ago))
    remove_leftovers(tmp_path)
    assert sorted(p.name for p in old.iterdir()) == ["mine.txt"] and not gone.exists()


def test_a_model_folder_holding_the_users_files_is_not_replaced(tmp_path: Path) -> None:
    target = model_folder(users_folder(tmp_path / "index"))
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(IndexError_, match="did not write"):
        replace_folder(staging, target)
    assert (target / "pytorch_model.bin").read_bytes() == b"weights"


def test_the_lock_file_is_never_truncated(fake_settings: Settings) -> None:
    build(fake_settings)
    (fake_settings.index_dir / ".lock").write_text("note", "utf-8")
    build(fake_settings)
    assert (fake_settings.index_dir / ".lock").read_text("utf-8") == "note"
