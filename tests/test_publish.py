"""dist/: every file parses back to the built graph, JSON-LD agrees with Turtle, builds are
deterministic, and a failed build leaves the previous publication untouched."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kgpub import Project
from kgpub.enrich import inferred_triples, materialise
from kgpub.errors import PublishError
from kgpub.publish import BuildResult, output_prefixes, write_rdf
from kgpub.serialise import Canonical, JsonLdWriter, make_context
from kgpub.testing import make_project

FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml"}


def expected_graph(project: Project) -> Graph:
    return materialise(project.data.graph, project.ontology.graph)


@pytest.mark.parametrize("suffix", ["ttl", "nt", "rdf"])
def test_dumps_round_trip(kiruna: Project, kiruna_build: BuildResult, suffix: str) -> None:
    """Each dump parses back (with rdflib) to a graph isomorphic to the enriched build graph."""
    parsed = Graph().parse(kiruna_build.out / f"kiruna.{suffix}", format=FORMATS[suffix])
    assert isomorphic(parsed, expected_graph(kiruna))
    assert len(parsed) == kiruna_build.triples


@pytest.mark.parametrize("suffix", ["ttl", "nt", "rdf"])
def test_ontology_round_trip(kiruna: Project, kiruna_build: BuildResult, suffix: str) -> None:
    """The ontology is published in the same forms, unchanged."""
    parsed = Graph().parse(kiruna_build.out / f"ontology.{suffix}", format=FORMATS[suffix])
    assert isomorphic(parsed, kiruna.ontology.graph)


def _pyld_graph(doc_path: Path, context_path: Path, context_url: str) -> Graph:
    from pyld import jsonld

    context = json.loads(context_path.read_text(encoding="utf-8"))

    def loader(url: str, options: dict | None = None) -> dict:  # type: ignore[type-arg]
        if url != context_url:
            raise AssertionError(f"tried to fetch {url}")
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": context,
            "contentType": "application/ld+json",
        }

    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=nquads, format="nt")


@pytest.mark.parametrize("stem", ["kiruna", "ontology"])
def test_jsonld_expands_to_the_same_graph(kiruna_build: BuildResult, stem: str) -> None:
    """The compact JSON-LD, expanded by pyld with the published context (offline), equals the Turtle."""
    out = kiruna_build.out
    doc = json.loads((out / f"{stem}.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == "https://data.kiruna.se/dumps/context.jsonld"
    from_jsonld = _pyld_graph(out / f"{stem}.jsonld", out / "context.jsonld", doc["@context"])
    from_turtle = Graph().parse(out / f"{stem}.ttl", format="turtle")
    assert isomorphic(from_jsonld, from_turtle)


def test_jsonld_uses_short_terms(kiruna_build: BuildResult) -> None:
    """The context gives readable keys: names as language maps, links as plain IRIs."""
    doc = json.loads((kiruna_build.out / "kiruna.jsonld").read_text(encoding="utf-8"))
    kirunabo = next(n for n in doc["@graph"] if n["@id"] == "project:kirunabo")
    assert kirunabo["label"] == {"sv": "Kirunabo", "en": "Kirunabo"}
    assert set(kirunabo["funder"]) == {"organisation:kiruna-kommun", "organisation:vinnova"}


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_is_deterministic_across_processes(repo: Path, tmp_path: Path) -> None:
    """Two builds in separate interpreters (different hash seeds) give byte-identical files."""
    digests = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kgpub", "--project", str(repo), "build", "--out", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        digests.append(_digest(out))
    assert digests[0] == digests[1]
    assert "kiruna.ttl" in digests[0]


def test_failed_write_keeps_previous_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Disk full while writing: a clear PublishError, the previous dist/ intact, no temp folder left."""
    project = Project(make_project(tmp_path / "p"))
    project.build()
    before = _digest(project.output_dir)

    import kgpub.publish as publish

    real = publish.serialise
    calls = {"n": 0}

    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(publish, "serialise", full_disk)
    with pytest.raises(PublishError) as info:
        Project(project.root).build()
    assert "No space left on device" in str(info.value)
    assert "previous one is unchanged" in str(info.value)
    assert _digest(project.output_dir) == before
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".dist")] == []


def test_rebuild_replaces_old_files(tmp_path: Path) -> None:
    """A new build replaces dist/ whole: files the new release does not have are gone."""
    project = Project(make_project(tmp_path / "p"))
    project.build()
    (project.output_dir / "stale.txt").write_text("old")
    Project(project.root).build()
    assert not (project.output_dir / "stale.txt").exists()
    assert (project.output_dir / "exempel.ttl").exists()


def test_leftover_temp_of_killed_build_is_cleaned(tmp_path: Path) -> None:
    """A temporary folder left by a killed build (its process gone) is removed by the next build."""
    project = Project(make_project(tmp_path / "p"))
    stale = project.root / ".dist.tmp-999999999"
    stale.mkdir()
    (stale / "half.ttl").write_text("half")
    project.build()
    assert not stale.exists()


def _kiruna_dumps(kiruna: Project) -> tuple[Canonical, dict[str, str], JsonLdWriter]:
    data = kiruna.data.triples
    prefixes = output_prefixes(data, kiruna.config.id_base)
    writer = JsonLdWriter(make_context(kiruna.ontology.graph, prefixes))
    return Canonical(itertools.chain(data, inferred_triples(data, kiruna.ontology.graph))), prefixes, writer


def test_dumps_written_in_parallel_equal_those_written_in_turn(kiruna: Project, tmp_path: Path) -> None:
    """The JSON-LD written by the forked child is the very file the build writes by itself."""
    graph, prefixes, writer = _kiruna_dumps(kiruna)
    digests = []
    for parallel in (False, True):
        folder = tmp_path / str(parallel)
        folder.mkdir()
        names = write_rdf(folder, "k", graph, prefixes, writer, "https://x.se/ctx.jsonld", parallel=parallel)
        assert sorted(names) == sorted(p.name for p in folder.iterdir())
        digests.append(_digest(folder))
    assert digests[0] == digests[1]
    assert len(digests[0]) == 4


def _record_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked from now on (to check they were all reaped)."""
    children: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return children


def test_a_failing_child_fails_the_build(
    kiruna: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON-LD writer that fails in the child is a PublishError in the parent, with its reason."""
    graph, prefixes, writer = _kiruna_dumps(kiruna)

    def broken(*args: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write", broken)
    children = _record_forks(monkeypatch)
    with pytest.raises(PublishError) as info:
        write_rdf(tmp_path, "k", graph, prefixes, writer, "x", parallel=True)
    assert "k.jsonld" in str(info.value) and "No space left on device" in str(info.value)
    assert len(children) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # the child was waited for: nothing is left to reap


def test_a_failure_beside_the_child_is_the_one_reported(
    kiruna: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When writing Turtle fails while the child writes JSON-LD, that failure is raised and the child
    is still waited for."""
    import kgpub.publish as publish

    graph, prefixes, writer = _kiruna_dumps(kiruna)

    def full_disk(*args: object) -> bytes:
        raise OSError(28, "No space left on device")

    children = _record_forks(monkeypatch)
    monkeypatch.setattr(publish, "serialise", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_rdf(tmp_path, "k", graph, prefixes, writer, "x", parallel=True)
    assert len(children) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)
