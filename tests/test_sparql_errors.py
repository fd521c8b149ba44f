"""Every way a SPARQLWrapper request can fail, and the exact error each client of it reports: the
query engine of ``kgpub query --endpoint`` and the Wikidata client of ``kgpub link`` share one
mapping (kgpub.sparql.send_query) and word only their advice differently."""

from __future__ import annotations

import urllib.error
from collections.abc import Callable
from email.message import Message

import pytest
from SPARQLWrapper import SPARQLExceptions as sx
from SPARQLWrapper import SPARQLWrapper

from kgpub.errors import KgpubError, QueryError, RemoteError
from kgpub.link.client import WikidataClient
from kgpub.sparql import RemoteEngine

URL = "http://127.0.0.1:9/sparql"
WHERE = f"the SPARQL endpoint {URL}"
BAD = "Response:\nb'Parse error:   line 1'"
SHORT = " ".join(str(sx.QueryBadFormed(BAD)).split())
#: What the endpoint said, decoded: not SPARQLWrapper's preamble and a Python bytes literal.
INTERNAL = "boom"
LINK_TIMED_OUT = "Try again later, or allow more time with --timeout ([link] timeout in kgpub.toml)."
LINK_UNREACHABLE = "Check the network and the address (--endpoint, or [link] endpoint in kgpub.toml)."


def http_error(code: int, reason: str) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(URL, code, reason, Message(), None)


#: failure -> (error class, message of RemoteEngine, message of WikidataClient)
CASES: dict[str, tuple[Callable[[], BaseException], type[KgpubError], str, str]] = {
    "400": (
        lambda: sx.QueryBadFormed(BAD),
        QueryError,
        f"{WHERE} refused the query as malformed: {SHORT}",
        f"{WHERE} refused a query of kgpub's as malformed: {SHORT}",
    ),
    "404": (
        sx.EndPointNotFound,
        RemoteError,
        f"{WHERE} answered 404 Not Found; check the endpoint URL.",
        f"{WHERE} answered 404 Not Found; check the endpoint URL.",
    ),
    "401": (
        sx.Unauthorized,
        RemoteError,
        f"{WHERE} answered 401 Unauthorized.",
        f"{WHERE} answered 401 Unauthorized.",
    ),
    "414": (
        sx.URITooLong,
        RemoteError,
        f"{WHERE} answered 414 URI Too Long; the query is too long for GET.",
        f"{WHERE} answered 414 URI Too Long.",
    ),
    "500": (
        lambda: sx.EndPointInternalError(b"boom"),
        RemoteError,
        f"{WHERE} failed with a server error: {INTERNAL}",
        f"{WHERE} failed with a server error (it may have stopped a query that ran too long; a smaller "
        f"[link] batch_size helps): {INTERNAL}",
    ),
    "418": (
        lambda: http_error(418, "I'm a teapot"),
        RemoteError,
        f"{WHERE} answered HTTP 418 I'm a teapot.",
        f"{WHERE} answered HTTP 418 I'm a teapot.",
    ),
    "418 without a reason": (
        lambda: http_error(418, ""),
        RemoteError,
        f"{WHERE} answered HTTP 418 .",
        f"{WHERE} answered HTTP 418 error.",
    ),
    "socket time-out": (
        lambda: urllib.error.URLError(TimeoutError("timed out")),
        RemoteError,
        f"{WHERE} did not answer within 7 s.",
        f"{WHERE} did not answer within 7 s. {LINK_TIMED_OUT}",
    ),
    "time-out while reading": (
        TimeoutError,
        RemoteError,
        f"{WHERE} did not answer within 7 s.",
        f"{WHERE} did not answer within 7 s. {LINK_TIMED_OUT}",
    ),
    "no such host": (
        lambda: urllib.error.URLError("Name or service not known"),
        RemoteError,
        f"cannot reach {WHERE}: Name or service not known.",
        f"cannot reach {WHERE}: Name or service not known. {LINK_UNREACHABLE}",
    ),
    "refused": (
        lambda: ConnectionRefusedError(111, "Connection refused"),
        RemoteError,
        f"cannot reach {WHERE}: [Errno 111] Connection refused.",
        f"cannot reach {WHERE}: [Errno 111] Connection refused. {LINK_UNREACHABLE}",
    ),
}


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> Callable[[BaseException], None]:
    """Make SPARQLWrapper's next requests fail with the given exception, before any network use."""

    def fail(exc: BaseException) -> None:
        def query(self: SPARQLWrapper) -> None:
            raise exc

        monkeypatch.setattr(SPARQLWrapper, "query", query)

    return fail


@pytest.mark.parametrize("case", list(CASES))
def test_remote_engine_errors(case: str, failing: Callable[[BaseException], None]) -> None:
    make, kind, message, _ = CASES[case]
    failing(make())
    with pytest.raises(KgpubError) as caught:
        RemoteEngine(URL, timeout=7).run("SELECT * WHERE { ?s ?p ?o }")
    assert type(caught.value) is kind
    assert caught.value.message == message


@pytest.mark.parametrize("case", list(CASES))
def test_wikidata_client_errors(case: str, failing: Callable[[BaseException], None]) -> None:
    make, kind, _, message = CASES[case]
    failing(make())
    client = WikidataClient(URL, contact="tests@example.org", timeout=7, retries=0, sleep=lambda _: None)
    with pytest.raises(KgpubError) as caught:
        client.select("SELECT * WHERE { ?s ?p ?o }")
    assert type(caught.value) is kind
    assert caught.value.message == message
    assert client.requests == 1


def test_the_wikidata_client_retries_what_may_pass(failing: Callable[[BaseException], None]) -> None:
    """A 503 goes back to the Wikidata client's retry loop (the engine of kgpub query reports it at once)."""
    failing(http_error(503, "Service Unavailable"))
    pauses: list[float] = []
    client = WikidataClient(URL, contact="tests@example.org", retries=2, backoff=1.0, sleep=pauses.append)
    with pytest.raises(RemoteError, match=r"still answered 503 Service Unavailable after 3 tries"):
        client.select("SELECT * WHERE { ?s ?p ?o }")
    assert pauses == [1.0, 2.0] and client.requests == 3
    with pytest.raises(RemoteError) as caught:
        RemoteEngine(URL).run("SELECT * WHERE { ?s ?p ?o }")
    assert caught.value.message == f"{WHERE} answered HTTP 503 Service Unavailable."


def test_an_endpoints_own_words_are_decoded_not_shown_as_python_bytes() -> None:
    """SPARQLWrapper puts the body in its message as b'…'; kgpub shows the decoded text, on one line."""
    from kgpub.sparql import _short

    body = "Virtuoso 22026 Error SR319: Max row length is exceeded\n\nSPARQL query:\nSELECT ?ö".encode()
    text = _short(sx.EndPointInternalError(body))
    assert text == "Virtuoso 22026 Error SR319: Max row length is exceeded SPARQL query: SELECT ?ö"
    assert _short(ValueError("plain\nmessage")) == "plain message"
    assert _short(ValueError("x" * 400)) == "x" * 300 + "…"
