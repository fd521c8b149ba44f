"""Content negotiation, driven by tables that cite their specifications; q-values by werkzeug."""

from __future__ import annotations

import functools

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
# What a CONSTRUCT or DESCRIBE result may be sent as, in the order preferred on a tie; plain JSON and
# XML are taken to mean JSON-LD and RDF/XML there, and N3 (a superset of Turtle) gets Turtle.
GRAPH_RESULT_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "ntriples", "rdfxml", "jsonld")
# ?format= values and file suffixes that override Accept.
FORMAT_ALIASES: dict[str, str] = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "turtle", "turtle": "turtle", "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
    "rdf": "rdfxml", "rdfxml": "rdfxml", "owl": "rdfxml", "jsonld": "jsonld", "json-ld": "jsonld",
    "html": "html", "htm": "html",
}  # fmt: skip


# Further ?format= values clients send (SPARQLWrapper: n3, rdf+xml; some send a media type).
_MORE_ALIASES = {"n3": "turtle", "rdf+xml": "rdfxml", "json+ld": "jsonld", "sparql-results+json": "json",
                 "sparql-results+xml": "xml"}  # fmt: skip


class FormatRefused(ValueError):
    """A ``format`` parameter that cannot be honoured; ``status`` is 400 (unknown) or 406 (known but
    not available for this kind of result)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def format_parameter(values: list[str], graph: bool) -> str | None:
    """The representation the ``format`` parameter(s) ask for, for a graph (CONSTRUCT, DESCRIBE)
    or a results (SELECT, ASK) answer; None when there is no ``format`` parameter.

    Each value may be a short name (``json``, ``ttl``, ``json-ld`` ...) or a media type; the first
    one that fits the kind of answer wins, since clients such as SPARQLWrapper send two.
    Raises :class:`FormatRefused` when none fits.
    """
    values = [v.strip() for v in values if v.strip()]
    if not values:
        return None
    offered = GRAPH_FORMATS if graph else RESULT_FORMATS
    known = False
    for value in values:
        name = value.split(";")[0].strip().lower()
        fmt = FORMAT_ALIASES.get(name) or _MORE_ALIASES.get(name)
        if fmt is None:
            fmt = (GRAPH_RESULT_TYPES if graph else RESULT_TYPES).get(name)
            fmt = fmt or RESULT_TYPES.get(name) or RDF_TYPES.get(name)
        if fmt is None:
            continue
        known = True
        if graph:
            fmt = {"json": "jsonld", "xml": "rdfxml"}.get(fmt, fmt)
        if fmt in offered:
            return fmt
    names = ", ".join(offered)
    if known:
        kind = "a graph (CONSTRUCT, DESCRIBE)" if graph else "results (SELECT, ASK)"
        raise FormatRefused(406, f"This query gives {kind}; the format parameter can be one of {names}.")
    raise FormatRefused(400, f"Unknown format {values[0]!r}; use one of {names} (or a media type).")


def _media_ranges_only(accept: str) -> str:
    """Accept with parameters other than q dropped (``text/csv; charset=utf-8`` is ``text/csv``:
    werkzeug would match neither it against the offer ``text/csv`` nor an invalid q-value)."""
    ranges = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if "/" not in media:
            continue
        q = next((p.split("=", 1)[1].strip() for p in params if p.lower().startswith("q=")), None)
        try:
            weight = min(1.0, max(0.0, float(q))) if q is not None else 1.0
        except ValueError:
            weight = 1.0
        ranges.append(media.lower() if weight == 1.0 else f"{media.lower()};q={weight:g}")
    return ", ".join(ranges)


def best(accept: str | None, offers: list[str], default: str | None = None) -> str | None:
    """The offer the Accept header prefers (q-values honoured), ``default`` if Accept is absent or
    ``*/*``, None when nothing offered is acceptable."""
    if accept is not None and len(accept) > 1024:  # memoise only what clients really send
        return _best(accept, tuple(offers), default)
    return _best_memo(accept, tuple(offers), default)


def _best(accept: str | None, offers: tuple[str, ...], default: str | None) -> str | None:
    accept = _media_ranges_only(accept or "")
    if not accept:
        return default or offers[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    if default is not None and parsed.best_match(offers) is not None:
        # A bare */* (or */* ranking first with equal q) should give our default, not the first offer.
        match = parsed.best_match([default, *[o for o in offers if o != default]])
        return match
    return parsed.best_match(offers)


#: Clients send a handful of distinct Accept headers; parsing each once saves most of the cost.
_best_memo = functools.lru_cache(maxsize=256)(_best)


def language(accept_language: str | None, offered: list[str]) -> str:
    """The page language Accept-Language prefers, else the first offered."""
    if not accept_language:
        return offered[0]
    match = parse_accept_header(accept_language, LanguageAccept).best_match(offered)
    return match or offered[0]
