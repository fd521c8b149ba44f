"""kgpub push: the published graphs go into a real Oxigraph server, replaced atomically, in chunks,
with transient failures retried, permanent ones stopping with nothing changed, and credentials from
the environment or a netrc file. Also the shared test helpers: a read-write Oxigraph server and an
HTTP proxy that logs, delays, fails or demands credentials."""

from __future__ import annotations

import base64
import http.client
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kgpub import Project
from kgpub.cli import cli
from kgpub.errors import ConfigError, InputError, RemoteError
from kgpub.publish import BuildResult
from kgpub.push import (
    Credentials,
    Upload,
    chunks,
    find_credentials,
    graph_names,
    push,
    push_settings,
    read_triples,
    store_endpoints,
)
from tests.conftest import REPO, free_port, wait_for_port

VERSION = "urn:kgpub-test:version"

# -- helpers shared with tests/serve/test_remote_store.py ------------------------------------------


def start_oxigraph(location: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """A read-write Oxigraph server (the `oxigraph` package from PyPI) on 127.0.0.1; returns its base URL."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return f"http://127.0.0.1:{port}", proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty, read-write Oxigraph server for one test."""
    url, proc = start_oxigraph(tmp_path / "oxigraph")
    yield url
    stop(proc)


@dataclass
class Seen:
    """One request the proxy saw."""

    method: str
    path: str
    body: bytes

    @property
    def sparql(self) -> str:
        """The query or update it carried (form field), else the body as text."""
        fields = urllib.parse.parse_qs(self.body.decode("utf-8", "replace"))
        if "query" in fields or "update" in fields:
            return (fields.get("query") or fields.get("update") or [""])[0]
        return self.body.decode("utf-8", "replace")


class StoreProxy:
    """An HTTP proxy on 127.0.0.1 in front of a store: logs every request and, when told, answers
    one with a status, drops it, swallows it (204, not forwarded), delays it or demands Basic auth."""

    def __init__(self, target: str) -> None:
        parts = urllib.parse.urlsplit(target)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.log: list[Seen] = []
        self.rules: list[tuple[str, Any]] = []
        self.delay = 0.0
        self.basic: str | None = None
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, body)
                with proxy.lock:
                    proxy.log.append(seen)
                    action = proxy._take(f"{self.command} {self.path}")
                if proxy.basic and self.headers.get("Authorization") != proxy.basic:
                    self.answer(401, b"credentials needed\n", {"WWW-Authenticate": 'Basic realm="store"'})
                    return
                if action == "drop":
                    self.close_connection = True
                    return
                if action == "swallow":
                    self.answer(204, b"")
                    return
                if isinstance(action, int):
                    self.answer(action, f"injected failure {action}\n".encode())
                    return
                if proxy.delay:
                    time.sleep(proxy.delay)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "connection", "keep-alive", "authorization")
                }
                headers["Connection"] = "close"
                upstream = http.client.HTTPConnection(proxy.host, proxy.port, timeout=120)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                    kept = {
                        k: v
                        for k, v in response.getheaders()
                        if k.lower()
                        not in ("transfer-encoding", "connection", "content-length", "keep-alive")
                    }
                    self.answer(response.status, data, kept)
                finally:
                    upstream.close()

            def answer(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (a timed-out query) is expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _take(self, request: str) -> Any:
        for i, (pattern, action) in enumerate(self.rules):
            if pattern in request:
                del self.rules[i]
                return action
        return None

    def fail_next(self, pattern: str, action: Any) -> None:
        """The next request whose 'METHOD path' contains ``pattern`` gets ``action`` (status, drop, swallow)."""
        with self.lock:
            self.rules.append((pattern, action))

    def require_basic(self, user: str, password: str) -> None:
        self.basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def clear(self) -> list[Seen]:
        with self.lock:
            seen, self.log = self.log, []
        return seen

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy_factory() -> Iterator[Callable[[str], StoreProxy]]:
    proxies: list[StoreProxy] = []

    def make(target: str) -> StoreProxy:
        proxies.append(StoreProxy(target))
        return proxies[-1]

    yield make
    for p in proxies:
        p.close()


def select(query_url: str, sparql: str) -> list[dict[str, str]]:
    """Run a SELECT directly on a store; rows of plain values."""
    r = httpx.post(query_url, data={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def graph_counts(query_url: str) -> dict[str, int]:
    rows = select(query_url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]: int(r["n"]) for r in rows}


def changed_dist(build: Path, folder: Path, version: str, count: int) -> Path:
    """A copy of a build whose data graph has ``count`` extra triples marked with ``version``."""
    shutil.copytree(build, folder)
    dump = folder / "kiruna.nt"
    with dump.open("a", encoding="utf-8") as out:
        for i in range(count):
            out.write(f'<urn:kgpub-test:thing/{i}> <{VERSION}> "{version}" .\n')
    return folder


VERSION_QUERY = (
    f"SELECT ?v (COUNT(*) AS ?n) WHERE {{ GRAPH <https://data.kiruna.se/graph/kiruna> {{ ?s <{VERSION}> ?v }} }} "
    "GROUP BY ?v"
)


def versions(answer: dict[str, Any]) -> tuple[int, int]:
    """How many triples of version A and of version B a reader saw (from VERSION_QUERY's JSON)."""
    counts = {b["v"]["value"]: int(b["n"]["value"]) for b in answer["results"]["bindings"]}
    return counts.get("A", 0), counts.get("B", 0)


def expected_counts(dist: Path) -> dict[str, int]:
    graphs = graph_names(Project(REPO))
    counts = {
        graphs.data: len(read_triples([dist / "kiruna.nt"])),
        graphs.ontology: len(read_triples([dist / "ontology.nt"])),
    }
    catalogue = [p for p in (dist / "catalog.ttl", dist / "void.ttl") if p.exists()]
    if catalogue:
        counts[graphs.catalog] = len(read_triples(catalogue))
    return counts


def push_dist(url: str, dist: Path, kind: str = "oxigraph", **kwargs: Any) -> Any:
    return push(Project(REPO), store_endpoints(url, kind), dist=dist, backoff=0.01, **kwargs)


# -- tests ------------------------------------------------------------------------------------------


def test_cli_push_replaces_the_three_graphs(
    oxigraph: str, kiruna_build: BuildResult, runner: CliRunner
) -> None:
    """`kgpub push` loads data, ontology and catalogue into their named graphs and leaves nothing else."""
    dist = kiruna_build.out
    args = ["-p", str(REPO), "push", "--store", oxigraph, "--store-kind", "oxigraph", "--dist", str(dist)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "MOVE, in one update request" in result.output
    counts = graph_counts(oxigraph + "/query")
    assert counts == expected_counts(dist)
    assert len(counts) == 3  # data, ontology, catalogue: no staging graph left
    stored = select(
        oxigraph + "/query",
        "SELECT ?s ?p ?o WHERE { GRAPH <https://data.kiruna.se/graph/kiruna> { ?s ?p ?o } }",
    )
    assert len(stored) == kiruna_build.triples
    again = runner.invoke(cli, args)  # pushing the same build again replaces, never appends
    assert again.exit_code == 0, again.output
    assert graph_counts(oxigraph + "/query") == counts


def test_readers_see_the_old_graph_or_the_new_one(
    oxigraph: str, kiruna_build: BuildResult, tmp_path: Path
) -> None:
    """Readers querying Oxigraph during a push see version A or version B whole, never a mixture."""
    old = changed_dist(kiruna_build.out, tmp_path / "a", "A", 10_000)
    new = changed_dist(kiruna_build.out, tmp_path / "b", "B", 15_000)
    push_dist(oxigraph, old)
    seen: list[tuple[float, int, int]] = []
    stop_reading = threading.Event()

    def reader() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop_reading.is_set():
                r = client.post(
                    oxigraph + "/query",
                    data={"query": VERSION_QUERY},
                    headers={"Accept": "application/sparql-results+json"},
                )
                seen.append((time.monotonic(), *versions(r.json())))
                time.sleep(0.01)  # leave the push some of the machine's two cores

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    began = time.monotonic()
    push_dist(oxigraph, new, chunk_size=2_000)
    ended = time.monotonic()
    time.sleep(0.3)
    stop_reading.set()
    for t in threads:
        t.join()
    states = {(a, b) for _, a, b in seen}
    assert states <= {(10_000, 0), (0, 15_000)}, states
    assert states == {(10_000, 0), (0, 15_000)}
    assert sum(began <= t <= ended for t, _, _ in seen) > 3  # the readers really ran during the push


def test_transient_failures_are_retried(
    oxigraph: str, kiruna_build: BuildResult, proxy_factory: Callable[[str], StoreProxy]
) -> None:
    """A 503, a dropped connection and a 502 are retried; the push then completes."""
    proxy = proxy_factory(oxigraph)
    proxy.fail_next("POST /store", 503)
    proxy.fail_next("POST /store", "drop")
    proxy.fail_next("POST /update", 502)
    result = push_dist(proxy.url, kiruna_build.out, chunk_size=300)
    assert result.retried == 3
    assert graph_counts(oxigraph + "/query") == expected_counts(kiruna_build.out)


def test_permanent_failure_changes_nothing(
    oxigraph: str,
    kiruna_build: BuildResult,
    proxy_factory: Callable[[str], StoreProxy],
    runner: CliRunner,
    tmp_path: Path,
) -> None:
    """A refused chunk stops the push with exit 3 and a clear message; the old graphs stay, staging goes."""
    push_dist(oxigraph, kiruna_build.out)
    before = graph_counts(oxigraph + "/query")
    proxy = proxy_factory(oxigraph)
    # The data graph is staged; the ontology's upload is refused.
    proxy.fail_next("POST /store?graph=https%3A%2F%2Fdata.kiruna.se%2Fgraph%2Fontology", 400)
    changed = changed_dist(kiruna_build.out, tmp_path / "b", "B", 2_000)
    args = ["-p", str(REPO), "push", "--store", proxy.url, "--store-kind", "oxigraph", "--dist", str(changed)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert "refused uploading" in result.output and "HTTP 400" in result.output
    assert graph_counts(oxigraph + "/query") == before  # no staging graph, data unchanged


def test_a_lost_chunk_fails_the_check_and_changes_nothing(
    oxigraph: str, kiruna_build: BuildResult, proxy_factory: Callable[[str], StoreProxy], tmp_path: Path
) -> None:
    """A chunk the store never stored is caught by the count check before the swap."""
    push_dist(oxigraph, kiruna_build.out)
    before = graph_counts(oxigraph + "/query")
    proxy = proxy_factory(oxigraph)
    proxy.fail_next("POST /store", "swallow")
    with pytest.raises(RemoteError, match="nothing was changed"):
        push_dist(proxy.url, changed_dist(kiruna_build.out, tmp_path / "b", "B", 1_000), chunk_size=400)
    assert graph_counts(oxigraph + "/query") == before


def test_update_fallback_keeps_blank_nodes_whole(
    oxigraph: str, proxy_factory: Callable[[str], StoreProxy]
) -> None:
    """Without a graph store, chunks go as INSERT DATA; blank-node structures are never split."""
    proxy = proxy_factory(oxigraph)
    ex = "http://example.org/"
    triples = []
    for i in range(40):
        a, b = ox.BlankNode(f"a{i}"), ox.BlankNode(f"b{i}")
        triples += [
            ox.Triple(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(ex + "p"), a),
            ox.Triple(a, ox.NamedNode(ex + "q"), b),
            ox.Triple(b, ox.NamedNode(ex + "r"), ox.Literal(f"v{i}")),
            ox.Triple(
                ox.NamedNode(f"{ex}t{i}"), ox.NamedNode(ex + "label"), ox.Literal(f"t{i}", language="en")
            ),
        ]
    endpoints = store_endpoints(
        proxy.url, "generic", query_url=proxy.url + "/query", update_url=proxy.url + "/update"
    )
    graph = "http://example.org/graph/test"
    names = graph_names(Project(REPO), graph)
    push(Project(REPO), endpoints, graphs=names, uploads=[Upload(graph, "test", triples)], chunk_size=7)
    paths = {s.path.split("?")[0] for s in proxy.log}
    assert paths == {"/query", "/update"}
    assert any("INSERT DATA" in s.sparql for s in proxy.log)
    r = httpx.post(
        oxigraph + "/query",
        data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/n-triples"},
    )
    stored = Graph().parse(data=r.text, format="nt")
    sent = Graph().parse(
        data=(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode(), format="nt"
    )
    assert isomorphic(stored, sent)


def test_chunks_never_split_a_blank_node() -> None:
    """Every blank node's triples travel in one chunk, and chunks stay near the size asked for."""
    ex = "http://example.org/"
    triples = [
        ox.Triple(ox.NamedNode(f"{ex}{i}"), ox.NamedNode(ex + "p"), ox.Literal(str(i))) for i in range(95)
    ]
    for i in range(30):
        a, b = ox.BlankNode(f"x{i}"), ox.BlankNode(f"y{i % 7}")
        triples += [
            ox.Triple(a, ox.NamedNode(ex + "p"), b),
            ox.Triple(b, ox.NamedNode(ex + "q"), ox.Literal("z")),
        ]
    pieces = list(chunks(triples, 10))
    assert sum(len(p) for p in pieces) == len(triples)
    where: dict[str, set[int]] = {}
    for n, piece in enumerate(pieces):
        for t in piece:
            for term in (t.subject, t.object):
                if isinstance(term, ox.BlankNode):
                    where.setdefault(term.value, set()).add(n)
    assert all(len(chunk_ids) == 1 for chunk_ids in where.values())
    assert all(len(p) <= 10 for p in pieces[:9])  # the plain triples: exactly the size


def test_credentials_come_from_environment_or_netrc(
    oxigraph: str,
    kiruna_build: BuildResult,
    proxy_factory: Callable[[str], StoreProxy],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    runner: CliRunner,
) -> None:
    """Basic auth from KGPUB_STORE_USER/PASSWORD or from netrc; none means a clear 401 message."""
    proxy = proxy_factory(oxigraph)
    proxy.require_basic("kg", "s3cret")
    for name in ("KGPUB_STORE_USER", "KGPUB_STORE_PASSWORD", "KGPUB_STORE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "absent-netrc"))
    args = [
        "-p",
        str(REPO),
        "push",
        "--store",
        proxy.url,
        "--store-kind",
        "oxigraph",
        "--dist",
        str(kiruna_build.out),
    ]
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 3
    assert "asks for credentials" in refused.output and "KGPUB_STORE_USER" in refused.output

    monkeypatch.setenv("KGPUB_STORE_USER", "kg")
    monkeypatch.setenv("KGPUB_STORE_PASSWORD", "s3cret")
    assert runner.invoke(cli, args).exit_code == 0

    monkeypatch.delenv("KGPUB_STORE_USER")
    monkeypatch.delenv("KGPUB_STORE_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login kg password s3cret\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert find_credentials(proxy.url) == Credentials("kg", "s3cret", source=f"{netrc} (machine 127.0.0.1)")
    assert runner.invoke(cli, args).exit_code == 0
    assert graph_counts(oxigraph + "/query") == expected_counts(kiruna_build.out)

    with_password = proxy.url.replace("http://", "http://kg:s3cret@")
    leaked = runner.invoke(
        cli, ["-p", str(REPO), "push", "--store", with_password, "--dist", str(kiruna_build.out)]
    )
    assert leaked.exit_code == 2 and "never takes them on the command line" in leaked.output


def test_push_table_refuses_credentials_and_unknown_keys(tmp_path: Path) -> None:
    """[push] in kgpub.toml takes the store's settings, never credentials."""
    from kgpub.scaffold import init_project

    init_project(tmp_path / "p", base="https://data.example.se/")
    config = tmp_path / "p" / "kgpub.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + '\n[push]\nstore = "http://127.0.0.1:1"\nstore-kind = "fuseki"\n', encoding="utf-8"
    )
    assert push_settings(Project(tmp_path / "p")) == {"store": "http://127.0.0.1:1", "store_kind": "fuseki"}
    config.write_text(text + '\n[push]\npassword = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="credentials do not belong"):
        push_settings(Project(tmp_path / "p"))
    config.write_text(text + '\n[push]\nstorr = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'storr'"):
        push_settings(Project(tmp_path / "p"))


def test_store_kinds_preset_their_paths() -> None:
    """Each kind knows its query, update and graph-store paths; explicit URLs win."""
    assert store_endpoints("http://h:7878", "oxigraph").describe() == (
        "query http://h:7878/query, update http://h:7878/update, graph store http://h:7878/store"
    )
    fuseki = store_endpoints("http://h:3030/ds", "fuseki")
    assert (fuseki.query, fuseki.update, fuseki.gsp) == (
        "http://h:3030/ds/query",
        "http://h:3030/ds/update",
        "http://h:3030/ds/data",
    )
    graphdb = store_endpoints("http://h:7200/repositories/kg", "graphdb")
    assert graphdb.query == "http://h:7200/repositories/kg"
    assert graphdb.update == "http://h:7200/repositories/kg/statements"
    assert graphdb.gsp == "http://h:7200/repositories/kg/rdf-graphs/service"
    virtuoso = store_endpoints("http://h:8890", "virtuoso", credentials=Credentials("dba", "x"))
    assert (virtuoso.update, virtuoso.gsp) == (
        "http://h:8890/sparql-auth",
        "http://h:8890/sparql-graph-crud-auth",
    )
    assert not virtuoso.isolated
    qlever = store_endpoints("http://h:7001", "qlever")
    assert (qlever.query, qlever.update, qlever.gsp) == ("http://h:7001", "http://h:7001", None)
    assert store_endpoints("http://h/sparql", "generic", gsp_url="http://h/gsp").gsp == "http://h/gsp"
    with pytest.raises(InputError, match="unknown store kind"):
        store_endpoints("http://h", "blazegraph")
