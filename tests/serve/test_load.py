"""32 clients at once against the 100k-triple synthetic project: no 5xx, memory steady, bounded in time.

The project comes from ``bench/generate.py`` (deterministic for its seed), is built once, and is
served by a real ``kgpub serve`` process. Clients mix entity pages (HTML and Turtle), list pages,
the home page, dumps, canned queries and SPARQL. The test stops by itself: two rounds of
``ROUND_SECONDS`` each; memory (the server and its query workers) is read before, between and after,
and the second round, with every cache already warm, must not grow it by more than a margin. The
figures (requests, p50/p99) are printed; ``bench/serve.py`` records them at length in bench/README.md.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import httpx
import pytest
from tests.conftest import REPO, free_port, wait_for_port

ROUND_SECONDS = 12.0
CLIENTS = 32


def _generate(folder: Path, triples: int) -> None:
    spec = importlib.util.spec_from_file_location("kgpub_bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.generate(folder, triples, seed=1)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            pass
    return total / 1024


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, list[str]]:
    folder = tmp_path_factory.mktemp("load") / "p100k"
    _generate(folder, 100_000)
    kgpub = [sys.executable, "-m", "kgpub.cli"]
    built = subprocess.run([*kgpub, "--project", str(folder), "build"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    port = free_port()
    proc = subprocess.Popen(
        [*kgpub, "--project", str(folder), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for_port(port, timeout=120)
    url = f"http://127.0.0.1:{port}"
    entity = httpx.get(
        url + "/sparql",
        params={"query": "SELECT ?p WHERE { ?p a <http://schema.org/Project> } ORDER BY ?p LIMIT 40"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()["results"]["bindings"]
    base = "https://data.example.se/"
    entities = [b["p"]["value"] for b in entity]
    assert entities and all(e.startswith(base) for e in entities)
    paths = ["/" + e[len(base) :] for e in entities]
    yield url, proc.pid, paths
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _mix(paths: list[str]) -> list[tuple[str, dict[str, str]]]:
    simple = "SELECT ?p ?o WHERE { <%s> ?p ?o }"
    html, ttl = {"Accept": "text/html"}, {"Accept": "text/turtle"}
    json = {"Accept": "application/sparql-results+json"}
    out: list[tuple[str, dict[str, str]]] = []
    for n, path in enumerate(paths):
        iri = "https://data.example.se" + path
        out += [
            (path, html),
            (path + ".ttl", ttl),
            ("/sparql?query=" + urllib.parse.quote(simple % iri), json),
            (
                ["/", "/projects", "/organisations?page=2", "/places", "/def", "/queries/projects"][n % 6],
                html,
            ),
            (
                ["/dumps/context.jsonld", "/dumps/ontology.ttl", "/api/queries", "/api/queries/projects"][
                    n % 4
                ],
                {},
            ),
        ]
    return out


async def _round(
    url: str, mix: list[tuple[str, dict[str, str]]], seconds: float
) -> list[tuple[int, float, str]]:
    results: list[tuple[int, float, str]] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:

        async def one_client(k: int) -> None:
            i = k * 7
            while time.monotonic() < stop:
                path, headers = mix[i % len(mix)]
                i += 1
                started = time.monotonic()
                try:
                    status = (await client.get(path, headers=headers)).status_code
                except httpx.HTTPError:
                    status = -1
                results.append((status, time.monotonic() - started, path))

        await asyncio.gather(*(one_client(k) for k in range(CLIENTS)))
    return results


def test_32_clients_mixing_pages_dumps_and_queries(big_server: tuple[str, int, list[str]]) -> None:
    url, pid, paths = big_server
    mix = _mix(paths)
    before = rss_mb(pid)
    first = asyncio.run(_round(url, mix, ROUND_SECONDS))
    middle = rss_mb(pid)
    second = asyncio.run(_round(url, mix, ROUND_SECONDS))
    after = rss_mb(pid)
    for results in (first, second):
        statuses = [s for s, _, _ in results]
        assert len(results) > 200, "the server should have answered a few hundred requests"
        assert [s for s in statuses if s >= 500 or s < 0] == [], "no 5xx, no dropped connection"
        assert set(statuses) == {200}
    latencies = sorted(t for _, t, _ in second)
    by_path: dict[str, list[float]] = {}
    for _, t, path in second:
        by_path.setdefault(path.split("?")[0] if path.startswith("/sparql") else path, []).append(t)
    slowest = sorted(by_path.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    print(
        f"\n{len(first) + len(second)} requests by {CLIENTS} clients; second round p50 {p50:.0f} ms, "
        f"p99 {p99:.0f} ms; RSS {before:.0f} -> {middle:.0f} -> {after:.0f} MB; slowest (median ms): "
        + ", ".join(f"{path} {statistics.median(times) * 1000:.0f}" for path, times in slowest)
    )
    # Warm caches fill in the first round; after that memory stays within a margin.
    assert after <= middle * 1.15 + 30, (before, middle, after)
