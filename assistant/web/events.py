"""Checks on the event routes, so that a wrong request gets one 4xx line before Gradio acts on it.

Gradio answers some wrong requests with a 500 and a traceback in the log: an unknown endpoint
(`FnIndexInferError`), an unknown or huge `fn_index` (`KeyError`), a keyword the endpoint does not
take (`TypeError`), a like or select without its event data, a JSON body nested thousands deep
(`RecursionError`). `EventChecks` reads each POST body (already capped by `BodyLimits`), refuses
what the app could not handle, and replays the body to Gradio unchanged.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("assistant.web")
MAX_JSON_DEPTH = 64  # Gradio's payloads nest about 6 deep; its code walks them recursively
SESSION_HASH = re.compile(r"[A-Za-z0-9_-]{1,100}")
RESULT = re.compile(r"/gradio_api/call/(?:v2/)?([^/]+)/([^/]+)")
ROUTE = re.compile(r"/gradio_api/(?:(queue/join)|(?:call|run|api)/(v2/)?([^/]+))")
# Events whose handler builds gr.LikeData / gr.SelectData, which read these keys of `event_data`.
EVENT_DATA_KEYS = ("index", "value")
EVENTS_WITH_DATA = frozenset({"like", "select"})


@dataclass(frozen=True)
class Events:
    """What the app's events take; `events_of` reads it from a built Gradio app."""

    # Values in 'data', by fn_index and by "call/<api_name>".
    inputs: dict[str, int] = field(default_factory=dict)
    # Keyword parameters of each named endpoint ("call/<api_name>" -> {name: required}), for /call/v2/.
    keywords: dict[str, dict[str, bool]] = field(default_factory=dict)
    # fn_index of the events whose handler reads `event_data` (likes and selects).
    event_data: frozenset[str] = frozenset()
    # fn_index -> the kind of each value: "text" (a string or null), "files" (uploaded files) or "any".
    kinds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Where Gradio keeps uploads: a file value must name a file inside it.
    uploads: str = ""
    # Whether a session hash or event id has messages waiting (Gradio's event streams 404 mid-stream otherwise).
    waiting: Callable[[str], bool] | None = None


def events_of(app: Any, uploads: Path | None = None) -> Events:
    """The `Events` of a built `gr.Blocks`, whose uploads are kept in `uploads`."""
    import gradio as gr

    inputs: dict[str, int] = {}
    keywords: dict[str, dict[str, bool]] = {}
    with_data: set[str] = set()
    kinds: dict[str, tuple[str, ...]] = {}
    for fn_index, fn in app.fns.items():
        inputs[str(fn_index)] = len(fn.inputs)
        kinds[str(fn_index)] = tuple(
            "files" if isinstance(b, gr.File | gr.UploadButton) else "text" if isinstance(b, gr.Textbox) else "any"
            for b in fn.inputs
        )
        if isinstance(fn.api_name, str):
            inputs[f"call/{fn.api_name}"] = len(fn.inputs)
            keywords[f"call/{fn.api_name}"] = parameters(fn.fn)
        if any(kind in EVENTS_WITH_DATA for _, kind in fn.targets):
            with_data.add(str(fn_index))
    folder = os.path.realpath(uploads) if uploads else ""
    return Events(inputs, keywords, frozenset(with_data), kinds, folder, lambda key: pending(app, key))


def pending(app: Any, key: str) -> bool:
    """True when `key` is a session hash or an event id that Gradio's queue still holds messages for."""
    queue = app._queue
    return (
        key in queue.pending_messages_per_session
        or key in queue.event_ids_to_events
        or any(key in ids for ids in queue.pending_event_ids_session.values())
    )


def parameters(fn: Any) -> dict[str, bool]:
    """{name: required} of a handler's parameters (none for a handler that is not a plain function)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return {}
    return {name: p.default is inspect.Parameter.empty for name, p in signature.parameters.items()}


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, reason: str, **headers: str) -> None:
    """A one-line plain-text refusal, logged as one line."""
    log.warning("refused %s %s: %d %s", scope.get("method", ""), scope.get("path", ""), status, reason)
    await PlainTextResponse(reason, status_code=status, headers=headers or None)(scope, receive, send)


def is_upload(path: str) -> bool:
    return path.rstrip("/").endswith("/upload")


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when lists and objects nest more than `limit` deep (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        if children and depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse(body: bytes) -> tuple[Any, str | None]:
    """(the JSON value or None when the body is not JSON, a refusal)."""
    try:
        payload = json.loads(body)
    except RecursionError:
        return None, f"JSON nested more than {MAX_JSON_DEPTH} deep refused"
    except ValueError:
        return None, None  # not JSON (a form, a file): the route refuses or reads it itself
    if too_deep(payload):
        return None, f"JSON nested more than {MAX_JSON_DEPTH} deep refused"
    return payload, None


class EventChecks:
    """400 or 404 in one line for a request the event routes would answer with a traceback."""

    def __init__(self, app: ASGIApp, events: Events) -> None:
        self.app, self.events = app, events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "").rstrip("/")
        if scope["method"] == "GET":
            status, problem = self.stream(path, scope.get("query_string", b""))
            if problem:
                return await refuse(scope, receive, send, status, problem)
        kind = Headers(scope=scope).get("content-type", "application/json").split(";")[0].strip().lower()
        if scope["method"] != "POST" or is_upload(path) or not kind.endswith("json"):
            return await self.app(scope, receive, send)  # FastAPI parses JSON only when the type says so
        body = await read_body(receive)
        if body is None:
            return
        payload, problem = parse(body)
        status, problem = (400, problem) if problem else self.problem(path, payload)
        if problem:
            return await refuse(scope, receive, send, status, problem)
        await self.app(scope, replay(body, receive), send)

    def stream(self, path: str, query: bytes) -> tuple[int, str | None]:
        """An event stream (queue/data, call/<name>/<event id>) must name a session or event the queue holds."""
        result = RESULT.fullmatch(path)
        if path == "/gradio_api/queue/data":
            hashes = parse_qs(query.decode("latin-1")).get("session_hash", [])
            key = hashes[0] if hashes else ""
            if not SESSION_HASH.fullmatch(key):
                return 400, "session_hash must be 1 to 100 letters, digits, - or _"
        elif result and self.events.inputs:
            if f"call/{result.group(1)}" not in self.events.inputs:
                return 404, f"no API endpoint named {result.group(1)[:40]!r}: see the app's API page"
            key = result.group(2)
        else:
            return 0, None
        if self.events.waiting is not None and not self.events.waiting(key):
            return 404, "no such event or session: it finished and was read, or never began"
        return 0, None

    def problem(self, path: str, payload: Any) -> tuple[int, str | None]:
        route = ROUTE.fullmatch(path)
        if route is None or not self.events.inputs:
            return 0, None
        if not isinstance(payload, dict):
            return 400, "the body must be a JSON object"
        if route.group(1):
            return self.joined(payload)
        key = f"call/{route.group(3)}"
        if key not in self.events.inputs:
            return 404, f"no API endpoint named {route.group(3)[:40]!r}: see the app's API page"
        if payload.get("fn_index") is not None:
            return 400, "fn_index is not taken here: name the endpoint in the path"
        if route.group(2):
            return 400, self.keywords(key, payload)
        return 400, self.values(key, payload.get("data"))

    def joined(self, payload: dict[str, Any]) -> tuple[int, str | None]:
        """A queue/join: a known event, its values, a session hash, and event data where its handler reads it."""
        fn_index = payload.get("fn_index")
        if type(fn_index) is not int or str(fn_index) not in self.events.inputs:
            return 404, f"no event with fn_index {str(fn_index)[:30]}"
        session = payload.get("session_hash")
        if not isinstance(session, str) or not SESSION_HASH.fullmatch(session):
            return 400, "session_hash must be 1 to 100 letters, digits, - or _"
        event_data = payload.get("event_data")
        if str(fn_index) in self.events.event_data and not (
            isinstance(event_data, dict) and all(k in event_data for k in EVENT_DATA_KEYS)
        ):
            return 400, "this event takes 'event_data' with 'index' and 'value'"
        problem = self.values(str(fn_index), payload.get("data"))
        return 400, problem or self.typed(str(fn_index), payload["data"])

    def typed(self, fn_index: str, data: list[Any]) -> str | None:
        """Text where the event takes text, and files only from Gradio's upload folder."""
        for n, (kind, value) in enumerate(zip(self.events.kinds.get(fn_index, ()), data, strict=False)):
            if kind == "text" and value is not None and not isinstance(value, str):
                return f"value {n + 1} must be text, not {type(value).__name__}"
            if kind == "files" and not self.uploaded(value):
                return f"value {n + 1} must name files uploaded to this server (POST /gradio_api/upload first)"
        return None

    def uploaded(self, value: Any) -> bool:
        files = value if isinstance(value, list) else [] if value is None else [value]
        paths = [f.get("path") if isinstance(f, dict) else None for f in files]
        named = [p for p in paths if isinstance(p, str)]
        if len(named) < len(paths):
            return False
        inside = self.events.uploads + os.sep
        return all(os.path.realpath(p).startswith(inside) for p in named) if self.events.uploads else True

    def values(self, key: str, data: Any) -> str | None:
        needed = self.events.inputs[key]
        if not isinstance(data, list):
            return f"'data' must be a list of {needed} values, not {type(data).__name__}"
        if len(data) < needed:
            return f"this event takes {needed} values in 'data'; got {len(data)}"
        return None

    def keywords(self, key: str, payload: dict[str, Any]) -> str | None:
        taken = self.events.keywords.get(key, {})
        unknown = sorted(k for k in payload if k not in taken)
        missing = sorted(k for k, required in taken.items() if required and k not in payload)
        if unknown:
            return f"unknown keyword {unknown[0][:40]!r}: this endpoint takes {', '.join(taken) or 'none'}"
        if missing:
            return f"missing keyword {missing[0]!r}"
        return None


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body (capped by BodyLimits), or None when the client disconnects."""
    body, more = b"", True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body, more = body + message.get("body", b""), message.get("more_body", False)
    return body


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands over `body` once, then the connection's own messages."""
    replayed = False

    async def again() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again
