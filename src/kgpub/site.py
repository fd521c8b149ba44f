"""Static publication: a folder any static web host can serve, for municipalities without a server.

``kgpub build --site [DIR]`` (default ``dist/site``) renders the pages of ``kgpub serve`` with the
same templates and view models, from an in-memory store of the graph being published, and writes
every representation as a file at a path that mirrors its IRI:

=================================================  ==================================================
``id/project/co-kiruna.sv.html``, ``….en.html``   the entity's page in Swedish and in English
``id/project/co-kiruna.html``                     the page in the default language (``sv``), so hosts
                                                  that map ``/x`` to ``x.html`` need no rules at all
``id/project/co-kiruna.ttl``, ``.jsonld``,         the entity's RDF, exactly what the server answers
``.nt``, ``.rdf``
``index.*.html``, ``projects.*.html``,             the home page, the lists (all on one page), the
``organisations.*.html``, ``places.*.html``,       ontology's documentation (``def.ttl`` … its RDF),
``def.*.html``, ``queries.*.html``, ``404.*.html``  the canned queries, the error page
``dumps/…``                                       every file of ``dist/``: the dumps, the context,
                                                  the catalogue and VoID when there are, the changes
``queries/NAME.rq``, ``queries/index.json``       the canned queries, ready to run elsewhere
``catalog.*``, ``datasets/dcat.*``,               the catalogue (RDF/XML by default, as the server
``.well-known/void``                              sends it) and VoID at their usual addresses
``static/kgpub.css``                              the style sheet (no JavaScript anywhere)
``sitemap.xml``, ``robots.txt``                   for search engines
``.htaccess``                                     content negotiation for Apache (mod_rewrite)
``nginx-http.conf``, ``nginx-server.conf``        content negotiation for nginx (maps; locations)
=================================================  ==================================================

Links between pages are relative (``../organisation/kiruna-kommun.sv.html``), so the folder works at
the base IRI's path, below another path, or opened from disk; only ``404.html`` uses paths from the
base, since it is shown at any address. Links to what needs a server (the SPARQL query page, the
OpenAPI document) are left out, except the endpoint when ``[serve] public_url`` names one.

Content negotiation on a static host cannot weigh q-values: the rules give the representation of the
first media type listed in ``Accept`` when it is one of ours, else HTML when ``text/html`` is listed
anywhere (browsers), else the first RDF type found, else HTML; and the page language given by
``?lang=``, else the first supported language listed in ``Accept-Language``, else Swedish.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import shutil
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape

from kgpub.errors import PublishError
from kgpub.serialise import FORMATS, Canonical, JsonLdWriter
from kgpub.serve.pages import ONTOLOGY_PATH, local_path

if TYPE_CHECKING:
    from kgpub.project import Project

LIST_KINDS = {
    "projects": "http://schema.org/Project",
    "organisations": "http://schema.org/Organization",
    "places": "http://schema.org/Place",
}
#: Representations of an entity, by file suffix, in the order the rules try them.
RDF_SUFFIXES = tuple(suffix for _media, suffix in FORMATS.values())
PAGE_LANGS = ("sv", "en")
#: Server addresses that have no static counterpart: links to them are left out.
SERVER_ONLY = ("/api/openapi.json", "/api/queries/")
#: The server's pages (not resources): a link to one the site lacks is left out whole.
PAGE_PATHS = ("/", "/projects", "/organisations", "/places", "/queries", "/def", "/404", "/dumps", "/dumps/")
#: The rules' choice of representation: (regular expression on Accept, suffix); the first that matches
#: wins, and HTML is the default. Clients list the type they want first; browsers list text/html.
ACCEPT_RULES: tuple[tuple[str, str], ...] = (
    (r"^\s*(text/turtle|application/x-turtle)", "ttl"),
    (r"^\s*application/ld\+json", "jsonld"),
    (r"^\s*application/n-triples", "nt"),
    (r"^\s*application/rdf\+xml", "rdf"),
    (r"(text/html|application/xhtml\+xml)", "html"),
    (r"(text/turtle|application/x-turtle)", "ttl"),
    (r"application/ld\+json", "jsonld"),
    (r"application/n-triples", "nt"),
    (r"application/rdf\+xml", "rdf"),
)
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html",
    "css": "text/css",
    "txt": "text/plain",
    "md": "text/markdown",
    "xml": "application/xml",
    "json": "application/json",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "rq": "application/sparql-query",
}
UTF8_SUFFIXES = ("html", "css", "txt", "md", "xml", "ttl", "nt", "rq")
#: The web server rules in the folder, which are not served.
CONFIG_FILES = (".htaccess", "nginx-http.conf", "nginx-server.conf")
#: Where the catalogue is (kgpub.catalog): its address, and the one dataportal.se harvests.
CATALOG_PATHS = ("catalog", "datasets/dcat")


@dataclass
class StaticSite:
    """What the page view models need of a site (see :class:`kgpub.serve.pages.Site`), without a server."""

    project: Project
    store: ox.Store
    data_graph: str
    ontology_graph: str

    @property
    def base(self) -> str:
        return self.project.config.base

    def local(self, iri: str) -> str | None:
        """The path of an IRI this site serves, as the server would serve it, else None."""
        return local_path(self.base, iri)

    def query(self, sparql: str) -> Any:
        return self.store.query(sparql, use_default_graph_as_union=True)


def site_languages(project: Project) -> list[str]:
    """The languages pages are made in: Swedish, and English when the project has it."""
    return [lang for lang in PAGE_LANGS if lang in project.config.languages]


def endpoint_of(project: Project) -> str | None:
    """The public SPARQL endpoint, when ``[serve] public_url`` names a server that runs one."""
    from kgpub.serve.settings import serve_settings

    public = serve_settings(project.config.extra.get("serve")).public_url
    return public.rstrip("/") + "/sparql" if public else None


def _var(project: Project) -> str:
    """The prefix of the nginx variables, unique per project so two sites can share one nginx."""
    return "kgpub_" + re.sub(r"[^a-z0-9]", "_", project.config.name)


def base_path(project: Project) -> str:
    """The path of the base IRI (``/`` for ``https://data.kiruna.se/``): where the folder is served."""
    return urllib.parse.urlsplit(project.config.base).path or "/"


# -- the writer -------------------------------------------------------------------------------------


@dataclass
class SiteWriter:
    """Renders and writes one static site into an empty folder."""

    project: Project
    folder: Path
    dist: Path
    data: Canonical
    ontology: Canonical
    context: dict[str, Any]
    skip: Path | None = None
    endpoint: str | None = None
    files: set[str] = field(default_factory=set)
    written: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        config = self.project.config
        self.langs = site_languages(self.project)
        self.default = self.langs[0]
        store = ox.Store()
        self.site = StaticSite(
            self.project, store, f"{config.base}graph/{config.name}", f"{config.base}graph/ontology"
        )
        store.load(self.data.ntriples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(self.site.data_graph))
        store.load(
            self.ontology.ntriples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(self.site.ontology_graph)
        )
        self.templates = Environment(
            loader=PackageLoader("kgpub.serve", "templates"), autoescape=select_autoescape(["html"])
        )
        self.writer = JsonLdWriter(self.context)
        self.base_path = base_path(self.project)

    # -- files ---------------------------------------------------------------------------------------
    def _put(self, path: str, payload: bytes | str) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        target.write_bytes(payload)
        self.written.append(path)

    def _copy(self, source: Path, path: str) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)  # the same bytes as the dump beside it, without a second copy
        except OSError:
            shutil.copyfile(source, target)
        self.written.append(path)

    def dist_files(self) -> list[tuple[Path, str]]:
        """Every file of the publication (the site itself left out), by its path under dist/."""
        skip = self.skip.resolve() if self.skip is not None else None
        found = []
        for path in sorted(self.dist.rglob("*")):
            relative = path.relative_to(self.dist)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if skip is not None and (path.resolve() == skip or path.resolve().is_relative_to(skip)):
                continue
            if path.is_file():
                found.append((path, relative.as_posix()))
        return found

    # -- plan -----------------------------------------------------------------------------------------
    def entities(self) -> list[str]:
        """Every IRI under ``{base}id/`` the graph mentions, as subject or object, that a file can hold."""
        id_base = self.project.config.id_base
        rows = self.site.query(
            f"""SELECT DISTINCT ?e WHERE {{ GRAPH <{self.site.data_graph}> {{
                {{ ?e ?p ?o }} UNION {{ ?s ?p ?e }} }}
                FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{id_base}")) }}"""
        )
        found = []
        for row in rows:
            iri = row["e"].value
            path = _entity_path(self.site.local(iri) or "")
            if path is not None:
                found.append(iri)
        return sorted(found)

    def page_names(self) -> list[str]:
        """The pages every language has (without suffix): home, lists, ontology, queries, 404."""
        names = ["index", *LIST_KINDS, "def", "404"]
        if self.project.queries:
            names.append("queries")
        return names

    # -- rendering ------------------------------------------------------------------------------------
    def render(self, template: str, page: str, lang: str, server_path: str, context: dict[str, Any]) -> str:
        """A server template rendered for ``lang``, its links rewritten for the static folder."""
        from kgpub.serve.texts import TEXTS

        body = self.templates.get_template(template).render(
            t=TEXTS[lang],
            lang=lang,
            other="en" if lang == "sv" else "sv",
            path=server_path,
            project=self.project,
            site=self.site,
            **context,
        )
        return relink(body, lambda href: self.href(href, page, lang))

    def href(self, href: str, page: str, lang: str) -> str | None:
        """Where a link of the server's page goes on the static site: ``""`` to leave the link out
        (what needs a server, a page or language the site lacks), None to keep only its text (an
        entity without a page)."""
        if href.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("//"):
            return href
        if not href.startswith("/"):
            return None  # ?page=2 and the like: the lists are whole on one page
        parts = urllib.parse.urlsplit(href)
        path = urllib.parse.unquote(parts.path)
        params = urllib.parse.parse_qs(parts.query)
        want = params.get("lang", [lang])[0]
        if path == "/sparql":
            return self.endpoint or ""
        if path.startswith(SERVER_ONLY) or want not in self.langs:
            return ""
        target = self.target(path, want)
        if target is None or target not in self.files:
            # a missing page goes from the navigation; a resource without a page keeps its name
            return "" if path in PAGE_PATHS or path.startswith(("/api/", "/queries")) else None
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if page.startswith("404"):  # shown at any address: a path from the base
            return self.base_path + _quote(target) + fragment
        relative = posixpath.relpath(target, posixpath.dirname(page) or ".")
        return _quote(relative) + fragment

    def target(self, path: str, lang: str) -> str | None:
        """The file of the static site that stands for the server's ``path`` in ``lang``."""
        if path in ("/", "/dumps", "/dumps/"):
            return f"index.{lang}.html"
        name = path.lstrip("/")
        if name in (*LIST_KINDS, "queries", "404") or path == ONTOLOGY_PATH:
            return f"{name}.{lang}.html"
        if path.startswith(ONTOLOGY_PATH + "."):
            return name
        if path.startswith("/queries/"):
            return name if name.endswith(".rq") else f"{name}.rq"
        if path == "/api/queries":
            return "queries/index.json"
        if path in ("/catalog", "/datasets/dcat"):
            return f"{name}.rdf"  # what the server sends a browser, and what dataportal.se harvests
        if path.startswith("/id/"):
            _stem, dot, suffix = name.rpartition(".")
            if dot and suffix in (*RDF_SUFFIXES, "html"):
                return name
            return f"{name}.{lang}.html"
        return name

    def page(self, name: str, lang: str, template: str, server_path: str, **context: Any) -> None:
        text = self.render(template, f"{name}.{lang}.html", lang, server_path, context)
        self._put(f"{name}.{lang}.html", text)
        if lang == self.default:
            self._put(f"{name}.html", text)

    def entity_rdf(self, triples: list[ox.Triple], suffix: str) -> bytes:
        """An entity's RDF in one format, made as the server makes it."""
        if suffix == "jsonld":
            return self.writer.write(Canonical(triples), self.context["@context"])
        fmt = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}[suffix]
        if suffix == "nt":
            return ox.serialize(triples, format=fmt) or b""
        return ox.serialize(triples, format=fmt, prefixes=self.project.prefixes) or b""

    # -- the whole site -------------------------------------------------------------------------------
    def write(self) -> list[str]:
        from kgpub.serve.describe import Description, describe_triples
        from kgpub.serve.pages import entity_view, ontology_view

        project = self.project
        dist_files = self.dist_files()
        entities = self.entities()
        # Plan first, so every link can be checked against what will be there.
        for name in self.page_names():
            self.files.update(f"{name}.{lang}.html" for lang in self.langs)
            self.files.add(f"{name}.html")
        for iri in entities:
            stem = _entity_path(self.site.local(iri) or "")
            assert stem is not None
            self.files.update(f"{stem}.{lang}.html" for lang in self.langs)
            self.files.update(f"{stem}.{suffix}" for suffix in (*RDF_SUFFIXES, "html"))
        self.files.update(f"dumps/{name}" for _, name in dist_files)
        self.files.update(name for _, name in dist_files if name.startswith("queries/"))
        catalogs = [(p, n) for p, n in dist_files if n in ("catalog.rdf", "catalog.ttl", "catalog.jsonld")]
        if catalogs:
            self.files.update(f"{where}.{suffix}" for where in CATALOG_PATHS for suffix in RDF_SUFFIXES)
        self.files.update(f"def.{suffix}" for suffix in RDF_SUFFIXES)
        self.files.add("static/kgpub.css")

        # Files copied from the publication.
        for path, name in dist_files:
            self._copy(path, f"dumps/{name}")
            if name.startswith("queries/"):
                self._copy(path, name)
        for path, name in catalogs:  # /catalog and /datasets/dcat, as the server answers them
            for where in CATALOG_PATHS:
                self._copy(path, where + name[len("catalog") :])
        if catalogs:
            triples = [
                q.triple for q in ox.parse(path=str(self.dist / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
            ]
            for where in CATALOG_PATHS:
                self._put(f"{where}.nt", Canonical(triples).ntriples)
            from kgpub.catalog import page_jsonld

            self.templates.globals["dataset_jsonld"] = page_jsonld(self.dist)  # the home page's Dataset
        void = self.dist / "void.ttl"
        if void.is_file():
            self._copy(void, ".well-known/void")
        for suffix in RDF_SUFFIXES:
            source = self.dist / f"ontology.{suffix}"
            if source.is_file():
                self._copy(source, f"def.{suffix}")
        css = resources.files("kgpub.serve") / "static" / "kgpub.css"
        self._put("static/kgpub.css", css.read_bytes())

        # Pages.
        counts = {
            kind: int(
                next(iter(self.site.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}")))[
                    "n"
                ].value
            )
            for kind, cls in LIST_KINDS.items()
        }
        dumps = sorted(name for _, name in dist_files if "/" not in name)
        queries = list(project.queries.values())
        for lang in self.langs:
            self.page(
                "index",
                lang,
                "home.html",
                "/",
                counts=counts,
                triples=len(self.data),
                dumps=dumps,
                queries=queries,
            )
            for kind in LIST_KINDS:
                self.page(
                    kind,
                    lang,
                    "list.html",
                    f"/{kind}",
                    kind=kind,
                    items=self.items(kind, lang),
                    page=1,
                    more=False,
                )
            self.page("def", lang, "ontology.html", ONTOLOGY_PATH, view=ontology_view(self.site, lang))
            if queries:
                self.page("queries", lang, "queries.html", "/queries", queries=queries)
            message = "Sidan finns inte." if lang == "sv" else "Not found."
            self.page("404", lang, "error.html", "/404", status_code=404, message=message)
        for iri in entities:
            stem = _entity_path(self.site.local(iri) or "")
            assert stem is not None
            description = Description(iri, sorted(describe_triples(self.site.store, iri), key=str))
            jsonld = json.dumps(description.schema_jsonld(), ensure_ascii=False, indent=1).replace(
                "</", "<\\/"
            )
            server_path = self.site.local(iri) or ""
            for lang in self.langs:
                view = entity_view(self.site, description, lang)
                self.page(stem, lang, "entity.html", server_path, view=view, jsonld=jsonld)
            triples = description.own_triples()
            for suffix in RDF_SUFFIXES:
                self._put(f"{stem}.{suffix}", self.entity_rdf(triples, suffix))

        self._put("sitemap.xml", self.sitemap(entities))
        self._put("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {project.config.base}sitemap.xml\n")
        self._put(".htaccess", apache_rules(project, self.langs))
        http_conf, server_conf = nginx_rules(project, self.langs)
        self._put("nginx-http.conf", http_conf)
        self._put("nginx-server.conf", server_conf)
        return sorted(self.written)

    def items(self, kind: str, lang: str) -> list[tuple[str, str]]:
        """Every entity of a list, by name (the server pages them; a static list is whole)."""
        rows = self.site.query(
            f"""SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ ?s a <{LIST_KINDS[kind]}> .
                OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l
                           FILTER(LANG(?l) = "{lang}") }} }}
                GROUP BY ?s ORDER BY LCASE(STR(SAMPLE(?l))) ?s"""
        )
        return [(r["s"].value, r["label"].value if r["label"] else r["s"].value) for r in rows]

    def sitemap(self, entities: list[str]) -> str:
        """sitemap.xml: every page at its negotiated address, with its language versions as alternates."""
        base = self.project.config.base
        pages = ["index", *LIST_KINDS, "def"] + (["queries"] if self.project.queries else [])
        entries: list[tuple[str, str]] = [
            ("" if name == "index" else name, "" if name == "index" else name) for name in pages
        ]
        entries += [(iri[len(base) :], _entity_path(self.site.local(iri) or "") or "") for iri in entities]
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
        ]
        for address, stem in entries:
            lines.append(f"<url><loc>{html.escape(base + address)}</loc>")
            for lang in self.langs:
                file = html.escape(base + _quote(f"{stem or 'index'}.{lang}.html"))
                lines.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{file}"/>')
            lines.append("</url>")
        lines.append("</urlset>")
        return "\n".join(lines) + "\n"


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/:@!$&'()*+,;=-._~")


def _entity_path(server_path: str) -> str | None:
    """The file stem for an entity's server path (``/id/project/x`` → ``id/project/x``), None if a file
    cannot stand for it (a query, a fragment, an empty or dot segment)."""
    if not server_path.startswith("/id/") or "?" in server_path or "#" in server_path:
        return None
    path = urllib.parse.unquote(server_path[1:])
    segments = path.split("/")
    if any(not s or s.startswith(".") or "\\" in s or "\x00" in s for s in segments):
        return None
    return path


# -- links -------------------------------------------------------------------------------------------

_SCRIPT = re.compile(r"(<script\b[^>]*>.*?</script>)", re.S | re.I)
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_TAG = re.compile(r"<(link|img|form)\b([^>]*)>", re.S)
_ATTR = re.compile(r'\b(href|src|action)="([^"]*)"')


def relink(page: str, href: Callable[[str], str | None]) -> str:
    """Rewrite the links of a page with ``href`` (old → new; ``""`` leaves the link out, None keeps
    only an anchor's text). Scripts (the JSON-LD island) are left as they are."""

    def anchor(match: re.Match[str]) -> str:
        attrs, inner = match.group(1), match.group(2)
        found = _ATTR.search(attrs)
        if found is None:
            return match.group(0)
        new = href(html.unescape(found.group(2)))
        if new is None:
            return inner
        if not new:
            return ""
        new = html.escape(new, quote=True)
        return f'<a{attrs[: found.start()]}{found.group(1)}="{new}"{attrs[found.end() :]}>{inner}</a>'

    def tag(match: re.Match[str]) -> str:
        attrs = match.group(2)
        found = _ATTR.search(attrs)
        if found is None:
            return match.group(0)
        new = href(html.unescape(found.group(2)))
        if not new:
            return ""
        new = html.escape(new, quote=True)
        return f'<{match.group(1)}{attrs[: found.start()]}{found.group(1)}="{new}"{attrs[found.end() :]}>'

    pieces = _SCRIPT.split(page)
    for i in range(0, len(pieces), 2):
        text = _TAG.sub(tag, _ANCHOR.sub(anchor, pieces[i]))
        # separators left dangling by a link that went: "a · · b", "<p> · a", "a · </p>"
        text = re.sub(r"·(\s*·)+", "·", text)
        text = re.sub(r"(<p[^>]*>)\s*·\s*", r"\1", text)
        pieces[i] = re.sub(r"\s*·\s*(</p>)", r"\1", text)
    return "".join(pieces)


# -- negotiation rules --------------------------------------------------------------------------------


def _lang_rules(langs: list[str]) -> list[tuple[str, str]]:
    """(kind, language) in priority order: ``?lang=``, the first of Accept-Language, any of it."""
    return [(kind, lang) for kind in ("arg", "first", "any") for lang in langs]


def nginx_rules(project: Project, langs: list[str]) -> tuple[str, str]:
    """nginx's rules: ``nginx-http.conf`` (maps, for ``http {}``) and ``nginx-server.conf``."""
    var = _var(project)
    bp = base_path(project)
    head = (
        f"# kgpub: content negotiation for the static site of {project.config.base}\n"
        "# (made by `kgpub build --site`; edit kgpub, not this file).\n"
    )
    http = [
        head.rstrip("\n"),
        "# Include once inside http {}; include nginx-server.conf in the server {} that serves the site.",
        "",
        "# The representation: the first media type listed in Accept if it is one we have, else HTML",
        "# when the client lists text/html (a browser), else the first RDF type it lists, else HTML.",
        f"map $http_accept ${var}_suffix {{",
        f"    default .${var}_lang.html;",
    ]
    for regex, suffix in ACCEPT_RULES:
        value = f".${var}_lang.html" if suffix == "html" else f".{suffix}"
        http.append(f'    "~*{regex}" {value};')
    http += [
        "}",
        "",
        "# The page language: ?lang=, else the first of our languages in Accept-Language, else the default.",
        f'map "$arg_lang:$http_accept_language" ${var}_lang {{',
        f"    default {langs[0]};",
    ]
    for kind, lang in _lang_rules(langs):
        regex = {
            "arg": f"~^{lang}:",
            "first": rf"~*^[^:]*:\s*{lang}\b",
            "any": rf"~*^[^:]*:(.*[\s,])?{lang}\b",
        }[kind]
        http.append(f'    "{regex}" {lang};')
    http.append("}")

    types = "\n".join(f"    {media} {suffix};" for suffix, media in MEDIA_TYPES.items())
    private = "\n".join(f"location = {bp}{name} {{ return 404; }}" for name in CONFIG_FILES)
    utf8 = " ".join(sorted({MEDIA_TYPES[s] for s in UTF8_SUFFIXES} - {"text/html"}))
    server = f"""{head}# Include inside the server {{}} of the site (and nginx-http.conf inside http {{}}).
# The site is served at {bp}, the path of the base IRI: root is this folder when that is /,
# else the folder that holds this one at {bp}.

types {{
{types}
}}
charset utf-8;
charset_types {utf8};
error_page 404 {bp}404.html;

{private}

# VoID's well-known address (https://www.w3.org/TR/void/#well-known).
location = {bp}.well-known/void {{
    default_type text/turtle;
    add_header Access-Control-Allow-Origin "*" always;
}}

# A file that exists is served as it is (/id/project/x.ttl, x.en.html, /dumps/...); an entity's IRI
# gets the representation and language the maps chose, a page its language, a folder its index,
# what has no page (the catalogue) RDF/XML.
location {bp} {{
    add_header Vary "Accept, Accept-Language" always;
    add_header Access-Control-Allow-Origin "*" always;
    add_header X-Content-Type-Options "nosniff" always;
    try_files $uri $uri${var}_suffix $uri.${var}_lang.html ${{uri}}index.${var}_lang.html $uri.rdf =404;
}}
"""
    return "\n".join(http) + "\n", server


def apache_rules(project: Project, langs: list[str]) -> str:
    """``.htaccess``: the same rules for Apache's mod_rewrite (``AllowOverride FileInfo``; no MultiViews)."""
    bp = base_path(project)
    lines = [
        f"# kgpub: content negotiation for the static site of {project.config.base}",
        "# (made by `kgpub build --site`; edit kgpub, not this file). Needs mod_rewrite and",
        "# AllowOverride FileInfo; mod_headers is used when present. MultiViews is not used: leave it off.",
        "",
    ]
    lines += [f"AddType {media} .{suffix}" for suffix, media in MEDIA_TYPES.items()]
    lines += [
        "AddCharset utf-8 " + " ".join(f".{s}" for s in UTF8_SUFFIXES),
        f"ErrorDocument 404 {bp}404.html",
        "",
        "# VoID's well-known address (https://www.w3.org/TR/void/#well-known).",
        '<Files "void">',
        "    ForceType text/turtle",
        "</Files>",
        "",
        "<IfModule mod_headers.c>",
        '    <FilesMatch "\\.(html|ttl|jsonld|nt|rdf)$">',
        '        Header merge Vary "Accept, Accept-Language"',
        '        Header set Access-Control-Allow-Origin "*"',
        "    </FilesMatch>",
        '    Header set X-Content-Type-Options "nosniff"',
        "</IfModule>",
        "",
        "RewriteEngine On",
        f"RewriteBase {bp}",
        "",
        "# The web server's configuration is not part of the site.",
        r"RewriteRule ^nginx-(http|server)\.conf$ - [R=404,L]",
        "",
        "# A file that exists is served as it is (/id/project/x.ttl, x.en.html, /dumps/...).",
        "RewriteCond %{REQUEST_FILENAME} -f",
        "RewriteRule ^ - [END]",
        "",
        "# The page language: ?lang=, else the first of our languages in Accept-Language, else the default",
        "# (each rule below overrides the ones above it, so the first kind listed here wins).",
        f"RewriteRule ^ - [E=KGPUB_LANG:{langs[0]}]",
    ]
    for kind, lang in reversed(_lang_rules(langs)):
        cond = {
            "arg": rf"RewriteCond %{{QUERY_STRING}} (^|&)lang={lang}(&|$)",
            "first": rf"RewriteCond %{{HTTP:Accept-Language}} ^\s*{lang}\b [NC]",
            "any": rf"RewriteCond %{{HTTP:Accept-Language}} (^|[\s,]){lang}\b [NC]",
        }[kind]
        lines += [cond, f"RewriteRule ^ - [E=KGPUB_LANG:{lang}]"]
    lines += [
        "",
        "# The representation: the first media type listed in Accept if it is one we have, else HTML when",
        "# the client lists text/html (a browser), else the first RDF type it lists, else HTML.",
        "RewriteRule ^ - [E=KGPUB_FORMAT:html]",
    ]
    for regex, suffix in reversed(ACCEPT_RULES):
        lines += [f"RewriteCond %{{HTTP:Accept}} {regex} [NC]", f"RewriteRule ^ - [E=KGPUB_FORMAT:{suffix}]"]
    lines += [
        "",
        "# RDF, when that was asked for and the resource has it.",
        "RewriteCond %{ENV:KGPUB_FORMAT} !=html",
        "RewriteCond %{REQUEST_FILENAME}.%{ENV:KGPUB_FORMAT} -f",
        "RewriteRule ^(.*)$ $1.%{ENV:KGPUB_FORMAT} [END]",
        "",
        "# Else the page in the language chosen, a folder's index page, or RDF/XML when there is no page",
        "# (the catalogue: what dataportal.se harvests).",
        "RewriteCond %{REQUEST_FILENAME}.%{ENV:KGPUB_LANG}.html -f",
        "RewriteRule ^(.*)$ $1.%{ENV:KGPUB_LANG}.html [END]",
        "RewriteCond %{REQUEST_FILENAME}/index.%{ENV:KGPUB_LANG}.html -f",
        "RewriteRule ^(.*/)?$ $1index.%{ENV:KGPUB_LANG}.html [END]",
        "RewriteCond %{REQUEST_FILENAME}.rdf -f",
        "RewriteRule ^(.*)$ $1.rdf [END]",
    ]
    return "\n".join(lines) + "\n"


# -- staging: written beside its place, then swapped in ------------------------------------------------


@dataclass
class StagedSite:
    """A site written into a temporary folder; :meth:`commit` puts it in place."""

    folder: Path
    target: Path | None  # None when the site is inside the publication and moves with it
    files: list[str]

    def commit(self) -> None:
        if self.target is not None:
            from kgpub.publish import _swap, _sync

            _sync(self.folder)
            _swap(self.folder, self.target)

    def discard(self) -> None:
        if self.target is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def stage_site(
    project: Project,
    dist_tmp: Path,
    out: Path,
    site: Path,
    data: Canonical,
    ontology: Canonical,
    context: dict[str, Any],
) -> StagedSite:
    """Write the site for the publication being made in ``dist_tmp`` (to replace ``out``).

    A site inside ``out`` (the default ``dist/site``) is written inside ``dist_tmp`` and moves with it;
    one elsewhere is written into a temporary folder beside it, swapped in by :meth:`StagedSite.commit`.
    """
    from kgpub.publish import _fresh_temp

    out_abs, site_abs = out.resolve(), site.resolve()
    if (
        site_abs == out_abs
        or out_abs.is_relative_to(site_abs)
        or project.root.resolve().is_relative_to(site_abs)
    ):
        raise PublishError(
            "the static site must have a folder of its own, not the publication's or the project's.",
            path=site,
            hint="Use the default (dist/site) or a new folder, e.g. --site public/.",
        )
    inside = site_abs.is_relative_to(out_abs)
    if inside:
        folder = dist_tmp / site_abs.relative_to(out_abs)
        if folder.exists():
            raise PublishError("the static site's folder clashes with a file of the publication.", path=site)
        folder.mkdir(parents=True)
    else:
        if site.exists() and not site.is_dir():
            raise PublishError("the static site's path exists and is not a folder.", path=site)
        folder = _fresh_temp(site)
    try:
        writer = SiteWriter(
            project,
            folder,
            dist_tmp,
            data,
            ontology,
            context,
            skip=folder if inside else None,
            endpoint=endpoint_of(project),
        )
        files = writer.write()
    except BaseException:
        if not inside:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return StagedSite(folder, None if inside else site, files)
