"""What /sparql refuses or cuts short, over HTTP against live servers: updates (read-only), SERVICE
calls outside the allow-list (refused before any outbound request, proven with a local listener),
the time limit (the worker is killed, others keep answering, the pool recovers), the results cap,
and deep or long queries."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tests.conftest import REPO, LiveServer, start_server

from kgpub import Project
from kgpub.publish import BuildResult

ANSWER = {
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": "from the listener"}}]},
}


@dataclass
class Listener:
    """A local HTTP server that records every connection made to it (and answers SPARQL JSON)."""

    url: str
    connections: list[Any]
    close: Any


def start_listener() -> Listener:
    connections: list[Any] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            body = json.dumps(ANSWER).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def get_request(self) -> tuple[socket.socket, Any]:
            request = super().get_request()
            connections.append(request[1])
            return request

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def close() -> None:
        server.shutdown()
        server.server_close()

    return Listener(f"http://127.0.0.1:{server.server_address[1]}/sparql", connections, close)


@pytest.fixture
def listener() -> Iterator[Listener]:
    started = start_listener()
    yield started
    started.close()


def endpoint(server: LiveServer) -> str:
    return server.url + "/sparql"


def graph_counts(server: LiveServer) -> list[tuple[str, str]]:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    r = httpx.get(endpoint(server), params={"query": query})
    assert r.status_code == 200
    return [(b["g"]["value"], b["n"]["value"]) for b in r.json()["results"]["bindings"]]


# -- read-only ----------------------------------------------------------------------------------

INSERT = "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"
UPDATES = [
    INSERT,
    "PREFIX x: <urn:x:>\nINSERT DATA { GRAPH <urn:x:g> { x:s x:p x:o } }",
    "# a comment first\n  insert data { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE DATA { <urn:x:s> <urn:x:p> <urn:x:o> }",
    "WITH <https://data.kiruna.se/graph/kiruna> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP ALL",
    "DROP GRAPH <https://data.kiruna.se/graph/kiruna>",
    "CREATE GRAPH <urn:x:g>",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:x:g>",
    "COPY DEFAULT TO <urn:x:g>",
    "MOVE <https://data.kiruna.se/graph/kiruna> TO <urn:x:g>",
    "ADD <https://data.kiruna.se/graph/ontology> TO DEFAULT",
    "BASE <urn:x:> INSERT DATA { <s> <p> <o> }",
]


def update_requests(update: str, url: str) -> list[tuple[str, dict[str, Any]]]:
    """Every way a client might send an update."""
    return [
        (
            "sparql-update body",
            {
                "method": "POST",
                "url": url,
                "content": update.encode(),
                "headers": {"Content-Type": "application/sparql-update"},
            },
        ),
        ("update= form", {"method": "POST", "url": url, "data": {"update": update}}),
        ("update= in the URL", {"method": "GET", "url": url, "params": {"update": update}}),
        ("query= GET", {"method": "GET", "url": url, "params": {"query": update}}),
        ("query= form", {"method": "POST", "url": url, "data": {"query": update}}),
        (
            "sparql-query body",
            {
                "method": "POST",
                "url": url,
                "content": update.encode(),
                "headers": {"Content-Type": "application/sparql-query"},
            },
        ),
    ]


@pytest.mark.parametrize("update", UPDATES, ids=lambda u: u.split("{")[0].strip()[:40])
def test_updates_are_refused(live_server: LiveServer, update: str) -> None:
    """SPARQL Update in every form and by every way of sending it is refused with 4xx, and nothing changes."""
    before = graph_counts(live_server)
    for how, request in update_requests(update, endpoint(live_server)):
        r = httpx.request(**request)
        assert 400 <= r.status_code < 500, f"{how}: {r.status_code} {r.text}"
        assert "read-only" in r.text, how
    assert graph_counts(live_server) == before
    ask = httpx.get(endpoint(live_server), params={"query": "ASK { GRAPH ?g { <urn:x:s> ?p ?o } }"})
    assert ask.json()["boolean"] is False


def test_update_only_parameters_are_refused(live_server: LiveServer) -> None:
    """using-graph-uri and using-named-graph-uri belong to updates and are refused even beside a query."""
    for name in ("using-graph-uri", "using-named-graph-uri"):
        r = httpx.get(endpoint(live_server), params={"query": "ASK {}", name: "urn:x:g"})
        assert r.status_code == 403


def test_load_fetches_nothing(live_server: LiveServer, listener: Listener) -> None:
    """LOAD of a local URL is refused without any request to it."""
    for request in update_requests(f"LOAD <{listener.url}>", endpoint(live_server)):
        assert httpx.request(**request[1]).status_code == 403
    assert listener.connections == []


# -- SERVICE --------------------------------------------------------------------------------------


def service_queries(target: str) -> dict[str, str]:
    host = target.rsplit("/", 1)[0] + "/"
    return {
        "loopback IRI": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "cloud metadata": "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }",
        "variable": f"SELECT * WHERE {{ VALUES ?endpoint {{ <{target}> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
        "prefixed name": f"PREFIX loop: <{host}>\nSELECT * WHERE {{ SERVICE loop:sparql {{ ?s ?p ?o }} }}",
        "prefix declared twice": f"PREFIX w: <https://query.wikidata.org/>\nPREFIX w: <{host}>\nSELECT * WHERE {{ SERVICE w:sparql {{ ?s ?p ?o }} }}",
        "empty prefix": f"PREFIX : <{host}>\nSELECT * WHERE {{ SERVICE :sparql {{ ?s ?p ?o }} }}",
        "relative IRI": f"BASE <{host}>\nSELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        "SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{target}> {{ ?s ?p ?o }} }}",
        "escaped keyword": f"SELECT * WHERE {{ SERVIC\\u0045 <{target}> {{ ?s ?p ?o }} }}",
        "inside OPTIONAL": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        "inside UNION": f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        "inside EXISTS": f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{target}> {{ ?a ?p ?o }} }} }} LIMIT 1",
        "inside MINUS": f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{target}> {{ ?a ?p ?o }} }} }} LIMIT 1",
        "inside a subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        "inside GRAPH": f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "after an allowed one": f"SELECT * WHERE {{ SERVICE <https://query.wikidata.org/sparql> {{ ?s ?p ?o }} SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "in ASK": f"ASK {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "no space": f"SELECT*{{?s ?p ?o.SERVICE<{target}>{{?s ?p ?o}}}}",
    }


def test_service_outside_the_allow_list_is_refused_before_any_request(
    live_server: LiveServer, listener: Listener
) -> None:
    """SERVICE to loopback, cloud metadata, a variable or any IRI not on the allow-list is 403, and the target gets no connection."""
    url = endpoint(live_server)
    cases = service_queries(listener.url)
    for name, query in cases.items():
        for how, r in (
            ("GET", httpx.get(url, params={"query": query})),
            ("form", httpx.post(url, data={"query": query})),
            (
                "direct",
                httpx.post(url, content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
            ),
        ):
            assert r.status_code == 403, f"{name} by {how}: {r.status_code} {r.text}"
            assert "SERVICE" in r.text, name
            assert "(allowed: https://query.wikidata.org/sparql)" in r.text, name
    time.sleep(0.2)
    assert listener.connections == [], "a refused SERVICE reached the listener"
    assert len(cases) == 20


@pytest.fixture(scope="module")
def federating_server(kiruna_build: BuildResult) -> Iterator[tuple[LiveServer, Listener]]:
    """A server whose SERVICE allow-list is one local listener (for the positive control)."""
    remote = start_listener()
    server, stop = start_server(
        Project(REPO), kiruna_build.out, timeout=5.0, workers=1, service_allow=(remote.url,)
    )
    yield server, remote
    stop()
    remote.close()


def test_allowed_service_is_called(federating_server: tuple[LiveServer, Listener]) -> None:
    """Positive control: a SERVICE on the allow-list is called and its answer returned, so a silent listener means no call."""
    server, remote = federating_server
    r = httpx.get(
        endpoint(server), params={"query": f"SELECT ?x WHERE {{ SERVICE <{remote.url}> {{ ?x ?p ?o }} }}"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"] == ANSWER["results"]["bindings"]
    assert len(remote.connections) >= 1
    calls = len(remote.connections)
    for query in service_queries(remote.url + "/other").values():
        assert httpx.get(endpoint(server), params={"query": query}).status_code == 403, query
    assert len(remote.connections) == calls


# -- time limit -----------------------------------------------------------------------------------

FOREVER = {
    "cartesian product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STRLEN(CONCAT(STR(?c), STR(?f), STR(?i))) > 0) }",
    "nested property paths": 'SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x:p>|!<urn:x:p>)*/(^(!<urn:x:p>))* ?b . ?c ?d ?e FILTER(REGEX(CONCAT(STR(?b), STR(?e)), "(a|b)*z$")) }',
}


def wait_for_full_pool(server: LiveServer, within: float = 20.0) -> None:
    pool = server.site.pool
    deadline = time.monotonic() + within
    while pool.idle < pool.size:
        assert time.monotonic() < deadline, f"the pool has {pool.idle} of {pool.size} workers ready"
        time.sleep(0.1)


@pytest.mark.parametrize("query", list(FOREVER.values()), ids=list(FOREVER))
def test_time_limit_stops_the_query_and_others_are_answered(live_server: LiveServer, query: str) -> None:
    """A never-ending query is stopped at the limit with 503, other requests are answered meanwhile, and the pool recovers."""
    wait_for_full_pool(live_server)
    limit = live_server.site.settings.timeout
    restarts = live_server.site.pool.restarts
    slow: dict[str, Any] = {}

    def run_slow() -> None:
        started = time.monotonic()
        slow["response"] = httpx.post(endpoint(live_server), data={"query": query}, timeout=30)
        slow["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.5)
    fast_times = []
    for _ in range(5):
        started = time.monotonic()
        r = httpx.get(
            endpoint(live_server), params={"query": "ASK { ?s a <http://schema.org/Project> }"}, timeout=10
        )
        fast_times.append(time.monotonic() - started)
        assert r.status_code == 200
        assert r.json()["boolean"] is True
        assert httpx.get(live_server.url + "/", timeout=10).status_code == 200
    assert thread.is_alive(), "the slow query should still be running"
    assert max(fast_times) < 2.0  # a blocked server would take the whole limit (3 s)
    thread.join(timeout=limit + 10)
    response = slow["response"]
    assert response.status_code == 503
    assert f"stopped after {limit:g} s" in response.text
    assert limit - 0.1 <= slow["elapsed"] <= limit + 3.0  # margin for a loaded 2-core machine
    assert live_server.site.pool.restarts == restarts + 1
    wait_for_full_pool(live_server)
    r = httpx.get(endpoint(live_server), params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert r.status_code == 200


def test_two_slow_queries_at_once(live_server: LiveServer) -> None:
    """Two never-ending queries at once both stop at the limit, and the pool comes back to full strength."""
    wait_for_full_pool(live_server)
    limit = live_server.site.settings.timeout
    answers: list[tuple[int, float]] = []

    def run() -> None:
        started = time.monotonic()
        r = httpx.get(endpoint(live_server), params={"query": FOREVER["cartesian product"]}, timeout=30)
        answers.append((r.status_code, time.monotonic() - started))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=limit + 10)
    assert [status for status, _ in answers] == [503, 503]
    assert all(elapsed <= limit + 1.5 for _, elapsed in answers)
    wait_for_full_pool(live_server)
    assert httpx.get(endpoint(live_server), params={"query": "ASK {}"}).json()["boolean"] is True


# -- results cap ----------------------------------------------------------------------------------

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


def test_results_are_capped_and_say_so(live_server: LiveServer) -> None:
    """A cartesian product gives at most max_rows rows, with X-Kgpub-Truncated naming the cap, in every format."""
    cap = live_server.site.settings.max_rows
    assert cap == 50
    r = httpx.get(endpoint(live_server), params={"query": CARTESIAN})
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == cap
    assert r.headers["x-kgpub-truncated"] == str(cap)
    assert "X-Kgpub-Truncated" in r.headers["access-control-expose-headers"]
    for accept in ("text/csv", "text/tab-separated-values"):
        r = httpx.get(endpoint(live_server), params={"query": CARTESIAN}, headers={"Accept": accept})
        assert r.headers["x-kgpub-truncated"] == str(cap)
        assert len(r.text.strip().splitlines()) == cap + 1  # a header line, then the rows
    r = httpx.get(
        endpoint(live_server),
        params={"query": CARTESIAN},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert r.text.count("<result>") == cap
    r = httpx.get(
        endpoint(live_server),
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert r.headers["x-kgpub-truncated"] == str(cap)
    assert len(r.text.strip().splitlines()) == cap


def test_small_results_are_not_marked(live_server: LiveServer) -> None:
    """A result within the cap has no truncation header."""
    r = httpx.get(endpoint(live_server), params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 50"})
    assert len(r.json()["results"]["bindings"]) == 50
    assert "x-kgpub-truncated" not in r.headers


# -- deep and long queries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{ " * 200 + "?s ?p ?o " + "} " * 200,
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }",
        "SELECT * WHERE { ?s ?p " + "[ <urn:x:p> " * 100 + "1" + " ]" * 100 + " }",
        "SELECT * WHERE { ?s " + "(" * 100 + "<urn:x:p>" + ")*" * 100 + " ?o }",
    ],
    ids=["groups", "expression", "blank nodes", "property path"],
)
def test_deep_nesting_is_refused_before_parsing(live_server: LiveServer, query: str) -> None:
    """A query nested deeper than the limit is 400 at once, before any parser sees it."""
    started = time.monotonic()
    r = httpx.get(endpoint(live_server), params={"query": query})
    assert r.status_code == 400
    assert "levels deep" in r.text
    assert time.monotonic() - started < 1.0


def test_moderate_nesting_is_fine(live_server: LiveServer) -> None:
    """Nesting well within the limit runs normally."""
    query = "SELECT * WHERE " + "{ " * 30 + "?s ?p ?o " + "} " * 30 + "LIMIT 1"
    r = httpx.get(endpoint(live_server), params={"query": query})
    assert r.status_code == 200, r.text


def test_long_queries_are_413(live_server: LiveServer) -> None:
    """A query longer than max_query_length is 413 whether sent in a form or as the body; a huge body is cut off unread."""
    limit = live_server.site.settings.max_query_length
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * limit
    r = httpx.post(
        endpoint(live_server),
        content=long_query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 413
    assert str(limit) in r.text
    r = httpx.post(endpoint(live_server), data={"query": long_query})
    assert r.status_code == 413
    started = time.monotonic()
    r = httpx.post(
        endpoint(live_server), content=b"#" * 50_000_000, headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 413
    assert time.monotonic() - started < 3.0

    def chunks() -> Iterator[bytes]:
        for _ in range(1000):
            yield b"#" * 100_000

    r = httpx.post(
        endpoint(live_server), content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 413
