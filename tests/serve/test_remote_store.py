"""kgpub serve --store: the same front end over a real triple store (Oxigraph from PyPI, Virtuoso Open
Source from Debian), with kgpub's limits at the door, one CONSTRUCT per entity page, and readers
that never see a half-replaced graph while kgpub push runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic
from tests.conftest import REPO, LiveServer, free_port, start_server
from tests.test_push import (
    VERSION_QUERY,
    StoreProxy,
    changed_dist,
    expected_counts,
    graph_counts,
    start_oxigraph,
    stop,
    versions,
)

from kgpub import Project
from kgpub.cli import cli
from kgpub.errors import RemoteError
from kgpub.publish import BuildResult
from kgpub.push import find_credentials, push, store_endpoints

ENTITY = "/id/project/co-kiruna"
DATA_GRAPH = "https://data.kiruna.se/graph/kiruna"
ONTOLOGY_GRAPH = "https://data.kiruna.se/graph/ontology"


@pytest.fixture(scope="module")
def oxigraph_site(
    tmp_path_factory: pytest.TempPathFactory, kiruna_build: BuildResult
) -> Iterator[tuple[LiveServer, StoreProxy, str]]:
    """kgpub serving from an Oxigraph server (the Kiruna build pushed into it), through a logging proxy."""
    url, proc = start_oxigraph(tmp_path_factory.mktemp("oxigraph-served"))
    push(Project(REPO), store_endpoints(url, "oxigraph"), dist=kiruna_build.out)
    proxy = StoreProxy(url)
    server, stop_server = start_server(
        Project(REPO), kiruna_build.out, store=proxy.url, store_kind="oxigraph", timeout=3.0, max_rows=50
    )
    yield server, proxy, url
    stop_server()
    proxy.close()
    stop(proc)


def get(url: str, accept: str = "text/html", **params: Any) -> httpx.Response:
    return httpx.get(url, headers={"Accept": accept}, params=params, timeout=30)


def sparql(
    server: LiveServer, query: str, accept: str = "application/sparql-results+json", **more: Any
) -> httpx.Response:
    return httpx.post(
        server.url + "/sparql", data={"query": query, **more}, headers={"Accept": accept}, timeout=30
    )


def same_page(a: str, b: str) -> bool:
    """Equal, but for the order of GROUP_CONCAT's parts ("x; y", links in a line): SPARQL gives none."""

    def parts(match: re.Match[str]) -> str:
        return "; ".join(sorted(match.group(0).split("; ")))

    def key(text: str) -> list[tuple[str, list[str]]]:
        link = r"<a [^>]*>[^<]*</a>"
        text = re.sub(r'[^<>"]+(; [^<>"]+)+', parts, text)
        return [(re.sub(link, "", line), sorted(re.findall(link, line))) for line in text.splitlines()]

    return key(a) == key(b)


def test_entity_page_is_one_construct(oxigraph_site: tuple[LiveServer, StoreProxy, str]) -> None:
    """An entity page, in HTML or Turtle, and a 404 cost one request to the store: one CONSTRUCT."""
    server, proxy, _ = oxigraph_site
    for accept in ("text/html", "text/turtle", "application/ld+json"):
        proxy.clear()
        assert get(server.url + ENTITY, accept).status_code == 200
        seen = proxy.clear()
        assert len(seen) == 1, [s.sparql[:80] for s in seen]
        assert seen[0].sparql.lstrip().startswith("CONSTRUCT")
    proxy.clear()
    assert get(server.url + "/id/project/no-such-thing").status_code == 404
    assert len(proxy.clear()) == 1


def test_pages_are_those_of_the_embedded_store(
    oxigraph_site: tuple[LiveServer, StoreProxy, str], live_server: LiveServer
) -> None:
    """Home, lists, entity pages, the ontology and the canned queries read the same from the store."""
    server, _, _ = oxigraph_site
    for path, accept, params in [
        ("/", "text/html", {}),
        ("/projects", "text/html", {"lang": "en"}),
        ("/organisations", "text/html", {}),
        (ENTITY, "text/html", {"lang": "en"}),
        ("/def", "text/html", {}),
        ("/queries/projects", "text/html", {"run": "1", "p.lang": "en"}),
        ("/api/queries/projects", "application/json", {"lang": "en"}),
        ("/catalog", "text/turtle", {}),
    ]:
        remote, local = (
            get(server.url + path, accept, **params),
            get(live_server.url + path, accept, **params),
        )
        assert remote.status_code == local.status_code == 200, path
        assert same_page(remote.text, local.text), path
    for path in (ENTITY, "/def"):
        remote_graph = Graph().parse(data=get(server.url + path, "text/turtle").text, format="turtle")
        local_graph = Graph().parse(data=get(live_server.url + path, "text/turtle").text, format="turtle")
        assert len(remote_graph) > 10 and isomorphic(remote_graph, local_graph), path


def test_the_door_refuses_before_the_store_is_asked(
    oxigraph_site: tuple[LiveServer, StoreProxy, str],
) -> None:
    """Updates, SERVICE calls off the allow-list and over-long queries never reach the store."""
    server, proxy, _ = oxigraph_site
    proxy.clear()
    assert sparql(server, f"DROP GRAPH <{DATA_GRAPH}>").status_code == 403
    assert httpx.post(server.url + "/sparql", data={"update": "CLEAR ALL"}).status_code == 403
    evil = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert sparql(server, evil).status_code == 403
    assert sparql(server, "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000).status_code == 413
    assert proxy.clear() == []


def test_results_are_cut_and_written_again(oxigraph_site: tuple[LiveServer, StoreProxy, str]) -> None:
    """max_rows holds for SELECT and CONSTRUCT; each format the client asks for is sent."""
    server, _, _ = oxigraph_site
    r = sparql(server, "SELECT * WHERE { ?s ?p ?o }")
    assert r.status_code == 200 and r.headers["x-kgpub-truncated"] == "50"
    assert len(r.json()["results"]["bindings"]) == 50
    csv = sparql(server, "SELECT ?s WHERE { ?s a <http://schema.org/Project> } ORDER BY ?s", "text/csv")
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.splitlines()[0] == "s"
    xml = sparql(server, "ASK { ?s a <http://schema.org/Project> }", "application/sparql-results+xml")
    assert "<boolean>true</boolean>" in xml.text
    ttl = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert (
        ttl.headers["x-kgpub-truncated"] == "50" and len(Graph().parse(data=ttl.text, format="turtle")) == 50
    )
    bad = sparql(server, "SELECT * WHERE { ?s ?p }")
    assert bad.status_code == 400


def test_the_dataset_is_the_projects_graphs(
    oxigraph_site: tuple[LiveServer, StoreProxy, str], kiruna_build: BuildResult
) -> None:
    """The default graph is data plus ontology; default-graph-uri, named-graph-uri and FROM narrow it."""
    server, _, _ = oxigraph_site
    counts = expected_counts(kiruna_build.out)

    def count(query: str, **params: Any) -> int:
        r = sparql(server, query, **params)
        assert r.status_code == 200, r.text
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(everything) == counts[DATA_GRAPH] + counts[ONTOLOGY_GRAPH]
    assert count(everything, **{"default-graph-uri": ONTOLOGY_GRAPH}) == counts[ONTOLOGY_GRAPH]
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{DATA_GRAPH}> WHERE {{ ?s ?p ?o }}") == counts[DATA_GRAPH]
    in_graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(in_graphs) == 2  # the catalogue graph is in the store, not in the served dataset


def test_the_time_limit_is_the_http_timeout(oxigraph_site: tuple[LiveServer, StoreProxy, str]) -> None:
    """A store slower than the limit gets the query abandoned: 503 after about the limit."""
    server, proxy, _ = oxigraph_site
    proxy.delay = 6.0
    try:
        started = time.monotonic()
        r = sparql(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        elapsed = time.monotonic() - started
    finally:
        proxy.delay = 0.0
    assert r.status_code == 503 and "stopped after 3 s" in r.text
    assert 2.5 < elapsed < 5.5


def test_pages_wait_for_the_store_off_the_event_loop(
    oxigraph_site: tuple[LiveServer, StoreProxy, str],
) -> None:
    """While the home page and a list wait for a slow store, the server goes on answering others."""
    server, proxy, _ = oxigraph_site
    done: dict[str, tuple[float, int, str]] = {}

    def fetch(path: str) -> None:
        r = get(server.url + path)
        done[path] = (time.monotonic(), r.status_code, r.text)

    proxy.delay = 1.0  # each query the store gets: the home page asks four, a list one
    try:
        slow = [threading.Thread(target=fetch, args=(path,)) for path in ("/", "/projects")]
        for thread in slow:
            thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        quick = get(server.url + "/api/queries", "application/json")
        answered = time.monotonic()
        for thread in slow:
            thread.join()
    finally:
        proxy.delay = 0.0
    assert quick.status_code == 200 and quick.json()
    assert answered - started < 0.5, answered - started
    assert all(at > answered for at, _, _ in done.values())  # they were still waiting for the store
    assert done["/"][1] == done["/projects"][1] == 200
    assert "Kiruna" in done["/"][2] and "/id/project/co-kiruna" in done["/projects"][2]


RECONCILE_QUERIES: dict[str, dict[str, Any]] = {
    "kommun": {"query": "Kiruna kommun", "limit": 3, "type": "Municipality"},
    "short": {"query": "Pajala", "type": "Municipality"},
    "university": {"query": "Luleå University of Technology", "type": "Organisation"},
    "no-type": {"query": "Vinnova"},
    "place": {"query": "Norrbotten", "type": "Place"},
    "town": {"query": "Kiruna", "type": "Town"},
    "loose": {"query": "Tornedalsradet", "type": "Organisation", "limit": 10},
    "in-county": {"query": "Kiruna", "properties": [{"pid": "containedInPlace", "v": "Norrbottens län"}]},
    "by-wikidata": {"query": "Kiruna", "properties": [{"pid": "wikidata", "v": "Q499474"}]},
    "only-properties": {"properties": [{"pid": "wikidata", "v": "Q83232"}]},
    "nothing": {"query": "Kiruna", "type": "Spaceship"},
}


def test_reconcile_answers_from_the_store(
    oxigraph_site: tuple[LiveServer, StoreProxy, str], kiruna_build: BuildResult, live_server: LiveServer
) -> None:
    """/reconcile under serve --store finds the same candidates as on the embedded store (it used to
    read the empty local store and find none), and builds its index with one query to the store."""
    _, _, url = oxigraph_site
    proxy = StoreProxy(url)  # a kgpub server of its own, so that its index is not built yet
    server, stop_server = start_server(
        Project(REPO), kiruna_build.out, store=proxy.url, store_kind="oxigraph"
    )
    try:
        proxy.clear()
        form = {"queries": json.dumps(RECONCILE_QUERIES)}
        remote = httpx.post(server.url + "/reconcile/en", data=form, timeout=30)
        seen = [s.sparql for s in proxy.clear()]
        assert remote.status_code == 200, remote.text
        assert len(seen) == 1 and seen[0].lstrip().startswith("SELECT"), seen
        local = httpx.post(live_server.url + "/reconcile/en", data=form, timeout=30)
        assert remote.json() == local.json()
        results = remote.json()
        assert [c["id"] for c in results["kommun"]["result"]][:1] == ["organisation/kiruna-kommun"]
        assert results["kommun"]["result"][0]["match"] is True
        assert results["in-county"]["result"][0]["id"] == "organisation/kiruna-kommun"
        assert [c["id"] for c in results["only-properties"]["result"]] == ["place/kiruna"]
        assert sum(len(r["result"]) for r in results.values()) >= 15
        # The rest of the service reads the same index: no more round trips for it.
        for path, params, expected in [
            ("/reconcile/suggest/entity", {"prefix": "kir"}, "place/kiruna"),
            ("/reconcile/en/suggest/type", {"prefix": "muni"}, '"Municipality"'),
            ("/reconcile/en/propose_properties", {"type": "Organisation"}, "foundingDate"),
            ("/reconcile/en/preview", {"id": "organisation/kiruna-kommun"}, "Kiruna Municipality"),
            (
                "/reconcile/en",
                {
                    "extend": json.dumps(
                        {
                            "ids": ["organisation/kiruna-kommun", "organisation/filmpool-nord"],
                            "properties": [{"id": "wikidata"}, {"id": "containedInPlace"}, {"id": "type"}],
                        }
                    )
                },
                "Q499474",
            ),
        ]:
            remote_answer = httpx.get(server.url + path, params=params, timeout=30)
            local_answer = httpx.get(live_server.url + path, params=params, timeout=30)
            assert remote_answer.status_code == local_answer.status_code == 200, path
            assert remote_answer.text.replace(server.url, "") == local_answer.text.replace(
                live_server.url, ""
            )
            assert expected in remote_answer.text, path
        assert proxy.clear() == []
        # The manifest names the publisher: one small query of its own.
        manifest = httpx.get(server.url + "/reconcile", timeout=30).json()
        assert manifest == json.loads(
            httpx.get(live_server.url + "/reconcile", timeout=30).text.replace(live_server.url, server.url)
        )
        assert len(proxy.clear()) == 1
    finally:
        stop_server()
        proxy.close()


def test_an_unreachable_store_is_a_clear_error(kiruna_build: BuildResult) -> None:
    """serve --store refuses to start when the store does not answer, and says which address it tried."""
    from kgpub.serve.app import open_site
    from kgpub.serve.settings import serve_settings

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RemoteError, match="cannot serve from the store") as caught:
        open_site(Project(REPO), serve_settings(None, store=url, store_kind="fuseki"), kiruna_build.out)
    assert f"{url}/query" in str(caught.value)


# -- Virtuoso Open Source (Debian's virtuoso-opensource) ---------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
NumberOfBuffers = 40000
MaxDirtyBuffers = 30000
MaxQueryMem = 500M
DirsAllowed = ., {folder}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def run_virtuoso(folder: Path, extra: str = "") -> Iterator[str]:
    """Virtuoso Open Source on 127.0.0.1 with a throwaway database in ``folder``; its base URL.

    ``extra`` is added to the ``[Parameters]`` section of its ini file. Fails if it cannot run."""
    binary = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
    if not Path(binary).exists():
        pytest.fail(
            "Virtuoso Open Source is not installed (no virtuoso-t): apt-get install virtuoso-opensource "
            "(.ci/run installs it)."
        )
    http_port = free_port()
    (folder / "www").mkdir()
    ini = folder / "virtuoso.ini"
    text = VIRTUOSO_INI.format(folder=folder, sql_port=free_port(), http_port=http_port)
    ini.write_text(text.replace("[HTTPServer]", extra + "[HTTPServer]"), encoding="utf-8")
    with (folder / "stdout").open("wb") as out:
        proc = subprocess.Popen(
            [binary, "-c", str(ini), "+foreground"],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
    url = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 90
    while True:
        if proc.poll() is not None:
            log = (
                (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                if (folder / "virtuoso.log").exists()
                else ""
            )
            pytest.fail(f"Virtuoso stopped while starting (exit {proc.returncode}):\n{log}")
        try:
            if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop(proc)
            pytest.fail(f"Virtuoso did not answer on {url} within 90 s")
        time.sleep(0.3)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Virtuoso Open Source on 127.0.0.1 with a throwaway database; its base URL."""
    yield from run_virtuoso(tmp_path_factory.mktemp("virtuoso"))


@pytest.fixture
def dba_netrc(virtuoso: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The throwaway database's dba credentials, in a netrc file (the way an operator would keep them)."""
    for name in ("KGPUB_STORE_USER", "KGPUB_STORE_PASSWORD", "KGPUB_STORE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login dba password dba\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))


def test_virtuoso_refuses_anonymous_updates_cleanly(
    virtuoso: str,
    kiruna_build: BuildResult,
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without credentials Virtuoso's SPARQL user may not write: exit 3, the reason, nothing changed."""
    for name in ("KGPUB_STORE_USER", "KGPUB_STORE_PASSWORD", "KGPUB_STORE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    before = graph_counts(virtuoso + "/sparql")
    args = [
        "-p",
        str(REPO),
        "push",
        "--store",
        virtuoso,
        "--store-kind",
        "virtuoso",
        "--dist",
        str(kiruna_build.out),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert "forbids" in result.output and "SPARQL_UPDATE" in result.output
    assert graph_counts(virtuoso + "/sparql") == before


@pytest.mark.usefixtures("dba_netrc")
def test_virtuoso_push_serve_and_swap_without_mixtures(
    virtuoso: str, kiruna_build: BuildResult, live_server: LiveServer, runner: CliRunner, tmp_path: Path
) -> None:
    """Push to Virtuoso (digest auth from netrc), serve from it, then push a changed graph while
    readers query through kgpub: each reader sees version A or version B whole, never a mixture."""
    # The first push already carries version A: a fresh Virtuoso that first held only the small
    # Kiruna graph and then grew by 20 000 triples became very slow (20-30 s a request) under the
    # reader loop below, whatever kgpub sent (seen with Virtuoso 7.2.5 from Debian 12).
    old = changed_dist(kiruna_build.out, tmp_path / "a", "A", 20_000)
    new = changed_dist(kiruna_build.out, tmp_path / "b", "B", 30_000)
    args = ["-p", str(REPO), "push", "--store", virtuoso, "--store-kind", "virtuoso", "--dist", str(old)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "swap generations 1 and 2" in result.output
    counts = graph_counts(virtuoso + "/sparql")
    assert {g: counts[g] for g in expected_counts(old)} == expected_counts(old)
    assert not [g for g in counts if "/staging-" in g]

    proxy = StoreProxy(virtuoso)
    server, stop_server = start_server(
        Project(REPO), kiruna_build.out, store=proxy.url, store_kind="virtuoso", timeout=20.0, workers=4
    )
    try:
        # The same pages as the embedded store; an entity page is one CONSTRUCT plus the swap check.
        for path, accept in ((ENTITY, "text/turtle"), ("/def", "text/turtle")):
            remote = Graph().parse(data=get(server.url + path, accept).text, format="turtle")
            local = Graph().parse(data=get(live_server.url + path, accept).text, format="turtle")
            assert isomorphic(remote, local), path
        proxy.clear()
        assert get(server.url + ENTITY).status_code == 200
        seen = [s.sparql for s in proxy.clear()]
        assert len(seen) == 2 and seen[0].lstrip().startswith("CONSTRUCT") and "MAX(?n)" in seen[1], seen

        credentials = find_credentials(virtuoso)
        endpoints = store_endpoints(virtuoso, "virtuoso", credentials=credentials)
        entity_before = get(server.url + ENTITY, "application/n-triples").text

        observed: list[tuple[float, int, int]] = []
        pages: list[tuple[int, str]] = []
        stop_reading = threading.Event()

        def reader() -> None:
            with httpx.Client(timeout=60) as client:
                while not stop_reading.is_set():
                    r = client.post(
                        server.url + "/sparql",
                        data={"query": VERSION_QUERY},
                        headers={"Accept": "application/sparql-results+json"},
                    )
                    assert r.status_code == 200, r.text
                    observed.append((time.monotonic(), *versions(r.json())))
                    time.sleep(0.02)

        def page_reader() -> None:
            with httpx.Client(timeout=60) as client:
                while not stop_reading.is_set():
                    r = client.get(server.url + ENTITY, headers={"Accept": "application/n-triples"})
                    pages.append((r.status_code, r.text))
                    time.sleep(0.02)

        threads = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=page_reader)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        began = time.monotonic()
        outcome = push(Project(REPO), endpoints, dist=new, credentials=credentials, chunk_size=5_000)
        ended = time.monotonic()
        time.sleep(0.5)
        stop_reading.set()
        for t in threads:
            t.join()
    finally:
        stop_server()
        proxy.close()
    assert "swap generations 3 and 4" in outcome.swap
    states = {(a, b) for _, a, b in observed}
    assert states <= {(20_000, 0), (0, 30_000)}, sorted(states)
    assert states == {(20_000, 0), (0, 30_000)}
    assert sum(began <= t <= ended for t, _, _ in observed) >= 3  # readers ran during the push
    assert pages and all(status == 200 and text == entity_before for status, text in pages)
    assert graph_counts(virtuoso + "/sparql")[DATA_GRAPH] == expected_counts(new)[DATA_GRAPH]
    assert not [g for g in graph_counts(virtuoso + "/sparql") if re.search("/staging-", g)]


def test_virtuoso_swaps_a_graph_larger_than_its_transaction_log(
    tmp_path: Path, kiruna_build: BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COPY as one transaction outgrows Virtuoso's TransactionAfterImageLimit (SR325; 50 MB by
    default, about a million triples) and, aborted, leaves the live graph empty. Here the limit is
    small and the chunks smaller still: the first push and two replacements must all complete."""
    for name in ("KGPUB_STORE_USER", "KGPUB_STORE_PASSWORD", "KGPUB_STORE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login dba password dba\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    folder = tmp_path / "db"
    folder.mkdir()
    servers = run_virtuoso(folder, "TransactionAfterImageLimit = 1000000\n")
    url = next(servers)
    try:
        project = Project(REPO)
        endpoints = store_endpoints(url, "virtuoso", credentials=find_credentials(url))
        for version, extra in (("A", 20_000), ("B", 25_000), ("C", 20_000)):
            dist = changed_dist(kiruna_build.out, tmp_path / version, version, extra)
            result = push(project, endpoints, dist=dist, credentials=find_credentials(url), chunk_size=2_000)
            assert "swap generations" in result.swap
            counts = graph_counts(url + "/sparql")
            assert {g: counts[g] for g in expected_counts(dist)} == expected_counts(dist), version
            assert not [g for g in counts if "/staging-" in g]
    finally:
        next(servers, None)
