"""Answers of public API reads and public pages kept in memory until the store changes.

The public reads (divisions, zones, frameworks, published rounds, approved plans) and the
public portal pages (the zone list and zone pages) change only when the store does, so
a successful answer is kept and served again while the store's *stamp* is the same: the
size and modification time of the SQLite file and its write-ahead log, of the rounds folder
and each ``round.json``, and of the lake manifest. With another database (PostgreSQL) the
stamp also changes every :data:`TTL` seconds, so a change made elsewhere shows within that
time. Kept answers are dropped least recently used first beyond :data:`SIZE`. Requests for
an answer that is being made wait for it instead of making it again (no stampede when the
stamp changes under load).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from meili.config import settings

SIZE = 1024
TTL = 2.0
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def store_stamp() -> tuple:
    """What changes when anything a public read shows may have changed."""
    cfg = settings()
    url = cfg.database_url
    parts: list[Any] = [str(cfg.home), url]
    if url.startswith("sqlite:///"):
        db = url.removeprefix("sqlite:///")
        parts += [_stat(db), _stat(db + "-wal")]
    else:
        parts.append(int(time.monotonic() // TTL))
    rounds = cfg.home / "rounds"
    parts.append(_stat(str(rounds)))
    try:
        names = sorted(os.listdir(rounds))
    except OSError:
        names = []
    parts += [_stat(str(rounds / n / "round.json")) for n in names]
    parts.append(_stat(str(cfg.lake_dir / "_manifest.json")))
    return tuple(parts)


def _personal(scope: Scope) -> bool:
    """A request with credentials (a token or a cookie): its answer is never kept."""
    return any(name in (b"authorization", b"cookie") for name, _ in scope.get("headers", ()))


class PublicReadCache:
    """ASGI middleware: GET answers under ``prefix`` with status 200, kept per store stamp.

    Only anonymous requests are answered from or kept in memory: what a signed-in user
    sees depends on who asks."""

    def __init__(self, app: ASGIApp, prefix: str, pages: tuple[str, ...] = ()) -> None:
        self.app = app
        self.prefix = prefix
        self.pages = pages
        self.kept: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.pending: dict[tuple, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not (scope["path"].startswith(self.prefix) or self._page(scope["path"]))
            or _personal(scope)
        ):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), store_stamp())
        hit = self.kept.get(key)
        if hit is None and key in self.pending:  # the same answer is being made: wait for it
            await self.pending[key].wait()
            hit = self.kept.get(key)
        if hit is not None:
            self.kept.move_to_end(key)
            status, headers, body = hit
            # a copy: a middleware outside (GZip) rewrites the headers it is given in place
            start = {"type": "http.response.start", "status": status, "headers": list(headers)}
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        done = self.pending[key] = asyncio.Event()
        try:
            await self._make(key, scope, receive, send)
        finally:
            del self.pending[key]
            done.set()

    async def _make(self, key: tuple, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the request and keep a successful answer under ``key``."""
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    self.kept[key] = (200, list(start.get("headers", [])), b"".join(chunks))
                    while len(self.kept) > SIZE:
                        self.kept.popitem(last=False)
            await send(message)

        await self.app(scope, receive, keep)

    def _page(self, path: str) -> bool:
        """A public page kept like an API read (``pages``: exact paths or ``prefix*``)."""
        return any(path == p or (p.endswith("*") and path.startswith(p[:-1])) for p in self.pages)
