"""The canonical order of the dumps: N-Triples lines by subject, rdf:type first, then as text."""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from kgpub import Project
from kgpub.enrich import inferred_triples
from kgpub.serialise import Canonical

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
