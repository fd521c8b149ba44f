"""Common SPARQL clients work with /sparql unchanged: SPARQLWrapper, rdflib's SPARQLStore and curl."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import xml.dom.minidom

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from tests.conftest import LiveServer

PROJECTS = "SELECT ?p WHERE { ?p a <http://schema.org/Project> } ORDER BY ?p LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?p a <http://schema.org/Project> } WHERE { ?p a <http://schema.org/Project> } ORDER BY ?p LIMIT 3"
SCHEMA_PROJECT = URIRef("http://schema.org/Project")


def endpoint(server: LiveServer) -> str:
    return server.url + "/sparql"


def expected_projects(server: LiveServer) -> list[str]:
    answer = server.site.query(PROJECTS)
    return [row["p"].value for row in answer]


# -- SPARQLWrapper ------------------------------------------------------------------------------


def wrapper(server: LiveServer, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint(server))
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method == "POSTDIRECTLY":
        client.setMethod(POST)
        client.setRequestMethod(POSTDIRECTLY)
    elif method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [None, POST, "POSTDIRECTLY"], ids=["GET", "POST form", "POST direct"])
def test_sparqlwrapper_select_json(live_server: LiveServer, method: str | None) -> None:
    """SPARQLWrapper gets SELECT results as JSON by GET, form POST and direct POST."""
    result = wrapper(live_server, PROJECTS, JSON, method).query().convert()
    assert [b["p"]["value"] for b in result["results"]["bindings"]] == expected_projects(live_server)  # type: ignore[index]


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
def test_sparqlwrapper_select_xml(live_server: LiveServer, method: str | None) -> None:
    """SPARQLWrapper gets SELECT results as SPARQL XML."""
    document = wrapper(live_server, PROJECTS, XML, method).query().convert()
    assert isinstance(document, xml.dom.minidom.Document)
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == expected_projects(live_server)


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
def test_sparqlwrapper_select_csv(live_server: LiveServer, method: str | None) -> None:
    """SPARQLWrapper gets SELECT results as CSV."""
    text = wrapper(live_server, PROJECTS, CSV, method).query().convert()
    table = list(csv.reader(io.StringIO(text.decode() if isinstance(text, bytes) else str(text))))
    assert table[0] == ["p"]
    assert [row[0] for row in table[1:]] == expected_projects(live_server)


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
def test_sparqlwrapper_ask(live_server: LiveServer, method: str | None) -> None:
    """SPARQLWrapper gets ASK answers (JSON and XML)."""
    yes = wrapper(live_server, "ASK { ?p a <http://schema.org/Project> }", JSON, method).query().convert()
    assert yes["boolean"] is True  # type: ignore[index]
    no = wrapper(live_server, "ASK { ?p a <urn:x:Nothing> }", XML, method).query().convert()
    assert no.getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
def test_sparqlwrapper_construct_turtle(live_server: LiveServer, method: str | None) -> None:
    """SPARQLWrapper gets CONSTRUCT results as Turtle."""
    body = wrapper(live_server, CONSTRUCT, TURTLE, method).query().convert()
    graph = Graph().parse(data=body, format="turtle")  # type: ignore[arg-type]
    assert sorted(str(s) for s in graph.subjects(RDF.type, SCHEMA_PROJECT)) == expected_projects(live_server)


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
def test_sparqlwrapper_construct_jsonld(live_server: LiveServer, method: str | None) -> None:
    """SPARQLWrapper gets CONSTRUCT results as JSON-LD (parsed into an rdflib graph)."""
    graph = wrapper(live_server, CONSTRUCT, JSONLD, method).query().convert()
    assert isinstance(graph, Graph)
    assert sorted(str(s) for s in graph.subjects(RDF.type, SCHEMA_PROJECT)) == expected_projects(live_server)


def test_sparqlwrapper_construct_default_format(live_server: LiveServer) -> None:
    """SPARQLWrapper's default for CONSTRUCT (RDF/XML) works and gives an rdflib graph."""
    client = SPARQLWrapper(endpoint(live_server))
    client.setQuery(CONSTRUCT)
    graph = client.queryAndConvert()
    assert isinstance(graph, Graph)
    assert len(graph) == 3


# -- rdflib's SPARQLStore -------------------------------------------------------------------------


def test_rdflib_sparqlstore(live_server: LiveServer) -> None:
    """A Graph(store=SPARQLStore(url)) answers SELECT, ASK and CONSTRUCT through the endpoint."""
    graph = Graph(store=SPARQLStore(endpoint(live_server)))
    assert [str(row[0]) for row in graph.query(PROJECTS)] == expected_projects(live_server)  # type: ignore[index]
    assert graph.query("ASK { ?p a <http://schema.org/Project> }").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None
    assert len(constructed) == 3
    project = URIRef(expected_projects(live_server)[0])
    assert (project, RDF.type, SCHEMA_PROJECT) in graph


def test_rdflib_sparqlstore_post(live_server: LiveServer) -> None:
    """SPARQLStore with method POST (form-encoded) works too."""
    graph = Graph(store=SPARQLStore(endpoint(live_server), method="POST"))
    assert [str(row[0]) for row in graph.query(PROJECTS)] == expected_projects(live_server)  # type: ignore[index]


# -- curl -----------------------------------------------------------------------------------------


def curl(*args: str) -> tuple[int, str, str]:
    """Run curl; returns (status, content type, body). Fails plainly if curl is missing."""
    binary = shutil.which("curl")
    if binary is None:
        pytest.fail("curl is not installed on this machine; these tests need the curl command line tool.")
    done = subprocess.run(
        [binary, "--silent", "--show-error", "--write-out", "\n%{http_code} %{content_type}", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, _, trailer = done.stdout.rpartition("\n")
    status, _, kind = trailer.partition(" ")
    return int(status), kind.split(";")[0], body


def test_curl_get_json(live_server: LiveServer) -> None:
    """curl -G --data-urlencode query=... with Accept application/sparql-results+json."""
    status, kind, body = curl(
        "-G",
        endpoint(live_server),
        "--data-urlencode",
        f"query={PROJECTS}",
        "-H",
        "Accept: application/sparql-results+json",
    )
    assert (status, kind) == (200, "application/sparql-results+json")
    assert [b["p"]["value"] for b in json.loads(body)["results"]["bindings"]] == expected_projects(
        live_server
    )


def test_curl_post_form_csv(live_server: LiveServer) -> None:
    """curl --data-urlencode (a form POST) with Accept text/csv."""
    status, kind, body = curl(
        endpoint(live_server), "--data-urlencode", f"query={PROJECTS}", "-H", "Accept: text/csv"
    )
    assert (status, kind) == (200, "text/csv")
    assert body.splitlines()[1:] == expected_projects(live_server)


def test_curl_post_direct_xml_and_tsv(live_server: LiveServer) -> None:
    """curl --data-binary with Content-Type application/sparql-query, results as XML and TSV."""
    for accept in ("application/sparql-results+xml", "text/tab-separated-values"):
        status, kind, body = curl(
            endpoint(live_server),
            "--data-binary",
            PROJECTS,
            "-H",
            "Content-Type: application/sparql-query",
            "-H",
            f"Accept: {accept}",
        )
        assert (status, kind) == (200, accept)
        assert expected_projects(live_server)[0] in body


def test_curl_construct(live_server: LiveServer) -> None:
    """curl gets CONSTRUCT results as Turtle, N-Triples, RDF/XML and JSON-LD."""
    for accept, parser in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ):
        status, kind, body = curl(
            "-G", endpoint(live_server), "--data-urlencode", f"query={CONSTRUCT}", "-H", f"Accept: {accept}"
        )
        assert (status, kind) == (200, accept)
        assert len(Graph().parse(data=body, format=parser)) == 3


def test_curl_service_description_and_errors(live_server: LiveServer) -> None:
    """curl on /sparql without a query gets the Service Description; a bad query gets 400, an update 403."""
    status, kind, body = curl(endpoint(live_server))
    assert (status, kind) == (200, "text/turtle")
    assert f"<{endpoint(live_server)}>" in body
    status, _, body = curl("-G", endpoint(live_server), "--data-urlencode", "query=SELECT WHERE {")
    assert status == 400
    assert "Syntax error" in body
    status, _, _ = curl(
        endpoint(live_server), "--data-binary", "DROP ALL", "-H", "Content-Type: application/sparql-update"
    )
    assert status == 403
