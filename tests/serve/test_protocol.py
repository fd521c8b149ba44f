"""The SPARQL 1.1 Protocol on /sparql, over HTTP against live servers.

The W3C protocol test suite (``standards/sparql-protocol/protocol/manifest.ttl`` in the shared
artefacts) runs case by case against a server that holds the suite's graphs; the rest of the file
checks the protocol on the Kiruna build: the three ways to send a query, the dataset parameters,
the result formats by Accept (with q-values) and by ``format``, the status codes, the Service
Description, the browser page and CORS.
"""

from __future__ import annotations

import dataclasses
import io
import json
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.query import Result
from tests.conftest import LiveServer, start_server

from kgpub import Project
from kgpub.serve.pool import Dump, QueryPool
from kgpub.testing import make_project

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

RESULT_PARSERS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_PARSERS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def media(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def results(response: httpx.Response) -> Result:
    """Parse a SPARQL results document by its media type."""
    return Result.parse(io.BytesIO(response.content), format=RESULT_PARSERS[media(response)])


def rows(response: httpx.Response) -> list[tuple[str, ...]]:
    parsed = results(response)
    return sorted(tuple(str(row[v]) if row[v] is not None else "" for v in parsed.vars) for row in parsed)  # type: ignore[index,union-attr]


def graph_of(response: httpx.Response) -> Graph:
    return Graph().parse(data=response.content, format=RDF_PARSERS[media(response)])


# -- the W3C test suite --------------------------------------------------------------------------


@dataclass
class Step:
    """One ht:Request of a test case and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]
    format: str | None
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        text = (self.body or b"").decode("utf-8", "replace")
        return (
            self.headers.get("content-type", "").startswith("application/sparql-update")
            or text.startswith("update=")
            or any(p in self.path for p in ("update=", "using-graph-uri=", "using-named-graph-uri="))
        )


@dataclass
class Case:
    name: str
    title: str
    steps: list[Step]
    graphs: dict[str, Path] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """'query' and 'bad' cases run as written; 'update' ones must be refused (read-only)."""
        if self.name.startswith("bad_"):
            return "bad"
        if any(step.is_update for step in self.steps):
            return "update"
        return "query"


def read_manifest(path: Path) -> list[Case]:
    g = Graph().parse(path, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    cases = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        assert (test, RDF.type, MF.ProtocolTest) in g, test
        graphs = {}
        for data in g.objects(test, UT.graphData):
            graphs[str(g.value(data, RDFS.label))] = path.parent / Path(str(g.value(data, UT.graph))).name
        steps = []
        action = g.value(test, MF.action)
        for request in Collection(g, g.value(action, HT.requests)):
            headers = {}
            for header in Collection(g, g.value(request, HT.headers) or RDF.nil):
                headers[str(g.value(header, HT.fieldName)).lower()] = str(g.value(header, HT.fieldValue))
            body = None
            if (content := g.value(request, HT.body)) is not None:
                encoding = str(g.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(content, CNT.chars)).encode(encoding)
            response = g.value(request, HT.resp)
            expected = g.value(response, MF.expectedBoolean)
            fmt = g.value(response, MF.expectedFormat)
            steps.append(
                Step(
                    method=str(g.value(request, HT.methodName)),
                    path=str(g.value(request, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=sorted(
                        str(s).rpartition("#")[2] for s in g.objects(response, MF.expectedStatus)
                    ),
                    format=str(fmt) if fmt is not None else None,
                    boolean=expected.toPython() if isinstance(expected, Literal) else None,
                )
            )
        name = str(test).rpartition("#")[2]
        cases.append(Case(name, str(g.value(test, MF.name)), steps, graphs))
    return cases


def status_ok(status: int, expected: list[str]) -> bool:
    ranges = {
        "StatusCode2xx": range(200, 300),
        "StatusCode3xx": range(300, 400),
        "StatusCode4xx": range(400, 500),
    }
    assert all(e in ranges for e in expected), f"unsupported expectation {expected}"
    return any(status in ranges[e] for e in expected)


def check_format(response: httpx.Response, step: Step) -> str | None:
    """None if the body has the expected form (boolean / tabular / RDF) and value, else why not."""
    kind = media(response)
    if step.format == "RDF":
        if kind not in RDF_PARSERS:
            return f"{kind} is not an RDF media type"
        graph_of(response)
        return None
    if kind not in RESULT_PARSERS:
        return f"{kind} is not a SPARQL results media type"
    parsed = results(response)
    if step.format == "boolean":
        if parsed.type != "ASK":
            return f"expected a boolean, got {parsed.type}"
        if step.boolean is not None and parsed.askAnswer is not step.boolean:
            return f"expected {step.boolean}, got {parsed.askAnswer}"
    elif step.format == "tabular" and parsed.type != "SELECT":
        return f"expected a table, got {parsed.type}"
    return None


@pytest.fixture(scope="module")
def protocol_suite(shared: Callable[[str], Path]) -> list[Case]:
    return read_manifest(shared("standards/sparql-protocol/protocol/manifest.ttl"))


@pytest.fixture(scope="module")
def suite_server(
    protocol_suite: list[Case], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A kgpub server whose dataset is the suite's graphs, each in the named graph the manifest names.

    A throwaway project starts the server; its query workers are then replaced by workers that load
    the suite's local files data1.nt ... under the manifest's (remote, never fetched) graph IRIs.
    """
    graphs: dict[str, Path] = {}
    for case in protocol_suite:
        graphs.update(case.graphs)
    assert sorted(p.name for p in graphs.values()) == ["data1.nt", "data2.nt", "data3.nt"]
    root = make_project(tmp_path_factory.mktemp("protocol-suite"))
    project = Project(root)
    server, stop = start_server(project, project.build(root / "dist").out, timeout=5.0, workers=1)
    suite_pool = QueryPool(
        [Dump(str(path), name) for name, path in sorted(graphs.items())], size=1, timeout=5.0
    )
    server.site.pool.close()
    server.site.pool = suite_pool
    yield server
    stop()


GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def test_w3c_protocol_suite(protocol_suite: list[Case], suite_server: LiveServer) -> None:
    """Every case of the W3C SPARQL 1.1 Protocol suite runs: query and bad-request cases as written, update cases refused with 4xx and the store unchanged."""
    kinds = {kind: [c.name for c in protocol_suite if c.kind == kind] for kind in ("query", "bad", "update")}
    print("\nW3C SPARQL 1.1 Protocol suite:")
    for kind, names in kinds.items():
        print(f"  {kind} ({len(names)}): {', '.join(names)}")
    # All 34 cases run; none is skipped.
    assert (len(protocol_suite), *map(len, kinds.values())) == (34, 13, 14, 7)

    def counts() -> list[tuple[str, ...]]:
        return rows(httpx.get(suite_server.url + "/sparql", params={"query": GRAPH_COUNTS}))

    before = counts()
    assert len(before) == 3
    failures = []
    with httpx.Client(base_url=suite_server.url, timeout=20) as client:
        for case in protocol_suite:
            for number, step in enumerate(case.steps):
                assert step.path.startswith("/sparql/"), step.path
                path = "/sparql" + step.path[len("/sparql/") :]  # our endpoint is /sparql
                response = client.request(step.method, path, headers=step.headers, content=step.body)
                where = f"{case.name} step {number + 1} ({step.method} {path[:60]})"
                if case.kind == "update" and step.is_update:
                    if not 400 <= response.status_code < 500:
                        failures.append(f"{where}: update answered {response.status_code}, not refused")
                    continue
                if not status_ok(response.status_code, step.statuses):
                    failures.append(
                        f"{where}: status {response.status_code}, expected {step.statuses}: {response.text[:200]}"
                    )
                    continue
                if step.format and response.status_code < 300:
                    if case.kind == "update":
                        # The update before it was refused, so what it would have made is absent.
                        step = dataclasses.replace(step, boolean=False)
                    if (why := check_format(response, step)) is not None:
                        failures.append(f"{where}: {why}")
            if case.kind == "update" and counts() != before:
                failures.append(f"{case.name}: the store changed")
    assert failures == []
    assert counts() == before


# -- the protocol on the Kiruna build ------------------------------------------------------------

PROJECTS = "SELECT ?p WHERE { ?p a <http://schema.org/Project> } ORDER BY ?p LIMIT 5"
ONE_ENTITY = "CONSTRUCT { ?p ?q ?o } WHERE { ?p a <http://schema.org/Project> ; ?q ?o } ORDER BY ?p LIMIT 20"


def endpoint(server: LiveServer) -> str:
    return server.url + "/sparql"


def graph_sizes(server: LiveServer) -> dict[str, int]:
    """Triples per named graph, counted in the server's own store (not over HTTP)."""
    from pyoxigraph import NamedNode

    site = server.site
    return {
        g: sum(1 for _ in site.store.quads_for_pattern(None, None, None, NamedNode(g)))
        for g in (site.data_graph, site.ontology_graph)
    }


def count(
    server: LiveServer, query: str = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **params: object
) -> int:
    r = httpx.get(endpoint(server), params={"query": query, **params})  # type: ignore[dict-item]
    assert r.status_code == 200, r.text
    return int(json.loads(r.text)["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_direct_agree(live_server: LiveServer) -> None:
    """A query gives the same answer by GET, by form-encoded POST and by application/sparql-query POST."""
    url = endpoint(live_server)
    by_get = httpx.get(url, params={"query": PROJECTS})
    by_form = httpx.post(url, data={"query": PROJECTS})
    by_body = httpx.post(url, content=PROJECTS.encode(), headers={"Content-Type": "application/sparql-query"})
    by_body_charset = httpx.post(
        url, content=PROJECTS.encode(), headers={"Content-Type": "application/sparql-query; charset=UTF-8"}
    )
    for r in (by_get, by_form, by_body, by_body_charset):
        assert r.status_code == 200, r.text
        assert media(r) == "application/sparql-results+json"
    assert len(rows(by_get)) == 5
    assert rows(by_get) == rows(by_form) == rows(by_body) == rows(by_body_charset)


def test_default_graph_is_the_union(live_server: LiveServer) -> None:
    """Without dataset parameters the default graph is the union of the data and ontology graphs."""
    sizes = graph_sizes(live_server)
    assert all(n > 0 for n in sizes.values())
    assert count(live_server) == sum(sizes.values())


def test_default_graph_uri(live_server: LiveServer) -> None:
    """default-graph-uri makes the default graph exactly the graph(s) given (GET and POST)."""
    site = live_server.site
    sizes = graph_sizes(live_server)
    assert count(live_server, **{"default-graph-uri": site.data_graph}) == sizes[site.data_graph]
    assert count(live_server, **{"default-graph-uri": site.ontology_graph}) == sizes[site.ontology_graph]
    both = httpx.post(
        endpoint(live_server),
        data={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "default-graph-uri": [site.data_graph, site.ontology_graph],
        },
    )
    assert int(json.loads(both.text)["results"]["bindings"][0]["n"]["value"]) == sum(sizes.values())
    assert count(live_server, **{"default-graph-uri": site.base + "graph/none"}) == 0


def test_named_graph_uri(live_server: LiveServer) -> None:
    """named-graph-uri limits GRAPH ?g to the graphs given; with only named graphs the default graph is empty."""
    site = live_server.site
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = httpx.get(endpoint(live_server), params={"query": query})
    assert {row[0] for row in rows(r)} == {site.data_graph, site.ontology_graph}
    r = httpx.get(endpoint(live_server), params={"query": query, "named-graph-uri": site.ontology_graph})
    assert {row[0] for row in rows(r)} == {site.ontology_graph}
    assert count(live_server, **{"named-graph-uri": site.ontology_graph}) == 0
    r = httpx.post(
        endpoint(live_server) + "?" + urllib.parse.urlencode({"named-graph-uri": site.data_graph}),
        content=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert {row[0] for row in rows(r)} == {site.data_graph}


def test_from_in_the_query_is_honoured(live_server: LiveServer) -> None:
    """A query's own FROM picks its default graph; the protocol's default-graph-uri overrides it."""
    site = live_server.site
    sizes = graph_sizes(live_server)
    from_ontology = f"SELECT (COUNT(*) AS ?n) FROM <{site.ontology_graph}> WHERE {{ ?s ?p ?o }}"
    assert count(live_server, from_ontology) == sizes[site.ontology_graph]
    assert (
        count(live_server, from_ontology, **{"default-graph-uri": site.data_graph}) == sizes[site.data_graph]
    )
    from_named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{site.data_graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert count(live_server, from_named) == sizes[site.data_graph]


def test_select_formats_by_accept(live_server: LiveServer) -> None:
    """SELECT answers as SPARQL JSON, XML, CSV and TSV by Accept, all with the same rows."""
    answers = {}
    for kind in RESULT_PARSERS:
        r = httpx.get(endpoint(live_server), params={"query": PROJECTS}, headers={"Accept": kind})
        assert r.status_code == 200, r.text
        assert media(r) == kind
        assert "Accept" in r.headers.get("vary", "")
        answers[kind] = rows(r)
    assert len({tuple(v) for v in answers.values()}) == 1
    assert len(answers["text/csv"]) == 5


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml;q=0.5, text/csv;q=0.9", "text/csv"),
        ("text/csv;q=0.1, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/tab-separated-values, */*;q=0.1", "text/tab-separated-values"),
        (
            "application/sparql-results+json;q=0, application/json;q=0.2, application/xml;q=0.3",
            "application/sparql-results+xml",
        ),
        ("text/*", "text/csv"),
        ("text/csv; charset=utf-8", "text/csv"),
        (
            "application/sparql-results+xml; charset=UTF-8;q=0.9, text/csv;q=0.1",
            "application/sparql-results+xml",
        ),
        ("text/tab-separated-values;q=oops", "text/tab-separated-values"),
    ],
)
def test_accept_q_values(live_server: LiveServer, accept: str | None, expected: str) -> None:
    """The results format follows Accept's q-values, other parameters ignored (JSON when Accept is absent or */*)."""
    headers = {"Accept": accept} if accept else {}
    r = httpx.get(endpoint(live_server), params={"query": PROJECTS}, headers=headers)
    assert r.status_code == 200, r.text
    assert media(r) == expected
    assert len(rows(r)) == 5


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_format_parameter_overrides_accept(live_server: LiveServer, fmt: str, expected: str) -> None:
    """A format parameter (short name or media type) wins over Accept, by GET and by POST."""
    accept = (
        "text/csv" if expected == "application/sparql-results+json" else "application/sparql-results+json"
    )
    r = httpx.get(
        endpoint(live_server), params={"query": PROJECTS, "format": fmt}, headers={"Accept": accept}
    )
    assert r.status_code == 200, r.text
    assert media(r) == expected
    p = httpx.post(endpoint(live_server), data={"query": PROJECTS, "format": fmt})
    assert media(p) == expected
    assert rows(r) == rows(p)


def test_unknown_or_unfit_format_parameter(live_server: LiveServer) -> None:
    """An unknown format is 400; a known one that does not fit the query form is 406."""
    r = httpx.get(endpoint(live_server), params={"query": PROJECTS, "format": "yaml"})
    assert r.status_code == 400
    assert "Unknown format" in r.text
    r = httpx.get(endpoint(live_server), params={"query": PROJECTS, "format": "turtle"})
    assert r.status_code == 406
    r = httpx.get(endpoint(live_server), params={"query": ONE_ENTITY, "format": "csv"})
    assert r.status_code == 406


@pytest.mark.parametrize("kind", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(live_server: LiveServer, kind: str) -> None:
    """ASK answers true or false as SPARQL JSON or XML."""
    for query, expected in (
        ("ASK { ?p a <http://schema.org/Project> }", True),
        ("ASK { ?p a <urn:x:Nothing> }", False),
    ):
        r = httpx.get(endpoint(live_server), params={"query": query}, headers={"Accept": kind})
        assert r.status_code == 200
        assert media(r) == kind
        assert results(r).askAnswer is expected


def test_construct_formats(live_server: LiveServer) -> None:
    """CONSTRUCT answers as Turtle, N-Triples, RDF/XML and JSON-LD by Accept, the same graph in each."""
    graphs = {}
    for kind in RDF_PARSERS:
        r = httpx.post(endpoint(live_server), data={"query": ONE_ENTITY}, headers={"Accept": kind})
        assert r.status_code == 200, r.text
        assert media(r) == kind
        graphs[kind] = graph_of(r)
    assert len(graphs["text/turtle"]) == 20
    for g in graphs.values():
        assert isomorphic(g, graphs["text/turtle"])
    default = httpx.get(endpoint(live_server), params={"query": ONE_ENTITY})
    assert media(default) == "text/turtle"
    q = httpx.get(
        endpoint(live_server),
        params={"query": ONE_ENTITY},
        headers={"Accept": "text/turtle;q=0.2, application/ld+json"},
    )
    assert media(q) == "application/ld+json"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("rdf", "application/rdf+xml"),
        ("jsonld", "application/ld+json"),
        ("json", "application/ld+json"),
        ("xml", "application/rdf+xml"),
    ],
)
def test_construct_format_parameter(live_server: LiveServer, fmt: str, expected: str) -> None:
    """For CONSTRUCT the format parameter picks the RDF syntax (json and xml mean JSON-LD and RDF/XML)."""
    r = httpx.get(endpoint(live_server), params={"query": ONE_ENTITY, "format": fmt})
    assert r.status_code == 200, r.text
    assert media(r) == expected
    assert len(graph_of(r)) == 20


def test_describe(live_server: LiveServer) -> None:
    """DESCRIBE of a project gives its triples in every RDF format."""
    project = rows(httpx.get(endpoint(live_server), params={"query": PROJECTS}))[0][0]
    for kind in RDF_PARSERS:
        r = httpx.get(
            endpoint(live_server), params={"query": f"DESCRIBE <{project}>"}, headers={"Accept": kind}
        )
        assert r.status_code == 200
        g = graph_of(r)
        assert (URIRef(project), RDF.type, URIRef("http://schema.org/Project")) in g


def test_relative_iris_resolve_against_the_base(live_server: LiveServer) -> None:
    """Relative IRIs in a query resolve against the endpoint's public IRI, so <id/...> names an entity."""
    project = rows(httpx.get(endpoint(live_server), params={"query": PROJECTS}))[0][0]
    relative = project.removeprefix(live_server.site.base)
    r = httpx.get(
        endpoint(live_server), params={"query": f"ASK {{ <{relative}> a <http://schema.org/Project> }}"}
    )
    assert results(r).askAnswer is True


def test_syntax_error_is_400_with_the_parsers_message(live_server: LiveServer) -> None:
    """A syntax error gives 400 and the parser's message, with its position."""
    r = httpx.get(endpoint(live_server), params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400
    assert r.text.startswith("Syntax error in the query: error at 1:")
    r = httpx.post(
        endpoint(live_server), content=b"ASK {", headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400
    assert "Syntax error" in r.text


def test_nothing_acceptable_is_406(live_server: LiveServer) -> None:
    """406 when Accept allows none of the formats of the query's kind of result."""
    r = httpx.get(endpoint(live_server), params={"query": PROJECTS}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    r = httpx.get(
        endpoint(live_server),
        params={"query": ONE_ENTITY},
        headers={"Accept": "application/sparql-results+json, text/csv"},
    )
    assert r.status_code == 406
    r = httpx.get(endpoint(live_server), params={"query": PROJECTS}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406
    r = httpx.get(endpoint(live_server), headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 406


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/json", "application/xml", "multipart/form-data; boundary=x", None],
)
def test_unsupported_post_content_type_is_415(live_server: LiveServer, content_type: str | None) -> None:
    """A POST that is neither a form nor application/sparql-query is 415."""
    headers = {"Content-Type": content_type} if content_type else {}
    r = httpx.post(endpoint(live_server), content=b"query=ASK%20%7B%7D", headers=headers)
    assert r.status_code == 415
    assert "application/sparql-query" in r.text


def test_non_utf8_query_is_refused(live_server: LiveServer) -> None:
    """A query body declared or encoded as something other than UTF-8 is refused with 4xx."""
    r = httpx.post(
        endpoint(live_server),
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert r.status_code == 415
    r = httpx.post(
        endpoint(live_server),
        content="ASK {} # \u00e5".encode("latin-1"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(live_server: LiveServer, method: str) -> None:
    """Methods other than GET and POST get 405 with an Allow header."""
    r = httpx.request(method, endpoint(live_server), params={"query": "ASK {}"})
    assert r.status_code == 405
    assert "POST" in r.headers["allow"]
    assert "PUT" not in r.headers["allow"]


def test_bad_requests_are_400(live_server: LiveServer) -> None:
    """Two queries, a query both in the body and the URL, or a POST without a query are 400."""
    url = endpoint(live_server)
    assert httpx.get(url + "?query=ASK%20%7B%7D&query=ASK%20%7B%7D").status_code == 400
    assert (
        httpx.post(
            url + "?query=ASK%20%7B%7D",
            content=b"ASK {}",
            headers={"Content-Type": "application/sparql-query"},
        ).status_code
        == 400
    )
    assert httpx.post(url, data={"format": "json"}).status_code == 400
    assert httpx.get(url, params={"query": "  "}).status_code == 400
    assert httpx.get(url, params={"query": "ASK {}", "default-graph-uri": "not an iri"}).status_code == 400


@pytest.mark.parametrize(
    "accept",
    ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml", "*/*", None],
)
def test_service_description(live_server: LiveServer, accept: str | None) -> None:
    """GET /sparql without a query is a SPARQL Service Description whose sd:endpoint is the endpoint URL."""
    r = httpx.get(endpoint(live_server), headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert media(r) == (accept if accept and accept != "*/*" else "text/turtle")
    g = graph_of(r)
    service = URIRef(endpoint(live_server))
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
    names = {str(o) for o in g.objects(None, SD.name)}
    assert names == {live_server.site.data_graph, live_server.site.ontology_graph}
    dataset = g.value(service, SD.defaultDataset)
    assert isinstance(dataset, BNode)
    assert (dataset, RDF.type, SD.Dataset) in g


def test_service_description_format_parameter(live_server: LiveServer) -> None:
    """?format= picks the Service Description's syntax, or the HTML page."""
    r = httpx.get(endpoint(live_server), params={"format": "jsonld"})
    assert media(r) == "application/ld+json"
    assert (URIRef(endpoint(live_server)), SD.endpoint, URIRef(endpoint(live_server))) in graph_of(r)
    assert media(httpx.get(endpoint(live_server), params={"format": "html"})) == "text/html"


def test_query_page_for_a_browser(live_server: LiveServer) -> None:
    """A browser asking for /sparql gets the HTML query page."""
    r = httpx.get(endpoint(live_server), headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert media(r) == "text/html"
    assert "<form" in r.text
    assert "Accept" in r.headers["vary"]


def test_cors(live_server: LiveServer) -> None:
    """GET and POST from another origin get Access-Control-Allow-Origin: *, and a preflight OPTIONS works."""
    origin = {"Origin": "https://yasgui.example.org"}
    r = httpx.get(endpoint(live_server), params={"query": "ASK {}"}, headers=origin)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    r = httpx.post(
        endpoint(live_server),
        content=b"ASK {}",
        headers={**origin, "Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    r = httpx.get(endpoint(live_server), params={"query": "ASK {"}, headers=origin)
    assert r.status_code == 400
    assert r.headers["access-control-allow-origin"] == "*"
    pre = httpx.options(
        endpoint(live_server),
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "content-type" in pre.headers["access-control-allow-headers"].lower()


def test_head(live_server: LiveServer) -> None:
    """HEAD answers like GET, without a body (for the Service Description and for a query)."""
    r = httpx.head(endpoint(live_server), headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert media(r) == "text/turtle"
    assert r.content == b""
    r = httpx.head(endpoint(live_server), params={"query": PROJECTS}, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert media(r) == "text/csv"
