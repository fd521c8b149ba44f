"""Parsing and serialisation: kgpub's stages against pyoxigraph's own speed on the same files.

    python bench/formats.py [--projects kiruna,100k,1m] [--runs 3]

Parse: kgpub's loader (``Project.data``: read, parse, every input check, per-file bookkeeping)
against pyoxigraph parsing the same Turtle files and nothing else. Serialise: the build's four
dumps of the published graph (canonical order, Turtle, N-Triples, RDF/XML, compact JSON-LD with the
project's context) against pyoxigraph writing the same triples in the same four formats (its JSON-LD
is expanded, with no context, and it writes in whatever order it is given); both write files, as a
build does. kgpub writes the JSON-LD in a forked child meanwhile (``kgpub.publish.write_rdf``), so
its wall time is less than its CPU time, which is shown too (this process and its children).
Medians of ``--runs``; the ratio is kgpub / pyoxigraph. Target (issue 7): within 3x. Writes
bench/out/formats.md.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median_time(runs: int, work: Callable[[], Any]) -> tuple[float, float]:
    """Median wall time and median CPU time (this process and its children) of ``runs`` runs."""
    times, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), _cpu()
        work()
        times.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
    return statistics.median(times), statistics.median(cpus)


def measure(folder: Path, runs: int) -> list[dict[str, Any]]:
    import pyoxigraph as ox

    from kgpub import Project
    from kgpub.enrich import inferred_triples
    from kgpub.load import find_files, load_files
    from kgpub.publish import context_url, output_prefixes, write_rdf
    from kgpub.serialise import Canonical, JsonLdWriter, make_context

    project = Project(folder)
    files = [p for p in find_files(project.data_dir, recursive=True) if p != project.catalog_path]
    triples_in = 0

    def bare_parse() -> None:
        nonlocal triples_in
        triples_in = sum(1 for f in files for _ in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))

    def kgpub_parse() -> None:
        load_files(files)

    rows = [
        {
            "stage": "parse",
            "triples": 0,
            "kgpub": median_time(runs, kgpub_parse),
            "pyoxigraph": median_time(runs, bare_parse),
        }
    ]
    rows[0]["triples"] = triples_in
    data = load_files(files).triples
    ontology = project.ontology.graph
    published = list(itertools.chain(data, inferred_triples(data, ontology)))
    prefixes = output_prefixes(data, project.config.id_base)
    writer = JsonLdWriter(make_context(ontology, prefixes))

    scratch = Path(tempfile.mkdtemp(prefix="kgpub-formats-"))

    def kgpub_write() -> None:
        write_rdf(scratch, "kgpub", Canonical(published), prefixes, writer, context_url(project))

    def bare_write() -> None:
        for fmt, suffix in ((ox.RdfFormat.TURTLE, "ttl"), (ox.RdfFormat.RDF_XML, "rdf")):
            ox.serialize(published, str(scratch / f"ox.{suffix}"), format=fmt, prefixes=prefixes)
        for fmt, suffix in ((ox.RdfFormat.N_TRIPLES, "nt"), (ox.RdfFormat.JSON_LD, "jsonld")):
            ox.serialize(published, str(scratch / f"ox.{suffix}"), format=fmt)

    rows.append(
        {
            "stage": "serialise (4 dumps)",
            "triples": len(set(published)),
            "kgpub": median_time(runs, kgpub_write),
            "pyoxigraph": median_time(runs, bare_write),
        }
    )
    shutil.rmtree(scratch, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", default="kiruna,100k")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    lines = [
        "| project | stage | triples | kgpub s | pyoxigraph s | kgpub / pyoxigraph | CPU: kgpub s | CPU ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in args.projects.split(","):
        folder = REPO if name == "kiruna" else OUT / name
        if not (folder / "data").is_dir():
            sys.path.insert(0, str(BENCH))
            from generate import generate, parse_count  # type: ignore[import-not-found]

            generate(folder, parse_count(name), seed=1)
        for row in measure(folder, args.runs):
            (wall, cpu), (peer_wall, peer_cpu) = row["kgpub"], row["pyoxigraph"]
            lines.append(
                f"| {name} | {row['stage']} | {row['triples']:,} | {wall:.3f} | {peer_wall:.3f} | "
                f"{wall / peer_wall:.1f}× | {cpu:.3f} | {cpu / peer_cpu:.1f}× |"
            )
            print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    OUT.mkdir(exist_ok=True)
    (OUT / "formats.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
