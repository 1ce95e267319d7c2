"""The `/chat` endpoint, called over HTTP with gradio_client against a running app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client  # noqa: E402
from gradio_client.exceptions import AppError, AuthenticationError  # noqa: E402

from assistant.api import Assistant  # noqa: E402
from assistant.config import PROJECT_ROOT, Settings  # noqa: E402
from assistant.web import app as ui  # noqa: E402
from tests.serving import served

pytestmark = [
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    root = tmp_path_factory.mktemp("client")
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    return Assistant.load(Settings(embedder="fake", corpus_dir=root / "corpus", index_dir=root / "index"))


@pytest.fixture(scope="module")
def url(bot: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(bot, tmp_path_factory.mktemp("feedback") / "feedback.jsonl") as address:
        yield address


@pytest.fixture(scope="module")
def client(url: str) -> Client:
    return Client(url, verbose=False)


def test_chat_endpoint_returns_a_cited_answer(client: Client) -> None:
    text = client.predict("Who hosted the Critical Minerals Ministerial?", "2026-03-01", api_name="/chat")
    assert "Marco Rubio" in text and "[1]" in text
    assert "Sources:\n[1] US Critical Minerals Strategy" in text


def test_chat_endpoint_today_is_optional(client: Client) -> None:
    text = client.predict("Who hosted the Critical Minerals Ministerial?", api_name="/chat")
    assert "Marco Rubio" in text


def test_chat_endpoint_uses_today_for_deadlines(client: Client) -> None:
    text = client.predict(
        "How many days are left until the action plan with Mexico is due?", "2026-03-01", api_name="/chat"
    )
    assert "35 days" in text


def test_chat_endpoint_reports_bad_input_as_an_error_message(client: Client) -> None:
    with pytest.raises(AppError, match="not a date"):
        client.predict("Who hosted it?", "tomorrow", api_name="/chat")


def test_only_the_chat_endpoint_is_public(client: Client) -> None:
    assert list(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == ["/chat"]


def test_server_listens_on_loopback(url: str) -> None:
    assert url.startswith("http://127.0.0.1:")


def test_login_is_required_when_auth_is_set(bot: Assistant, tmp_path: Path) -> None:
    with served(bot, tmp_path / "feedback.jsonl", auth=("ana", "s3cret")) as address:
        with pytest.raises(AuthenticationError):
            Client(address, verbose=False)
        client = Client(address, auth=("ana", "s3cret"), verbose=False)
        assert "Marco Rubio" in client.predict("Who hosted the Critical Minerals Ministerial?", api_name="/chat")


def test_feedback_default_lives_in_the_git_ignored_folder() -> None:
    assert ui.DEFAULT_FEEDBACK == PROJECT_ROOT / "feedback" / "feedback.jsonl"
    assert "feedback/" in (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_serve_command_does_not_import_gradio() -> None:
    """The CLI's cold start must not pay for gradio (imported only when `serve` runs)."""
    import subprocess
    import sys

    code = "import sys, assistant.cli.main; sys.exit('gradio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(PROJECT_ROOT)).returncode == 0
