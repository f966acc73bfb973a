"""What the server refuses before any handler runs: uploads, big bodies, slow clients.

The chat has no file upload, yet Gradio serves `/gradio_api/upload` to anyone; an attacker sent
100 MB there and fetched it back. `RequestGuard` answers 403 on that route, 413 on any body
larger than `max_body` (declared or streamed), and 408 when a body trickles in slower than
`body_timeout`. `HeaderTimeoutH11` closes a connection whose request line and headers have
not arrived within `header_timeout` seconds (uvicorn's own keep-alive timeout only covers an
idle connection between requests, not a slow first request).
"""
from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

MAX_BODY_BYTES = 64 * 1024  # a question is ≤ 2,000 characters; a queue message with it is a few KB
BODY_TIMEOUT_SECONDS = 15.0  # between two pieces of one request body
HEADER_TIMEOUT_SECONDS = 10.0  # from the first byte (or the connection) to the end of the headers
REFUSED_PREFIXES = ("/gradio_api/upload",)  # the chat has no upload: refused, not capped


class BodyTooLarge(Exception):
    pass


class BodyTimeout(Exception):
    pass


async def _reply(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware in front of everything (the REST API and Gradio alike)."""

    def __init__(self, app: ASGIApp, *, max_body: int = MAX_BODY_BYTES, body_timeout: float = BODY_TIMEOUT_SECONDS,
                 small_body: int | None = None, small_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.small_body = small_body if small_body is not None else max_body
        self.small_prefixes = small_prefixes

    def limit_for(self, path: str) -> int:
        return self.small_body if any(path.startswith(p) for p in self.small_prefixes) else self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if any(path.startswith(prefix) for prefix in REFUSED_PREFIXES):
            await _reply(send, 403, "uploads are not accepted by this server")
            return
        limit = self.limit_for(path)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                await _reply(send, 400, "bad Content-Length")
                return
            if too_big:
                await _reply(send, 413, f"request body over {limit} bytes")
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        try:  # the whole body, bounded in size and pace, before any handler sees a byte of it
            body = await self._read_body(receive, limit)
        except BodyTooLarge:
            await _reply(send, 413, f"request body over {limit} bytes")
            return
        except BodyTimeout:
            await _reply(send, 408, "request body too slow")
            return
        except ClientGone:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # afterwards only a disconnect can come (SSE streams wait for it)

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive, limit: int) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), timeout=self.body_timeout)
            except asyncio.TimeoutError:
                raise BodyTimeout() from None
            if message["type"] == "http.disconnect":
                raise ClientGone()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge()
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts)


class ClientGone(Exception):
    pass


class HeaderTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for a request's headers (slowloris)."""

    header_timeout: float = HEADER_TIMEOUT_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer: asyncio.TimerHandle | None = None
        self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def data_received(self, data: bytes) -> None:
        if self._waiting_for_headers():
            self._arm_header_timer()
        super().data_received(data)
        if not self._waiting_for_headers():
            self._disarm_header_timer()

    def on_response_complete(self) -> None:
        self._disarm_header_timer()  # the keep-alive timeout takes over while the connection is idle
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers took over %.0f s", self.header_timeout)
            self.transport.close()
