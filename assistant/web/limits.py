"""The web server's limits, as ASGI middleware wrapped around Gradio's app before anything parses a request.

Outermost first: security headers on every response; a Host allow-list (Starlette's
TrustedHostMiddleware); cross-site form posts refused; request bodies capped (413) on
Content-Length and while streaming, uploads capped by size and file type (or refused when the app
has no upload) and by a quota per address; event requests checked (`web_events`); login attempts
read under a time limit and slowed after failures, per address (429 with Retry-After).

The client's address is the socket's: `web_setup.trust_proxies` tells uvicorn to believe `X-Forwarded-For`
only from the `trusted_proxies` setting (uvicorn otherwise trusts it from 127.0.0.1, so any local
client could pick its address and escape the login back-off).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.config import Settings
from assistant.web.events import EventChecks, Events, is_upload, read_body, refuse, replay

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
    login_body_seconds: float = 5.0
    # Uploads per address in `upload_window_seconds`: requests and bytes.
    upload_quota_count: int = 100
    upload_quota_bytes: int = 256 * 1024 * 1024
    upload_window_seconds: float = 3600.0
    # What each event of the app takes (web_events.events_of); empty: events are not checked.
    events: Events = field(default_factory=Events)


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Loopback names, the bound host (and this machine's names when bound to every interface), and `extra`."""
    names = [*LOOPBACK, host.strip("[]"), *extra]
    if host in ("0.0.0.0", "::", ""):
        names += [socket.gethostname(), socket.getfqdn()]
    return tuple(dict.fromkeys(n.lower() for n in names if n and n not in ("0.0.0.0", "::")))


def limits_for(settings: Settings, host: str, uploads_enabled: bool, events: Events | None = None) -> Limits:
    return Limits(
        events=events or Events(),
        max_request_bytes=settings.max_request_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        upload_types=tuple(t.lower() if t.startswith(".") else f".{t.lower()}" for t in settings.upload_types),
        uploads_enabled=uploads_enabled,
        allowed_hosts=allowed_hosts(host, settings.allowed_hosts),
        login_free_failures=settings.login_free_failures,
        login_delay_seconds=settings.login_delay_seconds,
        login_body_seconds=settings.login_body_seconds,
        upload_quota_count=settings.upload_quota_count,
        upload_quota_bytes=settings.upload_quota_bytes,
    )


def middleware(limits: Limits) -> list[Middleware]:
    """The stack for FastAPI's `middleware=` (Gradio's `launch(app_kwargs=...)`), outermost first."""
    return [
        Middleware(SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=list(limits.allowed_hosts), www_redirect=False),
        Middleware(SameOriginPosts),
        Middleware(BodyLimits, limits=limits),
        Middleware(LoginThrottle, limits=limits),
        Middleware(EventChecks, events=limits.events),
    ]


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


def address(scope: Scope) -> str:
    """The client's address as uvicorn gives it: the socket's, or a trusted proxy's forwarded one."""
    return str((scope.get("client") or ("?", 0))[0])


class UploadQuota:
    """Uploads per address over a sliding window: how many, and how many bytes."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits, self.clock = limits, clock
        self.used: dict[str, deque[list[float]]] = {}  # address -> [start time, bytes] per upload

    def _window(self, client: str) -> deque[list[float]]:
        spent = self.used.setdefault(client, deque())
        while spent and spent[0][0] <= self.clock() - self.limits.upload_window_seconds:
            spent.popleft()
        return spent

    def start(self, client: str) -> str | None:
        """Count a new upload; why it is refused when the address has used its quota."""
        spent = self._window(client)
        if len(spent) >= self.limits.upload_quota_count or sum(b for _, b in spent) >= self.limits.upload_quota_bytes:
            return self._refusal()
        if len(self.used) > 10_000:  # bounded memory under a flood of addresses
            self.used = {client: spent}
        spent.append([self.clock(), 0])
        return None

    def spend(self, client: str, size: int) -> str | None:
        """Add `size` bytes to the address's latest upload; why it is refused when that is over the quota."""
        spent = self._window(client)
        if not spent:
            return None
        spent[-1][1] += size
        return self._refusal() if sum(b for _, b in spent) > self.limits.upload_quota_bytes else None

    def retry_after(self, client: str) -> int:
        spent = self._window(client)
        oldest = spent[0][0] if spent else self.clock()
        return max(1, int(oldest + self.limits.upload_window_seconds - self.clock()) + 1)

    def _refusal(self) -> str:
        minutes = int(self.limits.upload_window_seconds // 60)
        return (
            f"upload quota used: {self.limits.upload_quota_count} uploads or "
            f"{self.limits.upload_quota_bytes // 2**20} MiB per address in {minutes} minutes"
        )


class BodyLimits:
    """413 for a body over its cap (uploads have their own), checked on Content-Length and while streaming."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app, self.limits, self.quota = app, limits, UploadQuota(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = is_upload(scope["path"]) and scope["method"] == "POST"
        if upload and not self.limits.uploads_enabled:
            return await refuse(scope, receive, send, 403, "uploads are disabled: this app takes no files")
        client = address(scope)
        spent = self.quota.start(client) if upload else None
        if spent:
            return await refuse(
                scope, receive, send, 429, spent, **{"Retry-After": str(self.quota.retry_after(client))}
            )
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
                    spent = self.quota.spend(client, len(body)) if upload else None
                    if spent:
                        raise Refused(429, spent)
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


@dataclass
class _Failures:
    count: int = 0
    wait_until: float = 0.0


class LoginThrottle:
    """After `login_free_failures` wrong passwords from one address, each next try waits (doubling, up to 60 s).

    The form must arrive within `login_body_seconds` (408 otherwise), and is read before the
    attempt takes its turn: a slow sender holds up nobody. Attempts from one address are taken one
    at a time, so a burst cannot slip in before the first failure is counted; other addresses
    do not wait for them.
    """

    def __init__(self, app: ASGIApp, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.app, self.limits, self.clock = app, limits, clock
        self.failures: dict[str, _Failures] = {}
        self._turns: dict[str, tuple[asyncio.Lock, int]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        client = address(scope)
        try:
            body = await asyncio.wait_for(read_body(receive), self.limits.login_body_seconds)
        except TimeoutError:
            limit = self.limits.login_body_seconds
            return await refuse(scope, receive, send, 408, f"login form not received within {limit:g} s")
        if body is None:
            return  # the client went away
        async with self._turn(client):
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

            await self.app(scope, replay(body, receive), watched)
            self._count(client, record, status)

    @asynccontextmanager
    async def _turn(self, client: str) -> AsyncIterator[None]:
        """One attempt at a time per address; the lock is dropped when nobody holds or awaits it."""
        lock, users = self._turns.get(client, (asyncio.Lock(), 0))
        self._turns[client] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._turns[client]
            if users == 1:
                del self._turns[client]
            else:
                self._turns[client] = (lock, users - 1)

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
