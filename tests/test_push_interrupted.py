"""A push killed mid-way (SIGKILL, no chance to clean up) leaves the live graphs in the store exactly as
they were; the next push succeeds. What the killed push leaves is its staging graph
(``{graph}/staging-{random}``): harmless, since nothing reads it (the next push stages into a graph
of its own, and ``kgpub serve --store`` reads only the data and ontology graphs), and ``DROP GRAPH``
removes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kgpub import Project
from kgpub.publish import BuildResult
from kgpub.push import graph_names, read_triples
from tests.conftest import REPO
from tests.test_push import (
    VERSION_QUERY,
    changed_dist,
    expected_counts,
    graph_counts,
    push_dist,
    start_oxigraph,
    stop,
    versions,
)

A_EXTRA = 5_000
B_EXTRA = 60_000


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    """A fresh, read-write Oxigraph server for this test; its base URL."""
    url, proc = start_oxigraph(tmp_path / "oxigraph")
    yield url
    stop(proc)


def staging_counts(url: str) -> dict[str, int]:
    return {g: n for g, n in graph_counts(url + "/query").items() if "/staging-" in g}


def graph_triples(url: str, graph: str) -> set[ox.Triple]:
    """The triples of one named graph of the store (the Kiruna dumps have no blank nodes)."""
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = httpx.post(url + "/query", data={"query": construct}, headers={"Accept": "application/n-triples"})
    r.raise_for_status()
    return {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}


def stored(dump: Path) -> set[ox.Triple]:
    """The triples of a dump as an Oxigraph store holds them (typed literals in canonical form)."""
    local = ox.Store()
    local.extend(ox.Quad(t.subject, t.predicate, t.object) for t in read_triples([dump]))
    return {q.triple for q in local}


def version_counts(url: str) -> tuple[int, int]:
    r = httpx.post(
        url + "/query", data={"query": VERSION_QUERY}, headers={"Accept": "application/sparql-results+json"}
    )
    r.raise_for_status()
    return versions(r.json())


def test_push_killed_while_staging_leaves_the_live_graphs_as_they_were(
    store: str, kiruna_build: BuildResult, tmp_path: Path
) -> None:
    release_a = changed_dist(kiruna_build.out, tmp_path / "a", "A", A_EXTRA)
    release_b = changed_dist(kiruna_build.out, tmp_path / "b", "B", B_EXTRA)
    push_dist(store, release_a)
    live_a = graph_counts(store + "/query")
    assert live_a == expected_counts(release_a)

    command = [sys.executable, "-m", "kgpub", "-p", str(REPO), "push", "--store", store]
    command += ["--store-kind", "oxigraph", "--dist", str(release_b), "--chunk-size", "2000"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not staging_counts(store):  # the data graph is being staged: kill the push now
            assert proc.poll() is None, "the push ended before it could be interrupted"
            assert time.monotonic() < deadline, "the push staged nothing within 60 s"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    time.sleep(0.3)  # a request the push sent just before it died may still be stored

    # The live graphs hold release A, exactly; release B is only part-way into a staging graph.
    graphs = graph_names(Project(REPO))
    left = staging_counts(store)
    assert list(left) == [g for g in left if g.startswith(graphs.data + "/staging-")] and len(left) == 1
    staged = next(iter(left.values()))
    assert 0 < staged < expected_counts(release_b)[graphs.data], "not interrupted mid-way"
    assert {g: n for g, n in graph_counts(store + "/query").items() if g not in left} == live_a
    assert version_counts(store) == (A_EXTRA, 0)
    assert graph_triples(store, graphs.data) == stored(release_a / "kiruna.nt")

    # The next push succeeds and leaves exactly release B; the leftover staging graph is untouched
    # by it (a push stages into a fresh graph of its own) and goes with DROP GRAPH.
    push_dist(store, release_b, chunk_size=25_000)
    assert version_counts(store) == (0, B_EXTRA)
    assert graph_triples(store, graphs.data) == stored(release_b / "kiruna.nt")
    after = graph_counts(store + "/query")
    assert {g: n for g, n in after.items() if g not in left} == expected_counts(release_b)
    assert {g: n for g, n in after.items() if g in left} == left
    (leftover,) = left
    httpx.post(store + "/update", data={"update": f"DROP GRAPH <{leftover}>"}).raise_for_status()
    assert graph_counts(store + "/query") == expected_counts(release_b)
