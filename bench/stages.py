"""Time the stages of one ``kgpub build`` in this process and print them as JSON.

    python bench/stages.py PROJECT OUT [--validate-only] [--serial] [--profile FILE]
                                       [--engine sparql|pyshacl] [--incremental]

Stages: ``imports`` (kgpub, rdflib, and pyshacl with ``--engine pyshacl``), ``parse`` (config,
ontology, data and shapes, through ``Project``'s cached properties, so the build does not parse again), then ``BuildResult.timings``:
``validate`` (pyshacl and the report), ``materialise`` (enrich), ``serialise`` (writing the four
formats of data and ontology, the context and the report, fsync and swap), and ``other`` (the rest of
``build``: canned-query checks, prefixes and JSON-LD context). ``shapes`` gives the seconds spent in
each top-level SHACL shape. Interpreter start-up is what the caller's wall time has on top of
``total``.

``--profile FILE`` writes a cProfile of the stages after parsing, with a text summary beside it
(forked validation workers are not in it, so use it with ``--serial``). ``--serial`` validates in one
process (``kgpub.validate.validate(project, jobs=1)``), so that every shape's time is seen here.

``--engine`` picks the validation engine (default ``sparql``: the shapes compiled into SPARQL on
pyoxigraph; ``pyshacl``: the reference). With ``sparql``, ``shapes`` gives the seconds of each
top-level shape's queries, and ``parse`` covers only the ontology and shapes for ``--validate-only``
(validation parses the data into its own store; the rdflib graph of the data is needed only by the
build). ``--incremental`` validates as ``kgpub validate`` does (only what changed since the last run,
when ``.kgpub-cache/`` holds a store of it).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def time_shapes() -> dict[str, float]:
    """Seconds spent in each top-level pySHACL shape (filled in while validation runs)."""
    from pyshacl.shape import Shape

    spent: dict[str, float] = {}
    depth = [0]
    original = Shape.validate

    def validate(self: Shape, *args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                name = str(self.node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    Shape.validate = validate  # type: ignore[method-assign]
    return spent


def time_compiled_shapes() -> dict[str, float]:
    """Seconds spent in each top-level shape's SPARQL queries (the compiled engine)."""
    from kgpub import shacl_sparql

    spent: dict[str, float] = {}
    original = shacl_sparql._run_check

    def run_check(store: Any, compiled: Any, check: Any, query: str) -> Any:
        started = time.perf_counter()
        try:
            return list(original(store, compiled, check, query))
        finally:
            name = str(check.unit).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    shacl_sparql._run_check = run_check  # type: ignore[assignment]
    return spent


def force_serial_validation() -> None:
    """Make kgpub validate in this process, whatever the graph's size (older kgpub has no ``jobs``)."""
    import functools
    import inspect

    from kgpub import validate as module

    if "jobs" in inspect.signature(module.validate).parameters:
        module.validate = functools.partial(module.validate, jobs=1)


def summary(stats_file: Path, lines: int = 40) -> str:
    """The top functions of a profile by own time and by cumulative time."""
    import io

    out = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the stages of one kgpub build.")
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--validate-only", action="store_true")
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument(
        "--serial", action="store_true", help="validate in one process (with --validate-only)"
    )
    parser.add_argument("--engine", choices=("sparql", "pyshacl"), default="sparql")
    parser.add_argument("--incremental", action="store_true", help="validate as `kgpub validate` does")
    args = parser.parse_args()
    import os

    os.environ["KGPUB_SHACL_ENGINE"] = args.engine

    times: dict[str, Any] = {"engine": args.engine}
    mark = time.perf_counter()
    if args.engine == "pyshacl":
        import pyshacl  # noqa: F401 - imported here so that its import is not counted as validation
    import rdflib  # noqa: F401

    from kgpub import Project

    times["imports"] = time.perf_counter() - mark
    shapes = time_shapes() if args.engine == "pyshacl" else time_compiled_shapes()
    if args.serial:
        force_serial_validation()

    mark = time.perf_counter()
    project = Project(args.project)
    _ = project.ontology, project.shapes
    if not (args.validate_only and args.engine == "sparql"):
        _ = project.data.graph if args.engine == "pyshacl" else project.data
    times["parse"] = time.perf_counter() - mark

    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    mark = time.perf_counter()
    if args.validate_only:
        from kgpub.validate import validate

        report = validate(project, incremental=args.incremental)
        times["validate"] = time.perf_counter() - mark
        times["conforms"] = report.conforms
        times["triples"] = report.checked_triples
        times["scope"] = report.scope
        if report.changed_entities is not None:
            times["changed_entities"] = report.changed_entities
            times["rechecked"] = report.rechecked
    else:
        result = project.build(args.out)
        elapsed = time.perf_counter() - mark
        times["validate"] = result.timings["validate"]
        times["materialise"] = result.timings["enrich"]
        times["serialise"] = result.timings["write"]
        times["other"] = elapsed - sum(result.timings.values())
        times["output_triples"] = result.triples
        times["conforms"] = result.report.conforms
        times["triples"] = result.report.checked_triples
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
        args.profile.with_suffix(".txt").write_text(summary(args.profile), encoding="utf-8")
    times["total"] = time.perf_counter() - STARTED
    times["shapes"] = dict(sorted(shapes.items(), key=lambda kv: -kv[1]))
    print(json.dumps(times))


if __name__ == "__main__":
    main()
