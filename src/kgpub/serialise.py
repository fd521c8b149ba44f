"""Writing RDF: Turtle, N-Triples, RDF/XML through pyoxigraph, and compact JSON-LD over a fixed context.

Output is deterministic: triples are sorted (``rdf:type`` first within a subject) and prefixes are
written in a fixed order, so the same graph always gives byte-identical files. pyoxigraph writes
20–40 times faster than rdflib; its JSON-LD writer has no ``@context``, so compact JSON-LD is made by
the small writer below, which knows the context it writes against.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter, methodcaller
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kgpub.load import paused_gc
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
        with paused_gc():  # lists of a million lines and triples, none in a cycle
            self._order(list(triples))

    def _order(self, items: list[ox.Triple]) -> None:
        text = ox.serialize(items, format=ox.RdfFormat.N_TRIPLES) or b""
        # rdf:type first per subject, by plain byte order (in C): the term rdf:type between spaces
        # becomes a byte below every character a term can start with, and back after sorting.
        # N-Triples escapes control characters, so the mark cannot be in the text already.
        if b"\x01" in text:  # pragma: no cover - pyoxigraph escapes it; kept as a guard
            raise ValueError("N-Triples text with a raw U+0001")
        # One line per triple, in the given order (split on "\n" only: U+2028 may be in literals),
        # so each line names its triple, without parsing the text again.
        lines = text.replace(_TYPE_TERM, b" \x01 ").split(b"\n")[:-1]
        if len(lines) != len(items):  # pragma: no cover - one line per triple is N-Triples' rule
            raise ValueError("N-Triples text without one line per triple")
        # A statement made twice is written once; the dict keeps one triple per line, and sorting
        # its keys (bytes, compared in C) gives the order.
        by_line = dict(zip(lines, items, strict=True))
        ordered = sorted(by_line)
        kept = list(map(by_line.__getitem__, ordered))
        self.ntriples = (b"\n".join(ordered) + b"\n").replace(b" \x01 ", _TYPE_TERM) if kept else b""
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
    """Compact JSON-LD for one fixed context (expanding it gives back exactly the graph).

    It writes straight from the canonical N-Triples lines, without making a term object per triple:
    pyoxigraph's N-Triples escapes are all JSON escapes (``\\" \\\\ \\n \\r \\t \\b \\f \\uXXXX``), so a
    literal's quoted text is already its JSON string, and an IRI cannot hold ``"`` or ``\\``. One node
    per subject, its properties in canonical order (``@type`` first); a value whose plain form does
    not fit the property's term is written under the property's IRI instead, in expanded form.
    """

    def __init__(self, context: dict[str, Any]) -> None:
        ctx = context["@context"]
        self.prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and not k.startswith("@")}
        self.terms: dict[str, tuple[str, dict[str, str]]] = {}
        for term, definition in ctx.items():
            if isinstance(definition, dict):
                iri = self._expand(definition["@id"])
                self.terms[iri] = (term, definition)
        self._term_names = {term for term, _ in self.terms.values()}
        self._iris: dict[bytes, bytes] = {}
        self._plans: dict[bytes, tuple[bytes, str, bytes, bytes]] = {}

    def _expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        if prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def _iri(self, text: bytes) -> bytes:
        """The JSON string of an N-Triples IRI (``<...>``) or blank node (``_:x``), compacted."""
        found = self._iris.get(text)
        if found is None:  # the same predicates, types and entities come back again and again
            if text[:1] == b"<":
                compact = _compact(text[1:-1].decode("utf-8"), self.prefixes)
            else:
                compact = text.decode("utf-8")
            found = self._iris[text] = json.dumps(compact, ensure_ascii=False).encode("utf-8")
        return found

    def _plan(self, predicate: bytes) -> tuple[bytes, str, bytes, bytes]:
        """How a property's values are written, worked out once per property.

        (key, kind, datatype suffix, fallback key): kinds are ``type`` (``@type``), ``id``
        (``@type: @id``), ``lang`` (a language map), ``dtype`` (one datatype), ``plain`` (values in
        their own form, under a term without coercion or under the IRI when no term fits)."""
        plan = self._plans.get(predicate)
        if plan is None:
            iri = predicate[1:-1].decode("utf-8")
            fallback = _compact(iri, self.prefixes)
            if fallback in self._term_names:
                fallback = iri
            fallback_key = json.dumps(fallback, ensure_ascii=False).encode("utf-8")
            found = self.terms.get(iri)
            if iri == RDF_TYPE_IRI:
                plan = (b'"@type"', "type", b"", fallback_key)
            elif found is None:
                plan = (fallback_key, "plain", b"", fallback_key)
            else:
                term, definition = found
                key = json.dumps(term, ensure_ascii=False).encode("utf-8")
                dtype, container = definition.get("@type"), definition.get("@container")
                if dtype == "@id" and container is None:
                    plan = (key, "id", b"", fallback_key)
                elif container == "@language" and dtype is None:
                    plan = (key, "lang", b"", fallback_key)
                elif dtype is not None and dtype != "@id" and container is None:
                    plan = (key, "dtype", b"^^<" + self._expand(dtype).encode("utf-8") + b">", fallback_key)
                elif dtype is None and container is None:
                    plan = (key, "plain", b"", fallback_key)
                else:  # a definition this writer does not write to: every value under the IRI
                    plan = (fallback_key, "plain", b"", fallback_key)
            self._plans[predicate] = plan
        return plan

    def _value(self, obj: bytes) -> bytes:
        """An object in its own form: a string, ``{"@id"}``, or ``{"@value", "@language"|"@type"}``."""
        if obj[:1] != b'"':
            return b'{"@id": ' + self._iri(obj) + b"}"
        end = obj.rindex(b'"') + 1
        suffix = obj[end:]
        if not suffix:
            return obj
        if suffix[:1] == b"@":
            return b'{"@value": ' + obj[:end] + b', "@language": "' + suffix[1:] + b'"}'
        return b'{"@value": ' + obj[:end] + b', "@type": ' + self._iri(suffix[2:]) + b"}"

    def _property(self, predicate: bytes, objects: list[bytes]) -> bytes:
        """``"key": value`` for one property of one node; ``objects`` are N-Triples object texts."""
        key, kind, dtype, fallback = self._plans.get(predicate) or self._plan(predicate)
        if len(objects) == 1:  # by far the most common case, so it goes first and alone
            o = objects[0]
            if kind == "id" or kind == "type":
                if o[:1] != b'"':
                    return key + b": " + (self._iris.get(o) or self._iri(o))
            elif kind == "lang":
                end = o.rindex(b'"') + 1 if o[:1] == b'"' else 0
                if end and o[end : end + 1] == b"@":
                    return key + b': {"' + o[end + 1 :] + b'": ' + o[:end] + b"}"
            elif kind == "dtype":
                if o.endswith(dtype) and o[-len(dtype) - 1 : -len(dtype)] == b'"' and o[:1] == b'"':
                    return key + b": " + o[: -len(dtype)]
            else:
                return key + b": " + self._value(o)
            return fallback + b": " + self._value(o)
        if kind == "id" or kind == "type":
            if all(o[:1] != b'"' for o in objects):
                return key + b": [" + b", ".join([self._iri(o) for o in objects]) + b"]"
        elif kind == "lang":
            by_lang: dict[bytes, list[bytes]] = {}
            for o in objects:
                end = o.rindex(b'"') + 1 if o[:1] == b'"' else 0
                if not end or o[end : end + 1] != b"@":
                    break
                by_lang.setdefault(o[end + 1 :], []).append(o[:end])
            else:
                entries = [
                    b'"' + lang + b'": ' + (b"[" + b", ".join(vs) + b"]" if len(vs) > 1 else vs[0])
                    for lang, vs in by_lang.items()
                ]
                return key + b": {" + b", ".join(entries) + b"}"
        elif kind == "dtype":
            size = len(dtype)
            if all(o[:1] == b'"' and o.endswith(dtype) and o[-size - 1 : -size] == b'"' for o in objects):
                return key + b": [" + b", ".join([o[:-size] for o in objects]) + b"]"
        else:
            return key + b": [" + b", ".join([self._value(o) for o in objects]) + b"]"
        # values the term cannot carry: under the property's IRI, each in its own form
        return fallback + b": [" + b", ".join([self._value(o) for o in objects]) + b"]"

    def nodes(self, graph: Graph | Iterable[tuple[Node, Node, Node]] | Canonical) -> list[bytes]:
        """One JSON object per subject, as text, in canonical order."""
        text = Canonical.of(graph).ntriples
        if not text:
            return []
        # Every line ends " .\n" and a raw newline cannot be inside a term: split there, end dropped.
        rows = map(_SPLIT_LINE, text[:-3].split(b" .\n"))
        prop = self._property
        iri = self._iri
        return [
            b'{"@id": '
            + iri(subject)
            + b", "
            + b", ".join([prop(p, [row[2] for row in same]) for p, same in groupby(group, _SECOND)])
            + b"}"
            for subject, group in groupby(rows, _FIRST)
        ]

    def write(
        self, graph: Graph | Iterable[tuple[Node, Node, Node]] | Canonical, context_ref: str | dict[str, Any]
    ) -> bytes:
        # One node a line: readable and diff-friendly.
        context = json.dumps(context_ref, ensure_ascii=False).encode("utf-8")
        nodes = b",\n".join(self.nodes(graph))
        return b'{"@context": ' + context + b',\n"@graph": [\n' + nodes + b"\n]}\n"


_SPLIT_LINE = methodcaller("split", b" ", 2)  # subject, predicate, "object ." (terms hold no space)
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
