"""kgpub serve swaps a new build in while it serves: no request fails, the new release shows within
seconds, nothing after the swap mixes old and new, the old query workers go, and a broken release
leaves the previous one served."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from tests.conftest import free_port, start_server, wait_for_port

from kgpub import Project
from kgpub.publish import _exchange
from kgpub.testing import PREFIXES, make_project

DATA = (
    PREFIXES
    + """
exo:exempel-kommun a kgpub:Municipality ;
    rdfs:label "Exempels kommun gen-{n}"@sv , "Exempel Municipality gen-{n}"@en ;
    dcterms:source <https://example.se/projekt.html> .

exp:odla a kgpub:Project ;
    rdfs:label "Odla i staden gen-{n}"@sv , "Growing in town gen-{n}"@en ;
    dcterms:source <https://example.se/projekt.html> .
"""
)
#: A canned query that says which release of the project's queries answered it.
QUERY = """#+ summary: Every label
#+ description: Every label, and the release of this query (q{n}).
SELECT ?s ?label ("q{n}" AS ?release)
WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
"""
LABELS = "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
#: A query that keeps a worker busy for a while (about 0.2 s), so that the swap finds queries running.
SLOW = """# {i}
SELECT ?label (COUNT(*) AS ?n) WHERE {{
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(CONTAINS(?label, "gen-")) ?a ?b ?c . ?d ?e ?f
}} GROUP BY ?label"""
JSON = {"Accept": "application/sparql-results+json"}
REQUESTS = [
    ("sparql", "/sparql", {"query": LABELS}, JSON),
    ("sparql-slow", "/sparql", {"query": SLOW}, JSON),  # a new text each time: never a cached answer
    ("entity-rdf", "/id/project/odla", {}, {"Accept": "text/turtle"}),
    ("entity-html", "/id/project/odla", {"lang": "en"}, {"Accept": "text/html"}),
    ("canned", "/api/queries/labels", {}, {}),
    ("list", "/organisations", {"lang": "en"}, {"Accept": "text/html"}),  # kept per release
]


def write_release(root: Path, n: int) -> Path:
    """The project in ``root`` at release ``n``: every label and the canned query marked with ``n``."""
    make_project(root, {"organisations.ttl": DATA.format(n=n)})
    (root / "queries").mkdir(exist_ok=True)
    (root / "queries" / "labels.rq").write_text(QUERY.format(n=n), encoding="utf-8")
    return root


@dataclass
class Seen:
    kind: str
    started: float
    status: int
    generations: set[str]
    queries: set[str]


@dataclass
class Readers:
    """Threads that request pages and queries without pause, recording every answer."""

    url: str
    seen: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, count: int) -> None:
        for offset in range(count):
            thread = threading.Thread(target=self.read, args=(offset,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def read(self, offset: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            i = offset
            while not self.stop.is_set():
                kind, path, params, headers = REQUESTS[i % len(REQUESTS)]
                params = {k: v.format(i=i) if kind == "sparql-slow" else v for k, v in params.items()}
                i += 1
                started = time.monotonic()
                try:
                    r = client.get(path, params=params, headers=headers)
                    status, text = r.status_code, r.text
                except httpx.HTTPError as exc:
                    status, text = -1, repr(exc)
                generations = set(re.findall(r"gen-(\d)", text))
                self.seen.append(Seen(kind, started, status, generations, set(re.findall(r"q(\d)", text))))
                time.sleep(0.005)  # leave the build some of the machine's cores

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=40)


def children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


def failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The reloader's reports of releases it could not load."""
    return [r.getMessage() for r in caplog.records if "cannot be loaded" in r.getMessage()]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.01)
    return time.monotonic()


def test_a_new_build_is_swapped_in_without_a_failed_request(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kgpub.serve.reload")
    root = write_release(tmp_path / "p", 1)
    dist = Project(root).build().out
    before = children()
    server, stop_server = start_server(Project(root), dist, workers=2, timeout=5.0, reload_interval=0.3)
    readers = Readers(server.url)
    try:
        site = server.site
        old_workers = children() - before
        assert len(old_workers) == 2
        readers.start(3)
        wait_until(lambda: len(readers.seen) >= 40, 20, "the readers get answers")

        # Release 2: every label changed, and the canned query too (the project is read again).
        write_release(root, 2)
        Project(root).build()
        built = time.monotonic()
        swapped = wait_until(lambda: site.generation == 1, 20, "the new release is swapped in")
        seen_new = wait_until(
            lambda: any(s.generations == {"2"} for s in readers.seen), 10, "readers see release 2"
        )
        assert seen_new - built < 10
        # The old pool is closed once its queries are done; only the new one's workers are left.
        wait_until(lambda: not (children() & old_workers), 15, "the old query workers stop")
        new_workers = children() - before
        assert len(new_workers) == 2 and not (new_workers & old_workers)
        time.sleep(0.5)  # a while of reading the new release

        # A broken release (a dump that does not parse) appears the way a build's does: in one swap.
        broken = tmp_path / "broken"
        shutil.copytree(dist, broken)
        with (broken / "exempel.nt").open("a", encoding="utf-8") as dump:
            dump.write("<urn:x> this is not N-Triples\n")
        assert _exchange(broken, dist)
        wait_until(lambda: bool(failures(caplog)), 15, "the broken release is reported")
        marked = len(readers.seen)
        time.sleep(1.5)  # several more checks: reported once, the previous release served on
        assert len(readers.seen) > marked + 10
        assert children() - before == new_workers  # the failed load left no process behind
    finally:
        readers.finish()
        stop_server()

    messages = failures(caplog)
    assert len(messages) == 1, messages  # once, not at every check
    assert "\n" not in messages[0] and "exempel.nt" in messages[0]
    assert "still serving the previous one" in messages[0]
    assert site.generation == 1
    assert children() - before == set(), "query workers outlived the server"

    assert [s for s in readers.seen if s.status != 200] == []
    kinds = {s.kind for s in readers.seen}
    assert kinds == {kind for kind, *_ in REQUESTS}
    for s in readers.seen:
        assert len(s.generations) == 1, s  # never a mixture, and never nothing
        if s.kind == "canned":
            assert s.queries == s.generations, s  # the query and the data of one release
    after = [s for s in readers.seen if s.started > swapped]
    assert len(after) > 20
    assert all(s.generations == {"2"} for s in after), [s for s in after if s.generations != {"2"}]
    assert any(s.generations == {"1"} for s in readers.seen)


def server_workers(pid: int) -> set[int]:
    """The query worker processes (multiprocessing spawn children) of process ``pid``."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmdline:
                found.add(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"


def test_sighup_reloads_at_once_and_shutdown_leaves_no_worker(tmp_path: Path) -> None:
    """`kgpub serve` loads a new build on SIGHUP (here it polls once an hour), then stops cleanly."""
    root = write_release(tmp_path / "p", 1)
    with (root / "kgpub.toml").open("a", encoding="utf-8") as config:
        config.write("\n[serve]\nreload_interval = 3600\nworkers = 1\n")
    Project(root).build()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kgpub", "--project", str(root), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/sparql"

    def release() -> set[str]:
        r = httpx.get(url, params={"query": LABELS}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200
        return set(re.findall(r"gen-(\d)", r.text))

    try:
        wait_for_port(port, timeout=60)
        assert release() == {"1"}
        first = server_workers(proc.pid)
        assert len(first) == 1
        write_release(root, 2)
        Project(root).build()
        time.sleep(1.0)
        assert release() == {"1"}  # no polling within the hour: only the signal reloads
        os.kill(proc.pid, signal.SIGHUP)
        wait_until(lambda: release() == {"2"}, 20, "SIGHUP swaps the new release in")
        wait_until(lambda: not any(alive(p) for p in first), 15, "the old worker stops")
        workers = server_workers(proc.pid)
        assert len(workers) == 1 and not (workers & first)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, stderr.decode()
    assert not any(alive(p) for p in workers), "a query worker outlived the server"
