"""View models for the HTML pages: plain dicts and lists the templates render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kgpub.serve.describe import RDF_TYPE, RDFS_LABEL, Description

if TYPE_CHECKING:
    from kgpub.serve.app import Site

SCHEMA = "http://schema.org/"
KGPUB = "https://w3id.org/kgpub/def#"
DESCRIPTION = SCHEMA + "description"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SOURCE = "http://purl.org/dc/terms/source"
START, END = SCHEMA + "startDate", SCHEMA + "endDate"
# Shown in their own places on the page, or implied by the alignments (schema:name = rdfs:label …).
HIDDEN = {RDFS_LABEL, DESCRIPTION, SAME_AS, SOURCE, START, END, RDF_TYPE}


def link(site: Site, iri: str) -> str:
    return site.local(iri) or iri


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


def _inferred_predicates(site: Site) -> set[str]:
    """Predicates that the build adds from alignments: super-properties of the ontology's terms."""
    cached = getattr(site, "_inferred", None)
    if cached is None:
        rows = site.query("""SELECT DISTINCT ?super WHERE {
            ?p <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?super }""")
        cached = {r["super"].value for r in rows}
        site._inferred = cached  # type: ignore[attr-defined]
    return cached


def entity_view(site: Site, d: Description, lang: str) -> dict[str, Any]:
    """What the entity page shows: names, description, period, the facts, links, incoming links."""
    out = d.outgoing()
    inferred = _inferred_predicates(site)

    def pick(prop: str) -> str | None:
        values = [o for o in out.get(prop, []) if isinstance(o, ox.Literal)]
        for want in (lang, "en", "sv", ""):
            for v in values:
                if (v.language or "") == want:
                    return v.value
        return values[0].value if values else None

    types = [o.value for o in out.get(RDF_TYPE, []) if o.value.startswith(KGPUB)]
    facts = []
    for prop in sorted(out, key=lambda p: (d.label(p, lang) or p).lower()):
        if prop in HIDDEN or prop in inferred:
            continue
        values = [value_view(site, d, o, lang) for o in out[prop]]
        values = [v for v in values if not v.get("lang") or v["lang"] == lang] or values
        facts.append(
            {
                "label": d.label(prop, lang) or prop,
                "iri": prop,
                "values": sorted(values, key=lambda v: v["text"]),
            }
        )
    incoming = [
        {"subject": value_view(site, d, ox.NamedNode(s), lang), "label": d.label(p, lang) or p}
        for s, p in d.incoming()
        if p not in inferred
    ]
    return {
        "iri": d.iri,
        "name": d.label(d.iri, lang) or d.iri,
        "names": d.labels.get(d.iri, {}),
        "description": pick(DESCRIPTION),
        "types": [{"text": d.label(t, lang) or t, "href": link(site, t)} for t in types],
        "start": pick(START),
        "end": pick(END),
        "facts": facts,
        "sameas": [o.value for o in out.get(SAME_AS, [])],
        "sources": [value_view(site, d, o, lang) for o in out.get(SOURCE, [])],
        "incoming": incoming,
    }


def ontology_view(site: Site, lang: str) -> dict[str, Any]:
    """Every class and property of the ontology, with label, comment and alignments."""
    rows = site.query(f"""
        SELECT ?term ?kind ?label ?comment (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
        WHERE {{ GRAPH <{site.ontology_graph}> {{
            ?term a ?kind . FILTER(?kind IN (<http://www.w3.org/2002/07/owl#Class>,
                <http://www.w3.org/2002/07/owl#ObjectProperty>, <http://www.w3.org/2002/07/owl#DatatypeProperty>))
            FILTER(STRSTARTS(STR(?term), "{KGPUB}"))
            OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = "{lang}") }}
            OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#comment> ?comment FILTER(LANG(?comment) = "{lang}") }}
            OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#subClassOf>|<http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?super }}
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
            schema = dict(kinds[p.type])
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
