"""Faults: a broken corpus, a damaged index and an ingestion killed at random never cost the live index.

Corpus faults go through the command line (exit code 2, `file:line: message`, index untouched);
index faults are detected at load by checksums and either rebuilt or refused with a clear error;
ingestion is killed with SIGKILL at random points and the previous index must still answer.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Assistant, Settings
from assistant.cli.main import app
from assistant.errors import IndexError_
from assistant.ingest.embedding import HashEmbedder
from assistant.ingest.index import FAISS_FILE, build_index, live_build, load_index
from tests.conftest import CORPUS, REPO, assert_citations_exact

runner = CliRunner()
JAPAN = "By what date must the memorandum with Japan and the EU be signed?"
FACTS = "facts/us-critical-minerals-strategy.yaml"
NOTE_FACT = "- id: talks\n  kind: event\n  doc: note\n  name: Talks\n  date: 2027-05-01\n  quote: the Harbour Talks\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus copy with a fake-embedder index, built once; tests work on copies of it."""
    root = tmp_path_factory.mktemp("faults")
    shutil.copytree(CORPUS, root / "corpus")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", embedder="fake")
    build_index(settings.corpus_dir, settings.index_dir, settings, HashEmbedder(), progress=False)
    return root


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Settings:
    shutil.copytree(built / "corpus", tmp_path / "corpus")
    shutil.copytree(built / "index", tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", embedder="fake")


def cli(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    where = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    return runner.invoke(app, [*args, *where], env={"ASSISTANT_EMBEDDER": "fake"})


def snapshot(index_dir: Path) -> dict[str, bytes]:
    """Every file of the index folder, byte for byte."""
    return {p.relative_to(index_dir).as_posix(): p.read_bytes() for p in sorted(index_dir.rglob("*")) if p.is_file()}


def answers_japan_correctly(settings: Settings) -> None:
    bot = Assistant.load(settings, rebuild=False)
    answer = bot.ask(JAPAN, today=__import__("datetime").date(2026, 3, 1))
    assert "March 6, 2026" in answer.text and answer.citations, answer.text
    assert_citations_exact(bot, answer)


# --- corpus faults -------------------------------------------------------------------------


def write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def act(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"))  # \udcXX -> byte

    return act


def with_note(rel: str, data: str) -> Callable[[Path], None]:
    def act(root: Path) -> None:
        write("docs/note.txt", "On May 1, 2027, the Harbour Talks opened.\n")(root)
        write(rel, data)(root)

    return act


def empty_corpus(root: Path) -> None:
    for path in (root / "docs").iterdir():
        path.unlink()


def append_to_facts(text: str) -> Callable[[Path], None]:
    def act(root: Path) -> None:
        path = root / FACTS
        path.write_text(path.read_text("utf-8") + text, "utf-8")

    return act


def facts_line(root: Path, needle: str) -> int:
    lines = (root / FACTS).read_text("utf-8").splitlines()
    return max(i for i, line in enumerate(lines, 1) if needle in line)


CORPUS_FAULTS = {
    "malformed YAML": (with_note("facts/bad.yaml", "- id: x\n  kind: : bad\n"), "facts/bad.yaml:2: invalid YAML"),
    "quote not in its document": (
        append_to_facts(
            "\n- id: ghost\n  kind: count\n  doc: us-critical-minerals-strategy\n"
            "  value: 3\n  unit: ghosts\n  quote: three ghosts attended\n"
        ),
        lambda root: f"{FACTS}:{facts_line(root, 'three ghosts')}: fact 'ghost': quote not found in us-critical-",
    ),
    "unknown document reference": (
        append_to_facts("\n- id: elsewhere\n  kind: count\n  doc: no-such-doc\n  value: 3\n  unit: x\n  quote: x\n"),
        lambda root: f"{FACTS}:{facts_line(root, 'no-such-doc')}: fact 'elsewhere': unknown document 'no-such-doc'",
    ),
    "duplicate fact ids": (with_note("facts/n.yaml", NOTE_FACT + NOTE_FACT), "facts/n.yaml:7: duplicate fact id"),
    "non-UTF-8 document": (write("docs/latin1.txt", b"First line.\nCaf\xe9.\n"), "docs/latin1.txt:2: not valid UTF-8"),
    "non-UTF-8 facts file": (with_note("facts/n.yaml", NOTE_FACT + "# \udcff\n"), "facts/n.yaml:7: not valid UTF-8"),
    "empty document": (write("docs/empty.txt", b""), "docs/empty.txt: empty document"),
    "binary document": (write("docs/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "docs/image.txt: binary file"),
    "empty corpus": (empty_corpus, "docs: the corpus is empty"),
    "truncated PDF": (write("docs/scan.pdf", b"%PDF-1.4\n%%EOF\n"), "docs/scan.pdf: damaged or not a PDF"),
    "damaged Word file": (write("docs/brief.docx", b"PK\x03\x04broken"), "docs/brief.docx: damaged or not a Word file"),
    "bad metadata": (
        write("docs/us-critical-minerals-strategy.meta.yaml", "title: T\nevent_date: soon\n"),
        "docs/us-critical-minerals-strategy.meta.yaml:2: event_date",
    ),
}


WHOLE_CORPUS = {"empty corpus"}  # faults that leave nothing to index; every other one spoils one file


@pytest.mark.parametrize("fault", sorted(CORPUS_FAULTS))
def test_a_corpus_fault_stops_strict_ingest_with_exit_2_a_file_line_message_and_the_index_untouched(
    site: Settings, fault: str
) -> None:
    damage, expected = CORPUS_FAULTS[fault]
    before = snapshot(site.index_dir)
    damage(site.corpus_dir)
    expected = expected if isinstance(expected, str) else expected(site.corpus_dir)
    result = cli(site, "ingest", "--strict")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]  # after "rebuilding:" notes
    assert len(errors) == 1 and errors[0] == result.output.strip().splitlines()[-1], result.output
    line = errors[0]
    assert line.startswith(f"error: {site.corpus_dir}/"), line
    assert line.removeprefix(f"error: {site.corpus_dir}/").startswith(expected), line
    assert snapshot(site.index_dir) == before  # CURRENT, manifest and every index file unchanged
    assert load_index(site.index_dir).faiss.ntotal > 0


@pytest.mark.parametrize("fault", sorted(set(CORPUS_FAULTS) - WHOLE_CORPUS))
def test_a_file_fault_is_skipped_by_ingest_which_names_it_and_indexes_the_rest(site: Settings, fault: str) -> None:
    damage, expected = CORPUS_FAULTS[fault]
    damage(site.corpus_dir)
    expected = expected if isinstance(expected, str) else expected(site.corpus_dir)
    result = cli(site, "ingest")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 1 and skipped[0].removeprefix(f"skipped: {site.corpus_dir}/").startswith(expected)
    answers_japan_correctly(site)


@pytest.mark.parametrize("fault", sorted(CORPUS_FAULTS))
def test_a_corpus_fault_does_not_stop_ask_and_is_named_in_one_warning(
    site: Settings, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A spoilt file is left out of the rebuild; a corpus with nothing readable keeps the build made before."""
    damage, expected = CORPUS_FAULTS[fault]
    before = snapshot(site.index_dir)
    damage(site.corpus_dir)
    expected = expected if isinstance(expected, str) else expected(site.corpus_dir)
    result = cli(site, "ask", JAPAN)
    assert result.exit_code == 0 and "Traceback" not in result.output and "March 6, 2026" in result.output
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and expected in warnings[0], warnings
    if fault in WHOLE_CORPUS:
        assert "previous index" in warnings[0] and snapshot(site.index_dir) == before
    else:
        assert "skipped" in warnings[0]


def test_the_index_answers_again_once_the_corpus_is_fixed(site: Settings) -> None:
    (site.corpus_dir / "facts" / "bad.yaml").write_text("- id: x\n  kind: : bad\n", "utf-8")
    assert cli(site, "ingest", "--strict").exit_code == 2
    (site.corpus_dir / "facts" / "bad.yaml").unlink()
    answers_japan_correctly(site)


# --- index faults --------------------------------------------------------------------------


def build_file(name: str, change: Callable[[bytes], bytes | None]) -> Callable[[Path], None]:
    """Rewrite (or, when `change` gives None, delete) one file of the live build."""

    def act(index_dir: Path) -> None:
        path = live_build(index_dir) / name  # type: ignore[operator]
        new = change(path.read_bytes())
        if new is None:
            path.unlink()
        else:
            path.write_bytes(new)

    return act


def flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 16]) + data[middle + 16 :]


def manifest_edit(edit: Callable[[dict], None]) -> Callable[[bytes], bytes]:  # type: ignore[type-arg]
    def change(data: bytes) -> bytes:
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def unlisted_and_truncated(index_dir: Path) -> None:
    """A manifest that no longer lists the FAISS file, which is then truncated."""
    build_file("manifest.json", manifest_edit(lambda m: m["files"].pop(FAISS_FILE)))(index_dir)
    build_file(FAISS_FILE, lambda d: d[:40])(index_dir)


def remove_current(index_dir: Path) -> None:
    (index_dir / "CURRENT").unlink()


def remove_build(index_dir: Path) -> None:
    shutil.rmtree(live_build(index_dir))  # type: ignore[arg-type]


def current_points_outside(index_dir: Path) -> None:
    (index_dir / "CURRENT").write_text("../../etc\n", "utf-8")


def corpus_json_of_the_wrong_shape(index_dir: Path) -> None:
    """corpus.json replaced by valid JSON of another shape, with the manifest's checksum updated to match."""
    build = live_build(index_dir)
    assert build is not None
    data = json.dumps({"documents": [{"doc_id": 7}], "sentences": "none"}).encode()
    (build / "corpus.json").write_bytes(data)
    digest = __import__("hashlib").sha256(data).hexdigest()
    build_file("manifest.json", manifest_edit(lambda m: m["files"].update({"corpus.json": digest})))(index_dir)


def current_is_a_folder(index_dir: Path) -> None:
    (index_dir / "CURRENT").unlink()
    (index_dir / "CURRENT").mkdir()


def current_not_utf8(index_dir: Path) -> None:
    (index_dir / "CURRENT").write_bytes(b"build-\xff\xfe\n")


INDEX_FAULTS = {
    "truncated FAISS file": (build_file(FAISS_FILE, lambda d: d[: len(d) // 2]), f"index file {FAISS_FILE} is corrupt"),
    "corrupted FAISS file": (build_file(FAISS_FILE, flip), f"index file {FAISS_FILE} is corrupt"),
    "empty FAISS file": (build_file(FAISS_FILE, lambda d: b""), f"index file {FAISS_FILE} is corrupt"),
    "missing FAISS file": (build_file(FAISS_FILE, lambda d: None), f"index file {FAISS_FILE} is missing"),
    "truncated corpus.json": (build_file("corpus.json", lambda d: d[:-100]), "index file corpus.json is corrupt"),
    "missing sentence vectors": (build_file("sentences.npy", lambda d: None), "index file sentences.npy is missing"),
    "missing BM25 vocabulary": (build_file("bm25/vocab.index.json", lambda d: None), "vocab.index.json is missing"),
    "manifest checksum mismatch": (
        build_file("manifest.json", manifest_edit(lambda m: m["files"].update({"corpus.json": "0" * 64}))),
        "index file corpus.json is corrupt",
    ),
    "manifest of another corpus": (
        build_file("manifest.json", manifest_edit(lambda m: m["inputs"].update({FACTS: "0" * 64}))),
        f"{FACTS} changed",
    ),
    "manifest of another model": (
        build_file("manifest.json", manifest_edit(lambda m: m.update(model="another-model"))),
        "model changed",
    ),
    "manifest not listing a file": (unlisted_and_truncated, f"index file {FAISS_FILE} is not in the manifest"),
    "garbage manifest": (build_file("manifest.json", lambda d: b"{not json"), "unreadable manifest"),
    "manifest that is a JSON list": (build_file("manifest.json", lambda d: b"[1, 2]"), "unreadable manifest"),
    "corpus.json of the wrong shape": (corpus_json_of_the_wrong_shape, "index file corpus.json is corrupt"),
    "CURRENT that is a folder": (current_is_a_folder, "no index in"),
    "CURRENT that is not UTF-8": (current_not_utf8, "no index in"),
    "missing manifest": (build_file("manifest.json", lambda d: None), "unreadable manifest"),
    "missing CURRENT": (remove_current, "no index in"),
    "missing build folder": (remove_build, "no index in"),
    "CURRENT outside the index": (current_points_outside, "no index in"),
}


@pytest.mark.parametrize("fault", sorted(INDEX_FAULTS))
def test_an_index_fault_is_refused_clearly_when_rebuilding_is_not_allowed(site: Settings, fault: str) -> None:
    damage, reason = INDEX_FAULTS[fault]
    damage(site.index_dir)
    result = cli(site, "ask", JAPAN, "--no-rebuild")
    assert result.exit_code == 3, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert reason in result.output and "Traceback" not in result.output


DAMAGED = sorted(f for f in INDEX_FAULTS if not f.startswith("manifest of another"))  # those are stale, not damaged


@pytest.mark.parametrize("fault", DAMAGED)
def test_a_damaged_index_is_never_loaded_as_is(site: Settings, fault: str) -> None:
    damage, _ = INDEX_FAULTS[fault]
    damage(site.index_dir)
    with pytest.raises(IndexError_):
        load_index(site.index_dir)


NOT_OURS = {"CURRENT that is a folder"}  # nothing the project did not create is replaced: refused instead


@pytest.mark.parametrize("fault", sorted(set(INDEX_FAULTS) - NOT_OURS))
def test_a_damaged_index_is_rebuilt_and_answers_correctly(site: Settings, fault: str) -> None:
    damage, _ = INDEX_FAULTS[fault]
    damage(site.index_dir)
    result = cli(site, "ask", JAPAN, "--today", "2026-03-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert "March 6, 2026" in data["text"]
    answers_japan_correctly(site)


def test_a_current_that_is_a_folder_is_refused_by_name_and_left_alone(site: Settings) -> None:
    current_is_a_folder(site.index_dir)
    (site.index_dir / "CURRENT" / "notes.txt").write_text("mine", "utf-8")
    result = cli(site, "ask", JAPAN)
    assert result.exit_code == 3 and result.output.count("\n") == 1, result.output
    assert "CURRENT is not the index's pointer file" in result.output and "Traceback" not in result.output
    assert (site.index_dir / "CURRENT" / "notes.txt").read_text("utf-8") == "mine"


def test_an_index_path_that_is_a_file_is_refused_by_name_and_left_alone(site: Settings, tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("mine", "utf-8")
    result = runner.invoke(app, ["ask", JAPAN, "--corpus", str(site.corpus_dir), "--index", str(target)])
    assert result.exit_code == 3 and result.output.count("\n") == 1, result.output
    assert "is a file, not an index folder" in result.output
    assert target.read_text("utf-8") == "mine"


@pytest.mark.parametrize("errno_", [errno.EROFS, errno.ENOSPC], ids=["read-only disk", "full disk"])
def test_a_disk_that_cannot_take_a_new_build_keeps_the_old_one_answering_with_one_warning(
    site: Settings, errno_: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (site.corpus_dir / "docs" / "note.txt").write_text("The Harbour Talks open in May.\n", "utf-8")  # now stale

    def refuse(build: Path) -> None:
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr("assistant.ingest.index._new_build_folder", refuse)
    before = snapshot(site.index_dir)
    with caplog.at_level("WARNING"):
        bot = Assistant.load(site)
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and os.strerror(errno_) in warnings[0], warnings
    assert "March 6, 2026" in bot.ask(JAPAN, today=__import__("datetime").date(2026, 3, 1)).text
    assert snapshot(site.index_dir) == before


# --- SIGKILL during ingestion --------------------------------------------------------------

# A warm ingestion process: it imports the CLI and builds one throwaway index, then for each
# request forks a child that runs `assistant ingest --force` exactly as `python -m assistant`
# would, kills it with SIGKILL after the requested delay and reports how it ended. Forking a
# warm process makes a trial cost ~0.1 s instead of the ~5 s of a cold start (NLTK import).
FORK_SERVER = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from assistant.cli.main import main
    from assistant.config import Settings
    from assistant.ingest.embedding import HashEmbedder
    from assistant.ingest.index import build_index

    warm = Settings(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), embedder="fake")
    build_index(warm.corpus_dir, warm.index_dir, warm, HashEmbedder(), progress=False)
    print("ready", flush=True)
    for line in sys.stdin:
        corpus, index, delay = line.split()
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1), os.dup2(null, 2)
            sys.argv = ["assistant", "ingest", "--force", "--corpus", corpus, "--index", index]
            try:
                main()
            except SystemExit as done:
                os._exit(done.code if isinstance(done.code, int) else 1)
            os._exit(0)
        deadline = start + float(delay)
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.perf_counter() < deadline:
            time.sleep(0.0005)
        if done[0] == 0:
            os.kill(pid, signal.SIGKILL)  # our own child, not yet reaped: its pid cannot be reused
            done = os.waitpid(pid, 0)
        status = done[1]
        how = "killed" if os.WIFSIGNALED(status) else f"exited:{os.WEXITSTATUS(status)}"
        print(how, round(time.perf_counter() - start, 4), flush=True)
    """
)


@pytest.fixture
def fork_server(built: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    env = os.environ | {"ASSISTANT_EMBEDDER": "fake", "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-c", FORK_SERVER, str(built / "corpus"), str(tmp_path / "warm-index")]
    server = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    yield server
    server.stdin.close()  # type: ignore[union-attr]
    server.wait(timeout=30)
    server.stdout.close()  # type: ignore[union-attr]


def trial(server: subprocess.Popen[str], settings: Settings, delay: float) -> tuple[str, float]:
    server.stdin.write(f"{settings.corpus_dir} {settings.index_dir} {delay}\n")  # type: ignore[union-attr]
    server.stdin.flush()  # type: ignore[union-attr]
    how, took = server.stdout.readline().split()  # type: ignore[union-attr]
    return how, float(took)


def test_ingestion_killed_at_random_points_never_costs_the_previous_index(
    site: Settings, fork_server: subprocess.Popen[str]
) -> None:
    """24 SIGKILLs spread over a whole ingestion: the live index always loads and answers correctly."""
    full = max(trial(fork_server, site, 30)[1] for _ in range(2))  # two complete runs: how long one takes
    rng = random.Random(7)
    outcomes = {"before the swap": 0, "after the swap": 0, "finished": 0}
    for _ in range(24):
        previous = live_build(site.index_dir)
        how, _ = trial(fork_server, site, rng.uniform(0, full * 1.05))
        current = live_build(site.index_dir)
        assert current is not None
        if how != "killed":
            assert how == "exited:0"
            outcomes["finished"] += 1
        else:
            outcomes["before the swap" if current == previous else "after the swap"] += 1
        load_index(site.index_dir)  # checksums verified
        answers_japan_correctly(site)
    assert outcomes["before the swap"] >= 10, outcomes
    assert cli(site, "ingest", "--force").exit_code == 0  # a clean run clears the debris of killed ones
    assert [p.name for p in site.index_dir.glob("build-*")] == [live_build(site.index_dir).name]  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_cold_python_m_assistant_ingest_killed_mid_build_leaves_the_previous_index(site: Settings) -> None:
    """The real command, killed with SIGKILL just after it starts writing its new build folder."""
    previous = live_build(site.index_dir)
    env = os.environ | {"ASSISTANT_EMBEDDER": "fake", "PYTHONPATH": str(REPO)}
    where = ["--corpus", str(site.corpus_dir), "--index", str(site.index_dir)]
    cmd = [sys.executable, "-m", "assistant", "ingest", "--force", *where]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not [p for p in site.index_dir.glob("build-*") if p != previous] and time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            time.sleep(0.001)
        time.sleep(random.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert live_build(site.index_dir) in (previous, *site.index_dir.glob("build-*"))
    answers_japan_correctly(site)
