"""The canonical order of the dumps (N-Triples lines by subject, rdf:type first, then as text), and
the compact JSON-LD written from it."""

from __future__ import annotations

import itertools
import json

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

from kgpub import Project
from kgpub.enrich import inferred_triples
from kgpub.serialise import Canonical, JsonLdWriter

TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _line_key(line: str) -> str:
    """The canonical order of an N-Triples line: as text, with the rdf:type term ranked first."""
    return line.replace(" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ", " \x01 ")


def _expected(triples: list[ox.Triple]) -> bytes:
    """The order, stated plainly: sort the lines by (subject, not rdf:type, rest)."""
    text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    lines = sorted({line for line in text.split("\n") if line}, key=_line_key)
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_canonical_order_on_the_kiruna_graph(kiruna: Project) -> None:
    data = kiruna.data.triples
    triples = list(itertools.chain(data, inferred_triples(data, kiruna.ontology.graph)))
    canonical = Canonical(triples)
    assert canonical.ntriples == _expected(triples)
    assert len(canonical) == len(set(triples))


def test_rdf_type_in_every_position_and_look_alike_text() -> None:
    a, b, p = ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:ab"), ox.NamedNode("urn:x:p")
    triples = [
        ox.Triple(a, p, ox.Literal("x")),
        ox.Triple(a, TYPE, ox.NamedNode("urn:x:Z")),
        ox.Triple(a, TYPE, ox.NamedNode("urn:x:A")),
        ox.Triple(b, TYPE, ox.NamedNode("urn:x:A")),
        ox.Triple(a, p, TYPE),  # rdf:type as an object
        ox.Triple(TYPE, p, a),  # and as a subject
        ox.Triple(TYPE, TYPE, a),
        ox.Triple(b, p, ox.Literal("<urn:x:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:x:q>")),
        ox.Triple(ox.BlankNode("b1"), TYPE, a),
        ox.Triple(ox.BlankNode("b10"), p, a),
        ox.Triple(a, p, ox.Literal("ö", language="sv")),
        ox.Triple(a, p, ox.Literal("z")),
        ox.Triple(a, p, ox.Literal("x")),  # a duplicate
    ]
    canonical = Canonical(triples)
    assert canonical.ntriples == _expected(triples)
    lines = canonical.ntriples.decode().splitlines()
    of_a = [line for line in lines if line.startswith("<urn:x:a> ")]
    assert of_a[:2] == [
        "<urn:x:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:x:A> .",
        "<urn:x:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:x:Z> .",
    ]
    assert len(lines) == 12
    assert Canonical([]).ntriples == b""


# -- compact JSON-LD --------------------------------------------------------------------------------

EX = "https://data.example.se/def/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CONTEXT = {
    "@context": {
        "@version": 1.1,
        "ex": EX,
        "xsd": XSD,
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "label": {"@id": "rdfs:label", "@container": "@language"},
        "partner": {"@id": "ex:partner", "@type": "@id"},
        "year": {"@id": "ex:year", "@type": "xsd:gYear"},
        "note": {"@id": "ex:note"},
    }
}


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


def _awkward_graph() -> list[ox.Triple]:
    """Every kind of value, each written where the context fits it and where it does not."""
    a, b, bn = _n("a"), ox.NamedNode("urn:other:b"), ox.BlankNode("x1")
    label, partner, year, note = (
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        _n("partner"),
        _n("year"),
        _n("note"),
    )
    gyear = ox.NamedNode(XSD + "gYear")
    text = 'quote " backslash \\ newline \n tab \t bell \x07 del \x7f line sep \u2028 ö 🙂'
    return [
        ox.Triple(a, TYPE, _n("Project")),
        ox.Triple(a, TYPE, ox.NamedNode("urn:other:Thing")),
        ox.Triple(a, label, ox.Literal("Ett", language="sv")),
        ox.Triple(a, label, ox.Literal("Två", language="sv")),
        ox.Triple(a, label, ox.Literal(text, language="en")),
        ox.Triple(b, label, ox.Literal("no language")),  # a language map cannot hold it
        ox.Triple(a, partner, b),
        ox.Triple(a, partner, bn),
        ox.Triple(b, partner, ox.Literal("a name, not a link")),  # @type @id cannot hold it
        ox.Triple(a, year, ox.Literal("2018", datatype=gyear)),
        ox.Triple(b, year, ox.Literal("2018-05", datatype=ox.NamedNode(XSD + "gYearMonth"))),
        ox.Triple(b, year, ox.Literal("2019", datatype=gyear)),  # mixed with the one above
        ox.Triple(a, note, ox.Literal(text)),
        ox.Triple(a, note, ox.Literal("typed", datatype=ox.NamedNode("urn:dt:x"))),
        ox.Triple(a, note, ox.Literal("sv", language="sv")),
        ox.Triple(a, note, b),
        ox.Triple(bn, _n("untermed"), ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(bn, ox.NamedNode("urn:no:prefix"), TYPE),
        ox.Triple(bn, TYPE, ox.Literal("a literal type")),  # not a JSON-LD @type: under rdf:type
    ]


def _expand(doc: bytes) -> Graph:
    from pyld import jsonld

    nquads = jsonld.to_rdf(json.loads(doc), {"format": "application/n-quads"})
    return Graph().parse(data=nquads, format="nt")


def test_jsonld_expands_to_exactly_the_graph() -> None:
    """Whatever the values, pyld expanding the compact JSON-LD gives back every triple and no other."""
    triples = _awkward_graph()
    doc = JsonLdWriter(CONTEXT).write(Canonical(triples), CONTEXT["@context"])
    expected = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    got = _expand(doc)
    assert len(got) == len(expected) == len(triples)
    assert isomorphic(got, expected)


def test_jsonld_uses_the_context_where_values_fit() -> None:
    triples = _awkward_graph()
    doc = json.loads(JsonLdWriter(CONTEXT).write(Canonical(triples), "https://example.se/ctx.jsonld"))
    assert doc["@context"] == "https://example.se/ctx.jsonld"
    nodes = {node["@id"]: node for node in doc["@graph"]}
    a = nodes["ex:a"]
    assert a["@type"] == ["ex:Project", "urn:other:Thing"]
    assert a["label"]["sv"] == ["Ett", "Två"]
    assert "bell \x07" in a["label"]["en"] and "\u2028" in a["label"]["en"]
    assert sorted(a["partner"]) == ["_:x1", "urn:other:b"]
    assert a["year"] == "2018"
    b = nodes["urn:other:b"]
    assert "label" not in b and "partner" not in b and "year" not in b  # the values do not fit
    assert b["rdfs:label"] == "no language"
    assert b["ex:partner"] == "a name, not a link"
    assert nodes["_:x1"]["ex:untermed"] == {"@value": "12", "@type": "xsd:integer"}


def test_jsonld_of_nothing() -> None:
    doc = json.loads(JsonLdWriter(CONTEXT).write(Canonical([]), "x"))
    assert doc["@graph"] == []
