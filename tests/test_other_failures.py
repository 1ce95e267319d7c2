"""Issue 20, "other failures": each is one line naming the file or setting, with its exit code, and no traceback."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Settings
from assistant.cli.main import app
from assistant.errors import InputError
from assistant.ingest.onnx_embedding import EXPORT_FILES

runner = CliRunner()
MEXICO = "When is the Mexico plan due?"
JAPAN = "By what date must the memorandum with Japan and the EU be signed?"


def invoke(settings: Settings, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    where = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    with _deadline(60):  # a hang (a FIFO opened for reading) fails the test instead of stopping the suite
        return runner.invoke(app, [*args, *where], env={"ASSISTANT_EMBEDDER": "fake", **(env or {})})


class Hung(BaseException):
    """Raised by the alarm: a BaseException, so that no `except OSError` or `except Exception` swallows it."""


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def one_line(output: str) -> str:
    assert "Traceback" not in output, output
    lines = [line for line in output.strip().splitlines() if not line.startswith("rebuilding: ")]  # ingest's reasons
    assert len(lines) == 1, output
    return lines[0]


@pytest.fixture
def built(fake_settings: Settings) -> Settings:
    """A corpus copy with its index built (fake embedder)."""
    assert invoke(fake_settings, "ingest").exit_code == 0
    return fake_settings


def _fifo_current(s: Settings) -> None:
    (s.index_dir / "CURRENT").unlink()
    os.mkfifo(s.index_dir / "CURRENT")


def _models_file(s: Settings) -> None:
    (s.index_dir / "models").write_text("not a folder", "utf-8")


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def _nothing(s: Settings) -> None:
    pass


# (case, change to a built index, command line, environment, exit code, words in the one line, words not in it)
ONE_LINE_CASES: list[tuple[str, Callable[[Settings], None], list[str], dict[str, str], int, str, str | None]] = [
    ("CURRENT a FIFO, --no-rebuild", _fifo_current, ["ask", MEXICO, "--no-rebuild"], {}, 3, "no index in", None),
    ("CURRENT a FIFO", _fifo_current, ["ask", MEXICO], {}, 3, "CURRENT is not the index's pointer file", None),
    ("CURRENT a FIFO, ingest", _fifo_current, ["ingest"], {}, 3, "CURRENT is not the index's pointer file", None),
    (
        "models a file, ask",
        _models_file,
        ["ask", MEXICO],
        {"ASSISTANT_EMBEDDER": "minilm"},
        3,
        "models is a file",
        None,
    ),
    ("models a file, ingest", _models_file, ["ingest"], {"ASSISTANT_EMBEDDER": "minilm"}, 3, "models is a file", None),
    (
        "models a file, ingest --force",
        _models_file,
        ["ingest", "--force"],
        {"ASSISTANT_EMBEDDER": "minilm"},
        3,
        "models is a file",
        None,
    ),
    (
        "bad JSON in ASSISTANT_ALLOWED_HOSTS",
        _nothing,
        ["ask", MEXICO],
        {"ASSISTANT_ALLOWED_HOSTS": "[bad"},
        2,
        "ASSISTANT_ALLOWED_HOSTS='[bad': not valid JSON",
        "internal error",
    ),
    ("serve --watch inf", _nothing, ["serve", "--watch", "inf"], {}, 2, "--watch inf", None),
    ("serve --watch nan", _nothing, ["serve", "--watch", "nan"], {}, 2, "--watch nan", None),
    ("serve --watch -5", _nothing, ["serve", "--watch", "-5"], {}, 2, "--watch -5", None),
    ("serve --watch 1e300", _nothing, ["serve", "--watch", "1e300"], {}, 2, "--watch 1e+300", None),
    ("serve --host 999.1.1.1", _nothing, ["serve", "--host", "999.1.1.1"], {}, 2, "--host 999.1.1.1 is not", "--port"),
    ("serve --feedback <folder>", _nothing, ["serve", "--feedback", "."], {}, 2, "--feedback . is not a file", None),
]


@pytest.mark.parametrize(
    ("change", "args", "env", "code", "says", "never"),
    [case[1:] for case in ONE_LINE_CASES],
    ids=[case[0] for case in ONE_LINE_CASES],
)
def test_each_failure_is_one_line_with_its_exit_code(
    built: Settings,
    change: Callable[[Settings], None],
    args: list[str],
    env: dict[str, str],
    code: int,
    says: str,
    never: str | None,
) -> None:
    change(built)
    if args[0] == "serve":
        args = [*args, "--port", _free_port()]
    result = invoke(built, *args, env=env)
    line = one_line(result.output)
    assert result.exit_code == code and line.startswith("error: ") and says in line, result.output
    assert never is None or never not in line


def test_serving_on_every_address_without_a_login_warns_in_one_line(
    built: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop(*args: object, **kwargs: object) -> None:
        raise InputError("stopped before loading")

    monkeypatch.setattr("assistant.api.Assistant.load", stop)
    result = invoke(built, "serve", "--host", "0.0.0.0", "--port", _free_port())
    assert result.exit_code == 2 and "Traceback" not in result.output
    warning, stopped = result.output.strip().splitlines()
    assert warning.startswith("warning: --host 0.0.0.0 without --auth") and stopped == "error: stopped before loading"
    with_login = invoke(built, "serve", "--host", "0.0.0.0", "--port", _free_port(), "--auth", "me:secret")
    assert one_line(with_login.output) == "error: stopped before loading"


@pytest.mark.parametrize(
    ("host", "login", "warned"),
    [("0.0.0.0", None, True), ("::", None, True), ("192.168.1.5", None, True), ("0.0.0.0", ("me", "pw"), False)]
    + [("127.0.0.1", None, False), ("127.0.0.2", None, False), ("::1", None, False), ("localhost", None, False)],
)
def test_only_a_server_others_can_reach_without_a_login_is_warned_about(host: str, login: object, warned: bool) -> None:
    from assistant.cli.serve_command import exposure_warning

    assert (exposure_warning(host, login) is not None) == warned


def test_a_deadline_past_the_calendar_is_answered_without_a_traceback_on_any_stream(
    fake_settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    for name in ("docs/us-critical-minerals-strategy.txt", "facts/us-critical-minerals-strategy.yaml"):
        path = fake_settings.corpus_dir / name
        text = path.read_text("utf-8").replace("Within 30 days", "Within 3000000 days")
        path.write_text(text.replace("due_days: 30\n", "due_days: 3000000\n"), "utf-8")
    result = invoke(fake_settings, "ask", JAPAN, "--today", "2026-03-01")
    streams = result.output + "".join(capfd.readouterr())
    assert result.exit_code == 0, result.output
    assert "3000000 days" in result.output
    assert "Traceback" not in streams and "OverflowError" not in streams


DISK_FULL_AT = [
    "pathlib.Path.write_text",  # the new build's marker, then corpus.json
    "assistant.ingest.index.write_faiss",
    "assistant.ingest.index.np.save",
    "assistant.ingest.index._write_atomic",  # the manifest
]


@pytest.mark.parametrize("writer", DISK_FULL_AT)
def test_a_full_disk_during_ingest_is_one_line_and_leaves_no_folder_behind(
    built: Settings, writer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = (built.index_dir / "CURRENT").read_text("utf-8")
    before = sorted(p.name for p in built.index_dir.iterdir())

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer, full)
    result = invoke(built, "ingest", "--force")
    line = one_line(result.output)
    assert result.exit_code == 3 and "No space left on device" in line and "free some disk space" in line, line
    assert sorted(p.name for p in built.index_dir.iterdir()) == before  # no .staging-build-*, no half build
    assert (built.index_dir / "CURRENT").read_text("utf-8") == live


ODD_ENTRIES: dict[str, Callable[[Path], None]] = {
    "docs/pipe.txt": os.mkfifo,
    "docs/folder.txt": Path.mkdir,
    "facts/folder.yaml": Path.mkdir,
    "docs/dangling.txt": lambda path: path.symlink_to(path.with_name("nowhere.txt")),
}


@pytest.mark.parametrize("name", ODD_ENTRIES)
def test_an_odd_entry_added_alone_is_reported_as_skipped(built: Settings, name: str) -> None:
    ODD_ENTRIES[name](built.corpus_dir / name)
    for _ in range(2):  # the build that sees it, then the up-to-date index's report
        result = invoke(built, "ingest")
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
        assert f"skipped: {built.corpus_dir / name}: " in result.output, result.output
        assert "1 files skipped" in result.output


def test_an_alias_table_linked_outside_the_corpus_is_refused_like_documents(
    built: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from assistant import Assistant

    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("secret phrase: [ministerial]\n", "utf-8")
    (built.corpus_dir / "aliases.yaml").unlink(missing_ok=True)
    (built.corpus_dir / "aliases.yaml").symlink_to(outside)
    result = invoke(built, "ingest")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert f"skipped: {built.corpus_dir / 'aliases.yaml'}: links to a file outside the corpus" in result.output
    with caplog.at_level("WARNING"):
        bot = Assistant.load(built)
    assert "secret phrase" not in bot.aliases.groups
    assert any("links to a file outside the corpus" in r.getMessage() for r in caplog.records)
    assert invoke(built, "ingest", "--strict").exit_code == 2


@pytest.mark.parametrize("how", ["--force", "after an edit", "up to date"])
def test_a_clean_ingest_removes_exports_killed_halfway(built: Settings, how: str) -> None:
    killed = built.index_dir / "models" / ".export-killed"
    killed.mkdir(parents=True)
    for name in EXPORT_FILES:
        (killed / name).write_bytes(b"x" * 1000)
    an_hour_ago = time.time() - 3600
    os.utime(killed, (an_hour_ago, an_hour_ago))
    if how == "after an edit":
        doc = built.corpus_dir / "docs" / "us-critical-minerals-strategy.txt"
        doc.write_text(doc.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    result = invoke(built, "ingest", *([how] if how.startswith("--") else []))
    assert result.exit_code == 0, result.output
    assert not killed.exists()
