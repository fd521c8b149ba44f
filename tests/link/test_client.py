"""The Wikidata client against a tiny local HTTP server: User-Agent, 429/503 with Retry-After, time-outs,
an unreachable service — and what `kgpub link` says about each."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner

from kgpub import Project
from kgpub.cli import cli
from kgpub.errors import RemoteError
from kgpub.link.client import WikidataClient, retry_after

from ..conftest import free_port

EMPTY = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode()


@dataclass
class Script:
    """What the fake endpoint answers, request by request (the last answer repeats)."""

    answers: list[tuple[int, dict[str, str], float]] = field(default_factory=lambda: [(200, {}, 0.0)])
    agents: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


@pytest.fixture
def fake() -> Iterator[tuple[str, Script]]:
    """A local endpoint on 127.0.0.1 whose answers a test scripts; stopped afterwards."""
    script = Script()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            script.agents.append(self.headers.get("User-Agent", ""))
            script.times.append(time.monotonic())
            index = min(len(script.times) - 1, len(script.answers) - 1)
            status, headers, delay = script.answers[index]
            if delay:
                time.sleep(delay)
            body = EMPTY if status == 200 else b"busy"
            try:
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/sparql-results+json" if status == 200 else "text/plain"
                )
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql", script
    server.shutdown()
    server.server_close()


def client(endpoint: str, **options: object) -> tuple[WikidataClient, list[float]]:
    slept: list[float] = []
    defaults: dict[str, object] = {"timeout": 5.0, "retries": 3, "max_wait": 30.0, "backoff": 2.0}
    defaults.update(options)
    return (
        WikidataClient(endpoint, contact="mailto:data@kiruna.se", sleep=slept.append, **defaults),  # type: ignore[arg-type]
        slept,
    )


def test_user_agent_names_kgpub_and_a_contact(fake: tuple[str, Script]) -> None:
    """Every request carries a descriptive User-Agent with a contact, as Wikimedia's policy asks."""
    endpoint, script = fake
    c, _ = client(endpoint)
    assert c.select("SELECT ?x WHERE { ?x ?p ?o }") == []
    agent = script.agents[0]
    assert agent.startswith("kgpub/") and "mailto:data@kiruna.se" in agent and "SPARQLWrapper/" in agent


def test_429_honours_retry_after(fake: tuple[str, Script]) -> None:
    """429 Too Many Requests with Retry-After: kgpub waits exactly as long, then tries again."""
    endpoint, script = fake
    script.answers = [(429, {"Retry-After": "7"}, 0.0), (200, {}, 0.0)]
    c, slept = client(endpoint)
    assert c.select("SELECT ?x WHERE { ?x ?p ?o }") == []
    assert slept == [7.0] and len(script.times) == 2


def test_503_without_retry_after_backs_off(fake: tuple[str, Script]) -> None:
    """503 without Retry-After: the pause doubles on each try, then kgpub gives up with a clear message."""
    endpoint, script = fake
    script.answers = [(503, {}, 0.0)]
    c, slept = client(endpoint, retries=3, backoff=2.0)
    with pytest.raises(RemoteError, match=r"still answered 503 Service Unavailable after 4 tries"):
        c.select("SELECT ?x WHERE { ?x ?p ?o }")
    assert slept == [2.0, 4.0, 8.0] and len(script.times) == 4


def test_retry_after_longer_than_allowed(fake: tuple[str, Script]) -> None:
    """A Retry-After beyond max_wait makes kgpub stop at once rather than hang."""
    endpoint, script = fake
    script.answers = [(429, {"Retry-After": "3600"}, 0.0)]
    c, slept = client(endpoint, max_wait=60.0)
    with pytest.raises(RemoteError, match=r"asks kgpub to wait 3600 s, longer than the 60 s allowed"):
        c.select("SELECT ?x WHERE { ?x ?p ?o }")
    assert slept == [] and len(script.times) == 1


def test_retry_after_as_a_date() -> None:
    """Retry-After may be an HTTP date as well as a number of seconds."""
    now = dt.datetime(2026, 11, 27, 12, 0, 0, tzinfo=dt.UTC)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=30), usegmt=True)
    assert retry_after(later, now) == 30.0
    assert retry_after("12", now) == 12.0
    assert retry_after("soon", now) is None and retry_after(None) is None


def test_slow_service_times_out(fake: tuple[str, Script]) -> None:
    """A service slower than the time limit is reported as such, without waiting for it."""
    endpoint, script = fake
    script.answers = [(200, {}, 3.0)]
    c, _ = client(endpoint, timeout=1.0)
    start = time.monotonic()
    with pytest.raises(RemoteError, match=r"did not answer within 1 s"):
        c.select("SELECT ?x WHERE { ?x ?p ?o }")
    assert time.monotonic() - start < 2.5


def test_server_error_is_not_retried(fake: tuple[str, Script]) -> None:
    """A 500 (a query the service stopped) is reported at once, not retried."""
    endpoint, script = fake
    script.answers = [(500, {}, 0.0)]
    c, slept = client(endpoint)
    with pytest.raises(RemoteError, match="failed with a server error"):
        c.select("SELECT ?x WHERE { ?x ?p ?o }")
    assert slept == [] and len(script.times) == 1


def test_service_down() -> None:
    """Nothing listening: kgpub says it cannot reach the endpoint and how to change it."""
    c, _ = client(f"http://127.0.0.1:{free_port()}/sparql")
    with pytest.raises(RemoteError, match=r"cannot reach the SPARQL endpoint .*--endpoint"):
        c.select("SELECT ?x WHERE { ?x ?p ?o }")


def test_cli_reports_a_service_that_is_down(linked: Project) -> None:
    """`kgpub link suggest` and `check` exit 3 with one clear paragraph when the service is down."""
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    for command in (["suggest", "--out", str(linked.root / "r.csv")], ["check"]):
        result = CliRunner().invoke(
            cli, ["--project", str(linked.root), "link", *command, "--endpoint", endpoint]
        )
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith("Error: cannot reach the SPARQL endpoint")
        assert "Traceback" not in result.output


def test_cli_gives_up_on_a_busy_service(fake: tuple[str, Script], linked: Project) -> None:
    """Persistent 429s: kgpub says each time how long it waits, then gives up with exit 3."""
    endpoint, script = fake
    script.answers = [(429, {"Retry-After": "0"}, 0.0)]
    (linked.root / "kgpub.toml").write_text(
        (linked.root / "kgpub.toml").read_text(encoding="utf-8") + "\n[link]\nretries = 2\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["--project", str(linked.root), "link", "check", "--endpoint", endpoint])
    assert result.exit_code == 3, result.output
    assert result.stderr.count("answered 429") == 3
    assert "waiting 0 s as its Retry-After header asks (try 2 of 3)" in result.stderr
    assert "still answered 429 Too Many Requests after 3 tries" in result.stderr
    assert len(script.times) == 3
