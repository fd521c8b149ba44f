"""Queries against a real SPARQL server (Oxigraph on 127.0.0.1) give the local answers; failures are clear."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgpub import Project
from kgpub.cli import cli
from kgpub.errors import QueryError, RemoteError
from kgpub.publish import BuildResult

from .conftest import free_port


@pytest.fixture(scope="module")
def endpoint(kiruna_build: BuildResult, oxigraph_server: Callable[[list[Path]], str]) -> str:
    """An Oxigraph server loaded with the built dumps (the graph and the ontology)."""
    return oxigraph_server([kiruna_build.out / "kiruna.nt", kiruna_build.out / "ontology.nt"])


def _canonical(result) -> object:  # type: ignore[no-untyped-def]
    if result.kind == "ask":
        return result.boolean
    if result.kind == "graph":
        return sorted(str(t) for t in result.triples)

    # GROUP_CONCAT lists have no defined order (SPARQL 1.1, 18.5.1.7): compare their parts as sets.
    def cell(t) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
        if t is None:
            return ("", "", "")
        kind = type(t).__name__ + (t.language or t.datatype.value if hasattr(t, "datatype") else "")
        return (kind, "; ".join(sorted(t.value.split("; "))), "")

    return sorted(tuple(cell(t) for t in row) for row in result.rows)


def canned(project: Project) -> list[str]:
    return sorted(name for name, q in project.queries.items() if "federated" not in q.tags)


@pytest.mark.parametrize("name", canned(Project(Path(__file__).resolve().parents[1])))
def test_same_answer_locally_and_remotely(
    kiruna: Project, kiruna_build: BuildResult, endpoint: str, name: str
) -> None:
    """Every canned query (with its example parameters) answers the same on Oxigraph server as locally."""
    params = kiruna.queries[name].example
    local = Project(kiruna.root).query(name, params)
    remote = kiruna.query(name, params, endpoint=endpoint)
    assert remote.kind == local.kind
    assert _canonical(remote) == _canonical(local)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
def test_cli_endpoint_gives_same_output(
    runner: CliRunner, repo: Path, kiruna_build: BuildResult, endpoint: str, fmt: str
) -> None:
    """`kgpub query --endpoint` prints exactly what the local run prints, in every format."""
    args = [
        "--project",
        str(repo),
        "query",
        "projects-active-in-year",
        "--param",
        "year=2019",
        "--format",
        fmt,
    ]
    local = runner.invoke(cli, args)
    remote = runner.invoke(cli, [*args, "--endpoint", endpoint])
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout


def test_construct_remotely(kiruna: Project, endpoint: str) -> None:
    """CONSTRUCT over the endpoint returns the same triples."""
    q = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Project ; schema:name ?n }"
    assert _canonical(kiruna.sparql(q, endpoint=endpoint)) == _canonical(kiruna.sparql(q))


def test_unreachable_endpoint(kiruna: Project) -> None:
    """Nothing listening: a RemoteError naming the endpoint."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(RemoteError, match="cannot reach the SPARQL endpoint"):
        kiruna.sparql("ASK {}", endpoint=url)


class _Handler(http.server.BaseHTTPRequestHandler):
    mode = "html"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "html":
            body = b"<html><body>Welcome to our portal</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
        elif self.mode == "500":
            body = b"boom"
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
        elif self.mode == "400":
            body = b"Parse error at line 1"
            self.send_response(400)
            self.send_header("Content-Type", "text/plain")
        else:  # slow
            time.sleep(3)
            body = b"{}"
            self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_server() -> Iterator[Callable[[str], str]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(mode: str) -> str:
        handler = type("H", (_Handler,), {"mode": mode})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/sparql"

    yield start
    for server in servers:
        server.shutdown()


@pytest.mark.parametrize(
    ("mode", "error", "needle"),
    [
        ("html", RemoteError, "did not answer with SPARQL results (it sent text/html)"),
        ("500", RemoteError, "failed with a server error"),
        ("400", QueryError, "refused the query as malformed"),
    ],
)
def test_bad_answers(
    kiruna: Project, fake_server: Callable[[str], str], mode: str, error: type, needle: str
) -> None:
    """A non-SPARQL answer, a server error or a refusal each give one clear error."""
    with pytest.raises(error, match=needle.replace("(", r"\(").replace(")", r"\)")):
        kiruna.sparql("SELECT * WHERE { ?s ?p ?o }", endpoint=fake_server(mode))


def test_timeout(kiruna: Project, fake_server: Callable[[str], str]) -> None:
    """A server slower than the timeout: stopped, with a message naming the time."""
    started = time.monotonic()
    with pytest.raises(RemoteError, match="did not answer within 1 s"):
        kiruna.sparql("SELECT * WHERE { ?s ?p ?o }", endpoint=fake_server("slow"), timeout=1)
    assert time.monotonic() - started < 2.5


def test_cli_remote_error_exit_code(runner: CliRunner, repo: Path) -> None:
    """From the CLI an unreachable endpoint is exit 3 with one line, no traceback."""
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = runner.invoke(cli, ["--project", str(repo), "query", "projects", "--endpoint", url])
    assert result.exit_code == 3
    assert "cannot reach" in result.stderr and "Traceback" not in result.stderr
