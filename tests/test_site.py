"""The static site (`kgpub build --site`): layout, links, determinism, atomicity, and real nginx
serving it with the generated rules (HTML to a browser, Turtle and JSON-LD to RDF clients)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kgpub import Project
from kgpub.cli import cli
from kgpub.errors import PublishError
from kgpub.publish import build
from kgpub.site import ACCEPT_RULES, relink
from kgpub.testing import MUNICIPALITY, PREFIXES, make_project
from tests.conftest import free_port, wait_for_port

ID = "https://data.example.se/id/"
PROJECT = ID + "project/odla"
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
ENTITIES = """
exp:odla a kgpub:Project ;
    rdfs:label "Odla i staden"@sv , "Growing in town"@en ;
    schema:description "Ett projekt om odling."@sv , "A project about growing food."@en ;
    schema:startDate "2021"^^xsd:gYear ;
    schema:endDate "2023"^^xsd:gYear ;
    schema:funder exo:exempel-kommun ;
    kgpub:participant exo:exempel-kommun ;
    kgpub:areaCovered expl:exempelby ;
    dcterms:source <https://example.se/projekt.html> .

expl:exempelby a kgpub:Place ;
    rdfs:label "Exempelby"@sv , "Exempelby"@en ;
    owl:sameAs <http://www.wikidata.org/entity/Q1> ;
    dcterms:source <https://example.se/projekt.html> .
"""


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def project_at(folder: Path, config: str | None = None) -> Project:
    data = {"organisations.ttl": MUNICIPALITY + ENTITIES}
    if config is None:
        return Project(make_project(folder, data))
    return Project(make_project(folder, data, config=config))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The fixture project, built once with its static site in dist/site."""
    project = project_at(tmp_path_factory.mktemp("site") / "p")
    build(project, site=project.output_dir / "site")
    return project


@pytest.fixture(scope="module")
def site(built: Project) -> Path:
    return built.output_dir / "site"


def test_layout_mirrors_the_iris(site: Path) -> None:
    """Every entity has its pages per language and its RDF at the path of its IRI; dumps, rules, sitemap."""
    for stem in ("id/project/odla", "id/place/exempelby", "id/organisation/exempel-kommun"):
        for suffix in ("sv.html", "en.html", "html", "ttl", "jsonld", "nt", "rdf"):
            assert (site / f"{stem}.{suffix}").is_file(), f"{stem}.{suffix}"
    for name in (
        "index.html",
        "index.sv.html",
        "index.en.html",
        "projects.sv.html",
        "places.en.html",
        "def.sv.html",
        "def.ttl",
        "404.html",
        "dumps/exempel.ttl",
        "dumps/context.jsonld",
        "dumps/changes.md",
        "static/kgpub.css",
        "sitemap.xml",
        "robots.txt",
        ".htaccess",
        "nginx-http.conf",
        "nginx-server.conf",
    ):
        assert (site / name).is_file(), name
    assert "Odla i staden" in (site / "id/project/odla.sv.html").read_text()
    assert "Growing in town" in (site / "id/project/odla.en.html").read_text()
    assert (site / "id/project/odla.html").read_bytes() == (site / "id/project/odla.sv.html").read_bytes()
    assert "Sitemap: https://data.example.se/sitemap.xml" in (site / "robots.txt").read_text()
    sitemap = (site / "sitemap.xml").read_text()
    assert f"<loc>{PROJECT}</loc>" in sitemap
    assert 'hreflang="en" href="https://data.example.se/id/project/odla.en.html"' in sitemap


def test_entity_rdf_is_the_entity_description(site: Path) -> None:
    """An entity's Turtle holds its statements, those pointing at it and labels; the JSON-LD says the same."""
    ttl = Graph().parse(site / "id/project/odla.ttl", format="turtle")
    odla = URIRef(PROJECT)
    assert (odla, LABEL, Literal("Odla i staden", lang="sv")) in ttl
    assert (odla, URIRef("http://schema.org/funder"), URIRef(ID + "organisation/exempel-kommun")) in ttl
    assert (URIRef(ID + "place/exempelby"), LABEL, Literal("Exempelby", lang="sv")) in ttl
    place = Graph().parse(site / "id/place/exempelby.ttl", format="turtle")
    assert (odla, URIRef("https://w3id.org/kgpub/def#areaCovered"), URIRef(ID + "place/exempelby")) in place
    jsonld = Graph().parse(site / "id/project/odla.jsonld", format="json-ld")
    assert isomorphic(jsonld, ttl)
    assert isomorphic(Graph().parse(site / "id/project/odla.nt", format="nt"), ttl)
    assert isomorphic(Graph().parse(site / "id/project/odla.rdf", format="xml"), ttl)


def test_every_link_resolves_and_no_javascript(site: Path) -> None:
    """Every local link of every page points at a file of the site (and anchor); no page runs JavaScript."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script src" not in text and "kgpub.js" not in text, page
        for script in re.findall(r"<script\b([^>]*)>", text):
            assert 'type="application/ld+json"' in script, (page, script)
        assert "/sparql" not in text and "/api/" not in text, page
        for href in re.findall(r'(?:href|src)="([^"]*)"', text):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("#"):
                continue
            path, _, fragment = href.partition("#")
            if page.name.startswith("404"):
                assert path.startswith("/"), (page, href)
                target = site / path.lstrip("/")
            else:
                assert not path.startswith("/"), (page, href)
                target = (page.parent / path).resolve()
            assert target.is_file(), (page, href)
            if fragment:
                assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), (page, href)


def test_static_pages_are_the_servers_pages(built: Project, site: Path) -> None:
    """The server and the site answer an entity with the same RDF and the same page (links aside)."""
    import anyio

    from kgpub.serve.app import create_app, open_site
    from kgpub.serve.settings import serve_settings

    def main(text: str) -> str:
        body = text[text.index("<main") : text.index("</main>")]
        return re.sub(r'href="[^"]*"', "href", body)

    async def ask() -> None:
        transport = httpx.ASGITransport(app=create_app(server))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            for accept, suffix in (("text/turtle", "ttl"), ("application/ld+json", "jsonld")):
                answer = await client.get("/id/project/odla", headers={"accept": accept})
                assert answer.content == (site / f"id/project/odla.{suffix}").read_bytes()
            for lang in ("sv", "en"):
                page = await client.get(f"/id/project/odla?lang={lang}", headers={"accept": "text/html"})
                static = (site / f"id/project/odla.{lang}.html").read_text(encoding="utf-8")
                assert main(page.text) == main(static)

    server = open_site(built, serve_settings(None, workers=1), built.output_dir)
    try:
        anyio.run(ask)
    finally:
        server.pool.close()


def test_relink_maps_server_links() -> None:
    """Links of the server's pages become relative file links; links to what needs a server go."""
    mapping = {"/id/x": "id/x.sv.html", "/sparql": "", "/id/gone": None}
    page = (
        '<nav><a href="/id/x" class="a">X</a> · <a href="/sparql">Q</a></nav><p><a href="/id/gone">G</a></p>'
        '<link rel="alternate" href="/sparql"><script type="application/ld+json">{"a": "<a href=\\"/id/x\\">"}'
        "</script>"
    )
    out = relink(page, mapping.get)
    assert '<a href="id/x.sv.html" class="a">X</a>' in out
    assert "Q</a>" not in out and "<link" not in out
    assert "<p>G</p>" in out
    assert '{"a": "<a href=\\"/id/x\\">"}' in out  # scripts untouched


def test_same_input_same_site(tmp_path: Path, site: Path) -> None:
    """Two builds of the same project in other folders give byte-identical sites."""
    project = project_at(tmp_path / "p")
    build(project, site=tmp_path / "public")
    assert digest(tmp_path / "public") == digest(site)


def test_failed_build_keeps_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site outside dist/ is swapped in whole: a build that fails leaves the old one and no temp folder."""
    project = project_at(tmp_path / "p")
    public = tmp_path / "public"
    build(project, site=public)
    before = digest(public)
    (project.root / "data" / "more.ttl").write_text(
        PREFIXES
        + '\nexp:ny a kgpub:Project ; rdfs:label "Nytt"@sv , "New"@en ;'
        + " dcterms:source <https://example.se/projekt.html> .\n"
    )
    import kgpub.site

    real = kgpub.site.SiteWriter.entity_rdf
    calls = {"n": 0}

    def full_disk(self: kgpub.site.SiteWriter, *args: object) -> bytes:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(kgpub.site.SiteWriter, "entity_rdf", full_disk)
    with pytest.raises(PublishError, match="No space left"):
        build(Project(project.root), site=public)
    assert digest(public) == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []
    monkeypatch.undo()
    build(Project(project.root), site=public)
    assert (public / "id/project/ny.sv.html").is_file()


def test_cli_site_default_and_refusals(tmp_path: Path) -> None:
    """`build --site` writes dist/site; a site folder that would swallow the project is refused."""
    project = project_at(tmp_path / "p")
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(project.root), "build", "--site"])
    assert result.exit_code == 0, result.output
    assert (project.root / "dist/site/id/project/odla.sv.html").is_file()
    assert "Static site: " in result.stdout
    refused = runner.invoke(cli, ["--project", str(project.root), "build", "--site", str(project.root)])
    assert refused.exit_code == 4
    assert "folder of its own" in refused.stderr


# -- the generated rules ---------------------------------------------------------------------------

REWRITE_FLAGS = re.compile(
    r"^(END|L|NC|OR|QSA|QSD|R(=\d{3})?|E=[A-Z_]+:[^,\]]*|F|G|N|PT|S=\d+|T=[\w/+.-]+|B|NE|C)$", re.I
)
DIRECTIVES = {"AddType", "AddCharset", "ErrorDocument", "ForceType", "Header", "RewriteEngine", "RewriteBase"}


def test_htaccess_is_well_formed(site: Path) -> None:
    """Every line of .htaccess is a known directive; each RewriteCond and RewriteRule is well-formed."""
    blocks: list[str] = []
    env_set: set[str] = set()
    rules = 0
    for number, raw in enumerate((site / ".htaccess").read_text().splitlines(), 1):
        line = raw.strip()
        where = f".htaccess line {number}: {raw!r}"
        if not line or line.startswith("#"):
            continue
        if m := re.fullmatch(r"<(IfModule|Files|FilesMatch)\s+(\S+)>", line):
            if m.group(1) == "FilesMatch":
                re.compile(m.group(2).strip('"'))
            blocks.append(m.group(1))
            continue
        if m := re.fullmatch(r"</(\w+)>", line):
            assert blocks and blocks.pop() == m.group(1), where
            continue
        words = line.split()
        if words[0] in ("RewriteCond", "RewriteRule"):
            flags = words[3] if len(words) == 4 else None
            assert len(words) in (3, 4), where
            if flags is not None:
                assert flags.startswith("[") and flags.endswith("]"), where
                for flag in flags[1:-1].split(","):
                    assert REWRITE_FLAGS.match(flag), where
                    if flag.startswith("E="):
                        env_set.add(flag[2:].split(":")[0])
            used = re.findall(r"%\{([^}]*)\}", words[1] + " " + words[2])
            for var in used:
                assert re.fullmatch(r"REQUEST_FILENAME|REQUEST_URI|QUERY_STRING|HTTP:[\w-]+|ENV:\w+", var), (
                    where
                )
                if var.startswith("ENV:"):
                    assert var[4:] in env_set, f"{where}: {var} used before it is set"
            if words[0] == "RewriteCond":
                pattern = words[2]
                if not re.fullmatch(r"!?(-[fdsl]|[=<>]\S*)", pattern):
                    re.compile(pattern.lstrip("!"))
            else:
                re.compile(words[1])
                rules += 1
            continue
        assert words[0] in DIRECTIVES, where
    assert blocks == []
    assert rules > 10
    text = (site / ".htaccess").read_text()
    assert "MultiViews" not in text.replace("MultiViews is not used", "")


def test_nginx_maps_follow_the_rules_in_order(site: Path) -> None:
    """The nginx map lists the Accept rules in their order (first match wins), as .htaccess does in reverse."""
    http = (site / "nginx-http.conf").read_text()
    positions = [http.index(f'"~*{regex}"') for regex, _ in ACCEPT_RULES]
    assert positions == sorted(positions)
    apache = (site / ".htaccess").read_text()
    positions = [apache.index(f"%{{HTTP:Accept}} {regex} [NC]") for regex, _ in ACCEPT_RULES]
    assert positions == sorted(positions, reverse=True)


# -- real nginx ------------------------------------------------------------------------------------


@dataclass
class Nginx:
    url: str
    log: Path


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )
    if found is None:
        pytest.fail(
            "nginx is not installed, and this test serves the static site with a real nginx: "
            "install Debian's nginx (`apt-get install -y nginx`; .ci/run does it) and run again."
        )
    return found


@contextmanager
def start_nginx(root: Path, site: Path, work: Path) -> Iterator[Nginx]:
    """nginx in the foreground on 127.0.0.1 with the site's own snippets, root at ``root``."""
    binary = nginx_binary()
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    log = work / "error.log"
    user = "user root;\n" if os.geteuid() == 0 else ""  # pytest's folders are private to their owner
    temps = "\n".join(
        f"    {k}_temp_path {work / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (work / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
daemon off;
error_log {log} warn;
pid {work / "nginx.pid"};
events {{ worker_connections 64; }}
http {{
    access_log off;
{temps}
    include {site / "nginx-http.conf"};
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        include {site / "nginx-server.conf"};
    }}
}}
"""
    )
    check = subprocess.run(
        [binary, "-t", "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(log)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(
        [binary, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, timeout=10)
        yield Nginx(f"http://127.0.0.1:{port}", log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def nginx(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    with start_nginx(site, site, tmp_path_factory.mktemp("nginx")) as server:
        yield server


def get(server: Nginx, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server.url + path, headers={k.replace("_", "-"): v for k, v in headers.items()})


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_nginx_entity_iri_answers_html_to_a_browser(nginx: Nginx) -> None:
    """A browser asking for an entity's IRI gets its page, in the language it prefers, with Vary."""
    r = get(nginx, "/id/project/odla", accept=BROWSER)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "Accept" in r.headers["vary"]
    assert '<html lang="sv">' in r.text and "Odla i staden" in r.text
    english = get(nginx, "/id/project/odla", accept=BROWSER, accept_language="en-GB,en;q=0.9,sv;q=0.5")
    assert '<html lang="en">' in english.text and "Growing in town" in english.text
    forced = get(nginx, "/id/project/odla?lang=en", accept=BROWSER, accept_language="sv")
    assert "Growing in town" in forced.text
    assert '<html lang="en">' in get(nginx, "/", accept_language="en").text


@pytest.mark.parametrize(
    ("accept", "media", "parse"),
    [
        ("text/turtle", "text/turtle; charset=utf-8", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples; charset=utf-8", "nt"),
        ("application/rdf+xml, text/turtle;q=0.5", "application/rdf+xml", "xml"),
        ("application/json, application/ld+json;q=0.9", "application/ld+json", "json-ld"),
    ],
)
def test_nginx_entity_iri_answers_rdf(nginx: Nginx, accept: str, media: str, parse: str) -> None:
    """An RDF client asking for an entity's IRI gets the RDF it asks for: the entity's statements."""
    r = get(nginx, "/id/project/odla", accept=accept)
    assert r.status_code == 200
    assert r.headers["content-type"] == media
    g = Graph().parse(data=r.content, format=parse)
    assert (URIRef(PROJECT), LABEL, Literal("Growing in town", lang="en")) in g
    if parse == "json-ld":
        assert json.loads(r.content)["@context"]["kgpub"] == "https://w3id.org/kgpub/def#"


def test_nginx_unknown_entity_and_private_files_are_404(nginx: Nginx) -> None:
    """An unknown entity is 404 (with the site's error page); the server rules are not served."""
    for accept in (BROWSER, "text/turtle"):
        r = get(nginx, "/id/project/finns-inte", accept=accept)
        assert r.status_code == 404
        assert "Sidan finns inte." in r.text
    for private in ("/nginx-http.conf", "/nginx-server.conf", "/.htaccess"):
        assert get(nginx, private).status_code == 404


def test_nginx_files_dumps_and_ontology(nginx: Nginx) -> None:
    """Explicit suffixes, dumps, the ontology by negotiation, sitemap and robots.txt are served as such."""
    assert (
        get(nginx, "/id/project/odla.ttl", accept=BROWSER).headers["content-type"].startswith("text/turtle")
    )
    assert "Growing in town" in get(nginx, "/id/project/odla.en.html", accept="text/turtle").text
    dump = get(nginx, "/dumps/exempel.nt")
    assert dump.status_code == 200 and dump.headers["content-type"].startswith("application/n-triples")
    ontology = get(nginx, "/def", accept="text/turtle")
    assert ontology.headers["content-type"].startswith("text/turtle") and "kgpub:Project" in ontology.text
    assert 'id="Project"' in get(nginx, "/def", accept=BROWSER).text
    assert get(nginx, "/sitemap.xml").headers["content-type"].startswith("application/xml")
    assert get(nginx, "/robots.txt").text.startswith("User-agent: *")


def test_nginx_below_a_path(tmp_path: Path) -> None:
    """A base IRI with a path (https://example.se/data/): the site is served there, links and 404 included."""
    config = 'name = "exempel"\nbase = "https://data.example.se/data/"\nrelease = 2026-01-01\n'
    data = {
        "organisations.ttl": (MUNICIPALITY + ENTITIES).replace(
            "data.example.se/id/", "data.example.se/data/id/"
        )
    }
    project = Project(make_project(tmp_path / "p", data, config=config))
    www = tmp_path / "www"
    build(project, site=www / "data")
    assert "location /data/ {" in (www / "data/nginx-server.conf").read_text()
    started = time.monotonic()
    with start_nginx(www, www / "data", tmp_path / "nginx") as server:
        r = get(server, "/data/id/project/odla", accept=BROWSER)
        assert r.status_code == 200 and "Odla i staden" in r.text
        assert 'href="../../../index.sv.html"' not in r.text and 'href="../../index.sv.html"' in r.text
        assert (
            get(server, "/data/id/project/odla", accept="text/turtle")
            .headers["content-type"]
            .startswith("text/turtle")
        )
        missing = get(server, "/data/id/project/nej", accept=BROWSER)
        assert missing.status_code == 404 and 'href="/data/index.sv.html"' in missing.text
        assert get(server, "/data/", accept_language="en").text.count('<html lang="en">') == 1
    assert time.monotonic() - started < 15
