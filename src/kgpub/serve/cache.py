"""Answers of recent SPARQL queries, kept while the same release is served.

The published graph does not change between builds, so the answer to the same query text with the
same dataset, format and limits is the same until a new release is swapped in (``Site.generation``
is part of the key). Dashboards, notebooks re-run from the top and the example queries of the query
page ask the same questions again and again; they are answered without a trip to a query worker.
Queries whose answer may differ between runs are never kept: ``SERVICE`` (another endpoint's data),
``RAND``, ``NOW``, ``UUID``, ``STRUUID`` and ``BNODE``. The cache holds at most ``max_bytes`` of
answers (least recently used first out), and no single answer larger than an eighth of that.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable
from typing import Any

from cachetools import LRUCache

from kgpub.queries import _code_only
from kgpub.serve.guard import unescape
from kgpub.serve.pool import Answer

_VOLATILE = re.compile(
    r"(?<![\w:?$])(RAND|NOW|UUID|STRUUID|BNODE)\s*\(|(?<![\w:?$\-])SERVICE(?![\w:\-])", re.IGNORECASE
)
_OPTIONS = ("default_graphs", "named_graphs", "base_iri", "max_rows", "result_format", "graph_format")


@functools.lru_cache(maxsize=512)
def cacheable(query: str) -> bool:
    """False for a query whose answer may change without a new release."""
    return _VOLATILE.search(_code_only(unescape(query))) is None


def _size(answer: Answer) -> int:
    return len(answer.body) + len(answer.message) + 256


class ResultCache:
    """A least-recently-used map from (release, query, options) to the worker's answer."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: LRUCache[Hashable, Answer] = LRUCache(maxsize=max(1, max_bytes), getsizeof=_size)
        self.hits = self.misses = 0

    def key(self, generation: int, query: str, options: dict[str, Any]) -> Hashable | None:
        """The key of a query's answer, or None when it must not be cached."""
        if self.max_bytes <= 0 or not cacheable(query):
            return None
        parts = tuple(
            tuple(value) if isinstance(value, list) else value
            for value in (options.get(name) for name in _OPTIONS)
        )
        return (generation, query, parts)

    def get(self, key: Hashable | None) -> Answer | None:
        if key is None:
            return None
        answer = self._answers.get(key)
        if answer is None:
            self.misses += 1
        else:
            self.hits += 1
        return answer

    def put(self, key: Hashable | None, answer: Answer) -> None:
        """Keep a successful answer (errors and oversized answers are not kept)."""
        if key is None or answer.status != "ok" or _size(answer) > self.max_bytes // 8:
            return
        self._answers[key] = answer

    def clear(self) -> None:
        self._answers.clear()

    @property
    def bytes(self) -> int:
        return int(self._answers.currsize)


class ResponseCache:
    """Whole responses of ``GET /sparql`` for repeated requests, replayed before any other layer runs.

    The result cache above spares the query worker; this spares the rest of the stack (routing,
    CORS, security headers, gzip, negotiation) for the commonest request of all, the same query
    sent again. Only responses the endpoint itself marked as cacheable (``X-Kgpub-Cache``) with
    status 200 are kept, under the release, the query string and every request header the answer
    depends on (Accept, Accept-Encoding, Origin). At most ``max_bytes`` are kept.
    """

    HEADERS = (b"accept", b"accept-encoding", b"origin")

    def __init__(self, app: Any, site: Any, max_bytes: int = 16 * 1024 * 1024) -> None:
        self.app = app
        self.site = site
        self.max_bytes = max_bytes
        self._responses: LRUCache[Hashable, tuple[int, list[tuple[bytes, bytes]], bytes]] = LRUCache(
            maxsize=max(1, max_bytes), getsizeof=lambda r: len(r[2]) + 512
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            self.max_bytes <= 0
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] != "/sparql"
            or not scope.get("query_string")
            or self.site.remote is not None
        ):
            await self.app(scope, receive, send)
            return
        wanted = dict.fromkeys(self.HEADERS, b"")
        for name, value in scope["headers"]:
            if name in wanted:
                wanted[name] += value + b"\n"
        key = (self.site.generation, scope["query_string"], *wanted.values())
        kept = self._responses.get(key)
        if kept is not None:
            status, headers, body = kept
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") == 200:
                    headers = list(start.get("headers", []))
                    if any(name.lower() == b"x-kgpub-cache" for name, _ in headers):
                        body = b"".join(chunks)
                        if len(body) <= self.max_bytes // 8:
                            replay = [(n, b"hit" if n.lower() == b"x-kgpub-cache" else v) for n, v in headers]
                            self._responses[key] = (200, replay, body)
            await send(message)

        await self.app(scope, receive, capture)
