"""The web server's limits (assistant/web/limits.py): in-process on a tiny Starlette app, then on the live UI."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Body, FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant import Assistant, Settings
from assistant.web import limits as web_limits
from assistant.web.events import Events
from tests.conftest import CORPUS
from tests.serving import free_port, served

LIMITS = web_limits.Limits(
    max_request_bytes=1000,
    max_upload_bytes=5000,
    upload_types=(".txt", ".pdf"),
    uploads_enabled=True,
    allowed_hosts=web_limits.allowed_hosts("127.0.0.1", ["briefing.example"]),
    login_free_failures=2,
    login_delay_seconds=30,
)


async def echo(request: Request) -> JSONResponse:
    body = await request.body()
    return JSONResponse({"bytes": len(body)})


async def upload(request: Request) -> JSONResponse:
    async with request.form() as form:
        return JSONResponse({"files": [f.filename for f in form.getlist("files") if not isinstance(f, str)]})


async def login(request: Request) -> PlainTextResponse:
    form = await request.form()
    ok = form.get("password") == "right"
    return PlainTextResponse("ok" if ok else "Incorrect credentials.", status_code=200 if ok else 400)


def join(payload: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    """A FastAPI route that reads a JSON body (FastAPI answers 400 to any exception while reading it)."""
    return payload


def client(limits: web_limits.Limits = LIMITS) -> TestClient:
    routes = [
        Route("/", echo, methods=["GET", "POST"]),
        Route("/gradio_api/upload", upload, methods=["POST"]),
        Route("/login", login, methods=["POST"]),
    ]
    app = Starlette(routes=routes, middleware=web_limits.middleware(limits))
    return TestClient(app, base_url="http://127.0.0.1:7860")


# --- headers and hosts ---------------------------------------------------------------------


def test_every_response_carries_the_security_headers() -> None:
    response = client().get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "img-src 'self' data: blob:" in csp and "default-src 'self'" in csp


@pytest.mark.parametrize("host", ["127.0.0.1:7860", "localhost:7860", "[::1]:7860", "briefing.example"])
def test_loopback_the_bound_host_and_listed_hosts_are_served(host: str) -> None:
    assert client().get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "evil.example:7860"])
def test_any_other_host_header_is_refused(host: str) -> None:
    assert client().get("/", headers={"Host": host}).status_code == 400


def test_a_server_bound_to_every_interface_answers_to_this_machines_name() -> None:
    assert socket.gethostname().lower() in web_limits.allowed_hosts("0.0.0.0")
    assert "0.0.0.0" not in web_limits.allowed_hosts("0.0.0.0")


# --- cross-site posts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_post_from_another_site_is_refused(headers: dict[str, str]) -> None:
    assert client().post("/", content=b"{}", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "headers", [{}, {"Origin": "http://127.0.0.1:7860"}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}]
)
def test_a_post_from_the_page_itself_or_a_script_is_served(headers: dict[str, str]) -> None:
    assert client().post("/", content=b"{}", headers=headers).status_code == 200


def test_a_cross_site_get_is_served() -> None:
    """Only state-changing methods are refused; links to the UI from elsewhere still open it."""
    assert client().get("/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


# --- body sizes ----------------------------------------------------------------------------


def test_a_body_at_the_cap_is_served() -> None:
    assert client().post("/", content=b"x" * 1000).json() == {"bytes": 1000}


def test_a_body_over_the_cap_is_refused_by_its_content_length() -> None:
    response = client().post("/", content=b"x" * 1001)
    assert response.status_code == 413 and response.text == "request body over 1000 bytes refused"


def test_a_streamed_body_over_the_cap_is_refused_while_it_arrives() -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 400

    response = client().post("/", content=chunks())  # chunked: no Content-Length
    assert response.status_code == 413


def test_a_streamed_body_is_refused_with_413_even_where_the_app_catches_the_error() -> None:
    """FastAPI turns any exception while it reads a body into a 400; the refusal is sent first."""
    api = FastAPI(middleware=web_limits.middleware(LIMITS))
    api.post("/gradio_api/queue/join")(join)

    def chunks() -> Iterator[bytes]:
        yield b'{"data": "'
        for _ in range(10):
            yield b"x" * 400

    response = TestClient(api, base_url="http://127.0.0.1:7860").post(
        "/gradio_api/queue/join", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and response.text == "request body over 1000 bytes refused"


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        (b'{"data": [], "fn_index": 3, "session_hash": "s1"}', 400, "this event takes 2 values in 'data'; got 0"),
        (b'{"data": "q", "fn_index": 3, "session_hash": "s1"}', 400, "'data' must be a list of 2 values, not str"),
        (b'{"data": ["q", ""], "fn_index": 3, "session_hash": "s1"}', 200, ""),
        (b'{"data": [], "fn_index": 99, "session_hash": "s1"}', 200, ""),
    ],
)
def test_an_event_with_too_few_values_is_refused_in_one_line(body: bytes, status: int, text: str) -> None:
    limits = web_limits.Limits(**{**LIMITS.__dict__, "events": Events(inputs={"3": 2, "99": 0, "call/chat": 2})})
    response = TestClient(
        Starlette(
            routes=[Route("/gradio_api/queue/join", echo, methods=["POST"])], middleware=web_limits.middleware(limits)
        ),
        base_url="http://127.0.0.1:7860",
    ).post("/gradio_api/queue/join", content=body)
    assert response.status_code == status and (not text or response.text == text)
    if status == 200:
        assert response.json() == {"bytes": len(body)}  # the body reaches the app unchanged


def test_a_malformed_content_length_is_refused() -> None:
    assert client().post("/", content=b"x", headers={"Content-Length": "-1"}).status_code in (400, 413)


# --- uploads -------------------------------------------------------------------------------


def test_an_allowed_file_type_within_the_upload_cap_is_taken() -> None:
    """Uploads have their own, larger cap than other requests."""
    response = client().post("/gradio_api/upload", files={"files": ("brief.txt", b"x" * 3000)})
    assert response.status_code == 200 and response.json() == {"files": ["brief.txt"]}


@pytest.mark.parametrize("name", ["run.sh", "page.html", "noext", "brief.txt.exe", "..\\evil.PY"])
def test_an_upload_of_another_file_type_is_refused(name: str) -> None:
    response = client().post("/gradio_api/upload", files={"files": (name, b"x")})
    assert response.status_code == 415 and "upload one of .txt, .pdf" in response.text


def test_an_upload_over_its_cap_is_refused() -> None:
    assert client().post("/gradio_api/upload", files={"files": ("big.txt", b"x" * 6000)}).status_code == 413


def test_uploads_are_refused_when_the_app_takes_no_files() -> None:
    closed = web_limits.Limits(**{**LIMITS.__dict__, "uploads_enabled": False})
    assert client(closed).post("/gradio_api/upload", files={"files": ("a.txt", b"x")}).status_code == 403


def test_limits_come_from_the_settings() -> None:
    settings = Settings(max_upload_bytes=4096, upload_types=("txt", ".PDF"), allowed_hosts=("intranet.example",))
    limits = web_limits.limits_for(settings, "127.0.0.1", uploads_enabled=True)
    assert limits.max_upload_bytes == 4096 and limits.upload_types == (".txt", ".pdf")
    assert "intranet.example" in limits.allowed_hosts and "localhost" in limits.allowed_hosts


# --- every event route validates before it acts (issue 20.5) --------------------------------

EVENTS = Events(
    inputs={"0": 3, "1": 1, "2": 1, "3": 1, "call/chat": 2},
    keywords={"call/chat": {"message": True, "today": False}},
    event_data=frozenset({"1"}),
    kinds={"0": ("text", "text", "any"), "1": ("any",), "3": ("files",)},
    uploads="/srv/uploads",
    waiting=lambda key: key in ("s1", "e1"),
)
NESTED = b'{"data": ' + b"[" * 50_000 + b"]" * 50_000 + b', "fn_index": 0, "session_hash": "s1"}'


def join_body(fn_index: Any, data: Any, event_data: Any = None, session: Any = "s1") -> bytes:
    return json.dumps({"fn_index": fn_index, "data": data, "event_data": event_data, "session_hash": session}).encode()


# (request, expected status, the start of the one-line reason); 200 means it reached the app unchanged
EVENT_CASES = [
    (("POST", "/gradio_api/queue/join", NESTED), 400, "JSON nested more than 64 deep"),
    (("POST", "/gradio_api/call/chat", b'{"data": ' + b"[" * 100 + b"]" * 100 + b"}"), 400, "JSON nested more"),
    (("POST", "/gradio_api/call/respond", b'{"data": ["q", "", null]}'), 404, "no API endpoint named 'respond'"),
    (("POST", "/gradio_api/call/v2/chat", b'{"message": "q", "extra": 1}'), 400, "unknown keyword 'extra'"),
    (("POST", "/gradio_api/call/v2/chat", b'{"today": ""}'), 400, "missing keyword 'message'"),
    (("POST", "/gradio_api/call/v2/chat", b'{"message": "q"}'), 200, ""),
    (("POST", "/gradio_api/call/chat", b'{"data": ["q", ""], "fn_index": 0}'), 400, "fn_index is not taken here"),
    (("POST", "/gradio_api/call/chat", b'["q", ""]'), 400, "the body must be a JSON object"),
    (("POST", "/gradio_api/queue/join", join_body(-1, [])), 404, "no event with fn_index -1"),
    (("POST", "/gradio_api/queue/join", join_body(10**20, [])), 404, "no event with fn_index 1000000"),
    (("POST", "/gradio_api/queue/join", join_body("0", ["q", "", None])), 404, "no event with fn_index 0"),
    (("POST", "/gradio_api/queue/join", join_body(True, [None])), 404, "no event with fn_index True"),
    (("POST", "/gradio_api/queue/join", join_body(0, ["q", "", None], session="../x")), 400, "session_hash must"),
    (("POST", "/gradio_api/queue/join", join_body(0, [5, "", None])), 400, "value 1 must be text, not int"),
    (("POST", "/gradio_api/queue/join", join_body(0, ["q", "", {"a": 1}])), 200, ""),
    (("POST", "/gradio_api/queue/join", join_body(1, [None])), 400, "this event takes 'event_data'"),
    (("POST", "/gradio_api/queue/join", join_body(1, [None], ["x"])), 400, "this event takes 'event_data'"),
    (("POST", "/gradio_api/queue/join", join_body(1, [None], {"index": 0, "value": ""})), 200, ""),
    (("POST", "/gradio_api/queue/join", join_body(3, [5])), 400, "value 1 must name files uploaded"),
    (("POST", "/gradio_api/queue/join", join_body(3, [[{"path": "/etc/passwd"}]])), 400, "value 1 must name files"),
    (("POST", "/gradio_api/queue/join", join_body(3, [[{"path": "/srv/uploads/ab/x.txt"}]])), 200, ""),
    (("POST", "/gradio_api/queue/join", join_body(3, [None])), 200, ""),
    (("GET", "/gradio_api/queue/data?session_hash=../../x", b""), 400, "session_hash must"),
    (("GET", "/gradio_api/queue/data", b""), 400, "session_hash must"),
    (("GET", "/gradio_api/queue/data?session_hash=gone", b""), 404, "no such event or session"),
    (("GET", "/gradio_api/queue/data?session_hash=s1", b""), 200, ""),
    (("GET", "/gradio_api/call/chat/nothing", b""), 404, "no such event or session"),
    (("GET", "/gradio_api/call/respond/e1", b""), 404, "no API endpoint named 'respond'"),
    (("GET", "/gradio_api/call/chat/e1", b""), 200, ""),
    (("POST", "/login", b"username=a&password=" + b"[" * 5000), 200, ""),  # a form is not JSON: not parsed here
]


@pytest.mark.parametrize(
    ("request_", "status", "reason"), EVENT_CASES, ids=[f"{c[0][1][:40]}-{c[1]}" for c in EVENT_CASES]
)
def test_a_request_the_event_routes_could_not_handle_gets_one_4xx_line(
    request_: tuple[str, str, bytes], status: int, reason: str
) -> None:
    """Each of these reached a traceback or a 500 in Gradio (issue 20, item 9): now one line, before Gradio acts."""
    method, path, body = request_
    limits = web_limits.Limits(**{**LIMITS.__dict__, "events": EVENTS, "max_request_bytes": 256 * 1024})
    app = Starlette(
        routes=[Route(p, echo, methods=["GET", "POST"]) for p in (path.split("?")[0], "/login")],
        middleware=web_limits.middleware(limits),
    )
    kind = "application/x-www-form-urlencoded" if path == "/login" else "application/json"
    response = TestClient(app, base_url="http://127.0.0.1:7860").request(
        method, path, content=body or None, headers={"Content-Type": kind}
    )
    assert response.status_code == status, response.text
    if reason:
        assert response.text.startswith(reason) and "\n" not in response.text
    elif method == "POST":
        assert response.json() == {"bytes": len(body)}  # the body reaches the app unchanged


def test_too_deep_walks_without_recursion() -> None:
    from assistant.web.events import too_deep

    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert too_deep(deep) and not too_deep({"a": [[{"b": 1}]]}) and not too_deep("x" * 10)


def test_events_are_read_from_the_app() -> None:
    """Values per event, keywords of named endpoints, and which events read event data (likes, selects)."""
    import gradio as gr

    from assistant.web.events import events_of

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        with gr.Blocks() as app:
            box, chat, files = gr.Textbox(), gr.Chatbot(), gr.File()
            box.submit(lambda q: q, [box], [box], api_visibility="private")
            chat.like(lambda c: None, [chat], None, api_visibility="private")
            files.upload(lambda f: None, [files], None, api_visibility="private")

            def chat_api(message: str, today: str = "") -> str:
                return message

            gr.api(chat_api, api_name="chat")
        asyncio.set_event_loop(None)
        gc.collect()
    events = events_of(app, Path("/srv/uploads"))
    assert {k: v for k, v in events.inputs.items() if not k.startswith("call/lambda")} == {
        "0": 1, "1": 1, "2": 1, "3": 2, "call/chat": 2
    }  # fmt: skip
    assert events.keywords["call/chat"] == {"message": True, "today": False}
    assert events.event_data == frozenset({"1"}) and events.kinds["0"] == ("text",) and events.kinds["2"] == ("files",)


# --- logins --------------------------------------------------------------------------------


def test_logins_wait_after_repeated_failures_even_with_the_right_password() -> None:
    browser = client()
    codes = [browser.post("/login", data={"password": "wrong"}).status_code for _ in range(4)]
    assert codes == [400, 400, 429, 429]
    refused = browser.post("/login", data={"password": "right"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 29


def test_the_wait_doubles_and_a_success_clears_it() -> None:
    now = [0.0]
    throttle = web_limits.LoginThrottle(lambda *_: None, LIMITS, clock=lambda: now[0])  # type: ignore[arg-type, return-value]
    for status in (400, 400, 400):
        throttle._count("a", throttle.failures.setdefault("a", web_limits._Failures()), status)
    assert throttle.failures["a"].wait_until == 60.0  # 30 s after the 2nd failure, 60 s after the 3rd
    throttle._count("a", throttle.failures["a"], 200)
    assert "a" not in throttle.failures


async def login_from(app: Any, client: str, chunks: list[bytes], gap: float = 0.0) -> tuple[int, float]:
    """POST /login from `client` (an address), the form in `chunks` sent `gap` seconds apart: (status, seconds)."""
    loop = asyncio.get_running_loop()
    began, status, queue = loop.time(), [0], list(chunks)

    async def receive() -> dict[str, Any]:
        if not queue:
            await asyncio.sleep(3600)  # nothing more: the client waits for an answer
        await asyncio.sleep(gap)
        chunk = queue.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(queue)}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]

    scope = {"type": "http", "method": "POST", "path": "/login", "client": (client, 1), "headers": [
        (b"host", b"127.0.0.1:7860"), (b"content-type", b"application/x-www-form-urlencoded")]}  # fmt: skip
    await app(scope, receive, send)
    return status[0], loop.time() - began


def login_app(**limits: Any) -> Any:
    return Starlette(
        routes=[Route("/login", login, methods=["POST"])],
        middleware=web_limits.middleware(web_limits.Limits(**{**LIMITS.__dict__, **limits})),
    )


def test_a_login_form_sent_slowly_times_out_and_holds_up_no_one() -> None:
    """Issue 20: a body at 1 byte/s behind one global lock made a right login elsewhere wait 18.5 s."""
    app = login_app(login_body_seconds=0.5)

    async def both() -> tuple[tuple[int, float], tuple[int, float]]:
        slow = asyncio.create_task(login_from(app, "10.0.0.1", [bytes([b]) for b in b"password=right"], gap=0.2))
        await asyncio.sleep(0.05)
        fast = await login_from(app, "10.0.0.1", [b"password=right"])  # even from the same address
        return await slow, fast

    (slow_status, slow_took), (fast_status, fast_took) = asyncio.run(both())
    assert slow_status == 408 and slow_took < 1.5
    assert fast_status == 200 and fast_took < 0.3


def test_the_login_back_off_is_per_address() -> None:
    app = login_app()

    async def tries() -> list[int]:
        wrong = [(await login_from(app, "10.0.0.1", [b"password=wrong"]))[0] for _ in range(3)]
        other = (await login_from(app, "10.0.0.2", [b"password=right"]))[0]
        return [*wrong, other]

    assert asyncio.run(tries()) == [400, 400, 429, 200]


def test_client_addresses_come_from_the_socket_unless_a_proxy_is_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told otherwise: the server tells it otherwise."""
    from assistant.web.server_setup import trust_proxies

    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
    trust_proxies(Settings())
    assert __import__("os").environ["FORWARDED_ALLOW_IPS"] == ""
    trust_proxies(Settings(trusted_proxies=("10.0.0.5", "192.168.0.0/24")))
    assert __import__("os").environ["FORWARDED_ALLOW_IPS"] == "10.0.0.5,192.168.0.0/24"


def test_uploads_have_a_count_and_byte_quota_per_address() -> None:
    browser = client(web_limits.Limits(**{**LIMITS.__dict__, "upload_quota_count": 3, "upload_quota_bytes": 10**6}))
    codes = [browser.post("/gradio_api/upload", files={"files": (f"{n}.txt", b"x")}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = browser.post("/gradio_api/upload", files={"files": ("a.txt", b"x")})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 3000
    assert refused.text.startswith("upload quota used: 3 uploads")


def test_the_upload_byte_quota_refuses_while_the_file_arrives() -> None:
    browser = client(web_limits.Limits(**{**LIMITS.__dict__, "upload_quota_bytes": 6000}))
    assert browser.post("/gradio_api/upload", files={"files": ("a.txt", b"x" * 4000)}).status_code == 200
    assert browser.post("/gradio_api/upload", files={"files": ("b.txt", b"x" * 4000)}).status_code == 429


def test_the_upload_quota_frees_up_as_the_window_slides() -> None:
    now = [0.0]
    quota = web_limits.UploadQuota(web_limits.Limits(**{**LIMITS.__dict__, "upload_quota_count": 1}), lambda: now[0])
    assert quota.start("a") is None and quota.start("a") and quota.start("b") is None
    now[0] = 3601.0
    assert quota.start("a") is None


# --- Gradio's temp folder (issue 20.4) -------------------------------------------------------


def test_gradio_keeps_its_files_inside_the_projects_index_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.ingest.ownership import claim
    from assistant.web.server_setup import temp_folder

    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    claim(tmp_path / "index")
    folder = temp_folder(Settings(index_dir=tmp_path / "index"))
    assert folder == tmp_path / "index" / "gradio-temp" and folder.stat().st_mode & 0o077 == 0


def test_gradio_uses_a_private_temp_folder_beside_an_index_folder_it_does_not_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.web.server_setup import temp_folder

    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    folder = temp_folder(Settings(index_dir=tmp_path / "someone-elses"))
    try:
        assert not (tmp_path / "someone-elses").exists() and folder.name.startswith("assistant-gradio-")
    finally:
        folder.rmdir()


def test_an_unwritable_gradio_temp_dir_stops_the_server_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20: with /tmp/gradio another user's, uploads failed with 500 and the server gave no warning."""
    from assistant.errors import InputError
    from assistant.web.server_setup import temp_folder

    taken = tmp_path / "gradio"
    taken.write_text("a file where the folder should be")  # unwritable as a folder, even for root
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(taken))
    with pytest.raises(InputError) as refused:
        temp_folder(Settings(index_dir=tmp_path / "index"))
    assert str(refused.value).startswith(f"GRADIO_TEMP_DIR={taken} cannot be written by this user")
    assert "\n" not in str(refused.value)


# --- the live UI ---------------------------------------------------------------------------


@contextmanager
def serving(tmp: Path, **options: Any) -> Iterator[str]:
    shutil.copytree(CORPUS, tmp / "corpus")
    settings = Settings(embedder="fake", corpus_dir=tmp / "corpus", index_dir=tmp / "index", login_delay_seconds=30)
    with served(Assistant.load(settings), tmp / "feedback.jsonl", settings=settings, **options) as address:
        yield address.rstrip("/")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("limits")) as address:
        yield address


def call_chat(url: str, data: list[Any]) -> str:
    """The raw two-step /gradio_api/call/chat protocol; the event stream's text."""
    event = httpx.post(f"{url}/gradio_api/call/chat", json={"data": data}, timeout=30).json()["event_id"]
    return httpx.get(f"{url}/gradio_api/call/chat/{event}", timeout=30).text


@pytest.mark.slow
def test_the_live_page_has_the_headers_and_refuses_other_hosts(url: str) -> None:
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200 and page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert httpx.get(url, headers={"Host": "evil.example"}, timeout=10).status_code == 400


@pytest.mark.slow
def test_the_live_server_refuses_big_bodies_uploads_and_cross_site_posts(url: str) -> None:
    big = httpx.post(f"{url}/gradio_api/call/chat", content=b"x" * 10_000_000, timeout=30)
    assert big.status_code == 413
    # the app has an upload component (the Documents tab): the route is open, for the allowed types only
    upload = httpx.post(f"{url}/gradio_api/upload", files={"files": ("a.exe", b"MZ" * 1000)}, timeout=30)
    assert upload.status_code == 415
    form = httpx.post(f"{url}/gradio_api/upload", data={"a": "b"}, headers={"Origin": "http://evil.example"})
    assert form.status_code == 403


@pytest.mark.slow
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["Who hosted the Critical Minerals Ministerial?", 5], "must be text, not int"),
        (["Who hosted the Critical Minerals Ministerial?", "x" * 100_000], "which is not a date"),
        ([12, ""], "the question must be text, not int"),
    ],
)
def test_raw_chat_calls_with_wrong_types_get_a_short_message(
    url: str, data: list[Any], message: str, capfd: pytest.CaptureFixture[str]
) -> None:
    text = call_chat(url, data)
    assert message in text and len(text) < 3000, text[:500]
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.slow
def test_a_raw_chat_call_with_a_lone_surrogate_is_answered(url: str) -> None:
    payload = '{"data": ["Who hosted the Critical Minerals Ministerial?\\ud800", ""]}'
    response = httpx.post(
        f"{url}/gradio_api/call/chat", content=payload, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    event = response.json()["event_id"]
    stream = httpx.get(f"{url}/gradio_api/call/chat/{event}", timeout=30).text
    assert "event: complete" in stream and "Marco Rubio" in json.loads(stream.split("data: ", 1)[1].splitlines()[0])[0]


@pytest.mark.slow
def test_with_a_login_a_burst_of_wrong_passwords_is_slowed(tmp_path: Path) -> None:
    with serving(tmp_path, auth=("ana", "s3cret-Passw0rd")) as url:
        codes = [
            httpx.post(f"{url}/login", data={"username": "ana", "password": f"wrong{n}"}, timeout=10).status_code
            for n in range(20)
        ]
        assert codes[:3] == [400, 400, 400] and set(codes[3:]) == {429}
        spoofed = [
            httpx.post(
                f"{url}/login",
                data={"username": "ana", "password": "s3cret-Passw0rd"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
                timeout=10,
            ).status_code
            for n in range(8)
        ]
        assert set(spoofed) == {429}  # issue 20: another forwarded address was a fresh start
        right = httpx.post(f"{url}/login", data={"username": "ana", "password": "s3cret-Passw0rd"}, timeout=10)
        assert right.status_code == 429  # even the right password waits its turn


def test_only_an_app_with_an_upload_component_takes_uploads() -> None:
    import gradio as gr

    from assistant.web import app as ui

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        with gr.Blocks() as plain:
            gr.Textbox()
        with gr.Blocks() as documents:
            gr.File(file_types=[".txt"])
        asyncio.set_event_loop(None)
        gc.collect()
    assert not ui.takes_uploads(plain) and ui.takes_uploads(documents)


@pytest.mark.slow
def test_a_live_app_with_an_upload_takes_allowed_files_within_the_cap(tmp_path: Path) -> None:
    """Gradio's own upload route behind the limits: types and size from the settings."""
    import gradio as gr

    from assistant.web import app as ui

    settings = Settings(max_upload_bytes=100_000, upload_types=(".txt",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        with gr.Blocks() as app:
            gr.File(file_types=[".txt"])
        port = free_port()
        ui.serve(app, port=port, settings=settings, prevent_thread_lock=True, quiet=True)
        asyncio.set_event_loop(None)
        gc.collect()
    try:
        url = f"http://127.0.0.1:{port}/gradio_api/upload"
        taken = httpx.post(url, files={"files": ("notes.txt", b"On May 1 the talks opened.\n")}, timeout=30)
        assert taken.status_code == 200 and taken.json()[0].endswith("notes.txt")
        assert httpx.post(url, files={"files": ("run.sh", b"echo")}, timeout=30).status_code == 415
        assert httpx.post(url, files={"files": ("big.txt", b"x" * 200_000)}, timeout=30).status_code == 413
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            app.close()
            gc.collect()
