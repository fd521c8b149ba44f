"""The ontology: documented in Swedish and English, aligned to standard vocabularies, with metadata."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kgpub import Project

KGPUB = "https://w3id.org/kgpub/def#"
STANDARD = (
    "http://schema.org/",
    "http://www.w3.org/ns/org#",
    str(DCTERMS),
    "http://www.w3.org/ns/prov#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2004/02/skos/core#",
)


@pytest.fixture(scope="module")
def ont(kiruna: Project) -> Graph:
    return kiruna.ontology.graph


def terms(g: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(KGPUB)})


def test_header(ont: Graph) -> None:
    """Title, version IRI and info, licence, creator, issued and modified."""
    o = URIRef("https://w3id.org/kgpub/def")
    assert (o, RDF.type, OWL.Ontology) in ont
    for p in (
        DCTERMS.title,
        OWL.versionIRI,
        OWL.versionInfo,
        DCTERMS.license,
        DCTERMS.creator,
        DCTERMS.issued,
        DCTERMS.modified,
    ):
        assert ont.value(o, p) is not None, p
    assert {t.language for t in ont.objects(o, DCTERMS.title)} == {"sv", "en"}


def test_every_term_is_documented_in_both_languages(ont: Graph) -> None:
    """Every class and property has exactly one rdfs:label and one rdfs:comment in sv and in en."""
    assert len(terms(ont)) > 40
    for term in terms(ont):
        for prop in (RDFS.label, RDFS.comment):
            langs = sorted(o.language for o in ont.objects(term, prop))
            assert langs == ["en", "sv"], (term, prop, langs)
        assert (term, RDFS.isDefinedBy, URIRef("https://w3id.org/kgpub/def")) in ont


def test_every_term_is_aligned(ont: Graph) -> None:
    """Every class and property reaches a standard vocabulary through subClassOf/subPropertyOf
    (directly or through another kgpub term), except the few with no standard counterpart."""
    from kgpub.enrich import closure

    ancestors = {**closure(ont, RDFS.subClassOf), **closure(ont, RDFS.subPropertyOf)}
    unaligned = [t for t in terms(ont) if not any(str(a).startswith(STANDARD) for a in ancestors.get(t, ()))]
    # Ownership, counts and statements of purpose have no term in the standard vocabularies.
    allowed = {
        KGPUB + x
        for x in (
            "ownedBy",
            "partOwnerOf",
            "memberCount",
            "destinationCount",
            "purpose",
            "focus",
            "vision",
            "goal",
            "activity",
            "cooperationArea",
        )
    }
    assert set(map(str, unaligned)) <= allowed


def test_classes_the_data_uses_reach_schema_org(ont: Graph, kiruna: Project) -> None:
    """Every class used in the data is, after closure, a schema.org class (so the schema.org view is complete)."""
    from kgpub.enrich import closure

    ancestors = closure(ont, RDFS.subClassOf)
    used = {o for o in kiruna.data.graph.objects(None, RDF.type) if str(o).startswith(KGPUB)}
    # A group known only by its member count is a foaf:Group, not an organisation in schema.org's sense.
    used.discard(URIRef(KGPUB + "OrganisationGroup"))
    for cls in used:
        assert any(str(a).startswith("http://schema.org/") for a in ancestors.get(cls, ())), cls


def test_nothing_municipality_specific(kiruna: Project) -> None:
    """The ontology can be reused unchanged by another municipality."""
    text = "".join(p.read_text(encoding="utf-8") for p in kiruna.ontology_dir.glob("*.ttl"))
    assert "kiruna" not in text.lower()
