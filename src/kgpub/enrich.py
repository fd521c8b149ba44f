"""Stage 3, enrich: materialise what the ontology's own alignments imply.

A small, explicit RDFS step, not a general reasoner: for every ``rdfs:subClassOf`` and
``rdfs:subPropertyOf`` statement in the ontology (its alignments to schema.org, W3C ORG, DCTERMS,
PROV, FOAF, SKOS), the data gets the implied types and statements, so the published graph also
answers queries written only in schema.org terms.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from kgpub.load import paused_gc
from kgpub.vocab import RDF, RDFS


def closure(ontology: Graph, relation: URIRef) -> dict[Node, set[Node]]:
    """Every term's strict ancestors along ``relation`` (transitive, cycles tolerated)."""
    parents: dict[Node, set[Node]] = {}
    for child, parent in ontology.subject_objects(relation):
        if isinstance(child, URIRef) and isinstance(parent, URIRef) and child != parent:
            parents.setdefault(child, set()).add(parent)
    result: dict[Node, set[Node]] = {}
    for term in parents:
        seen: set[Node] = set()
        todo = list(parents[term])
        while todo:
            node = todo.pop()
            if node in seen or node == term:
                continue
            seen.add(node)
            todo.extend(parents.get(node, ()))
        result[term] = seen
    return result


def inferred(data: Graph, ontology: Graph) -> Iterable[tuple[Node, Node, Node]]:
    """The statements the alignments add to ``data`` (some may already be there)."""
    classes = closure(ontology, RDFS.subClassOf)
    properties = closure(ontology, RDFS.subPropertyOf)
    for s, p, o in data:
        if p == RDF.type:
            for parent in classes.get(o, ()):
                yield s, RDF.type, parent
        for parent in properties.get(p, ()):
            if parent == RDF.type:
                continue
            yield s, parent, o


def materialise(data: Graph, ontology: Graph) -> Graph:
    """A new graph: ``data`` plus everything its alignments imply."""
    out = Graph(bind_namespaces="none")
    for prefix, ns in data.namespaces():
        out.bind(prefix, ns)
    out.addN((s, p, o, out) for s, p, o in data)
    out.addN((s, p, o, out) for s, p, o in list(inferred(data, ontology)))
    return out


def inferred_triples(data: Iterable[ox.Triple], ontology: Graph) -> list[ox.Triple]:
    """:func:`inferred` over pyoxigraph triples: what the build publishes, without an rdflib graph."""
    rdf_type = ox.NamedNode(str(RDF.type))

    def ancestors(relation: URIRef) -> dict[ox.NamedNode, list[ox.NamedNode]]:
        return {
            ox.NamedNode(str(k)): [ox.NamedNode(str(v)) for v in sorted(vs, key=str) if v != RDF.type]
            for k, vs in closure(ontology, relation).items()
        }

    classes, properties = ancestors(RDFS.subClassOf), ancestors(RDFS.subPropertyOf)
    out: list[ox.Triple] = []
    with paused_gc():  # see kgpub.load.paused_gc
        for t in data:
            if t.predicate == rdf_type and isinstance(t.object, ox.NamedNode):
                out += [ox.Triple(t.subject, rdf_type, parent) for parent in classes.get(t.object, ())]
            out += [ox.Triple(t.subject, parent, t.object) for parent in properties.get(t.predicate, ())]
    return out
