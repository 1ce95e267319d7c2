"""The web server's limits, as ASGI middleware wrapped around Gradio's app before anything parses a request.

Outermost first: security headers on every response; a Host allow-list (Starlette's
TrustedHostMiddleware); cross-site form posts refused; request bodies capped (413) on
Content-Length and while streaming, uploads capped by size and file type (or refused when the app
has no upload); login attempts slowed after failures (429 with Retry-After).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings

log = logging.getLogger("assistant.web")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
# Gradio's page needs inline scripts and styles, and evaluates the `js=` of events; nothing may
# come from another origin, and the page may not be framed.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_LOGIN_WAIT = 60.0


@dataclass(frozen=True)
class Limits:
    """What the middleware enforces; `limits_for` derives it from the settings and the bound host."""

    max_request_bytes: int
    max_upload_bytes: int
    upload_types: tuple[str, ...]
    uploads_enabled: bool
    allowed_hosts: tuple[str, ...]
    login_free_failures: int = 3
    login_delay_seconds: float = 2.0
    # Values each event takes: by fn_index (the queue) and by "call/<api_name>" (the REST API).
    inputs: dict[str, int] = field(default_factory=dict)


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Loopback names, the bound host (and this machine's names when bound to every interface), and `extra`."""
    names = [*LOOPBACK, host.strip("[]"), *extra]
    if host in ("0.0.0.0", "::", ""):
        names += [socket.gethostname(), socket.getfqdn()]
    return tuple(dict.fromkeys(n.lower() for n in names if n and n not in ("0.0.0.0", "::")))


def limits_for(settings: Settings, host: str, uploads_enabled: bool, inputs: dict[str, int] | None = None) -> Limits:
    return Limits(
        inputs=inputs or {},
        max_request_bytes=settings.max_request_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        upload_types=tuple(t.lower() if t.startswith(".") else f".{t.lower()}" for t in settings.upload_types),
        uploads_enabled=uploads_enabled,
        allowed_hosts=allowed_hosts(host, settings.allowed_hosts),
        login_free_failures=settings.login_free_failures,
        login_delay_seconds=settings.login_delay_seconds,
    )


def middleware(limits: Limits) -> list[Middleware]:
    """The stack for FastAPI's `middleware=` (Gradio's `launch(app_kwargs=...)`), outermost first."""
    return [
        Middleware(SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=list(limits.allowed_hosts), www_redirect=False),
        Middleware(SameOriginPosts),
        Middleware(BodyLimits, limits=limits),
        Middleware(EventInputs, limits=limits),
        Middleware(LoginThrottle, limits=limits),
    ]


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, reason: str, **headers: str) -> None:
    """A one-line plain-text refusal, logged as one line."""
    log.warning("refused %s %s: %d %s", scope.get("method", ""), scope.get("path", ""), status, reason)
    await PlainTextResponse(reason, status_code=status, headers=headers or None)(scope, receive, send)


class SecurityHeaders:
    """Content-Security-Policy, X-Frame-Options, nosniff and no referrer on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def same_origin(headers: Headers) -> bool:
    """False for a request a page of another origin (or site) made the browser send."""
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True  # not sent by a browser page (curl, gradio_client), or a same-origin GET
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


class SameOriginPosts:
    """Refuses (403) a POST, PUT, PATCH or DELETE sent by a page of another origin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS and not same_origin(Headers(scope=scope)):
            return await refuse(scope, receive, send, 403, "cross-site request refused")
        await self.app(scope, receive, send)


class Refused(Exception):
    """Raised from inside `receive` when a streamed body breaks a limit."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def is_upload(path: str) -> bool:
    return path.rstrip("/").endswith("/upload")


@dataclass
class UploadTypes:
    """Reads a streamed multipart body's part headers and refuses a file whose type is not allowed."""

    boundary: bytes
    allowed: tuple[str, ...]
    _field: bytearray = field(default_factory=bytearray)
    _value: bytearray = field(default_factory=bytearray)
    _bad: str | None = None
    _parser: MultipartParser | None = None

    def __post_init__(self) -> None:
        self._parser = MultipartParser(
            self.boundary,
            {
                "on_header_begin": self._begin,
                "on_header_field": lambda data, start, end: self._field.extend(data[start:end]),
                "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
                "on_header_end": self._end,
            },
        )

    def _begin(self) -> None:
        self._field.clear()
        self._value.clear()

    def _end(self) -> None:
        if bytes(self._field).lower() != b"content-disposition":
            return
        name = parse_options_header(bytes(self._value))[1].get(b"filename")
        if name is not None:
            suffix = PurePosixPath(name.decode("utf-8", "replace").replace("\\", "/")).suffix.lower()
            if suffix not in self.allowed:
                self._bad = suffix or "(no extension)"

    def feed(self, chunk: bytes) -> None:
        assert self._parser is not None
        self._parser.write(chunk)
        if self._bad is not None:
            kinds = ", ".join(self.allowed) or "none"
            raise Refused(415, f"file type {self._bad[:20]} is not accepted: upload one of {kinds}")


class BodyLimits:
    """413 for a body over its cap (uploads have their own), checked on Content-Length and while streaming."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = is_upload(scope["path"]) and scope["method"] == "POST"
        if upload and not self.limits.uploads_enabled:
            return await refuse(scope, receive, send, 403, "uploads are disabled: this app takes no files")
        cap = self.limits.max_upload_bytes if upload else self.limits.max_request_bytes
        headers = Headers(scope=scope)
        length = headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > cap):
            return await refuse(scope, receive, send, 413, f"request body over {cap} bytes refused")
        types = self._types(headers) if upload else None
        seen, started, refused = 0, False, False

        async def counted() -> Message:
            nonlocal seen, started, refused
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                seen += len(body)
                try:
                    if seen > cap:
                        raise Refused(413, f"request body over {cap} bytes refused")
                    if types is not None:
                        types.feed(body)
                except Refused as err:
                    # Answered here: the app may catch the exception (FastAPI makes it a 400).
                    if not started:
                        started = refused = True
                        await refuse(scope, receive, send, err.status, err.reason)
                    raise
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the refusal was sent; whatever the app answers after it is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except Refused:
            pass  # already answered

    def _types(self, headers: Headers) -> UploadTypes | None:
        kind, options = parse_options_header(headers.get("content-type", ""))
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            return None  # Gradio's upload route refuses anything else itself
        return UploadTypes(boundary, self.limits.upload_types)


class EventInputs:
    """400 in one line for an event call with too few values, which Gradio would answer with a traceback.

    Bodies reach it already capped by BodyLimits, so reading one whole is bounded.
    """

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "").rstrip("/")
        call = path.partition("/gradio_api/")[2]
        checked = call == "queue/join" or (call.startswith("call/") and call.count("/") == 1)
        if scope["type"] != "http" or scope["method"] != "POST" or not self.limits.inputs or not checked:
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body, more = body + message.get("body", b""), message.get("more_body", False)
        problem = self.problem(call, body)
        if problem:
            return await refuse(scope, receive, send, 400, problem)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def problem(self, call: str, body: bytes) -> str | None:
        try:
            payload = json.loads(body)
        except ValueError:
            return None  # Gradio refuses it in one line itself
        if not isinstance(payload, dict):
            return None
        key = str(payload.get("fn_index")) if call == "queue/join" else call
        needed, data = self.limits.inputs.get(key), payload.get("data")
        if needed is None:
            return None
        if not isinstance(data, list):
            return f"'data' must be a list of {needed} values, not {type(data).__name__}"
        if len(data) < needed:
            return f"this event takes {needed} values in 'data'; got {len(data)}"
        return None


@dataclass
class _Failures:
    count: int = 0
    wait_until: float = 0.0


class LoginThrottle:
    """After `login_free_failures` wrong passwords from one address, each next try waits (doubling, up to 60 s).

    Attempts are taken one at a time, so a burst cannot slip in before the first failure is counted.
    """

    def __init__(self, app: ASGIApp, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.app, self.limits, self.clock = app, limits, clock
        self.failures: dict[str, _Failures] = {}
        self._lock: asyncio.Lock | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        self._lock = self._lock or asyncio.Lock()
        client = (scope.get("client") or ("?", 0))[0]
        async with self._lock:
            record = self.failures.setdefault(client, _Failures())
            wait = record.wait_until - self.clock()
            if wait > 0:
                seconds = str(int(wait) + 1)
                return await refuse(
                    scope,
                    receive,
                    send,
                    429,
                    f"too many failed logins: try again in {seconds} s",
                    **{"Retry-After": seconds},
                )
            status = 0

            async def watched(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            await self.app(scope, receive, watched)
            self._count(client, record, status)

    def _count(self, client: str, record: _Failures, status: int) -> None:
        if status < 400:
            self.failures.pop(client, None)
            return
        record.count += 1
        over = record.count - self.limits.login_free_failures
        if over >= 0:
            record.wait_until = self.clock() + min(self.limits.login_delay_seconds * 2**over, MAX_LOGIN_WAIT)
            log.warning(
                "login failed %d times from %s: next try in %.0f s",
                record.count,
                client,
                record.wait_until - self.clock(),
            )
        if len(self.failures) > 10_000:  # bounded memory under a flood of addresses
            self.failures = {client: record}
