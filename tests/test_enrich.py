"""Materialisation: the published graph answers schema.org-only queries."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kgpub import Project
from kgpub.enrich import closure, materialise
from kgpub.publish import BuildResult

SCHEMA = "http://schema.org/"
ID = "https://data.kiruna.se/id/"


def test_closure_is_transitive_and_survives_cycles() -> None:
    """Ancestors are followed through several steps; a cycle does not loop."""
    g = Graph()
    a, b, c = (URIRef(f"urn:x:{n}") for n in "abc")
    g.add((a, RDFS.subClassOf, b))
    g.add((b, RDFS.subClassOf, c))
    g.add((c, RDFS.subClassOf, a))
    assert closure(g, RDFS.subClassOf)[a] == {b, c}


def test_only_alignments_of_the_ontology_are_used() -> None:
    """Nothing is inferred from domains, ranges or anything but subClassOf/subPropertyOf."""
    ont = Graph()
    p, q, s, o = (URIRef(f"urn:x:{n}") for n in ("p", "q", "s", "o"))
    ont.add((p, RDFS.domain, URIRef("urn:x:D")))
    data = Graph()
    data.add((s, p, o))
    assert set(materialise(data, ont)) == {(s, p, o)}
    ont.add((p, RDFS.subPropertyOf, q))
    assert (s, q, o) in materialise(data, ont)


@pytest.fixture(scope="module")
def published(kiruna_build: BuildResult) -> Graph:
    return Graph().parse(kiruna_build.out / "kiruna.nt", format="nt")


def _schema_select(g: Graph, query: str) -> set[str]:
    return {str(row[0]) for row in g.query("PREFIX schema: <http://schema.org/>\n" + query)}


def test_every_project_is_a_schema_project(published: Graph, kiruna: Project) -> None:
    """Every kgpub:Project and kgpub:Collaboration is a schema:Project after the build."""
    kgpub_projects = {
        str(s)
        for cls in ("Project", "Collaboration")
        for s in kiruna.data.graph.subjects(RDF.type, URIRef(f"https://w3id.org/kgpub/def#{cls}"))
    }
    assert kgpub_projects
    assert kgpub_projects <= _schema_select(published, "SELECT ?p WHERE { ?p a schema:Project }")


def test_schema_only_queries_answer(published: Graph) -> None:
    """Names, funders, dates, places, membership and links are there in schema.org terms."""
    funders = _schema_select(
        published,
        f"SELECT ?f WHERE {{ <{ID}project/co-kiruna> schema:funder ?f }}",
    )
    assert funders == {
        f"{ID}organisation/{x}" for x in ("kiruna-kommun", "sparbanken-nord", "region-norrbotten")
    }
    names = {
        (str(n), n.language)
        for (n,) in published.query(f"SELECT ?n WHERE {{ <{ID}project/kirunabo> <{SCHEMA}name> ?n }}")
    }
    assert names == {("Kirunabo", "sv"), ("Kirunabo", "en")}
    start = _schema_select(published, f"SELECT ?d WHERE {{ <{ID}project/kirunabo> schema:startDate ?d }}")
    assert start == {"2018"}
    founded = _schema_select(
        published, f"SELECT ?d WHERE {{ <{ID}organisation/filmpool-nord> schema:foundingDate ?d }}"
    )
    assert founded == {"1992"}
    orgs = _schema_select(published, "SELECT ?o WHERE { ?o a schema:Organization }")
    assert f"{ID}organisation/vinnova" in orgs and f"{ID}organisation/kiruna-kommun" in orgs
    places = _schema_select(published, "SELECT ?p WHERE { ?p a schema:Place }")
    assert f"{ID}place/vittangi-forsamling" in places and f"{ID}organisation/kiruna-kommun" in places
    same = _schema_select(
        published, f"SELECT ?w WHERE {{ <{ID}organisation/kiruna-kommun> schema:sameAs ?w }}"
    )
    assert same == {"http://www.wikidata.org/entity/Q499474"}
    members = _schema_select(published, "SELECT ?o WHERE { ?m schema:memberOf ?o }")
    assert f"{ID}organisation/tornedalsradet" in members
    served = _schema_select(published, f"SELECT ?a WHERE {{ <{ID}project/rit> schema:areaServed ?a }}")
    assert served == {f"{ID}place/norrbottens-lan"}


def test_inferred_triples_are_what_the_rdflib_step_infers(kiruna: Project) -> None:
    """The build's pyoxigraph step adds exactly the statements of the rdflib step, on the Kiruna data."""
    from kgpub.enrich import inferred, inferred_triples
    from kgpub.serialise import ox_triples

    data = kiruna.data
    new = set(inferred_triples(data.triples, kiruna.ontology.graph))
    old = set(ox_triples(inferred(data.graph, kiruna.ontology.graph)))
    assert new == old
    assert len(new) > 100


def test_the_dumps_keep_lexical_forms_as_written(tmp_path: Path) -> None:
    """A dateTime written with Z stays so in the dump (rdflib would have rewritten it as +00:00)."""
    from kgpub.testing import MUNICIPALITY, PREFIXES, make_project

    root = make_project(
        tmp_path / "p",
        {
            "organisations.ttl": MUNICIPALITY,
            "extra.ttl": PREFIXES
            + "<https://data.example.se/id/organisation/exempel-kommun> "
            + '<http://purl.org/dc/terms/modified> "2026-01-02T03:04:05Z"^^xsd:dateTime .\n',
        },
    )
    built = Project(root).build(root / "dist")
    dump = (built.out / f"{Project(root).config.name}.nt").read_text(encoding="utf-8")
    assert '"2026-01-02T03:04:05Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in dump
