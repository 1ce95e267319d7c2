"""What the commands share: the error log is the user's own, and never a reason to fail."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from assistant.cli import console


def test_the_error_log_lives_in_the_users_state_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert console._state_folder() == tmp_path / "state" / "assistant"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert console._state_folder() == Path.home() / ".local" / "state" / "assistant"
    assert not str(console.ERROR_LOG).startswith("/tmp/assistant-errors")


def test_an_unexpected_error_writes_its_traceback_to_a_log_only_its_user_reads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(console, "ERROR_LOG", tmp_path / "state" / "assistant" / "errors.log")
    with pytest.raises(typer.Exit):
        console.run(lambda: 1 / 0)
    assert "ZeroDivisionError" in console.ERROR_LOG.read_text("utf-8")
    assert console.ERROR_LOG.stat().st_mode & 0o077 == 0
    assert f"details in {console.ERROR_LOG}" in capsys.readouterr().err


def test_an_unwritable_log_folder_still_gives_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("not a folder", "utf-8")
    monkeypatch.setattr(console, "ERROR_LOG", tmp_path / "file" / "errors.log")
    with pytest.raises(typer.Exit):
        console.run(lambda: 1 / 0)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: ZeroDivisionError" in err and "no log:" in err
