"""View models for the HTML pages: plain dicts and lists the templates render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from kgpub.serve.describe import RDF_TYPE, RDFS_LABEL, Description
from kgpub.vocab import ONTOLOGY_IRI

#: Where the ontology's documentation is served (its terms are fragments: /def#Project).
ONTOLOGY_PATH = "/def"


def local_path(base: str, iri: str) -> str | None:
    """The root-relative path of an IRI the site serves (under the base, or an ontology term), else None."""
    if iri.startswith(base):
        return "/" + iri[len(base) :]
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
        return ONTOLOGY_PATH + iri[len(ONTOLOGY_IRI) :]
    return None


if TYPE_CHECKING:
    from kgpub.project import Project


class Site(Protocol):
    """What the view models need: the server's ``app.Site``, or ``site.StaticSite`` for static pages."""

    project: Project
    ontology_graph: str

    @property
    def base(self) -> str: ...
    def local(self, iri: str) -> str | None: ...
    def query(self, sparql: str) -> Any: ...


SCHEMA = "http://schema.org/"
KGPUB = "https://w3id.org/kgpub/def#"
DESCRIPTION = SCHEMA + "description"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SOURCE = "http://purl.org/dc/terms/source"
START, END = SCHEMA + "startDate", SCHEMA + "endDate"
# Shown in their own places on the page, or implied by the alignments (schema:name = rdfs:label …).
HIDDEN = {RDFS_LABEL, DESCRIPTION, SAME_AS, SOURCE, START, END, RDF_TYPE}


def link(site: Site, iri: str, lang: str | None = None) -> str:
    """Where a link to ``iri`` goes: this server's page for it (in ``lang``), else the IRI itself."""
    local = site.local(iri)
    if local is None:
        return iri
    if lang:
        path, hash_, fragment = local.partition("#")
        return f"{path}?lang={lang}{hash_}{fragment}"
    return local


def property_label(site: Site, d: Description, iri: str, lang: str) -> str:
    """A property's name: the ontology's label, else kgpub's own table, else its prefixed name."""
    from kgpub.serve.texts import PROPERTY_LABELS

    label = d.label(iri, lang) or PROPERTY_LABELS.get(iri, {}).get(lang)
    if label:
        return label
    for prefix, ns in site.project.prefixes.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def value_view(site: Site, d: Description, term: Any, lang: str) -> dict[str, Any]:
    if isinstance(term, ox.Literal):
        return {"text": term.value, "lang": term.language or None, "href": None}
    if isinstance(term, ox.BlankNode):
        return {"text": "[…]", "href": None}
    label = d.label(term.value, lang)
    return {
        "text": label or term.value,
        "href": link(site, term.value),
        "external": site.local(term.value) is None,
        "iri": term.value,
    }


def _super_properties(site: Site) -> dict[str, set[str]]:
    """Each property's super-properties under the ontology's alignments (what the build materialised)."""
    cached: dict[str, set[str]] | None = getattr(site, "_supers", None)
    if cached is None:
        from rdflib.namespace import RDFS

        from kgpub.enrich import closure

        cached = {
            str(k): {str(v) for v in vs}
            for k, vs in closure(site.project.ontology.graph, RDFS.subPropertyOf).items()
        }
        site._supers = cached  # type: ignore[attr-defined]
    return cached


def implied(out: dict[str, list[Any]], supers: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(property, value) pairs that only repeat a more specific statement (schema:funder for coFinancedBy)."""
    found = set()
    for prop, values in out.items():
        for parent in supers.get(prop, ()):
            for value in values:
                found.add((parent, str(value)))
    return found


def entity_view(site: Site, d: Description, lang: str) -> dict[str, Any]:
    """What the entity page shows: names, description, period, the facts, links, incoming links."""
    out = d.outgoing()
    supers = _super_properties(site)
    hidden = implied(out, supers)

    def pick(prop: str) -> str | None:
        values = [o for o in out.get(prop, []) if isinstance(o, ox.Literal)]
        for want in (lang, "en", "sv", ""):
            for v in values:
                if (v.language or "") == want:
                    return v.value
        return values[0].value if values else None

    types = [o.value for o in out.get(RDF_TYPE, []) if o.value.startswith(KGPUB)]
    facts: list[dict[str, Any]] = []
    for prop in sorted(out, key=lambda p: property_label(site, d, p, lang).lower()):
        if prop in HIDDEN:
            continue
        kept = [o for o in out[prop] if (prop, str(o)) not in hidden]
        if not kept:
            continue
        values = [value_view(site, d, o, lang) for o in kept]
        values = [v for v in values if not v.get("lang") or v["lang"] == lang] or values
        facts.append(
            {
                "label": property_label(site, d, prop, lang),
                "iri": prop,
                "values": sorted(values, key=lambda v: v["text"]),
            }
        )
    incoming_pairs = d.incoming()
    incoming = [
        {"subject": value_view(site, d, ox.NamedNode(s), lang), "label": property_label(site, d, p, lang)}
        for s, p in incoming_pairs
        if not any(p in supers.get(q, ()) for s2, q in incoming_pairs if s2 == s)
    ]
    return {
        "iri": d.iri,
        "name": d.label(d.iri, lang) or d.iri,
        "names": d.labels.get(d.iri, {}),
        "description": pick(DESCRIPTION),
        "types": [{"text": d.label(t, lang) or t, "href": link(site, t, lang)} for t in types],
        "start": pick(START),
        "end": pick(END),
        "facts": facts,
        "sameas": [o.value for o in out.get(SAME_AS, [])],
        "sources": [value_view(site, d, o, lang) for o in out.get(SOURCE, [])],
        "incoming": incoming,
    }


def ontology_view(site: Site, lang: str) -> dict[str, Any]:
    """Every class and property of the ontology, with label, comment and alignments."""
    rows = site.query(f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?term ?kind ?label ?comment (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
        WHERE {{ GRAPH <{site.ontology_graph}> {{
            ?term a ?kind . FILTER(?kind IN (<http://www.w3.org/2002/07/owl#Class>,
                <http://www.w3.org/2002/07/owl#ObjectProperty>, <http://www.w3.org/2002/07/owl#DatatypeProperty>))
            FILTER(STRSTARTS(STR(?term), "{KGPUB}"))
            OPTIONAL {{ ?term rdfs:label ?label FILTER(LANG(?label) = "{lang}") }}
            OPTIONAL {{ ?term rdfs:comment ?comment FILTER(LANG(?comment) = "{lang}") }}
            OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?super }}
        }} }} GROUP BY ?term ?kind ?label ?comment ORDER BY ?kind ?term""")
    terms = []
    for r in rows:
        iri = r["term"].value
        terms.append(
            {
                "id": iri[len(KGPUB) :],
                "iri": iri,
                "kind": r["kind"].value.rsplit("#", 1)[-1],
                "label": r["label"].value if r["label"] else iri,
                "comment": r["comment"].value if r["comment"] else "",
                "supers": [
                    {"iri": s, "href": link(site, s)}
                    for s in (r["supers"].value.split() if r["supers"] else [])
                ],
            }
        )
    return {"terms": terms}


def query_examples(site: Site) -> list[dict[str, str]]:
    """The canned queries, with their defaults bound, for the query page's example list."""
    from kgpub.queries import bind, with_prefixes

    out = []
    for q in site.project.queries.values():
        try:
            text = with_prefixes(bind(q, {}, site.project.prefixes), site.project.query_prefixes)
        except Exception:  # a query whose parameters have no defaults: show it unbound
            text = with_prefixes(q.sparql, site.project.query_prefixes)
        out.append({"name": q.name, "summary": q.summary, "summary_sv": q.summary_sv, "sparql": text})
    return out


def openapi_document(site: Site, server: str) -> dict[str, Any]:
    """An OpenAPI 3.1 description of /api/queries, one path per canned query."""
    kinds = {
        "iri": {"type": "string", "format": "iri"},
        "string": {"type": "string"},
        "langstring": {"type": "string"},
        "integer": {"type": "integer"},
        "date": {"type": "string", "format": "date"},
        "year": {"type": "string", "pattern": "^[0-9]{4}$"},
    }
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "summary": "List the canned queries",
                "operationId": "listQueries",
                "responses": {
                    "200": {
                        "description": "The query index",
                        "content": {"application/json": {"schema": {"type": "array"}}},
                    }
                },
            }
        }
    }
    for q in site.project.queries.values():
        params = []
        for p in q.params:
            schema: dict[str, Any] = dict(kinds[p.type])
            if p.enum:
                schema["enum"] = list(p.enum)
            if p.default is not None:
                schema["default"] = p.default
            params.append(
                {
                    "name": p.name,
                    "in": "query",
                    "required": p.required,
                    "description": p.description,
                    "schema": schema,
                }
            )
        paths[f"/api/queries/{q.name}"] = {
            "get": {
                "summary": q.summary,
                "description": q.description,
                "operationId": q.name.replace("-", "_"),
                "tags": list(q.tags),
                "parameters": params,
                "responses": {
                    "200": {
                        "description": "Rows as JSON objects",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "variables": {"type": "array", "items": {"type": "string"}},
                                        "rows": {"type": "array", "items": {"type": "object"}},
                                    },
                                }
                            }
                        },
                    },
                    "400": {
                        "description": "A parameter is wrong",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"error": {"type": "string"}}}
                            }
                        },
                    },
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{site.project.config.name} canned queries",
            "version": site.project.config.version,
        },
        "servers": [{"url": server}],
        "paths": paths,
    }
