"""Repeated queries are answered from the result cache, never with a stale or volatile answer."""

from __future__ import annotations

import json
import time

import httpx
from tests.conftest import LiveServer

from kgpub.serve.cache import ResultCache, cacheable
from kgpub.serve.pool import Answer

JSON = "application/sparql-results+json"
OPTIONS = {"max_rows": 50, "result_format": "json", "graph_format": "turtle", "default_graphs": []}


def ask(server: LiveServer, query: str, accept: str = JSON) -> httpx.Response:
    return httpx.get(server.url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)


def test_the_same_query_twice_is_a_hit_with_the_same_answer(live_server: LiveServer) -> None:
    query = f"SELECT ?p WHERE {{ ?p a <http://schema.org/Project> }} ORDER BY ?p # {time.time_ns()}"
    first, second = ask(live_server, query), ask(live_server, query)
    assert (first.headers["X-Kgpub-Cache"], second.headers["X-Kgpub-Cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert len(second.json()["results"]["bindings"]) >= 7
    # Another format of the same query is another answer.
    csv = ask(live_server, query, "text/csv")
    assert csv.headers["X-Kgpub-Cache"] == "miss"
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].strip() == "p"


def test_a_truncated_answer_keeps_its_signal_when_it_comes_from_the_cache(live_server: LiveServer) -> None:
    query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} # {time.time_ns()}"
    for expected in ("miss", "hit"):
        response = ask(live_server, query)
        assert response.headers["X-Kgpub-Cache"] == expected
        assert response.headers["X-Kgpub-Truncated"] == "50"
        assert len(response.json()["results"]["bindings"]) == 50


def test_volatile_queries_are_never_answered_from_the_cache(live_server: LiveServer) -> None:
    query = f"SELECT (RAND() AS ?r) (STRUUID() AS ?u) WHERE {{}} # {time.time_ns()}"
    answers = [ask(live_server, query) for _ in range(3)]
    assert [a.headers.get("X-Kgpub-Cache") for a in answers] == [None, None, None]
    assert len({json.dumps(a.json()["results"]) for a in answers}) == 3


def test_errors_are_not_kept(live_server: LiveServer) -> None:
    query = f"SELECT (1/0 AS ?x) WHERE {{ FILTER(?undefined( }} # {time.time_ns()}"
    first, second = ask(live_server, query), ask(live_server, query)
    assert first.status_code == second.status_code == 400
    assert "X-Kgpub-Cache" not in second.headers


def test_which_queries_may_be_kept() -> None:
    assert cacheable("SELECT * WHERE { ?s ?p ?o }")
    assert cacheable('SELECT * WHERE { ?s <urn:x:now> "RAND()" } # NOW()')  # in IRIs, strings, comments
    assert cacheable("SELECT ?service WHERE { ?service ?p ?o }")
    for volatile in (
        "SELECT (NOW() AS ?t) {}",
        "select (rand () as ?r) {}",
        "SELECT (UUID() AS ?u) {}",
        "SELECT (STRUUID() AS ?u) {}",
        "CONSTRUCT { ?s <urn:x:p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }",
        "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
        "SELECT (\\u0052AND() AS ?r) {}",  # escapes are expanded before SPARQL parses
    ):
        assert not cacheable(volatile), volatile


def test_keys_separate_releases_and_options_and_the_budget_evicts() -> None:
    cache = ResultCache(8 * 4096)
    answer = Answer("ok", b"x" * 1000, "select")
    key = cache.key(0, "SELECT * {}", OPTIONS)
    cache.put(key, answer)
    assert cache.get(cache.key(0, "SELECT * {}", dict(OPTIONS))) is answer
    assert cache.get(cache.key(1, "SELECT * {}", OPTIONS)) is None  # a new release
    assert cache.get(cache.key(0, "SELECT * {}", {**OPTIONS, "result_format": "xml"})) is None
    assert cache.get(cache.key(0, "SELECT * {}", {**OPTIONS, "default_graphs": ["urn:x:g"]})) is None
    assert cache.get(cache.key(0, "SELECT * { }", OPTIONS)) is None  # another text
    # Too large for one entry (more than an eighth of the budget): not kept.
    big = cache.key(0, "SELECT ?big {}", OPTIONS)
    cache.put(big, Answer("ok", b"x" * 5000, "select"))
    assert cache.get(big) is None
    # Filling the budget pushes out the least recently used answer.
    for n in range(40):
        cache.put(cache.key(0, f"SELECT * {{}} # {n}", OPTIONS), answer)
    assert cache.get(key) is None
    assert cache.bytes <= cache.max_bytes
    assert cache.get(cache.key(0, "SELECT * {} # 39", OPTIONS)) is answer


def test_a_cache_of_zero_bytes_keeps_nothing() -> None:
    cache = ResultCache(0)
    key = cache.key(0, "SELECT * {}", OPTIONS)
    assert key is None
    cache.put(key, Answer("ok", b"{}", "select"))
    assert cache.get(key) is None


def test_whole_responses_are_replayed_with_the_headers_of_the_request(live_server: LiveServer) -> None:
    """A repeated GET is answered whole (serve.cache.ResponseCache), keyed by what the answer depends on."""
    query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} # {time.time_ns()}"
    url = live_server.url + "/sparql"

    def get(**headers: str) -> httpx.Response:
        return httpx.get(url, params={"query": query}, headers={"Accept": JSON, **headers}, timeout=30)

    plain = [get(), get()]
    assert [r.headers["X-Kgpub-Cache"] for r in plain] == ["miss", "hit"]
    assert plain[0].content == plain[1].content
    assert "access-control-allow-origin" not in plain[1].headers
    assert plain[1].headers["x-content-type-options"] == "nosniff"
    # A cross-origin client gets its CORS header, from the cache too.
    cross = [get(Origin="https://yasgui.example"), get(Origin="https://yasgui.example")]
    assert [r.headers["access-control-allow-origin"] for r in cross] == ["*", "*"]
    assert cross[1].headers["X-Kgpub-Cache"] == "hit"
    # Compressed and plain answers are kept apart.
    raw = httpx.get(
        url, params={"query": query}, headers={"Accept": JSON, "Accept-Encoding": "identity"}, timeout=30
    )
    assert "content-encoding" not in raw.headers and raw.content == plain[0].content
    zipped = httpx.get(
        url, params={"query": query}, headers={"Accept": JSON, "Accept-Encoding": "gzip"}, timeout=30
    )
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == plain[0].content
    # Another media type is another answer.
    xml = get(Accept="application/sparql-results+xml")
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert b"<sparql" in xml.content
