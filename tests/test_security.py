"""Security: loopback by default, login enforced, no reading outside the corpus, capped input, no network.

Also a small version of the load test (evals/load_test.py): concurrent sessions never share context.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import ipaddress
import re
import shutil
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant import Assistant, Settings  # noqa: E402
from assistant.errors import CorpusError, InputError  # noqa: E402
from assistant.ingest.corpus import load_corpus  # noqa: E402
from tests.conftest import CORPUS, REPO  # noqa: E402

# Gradio's queue statistics (gradio/queueing.py) set a pandas option that pandas 3 deprecates.


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("security")
    shutil.copytree(CORPUS, root / "corpus")
    return Assistant.load(Settings(embedder="fake", corpus_dir=root / "corpus", index_dir=root / "index"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def outward_address() -> str | None:
    """This machine's address on its default route, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: connecting a UDP socket only picks a route
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@contextmanager
def serving(bot: Assistant, tmp: Path, **options: Any) -> Iterator[tuple[Any, int]]:
    """The app served with ui.serve's defaults (plus `options`) while the block runs."""
    from assistant.web import app as ui

    with warnings.catch_warnings():  # Gradio leaves event loops unclosed (see tests/test_ui_client.py)
        warnings.simplefilter("ignore", ResourceWarning)
        app = ui.build_app(bot, tmp / "feedback.jsonl")
        port = free_port()
        ui.serve(app, port=port, prevent_thread_lock=True, quiet=True, **options)
        asyncio.set_event_loop(None)
        gc.collect()
    try:
        yield app, port
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            app.close()
            gc.collect()


# --- the server ----------------------------------------------------------------------------


def test_serve_listens_on_loopback_unless_told_otherwise() -> None:
    from assistant.cli.serve_command import serve_command
    from assistant.web import app as ui

    assert inspect.signature(serve_command).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(ui.serve).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(ui.launch).parameters["host"].default == "127.0.0.1"


@pytest.mark.slow
def test_the_running_server_is_not_reachable_from_the_network(bot: Assistant, tmp_path: Path) -> None:
    import httpx

    with serving(bot, tmp_path) as (app, port):
        assert app.server_name == "127.0.0.1"
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
        address = outward_address()
        if address is None:
            pytest.skip("this machine has no non-loopback address to try")
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://{address}:{port}/", timeout=5)


@pytest.mark.slow
def test_with_a_login_a_wrong_password_is_rejected_and_the_right_one_answers(bot: Assistant, tmp_path: Path) -> None:
    import httpx
    from gradio_client import Client

    with serving(bot, tmp_path, auth=("briefer", "s3cret-Passw0rd")) as (_, port):
        url = f"http://127.0.0.1:{port}/"
        assert httpx.get(f"{url}config", timeout=10).status_code == 401  # nothing without a login
        login = httpx.post(f"{url}login", data={"username": "briefer", "password": "wrong"}, timeout=10)
        assert login.status_code >= 400
        with pytest.raises(Exception, match="(?i)login|auth|credential|401"):
            Client(url, auth=("briefer", "wrong"), verbose=False)
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do; none must answer
            Client(url, verbose=False).predict("How many nations attended the ministerial?", "", api_name="/chat")
        client = Client(url, auth=("briefer", "s3cret-Passw0rd"), verbose=False)
        assert "54" in client.predict("How many nations attended the ministerial?", "", api_name="/chat")
        client.close()


@pytest.mark.slow
def test_an_overlong_question_is_refused_by_the_server(bot: Assistant, tmp_path: Path) -> None:
    from gradio_client import Client

    with serving(bot, tmp_path) as (_, port):
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        with pytest.raises(Exception, match="maximum is 1000"):
            client.predict("x " * 50_000, "", api_name="/chat")
        client.close()


# --- documents -----------------------------------------------------------------------------


def test_the_question_length_is_capped(bot: Assistant) -> None:
    with pytest.raises(InputError, match="1001 characters long; the maximum is 1000"):
        bot.ask("x" * 1001)
    assert bot.ask("x" * 1000).abstained


@pytest.mark.parametrize("doc_id", ["../../etc/passwd", "/etc/passwd", "..%2f..%2fetc%2fpasswd", "docs/../../x", ""])
def test_a_document_id_is_looked_up_never_opened_as_a_path(bot: Assistant, doc_id: str) -> None:
    with pytest.raises(KeyError, match="no document"):
        bot.index.document(doc_id)


def small_corpus(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "note.txt").write_text("On May 1, 2027, the Harbour Talks opened.\n", "utf-8")
    return root


@pytest.mark.parametrize("name", ["a..%2f..%2fetc%2fpasswd.txt", "%2e%2e.txt", "a b.txt", "x;rm -rf.txt", "x\n.txt"])
def test_a_file_name_that_is_not_a_plain_id_gets_a_derived_id_of_letters_digits_and_dashes(
    tmp_path: Path, name: str
) -> None:
    root = small_corpus(tmp_path / "corpus")
    (root / "docs" / name).write_text("Text.\n", "utf-8")
    doc = next(d for d in load_corpus(root, strict=True).documents if d.path == name)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", doc.doc_id) and ".." not in doc.doc_id and "/" not in doc.doc_id


@pytest.mark.parametrize("kind", ["document", "metadata", "facts"])
def test_a_symlink_to_a_file_outside_the_corpus_is_rejected(tmp_path: Path, kind: str) -> None:
    root = small_corpus(tmp_path / "corpus")
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("title: The password is hunter2\n", "utf-8")
    link = {"document": "docs/secret.txt", "metadata": "docs/note.meta.yaml", "facts": "facts/leak.yaml"}[kind]
    (root / link).parent.mkdir(exist_ok=True)
    (root / link).symlink_to(secret)
    with pytest.raises(CorpusError, match="outside the corpus") as caught:
        load_corpus(root, strict=True)
    assert "hunter2" not in str(caught.value)
    corpus = load_corpus(root)  # by default the link is left out and reported; nothing of the secret is read
    assert "hunter2" not in repr(corpus) and any("outside the corpus" in s.reason for s in corpus.skipped)


def test_a_symlink_within_the_corpus_is_allowed(tmp_path: Path) -> None:
    root = small_corpus(tmp_path / "corpus")
    (root / "docs" / "alias.txt").symlink_to(root / "docs" / "note.txt")
    assert {d.doc_id for d in load_corpus(root).documents} == {"alias", "note"}


def test_html_in_a_document_is_indexed_as_text_without_scripts(tmp_path: Path) -> None:
    root = small_corpus(tmp_path / "corpus")
    page = "<p>Talks <b>opened</b>.</p><script>fetch('http://evil.example')</script><img src=x onerror=alert(1)>"
    (root / "docs" / "page.html").write_text(page, "utf-8")
    doc = load_corpus(root).document("page")
    assert "Talks opened." in doc.text and "<" not in doc.text and "evil" not in doc.text


# --- no network ----------------------------------------------------------------------------


def is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host.startswith("/")  # a unix socket path; any other name would need DNS


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Block (and record) every connection to anything but loopback, and every DNS lookup of another name."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

    def refuse(what: str, address: Any) -> None:
        attempts.append(f"{what} {address!r}")
        raise OSError(f"network blocked by test: {what} {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        if self.family != socket.AF_UNIX and not is_loopback(address):
            refuse("connect", address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family != socket.AF_UNIX and not is_loopback(address):
            refuse("connect_ex", address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if not is_loopback(address):
            refuse("create_connection", address)
        return real_create(address, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host if isinstance(host, str) else host.decode()):
            refuse("getaddrinfo", host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_the_network_guard_blocks_what_it_should(loopback_only: list[str]) -> None:
    with pytest.raises(OSError, match="network blocked"):
        socket.create_connection(("93.184.215.14", 443), timeout=1)
    with pytest.raises(OSError, match="network blocked"):
        socket.getaddrinfo("huggingface.co", 443)
    assert len(loopback_only) == 2
    loopback_only.clear()


@pytest.mark.model
def test_real_model_ingest_and_ask_connect_to_nothing_but_loopback(loopback_only: list[str], tmp_path: Path) -> None:
    """A fresh index (embedding + ONNX export) and a cited answer, with every non-loopback socket refused."""
    from assistant.ingest.embedding import MiniLM
    from assistant.ingest.index import build_index

    shutil.copytree(CORPUS, tmp_path / "corpus")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", embedder="minilm")
    build_index(settings.corpus_dir, settings.index_dir, settings, MiniLM(), progress=False)
    bot = Assistant.load(settings, rebuild=False)
    answer = bot.ask("Who hosted the Critical Minerals Ministerial?")
    assert any("Marco Rubio hosted" in c.quote for c in answer.citations), answer.text
    assert loopback_only == []


# --- concurrent sessions (small version of evals/load_test.py) -----------------------------


@pytest.mark.slow
def test_concurrent_sessions_keep_their_own_context_while_the_index_is_rebuilt(tmp_path: Path) -> None:
    """4 sessions x 6 questions against `assistant serve`, with a re-ingestion mid-run: no errors, no leaks."""
    import sys

    sys.path.insert(0, str(REPO / "evals"))
    try:
        import load_test
    finally:
        sys.path.remove(str(REPO / "evals"))
    report = load_test.run(sessions=4, questions=6, embedder="fake", timeout=120, work=tmp_path)
    assert report["errors"] == [], report["errors"]
    assert report["requests"] == 24
    assert report["reingest"]["exit_code"] == 0 and report["reingest"]["before"] != report["reingest"]["after"]
