"""Benchmark kgpub: generate projects, time ``kgpub validate`` and ``kgpub build``, compare with peers.

    python bench/run.py [--sizes kiruna,10k,100k] [--quick] [--profile] [--all]

Every measurement is a fresh subprocess (interpreter start and imports count); wall time is the
median of ``--repeat`` runs (default 3, and 1 from 100k triples up), peak memory is the child's
``ru_maxrss`` from ``os.wait4``. A stage driver (bench/stages.py) gives the share of parsing,
validation, materialisation and serialisation; bench/peers.py times pyoxigraph and rdflib parsing
and writing the same data files. The Markdown table goes to stdout and to bench/out/results.md
(raw numbers in bench/out/results.json). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from generate import FALLBACK_SHAPES, copy_shapes, generate, parse_count, shapes_folder

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
PYTHON = sys.executable
KGPUB = str(Path(PYTHON).with_name("kgpub"))
MIB = 1024 * 1024

KIRUNA_BUILD_LIMIT = 1.5
BIG_TOTAL_LIMIT = 30.0
BIG_MEMORY_LIMIT_MB = 1024.0
BIG = 100_000
TIMED_OUT = 124


@dataclass
class Sample:
    """One finished subprocess."""

    wall: float
    cpu: float
    peak_mb: float
    tree_mb: float
    code: int
    stdout: str = ""
    stderr: str = ""


@dataclass
class Measured:
    """Repeated runs of one command: median wall time, highest peak memory."""

    walls: list[float]
    cpus: list[float]
    peak_mb: float
    tree_mb: float
    code: int
    stdout: str
    stderr: str

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def ok(self) -> bool:
        return self.code == 0


@dataclass
class SizeResult:
    """Everything measured on one project."""

    name: str
    project: str
    triples: int = 0
    output_triples: int = 0
    runs: dict[str, Measured] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    shapes: dict[str, float] = field(default_factory=dict)
    serial_validate: float = 0.0
    stage_runs: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


class TreeMemory(threading.Thread):
    """Samples the summed PSS of a process and its forked workers (everything in its session).

    Cheap on purpose, so as not to steal CPU from what is measured: every ``interval`` seconds it lists
    the session's processes, and reads their PSS only when there is more than one (for a single
    process, ``ru_maxrss`` is exact).
    """

    def __init__(self, session: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.session, self.interval = session, interval
        self.peak_kb = 0
        self.done = threading.Event()

    def members(self) -> list[str]:
        found = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                fields = stat[stat.rindex(")") + 2 :].split()
                if fields[3] == str(self.session):  # session id
                    found.append(entry.name)
        return found

    @staticmethod
    def pss_kb(pid: str) -> int:
        try:
            for line in Path("/proc", pid, "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def run(self) -> None:
        while not self.done.wait(self.interval):
            members = self.members()
            if len(members) > 1:
                self.peak_kb = max(self.peak_kb, sum(self.pss_kb(pid) for pid in members))


def run_once(argv: Sequence[str], timeout: float) -> Sample:
    """Run ``argv`` in a fresh process (its own session); wall time and memory.

    ``peak_mb`` is ``ru_maxrss`` from ``wait4``: the largest single process of the tree. ``tree_mb`` is
    the highest sum of PSS over the process and its forked workers, sampled every 0.5 s.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, start_new_session=True)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.done.set()
        wall = time.perf_counter() - started
        sampler.join()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak_mb = usage.ru_maxrss * 1024 / MIB
        return Sample(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_mb=peak_mb,
            tree_mb=max(peak_mb, sampler.peak_kb * 1024 / MIB),
            code=TIMED_OUT if code == -signal.SIGKILL else code,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def measure(argv: Sequence[str], repeat: int, timeout: float, label: str) -> Measured:
    """Run ``argv`` ``repeat`` times (stop early if it fails)."""
    samples: list[Sample] = []
    for index in range(repeat):
        sample = run_once(argv, timeout)
        samples.append(sample)
        status = "ok" if sample.code == 0 else f"exit {sample.code}"
        print(
            f"  {label} [{index + 1}/{repeat}]: {sample.wall:.2f} s (CPU {sample.cpu:.2f} s), {sample.peak_mb:.0f} MB "
            f"(tree {sample.tree_mb:.0f} MB), {status}",
            file=sys.stderr,
            flush=True,
        )
        if sample.code != 0:
            break
    return Measured(
        walls=[s.wall for s in samples],
        cpus=[s.cpu for s in samples],
        peak_mb=max(s.peak_mb for s in samples),
        tree_mb=max(s.tree_mb for s in samples),
        code=next((s.code for s in samples if s.code != 0), 0),
        stdout=samples[-1].stdout,
        stderr=samples[-1].stderr,
    )


def kiruna_project() -> tuple[Path, str]:
    """The repository itself once its shapes exist, else a copy of it with the fallback shapes."""
    if shapes_folder() is not None:
        return REPO, "the repository"
    target = OUT / "kiruna"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(REPO / "kgpub.toml", target / "kgpub.toml")
    for folder in ("ontology", "data"):
        shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    copy_shapes(target / "shapes")
    return target, "a copy of the repository with bench/fallback-shapes.ttl"


def bench_size(name: str, repeat: int, timeout: float, seed: int, profile: bool) -> SizeResult:
    """Generate (unless Kiruna) and measure one project."""
    if name == "kiruna":
        project, where = kiruna_project()
        result = SizeResult(name="Kiruna", project=str(project), note=where)
    else:
        triples = parse_count(name)
        project = OUT / name
        print(f"generating {project} ({triples} triples)…", file=sys.stderr, flush=True)
        info = generate(project, triples, seed=seed)
        result = SizeResult(
            name=name,
            project=str(project),
            note=f"{info['municipalities']} municipalities, {info['files']} files",
        )
        if triples >= BIG:
            repeat = 1
    print(f"{result.name}: {project}", file=sys.stderr, flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="kgpub-bench-"))
    try:
        runs = result.runs
        runs["validate"] = measure([KGPUB, "-p", str(project), "validate"], repeat, timeout, "kgpub validate")
        builds = iter(range(1000))
        runs["build"] = measure_fresh(
            lambda: [KGPUB, "-p", str(project), "build", "--out", str(scratch / f"build-{next(builds)}")],
            repeat,
            timeout,
            "kgpub build",
        )
        stage_runs: list[dict[str, Any]] = []
        stage_walls = []
        for index in range(repeat if runs["build"].ok else 0):
            sample = run_once(
                [PYTHON, str(BENCH / "stages.py"), str(project), str(scratch / f"stages-{index}")], timeout
            )
            print(f"  stages [{index + 1}/{repeat}]: {sample.wall:.2f} s", file=sys.stderr, flush=True)
            if sample.code != 0:
                print(sample.stderr[-2000:], file=sys.stderr)
                break
            stage_runs.append(json.loads(sample.stdout.strip().splitlines()[-1]))
            stage_walls.append(sample.wall)
        if stage_runs:
            # The run with the median wall time, whole: per-stage medians of noisy runs do not add up.
            middle = sorted(range(len(stage_runs)), key=stage_walls.__getitem__)[len(stage_runs) // 2]
            chosen = stage_runs[middle]
            result.stages = {k: float(v) for k, v in chosen.items() if isinstance(v, float)}
            result.stages["wall"] = stage_walls[middle]
            result.triples = int(chosen["triples"])
            result.output_triples = int(chosen.get("output_triples", 0))
            result.stage_runs = [{**r, "wall": w} for r, w in zip(stage_runs, stage_walls, strict=True)]
        if runs["validate"].ok:
            # One more validation in a single process, for the time per shape (forked workers' shapes
            # are not seen by the stage driver's instrumentation).
            argv = [
                PYTHON,
                str(BENCH / "stages.py"),
                str(project),
                str(scratch / "serial"),
                "--validate-only",
            ]
            sample = run_once([*argv, "--serial"], timeout)
            if sample.code == 0:
                found = json.loads(sample.stdout.strip().splitlines()[-1])
                result.serial_validate = float(found["validate"])
                result.shapes = dict(found["shapes"])
                print(f"  validate in one process: {result.serial_validate:.2f} s", file=sys.stderr)
        data = Path(project) / "data"
        for peer in ("pyoxigraph", "rdflib"):
            runs[peer] = measure(
                [PYTHON, str(BENCH / "peers.py"), peer, str(data), str(scratch / f"{peer}.nt")],
                repeat,
                timeout,
                peer,
            )
            if runs[peer].ok and not result.triples:
                result.triples = int(json.loads(runs[peer].stdout)["triples"])
        if profile:
            target = OUT / f"profile-{name}.pstats"
            print(f"  profiling the build into {target.with_suffix('.txt')}…", file=sys.stderr, flush=True)
            run_once(
                [
                    PYTHON,
                    str(BENCH / "stages.py"),
                    str(project),
                    str(scratch / "profile"),
                    "--serial",
                    "--profile",
                    str(target),
                ],
                timeout * 3,
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return result


def measure_fresh(make_argv: Callable[[], list[str]], repeat: int, timeout: float, label: str) -> Measured:
    """Like :func:`measure`, with new arguments each run (a fresh output folder per build)."""
    results = [measure(make_argv(), 1, timeout, f"{label} ({index + 1}/{repeat})") for index in range(repeat)]
    failed = next((r for r in results if not r.ok), None)
    return Measured(
        walls=[w for r in results for w in r.walls],
        cpus=[c for r in results for c in r.cpus],
        peak_mb=max(r.peak_mb for r in results),
        tree_mb=max(r.tree_mb for r in results),
        code=failed.code if failed else 0,
        stdout=results[-1].stdout,
        stderr=(failed or results[-1]).stderr,
    )


# -- report -----------------------------------------------------------------------------------------
def pct(part: float | None, whole: float) -> str:
    return "" if part is None or whole <= 0 else f"{100 * part / whole:.0f}%"


def ratio(a: Measured, b: Measured | None) -> str:
    return f"{a.wall / b.wall:.1f}×" if b is not None and a.ok and b.ok and b.wall > 0 else ""


def wall_text(m: Measured) -> str:
    if not m.ok:
        return f"failed (exit {m.code})" if m.code != TIMED_OUT else "timed out"
    spread = f" ({min(m.walls):.2f}–{max(m.walls):.2f})" if len(m.walls) > 1 else ""
    return f"{m.wall:.2f}{spread}"


def results_table(results: list[SizeResult]) -> list[str]:
    lines = [
        "| project | triples | command | wall s | CPU s | peak MB | start+imports | parse | validate "
        "| materialise | serialise | ×pyoxigraph | ×rdflib |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.stages
        startup = s["wall"] - s["total"] + s["imports"] if s else None
        oxi, rdf = r.runs.get("pyoxigraph"), r.runs.get("rdflib")
        for key, label in [("validate", "`kgpub validate`"), ("build", "`kgpub build`")]:
            m = r.runs[key]
            if s and key == "validate":
                whole = (startup or 0) + s["parse"] + s["validate"]
                shares = [pct(startup, whole), pct(s["parse"], whole), pct(s["validate"], whole), "", ""]
            elif s:
                whole = s["wall"]
                shares = [
                    pct(startup, whole),
                    pct(s["parse"], whole),
                    pct(s["validate"], whole),
                    pct(s.get("materialise"), whole),
                    pct(s.get("serialise"), whole),
                ]
            else:
                shares = [""] * 5
            lines.append(
                f"| {r.name} | {r.triples:,} | {label} | {wall_text(m)} | {m.cpu:.2f} | {m.tree_mb:.0f} | "
                + " | ".join(shares)
                + f" | {ratio(m, oxi)} | {ratio(m, rdf)} |"
            )
        for peer in ("pyoxigraph", "rdflib"):
            m = r.runs[peer]
            lines.append(
                f"| {r.name} | {r.triples:,} | {peer} parse+serialise | {wall_text(m)} | {m.cpu:.2f} | {m.tree_mb:.0f} "
                "|  |  |  |  |  |  |  |"
            )
    return lines


def stage_table(results: list[SizeResult]) -> list[str]:
    lines = [
        "| project | build driver wall s | start+imports | parse | validate | materialise | serialise "
        "| other | output triples |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.stages
        if not s:
            continue
        startup = s["wall"] - s["total"] + s["imports"]
        cells = [startup, s["parse"], s["validate"], s["materialise"], s["serialise"], s["other"]]
        lines.append(
            f"| {r.name} | {s['wall']:.2f} | "
            + " | ".join(f"{c:.2f}" for c in cells)
            + f" | {r.output_triples:,} |"
        )
    return lines


def shapes_table(results: list[SizeResult], top: int = 6) -> list[str]:
    """The slowest SHACL shapes per project, from a validation in one process."""
    lines = ["| project | validate s, one process | slowest shapes (s) |", "|---|---:|---|"]
    for r in results:
        if r.shapes:
            ranked = sorted(r.shapes.items(), key=lambda kv: -kv[1])[:top]
            slowest = ", ".join(f"{name} {seconds:.2f}" for name, seconds in ranked)
            lines.append(f"| {r.name} | {r.serial_validate:.2f} | {slowest} |")
    return lines


def target_rows(results: list[SizeResult]) -> list[str]:
    by_name = {r.name: r for r in results}
    lines = ["| target | measured | limit | result |", "|---|---:|---:|---|"]

    def row(what: str, value: float | None, limit: float, unit: str, failed: bool = False) -> None:
        if failed:
            lines.append(f"| {what} | failed | < {limit:g} {unit} | FAIL |")
        elif value is None:
            lines.append(f"| {what} | not run | < {limit:g} {unit} | – |")
        else:
            verdict = "PASS" if value < limit else "FAIL"
            lines.append(f"| {what} | {value:.2f} {unit} | < {limit:g} {unit} | {verdict} |")

    kiruna = by_name.get("Kiruna")
    build = kiruna.runs["build"] if kiruna else None
    row(
        "Kiruna `kgpub build` wall (incl. interpreter start)",
        build.wall if build and build.ok else None,
        KIRUNA_BUILD_LIMIT,
        "s",
        failed=bool(build and not build.ok),
    )
    big = next((r for r in results if r.name != "Kiruna" and parse_count(r.name) == BIG), None)
    if big is not None:
        v, b = big.runs["validate"], big.runs["build"]
        failed = not (v.ok and b.ok)
        row("100k `kgpub validate` + `kgpub build` wall", v.wall + b.wall, BIG_TOTAL_LIMIT, "s", failed)
        row("100k peak memory (max of validate, build)", max(v.tree_mb, b.tree_mb), BIG_MEMORY_LIMIT_MB, "MB")
    else:
        row("100k `kgpub validate` + `kgpub build` wall", None, BIG_TOTAL_LIMIT, "s")
        row("100k peak memory (max of validate, build)", None, BIG_MEMORY_LIMIT_MB, "MB")
    return lines


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("kgpub", "rdflib", "pyshacl", "pyoxigraph"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


LOAD_AT_START = ", ".join(f"{x:.1f}" for x in os.getloadavg())


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    system = f"{platform.system()} {platform.release()}"
    return (
        f"{os.cpu_count()} cores{', ' + model if model else ''}, {system}; "
        f"load average (1, 5, 15 min) at the start {LOAD_AT_START}, at the end {load}"
    )


def code_state() -> str:
    """The commit measured, and whether src/ or shapes/ had uncommitted changes (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "src", "shapes", "ontology"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"commit {head}" + (
        f" with {len(dirty)} uncommitted files in src/, shapes/, ontology/" if dirty else ""
    )


def shapes_note() -> str:
    folder = shapes_folder()
    if folder is None:
        return f"bench/{FALLBACK_SHAPES.name} (shapes/kgpub-shapes.ttl does not exist yet)"
    digest = hashlib.sha256((folder / "kgpub-shapes.ttl").read_bytes()).hexdigest()[:12]
    return f"shapes/kgpub-shapes.ttl (sha256 {digest}…)"


def report(results: list[SizeResult], repeat: int) -> str:
    v = versions()
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    out = [
        f"# kgpub benchmark, {when}",
        "",
        f"Machine: {machine()}. Versions: "
        + ", ".join(f"{k} {val}" for k, val in v.items())
        + f". Code: {code_state()}. Shapes: {shapes_note()}.",
        f"Wall time: median of {repeat} fresh processes (1 from 100k triples up), range in brackets; "
        "peak memory: the highest of the largest process's ru_maxrss and the summed PSS of the process and "
        "its forked workers (sampled every 0.5 s), in MiB; CPU: user+system seconds of the process and the "
        "workers it reaped (median). Shares are of the stage driver's wall time "
        "(its run with the median wall time).",
        "",
        *results_table(results),
        "",
        "Stages of one build (seconds; the stage-driver run with the median wall time, bench/stages.py):",
        "",
        *stage_table(results),
        "",
        "Where validation goes: seconds per top-level SHACL shape, from one more validation forced into a "
        "single process (`bench/stages.py --validate-only --serial`):",
        "",
        *shapes_table(results),
        "",
        "Targets:",
        "",
        *target_rows(results),
        "",
    ]
    notes = [f"- {r.name}: {r.project} ({r.note})" for r in results]
    out += ["Projects:", "", *notes, ""]
    failures = [
        f"- {r.name} `{key}` exit {m.code}: {m.stderr.strip()[-600:]}"
        for r in results
        for key, m in r.runs.items()
        if not m.ok
    ]
    if failures:
        out += ["Failures:", "", *failures, ""]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark kgpub validate and build against peers.")
    parser.add_argument(
        "--sizes", default=None, help="comma-separated: kiruna, 10k, 100k, 1m … (default kiruna,10k,100k)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 run each; sizes kiruna,10k unless --sizes is given"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per measurement below 100k (default 3)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds per command before it is killed"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile one build per size (bench/out/profile-*)"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="also the canned-query benchmark (bench/queries.py), the HTTP one (bench/serve.py, needs wrk) "
        "and the triple-store one (bench/stores.py, needs Virtuoso)",
    )
    args = parser.parse_args(argv)
    sizes = [
        s.strip().lower()
        for s in (args.sizes or ("kiruna,10k" if args.quick else "kiruna,10k,100k")).split(",")
    ]
    repeat = args.repeat or (1 if args.quick else 3)
    OUT.mkdir(parents=True, exist_ok=True)
    results = [bench_size(name, repeat, args.timeout, args.seed, args.profile) for name in sizes if name]
    text = report(results, repeat)
    (OUT / "results.md").write_text(text, encoding="utf-8")
    raw = [
        {
            **asdict(r),
            "runs": {k: {**asdict(m), "stdout": "", "stderr": m.stderr[-2000:]} for k, m in r.runs.items()},
        }
        for r in results
    ]
    (OUT / "results.json").write_text(
        json.dumps({"versions": versions(), "results": raw}, indent=1), encoding="utf-8"
    )
    print(text)
    if args.all:
        import formats
        import queries
        import serve
        import stores

        formats.main(["--projects", "kiruna,100k"])
        queries.main(["--projects", "kiruna,100k"])
        serve.main(["--project", "100k"])
        stores.main(["--projects", "100k"])


if __name__ == "__main__":
    main()
