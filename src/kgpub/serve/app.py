"""The web application: SPARQL endpoint, linked data, pages, dumps and the canned-query API.

IRIs minted under the configured base (``https://data.kiruna.se/``) are served from this server's
root, so ``https://data.kiruna.se/id/project/co-kiruna`` is ``/id/project/co-kiruna`` here, whatever
address the server listens on. Entity IRIs are answered by content negotiation on the IRI itself
(``200`` with ``Vary: Accept``), not by 303 redirects: one round trip, and the same URL works in a
browser and in an RDF client. A suffix (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``, ``.html``) or
``?format=`` picks a representation explicitly.
"""

from __future__ import annotations

import json
import mimetypes
import urllib.parse
from collections.abc import Hashable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pyoxigraph as ox
from cachetools import LRUCache
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kgpub.catalog import catalog_endpoint, page_jsonld
from kgpub.project import Project
from kgpub.serve import negotiate
from kgpub.serve.cache import ResponseCache, ResultCache
from kgpub.serve.describe import Description, describe_query, describe_triples
from kgpub.serve.guard import Refused, check, is_update
from kgpub.serve.pages import ONTOLOGY_PATH, local_path
from kgpub.serve.pool import Answer, Dump, PoolBusy, QueryPool, QueryTimeout
from kgpub.serve.reconcile import reconcile_routes
from kgpub.serve.remote import RemotePool, RemoteStore, open_remote
from kgpub.serve.settings import ServeSettings
from kgpub.serve.texts import TEXTS

if TYPE_CHECKING:
    from kgpub.sparql import Result

for _media, _suffix in (
    ("text/turtle", ".ttl"),
    ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
    ("application/ld+json", ".jsonld"),
    ("application/sparql-query", ".rq"),
):
    mimetypes.add_type(_media, _suffix)

SD = "http://www.w3.org/ns/sparql-service-description#"
LIST_KINDS = {
    "projects": ("http://schema.org/Project", "projects"),
    "organisations": ("http://schema.org/Organization", "organisations"),
    "places": ("http://schema.org/Place", "places"),
}
RDF_OFFERS = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
PAGE_SIZE = 50


@dataclass
class Site:
    """Everything the handlers share; made once at start-up."""

    project: Project
    settings: ServeSettings
    dist: Path
    store: ox.Store
    pool: QueryPool | RemotePool
    templates: Environment
    data_graph: str
    ontology_graph: str
    #: The triple store the site serves from (``serve --store``); None: the embedded ``store``.
    remote: RemoteStore | None = None
    #: Which release is served: raised each time a new build is swapped in (keys caches).
    generation: int = 0
    #: Answers of repeated queries (kgpub.serve.cache), valid for one generation.
    cache: ResultCache = field(default_factory=lambda: ResultCache(0))

    #: What pages computed from the graph (counts, list rows, the ontology's view), per release.
    views: LRUCache[Hashable, Any] = field(default_factory=lambda: LRUCache(maxsize=512))

    def recall(self, *key: Hashable) -> tuple[Hashable, Any]:
        """A page's data computed earlier for this release (None if not), and the key to keep it under.

        Only the embedded store is a fixed release; a remote store may change under us, so with
        ``serve --store`` nothing is kept. Called on the event loop only (no lock needed)."""
        full = (self.generation, *key)
        return full, (self.views.get(full) if self.remote is None else None)

    def keep(self, key: Hashable, value: Any) -> Any:
        if self.remote is None:
            self.views[key] = value
        return value

    @property
    def base(self) -> str:
        return self.project.config.base

    def local(self, iri: str) -> str | None:
        """The path on this server for an IRI it serves, else None."""
        return local_path(self.base, iri)

    def iri_of(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def query(self, sparql: str) -> Any:
        """A trusted, internal query (pages, lists, counts): on the in-process store or the remote one."""
        if self.remote is not None:
            return self.remote.query(sparql)
        return self.store.query(sparql, use_default_graph_as_union=True)

    def canned_text(self, name: str, values: dict[str, str]) -> str:
        """The SPARQL of a canned query with its parameters bound (KgpubError for a bad value)."""
        from kgpub.queries import bind, with_prefixes

        query = self.project.get_query(name)
        return with_prefixes(bind(query, values, self.project.prefixes), self.project.query_prefixes)

    async def answer(self, query: str, options: dict[str, Any]) -> tuple[Answer, bool | None]:
        """The query pool's answer, from the result cache when this release answered it before;
        and whether it came from there (None: an answer that is never kept). Only successful
        answers are kept."""
        key = self.cache.key(self.generation, query, options)
        kept = self.cache.get(key)
        if kept is not None:
            return kept, True
        answer = await self.pool.arun(query, options)
        self.cache.put(key, answer)
        return answer, None if key is None else False

    async def canned(self, text: str) -> tuple[Result, bool]:
        """A canned query's result (``text`` from :meth:`canned_text`), and whether it was cut at
        ``max_rows``.

        On the embedded store it runs like any user query: in a query worker, under the time limit
        (QueryTimeout, PoolBusy), cut at ``max_rows`` and answered from the result cache when
        repeated. With ``serve --store`` it goes to the store, in a thread."""
        from kgpub.errors import QueryError
        from kgpub.sparql import Result

        remote = self.remote
        if remote is not None:
            return await anyio.to_thread.run_sync(lambda: remote.run(text)), False
        options = {
            "default_graphs": [],
            "named_graphs": [],
            "base_iri": self.base + "sparql",
            "max_rows": self.settings.max_rows,
            "result_format": "json",
            "graph_format": "ntriples",
        }
        answer, _ = await self.answer(text, options)
        if answer.status == "syntax":
            raise QueryError(f"the query does not parse: {answer.message}")
        if answer.status != "ok":
            raise QueryError(f"the query failed: {answer.message[:300]}")
        if answer.form == "graph":
            triples = [q.triple for q in ox.parse(answer.body, ox.RdfFormat.N_TRIPLES)]
            return Result("graph", [], [], triples=triples), answer.truncated
        return Result.of(ox.parse_query_results(answer.body, ox.QueryResultsFormat.JSON)), answer.truncated


def open_site(project: Project, settings: ServeSettings, dist: Path | None = None) -> Site:
    """Build if needed, load the published graph, start the query workers."""
    dist = dist or project.output_dir
    dump = dist / f"{project.config.name}.nt"
    ontology_dump = dist / "ontology.nt"
    if not dump.exists() or not ontology_dump.exists() or dump.stat().st_mtime < project._inputs_mtime():
        project.build(dist)
    data_graph = f"{project.config.base}graph/{project.config.name}"
    ontology_graph = f"{project.config.base}graph/ontology"
    env = Environment(
        loader=PackageLoader("kgpub.serve", "templates"), autoescape=select_autoescape(["html"])
    )
    if settings.store:  # the graphs live in a triple store (kgpub push): no local copy, no workers
        remote = open_remote(project, settings)
        pool_ = RemotePool(remote, size=settings.workers, timeout=settings.timeout)
        graph = remote.data_graph
        site = Site(project, settings, dist, ox.Store(), pool_, env, graph, ontology_graph, remote)
    else:
        dumps = [Dump(str(dump), data_graph), Dump(str(ontology_dump), ontology_graph)]
        store = ox.Store()
        for d in dumps:
            store.bulk_load(path=d.path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(d.graph))
        pool = QueryPool(dumps, size=settings.workers, timeout=settings.timeout)
        site = Site(project, settings, dist, store, pool, env, data_graph, ontology_graph)
    if site.remote is None:  # a remote store can change under us (a push from elsewhere): no cache
        site.cache = ResultCache(int(settings.result_cache_mb * 1024 * 1024))
    return site


# -- helpers ------------------------------------------------------------------------------------


def page_lang(request: Request) -> str:
    lang = request.query_params.get("lang")
    if lang in ("sv", "en"):
        return lang
    return negotiate.language(request.headers.get("accept-language"), ["sv", "en"])


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def html(site: Site, request: Request, template: str, status: int = 200, **context: Any) -> Response:
    lang = context.pop("lang", None) or page_lang(request)
    body = site.templates.get_template(template).render(
        t=TEXTS[lang],
        lang=lang,
        other="en" if lang == "sv" else "sv",
        path=request.url.path,
        project=site.project,
        site=site,
        **context,
    )
    headers = {**SECURITY_HEADERS, "Vary": "Accept, Accept-Language", "Content-Language": lang}
    return Response(body, status_code=status, media_type="text/html; charset=utf-8", headers=headers)


def problem(request: Request, status: int, message: str, site: Site | None = None) -> Response:
    """An error: a short page for browsers, plain text for everyone else; never a stack trace."""
    accept = request.headers.get("accept", "")
    if site is not None and "text/html" in accept:
        return html(site, request, "error.html", status=status, message=message, status_code=status)
    return PlainTextResponse(
        message + "\n", status_code=status, headers={"X-Content-Type-Options": "nosniff"}
    )


def format_override(request: Request, path: str) -> tuple[str, str | None]:
    """A representation forced by ``?format=`` or a file suffix; returns (path without suffix, format)."""
    fmt = request.query_params.get("format")
    if fmt:
        return path, negotiate.FORMAT_ALIASES.get(fmt.lower(), "unknown")
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix.lower() in negotiate.FORMAT_ALIASES:
        return stem, negotiate.FORMAT_ALIASES[suffix.lower()]
    return path, None


def rdf_body(site: Site, triples: list[ox.Triple], fmt: str) -> bytes:
    if fmt == "jsonld":
        from kgpub.serialise import JsonLdWriter

        context = json.loads((site.dist / "context.jsonld").read_text(encoding="utf-8"))
        writer = JsonLdWriter(context)
        from kgpub.serialise import Canonical

        return writer.write(Canonical(triples), context["@context"])
    out_format = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }[fmt]
    if fmt == "ntriples":
        return ox.serialize(triples, format=out_format) or b""
    return ox.serialize(triples, format=out_format, prefixes=site.project.prefixes) or b""


def rdf_response(site: Site, triples: list[ox.Triple], fmt: str) -> Response:
    return Response(
        rdf_body(site, triples, fmt), media_type=negotiate.MEDIA_OF[fmt], headers={"Vary": "Accept"}
    )


def pick(request: Request, forced: str | None, offers_html: bool = True) -> str | None:
    """The representation to send: forced, else by Accept (HTML first for browsers)."""
    if forced:
        return forced
    offers = (["text/html"] if offers_html else []) + RDF_OFFERS
    media = negotiate.best(request.headers.get("accept"), offers, default=offers[0])
    if media is None:
        return None
    return "html" if media == "text/html" else negotiate.RDF_TYPES[media]


# -- handlers -----------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    site: Site = request.app.state.site

    def numbers() -> tuple[dict[str, int], int, list[str]]:
        counts: dict[str, int] = {}
        for kind, (cls, _) in LIST_KINDS.items():
            answer = site.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")
            counts[kind] = int(next(iter(answer))["n"].value)
        everything = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{site.data_graph}> {{ ?s ?p ?o }} }}"
        triples = int(next(iter(site.query(everything)))["n"].value)
        return counts, triples, sorted(p.name for p in site.dist.iterdir() if p.is_file())

    # In a thread (with serve --store each query is a round trip), the answers read there too.
    key, found = site.recall("home")
    counts, triples, dumps = found or site.keep(key, await anyio.to_thread.run_sync(numbers))
    queries = list(site.project.queries.values())
    return html(site, request, "home.html", counts=counts, triples=triples, dumps=dumps, queries=queries)


async def list_page(request: Request) -> Response:
    site: Site = request.app.state.site
    kind = request.path_params["kind"]
    if kind not in LIST_KINDS:
        return problem(request, 404, "Not found.", site)
    lang = page_lang(request)
    cls = LIST_KINDS[kind][0]
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    query = f"""SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ ?s a <{cls}> .
            OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = "{lang}") }} }}
            GROUP BY ?s ORDER BY LCASE(STR(SAMPLE(?l))) ?s
            LIMIT {PAGE_SIZE + 1} OFFSET {(page - 1) * PAGE_SIZE}"""

    def read() -> list[tuple[str, str]]:
        return [(r["s"].value, r["label"].value if r["label"] else r["s"].value) for r in site.query(query)]

    # In a thread (with serve --store it is a round trip), the rows listed there too.
    key, found = site.recall("list", kind, lang, page)
    items = found if found is not None else site.keep(key, await anyio.to_thread.run_sync(read))
    more = len(items) > PAGE_SIZE
    return html(
        site, request, "list.html", kind=kind, items=items[:PAGE_SIZE], page=page, more=more, lang=lang
    )


async def entity(request: Request) -> Response:
    site: Site = request.app.state.site
    raw_path = "/id/" + request.path_params["path"]
    path, forced = format_override(request, raw_path)
    if forced == "unknown":
        return problem(request, 400, "Unknown format; use html, ttl, jsonld, nt or rdf.", site)
    iri = site.iri_of(path)
    try:
        ox.NamedNode(iri)
    except ValueError:
        return problem(request, 404, "Not found.", site)
    fmt = pick(request, forced)
    if fmt is None:
        return problem(
            request, 406, "None of the media types in Accept can be served; try text/html or text/turtle."
        )
    # Embedded: index look-ups, bounded by the resource's degree and quick enough for the event loop.
    # Remote: one CONSTRUCT, in a thread. Sorted, so the page does not depend on the store's order.
    if site.remote is None:
        triples = describe_triples(site.store, iri)
    else:
        triples = await anyio.to_thread.run_sync(lambda: list(site.query(describe_query(iri))))
    description = Description(iri, sorted(triples, key=str))
    if not description.exists:
        return problem(request, 404, f"Nothing is known about {iri}.", site)
    if fmt == "html":
        return entity_page(site, request, description)
    return rdf_response(site, description.own_triples(), fmt)


def entity_page(site: Site, request: Request, d: Description) -> Response:
    from kgpub.serve.pages import entity_view

    lang = page_lang(request)
    view = entity_view(site, d, lang)
    jsonld = json.dumps(d.schema_jsonld(), ensure_ascii=False, indent=1).replace("</", "<\\/")
    return html(site, request, "entity.html", view=view, jsonld=jsonld, lang=lang)


async def ontology(request: Request) -> Response:
    site: Site = request.app.state.site
    path, forced = format_override(request, request.url.path)
    if forced == "unknown" or path != ONTOLOGY_PATH:
        return problem(request, 404, "Not found.", site)
    fmt = pick(request, forced)
    if fmt is None:
        return problem(request, 406, "None of the media types in Accept can be served.")
    if fmt != "html":
        construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{site.ontology_graph}> {{ ?s ?p ?o }} }}"
        triples = await anyio.to_thread.run_sync(lambda: list(site.query(construct)))
        return rdf_response(site, sorted(triples, key=str), fmt)
    from kgpub.serve.pages import ontology_view

    lang = page_lang(request)
    key, view = site.recall("ontology", lang)
    view = view or site.keep(key, ontology_view(site, lang))
    return html(site, request, "ontology.html", view=view, lang=lang)


async def queries_page(request: Request) -> Response:
    site: Site = request.app.state.site
    return html(site, request, "queries.html", queries=list(site.project.queries.values()))


async def query_page(request: Request) -> Response:
    site: Site = request.app.state.site
    name = request.path_params["name"]
    if name.endswith(".rq"):
        query = site.project.queries.get(name[:-3])
        if query is None:
            return problem(request, 404, "Not found.", site)
        path = site.dist / "queries" / f"{query.name}.rq"
        return Response(path.read_bytes(), media_type="application/sparql-query; charset=utf-8")
    query = site.project.queries.get(name)
    if query is None:
        return problem(request, 404, f"There is no query named {name!r}.", site)
    from kgpub.errors import KgpubError
    from kgpub.queries import with_prefixes

    # Form fields are "p.NAME", so a parameter called lang cannot clash with the page language.
    values = {p.name: request.query_params.get("p." + p.name, p.default or "") for p in query.params}
    sparql = with_prefixes(query.sparql, site.project.query_prefixes)
    result = error = None
    truncated = False
    if "run" in request.query_params:
        try:
            given = {k: v for k, v in values.items() if v != ""}
            result, truncated = await site.canned(site.canned_text(query.name, given))
        except KgpubError as exc:  # bad parameters, a failing store
            error = exc.message
        except (QueryTimeout, PoolBusy):
            error = f"The query did not finish within {site.settings.timeout:g} s; try again later."
    return html(
        site,
        request,
        "query.html",
        query=query,
        values=values,
        sparql=sparql,
        result=result,
        error=error,
        truncated=site.settings.max_rows if truncated else None,
    )


async def sparql_page_or_description(request: Request, site: Site) -> Response:
    """GET /sparql without a query: the query page for a browser, else the Service Description (RDF)."""
    values = [v for k, v in request.query_params.multi_items() if k == "format"]
    fmt: str | None = None
    if any(v.strip().lower() in ("html", "htm", "text/html") for v in values):
        fmt = "html"
    else:
        try:
            fmt = negotiate.format_parameter(values, graph=True)
        except negotiate.FormatRefused as refused:
            return problem(request, refused.status, refused.message)
    if fmt is None:
        offers = ["text/html", *negotiate.GRAPH_RESULT_TYPES]
        media = negotiate.best(request.headers.get("accept"), offers, default="text/turtle")
        if media is None:
            return problem(
                request,
                406,
                "Without a query, /sparql gives its service description as RDF (text/turtle, "
                "application/ld+json, application/n-triples, application/rdf+xml) or the query page "
                "as text/html; the Accept header allows none of them.",
            )
        fmt = "html" if media == "text/html" else negotiate.GRAPH_RESULT_TYPES[media]
    if fmt == "html":
        from kgpub.serve.pages import query_examples

        return html(
            site, request, "sparql.html", examples=query_examples(site), prefixes=site.project.query_prefixes
        )
    public = site.settings.public_url
    endpoint = public.rstrip("/") + "/sparql" if public else str(request.url.replace(query="", fragment=""))
    triples = service_description(site, endpoint)
    if fmt != "turtle":
        return rdf_response(site, triples, fmt)
    prefixes = {
        "sd": SD,
        "formats": "http://www.w3.org/ns/formats/",
        "void": "http://rdfs.org/ns/void#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    }
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return Response(body, media_type=negotiate.MEDIA_OF["turtle"], headers={"Vary": "Accept"})


def service_description(site: Site, endpoint: str) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of this endpoint and the dataset it serves."""

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(site.base + "id/dataset/" + site.project.config.name)
    default = ox.BlankNode("default")
    union = ox.BlankNode("union")
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(
            service,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal(
                "Read-only SPARQL 1.1 query endpoint. The default graph is the union of the named "
                f"graphs. Queries are stopped after {site.settings.timeout:g} s and results are cut "
                f"at {site.settings.max_rows} rows (header X-Kgpub-Truncated).",
                language="en",
            ),
        ),
        ox.Triple(service, sd("defaultDataset"), default),
        ox.Triple(default, rdf_type, sd("Dataset")),
        ox.Triple(default, sd("defaultGraph"), union),
        ox.Triple(union, rdf_type, sd("Graph")),
        ox.Triple(default, ox.NamedNode("http://rdfs.org/ns/void#inDataset"), dataset),
    ]
    if (site.dist / "void.ttl").exists():  # the dataset's VoID description (kgpub.catalog)
        void = ox.NamedNode(endpoint.rsplit("sparql", 1)[0] + "dumps/void.ttl")
        triples.append(ox.Triple(dataset, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), void))
    if site.settings.service_allow:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    for number, graph in enumerate((site.data_graph, site.ontology_graph)):
        node = ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(default, sd("namedGraph"), node),
            ox.Triple(node, rdf_type, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(graph)),
        ]
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "RDF_XML",
        "JSON-LD",
    ):
        triples.append(
            ox.Triple(service, sd("resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{fmt}"))
        )
    return triples


async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol, query operation only: the endpoint is read-only."""
    site: Site = request.app.state.site
    read_only = (
        "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP ...) is not accepted."
    )
    if request.method not in ("GET", "HEAD", "POST"):
        refusal = problem(request, 405, "Use GET or POST: this endpoint only answers SPARQL queries.")
        refusal.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
        return refusal
    params = list(request.query_params.multi_items())
    body_query: str | None = None
    if request.method == "POST":
        media, _, rest = (request.headers.get("content-type") or "").partition(";")
        media = media.strip().lower()
        charset = ""
        for part in rest.split(";"):
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip('"').lower()
        if media == "application/sparql-update":
            return problem(request, 403, read_only)
        if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            return problem(
                request,
                415,
                "POST a query as application/sparql-query or as a form (application/x-www-form-urlencoded)"
                + (f", not as {media}." if media else "; this request has no Content-Type."),
            )
        if charset not in ("", "utf-8", "utf8", "us-ascii", "ascii"):
            return problem(request, 415, f"Send the query in UTF-8, not {charset}.")
        # Read no more than a query of the longest allowed length can need (form encoding triples it).
        limit = 4 * site.settings.max_query_length + 8192
        too_large = (
            "The request body is too large; queries may have at most "
            f"{site.settings.max_query_length} characters."
        )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return problem(request, 413, too_large)
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return problem(request, 413, too_large)
            chunks.append(chunk)
        raw = b"".join(chunks)
        try:
            if media == "application/x-www-form-urlencoded":
                params += urllib.parse.parse_qsl(
                    raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False, errors="strict"
                )
            else:
                body_query = raw.decode("utf-8")
        except UnicodeDecodeError:
            return problem(request, 400, "The request body is not valid UTF-8.")
    from kgpub.serve.guard import UPDATE_PARAMS

    names = {k for k, _ in params}
    if names.intersection(UPDATE_PARAMS):
        return problem(request, 403, read_only)
    queries = [v for k, v in params if k == "query"]
    if body_query is not None:
        if queries:
            return problem(request, 400, "Give the query either in the body or as a parameter, not both.")
        queries = [body_query]
    if not queries:
        if request.method in ("GET", "HEAD"):
            return await sparql_page_or_description(request, site)
        return problem(
            request,
            400,
            "No query was given: send it as the query parameter or as an application/sparql-query body.",
        )
    if len(queries) > 1:
        return problem(request, 400, "Give exactly one query.")
    query = queries[0]
    if not query.strip():
        return problem(request, 400, "The query is empty.")
    if is_update(query):
        return problem(request, 403, read_only)
    try:
        check(query, max_length=site.settings.max_query_length, allow=site.settings.service_allow)
    except Refused as refused:
        return problem(request, refused.status, refused.message)
    from kgpub.queries import query_form

    graph_form = query_form(query) in ("CONSTRUCT", "DESCRIBE")
    try:
        fmt = negotiate.format_parameter([v for k, v in params if k == "format"], graph_form)
    except negotiate.FormatRefused as refused:
        return problem(request, refused.status, refused.message)
    if fmt is None:
        types = negotiate.GRAPH_RESULT_TYPES if graph_form else negotiate.RESULT_TYPES
        default = "text/turtle" if graph_form else "application/sparql-results+json"
        chosen = negotiate.best(request.headers.get("accept"), list(types), default=default)
        if chosen is None:
            return problem(
                request,
                406,
                "None of the media types in Accept fits this query's results; it can be sent as "
                + ", ".join(types)
                + ".",
            )
        fmt = types[chosen]
    default_graphs = [v for k, v in params if k == "default-graph-uri"]
    named_graphs = [v for k, v in params if k == "named-graph-uri"]
    for iri in default_graphs + named_graphs:
        try:
            ox.NamedNode(iri)
        except ValueError:
            return problem(
                request, 400, f"default-graph-uri and named-graph-uri must be IRIs: {iri!r} is not."
            )
    options = {
        "default_graphs": default_graphs,
        "named_graphs": named_graphs,
        # Relative IRIs resolve against the endpoint's public IRI, so <id/...> means an entity here.
        "base_iri": site.base + "sparql",
        "max_rows": site.settings.max_rows,
        "result_format": fmt if not graph_form else "json",
        "graph_format": fmt if graph_form else "turtle",
        "prefixes": site.project.prefixes,
    }
    try:
        answer, hit = await site.answer(query, options)
    except QueryTimeout:
        return problem(
            request,
            503,
            f"The query was stopped after {site.settings.timeout:g} s, "
            "this endpoint's time limit. Narrow it down or add a LIMIT.",
        )
    except PoolBusy:
        busy = problem(request, 503, "The endpoint is busy; try again in a moment.")
        busy.headers["Retry-After"] = "5"
        return busy
    if answer.status == "syntax":
        return problem(request, 400, f"Syntax error in the query: {answer.message}")
    if answer.status != "ok":
        message = answer.message
        if "SERVICE" in query.upper():
            return problem(request, 502, f"A SERVICE call failed: {message[:300]}")
        return problem(request, 500, f"The query could not be evaluated: {message[:300]}")
    sent = options["graph_format"] if answer.form == "graph" else options["result_format"]
    headers = {"Vary": "Accept"}
    if hit is not None:  # only answers that may be kept say so (serve.cache.ResponseCache reads it)
        headers["X-Kgpub-Cache"] = "hit" if hit else "miss"
    if answer.truncated:
        headers["X-Kgpub-Truncated"] = str(site.settings.max_rows)
        headers["Link"] = '<https://w3id.org/kgpub/doc#limits>; rel="describedby"'
        headers["Access-Control-Expose-Headers"] = "X-Kgpub-Truncated, Link"
    return Response(answer.body, media_type=negotiate.MEDIA_OF[str(sent)], headers=headers)


async def api_queries(request: Request) -> Response:
    site: Site = request.app.state.site
    return JSONResponse([q.as_dict() for q in site.project.queries.values()])


async def api_query(request: Request) -> Response:
    site: Site = request.app.state.site
    name = request.path_params["name"]
    if name not in site.project.queries:
        return JSONResponse({"error": f"There is no query named {name!r}."}, status_code=404)
    values = {k: v for k, v in request.query_params.items() if k != "format"}
    from kgpub.errors import KgpubError

    # The finished JSON is kept too: a large answer costs far more to turn into JSON than to find.
    try:
        text = site.canned_text(name, values)
    except KgpubError as exc:
        return JSONResponse({"error": exc.message}, status_code=400)
    key = site.cache.key(site.generation, text, {"result_format": "api"})
    kept = site.cache.get(key)
    if kept is not None:
        return _api_response(site, kept)
    try:
        result, truncated = await site.canned(text)
    except KgpubError as exc:
        return JSONResponse({"error": exc.message}, status_code=400)
    except QueryTimeout:
        message = f"The query was stopped after {site.settings.timeout:g} s, this endpoint's time limit."
        return JSONResponse({"error": message}, status_code=503)
    except PoolBusy:
        busy = {"error": "Busy; try again in a moment."}
        return JSONResponse(busy, status_code=503, headers={"Retry-After": "5"})
    if result.kind == "graph":
        answer = Answer("ok", result.serialise("jsonld"), "graph", truncated)
    else:
        doc: dict[str, Any] = (
            {"boolean": result.boolean}
            if result.kind == "ask"
            else {"variables": result.variables, "rows": result.dicts()}
        )
        if truncated:
            doc["truncated"] = site.settings.max_rows
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        answer = Answer("ok", body, result.kind, truncated)
    site.cache.put(key, answer)
    return _api_response(site, answer)


def _api_response(site: Site, answer: Answer) -> Response:
    headers = {}
    if answer.truncated:
        headers = {
            "X-Kgpub-Truncated": str(site.settings.max_rows),
            "Access-Control-Expose-Headers": "X-Kgpub-Truncated",
        }
    media = "application/ld+json" if answer.form == "graph" else "application/json"
    return Response(answer.body, media_type=media, headers=headers)


async def openapi(request: Request) -> Response:
    from kgpub.serve.pages import openapi_document

    site: Site = request.app.state.site
    return JSONResponse(openapi_document(site, str(request.base_url).rstrip("/")))


#: Request headers larger than this in total are refused with 431, whatever the HTTP parser allows.
MAX_HEADER_BYTES = 16 * 1024


class SecurityHeaders:
    """nosniff on every response (HTML pages add their own policy); oversized headers get 431."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        size = sum(len(k) + len(v) for k, v in scope.get("headers", []))
        if size > MAX_HEADER_BYTES:
            response = PlainTextResponse(
                "Request headers too large.\n",
                status_code=431,
                headers={"X-Content-Type-Options": "nosniff", "Connection": "close"},
            )
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"x-content-type-options" for k, _ in headers):
                    headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(site: Site) -> Starlette:
    static = resources.files("kgpub.serve") / "static"
    routes = [
        Route("/", home),
        Route("/sparql", sparql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/id/{path:path}", entity),
        Route(ONTOLOGY_PATH, ontology),
        Route(ONTOLOGY_PATH + ".{ext}", ontology),
        Route("/queries", queries_page),
        Route("/queries/{name}", query_page),
        Route("/api/queries", api_queries),
        Route("/api/queries/{name}", api_query),
        Route("/api/openapi.json", openapi),
        Route("/datasets/dcat", catalog_endpoint),  # the address dataportal.se harvests (RDF/XML)
        Route("/catalog", catalog_endpoint),
        *reconcile_routes(site),  # the W3C Reconciliation API (OpenRefine) at /reconcile
        Route("/{kind}", list_page),
        Mount("/dumps", app=StaticFiles(directory=str(site.dist)), name="dumps"),
        Mount("/static", app=StaticFiles(directory=str(static)), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders), Middleware(GZipMiddleware, minimum_size=500)]
    # Outermost: a repeated GET /sparql is answered before any other layer runs (serve.cache).
    response_cache = [Middleware(ResponseCache, site=site, max_bytes=site.cache.max_bytes // 4)]
    if site.settings.cors:
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                max_age=3600,
            ),
        )

    async def not_found(request: Request, exc: Exception) -> Response:
        return problem(request, 404, "Not found.", site)

    async def server_error(request: Request, exc: Exception) -> Response:
        return problem(request, 500, "Internal error.")

    from kgpub.serve.reload import Reloader, lifespan

    # A new build in the output folder is swapped in while serving (none with serve --store).
    reloader = Reloader(site) if site.remote is None else None
    app = Starlette(
        routes=routes,
        middleware=response_cache + middleware,
        exception_handlers={404: not_found, 500: server_error},
        lifespan=lifespan(reloader),
    )
    app.state.site = site
    app.state.reloader = reloader
    site.templates.globals["dataset_jsonld"] = page_jsonld(site.dist)  # home.html's schema.org Dataset
    return app
