"""Time the stages of one ``kgpub build`` in this process and print them as JSON.

    python bench/stages.py PROJECT OUT [--validate-only] [--serial] [--profile FILE]

Stages: ``imports`` (kgpub, rdflib, pyshacl), ``parse`` (config, ontology, data and shapes, through
``Project``'s cached properties, so the build does not parse again), then ``BuildResult.timings``:
``validate`` (pyshacl and the report), ``materialise`` (enrich), ``serialise`` (writing the four
formats of data and ontology, the context and the report, fsync and swap), and ``other`` (the rest of
``build``: canned-query checks, prefixes and JSON-LD context). ``shapes`` gives the seconds spent in
each top-level SHACL shape. Interpreter start-up is what the caller's wall time has on top of
``total``.

``--profile FILE`` writes a cProfile of the stages after parsing, with a text summary beside it
(forked validation workers are not in it, so use it with ``--serial``). ``--serial`` validates in one
process (``kgpub.validate.validate(project, jobs=1)``), so that every shape's time is seen here.
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
    args = parser.parse_args()

    times: dict[str, Any] = {}
    mark = time.perf_counter()
    import pyshacl  # noqa: F401 - imported here so that its import is not counted as validation
    import rdflib  # noqa: F401

    from kgpub import Project

    times["imports"] = time.perf_counter() - mark
    shapes = time_shapes()
    if args.serial:
        force_serial_validation()

    mark = time.perf_counter()
    project = Project(args.project)
    data = project.data
    _ = project.ontology, project.shapes
    times["parse"] = time.perf_counter() - mark
    times["triples"] = len(data.graph)

    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    mark = time.perf_counter()
    if args.validate_only:
        report = project.validate()
        times["validate"] = time.perf_counter() - mark
        times["conforms"] = report.conforms
    else:
        result = project.build(args.out)
        elapsed = time.perf_counter() - mark
        times["validate"] = result.timings["validate"]
        times["materialise"] = result.timings["enrich"]
        times["serialise"] = result.timings["write"]
        times["other"] = elapsed - sum(result.timings.values())
        times["output_triples"] = result.triples
        times["conforms"] = result.report.conforms
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
        args.profile.with_suffix(".txt").write_text(summary(args.profile), encoding="utf-8")
    times["total"] = time.perf_counter() - STARTED
    times["shapes"] = dict(sorted(shapes.items(), key=lambda kv: -kv[1]))
    print(json.dumps(times))


if __name__ == "__main__":
    main()
