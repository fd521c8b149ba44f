"""Writing RDF: Turtle, N-Triples, RDF/XML through pyoxigraph, and compact JSON-LD over a fixed context.

Output is deterministic: triples are sorted (``rdf:type`` first within a subject) and prefixes are
written in a fixed order, so the same graph always gives byte-identical files. pyoxigraph writes
20–40 times faster than rdflib; its JSON-LD writer has no ``@context``, so compact JSON-LD is made by
the small writer below, which knows the context it writes against.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kgpub.vocab import OWL, RDF, RDFS, XSD

# Media types of the formats kgpub writes, and their usual file suffixes.
# https://www.w3.org/TR/turtle/#sec-mediaReg, https://www.w3.org/TR/n-triples/#sec-mediatype,
# https://www.w3.org/TR/rdf-syntax-grammar/#section-MIME-Type, https://www.w3.org/TR/json-ld11/#iana-considerations
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("text/turtle", "ttl"),
    "ntriples": ("application/n-triples", "nt"),
    "rdfxml": ("application/rdf+xml", "rdf"),
    "jsonld": ("application/ld+json", "jsonld"),
}

_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot serialise {term!r}")


def ox_triples(triples: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    """rdflib triples as pyoxigraph triples, in the given order."""
    return [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]  # type: ignore[arg-type]


_TYPE_TERM = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "


class Canonical:
    """A graph in canonical order: N-Triples lines sorted as text (``rdf:type`` first per subject).

    Sorting text lines is done in C and is many times faster than sorting term tuples in Python;
    the same order then drives every other format, so all dumps are deterministic.
    """

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        items = list(triples)
        text = ox.serialize(items, format=ox.RdfFormat.N_TRIPLES) or b""
        # rdf:type first per subject, by plain byte order (in C): the term rdf:type between spaces
        # becomes a byte below every character a term can start with, and back after sorting.
        # N-Triples escapes control characters, so the mark cannot be in the text already.
        if b"\x01" in text:  # pragma: no cover - pyoxigraph escapes it; kept as a guard
            raise ValueError("N-Triples text with a raw U+0001")
        # One line per triple, in the given order (split on "\n" only: U+2028 may be in literals),
        # so sorting the line numbers orders the triples too, without parsing the text again.
        lines = text.replace(_TYPE_TERM, b" \x01 ").split(b"\n")[:-1]
        if len(lines) != len(items):  # pragma: no cover - one line per triple is N-Triples' rule
            raise ValueError("N-Triples text without one line per triple")
        kept_lines: list[bytes] = []
        kept: list[ox.Triple] = []
        previous = None
        for index in sorted(range(len(lines)), key=lines.__getitem__):
            line = lines[index]
            if line != previous:  # a statement made twice is written once
                kept_lines.append(line)
                kept.append(items[index])
                previous = line
        self.ntriples = (b"\n".join(kept_lines) + b"\n").replace(b" \x01 ", _TYPE_TERM) if kept else b""
        self.triples: list[ox.Triple] = kept

    @classmethod
    def of(cls, graph: Graph | Iterable[tuple[Node, Node, Node]] | Canonical) -> Canonical:
        return graph if isinstance(graph, Canonical) else cls(ox_triples(graph))

    def __len__(self) -> int:
        return len(self.triples)


def serialise(
    graph: Graph | Iterable[tuple[Node, Node, Node]] | Canonical, fmt: str, prefixes: dict[str, str]
) -> bytes:
    """Turtle, N-Triples or RDF/XML, deterministic."""
    canonical = Canonical.of(graph)
    if fmt == "ntriples":
        return canonical.ntriples
    return ox.serialize(canonical.triples, format=_OX_FORMATS[fmt], prefixes=prefixes) or b""


def to_turtle(graph: Graph, prefixes: dict[str, str]) -> str:
    return serialise(graph, "turtle", prefixes).decode("utf-8")


# -- JSON-LD --------------------------------------------------------------------------------------

LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
STANDARD_TERMS: dict[str, tuple[str, str]] = {
    # term: (property IRI, kind) — kind is "iri", "lang" or "plain"
    "label": (str(RDFS.label), "lang"),
    "comment": (str(RDFS.comment), "lang"),
    "altLabel": ("http://www.w3.org/2004/02/skos/core#altLabel", "lang"),
    "note": ("http://www.w3.org/2004/02/skos/core#note", "lang"),
    "name": ("http://schema.org/name", "lang"),
    "description": ("http://schema.org/description", "lang"),
    "source": ("http://purl.org/dc/terms/source", "iri"),
    "sameAs": (str(OWL.sameAs), "iri"),
    "funder": ("http://schema.org/funder", "iri"),
    "containedInPlace": ("http://schema.org/containedInPlace", "iri"),
    "containsPlace": ("http://schema.org/containsPlace", "iri"),
    "startDate": ("http://schema.org/startDate", "plain"),
    "endDate": ("http://schema.org/endDate", "plain"),
    "foundingDate": ("http://schema.org/foundingDate", "plain"),
}


def make_context(ontology: Graph, prefixes: dict[str, str]) -> dict[str, Any]:
    """A JSON-LD 1.1 context: the prefixes, plus a short term for each ontology property."""
    ctx: dict[str, Any] = {"@version": 1.1}
    ctx.update(prefixes)
    terms: dict[str, tuple[str, str]] = dict(STANDARD_TERMS)
    ns = prefixes.get("kgpub")
    declared = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    for prop in sorted(declared, key=str):
        iri = str(prop)
        if not ns or not iri.startswith(ns):
            continue
        local = iri[len(ns) :]
        rng = ontology.value(prop, RDFS.range)
        if (prop, RDF.type, OWL.ObjectProperty) in ontology:
            kind = "iri"
        elif rng is not None and str(rng) == LANG_STRING:
            kind = "lang"
        elif rng is not None and str(rng).startswith(str(XSD)):
            kind = "typed:" + str(rng)
        else:
            kind = "plain"
        terms.setdefault(local, (iri, kind))
    for term in sorted(terms):
        iri, kind = terms[term]
        definition: dict[str, str] = {"@id": _compact(iri, prefixes)}
        if kind == "iri":
            definition["@type"] = "@id"
        elif kind == "lang":
            definition["@container"] = "@language"
        elif kind.startswith("typed:"):
            definition["@type"] = _compact(kind[6:], prefixes)
        ctx[term] = definition
    return {"@context": ctx}


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    best = None
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(prefixes[best])):
            best = prefix
    if best is None:
        return iri
    local = iri[len(prefixes[best]) :]
    if "/" in local or "#" in local or local.startswith("_") or ":" in local:
        return iri
    return f"{best}:{local}"


class JsonLdWriter:
    """Compact JSON-LD for one fixed context (expanding it gives back exactly the graph)."""

    def __init__(self, context: dict[str, Any]) -> None:
        ctx = context["@context"]
        self.prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@")}
        self.terms: dict[str, tuple[str, dict[str, str]]] = {}
        for term, definition in ctx.items():
            if isinstance(definition, dict):
                iri = self._expand(definition["@id"])
                self.terms[iri] = (term, definition)
        self._term_names = {term for term, _ in self.terms.values()}
        self._compacted: dict[str, str] = {}
        self._plans: dict[str, tuple[str | None, str, str | None]] = {}

    def _expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        if prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def iri(self, term: Any) -> str:
        if type(term) is ox.BlankNode:
            return f"_:{term.value}"
        return self._compact_iri(term.value)

    def _compact_iri(self, value: str) -> str:
        compact = self._compacted.get(value)
        if compact is None:  # the same predicates, types and entities come back again and again
            compact = self._compacted[value] = _compact(value, self.prefixes)
        return compact

    def _value(self, term: Any) -> Any:
        if isinstance(term, (ox.NamedNode, ox.BlankNode)):
            return {"@id": self.iri(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value != XSD_STRING:
            return {"@value": term.value, "@type": self.iri(term.datatype)}
        return term.value

    def _plan(self, iri: str) -> tuple[str | None, str, str | None]:
        """How a property's values are written: (term, kind, datatype), worked out once per property.

        The kinds are the plain forms of a context definition: ``id`` (``@type: @id``), ``lang``
        (a language map), ``dtype`` (one datatype), ``plain`` (neither), ``none`` (no term), and
        ``other`` for any mixture, which takes the general path of :meth:`_general`."""
        plan = self._plans.get(iri)
        if plan is None:
            found = self.terms.get(iri)
            if found is None:
                plan = (None, "none", None)
            else:
                term, definition = found
                dtype, container = definition.get("@type"), definition.get("@container")
                if dtype == "@id" and container is None:
                    plan = (term, "id", None)
                elif container == "@language" and dtype is None:
                    plan = (term, "lang", None)
                elif dtype is not None and container is None:
                    plan = (term, "dtype", self._expand(dtype))
                elif dtype is None and container is None:
                    plan = (term, "plain", None)
                else:
                    plan = (term, "other", None)
            self._plans[iri] = plan
        return plan

    def _property(self, predicate: ox.NamedNode, objects: list[Any]) -> tuple[str, Any]:
        term, kind, dtype = self._plan(predicate.value)
        if term is None or kind == "other":
            return self._general(predicate, objects)
        literal = ox.Literal
        if kind == "id" and all(type(o) is not literal for o in objects):
            values: list[Any] = [self.iri(o) for o in objects]
            return term, values[0] if len(values) == 1 else values
        if kind == "lang" and all(type(o) is literal and o.language for o in objects):
            by_lang: dict[str, Any] = {}
            for o in objects:
                if o.language in by_lang:
                    current = by_lang[o.language]
                    by_lang[o.language] = (current if isinstance(current, list) else [current]) + [o.value]
                else:
                    by_lang[o.language] = o.value
            return term, by_lang
        if kind == "dtype" and all(
            type(o) is literal and not o.language and o.datatype.value == dtype for o in objects
        ):
            strings = [o.value for o in objects]
            return term, strings[0] if len(strings) == 1 else strings
        if kind == "plain":
            plain = [self._value(o) for o in objects]
            return term, plain[0] if len(plain) == 1 else plain
        return self._general(predicate, objects)  # a term whose plain form does not fit these values

    def _general(self, predicate: ox.NamedNode, objects: list[Any]) -> tuple[str, Any]:
        found = self.terms.get(predicate.value)
        if found is not None:
            term, definition = found
            literals = all(isinstance(o, ox.Literal) for o in objects)
            if (
                definition.get("@type") == "@id"
                and not literals
                and all(isinstance(o, (ox.NamedNode, ox.BlankNode)) for o in objects)
            ):
                values: list[Any] = [self.iri(o) for o in objects]
                return term, values[0] if len(values) == 1 else values
            if definition.get("@container") == "@language" and literals and all(o.language for o in objects):
                by_lang: dict[str, Any] = {}
                for o in objects:
                    if o.language in by_lang:
                        current = by_lang[o.language]
                        by_lang[o.language] = (current if isinstance(current, list) else [current]) + [
                            o.value
                        ]
                    else:
                        by_lang[o.language] = o.value
                return term, by_lang
            dtype = definition.get("@type")
            if (
                dtype
                and dtype != "@id"
                and literals
                and all(not o.language and o.datatype.value == self._expand(dtype) for o in objects)
            ):
                strings = [o.value for o in objects]
                return term, strings[0] if len(strings) == 1 else strings
            if "@type" not in definition and "@container" not in definition:
                plain = [self._value(o) for o in objects]
                return term, plain[0] if len(plain) == 1 else plain
        key = self.iri(predicate)
        if key in self._term_names:
            key = predicate.value
        plain = [self._value(o) for o in objects]
        return key, plain[0] if len(plain) == 1 else plain

    def nodes(self, graph: Graph | Iterable[tuple[Node, Node, Node]] | Canonical) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        current: Any = None
        node: dict[str, Any] = {}
        grouped: dict[str, tuple[ox.NamedNode, list[Any]]] = {}

        def flush() -> None:
            if current is None:
                return
            types = grouped.pop(RDF_TYPE_IRI, (None, []))[1]
            if types:
                node["@type"] = [self.iri(t) for t in types] if len(types) > 1 else self.iri(types[0])
            for iri in sorted(grouped, key=self._compact_iri):
                predicate, objects = grouped[iri]
                key, value = self._property(predicate, objects)
                node[key] = value
            out.append(node)

        for subject, predicate, obj in Canonical.of(graph).triples:
            if subject != current:
                flush()
                current, node, grouped = subject, {"@id": self.iri(subject)}, {}
            key = predicate.value
            entry = grouped.get(key)
            if entry is None:
                grouped[key] = (predicate, [obj])
            else:
                entry[1].append(obj)
        flush()
        return out

    def write(
        self, graph: Graph | Iterable[tuple[Node, Node, Node]] | Canonical, context_ref: str | dict[str, Any]
    ) -> bytes:
        # One node a line: readable, diff-friendly, and written by json's C encoder (indent= is not).
        context = json.dumps(context_ref, ensure_ascii=False)
        nodes = ",\n".join(json.dumps(node, ensure_ascii=False) for node in self.nodes(graph))
        return f'{{"@context": {context},\n"@graph": [\n{nodes}\n]}}\n'.encode()
