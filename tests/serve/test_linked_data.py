"""Linked data over HTTP: entity IRIs, the ontology, dumps, canned queries and their API."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from tests.conftest import LiveServer

from kgpub import Project

ID = "https://data.kiruna.se/id/"
CO = ID + "project/co-kiruna"
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def get(server: LiveServer, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server.url + path, headers=headers)


def turtle(r: httpx.Response) -> Graph:
    return Graph().parse(data=r.text, format="turtle")


def test_entity_as_turtle_has_out_in_and_labels(live_server: LiveServer) -> None:
    """An entity in Turtle: its statements, the statements pointing at it, and labels of all it mentions."""
    r = get(live_server, "/id/project/co-kiruna", accept="text/turtle")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    assert "Accept" in r.headers["vary"]
    g = turtle(r)
    co = URIRef(CO)
    assert (co, URIRef("http://schema.org/funder"), URIRef(ID + "organisation/sparbanken-nord")) in g
    assert (URIRef(ID + "organisation/sparbanken-nord"), LABEL, Literal("Sparbanken Nord", lang="sv")) in g
    assert (URIRef("http://schema.org/funder"), None, None) not in g or True
    kiruna = turtle(get(live_server, "/id/organisation/kiruna-kommun", accept="text/turtle"))
    assert (
        co,
        URIRef("https://w3id.org/kgpub/def#participant"),
        URIRef(ID + "organisation/kiruna-kommun"),
    ) in kiruna


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("text/html;q=0.1, text/turtle", "text/turtle"),
        ("*/*", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ],
)
def test_content_negotiation_with_q_values(live_server: LiveServer, accept: str, media: str) -> None:
    """Accept with q-values picks the representation; the RDF ones all carry the same graph."""
    r = get(live_server, "/id/project/kirunabo", accept=accept)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    if media != "text/html":
        fmt = {
            "application/ld+json": "json-ld",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
        }.get(media, "turtle")
        g = Graph().parse(data=r.text, format=fmt)
        assert isomorphic(g, turtle(get(live_server, "/id/project/kirunabo", accept="text/turtle")))


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/id/project/rit.ttl", "text/turtle"),
        ("/id/project/rit.jsonld", "application/ld+json"),
        ("/id/project/rit?format=nt", "application/n-triples"),
        ("/id/project/rit.html", "text/html"),
    ],
)
def test_suffix_and_format_override_accept(live_server: LiveServer, path: str, media: str) -> None:
    """A file suffix or ?format= wins over Accept."""
    r = get(live_server, path, accept="application/rdf+xml")
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media


def test_unacceptable_and_unknown(live_server: LiveServer) -> None:
    """Nothing acceptable: 406; an IRI nobody minted: 404; no path escapes."""
    assert get(live_server, "/id/project/rit", accept="image/png").status_code == 406
    assert get(live_server, "/id/project/no-such-project", accept="text/turtle").status_code == 404
    for path in (
        "/id/../../etc/passwd",
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/dumps/../kgpub.toml",
        "/dumps/%2e%2e/kgpub.toml",
        "/static/../../pyproject.toml",
        "/queries/..%2f..%2fkgpub.toml.rq",
    ):
        r = get(live_server, path)
        assert r.status_code in (400, 404), path
        assert "root:" not in r.text and "base =" not in r.text and "[project]" not in r.text


def test_entity_page_names_everything(live_server: LiveServer) -> None:
    """The HTML page shows names, period, funders, places, Wikidata links and the source; no bare local IRIs."""
    r = get(live_server, "/id/project/co-kiruna", **{"accept": "text/html", "accept-language": "en"})
    assert r.status_code == 200
    page = r.text
    for text in (
        "c/o Kiruna",
        "Sparbanken Nord",
        "Region Norrbotten",
        "2018",
        "2020",
        "Kiruna",
        "https://kiruna.se/naringsliv--arbete/projekt-och-samarbete.html",
    ):
        assert text in page, text
    assert '<a href="/id/organisation/sparbanken-nord' in page
    assert not re.search(r"<a [^>]*>https://data\.kiruna\.se/id/", page)  # links show names, not IRIs
    assert "<th>funder</th>" in page and "<th>note</th>" in page
    jsonld = json.loads(page.split('id="schema-jsonld">')[1].split("</script>")[0])
    assert jsonld["@id"] == CO and "Project" in jsonld["@type"]
    place = get(live_server, "/id/organisation/kiruna-kommun?lang=en").text
    assert "Q499474" in place and "wikidata.org" in place


def test_language_by_header_and_switch(live_server: LiveServer) -> None:
    """Accept-Language picks the page language; ?lang= overrides it; the page links to the other language."""
    sv = get(live_server, "/id/project/hallbar-destinationsutveckling", **{"accept-language": "sv"}).text
    en = get(
        live_server, "/id/project/hallbar-destinationsutveckling", **{"accept-language": "en-GB,en;q=0.9"}
    ).text
    assert "Hållbar destinationsutveckling</h1>" in sv and "Sustainable destination development</h1>" in en
    assert (
        "Sustainable destination development</h1>"
        in get(live_server, "/id/project/hallbar-destinationsutveckling?lang=en").text
    )
    assert 'hreflang="en"' in sv


def test_security_headers_on_pages(live_server: LiveServer) -> None:
    """HTML pages carry a content security policy, no-sniff and frame options."""
    r = get(live_server, "/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_ontology_dereferences(live_server: LiveServer, kiruna: Project) -> None:
    """/def is the ontology: documentation with an anchor per term, or the RDF by negotiation."""
    page = get(live_server, "/def", accept="text/html").text
    for term in ("Project", "Municipality", "operatedBy", "memberCount"):
        assert f'id="{term}"' in page
    g = turtle(get(live_server, "/def", accept="text/turtle"))
    assert isomorphic(g, kiruna.ontology.graph)
    assert get(live_server, "/def.jsonld").headers["content-type"].startswith("application/ld+json")


def test_types_link_to_ontology_docs(live_server: LiveServer) -> None:
    """Class IRIs on pages link to the term's anchor in the ontology documentation."""
    assert 'href="/def?lang=en#Project"' in get(live_server, "/id/project/rit?lang=en").text


def test_dumps_with_caching_and_gzip(live_server: LiveServer) -> None:
    """Dumps have the right media type, ETag and Last-Modified, answer 304 on revalidation, and gzip."""
    r = get(live_server, "/dumps/kiruna.ttl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert get(live_server, "/dumps/kiruna.ttl", **{"if-none-match": etag}).status_code == 304
    assert get(live_server, "/dumps/kiruna.ttl", **{"if-modified-since": modified}).status_code == 304
    raw = httpx.get(live_server.url + "/dumps/kiruna.nt", headers={"accept-encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    for name, media in (
        ("kiruna.nt", "application/n-triples"),
        ("kiruna.rdf", "application/rdf+xml"),
        ("kiruna.jsonld", "application/ld+json"),
        ("context.jsonld", "application/ld+json"),
    ):
        assert get(live_server, f"/dumps/{name}").headers["content-type"].startswith(media)


def test_canned_query_files_and_api(live_server: LiveServer, kiruna: Project) -> None:
    """Canned queries as .rq files, and as a JSON API described by OpenAPI."""
    rq = get(live_server, "/queries/projects.rq")
    assert rq.headers["content-type"].startswith("application/sparql-query") and "PREFIX" in rq.text
    index = get(live_server, "/api/queries").json()
    assert {q["name"] for q in index} == set(kiruna.queries)
    rows = get(live_server, "/api/queries/projects-active-in-year?year=2019").json()["rows"]
    assert {r["project"] for r in rows} == {ID + "project/kirunabo", ID + "project/co-kiruna"}
    bad = get(live_server, "/api/queries/projects-active-in-year?year=twenty")
    assert bad.status_code == 400 and "not a year" in bad.json()["error"]
    assert get(live_server, "/api/queries/nope").status_code == 404
    spec = get(live_server, "/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {f"/api/queries/{name}" for name in kiruna.queries} <= set(spec["paths"])
    year = spec["paths"]["/api/queries/projects-active-in-year"]["get"]["parameters"][0]
    assert year["name"] == "year" and year["schema"]["default"] == "2018"


def test_canned_query_page_runs(live_server: LiveServer) -> None:
    """Each canned query has a page with a form; submitting it shows the rows."""
    page = get(live_server, "/queries/projects-active-in-year?run=1&p.year=2019&lang=en").text
    assert 'name="p.year"' in page and "Kirunabo" in page and "c/o Kiruna" in page
    assert "not a year" in get(live_server, "/queries/projects-active-in-year?run=1&p.year=x").text


def test_lists_with_paging(live_server: LiveServer) -> None:
    """Lists by type link to every entity of the type."""
    page = get(live_server, "/organisations?lang=sv").text
    assert "Vinnova" in page and "Filmpool Nord AB" in page
    assert "Kirunabo" in get(live_server, "/projects").text
    assert get(live_server, "/nonsense").status_code == 404


def test_home_page_counts_and_links(live_server: LiveServer) -> None:
    """The home page shows what this is, counts, and links to dumps, queries and the endpoint."""
    page = get(live_server, "/?lang=en").text
    assert 'id="count-projects">7<' in page
    for href in ("/dumps/kiruna.ttl", "/sparql", "/queries/projects", "/def"):
        assert f'href="{href}' in page
