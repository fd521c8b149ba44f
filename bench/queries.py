"""Canned-query latency, in process: pyoxigraph (the engine kgpub serves with) against rdflib's default store.

    python bench/queries.py [--projects kiruna,100k] [--runs 7] [--rdflib-limit 10]

For each project the published graph (data plus what the alignments imply, plus the ontology) is
loaded into both engines once; every canned query (example parameters, the federated one left out)
runs ``--runs`` times on pyoxigraph and, where it finishes within ``--rdflib-limit`` seconds, on
rdflib. Prints a Markdown table with medians and the rdflib/pyoxigraph ratio, and writes it to
bench/out/queries.md. Target: the median canned query on 100k triples answers in under 50 ms in
pyoxigraph.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
TARGET_MS = 50.0


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout()


def measure(project_dir: Path, runs: int, rdflib_limit: float) -> list[dict[str, Any]]:
    from rdflib import Graph

    from kgpub import Project
    from kgpub.enrich import materialise
    from kgpub.queries import bind, with_prefixes
    from kgpub.serialise import ox_triples
    from kgpub.sparql import LocalEngine

    project = Project(project_dir)
    graph = materialise(project.data.graph, project.ontology.graph) + project.ontology.graph
    ox_engine = LocalEngine.from_triples(ox_triples(graph))
    rdf_graph = Graph()
    rdf_graph += graph
    rows = []
    for name, query in sorted(project.queries.items()):
        if "federated" in query.tags:
            continue
        text = with_prefixes(bind(query, query.example, project.prefixes), project.query_prefixes)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = ox_engine.run(text)
            times.append(time.perf_counter() - started)
        ox_ms = statistics.median(times) * 1000
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, rdflib_limit)
        rdflib_ms: float | None
        try:
            started = time.perf_counter()
            list(rdf_graph.query(text))
            rdflib_ms = (time.perf_counter() - started) * 1000
        except _Timeout:
            rdflib_ms = None
            note = "timeout"
        except Exception as exc:  # rdflib cannot evaluate some valid queries
            rdflib_ms = None
            note = f"rdflib error: {type(exc).__name__}"
        else:
            note = ""
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        size = (
            len(result.rows)
            if result.kind == "select"
            else len(result.triples or [])
            if result.kind == "graph"
            else 1
        )
        rows.append(
            {"query": name, "pyoxigraph_ms": ox_ms, "rdflib_ms": rdflib_ms, "results": size, "note": note}
        )
    return rows


def table(project: str, triples: int, rows: list[dict[str, Any]], limit: float) -> str:
    out = [
        f"### {project} ({triples:,} triples)",
        "",
        "| query | results | pyoxigraph ms (median) | rdflib ms | rdflib / pyoxigraph |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["rdflib_ms"] is not None:
            rdf, ratio = f"{r['rdflib_ms']:.1f}", f"{r['rdflib_ms'] / r['pyoxigraph_ms']:.0f}×"
        elif r["note"] == "timeout":
            rdf, ratio = f"> {limit * 1000:.0f}", f"> {limit * 1000 / r['pyoxigraph_ms']:.0f}×"
        else:
            rdf, ratio = r["note"], "–"
        out.append(f"| {r['query']} | {r['results']} | {r['pyoxigraph_ms']:.2f} | {rdf} | {ratio} |")
    med = statistics.median(r["pyoxigraph_ms"] for r in rows)
    finished = [r for r in rows if r["rdflib_ms"] is not None]
    ratios = [r["rdflib_ms"] / r["pyoxigraph_ms"] for r in finished]
    verdict = "PASS" if med < TARGET_MS else "FAIL"
    out += [
        "",
        f"Median canned query on pyoxigraph: **{med:.2f} ms** (target < {TARGET_MS:.0f} ms at 100k: {verdict}). "
        f"Median ratio rdflib/pyoxigraph over the {len(finished)} queries rdflib finished: "
        f"{statistics.median(ratios):.0f}×"
        + (
            f"; {len(rows) - len(finished)} did not finish on rdflib (timeout {limit:g} s or an rdflib error)."
            if len(finished) < len(rows)
            else "."
        ),
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", default="kiruna,100k")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rdflib-limit", type=float, default=10.0)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(BENCH))
    parts = []
    for name in args.projects.split(","):
        folder = REPO if name == "kiruna" else OUT / name
        if not (folder / "data").is_dir():
            from generate import generate, parse_count  # type: ignore[import-not-found]

            generate(folder, parse_count(name), seed=1)
        from kgpub import Project

        rows = measure(folder, args.runs, args.rdflib_limit)
        parts.append(table(name, len(Project(folder).data.graph), rows, args.rdflib_limit))
    text = "## Canned queries, in process\n\n" + "\n".join(parts)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "queries.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
