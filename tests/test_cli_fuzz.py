"""The command line, driven in-process with generated arguments and environment, never shows a traceback.

Whatever the words after `assistant`, and whatever the `ASSISTANT_*` variables hold, the process
ends with an answer (exit 0), a one-line usage or input error (exit 2) or a one-line index error
(exit 3): never an `internal error` (exit 1) and never a Python traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from assistant import Settings
from assistant.cli.main import app
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import build_index
from tests.conftest import CORPUS

runner = CliRunner()

# text that can be an argument or an environment value: no NUL, no lone surrogate (the OS refuses both)
plain = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
days = st.one_of(plain, st.sampled_from(["2026-03-01", "2026-02-30", "tomorrow", "99999-01-01", "", "2026/03/01"]))
numbers = st.one_of(plain, st.integers(-5, 10**12).map(str), st.sampled_from(["abc", "1e9", "-1", "0", "nan", "0.5"]))

# mostly values a setting accepts, so that the command goes on to its real work; sometimes junk
numbers = st.one_of(st.integers(1, 40).map(str), numbers)
SETTINGS_VARS = {
    "ASSISTANT_TOP_K": numbers,
    "ASSISTANT_RRF_K": numbers,
    "ASSISTANT_MAX_QUESTION_CHARS": numbers,
    "ASSISTANT_MAX_CITATIONS": numbers,
    "ASSISTANT_ABSTAIN_BELOW": numbers,
    "ASSISTANT_CHUNK_MAX_CHARS": numbers,
    "ASSISTANT_RETRIEVER": st.one_of(plain, st.sampled_from(["hybrid", "dense", "bm25", "HYBRID"])),
}


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A corpus with a fake-embedder index, an empty folder, a plain file and a missing path."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(CORPUS, root / "corpus")
    site = Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="fake")
    build_index(site.corpus_dir, site.index_dir, site, HashEmbedder(), progress=False)
    (root / "empty").mkdir()
    (root / "file.txt").write_text("not a folder\n", "utf-8")
    return {"corpus": root / "corpus", "index": root / "index", "empty": root / "empty",
            "file": root / "file.txt", "missing": root / "missing"}  # fmt: skip


@st.composite
def command_lines(draw: st.DrawFn, places: dict[str, Path]) -> list[str]:
    path = st.sampled_from(sorted(places)).map(lambda name: str(places[name]))
    command = draw(st.sampled_from(["ask"] * 5 + ["ingest"] * 2 + ["eval", "serve", "chat", "nonsense", ""]))
    args = [command] if command else []
    if command == "ask":
        real = ["When is the MoU with Japan due?", "How many days until the Mexico plan?", "Who hosted it?"]
        args.append(draw(st.one_of(st.sampled_from(real), plain, st.sampled_from(["", " ", "?" * 2000]))))
    common = {
        "--corpus": st.one_of(st.just(str(places["corpus"])), path),
        "--index": st.one_of(st.just(str(places["index"])), path),
        "--bogus": plain,
    }
    options = {
        "ask": {"--json": st.just(None), "--today": days, "--no-rebuild": st.just(None), **common},
        "ingest": {"--json": st.just(None), "--strict": st.just(None), "--no-rebuild": st.just(None), **common},
        "eval": {"--min-accuracy": numbers, "--only": plain, **common},
        "serve": {"--port": numbers, "--host": plain, "--auth": plain},
    }.get(command, common)
    options = {flag: strategy for flag, strategy in options.items() if flag != "--bogus" or draw(st.booleans())}
    for flag in draw(st.lists(st.sampled_from(sorted(options)), max_size=3, unique=True)):
        value = draw(options[flag])
        args += [flag] if value is None else [flag, value]
    if "--index" not in args and command in {"ask", "ingest"}:
        args += ["--index", str(places["index"])]  # never the project's own index
    if "--corpus" not in args and command in {"ask", "ingest"}:
        args += ["--corpus", str(places["corpus"])]
    if command in {"eval", "serve", "chat"}:
        args.append("--help")  # their options are parsed and checked; nothing long-running starts
    return args


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_command_line_and_environment_end_in_an_answer_or_one_line_error(
    places: dict[str, Path], data: st.DataObject
) -> None:
    argv = data.draw(command_lines(places), label="argv")
    env = {name: data.draw(SETTINGS_VARS[name], label=name) for name in data.draw(
        st.lists(st.sampled_from(sorted(SETTINGS_VARS)), max_size=2, unique=True), label="variables")}  # fmt: skip
    result = runner.invoke(app, argv, env={"ASSISTANT_EMBEDDER": "fake", **env})
    event(f"{argv[0] if argv else '(none)'}: exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in {0, 2, 3}, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    if result.exit_code == 3:  # `ingest` may first say why it rebuilds; the failure itself is one line
        lines = [line for line in result.output.splitlines() if not line.startswith("rebuilding: ")]
        assert len(lines) == 1 and lines[0].startswith("error: "), result.output
