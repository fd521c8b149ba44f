"""The catalogue over HTTP (/datasets/dcat, /catalog), VoID linked from the service description, and
the landing page's schema.org Dataset compared with the DCAT."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS
from tests.conftest import LiveServer

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef("https://data.kiruna.se/id/dataset/kiruna")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PARSERS = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}


def media(r: httpx.Response) -> str:
    return r.headers["content-type"].split(";")[0].strip()


def published(server: LiveServer) -> Graph:
    return Graph().parse(server.site.dist / "catalog.ttl", format="turtle")


@pytest.mark.parametrize("path", ["/datasets/dcat", "/catalog"])
@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/rdf+xml"),
        ("*/*", "application/rdf+xml"),
        (BROWSER, "application/rdf+xml"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ],
)
def test_catalogue_by_content_negotiation(
    live_server: LiveServer, path: str, accept: str | None, expected: str
) -> None:
    """RDF/XML by default (what dataportal.se harvests); Turtle, JSON-LD or N-Triples by Accept."""
    r = httpx.get(live_server.url + path, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert media(r) == expected
    assert "Accept" in r.headers["vary"]
    assert isomorphic(Graph().parse(data=r.content, format=PARSERS[expected]), published(live_server))


def test_format_parameter_and_refusals(live_server: LiveServer) -> None:
    """?format= picks a form; an unknown format is 400, an unacceptable Accept 406."""
    r = httpx.get(
        live_server.url + "/datasets/dcat",
        params={"format": "ttl"},
        headers={"Accept": "application/rdf+xml"},
    )
    assert media(r) == "text/turtle"
    assert httpx.get(live_server.url + "/datasets/dcat", params={"format": "csv"}).status_code == 400
    assert httpx.get(live_server.url + "/catalog", headers={"Accept": "image/png"}).status_code == 406


def test_no_catalogue_is_404(tmp_path: Path) -> None:
    """A publication without a catalogue (no data/catalog.ttl) answers 404 at /datasets/dcat."""
    import asyncio

    from starlette.requests import Request

    from kgpub.catalog import catalog_endpoint

    app = SimpleNamespace(state=SimpleNamespace(site=SimpleNamespace(dist=tmp_path)))
    scope = {"type": "http", "method": "GET", "path": "/datasets/dcat", "headers": [], "app": app}
    response = asyncio.run(catalog_endpoint(Request(scope)))
    assert response.status_code == 404


def test_conditional_get(live_server: LiveServer) -> None:
    """A nightly harvester that sends the ETag back gets 304 Not Modified."""
    first = httpx.get(live_server.url + "/datasets/dcat")
    etag = first.headers["etag"]
    again = httpx.get(live_server.url + "/datasets/dcat", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_files_are_served_as_dumps(live_server: LiveServer) -> None:
    """dist/catalog.* and dist/void.ttl are downloadable like every file of the publication."""
    for name in ("catalog.rdf", "catalog.ttl", "catalog.jsonld", "void.ttl"):
        r = httpx.get(f"{live_server.url}/dumps/{name}")
        assert r.status_code == 200, name
        assert r.content == (live_server.site.dist / name).read_bytes()


def test_service_description_links_void(live_server: LiveServer) -> None:
    """The service description's dataset points (rdfs:seeAlso) at the VoID file, which is served."""
    r = httpx.get(live_server.url + "/sparql", headers={"Accept": "text/turtle"})
    sd = Graph().parse(data=r.text, format="turtle")
    links = list(sd.objects(DATASET, RDFS.seeAlso))
    assert links == [URIRef(live_server.url + "/dumps/void.ttl")]
    void = Graph().parse(data=httpx.get(str(links[0])).text, format="turtle")
    assert (DATASET, RDF.type, VOID.Dataset) in void


# ---------------------------------------------------------------------------------------------
# The landing page's schema.org Dataset
# ---------------------------------------------------------------------------------------------


def page_dataset(server: LiveServer, lang: str) -> dict:  # type: ignore[type-arg]
    html = httpx.get(server.url + "/", params={"lang": lang}).text
    found = re.findall(r'<script type="application/ld\+json" id="dataset-jsonld">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])  # type: ignore[no-any-return]


def text(g: Graph, node: object, prop: URIRef, lang: str) -> str:
    values = [str(o) for o in g.objects(node, prop) if isinstance(o, Literal) and o.language == lang]  # type: ignore[arg-type]
    assert len(values) == 1
    return values[0]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_landing_page_dataset_agrees_with_the_dcat(live_server: LiveServer, lang: str) -> None:
    """The home page's schema.org Dataset (name, description of 50–5000 characters, licence,
    publisher, keywords, coverage, distributions) says what the catalogue says, in the page's language."""
    doc = page_dataset(live_server, lang)
    cat = published(live_server)
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "Dataset"
    assert doc["@id"] == str(DATASET)
    assert doc["name"] == text(cat, DATASET, DCTERMS.title, lang)
    assert doc["description"] == text(cat, DATASET, DCTERMS.description, lang)
    assert 50 <= len(doc["description"]) <= 5000
    assert doc["license"] == str(cat.value(DATASET, DCTERMS.license))
    assert doc["identifier"] == str(cat.value(DATASET, DCTERMS.identifier))
    assert doc["version"] == str(cat.value(DATASET, DCAT.version))
    assert doc["url"] == str(cat.value(DATASET, DCAT.landingPage))
    assert doc["dateModified"] == str(cat.value(DATASET, DCTERMS.modified))
    publisher = cat.value(DATASET, DCTERMS.publisher)
    assert doc["publisher"]["@id"] == str(publisher)
    assert doc["publisher"]["name"] == text(cat, publisher, FOAF.name, lang)
    keywords = {str(k) for k in cat.objects(DATASET, DCAT.keyword) if k.language == lang}  # type: ignore[attr-defined]
    assert set(doc["keywords"]) == keywords and keywords
    assert doc["spatialCoverage"]["@id"] == str(cat.value(DATASET, DCTERMS.spatial))
    period = cat.value(DATASET, DCTERMS.temporal)
    assert doc["temporalCoverage"] == f"{cat.value(period, DCAT.startDate)}/{cat.value(period, DCAT.endDate)}"
    downloads = {(d["contentUrl"], d["encodingFormat"]) for d in doc["distribution"]}
    assert downloads == {
        (str(cat.value(d, DCAT.downloadURL)), str(cat.value(d, DCAT.mediaType)).rsplit("media-types/", 1)[1])
        for d in cat.objects(DATASET, DCAT.distribution)
    }
    assert len(downloads) == 4
