"""Talking to a Wikidata SPARQL endpoint politely: SPARQLWrapper, a descriptive User-Agent, retries.

Wikimedia's User-Agent policy asks every client to name itself and give a way to reach whoever runs
it; the Wikidata Query Service answers ``429 Too Many Requests`` (and, when overloaded,
``503 Service Unavailable``) with a ``Retry-After`` header that a client must honour. This client
sends one request at a time, waits as asked (or backs off, doubling the pause, when no
``Retry-After`` is given), gives up after a few tries or when asked to wait too long, and turns
every failure into a :class:`~kgpub.errors.RemoteError` that says what happened.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
import urllib.error
from collections.abc import Callable
from typing import Any

from kgpub import __version__
from kgpub.errors import RemoteError
from kgpub.sparql import Wording, send_query

#: One row of a SELECT result: variable -> SPARQL JSON term ({"type": …, "value": …, "xml:lang": …}).
Binding = dict[str, dict[str, str]]

#: Status codes that mean "try again later".
TRANSIENT = {429, 502, 503, 504}
#: What kgpub link adds to the errors of :func:`kgpub.sparql.send_query`: what to do about them.
WORDING = Wording(
    malformed="refused a query of kgpub's as malformed",
    too_long="",
    server_error=" (it may have stopped a query that ran too long; a smaller [link] batch_size helps)",
    timed_out="Try again later, or allow more time with --timeout ([link] timeout in kgpub.toml).",
    unreachable="Check the network and the address (--endpoint, or [link] endpoint in kgpub.toml).",
)


def user_agent(contact: str) -> str:
    """``kgpub/0.1.0 (contact) SPARQLWrapper/2.0.0``, as Wikimedia's User-Agent policy asks."""
    import SPARQLWrapper

    return (
        f"kgpub/{__version__} ({contact}; https://w3id.org/kgpub) SPARQLWrapper/{SPARQLWrapper.__version__}"
    )


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number of seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class WikidataClient:
    """SELECT queries on one endpoint, with the User-Agent, time limit and retry policy of ``kgpub link``."""

    def __init__(
        self,
        endpoint: str,
        *,
        contact: str,
        timeout: float = 60.0,
        retries: int = 4,
        max_wait: float = 120.0,
        backoff: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.agent = user_agent(contact)
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self.backoff = backoff
        self.sleep = sleep
        self.notify = notify
        #: Requests sent so far (for the summary, and for tests that check batching).
        self.requests = 0

    @property
    def where(self) -> str:
        return f"the SPARQL endpoint {self.endpoint}"

    def select(self, sparql: str) -> list[Binding]:
        """Run a SELECT query and return its rows; retries on 429/503, raises RemoteError otherwise."""
        attempt = 0
        while True:
            try:
                return self._once(sparql)
            except urllib.error.HTTPError as exc:
                if exc.code not in TRANSIENT:
                    raise self._http_error(exc) from None
                if attempt >= self.retries:
                    raise RemoteError(
                        f"{self.where} still answered {exc.code} {_reason(exc)} after "
                        f"{attempt + 1} tries; kgpub gave up. Try again later, or use fewer names "
                        "per query ([link] batch_size in kgpub.toml).",
                    ) from None
                asked = retry_after(exc.headers.get("Retry-After") if exc.headers else None)
                if asked is not None and asked > self.max_wait:
                    raise RemoteError(
                        f"{self.where} answered {exc.code} {_reason(exc)} and asks kgpub to wait "
                        f"{asked:g} s, longer than the {self.max_wait:g} s allowed "
                        "([link] max_wait in kgpub.toml). Try again later.",
                    ) from None
                pause = asked if asked is not None else min(self.max_wait, self.backoff * 2**attempt)
                attempt += 1
                if self.notify:
                    why = "as its Retry-After header asks" if asked is not None else "before trying again"
                    self.notify(
                        f"{self.endpoint} answered {exc.code} {_reason(exc)}; waiting {pause:g} s {why} "
                        f"(try {attempt + 1} of {self.retries + 1})."
                    )
                self.sleep(pause)

    def _once(self, sparql: str) -> list[Binding]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        client = SPARQLWrapper(self.endpoint, agent=self.agent)
        client.setQuery(sparql)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(max(1, round(self.timeout)))
        self.requests += 1
        body, _ = send_query(client, self.where, self.timeout, WORDING, http_errors=False)
        try:
            document: Any = json.loads(body)
            rows = document["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise RemoteError(
                f"{self.where} did not answer with SPARQL JSON results; is it a SPARQL endpoint?"
            ) from None
        return [row for row in rows if isinstance(row, dict)]

    def _http_error(self, exc: urllib.error.HTTPError) -> RemoteError:
        return RemoteError(f"{self.where} answered HTTP {exc.code} {_reason(exc)}.")


def _reason(exc: urllib.error.HTTPError) -> str:
    return str(exc.reason or "").strip() or "error"
