"""A W3C Reconciliation API (version 0.2, the dialect OpenRefine speaks) over the published graph.

``/reconcile`` answers in the project's first language (Swedish for Kiruna) and ``/reconcile/en``
in English; each is a whole service:

* ``GET`` without parameters: the service manifest;
* ``queries=`` (GET or a POSTed form): a batch of reconciliation queries, with type and property
  filters, scores and matching features;
* ``extend=``: data extension (Wikidata item, type, places, funders, dates …);
* ``/preview?id=``: a small HTML preview of an entity (for OpenRefine's pop-up);
* ``/suggest/entity``, ``/suggest/type``, ``/suggest/property`` ``?prefix=``: auto-complete;
* ``/propose_properties?type=``: the properties worth fetching for a type.

Identifiers are paths under ``{base}id/`` (``organisation/kiruna-kommun``); types are the kgpub
classes by local name (``Municipality``); properties have short names (``containedInPlace``).
Everything is answered from an index of the graph's names, built at the first request from one
query through ``Site.query``: on the embedded store, or under ``kgpub serve --store`` one round
trip to the triple store (whose answer must hold the whole graph: mind a store's own row cap, such
as Virtuoso's ``ResultSetMaxRows``). It is built again when the site serves a new release.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import threading
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kgpub import __version__
from kgpub.vocab import ONTOLOGY_IRI

if TYPE_CHECKING:
    from kgpub.serve.app import Site

KGPUB = "https://w3id.org/kgpub/def#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
SCHEMA = "http://schema.org/"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
WIKIDATA = "http://www.wikidata.org/entity/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Limits for a public server.
MAX_BATCH = 100
MAX_QUERY_CHARS = 500
MAX_BODY = 1_000_000
MAX_LIMIT = 50
DEFAULT_LIMIT = 5
#: A candidate this good, clearly ahead of the next, is a match (OpenRefine then matches it itself).
MATCH_SCORE = 90.0
DEFAULT_TYPES = ("Organisation", "Place", "Project")
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
#: Words for a kind of thing that names often carry or drop ("Pajala" / "Pajala kommun").
KIND_WORDS = frozenset(
    {"kommun", "municipality", "ab", "län", "county", "församling", "parish", "landsting", "the"}
)


@dataclass(frozen=True)
class Prop:
    """A property offered for filtering and data extension."""

    id: str
    predicate: str
    #: "entity" (our entities), "wikidata", "type", "literal", or "lang:xx" (a name in language xx).
    kind: str
    names: dict[str, str]
    description: str
    #: For entity values: the type they have (for OpenRefine's new column).
    target: str | None = None


PROPERTIES: tuple[Prop, ...] = (
    Prop(
        "wikidata",
        "http://www.w3.org/2002/07/owl#sameAs",
        "wikidata",
        {"sv": "Wikidata-objekt", "en": "Wikidata item"},
        "The Wikidata item (QID) the entity is linked to.",
    ),
    Prop("type", RDF_TYPE, "type", {"sv": "typ", "en": "type"}, "The kgpub kind of the entity."),
    Prop(
        "name_sv",
        RDFS_LABEL,
        "lang:sv",
        {"sv": "namn (svenska)", "en": "name (Swedish)"},
        "The Swedish name.",
    ),
    Prop(
        "name_en",
        RDFS_LABEL,
        "lang:en",
        {"sv": "namn (engelska)", "en": "name (English)"},
        "The English name.",
    ),
    Prop(
        "altLabel",
        SKOS_ALT,
        "literal",
        {"sv": "alternativt namn", "en": "alternative name"},
        "Other names the entity goes by.",
    ),
    Prop(
        "description",
        SCHEMA + "description",
        "literal",
        {"sv": "beskrivning", "en": "description"},
        "What the entity is, in a sentence or two.",
    ),
    Prop(
        "containedInPlace",
        SCHEMA + "containedInPlace",
        "entity",
        {"sv": "ligger i", "en": "contained in"},
        "The places it lies in.",
        "Place",
    ),
    Prop(
        "areaCovered",
        KGPUB + "areaCovered",
        "entity",
        {"sv": "område", "en": "area covered"},
        "The areas a project or organisation covers.",
        "Place",
    ),
    Prop(
        "memberOf",
        KGPUB + "memberOf",
        "entity",
        {"sv": "medlem i", "en": "member of"},
        "Groups and collaborations it is a member of.",
        "Organisation",
    ),
    Prop(
        "funder",
        SCHEMA + "funder",
        "entity",
        {"sv": "finansiär", "en": "funder"},
        "Who funds a project.",
        "Organisation",
    ),
    Prop(
        "participant",
        KGPUB + "participant",
        "entity",
        {"sv": "deltagare", "en": "participant"},
        "Who takes part in a project.",
        "Organisation",
    ),
    Prop(
        "operatedBy",
        KGPUB + "operatedBy",
        "entity",
        {"sv": "drivs av", "en": "operated by"},
        "Who runs a project.",
        "Organisation",
    ),
    Prop(
        "startDate",
        SCHEMA + "startDate",
        "literal",
        {"sv": "startdatum", "en": "start date"},
        "When a project started (often a year).",
    ),
    Prop(
        "endDate",
        SCHEMA + "endDate",
        "literal",
        {"sv": "slutdatum", "en": "end date"},
        "When a project ended (often a year).",
    ),
    Prop(
        "foundingDate",
        SCHEMA + "foundingDate",
        "literal",
        {"sv": "grundad", "en": "founding date"},
        "When an organisation was founded.",
    ),
    Prop(
        "source",
        "http://purl.org/dc/terms/source",
        "literal",
        {"sv": "källa", "en": "source"},
        "The web page the facts come from.",
    ),
)
PROPERTY_BY_ID = {p.id: p for p in PROPERTIES}


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[\s\-‐–—_/.,;:()\"'’]+", " ", text)
    return text.strip()


def _core(text: str) -> str:
    """A name without the words for its kind ("pajala kommun" → "pajala")."""
    words = [w for w in text.split() if w not in KIND_WORDS]
    return " ".join(words)


@dataclass
class Record:
    """One entity as the service sees it."""

    id: str
    iri: str
    #: (name, language) – labels first, then alternative names.
    names: list[tuple[str, str]] = field(default_factory=list)
    #: Every kgpub class (local names), superclasses included; and the most specific ones.
    types: set[str] = field(default_factory=set)
    kinds: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)
    #: predicate IRI -> values.
    values: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        for wanted in (lang, "sv", "en"):
            for text, tag in self.names:
                if tag == wanted:
                    return text
        return self.names[0][0] if self.names else self.id


def index_query(site: Site) -> str:
    """The one query the index is built from: the ontology's classes and every entity's statements.

    It goes through ``site.query``, so it runs on the embedded store or, under ``serve --store``, is
    one round trip to the triple store. ``?g`` tells the two parts apart: "o" (ontology), "d" (data).
    """
    id_base = json.dumps(site.base + "id/")  # a SPARQL string: JSON's escapes are SPARQL's
    return f"""SELECT ?g ?s ?p ?o WHERE {{
  {{ GRAPH <{site.ontology_graph}> {{ ?s ?p ?o
      FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{KGPUB}")
             && ?p IN (<{RDF_TYPE}>, <{RDFS_LABEL}>, <{RDFS_SUBCLASS}>)) }}
    BIND("o" AS ?g) }}
  UNION
  {{ GRAPH <{site.data_graph}> {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {id_base})) }}
    BIND("d" AS ?g) }}
}}"""


class Index:
    """Names, types and values of every entity of the published graph."""

    def __init__(self, site: Site) -> None:
        self.id_base = site.base + "id/"
        self.classes: dict[str, dict[str, str]] = {}
        self.parents: dict[str, set[str]] = {}
        declared: set[str] = set()
        records: dict[str, Record] = {}
        # One query, its answer read here, in the thread that asked (pyoxigraph's results stay there).
        for row in site.query(index_query(site)):
            part, s, p, o = row["g"].value, row["s"], row["p"].value, row["o"]
            if not isinstance(s, ox.NamedNode):
                continue
            if part == "o":
                if s.value.startswith(KGPUB):
                    self._ontology(s.value[len(KGPUB) :], p, o, declared)
                continue
            if not s.value.startswith(self.id_base) or isinstance(o, ox.Triple):
                continue
            record = records.get(s.value)
            if record is None:
                record = records[s.value] = Record(s.value[len(self.id_base) :], s.value)
            record.values.setdefault(p, []).append(o)
            if p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(KGPUB):
                record.types.add(o.value[len(KGPUB) :])
            elif p in (RDFS_LABEL, SKOS_ALT) and isinstance(o, ox.Literal):
                record.names.append((o.value, o.language or ""))
        self.classes = {k: v for k, v in self.classes.items() if v and k in declared}
        self.records: dict[str, Record] = {}
        for record in sorted(records.values(), key=lambda r: r.id):
            record.types &= set(self.classes)
            if not record.types:
                continue
            labels = {n for n in record.names if (n[0], n[1]) in self._labels(record)}
            record.names.sort(key=lambda n: (n not in labels, n[1], n[0]))
            supers = {p for t in record.types for p in self.ancestors(t)}
            record.kinds = sorted(record.types - supers)
            record.types |= supers
            for v in record.values.values():
                v.sort(key=str)
            # After sorting: the same description whatever order the store sent the statements in.
            for term in record.values.get(SCHEMA + "description", []):
                if isinstance(term, ox.Literal):
                    record.descriptions.setdefault(term.language or "", term.value)
            self.records[record.id] = record
        self.normalised = {
            rid: [(normalise(text), text) for text, _ in r.names] for rid, r in self.records.items()
        }

    def _ontology(self, local: str, predicate: str, value: Any, declared: set[str]) -> None:
        """One statement about a kgpub class (``local`` is its name in the kgpub namespace)."""
        if predicate == RDF_TYPE and isinstance(value, ox.NamedNode) and value.value == OWL_CLASS:
            self.classes.setdefault(local, {})
            declared.add(local)
        elif predicate == RDFS_LABEL and isinstance(value, ox.Literal) and value.language:
            names = self.classes.setdefault(local, {})
            # The least of several labels in one language: the same whatever order the store sent.
            names[value.language] = min(value.value, names.get(value.language, value.value))
        elif predicate == RDFS_SUBCLASS and isinstance(value, ox.NamedNode) and value.value.startswith(KGPUB):
            self.parents.setdefault(local, set()).add(value.value[len(KGPUB) :])

    @staticmethod
    def _labels(record: Record) -> set[tuple[str, str]]:
        return {
            (o.value, o.language or "")
            for o in record.values.get(RDFS_LABEL, [])
            if isinstance(o, ox.Literal)
        }

    def ancestors(self, kind: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.parents.get(kind, ()))
        while todo:
            k = todo.pop()
            if k not in seen:
                seen.add(k)
                todo.extend(self.parents.get(k, ()))
        return seen

    def type_name(self, kind: str, lang: str) -> str:
        names = self.classes.get(kind, {})
        return names.get(lang) or names.get("en") or kind

    def type_id(self, value: str) -> str | None:
        """A type given as a local name, ``kgpub:Name`` or full IRI -> its local name."""
        value = value.strip()
        for start in (KGPUB, "kgpub:"):
            if value.startswith(start):
                value = value[len(start) :]
        if value in self.classes:
            return value
        lowered = {k.lower(): k for k in self.classes}
        return lowered.get(value.lower())

    def record(self, value: str) -> Record | None:
        value = value.strip()
        if value.startswith(self.id_base):
            value = value[len(self.id_base) :]
        return self.records.get(value.strip("/"))


def name_score(query: str, names: list[tuple[str, str]]) -> float:
    """How well ``query`` (normalised) matches the best of ``names`` (normalised), 0–100."""
    best = 0.0
    core_q = _core(query)
    for norm, _ in names:
        if norm == query:
            return 100.0
        core_n = _core(norm)
        if core_q and core_q == core_n:
            best = max(best, 90.0)
            continue
        matcher = difflib.SequenceMatcher(None, query, norm)
        if matcher.real_quick_ratio() * 85 <= best:
            continue
        ratio = matcher.ratio() * 85
        q_words, n_words = set(query.split()), set(norm.split())
        overlap = len(q_words & n_words) / len(q_words | n_words) * 80 if q_words | n_words else 0
        best = max(best, ratio, overlap)
    return round(best, 1)


class Service:
    """The reconciliation service of one site; the index is built at the first request."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._index: Index | None = None
        #: The release (``Site.generation``) the index was built from.
        self._generation: int | None = None
        self._lock = threading.Lock()
        self.languages = tuple(site.project.config.languages)

    @property
    def index(self) -> Index:
        with self._lock:
            generation = int(getattr(self.site, "generation", 0))
            if self._index is None or self._generation != generation:
                self._index = Index(self.site)
                self._generation = generation
            return self._index

    # -- the manifest ---------------------------------------------------------------------------
    def root(self, request: Request) -> str:
        public = self.site.settings.public_url
        return (public or str(request.base_url)).rstrip("/") + "/"

    def manifest(self, request: Request, lang: str, prefix: str) -> dict[str, Any]:
        root = self.root(request)
        service = root + prefix.lstrip("/")
        publisher = self.publisher(lang)
        title = {"sv": "projekt och samarbeten", "en": "projects and collaborations"}.get(lang, lang)
        return {
            "versions": ["0.2"],
            "name": f"{publisher}: {title} (kgpub, {lang})",
            "identifierSpace": self.site.base + "id/",
            "schemaSpace": ONTOLOGY_IRI + "#",
            "documentation": root,
            "serviceVersion": __version__,
            "view": {"url": root + "id/{{id}}"},
            "defaultTypes": [
                {"id": t, "name": self.index.type_name(t, lang)}
                for t in DEFAULT_TYPES
                if t in self.index.classes
            ],
            "preview": {"url": service + "/preview?id={{id}}", "width": 400, "height": 140},
            "suggest": {
                what: {"service_url": service, "service_path": f"/suggest/{what}"}
                for what in ("entity", "type", "property")
            },
            "extend": {
                "propose_properties": {"service_url": service, "service_path": "/propose_properties"},
                "property_settings": [
                    {
                        "name": "limit",
                        "label": "Limit" if lang != "sv" else "Högst",
                        "type": "number",
                        "default": 0,
                        "help_text": "The most values to return per entity (0: all).",
                    }
                ],
            },
        }

    def publisher(self, lang: str) -> str:
        answer = self.site.query(
            "SELECT ?name WHERE { ?page a <http://schema.org/WebPage> ; "
            "<http://purl.org/dc/terms/publisher> ?p . "
            "?p <http://www.w3.org/2000/01/rdf-schema#label> ?name }"
        )
        names = {row["name"].language: row["name"].value for row in answer}
        return names.get(lang) or names.get("sv") or self.site.project.config.name

    # -- reconciliation -------------------------------------------------------------------------
    def reconcile(self, queries: dict[str, Any], lang: str) -> dict[str, Any]:
        return {key: {"result": self.candidates(query, lang)} for key, query in queries.items()}

    def candidates(self, query: dict[str, Any], lang: str) -> list[dict[str, Any]]:
        index = self.index
        text = normalise(str(query.get("query", "")))
        raw_types = query.get("type")
        types = [raw_types] if isinstance(raw_types, str) else list(raw_types or [])
        wanted = {t for t in (index.type_id(str(v)) for v in types) if t}
        strict = query.get("type_strict", "any")
        if types and not wanted and strict != "should":
            return []
        limit = query.get("limit") or DEFAULT_LIMIT
        limit = max(1, min(MAX_LIMIT, int(limit)))
        props = [p for p in query.get("properties", []) or [] if isinstance(p, dict)]
        scored: list[tuple[float, str, dict[str, Any]]] = []
        for rid, record in index.records.items():
            type_ok = (
                (wanted <= record.types if strict == "all" else bool(wanted & record.types))
                if wanted
                else True
            )
            if not type_ok and strict != "should":
                continue
            features: list[dict[str, Any]] = []
            name = name_score(text, index.normalised[rid]) if text else 0.0
            if text:
                features.append({"id": "name", "value": round(name / 100, 3)})
                if name < 40:
                    continue
            if wanted:
                features.append({"id": "type_match", "value": type_ok})
            fractions = []
            for prop in props:
                fraction = self.property_match(record, str(prop.get("pid", "")), prop.get("v"))
                fractions.append(fraction)
                features.append({"id": f"property_{prop.get('pid', '')}", "value": round(fraction, 3)})
            if fractions:
                mean = sum(fractions) / len(fractions)
                score = 0.7 * name + 30 * mean if text else 100 * mean
                if not text and mean == 0:
                    continue
            else:
                score = name
            if strict == "should" and wanted and not type_ok:
                score *= 0.8
            score = round(score, 1)
            result = {
                "id": rid,
                "name": record.name(lang),
                "score": score,
                "match": False,
                "type": [{"id": k, "name": index.type_name(k, lang)} for k in record.kinds],
                "features": features,
            }
            description = record.descriptions.get(lang) or record.descriptions.get("sv")
            if description:
                result["description"] = description[:200] + ("…" if len(description) > 200 else "")
            scored.append((score, record.name(lang).casefold(), result))
        scored.sort(key=lambda s: (-s[0], s[1], s[2]["id"]))
        out = [s[2] for s in scored[:limit]]
        if (
            out
            and out[0]["score"] >= MATCH_SCORE
            and (len(scored) < 2 or scored[1][0] <= out[0]["score"] - 10)
        ):
            out[0]["match"] = True
        return out

    def property_match(self, record: Record, pid: str, wanted: Any) -> float:
        """How well ``record``'s values of property ``pid`` match the given value(s), 0–1."""
        prop = PROPERTY_BY_ID.get(pid) or next((p for p in PROPERTIES if p.predicate == pid), None)
        if prop is None or wanted is None:
            return 0.0
        givens = wanted if isinstance(wanted, list) else [wanted]
        best = 0.0
        for given in givens:
            if isinstance(given, dict):
                given_id, given_name = str(given.get("id", "")), str(given.get("name", ""))
            else:
                given_id, given_name = str(given), str(given)
            for value in self.values(record, prop, "sv"):
                if "id" in value:
                    ids = {value["id"], self.site.base + "id/" + value["id"]}
                    if given_id in ids or given_id.removeprefix(WIKIDATA) in ids:
                        return 1.0
                    target = self.index.record(value["id"])
                    names = self.index.normalised.get(target.id, []) if target else []
                    if given_name and names:
                        best = max(best, name_score(normalise(given_name), names) / 100)
                    if prop.kind == "type":
                        labels = {normalise(n) for n in self.index.classes.get(value["id"], {}).values()}
                        if normalise(given_name) in labels:
                            return 1.0
                else:
                    text = str(next(iter(value.values())))
                    if normalise(text) == normalise(given_name) or text.removeprefix(WIKIDATA) == given_id:
                        return 1.0
        return best if best >= 0.5 else 0.0

    # -- values (data extension, property filters) ---------------------------------------------
    def values(self, record: Record, prop: Prop, lang: str) -> list[dict[str, Any]]:
        index = self.index
        if prop.kind == "type":
            return [{"id": k, "name": index.type_name(k, lang)} for k in record.kinds]
        out: list[dict[str, Any]] = []
        for term in record.values.get(prop.predicate, []):
            if prop.kind.startswith("lang:"):
                if isinstance(term, ox.Literal) and term.language == prop.kind[5:]:
                    out.append({"str": term.value})
            elif prop.kind == "wikidata":
                if isinstance(term, ox.NamedNode) and term.value.startswith(WIKIDATA):
                    out.append({"str": term.value[len(WIKIDATA) :]})
            elif prop.kind == "entity" and isinstance(term, ox.NamedNode):
                target = index.record(term.value)
                out.append({"id": target.id, "name": target.name(lang)} if target else {"str": term.value})
            elif isinstance(term, ox.Literal):
                if prop.predicate == SCHEMA + "description" and term.language not in (lang, ""):
                    continue
                out.append(_literal_value(term))
            elif isinstance(term, ox.NamedNode):
                out.append({"str": term.value})
        return out

    def extend(self, request: dict[str, Any], lang: str) -> dict[str, Any]:
        ids = [str(i) for i in request.get("ids", [])]
        asked = request.get("properties", [])
        props: list[tuple[Prop, int]] = []
        for item in asked:
            pid = str(item.get("id", "")) if isinstance(item, dict) else ""
            prop = PROPERTY_BY_ID.get(pid)
            if prop is None:
                raise ValueError(f"unknown property {pid!r}; known: {', '.join(PROPERTY_BY_ID)}.")
            settings = item.get("settings") or {}
            try:
                limit = int(settings.get("limit", 0) or 0)
            except (TypeError, ValueError):
                raise ValueError(f"the limit of {pid!r} must be a number.") from None
            props.append((prop, max(0, limit)))
        meta: list[dict[str, Any]] = []
        for prop, _ in props:
            entry: dict[str, Any] = {"id": prop.id, "name": prop.names.get(lang, prop.names["en"])}
            if prop.target:
                entry["type"] = {"id": prop.target, "name": self.index.type_name(prop.target, lang)}
            meta.append(entry)
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for rid in ids:
            record = self.index.record(rid)
            row: dict[str, list[dict[str, Any]]] = {}
            for prop, limit in props:
                values = self.values(record, prop, lang) if record else []
                row[prop.id] = values[:limit] if limit else values
            rows[rid] = row
        return {"meta": meta, "rows": rows}

    def propose(self, type_id: str | None, limit: int, lang: str) -> dict[str, Any]:
        index = self.index
        kind = index.type_id(type_id) if type_id else None
        used: set[str] = set()
        for record in index.records.values():
            if kind is None or kind in record.types:
                used.update(record.values)
        props = [p for p in PROPERTIES if p.kind in ("type", "wikidata") or p.predicate in used]
        result: dict[str, Any] = {
            "properties": [
                {"id": p.id, "name": p.names.get(lang, p.names["en"]), "description": p.description}
                for p in props[: limit or None]
            ]
        }
        if type_id:
            result["type"] = type_id
        if limit:
            result["limit"] = limit
        return result

    # -- suggest and preview ----------------------------------------------------------------------
    def suggest(self, what: str, prefix: str, type_id: str | None, cursor: int, lang: str) -> dict[str, Any]:
        wanted = normalise(prefix)
        index = self.index
        if what == "entity":
            kind = index.type_id(type_id) if type_id else None
            hits: list[tuple[int, str, dict[str, Any]]] = []
            for rid, record in index.records.items():
                if kind and kind not in record.types:
                    continue
                rank = _prefix_rank(wanted, [n for n, _ in index.normalised[rid]])
                if rank is None:
                    continue
                entry: dict[str, Any] = {
                    "id": rid,
                    "name": record.name(lang),
                    "notable": [{"id": k, "name": index.type_name(k, lang)} for k in record.kinds],
                }
                if record.descriptions.get(lang):
                    entry["description"] = record.descriptions[lang][:120]
                hits.append((rank, record.name(lang).casefold(), entry))
            hits.sort(key=lambda h: (h[0], h[1]))
            return {"result": [h[2] for h in hits[cursor : cursor + 10]]}
        if what == "type":
            found = []
            for kind, names in sorted(index.classes.items()):
                rank = _prefix_rank(wanted, [normalise(kind), *map(normalise, names.values())])
                if rank is not None:
                    found.append((rank, kind, {"id": kind, "name": index.type_name(kind, lang)}))
            found.sort(key=lambda f: (f[0], f[1]))
            return {"result": [f[2] for f in found[cursor : cursor + 10]]}
        props = []
        for p in PROPERTIES:
            rank = _prefix_rank(wanted, [normalise(p.id), *map(normalise, p.names.values())])
            if rank is not None:
                props.append(
                    (
                        rank,
                        p.id,
                        {"id": p.id, "name": p.names.get(lang, p.names["en"]), "description": p.description},
                    )
                )
        props.sort(key=lambda f: (f[0], f[1]))
        return {"result": [f[2] for f in props[cursor : cursor + 10]]}

    def preview(self, rid: str, lang: str, root: str) -> str | None:
        record = self.index.record(rid)
        if record is None:
            return None
        kinds = ", ".join(self.index.type_name(k, lang) for k in record.kinds)
        description = record.descriptions.get(lang) or record.descriptions.get("sv") or ""
        if len(description) > 300:
            description = description[:300] + "…"
        links = [v.value for v in record.values.get("http://www.w3.org/2002/07/owl#sameAs", [])]
        wikidata = " ".join(
            f'<a href="https://www.wikidata.org/wiki/{html.escape(v[len(WIKIDATA) :])}" target="_blank" '
            f'rel="noopener">{html.escape(v[len(WIKIDATA) :])}</a>'
            for v in links
            if v.startswith(WIKIDATA)
        )
        return (
            f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(record.name(lang))}</title>"
            "<style>body{font:13px/1.4 sans-serif;margin:6px}h1{font-size:15px;margin:0 0 2px}"
            "p{margin:2px 0}.k{color:#555}</style></head><body>"
            f'<h1><a href="{html.escape(root + "id/" + record.id)}" target="_blank" rel="noopener">'
            f"{html.escape(record.name(lang))}</a></h1>"
            f'<p class="k">{html.escape(kinds)}{" · Wikidata " + wikidata if wikidata else ""}</p>'
            f"<p>{html.escape(description)}</p></body></html>"
        )


def _prefix_rank(prefix: str, names: list[str]) -> int | None:
    """0 when a name starts with ``prefix``, 1 when a word of it does, None otherwise."""
    if not prefix:
        return 0
    rank = None
    for name in names:
        if name.startswith(prefix):
            return 0
        if any(word.startswith(prefix) for word in name.split()):
            rank = 1
    return rank


def _literal_value(term: ox.Literal) -> dict[str, Any]:
    datatype = term.datatype.value
    if datatype in (XSD + "integer", XSD + "nonNegativeInteger", XSD + "int", XSD + "long"):
        try:
            return {"int": int(term.value)}
        except ValueError:
            pass
    if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
        try:
            return {"float": float(term.value)}
        except ValueError:
            pass
    if datatype == XSD + "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", term.value):
        return {"date": term.value + "T00:00:00Z"}
    if datatype == XSD + "dateTime" and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?", term.value
    ):
        return {"date": term.value}
    return {"str": term.value}


# -- HTTP ---------------------------------------------------------------------------------------


def _error(message: str, status: int = 400) -> Response:
    return JSONResponse({"error": message}, status_code=status)


async def _params(request: Request) -> dict[str, str] | Response:
    """Query parameters, and for POST the form fields (application/x-www-form-urlencoded)."""
    params = dict(request.query_params)
    if request.method == "POST":
        media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if media not in ("application/x-www-form-urlencoded", ""):
            return _error(f"POST a form (application/x-www-form-urlencoded), not {media}.", 415)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return _error("The request is too large.", 413)
        try:
            params.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return _error("The request body is not UTF-8.")
    return params


def _json(value: Any, params: dict[str, str]) -> Response:
    callback = params.get("callback")
    if callback and _CALLBACK.match(callback):
        body = f"/**/{callback}({json.dumps(value, ensure_ascii=False)});"
        return Response(body, media_type="application/javascript; charset=utf-8")
    return JSONResponse(value)


def _parse(raw: str, what: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not valid JSON: {exc.msg} (at character {exc.pos}).") from None


def _check_queries(queries: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(queries, dict):
        raise ValueError('queries must be a JSON object of queries, e.g. {"q0": {"query": "Kiruna"}}.')
    if len(queries) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} queries per batch, not {len(queries)}.")
    for key, query in queries.items():
        if not isinstance(query, dict):
            raise ValueError(f"query {key!r} must be an object.")
        text = query.get("query")
        props = query.get("properties")
        if text is None and not props:
            raise ValueError(f"query {key!r} needs a query string or properties.")
        if text is not None and (not isinstance(text, str) or len(text) > MAX_QUERY_CHARS):
            raise ValueError(
                f"the query string of {key!r} must be text of at most {MAX_QUERY_CHARS} characters."
            )
        if props is not None and not (
            isinstance(props, list) and all(isinstance(p, dict) and "pid" in p and "v" in p for p in props)
        ):
            raise ValueError(f'the properties of {key!r} must be a list of {{"pid": …, "v": …}}.')
        limit = query.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float))):
            raise ValueError(f"the limit of {key!r} must be a number.")
        if query.get("type_strict", "any") not in ("any", "all", "should"):
            raise ValueError(f"type_strict of {key!r} must be any, all or should.")
    return queries


def reconcile_routes(site: Site) -> list[Route]:
    """The routes of the service, for ``create_app`` to mount before its catch-all routes."""
    service = Service(site)
    languages = service.languages

    def lang_of(request: Request) -> str | None:
        lang = request.path_params.get("lang", languages[0])
        return lang if lang in languages else None

    def prefix_of(lang: str) -> str:
        return "/reconcile" if lang == languages[0] else f"/reconcile/{lang}"

    async def run(function: Callable[[], Any]) -> Any:
        return await anyio.to_thread.run_sync(function)

    async def endpoint(request: Request) -> Response:
        lang = lang_of(request)
        if lang is None:
            return _error("Not found.", 404)
        params = await _params(request)
        if isinstance(params, Response):
            return params
        try:
            if "queries" in params:
                queries = _check_queries(_parse(params["queries"], "queries"))
                return _json(await run(lambda: service.reconcile(queries, lang)), params)
            if "extend" in params:
                asked = _parse(params["extend"], "extend")
                if not isinstance(asked, dict) or not isinstance(asked.get("ids"), list):
                    raise ValueError('extend must be {"ids": [...], "properties": [{"id": ...}]}.')
                if len(asked["ids"]) > 10 * MAX_BATCH:
                    raise ValueError(f"at most {10 * MAX_BATCH} ids per request.")
                return _json(await run(lambda: service.extend(asked, lang)), params)
        except ValueError as exc:
            return _error(str(exc))
        manifest = await run(lambda: service.manifest(request, lang, prefix_of(lang)))
        return _json(manifest, params)

    async def preview(request: Request) -> Response:
        lang = lang_of(request)
        rid = request.query_params.get("id", "")
        page = await run(lambda: service.preview(rid, lang, service.root(request))) if lang else None
        if page is None:
            return Response("Not found.\n", status_code=404, media_type="text/plain; charset=utf-8")
        # Shown in an iframe by OpenRefine: no frame restrictions, but no scripts either.
        headers = {
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'"
        }
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)

    async def suggest(request: Request) -> Response:
        lang = lang_of(request)
        what = request.path_params["what"]
        if lang is None or what not in ("entity", "type", "property"):
            return _error("Not found.", 404)
        params = dict(request.query_params)
        try:
            cursor = max(0, int(params.get("cursor", "0") or 0))
        except ValueError:
            return _error("cursor must be a whole number.")
        prefix = params.get("prefix", "")[:MAX_QUERY_CHARS]
        answer = await run(lambda: service.suggest(what, prefix, params.get("type"), cursor, lang))
        return _json(answer, params)

    async def propose(request: Request) -> Response:
        lang = lang_of(request)
        if lang is None:
            return _error("Not found.", 404)
        params = dict(request.query_params)
        try:
            limit = max(0, int(params.get("limit", "0") or 0))
        except ValueError:
            return _error("limit must be a whole number.")
        return _json(await run(lambda: service.propose(params.get("type"), limit, lang)), params)

    return [
        Route("/reconcile", endpoint, methods=["GET", "POST"]),
        Route("/reconcile/preview", preview),
        Route("/reconcile/propose_properties", propose),
        Route("/reconcile/suggest/{what}", suggest),
        Route("/reconcile/{lang}", endpoint, methods=["GET", "POST"]),
        Route("/reconcile/{lang}/preview", preview),
        Route("/reconcile/{lang}/propose_properties", propose),
        Route("/reconcile/{lang}/suggest/{what}", suggest),
    ]
