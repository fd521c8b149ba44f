"""Content negotiation, driven by tables that cite their specifications; q-values by werkzeug."""

from __future__ import annotations

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

# SPARQL 1.1 Query Results: JSON https://www.w3.org/TR/sparql11-results-json/#content-type,
# XML https://www.w3.org/TR/rdf-sparql-XMLres/#mime, CSV/TSV https://www.w3.org/TR/sparql11-results-csv-tsv/
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",  # not standard, sent by many clients
    "application/xml": "xml",  # likewise
}
# RDF: Turtle https://www.w3.org/TR/turtle/#sec-mediaReg, N-Triples https://www.w3.org/TR/n-triples/#sec-mediatype,
# RDF/XML https://www.w3.org/TR/rdf-syntax-grammar/#section-MIME-Type, JSON-LD https://www.w3.org/TR/json-ld11/#iana-considerations
RDF_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
    "text/plain": "ntriples",  # N-Triples' old media type
    "application/x-turtle": "turtle",
}
MEDIA_OF = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "html": "text/html; charset=utf-8",
}
# ?format= values and file suffixes that override Accept.
FORMAT_ALIASES: dict[str, str] = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
    "rdf": "rdfxml", "rdfxml": "rdfxml", "owl": "rdfxml", "jsonld": "jsonld", "json-ld": "jsonld",
    "html": "html", "htm": "html",
}  # fmt: skip


def best(accept: str | None, offers: list[str], default: str | None = None) -> str | None:
    """The offer the Accept header prefers (q-values honoured), ``default`` if Accept is absent or
    ``*/*``, None when nothing offered is acceptable."""
    if not accept or not accept.strip():
        return default or offers[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    if default is not None and parsed.best_match(offers) is not None:
        # A bare */* (or */* ranking first with equal q) should give our default, not the first offer.
        match = parsed.best_match([default, *[o for o in offers if o != default]])
        return match
    return parsed.best_match(offers)


def language(accept_language: str | None, offered: list[str]) -> str:
    """The page language Accept-Language prefers, else the first offered."""
    if not accept_language:
        return offered[0]
    match = parse_accept_header(accept_language, LanguageAccept).best_match(offered)
    return match or offered[0]
