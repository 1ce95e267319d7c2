"""The hardening probes as a suite (issue 11): web checks against a live server, the fault table, corpus oddities.

    .venv/bin/python evals/probe.py            # everything (make probe): web probes, floods, browser, fault table
    .venv/bin/python evals/probe.py --short    # the web probes only, no floods (what CI runs, tests/test_probe.py)
    .venv/bin/python evals/probe.py --flood-only --code /tmp/old-checkout   # floods against another checkout

It copies the corpus to a temp folder, starts `python -m assistant serve` (fake embedder) on a free
loopback port, runs every probe, and prints one line per probe and the counts: probes tried,
failed, tracebacks (in the server's log), answers lost (control questions that went unanswered
or wrong) and data lost (valid feedback not written, files the project did not create gone).
Floods: oversized questions, then feedback, from several clients while a control client asks
/chat; the server's memory (RSS) and the control client's p95 are reported. Exit 0 only if every
probe held and all four loss counts are 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import free_port, offline_env, percentile  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CONTROL = ("Who hosted the Critical Minerals Ministerial?", "Rubio")
MARKUP_DOC = (  # a corpus document carrying HTML and Markdown (markup_probes)
    "Zircon ledger\n\nThe zircon ledger margin reads <script>window.__pwned=1</script>, "
    '<img src=x onerror="window.__pwned=2">, **bold** and [a link](http://evil.example/p.png).\n'
)
MB = 1024 * 1024
RSS_CEILING_MB = 4096


@dataclass
class Report:
    results: list[tuple[str, bool, str]] = field(default_factory=list)
    answers_lost: int = 0
    data_lost: int = 0
    tracebacks: int = 0
    floods: dict[str, dict[str, float]] = field(default_factory=dict)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.results.append((name, ok, detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)

    def summary(self) -> dict[str, Any]:
        failed = [name for name, ok, _ in self.results if not ok]
        return {
            "probes": len(self.results),
            "failed": failed,
            "tracebacks": self.tracebacks,
            "answers_lost": self.answers_lost,
            "data_lost": self.data_lost,
            "floods": self.floods,
        }


# --- talking to the server -----------------------------------------------------------------


class Browser:
    """What a browser tab does over HTTP: Gradio's queue protocol under one session hash."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url + "/gradio_api", timeout=timeout)
        self.hash = uuid.uuid4().hex[:11]
        config = httpx.get(url + "/config", timeout=timeout).json()
        ids = {c.get("props", {}).get("elem_id"): c["id"] for c in config["components"]}
        self.events = {
            (trigger[1], trigger[0]): int(dep.get("id", i))
            for i, dep in enumerate(config["dependencies"])
            for trigger in dep.get("targets", [])
        }
        self.box, self.chat, self.ids = ids["question"], ids["chat"], ids
        self.takes = {int(dep.get("id", i)): len(dep.get("inputs", [])) for i, dep in enumerate(config["dependencies"])}

    def values(self, fn_index: int, *given: Any) -> list[Any]:
        """`given`, padded with None to as many values as the event takes (e.g. state the page keeps)."""
        return [*given, *[None] * (self.takes.get(fn_index, 0) - len(given))]

    def event(self, target: int, kind: str, data: list[Any], event_data: Any = None) -> dict[str, Any]:
        """Run one event; Gradio's `process_completed` message."""
        body = {
            "data": data,
            "fn_index": self.events[(kind, target)],
            "trigger_id": target,
            "session_hash": self.hash,
            "event_data": event_data,
        }
        content = json.dumps(body).encode()  # ASCII escapes: lone surrogates travel as a browser sends them
        joined = self.http.post("/queue/join", content=content, headers={"Content-Type": "application/json"})
        if joined.status_code != 200:
            return {"success": False, "status": joined.status_code, "output": joined.text[:200]}
        with self.http.stream("GET", "/queue/data", params={"session_hash": self.hash}) as stream:
            for line in stream.iter_lines():
                message = json.loads(line[5:]) if line.startswith("data:") else {}
                if message.get("msg") == "process_completed":
                    return message
        return {"success": False, "output": "the event stream ended"}

    def wait(self, event_id: Any) -> dict[str, Any]:
        """The `process_completed` message of an event already joined."""
        with self.http.stream("GET", "/queue/data", params={"session_hash": self.hash}) as stream:
            for line in stream.iter_lines():
                message = json.loads(line[5:]) if line.startswith("data:") else {}
                if message.get("msg") == "process_completed" and message.get("event_id") == event_id:
                    return message
        return {"success": False, "output": None}

    def ask(self, question: str, today: str = "2026-03-01") -> dict[str, Any]:
        return self.event(self.box, "submit", self.values(self.events[("submit", self.box)], question, today))

    def like(self, index: Any, liked: Any) -> dict[str, Any]:
        data = self.values(self.events[("like", self.chat)])
        return self.event(self.chat, "like", data, {"index": index, "value": "", "liked": liked})

    def close(self) -> None:
        self.http.close()


def last_answer(completed: dict[str, Any]) -> str:
    chat = completed.get("output", {}).get("data", [None, []])[1] or []
    content = chat[-1].get("content") if chat else ""
    parts = content if isinstance(content, list) else [content]
    return " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts)


def call_chat(url: str, data: Any, raw: bytes | None = None) -> str:
    """The two-step /gradio_api/call/chat protocol; the event stream's text (or the refusal)."""
    headers = {"Content-Type": "application/json"}
    body = raw if raw is not None else json.dumps({"data": data}).encode()
    posted = httpx.post(f"{url}/gradio_api/call/chat", content=body, headers=headers, timeout=60)
    if posted.status_code != 200:
        return f"HTTP {posted.status_code}: {posted.text[:200]}"
    return httpx.get(f"{url}/gradio_api/call/chat/{posted.json()['event_id']}", timeout=60).text


def control(url: str) -> tuple[bool, float]:
    """The control question through /chat: (answered correctly, seconds)."""
    began = time.perf_counter()
    try:
        ok = CONTROL[1] in call_chat(url, [CONTROL[0], ""])
    except httpx.HTTPError:
        ok = False
    return ok, time.perf_counter() - began


def chunks(total: int, size: int = MB) -> Iterator[bytes]:
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


# --- the web probes ------------------------------------------------------------------------


def status(response: httpx.Response) -> str:
    return f"{response.status_code} {response.text[:80]!r}"


def http_probes(url: str, report: Report) -> None:
    page = httpx.get(url, timeout=30)
    csp = page.headers.get("content-security-policy", "")
    report.add(
        "security headers on the page",
        "frame-ancestors 'none'" in csp
        and page.headers.get("x-frame-options") == "DENY"
        and page.headers.get("x-content-type-options") == "nosniff",
        csp[:60],
    )
    evil = httpx.get(url, headers={"Host": "evil.example"}, timeout=30)
    report.add("Host: evil.example refused", evil.status_code == 400, status(evil))
    for path, total in (("/gradio_api/call/chat", 10 * MB), ("/gradio_api/queue/join", 50 * MB)):
        sized = httpx.post(url + path, content=b"x" * total, timeout=60)
        report.add(f"{total // MB} MB body to {path} refused by its length", sized.status_code == 413, status(sized))
        streamed = httpx.post(url + path, content=chunks(total), timeout=60)
        report.add(f"{total // MB} MB chunked body to {path} refused", streamed.status_code == 413, status(streamed))
    head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'
    upload = httpx.post(
        url + "/gradio_api/upload",
        content=itertools.chain([head], chunks(200 * MB)),  # a well-formed start: only the size can refuse it
        headers={"Content-Type": "multipart/form-data; boundary=b"},
        timeout=60,
    )
    report.add("200 MB upload refused", upload.status_code == 413, status(upload))
    form = httpx.post(
        url + "/gradio_api/upload", data={"files": "x"}, headers={"Origin": "http://evil.example"}, timeout=30
    )
    report.add("cross-site form POST to the upload refused", form.status_code == 403, status(form))
    fetch = httpx.post(url + "/gradio_api/queue/join", json={}, headers={"Sec-Fetch-Site": "cross-site"}, timeout=30)
    report.add("cross-site fetch POST refused", fetch.status_code == 403, status(fetch))
    for path in ("/gradio_api/file=/etc/passwd", "/gradio_api/file=../../../../etc/passwd"):
        leaked = httpx.get(url + path, timeout=30)
        report.add(f"GET {path} refused", leaked.status_code >= 400 and "root:" not in leaked.text, status(leaked))


def chat_api_probes(url: str, report: Report) -> None:
    cases = [
        ("integer today", [CONTROL[0], 5], "must be text, not int"),
        ("5 MB today", None, "413"),
        ("200 KB today", [CONTROL[0], "x" * 200_000], "which is not a date"),
        ("list as the question", [["q"], ""], "the question must be text"),
        ("2,000-character question", ["x " * 1000, ""], "maximum is 1000"),
        ("empty question", ["", ""], "empty"),
        ("too few arguments", [], "takes 2 values"),
    ]
    for name, data, expected in cases:
        raw = json.dumps({"data": [CONTROL[0], "x" * 5 * MB]}).encode() if data is None else None
        text = call_chat(url, data, raw)
        report.add(f"/chat with {name}: one short error", expected in text and len(text) < 1000, text[:100])
    surrogate = call_chat(url, None, b'{"data": ["Who hosted the Critical Minerals Ministerial?\\ud800", ""]}')
    report.add("/chat with a lone surrogate: answered", "Rubio" in surrogate, surrogate[:100])
    from gradio_client import Client

    client = Client(url + "/", verbose=False)
    try:
        client.predict("x" * 5000, "", api_name="/chat")
        report.add("gradio_client: 5,000-character question refused", False)
    except Exception as err:  # noqa: BLE001 - the refusal is what is probed
        report.add("gradio_client: 5,000-character question refused", "maximum is 1000" in str(err), str(err)[:80])
    report.add("gradio_client: control answered", CONTROL[1] in client.predict(CONTROL[0], "", api_name="/chat"))
    client.close()


NESTED = b'{"data": ' + b"[" * 50_000 + b"]" * 50_000 + b', "fn_index": 0, "session_hash": "deep"}'


def edge_cases(tab: Browser) -> list[tuple[str, str, str, Any]]:
    """(name, method, path, body) of issue 20's web probes: each must get a 4xx, never a 500."""
    submit, like = tab.events[("submit", tab.box)], tab.events[("like", tab.chat)]
    select, remove = tab.events[("select", tab.chat)], tab.events[("click", tab.ids["remove"])]
    upload = tab.events[("upload", tab.ids["upload"])]

    def joined(fn_index: Any, data: Any, event_data: Any = None) -> dict[str, Any]:
        return {"data": data, "fn_index": fn_index, "session_hash": tab.hash, "event_data": event_data}

    return [
        ("a JSON body nested 50,000 deep to queue/join", "POST", "/queue/join", NESTED),
        ("a JSON body nested 50,000 deep to call/chat", "POST", "/call/chat", NESTED),
        ("/call/respond (no such endpoint)", "POST", "/call/respond", {"data": ["q", "", None]}),
        ("/call/v2/chat with an extra key", "POST", "/call/v2/chat", {"message": "q", "today": "", "extra": 1}),
        ("/call/v2/nothing (no such endpoint)", "POST", "/call/v2/nothing", {"message": "q"}),
        ("queue/join with fn_index -1", "POST", "/queue/join", joined(-1, ["q", "", None])),
        ("queue/join with fn_index 10**20", "POST", "/queue/join", joined(10**20, ["q", "", None])),
        ("queue/join with fn_index as text", "POST", "/queue/join", joined("0", ["q", "", None])),
        ("queue/join without a session", "POST", "/queue/join", {"data": ["q", "", None], "fn_index": submit}),
        ("the chat box event with too few values", "POST", "/queue/join", joined(submit, ["q"])),
        ("the chat box event with numbers", "POST", "/queue/join", joined(submit, tab.values(submit, 5, 6, 7, 8))),
        ("the chat box event with dicts", "POST", "/queue/join", joined(submit, tab.values(submit, {"a": 1}, {}))),
        ("a like without event data", "POST", "/queue/join", joined(like, tab.values(like))),
        ("a like with event data of the wrong shape", "POST", "/queue/join", joined(like, tab.values(like), ["x"])),
        (
            "a like of a message that is not there",
            "POST",
            "/queue/join",
            joined(like, tab.values(like), {"index": [99, 0], "value": "", "liked": True}),
        ),
        ("a select without event data", "POST", "/queue/join", joined(select, tab.values(select))),
        (
            "a select with a text index",
            "POST",
            "/queue/join",
            joined(select, tab.values(select), {"index": "x", "value": 1}),
        ),
        ("removing a document not in the list", "POST", "/queue/join", joined(remove, ["no-such-document.txt"])),
        ("removing a document by a path", "POST", "/queue/join", joined(remove, ["../../etc/passwd"])),
        ("removing with a number", "POST", "/queue/join", joined(remove, [5])),
        ("an upload event with a number", "POST", "/queue/join", joined(upload, [5])),
        (
            "an upload event with a path outside the uploads",
            "POST",
            "/queue/join",
            joined(upload, [[{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}]]),
        ),
        ("queue/data?session_hash=../../x", "GET", "/queue/data?session_hash=../../x", None),
        ("queue/data without a session", "GET", "/queue/data", None),
        ("the result of an event that does not exist", "GET", "/call/chat/no-such-event", None),
        ("the result of an endpoint that does not exist", "GET", "/call/respond/abc", None),
    ]


def edge_probes(url: str, report: Report) -> None:
    """Issue 20's web probes: bad routes, bodies and event data get one 4xx line, never a 500 or a traceback."""
    tab = Browser(url, timeout=30)
    for name, method, path, body in edge_cases(tab):
        content = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        try:
            if method == "GET":
                with tab.http.stream("GET", path, timeout=5) as response:
                    code = response.status_code
                    text = response.read().decode(errors="replace")[:200] if code != 200 else ""
            else:
                response = tab.http.post(path, content=content, headers=headers)
                code, text = response.status_code, response.text[:200]
            if code == 200 and method == "POST":  # taken: the handler must answer (an error line or a value)
                completed = tab.wait(response.json().get("event_id"))
                output = completed.get("output")
                crashed = output is None or (isinstance(output, dict) and output.get("error", "") is None)
                code = 500 if crashed else 200  # {"error": None}: the handler raised something unplanned
                text = f"handled: {str(completed.get('output'))[:200]}"
        except httpx.HTTPError as err:
            code, text = 0, f"{type(err).__name__}: {err}"[:200]
        report.add(f"edge: {name}: 4xx or a handled error", 0 < code < 500, f"{code} {text!r}")
    tab.close()


def session_probes(url: str, feedback: Path, report: Report) -> int:
    """Chat box and feedback probes; returns how many valid feedback records are missing from the file."""
    tab = Browser(url)
    big = tab.ask("x" * 200_000)
    report.add("chat box: 200 KB question refused", "maximum is 1000" in last_answer(big), last_answer(big)[:80])
    after = tab.ask(CONTROL[0])
    echoed = max((len(json.dumps(m)) for m in after.get("output", {}).get("data", [None, []])[1]), default=0)
    report.add(
        "chat box: refused question not kept whole in the session",
        echoed < 5000 and CONTROL[1] in last_answer(after),
        f"largest message {echoed} chars",
    )
    surrogate = tab.ask("Who hosted the Critical Minerals Ministerial?\ud800")
    report.add(
        "chat box: lone surrogate answered (memo written)",
        surrogate.get("success", False) and CONTROL[1] in last_answer(surrogate),
        str(surrogate.get("output"))[:80],
    )
    tab.ask(CONTROL[0])
    before = lines(feedback)
    bad = [
        tab.like([3, 0], "x" * 100_000),
        tab.like([3, 0], {"verdict": "up", "extra": "x" * 1000}),
        tab.like("1", True),
    ]
    report.add(
        "feedback: payload outside the fixed set not written",
        lines(feedback) == before and all(b.get("success", True) for b in bad),
    )
    valid = sum(bool(tab.like([3, 0], True).get("success")) for _ in range(3))
    written = lines(feedback) - before
    report.add(
        "feedback: valid thumbs written, only the app's fields",
        written == valid == 3 and fields_ok(feedback),
        f"{written} lines",
    )
    for _ in range(40):
        tab.like([3, 0], False)
    flooded = lines(feedback) - before
    report.add("feedback: at most 20 a minute per session", flooded <= 20, f"{flooded} lines")
    tab.close()
    return max(0, 3 - written)


def chat_texts(completed: dict[str, Any]) -> tuple[str, str]:
    """(the last question, the last answer) as the chat received them (Markdown)."""
    chat = completed.get("output", {}).get("data", [None, []])[1] or [{}, {}]
    texts = []
    for message in chat[-2:]:
        content = message.get("content")
        parts = content if isinstance(content, list) else [content]
        texts.append(" ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts))
    return texts[0], texts[1]


def escaped(text: str) -> bool:
    """No raw HTML tag, Markdown emphasis or Markdown link left in chat Markdown."""
    return not re.search(r"<(script|img)|(?<!\\)\*\*bold|(?<!\\)\]\(http", text, re.IGNORECASE)


def markup_probes(url: str, report: Report) -> None:
    """HTML and Markdown in a document and in a question reach the chat escaped (shown, not rendered)."""
    tab = Browser(url)
    _, answer = chat_texts(tab.ask("What does the zircon ledger margin read?"))
    report.add(
        "chat box: HTML and Markdown quoted from a document escaped",
        "&lt;script&gt;" in answer and "\\*\\*bold\\*\\*" in answer and escaped(answer),
        answer[:120],
    )
    typed = '<img src=x onerror="window.__pwned=3"> **bold** [a link](http://evil.example/p.png) who hosted it?'
    question, _ = chat_texts(tab.ask(typed))
    report.add(
        "chat box: HTML and Markdown typed in a question escaped",
        "&lt;img" in question and escaped(question),
        question[:120],
    )
    tab.close()


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def fields_ok(path: Path) -> bool:
    keys = {"time", "question", "answer", "citations", "abstained", "as_of", "verdict"}
    optional = {"turn"}  # the answer's id in the conversation store
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return all(keys <= set(r) <= keys | optional and r["verdict"] in ("up", "down") for r in records)


# Issue 20's failures as table-driven tests, each a probe: damaged Word files and budgets (guarded door), the
# user's index folder, the web edge in-process, the cap on conflict citations, and the other failures
# (a FIFO as CURRENT, a full disk, bad settings and serve options, odd corpus entries, ...).
ISSUE_20_TABLE = [
    "tests/test_guarded.py",
    "tests/test_ownership.py",
    "tests/test_web_limits.py",
    "tests/test_other_failures.py",
    "tests/test_conflicts.py::test_an_answer_shows_at_most_five_values_of_one_disagreement",
    "tests/test_conflicts.py::test_a_disagreement_among_many_near_copies_cites_five_values_and_counts_the_rest",
]
PASSWORD = "s3cret-Passw0rd"
UPLOAD_QUOTA = 5  # the login server's ASSISTANT_UPLOAD_QUOTA_COUNT


def slow_login(url: str, outcome: list[str]) -> None:
    """A login form sent one byte a second; its answer goes to `outcome`."""

    def trickle() -> Iterator[bytes]:
        for byte in b"username=ana&password=slowly-slowly":
            time.sleep(1)
            yield bytes([byte])

    try:
        response = httpx.post(
            url + "/login", content=trickle(), headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=60
        )
        outcome.append(str(response.status_code))
    except httpx.HTTPError as err:
        outcome.append(type(err).__name__)


def code_of(request: Callable[[], httpx.Response]) -> int:
    """The status of a request; 0 when it failed (timed out, reset)."""
    try:
        return request().status_code
    except httpx.HTTPError:
        return 0


def login_probes(url: str, report: Report) -> None:
    upload = httpx.post(url + "/gradio_api/upload", files={"files": ("a.txt", b"x")}, timeout=30)
    report.add("login: upload without a login refused", upload.status_code in (401, 403), status(upload))
    slow: list[str] = []
    trickling = threading.Thread(target=slow_login, args=(url, slow))
    trickling.start()
    time.sleep(1.5)
    began = time.perf_counter()
    browser = httpx.Client(base_url=url, timeout=30)
    right = code_of(lambda: browser.post("/login", data={"username": "ana", "password": PASSWORD}, timeout=10))
    took = time.perf_counter() - began
    report.add("login: a form sent at 1 byte/s holds up no other login", right == 200 and took < 2, f"{took:.1f} s")
    trickling.join()
    report.add("login: a form sent at 1 byte/s times out (408)", slow == ["408"], str(slow))
    uploads = [
        code_of(lambda n=n: browser.post("/gradio_api/upload", files={"files": (f"n{n}.txt", b"x" * 1000)}))
        for n in range(UPLOAD_QUOTA)
    ]
    report.add(  # the refused upload without a login above counted too: it was sent
        f"login: uploads over the quota of {UPLOAD_QUOTA} per address refused (429)",
        uploads == [200] * (UPLOAD_QUOTA - 1) + [429],
        str(uploads),
    )
    browser.close()
    codes = [
        httpx.post(url + "/login", data={"username": "ana", "password": f"w{n}"}, timeout=30).status_code
        for n in range(20)
    ]
    report.add(
        "login: 20 wrong passwords, slowed after 3", codes[:3] == [400] * 3 and set(codes[3:]) == {429}, str(codes[:6])
    )
    spoofed = [
        httpx.post(
            url + "/login",
            data={"username": "ana", "password": f"s{n}"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=30,
        ).status_code
        for n in range(8)
    ]
    report.add("login: 8 spoofed X-Forwarded-For addresses still slowed", set(spoofed) == {429}, str(spoofed))
    config = httpx.get(url + "/config", timeout=30)
    report.add("login: nothing without a login", config.status_code == 401, status(config))


# --- floods --------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


def flood(
    name: str, url: str, pid: int, worker: Callable[[int], None], report: Report, clients: int, seconds: float
) -> None:
    """`clients` threads run `worker` for `seconds` while a control client asks /chat; RSS sampled."""
    stop, peak, latencies, lost = threading.Event(), [rss_mb(pid)], [], [0]
    start_rss = peak[0]

    def sample() -> None:
        while not stop.is_set():
            peak.append(rss_mb(pid))
            if peak[-1] > RSS_CEILING_MB:  # the machine matters more than the figure
                print(f"flood {name}: stopped at {peak[-1]:.0f} MB", flush=True)
                stop.set()
            time.sleep(0.25)

    def controller() -> None:
        while not stop.is_set():
            ok, took = control(url)
            latencies.append(took)
            lost[0] += not ok
            time.sleep(0.3)

    def loop(n: int) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not stop.is_set():
            try:
                worker(n)
            except httpx.HTTPError:
                pass

    threads = [threading.Thread(target=sample), threading.Thread(target=controller)]
    for t in threads:
        t.start()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(loop, range(clients)))
    time.sleep(2)
    stop.set()
    for t in threads:
        t.join()
    p95 = percentile(latencies, 95) if latencies else float("inf")
    result = {
        "rss_start_mb": round(start_rss),
        "rss_peak_mb": round(max(peak)),
        "rss_end_mb": round(rss_mb(pid)),
        "control_p95_s": round(p95, 2),
        "control_requests": len(latencies),
        "control_lost": lost[0],
    }
    report.floods[name] = result
    report.answers_lost += lost[0]
    report.add(
        f"flood: {name}: RSS < 1 GB, others' p95 < 2 s",
        max(peak) < 1024 and p95 < 2 and lost[0] == 0,
        json.dumps(result),
    )


def floods(url: str, pid: int, report: Report, question_bytes: int, seconds: float, feedback: Path) -> None:
    kept: dict[int, Browser] = {}

    def big_question(n: int) -> None:
        """Raw 10 MB bodies; big questions from fresh sessions; big questions again and again in one session."""
        if n % 3 == 0:
            httpx.post(url + "/gradio_api/queue/join", content=chunks(10 * MB), timeout=120)
        elif n % 3 == 1:
            Browser(url, timeout=120).ask("x" * question_bytes)
        else:
            kept.setdefault(n, Browser(url, timeout=120)).ask("x" * question_bytes)

    tabs: dict[int, Browser] = {}

    def like(n: int) -> None:
        tab = tabs.get(n)
        if tab is None:
            tab = tabs[n] = Browser(url, timeout=120)
            tab.ask(CONTROL[0])
        tab.like([1, 0], "x" * 200_000 if n % 2 else True)

    flood(f"oversized questions ({question_bytes // 1000} KB and 10 MB)", url, pid, big_question, report, 6, seconds)
    flood("feedback", url, pid, like, report, 6, seconds)
    files = [p for p in feedback.parent.glob(feedback.name + "*")]
    report.floods["feedback"]["feedback_files_mb"] = round(sum(p.stat().st_size for p in files) / MB, 1)
    report.floods["feedback"]["feedback_records"] = sum(lines(p) for p in files)


# --- the suites run by pytest --------------------------------------------------------------


def pytest_probes(report: Report, name: str, args: list[str]) -> None:
    """Run tests as probes: each passed test is a probe that held; each failed or skipped one (a
    probe not tried, e.g. no Chromium) is one that did not."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "ASSISTANT_REQUIRE_BROWSER": "1"},
    )
    tail = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-200:]
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|error|skipped)", tail)}
    for n in range(counts.get("passed", 0)):
        report.results.append((f"{name} #{n + 1}", True, ""))
    for n in range(counts.get("failed", 0) + counts.get("error", 0) + counts.get("skipped", 0)):
        report.results.append((f"{name} failure #{n + 1}", False, tail))
    print(f"{'ok  ' if run.returncode == 0 else 'FAIL'} {name}: {tail}", flush=True)


# --- the run -------------------------------------------------------------------------------


def serve(code: Path, work: Path, env: dict[str, str], *extra: str) -> tuple[Any, str, Path]:
    """`python -m assistant serve` from the checkout `code`, on a free port, once it answers HTTP."""
    port = free_port()
    log = work / f"server-{port}.log"
    where = [
        "--corpus",
        str(work / "corpus"),
        "--index",
        str(work / "index"),
        "--feedback",
        str(work / "feedback.jsonl"),
    ]
    cmd = [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--watch", "0", *where, *extra]
    with log.open("wb") as out:
        server = subprocess.Popen(
            cmd, env=env | {"PYTHONPATH": str(code)}, cwd=code, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return server, f"http://127.0.0.1:{port}", log
        except httpx.HTTPError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the server did not start in time")


def stop(server: Any) -> None:
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()


def run(
    short: bool, code: Path = REPO, flood_only: bool = False, question_bytes: int = 200_000, seconds: float = 20
) -> Report:
    """Every probe (`short`: the web probes without floods, browser or pytest suites); the report."""
    import shutil

    from assistant.ingest.ownership import claim

    report = Report()
    with tempfile.TemporaryDirectory(prefix="probe-") as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "corpus", work / "corpus")
        (work / "corpus" / "docs" / "zircon-ledger.txt").write_text(MARKUP_DOC, encoding="utf-8")
        claim(work / "index")  # the project's index folder: inside it, folders it did not make are left alone
        sentinels = [work / "index" / "build-output" / "keep.txt", work / "index" / "build-2024-release" / "keep.txt"]
        for sentinel in sentinels:
            sentinel.parent.mkdir(parents=True)
            sentinel.write_text("not the project's\n")
        env = offline_env(work, "fake") | {"ASSISTANT_ABSTAIN_BELOW": "0.02"}
        server, url, log = serve(code, work, env)
        logs = [log]
        try:
            if not flood_only:
                http_probes(url, report)
                edge_probes(url, report)
                chat_api_probes(url, report)
                report.data_lost += session_probes(url, work / "feedback.jsonl", report)
                markup_probes(url, report)
            if not short:
                floods(url, server.pid, report, question_bytes, seconds, work / "feedback.jsonl")
            ok, _ = control(url)
            report.answers_lost += not ok
        finally:
            stop(server)
        if not flood_only:
            quota = {"ASSISTANT_UPLOAD_QUOTA_COUNT": str(UPLOAD_QUOTA)}
            server, url, log = serve(code, work, env | quota, "--auth", f"ana:{PASSWORD}")
            logs.append(log)
            try:
                login_probes(url, report)
            finally:
                stop(server)
        for path in logs:
            text = path.read_text(errors="replace")
            report.tracebacks += text.count("Traceback (most recent call last)")
            for match in re.finditer(r"Traceback \(most recent call last\):\n(?:[ \t].*\n)*.*", text):
                print(f"traceback in the server log: {match.group(0).splitlines()[-1][:200]}", flush=True)
        report.data_lost += sum(not s.exists() for s in sentinels)
        if not short and not flood_only:
            pytest_probes(report, "fault table (tests/test_faults.py)", ["tests/test_faults.py"])
            pytest_probes(
                report,
                "corpus oddities (tests/test_corpus.py, test_aliases.py)",
                ["tests/test_corpus.py", "tests/test_aliases.py"],
            )
            pytest_probes(report, "browser (tests/test_browser.py)", ["tests/test_browser.py"])
            pytest_probes(report, "issue 20 fault table", ISSUE_20_TABLE)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="web probes only: no floods, browser or pytest suites")
    parser.add_argument("--flood-only", action="store_true", help="only the floods (e.g. against an older --code)")
    parser.add_argument("--code", type=Path, default=REPO, help="checkout whose server is probed (default: this one)")
    parser.add_argument("--question-bytes", type=int, default=200_000, help="size of each flooded question")
    parser.add_argument("--seconds", type=float, default=20, help="length of each flood")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args()
    report = run(args.short, args.code, args.flood_only, args.question_bytes, args.seconds)
    summary = report.summary()
    print(
        f"\nprobes tried: {summary['probes']}, failed: {len(summary['failed'])}, tracebacks: {summary['tracebacks']}, "
        f"answers lost: {summary['answers_lost']}, data lost: {summary['data_lost']}"
    )
    for name, figures in summary["floods"].items():
        print(f"flood {name}: {figures}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    held = (
        not summary["failed"] and not summary["tracebacks"] and not summary["answers_lost"] and not summary["data_lost"]
    )
    return 0 if held else 1


if __name__ == "__main__":
    raise SystemExit(main())
