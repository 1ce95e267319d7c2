"""Load test: concurrent chat sessions against a running `assistant serve`, with re-ingestion mid-run.

    .venv/bin/python evals/load_test.py                      # 16 sessions x 27 questions, fake embedder
    .venv/bin/python evals/load_test.py --embedder minilm    # the real model
    .venv/bin/python evals/load_test.py --sessions 32 --questions 50 --json evals/out/load.json

It copies the corpus to a temp folder, starts `python -m assistant serve` on a free loopback port
and runs every session at once, each with its own gradio_client.Client (its own Gradio session).
A session repeats a cycle of three questions:

  1. its opening question, through the chat box (the UI's submit event: server-side history),
  2. a follow-up ("And with Mexico?") through the chat box: the answer must follow from *this*
     session's opening question; the openings differ between sessions (a date, a day count,
     an event), so context leaking from another session shows as a wrong answer,
  3. a stateless question through the `/chat` API, whose answer must match that question.

It also checks that each session's returned chat history holds exactly its own messages.
Meanwhile a document is edited and `python -m assistant ingest` rebuilds the index: the running
server keeps answering from the index it loaded (no errors) while the new build is written and
swapped in, then moves to the new build within seconds, without a restart; a fresh
`assistant ask --no-rebuild` sees the new build too.
Bounded: at most --sessions x --questions requests, and the whole run stops after --timeout s.
Exit code 0 only if there were no errors. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-03-01"
# (opening question, phrase its answer has, follow-up, phrases the follow-up's answer must have, must not have)
OPENINGS = [
    ("By what date must the memorandum with Japan and the EU be signed?", "March 6, 2026", "And with Mexico?",
     ["action plan with Mexico", "April 5, 2026"], ["days from today", "Japan"]),
    ("How many days are left until the action plan with Mexico is due?", "35 days", "And with Japan and the EU?",
     ["Japan and the EU", "5 days from today"], ["35 days", "April 5"]),
    ("When was the Critical Minerals Ministerial held?", "February 4, 2026", "And with Mexico?",
     ["February 4, 2026"], ["April 5", "days from today"]),
]  # fmt: skip
# Stateless /chat questions and a phrase each answer must contain.
STATELESS = [
    ("How many nations attended the ministerial?", "54"),
    ("Who hosted the Critical Minerals Ministerial?", "Rubio"),
    ("By what date must the memorandum with Japan and the EU be signed?", "March 6, 2026"),
    ("When is the action plan with Mexico due?", "April 5, 2026"),
]
ADDENDUM = "\nIn a late addendum, the Zanzibar cobalt accord was signed by eleven partners.\n"
NEW_QUESTION = "What was signed in the Zanzibar cobalt accord?"


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"chat box": [], "follow-up": [], "/chat": []})
    errors: list[str] = field(default_factory=list)
    during_ingest: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None, ingesting: bool) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.during_ingest += ingesting
            if error:
                self.errors.append(error)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def offline_env(tmp: Path, embedder: str) -> dict[str, str]:
    return os.environ | {
        "ASSISTANT_EMBEDDER": embedder, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1", "GRADIO_ANALYTICS_ENABLED": "False",
        "GRADIO_TEMP_DIR": str(tmp / "gradio"), "MPLCONFIGDIR": str(tmp / "mpl"), "PYTHONPATH": str(REPO),
    }  # fmt: skip


def start_server(corpus: Path, index: Path, port: int, env: dict[str, str], log: Path, deadline: float) -> Any:
    """`python -m assistant serve` on 127.0.0.1:port (its default host), once it answers HTTP."""
    import httpx

    where = ["--corpus", str(corpus), "--index", str(index)]
    cmd = [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--watch", "0", *where]
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        server = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start in time")


class Session:
    """One browser-like session: a gradio_client.Client for `/chat`, and the chat box's submit
    event (private to the UI, so called over Gradio's queue protocol as the browser does) under
    the same session hash, whose server-side state holds this session's history."""

    def __init__(self, url: str, timeout: float) -> None:
        import httpx
        from gradio_client import Client

        self.client = Client(url, verbose=False)
        self.http = httpx.Client(base_url=url.rstrip("/") + "/gradio_api", timeout=timeout)
        self.hash = self.client.session_hash or uuid.uuid4().hex
        self.fn_index, self.trigger, self.takes = self._submit_event()
        self.sent: list[str] = []

    def _submit_event(self) -> tuple[int, int, int]:
        """(fn_index, trigger id, how many values it takes) of the chat box's submit event."""
        box = next(c["id"] for c in self.client.config["components"] if c.get("props", {}).get("elem_id") == "question")
        for i, dep in enumerate(self.client.config["dependencies"]):
            if [box, "submit"] in [list(t) for t in dep.get("targets", [])]:
                return int(dep.get("id", i)), box, len(dep.get("inputs", []))
        raise RuntimeError("no submit event on the question box")

    def ask_chat_box(self, message: str) -> tuple[str, list[Any]]:
        """Submit `message` in the chat box; the last answer and the whole chat as the server returns it."""
        data = [message, TODAY, *[None] * (self.takes - 2)]  # the rest is state the page keeps
        body = {"data": data, "fn_index": self.fn_index, "trigger_id": self.trigger,
                "session_hash": self.hash, "event_data": None}  # fmt: skip
        self.http.post("/queue/join", json=body).raise_for_status()
        self.sent.append(message)
        with self.http.stream("GET", "/queue/data", params={"session_hash": self.hash}) as stream:
            for line in stream.iter_lines():
                event = json.loads(line[5:]) if line.startswith("data:") else {}
                if event.get("msg") == "process_completed":
                    if not event.get("success", True):
                        raise RuntimeError(f"chat box error: {event.get('output')}")
                    chat = event["output"]["data"][1]
                    return text_of(chat[-1]), chat
        raise RuntimeError("the event stream ended without a result")

    def close(self) -> None:
        self.http.close()
        self.client.close()


def text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    parts = content if isinstance(content, list) else [content]
    return " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in parts)


def run_session(
    n: int, url: str, questions: int, stats: Stats, ingesting: threading.Event, start: threading.Barrier, timeout: float
) -> None:
    opening, expect, follow_up, must, must_not = OPENINGS[n % len(OPENINGS)]
    session = Session(url, timeout)
    start.wait()
    try:
        for i in range(questions):
            step, cycle = i % 3, i // 3
            began, error = time.perf_counter(), None
            try:
                if step == 0:
                    kind, (answer, chat) = "chat box", session.ask_chat_box(opening)
                    error = None if expect in answer else f"session {n}: opening {opening!r} -> {answer[:120]}"
                elif step == 1:
                    kind, (answer, chat) = "follow-up", session.ask_chat_box(follow_up)
                    missing = [w for w in must if w not in answer] + [f"not {w}" for w in must_not if w in answer]
                    error = f"session {n} ({opening!r}): follow-up wrong {missing}: {answer[:160]}" if missing else None
                    mine = [text_of(m) for m in chat if m.get("role") == "user"]
                    if mine != session.sent:
                        error = f"session {n}: chat history holds other messages: {mine[-3:]} vs {session.sent[-3:]}"
                else:
                    question, phrase = STATELESS[(n + cycle) % len(STATELESS)]
                    kind, answer = "/chat", session.client.predict(question, TODAY, api_name="/chat")
                    error = None if phrase in answer else f"session {n}: /chat {question!r} -> {answer[:120]}"
            except Exception as err:  # noqa: BLE001 - every failure is counted and reported, none may stop the run
                kind = {0: "chat box", 1: "follow-up", 2: "/chat"}[step]
                error = f"session {n}: {type(err).__name__}: {err}"
            stats.record(kind, time.perf_counter() - began, error, ingesting.is_set())
    finally:
        session.close()


def reingest(
    corpus: Path,
    index: Path,
    env: dict[str, str],
    ingesting: threading.Event,
    when: threading.Event,
    result: dict[str, Any],
) -> None:
    """Once `when` is set: edit the article and rebuild the index while the server keeps serving."""
    when.wait()
    article = next((corpus / "docs").glob("*.txt"))
    article.write_text(article.read_text("utf-8") + ADDENDUM, "utf-8")
    before = (index / "CURRENT").read_text().strip()
    ingesting.set()
    began = time.perf_counter()
    cmd = [sys.executable, "-m", "assistant", "ingest", "--corpus", str(corpus), "--index", str(index)]
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    ingesting.clear()
    result.update(seconds=round(time.perf_counter() - began, 2), exit_code=done.returncode, before=before,
                  after=(index / "CURRENT").read_text().strip(), stderr=done.stderr[-500:])  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def after_swap_checks(url: str, corpus: Path, index: Path, env: dict[str, str], swap: dict[str, Any]) -> list[str]:
    """After the swap the running server moves to the new build (within seconds, no restart);
    a fresh process sees it too."""
    from gradio_client import Client

    problems = []
    if swap.get("exit_code") != 0 or swap.get("before") == swap.get("after"):
        problems.append(f"re-ingestion did not swap in a new build: {swap}")
    client, answer, waited = Client(url, verbose=False), "", time.monotonic()
    while "Zanzibar" not in answer and time.monotonic() - waited < 15:
        answer = client.predict(NEW_QUESTION, TODAY, api_name="/chat")
        time.sleep(0.5)
    if "Zanzibar" not in answer:
        problems.append(f"the running server did not move to the new build: {answer[:160]}")
    where = ["--corpus", str(corpus), "--index", str(index)]
    cmd = [sys.executable, "-m", "assistant", "ask", NEW_QUESTION, "--json", "--no-rebuild", *where]
    fresh = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    citations = json.loads(fresh.stdout).get("citations", []) if fresh.returncode == 0 else []
    quotes = [c["quote"] for c in citations]
    if not any("Zanzibar" in q for q in quotes):
        problems.append(f"a fresh process does not see the new build: {fresh.stdout[:200]} {fresh.stderr[-200:]}")
    return problems


def run(
    sessions: int = 16,
    questions: int = 27,
    embedder: str = "fake",
    timeout: float = 300,
    with_reingest: bool = True,
    work: Path | None = None,
) -> dict[str, Any]:
    """Run the load test; return the report (errors listed in it)."""
    deadline = time.monotonic() + timeout
    tmp = Path(work or tempfile.mkdtemp(prefix="load-test-"))
    corpus, index = tmp / "corpus", tmp / "index"
    shutil.copytree(REPO / "corpus", corpus)
    env = offline_env(tmp, embedder)
    port = free_port()
    server = start_server(corpus, index, port, env, tmp / "server.log", deadline)
    url = f"http://127.0.0.1:{port}/"
    stats, ingesting, halfway, swap = Stats(), threading.Event(), threading.Event(), {}
    try:
        start = threading.Barrier(sessions)
        watcher = threading.Thread(target=reingest, args=(corpus, index, env, ingesting, halfway, swap), daemon=True)
        if with_reingest:
            watcher.start()
        began = time.perf_counter()
        with ThreadPoolExecutor(sessions) as pool:
            args = (url, questions, stats, ingesting, start, 60.0)
            futures = [pool.submit(run_session, n, *args) for n in range(sessions)]
            total = sessions * questions
            while not all(f.done() for f in futures):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the load test ran over {timeout} s")
                done = sum(len(v) for v in stats.latencies.values())
                if done >= total // 4:
                    halfway.set()
                time.sleep(0.05)
            for f in futures:
                if f.exception():
                    stats.errors.append(f"session failed: {f.exception()!r}")
        wall = time.perf_counter() - began
        halfway.set()
        if with_reingest:
            watcher.join(timeout=max(1.0, deadline - time.monotonic()))
            stats.errors += after_swap_checks(url, corpus, index, env, swap)
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = [s for v in stats.latencies.values() for s in v]
    return {
        "sessions": sessions, "questions_per_session": questions, "requests": len(every), "embedder": embedder,
        "errors": stats.errors, "wall_seconds": round(wall, 2), "requests_per_second": round(len(every) / wall, 1),
        "latency_ms": {kind: {"p50": round(1000 * percentile(v, 50), 1), "p95": round(1000 * percentile(v, 95), 1),
                              "max": round(1000 * max(v), 1) if v else None, "n": len(v)}
                       for kind, v in [("all", every), *stats.latencies.items()]},
        "reingest": swap | {"requests_served_meanwhile": stats.during_ingest} if with_reingest else None,
        "mean_ms": round(1000 * statistics.fmean(every), 1) if every else None,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--questions", type=int, default=27, help="questions per session (cycles of 3)")
    parser.add_argument("--embedder", choices=["fake", "minilm"], default="fake")
    parser.add_argument("--timeout", type=float, default=300, help="stop the whole run after this many seconds")
    parser.add_argument("--no-reingest", action="store_true", help="skip the re-ingestion while serving")
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    report = run(args.sessions, args.questions, args.embedder, args.timeout, not args.no_reingest)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", "utf-8")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
