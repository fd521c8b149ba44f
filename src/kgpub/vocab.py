"""Namespaces and the prefixes kgpub writes, in one place."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

KGPUB = Namespace("https://w3id.org/kgpub/def#")
KGSH = Namespace("https://w3id.org/kgpub/shapes#")
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")
ONTOLOGY_IRI = "https://w3id.org/kgpub/def"
SHAPES_IRI = "https://w3id.org/kgpub/shapes"

#: Prefixes used in every output, in a fixed order so files are byte-for-byte stable.
STANDARD_PREFIXES: dict[str, str] = {
    "kgpub": str(KGPUB),
    "schema": str(SCHEMA),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "sh": str(SH),
    "wd": str(WD),
}

#: The kinds of entity IRIs, by convention ``{base}id/{kind}/{slug}``; each is also a prefix.
ID_KINDS = ("collaboration", "concept", "organisation", "place", "plan", "process", "project")

__all__ = [
    "DCTERMS",
    "FOAF",
    "ID_KINDS",
    "KGPUB",
    "KGSH",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SHAPES_IRI",
    "SKOS",
    "STANDARD_PREFIXES",
    "WD",
    "XSD",
]
