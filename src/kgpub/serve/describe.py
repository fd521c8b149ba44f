"""What a page or an RDF representation says about one resource, then plain Python.

The description is the resource's outgoing and incoming statements and the labels of everything
they mention (subjects, predicates, objects, types), so a page shows names, never bare IRIs. A remote
store gets it as one CONSTRUCT (:func:`describe_query`, one round trip); the embedded store answers
the same thing by index look-ups (:func:`describe_triples`), which costs microseconds where the
CONSTRUCT's label part costs tens of milliseconds on a large graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SCHEMA = "http://schema.org/"

DESCRIBE = """
CONSTRUCT { ?e ?p ?o . ?s ?q ?e . ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }
WHERE {
  VALUES ?e { %s }
  { ?e ?p ?o }
  UNION { ?s ?q ?e }
  UNION {
    { ?e ?x ?any } UNION { ?e ?any ?x } UNION { ?any ?x ?e } UNION { ?x ?any ?e }
    ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l
  }
}
"""


def _v(term: Any) -> str:
    """The IRI, blank-node id or lexical form of a term (a quoted triple as text)."""
    return term.value if hasattr(term, "value") else str(term)


def describe_query(iri: str) -> str:
    return DESCRIBE % str(ox.NamedNode(iri))


_LABEL = ox.NamedNode(RDFS_LABEL)


def describe_triples(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The triples :func:`describe_query` constructs, from ``store``'s indexes (all graphs)."""
    node = ox.NamedNode(iri)
    found: set[ox.Triple] = set()
    mentioned: set[ox.NamedNode | ox.BlankNode] = set()
    for quad in store.quads_for_pattern(node, None, None):
        found.add(quad.triple)
        mentioned.add(quad.predicate)
        if isinstance(quad.object, (ox.NamedNode, ox.BlankNode)):
            mentioned.add(quad.object)
    for quad in store.quads_for_pattern(None, None, node):
        found.add(quad.triple)
        mentioned.add(quad.predicate)
        if isinstance(quad.subject, (ox.NamedNode, ox.BlankNode)):
            mentioned.add(quad.subject)
    for term in mentioned:
        found.update(quad.triple for quad in store.quads_for_pattern(term, _LABEL, None))
    return list(found)


@dataclass
class Description:
    """The triples about one resource, with label look-ups."""

    iri: str
    triples: list[ox.Triple]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.triples:
            if t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal):
                self.labels.setdefault(_v(t.subject), {})[t.object.language or ""] = _v(t.object)

    @property
    def exists(self) -> bool:
        return any(_v(t.subject) == self.iri or _v(t.object) == self.iri for t in self.triples)

    def label(self, iri: str, lang: str) -> str | None:
        names = self.labels.get(iri, {})
        return (
            names.get(lang)
            or names.get("en")
            or names.get("sv")
            or names.get("")
            or next(iter(names.values()), None)
        )

    def outgoing(self) -> dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]:
        out: dict[str, list[Any]] = defaultdict(list)
        for t in self.triples:
            if _v(t.subject) == self.iri and not (
                t.predicate.value == RDFS_LABEL and _v(t.object) == self.iri
            ):
                out[t.predicate.value].append(t.object)
        return out

    def incoming(self) -> list[tuple[str, str]]:
        return sorted(
            {
                (_v(t.subject), t.predicate.value)
                for t in self.triples
                if _v(t.object) == self.iri
                and isinstance(t.subject, ox.NamedNode)
                and _v(t.subject) != self.iri
            }
        )

    def own_triples(self) -> list[ox.Triple]:
        """The triples of the resource's RDF representation: everything fetched (labels included)."""
        return sorted(self.triples, key=lambda t: (_v(t.subject) != self.iri, str(t)))

    def schema_jsonld(self) -> dict[str, Any]:
        """A schema.org JSON-LD object of the resource, for embedding in its page."""
        node: dict[str, Any] = {"@context": "https://schema.org", "@id": self.iri}
        types = sorted(
            _v(o)[len(SCHEMA) :]
            for t in self.triples
            for o in [t.object]
            if _v(t.subject) == self.iri and t.predicate.value == RDF_TYPE and _v(o).startswith(SCHEMA)
        )
        if types:
            node["@type"] = types if len(types) > 1 else types[0]
        grouped: dict[str, list[Any]] = defaultdict(list)
        for t in self.triples:
            if _v(t.subject) != self.iri or not t.predicate.value.startswith(SCHEMA):
                continue
            key = t.predicate.value[len(SCHEMA) :]
            o = t.object
            if isinstance(o, ox.Literal):
                grouped[key].append({"@value": o.value, "@language": o.language} if o.language else o.value)
            else:
                grouped[key].append({"@id": _v(o)})
        for key in sorted(grouped):
            values = grouped[key]
            node[key] = values[0] if len(values) == 1 else values
        return node
