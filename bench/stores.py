"""Push into real triple stores, and canned queries embedded vs through a remote store.

    python bench/stores.py [--projects 100k,1m] [--runs 5] [--timeout 3600] [--query-timeout 120]
                           [--stores oxigraph,virtuoso]

For each synthetic project under bench/out/NAME (made by bench/generate.py if missing, built with
``kgpub --project DIR build`` if dist/ is missing or older than the inputs):

1. starts a writable Oxigraph server (``oxigraph serve``) and Virtuoso Open Source (``virtuoso-t``,
   a throwaway database in a temp folder, with an ini written here), both on 127.0.0.1;
2. times ``kgpub --project DIR push --store URL --store-kind oxigraph|virtuoso`` twice per store (the
   first load into an empty store, then a replacement of the same graphs), each a fresh process:
   wall time, the push's own reported seconds and its peak RSS (``ru_maxrss`` from ``os.wait4``);
   after each push the data, ontology and catalogue graphs must hold what the build has;
3. runs every canned query (default parameters; the federated SERVICE one left out) once to warm
   up, then ``--runs`` times round-robin: embedded (pyoxigraph in this process, ``Project.query``)
   and remote, through ``open_remote(...).run(text)`` with the text ``Site.canned`` sends, on the
   Oxigraph server and on Virtuoso; medians per query, the remote/embedded ratio, and whether the
   stores' answers equal the embedded one;
4. stops both servers and removes the temp folders, whatever happens.

Prints a Markdown report and writes it to bench/out/stores.md. Virtuoso's dba password is the
throwaway database's default (dba), given to kgpub through a netrc file named by ``NETRC``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
BIN = Path(sys.executable).parent
KGPUB = str(BIN / "kgpub")
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph") or str(BIN / "oxigraph")
VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
TIMED_OUT = 124

# Our own ini for a throwaway Virtuoso: everything in one folder, HTTP and SQL on loopback only.
# Buffers as Virtuoso's guide suggests for ~2 GB of RAM (8 KiB pages): 1M triples fit in memory.
# No query time limit (Virtuoso's "anytime" limit returns *partial* answers without an error), and
# result and sort limits far above what the canned queries return, so answers are complete.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/db/virtuoso.db
ErrorLogFile = {folder}/db/virtuoso.log
LockFile = {folder}/db/virtuoso.lck
TransactionFile = {folder}/db/virtuoso.trx
xa_persistent_file = {folder}/db/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/db/virtuoso-temp.db
TransactionFile = {folder}/db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
DirsAllowed = ., {folder}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}/www
ServerThreads = 10
MaxClientConnections = 10
KeepAliveTimeout = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
MaxSortedTopRows = 1000000
"""


# -- servers --------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(proc: subprocess.Popen[bytes], grace: float = 30.0) -> None:
    """Terminate a server we started (by its own process object), then kill it if it lingers."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float, log: Path | None = None) -> None:
    """Poll ``url`` (an ASK query) until it answers 200; fail if the server exits or is too slow."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"the server stopped while starting (exit {proc.returncode}):\n{tail}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.3)


def vm_kb(pid: int, key: str) -> int:
    """A line of /proc/PID/status in KiB (VmRSS now, VmHWM the peak); 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class Server:
    """One running store."""

    kind: str  # "oxigraph" or "virtuoso"
    label: str
    url: str
    proc: subprocess.Popen[bytes]
    folder: Path
    query_url: str
    start_s: float

    def rss_mb(self) -> tuple[float, float]:
        """Resident memory now and at its peak, MiB."""
        return vm_kb(self.proc.pid, "VmRSS") / 1024, vm_kb(self.proc.pid, "VmHWM") / 1024

    def disk_mb(self) -> float:
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file()) / 2**20


@contextlib.contextmanager
def oxigraph_server(scratch: Path) -> Iterator[Server]:
    folder = scratch / "oxigraph"
    folder.mkdir()
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url + "/query", proc, 60)
        yield Server(
            "oxigraph", "Oxigraph server", url, proc, folder, url + "/query", time.perf_counter() - started
        )
    finally:
        stop(proc)


@contextlib.contextmanager
def virtuoso_server(scratch: Path) -> Iterator[Server]:
    if not Path(VIRTUOSO).exists():
        raise RuntimeError("Virtuoso Open Source is not installed (no virtuoso-t)")
    folder = scratch / "virtuoso"
    (folder / "www").mkdir(parents=True)
    (folder / "db").mkdir()
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(folder=folder, sql_port=free_port(), http_port=http_port), encoding="utf-8"
    )
    started = time.perf_counter()
    with (folder / "stdout.log").open("wb") as log:
        proc = subprocess.Popen(
            [VIRTUOSO, "-c", str(ini), "+foreground"],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    try:
        url = f"http://127.0.0.1:{http_port}"
        wait_ready(url + "/sparql", proc, 180, folder / "db" / "virtuoso.log")
        yield Server(
            "virtuoso", "Virtuoso", url, proc, folder / "db", url + "/sparql", time.perf_counter() - started
        )
    finally:
        stop(proc, grace=60)


# -- pushing --------------------------------------------------------------------------------------
@dataclass
class Push:
    label: str
    wall: float = 0.0
    reported: float | None = None
    peak_mb: float = 0.0
    code: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    check: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0 and not self.error


def run_push(folder: Path, server: Server, env: dict[str, str], timeout: float, label: str) -> Push:
    """``kgpub push`` in a fresh process: wall time, the seconds it reports, its ru_maxrss."""
    argv = [KGPUB, "--project", str(folder), "push", "--store", server.url, "--store-kind", server.kind]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    result = Push(label, wall=wall, peak_mb=usage.ru_maxrss / 1024, code=code)
    if code == -signal.SIGKILL:
        result.code = TIMED_OUT
        result.error = f"timed out after {timeout:g} s"
    elif code != 0:
        result.error = f"exit {code}: " + " ".join((stderr or stdout).split())[-600:]
    for line in stdout.splitlines():
        if line.startswith("Pushed to ") and " in " in line:
            with contextlib.suppress(ValueError):
                result.reported = float(line.split(" in ", 1)[1].split(" s", 1)[0])
    return result


def graph_count(server: Server, graph: str) -> int:
    r = httpx.post(
        server.query_url,
        data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=600,
    )
    r.raise_for_status()
    rows = r.json()["results"]["bindings"]
    return int(rows[0]["n"]["value"]) if rows else 0


def check_counts(server: Server, expected: dict[str, int], push: Push) -> None:
    """The store must hold exactly what the build has, graph by graph."""
    for graph, want in expected.items():
        push.counts[graph] = got = graph_count(server, graph)
        if got != want:
            push.check += f"<{graph}> holds {got:,}, expected {want:,}; "
    push.check = push.check.rstrip("; ") or "ok"


# -- queries --------------------------------------------------------------------------------------
def canonical(result: Any, loose: bool = False) -> tuple[Any, ...]:
    """A result's content, order- and blank-node-label-insensitive, for comparing engines.

    Literals count by their lexical form and language (not their datatype); a value made of parts
    joined by "; " (GROUP_CONCAT, whose order SPARQL leaves open) counts by its sorted parts.
    ``loose`` also drops language tags and reads 1/0 as true/false (Virtuoso's booleans).
    """
    import pyoxigraph as ox

    def term(t: Any) -> str:
        if t is None:
            return ""
        if isinstance(t, ox.BlankNode):
            return "_:"
        if isinstance(t, ox.Literal):
            value = "; ".join(sorted(t.value.split("; ")))
            if loose:
                return {"1": "true", "0": "false"}.get(value, value)
            return f"{value}@{t.language}" if t.language else value
        return str(t.value)

    if result.kind == "ask":
        return ("ask", bool(result.boolean))
    if result.kind == "graph":
        triples = result.triples or []
        return (
            "graph",
            tuple(sorted(tuple(term(x) for x in (t.subject, t.predicate, t.object)) for t in triples)),
        )
    order = sorted(range(len(result.variables)), key=lambda i: result.variables[i])
    return (
        "select",
        tuple(result.variables[i] for i in order),
        tuple(sorted(tuple(term(row[i]) for i in order) for row in result.rows)),
    )


def difference(reference: tuple[Any, ...], other: tuple[Any, ...]) -> str:
    """One example of how two canonical results differ."""
    if reference[:-1] != other[:-1]:
        return f"other variables: {other[:-1]} (embedded {reference[:-1]})"
    mine, theirs = set(reference[-1]), set(other[-1])
    only_ref = sorted(mine - theirs)[:1]
    only_other = sorted(theirs - mine)[:1]
    return f"e.g. embedded {only_ref[0] if only_ref else '–'}, store {only_other[0] if only_other else '–'}"[
        :300
    ]


def size(result: Any) -> int:
    if result.kind == "ask":
        return 1
    if result.kind == "graph":
        return len(result.triples or [])
    return len(result.rows)


@dataclass
class QueryRow:
    name: str
    results: int = 0
    ms: dict[str, float | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def measure_queries(
    folder: Path, servers: list[Server], runs: int, query_timeout: float
) -> tuple[list[QueryRow], float]:
    """Every canned query: warm-up, then ``runs`` round-robin rounds over the engines."""
    from kgpub import Project
    from kgpub.queries import bind, with_prefixes
    from kgpub.serve.remote import open_remote
    from kgpub.serve.settings import serve_settings

    project = Project(folder)
    started = time.perf_counter()
    _ = project.local_engine  # the built dumps, loaded into pyoxigraph in memory
    load_s = time.perf_counter() - started
    remotes = {
        s.kind: open_remote(
            project, serve_settings(None, store=s.url, store_kind=s.kind, timeout=query_timeout)
        )
        for s in servers
    }
    engines: dict[str, Callable[[str], Any]] = {"embedded": lambda name: project.query(name)}

    def remote_runner(store: Any) -> Callable[[str], Any]:
        def run(name: str) -> Any:  # what Site.canned does with default parameters
            text = bind(project.get_query(name), {}, project.prefixes)
            return store.run(with_prefixes(text, project.query_prefixes))

        return run

    for kind, store in remotes.items():
        engines[kind] = remote_runner(store)
    rows = []
    for name, query in sorted(project.queries.items()):
        if "federated" in query.tags or "SERVICE" in query.sparql.upper():
            continue
        row = QueryRow(name)
        reference: tuple[Any, ...] | None = None
        loose_reference: tuple[Any, ...] | None = None
        failed: set[str] = set()
        for engine, run in engines.items():  # warm-up, and the answers to compare
            try:
                result = run(name)
            except Exception as exc:
                failed.add(engine)
                row.notes[engine] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
                continue
            if engine == "embedded":
                reference, row.results = canonical(result), size(result)
                loose_reference = canonical(result, loose=True)
            elif reference is not None and (found := canonical(result)) != reference:
                got = size(result)
                if got != row.results:
                    what = f"{got} results, embedded {row.results}"
                elif canonical(result, loose=True) == loose_reference:
                    what = "same but for language tags or 1/0 for true/false"
                else:
                    what = "same count, other values"
                row.notes[engine] = f"{what} ({difference(reference, found)})"
        times: dict[str, list[float]] = {engine: [] for engine in engines if engine not in failed}
        for _ in range(runs):
            for engine in times:
                t0 = time.perf_counter()
                try:
                    engines[engine](name)
                except Exception as exc:
                    row.notes[engine] = f"{type(exc).__name__} in a timed run"
                    continue
                times[engine].append(time.perf_counter() - t0)
        for engine in engines:
            row.ms[engine] = statistics.median(times[engine]) * 1000 if times.get(engine) else None
        print(
            f"  {name}: "
            + ", ".join(f"{e} {v:.1f} ms" if v is not None else f"{e} failed" for e, v in row.ms.items()),
            file=sys.stderr,
            flush=True,
        )
        rows.append(row)
    return rows, load_s


# -- one project ----------------------------------------------------------------------------------
@dataclass
class ProjectResult:
    name: str
    triples: int = 0
    data_graph: str = ""
    expected: dict[str, int] = field(default_factory=dict)
    pushes: dict[str, list[Push]] = field(default_factory=dict)
    servers: dict[str, dict[str, float]] = field(default_factory=dict)
    queries: list[QueryRow] = field(default_factory=list)
    embedded_load_s: float = 0.0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def ensure_built(name: str, timeout: float) -> tuple[Path, list[str]]:
    """The project folder, generated and built if needed; what was done."""
    sys.path.insert(0, str(BENCH))
    from generate import generate, parse_count  # type: ignore[import-not-found]
    from kgpub import Project

    folder = OUT / name
    done = []
    if not (folder / "data").is_dir():
        print(f"generating {folder}…", file=sys.stderr, flush=True)
        generate(folder, parse_count(name), seed=1)
        done.append("generated")
    project = Project(folder)
    dist = project.output_dir
    dump, ontology = dist / f"{project.config.name}.nt", dist / "ontology.nt"
    if not dump.exists() or not ontology.exists() or dump.stat().st_mtime < project._inputs_mtime():
        print(f"building {folder}…", file=sys.stderr, flush=True)
        started = time.perf_counter()
        subprocess.run([KGPUB, "--project", str(folder), "build"], check=True, timeout=timeout)
        done.append(f"built ({time.perf_counter() - started:.0f} s)")
    return folder, done


def bench_project(
    name: str,
    runs: int,
    timeout: float,
    query_timeout: float,
    stores: Sequence[str] = ("oxigraph", "virtuoso"),
) -> ProjectResult:
    from kgpub import Project
    from kgpub.push import graph_names, publication

    result = ProjectResult(name)
    try:
        folder, done = ensure_built(name, timeout)
    except Exception as exc:
        result.errors.append(f"could not prepare the project: {exc}")
        return result
    result.notes += done
    project = Project(folder)
    graphs = graph_names(project)
    uploads = publication(project, project.output_dir, graphs)
    result.expected = {u.graph: len(u.triples) for u in uploads}
    result.triples = result.expected[graphs.data]
    result.data_graph = graphs.data
    del uploads
    scratch = Path(tempfile.mkdtemp(prefix="kgpub-stores-"))
    saved_env = {
        k: os.environ.get(k)
        for k in ("NETRC", "KGPUB_STORE_USER", "KGPUB_STORE_PASSWORD", "KGPUB_STORE_TOKEN")
    }
    try:
        with contextlib.ExitStack() as stack:
            servers: list[Server] = []
            starters = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
            for starter in (starters[kind] for kind in stores):
                try:
                    servers.append(stack.enter_context(starter(scratch)))
                except Exception as exc:
                    result.errors.append(f"{starter.__name__}: {exc}")
            # Credentials only for Virtuoso's host:port; the environment's KGPUB_STORE_* would win.
            netrc = scratch / "netrc"
            netrc.write_text(
                "".join(
                    f"machine {s.url.split('//', 1)[1]} login dba password dba\n"
                    for s in servers
                    if s.kind == "virtuoso"
                ),
                encoding="utf-8",
            )
            netrc.chmod(0o600)
            for key in saved_env:
                os.environ.pop(key, None)
            os.environ["NETRC"] = str(netrc)
            env = dict(os.environ)
            for server in servers:
                print(
                    f"{name}: {server.label} at {server.url} (ready in {server.start_s:.1f} s)",
                    file=sys.stderr,
                )
                pushes = result.pushes.setdefault(server.kind, [])
                for label in ("first load", "replacement"):
                    p = run_push(folder, server, env, timeout, label)
                    if p.code == 0:
                        try:
                            check_counts(server, result.expected, p)
                        except Exception as exc:
                            p.error = f"count check failed: {exc}"
                    pushes.append(p)
                    print(
                        f"  push {server.kind} {label}: {p.wall:.1f} s, {p.peak_mb:.0f} MiB, "
                        f"{p.error or p.check}",
                        file=sys.stderr,
                        flush=True,
                    )
                rss, hwm = server.rss_mb()
                result.servers[server.kind] = {
                    "rss": rss,
                    "hwm": hwm,
                    "disk": server.disk_mb(),
                    "start": server.start_s,
                }
            live = [s for s in servers if result.pushes.get(s.kind) and result.pushes[s.kind][-1].ok]
            for s in servers:
                if s not in live:
                    result.errors.append(f"{s.label}: no queries (the push failed)")
            result.queries, result.embedded_load_s = measure_queries(folder, live, runs, query_timeout)
    except Exception as exc:
        result.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(scratch, ignore_errors=True)
    return result


# -- report ---------------------------------------------------------------------------------------
LABELS = {"oxigraph": "Oxigraph server", "virtuoso": "Virtuoso"}


def ms_text(v: float | None) -> str:
    return "failed" if v is None else f"{v:.2f}" if v < 100 else f"{v:.0f}"


def ratio_text(a: float | None, b: float | None) -> str:
    return "" if a is None or b is None or b <= 0 else f"{a / b:.1f}×"


def report(results: list[ProjectResult], runs: int, meta: str) -> str:
    out = [
        "## Stores: push and remote queries (`bench/stores.py`)",
        "",
        meta,
        "",
        "Push: `kgpub --project DIR push --store URL --store-kind KIND`, a fresh process each (wall time "
        'includes interpreter start and imports; "push s" is what the push reports for itself; peak '
        "RSS is its ru_maxrss; triples/s counts every graph pushed). After each push every graph "
        "pushed (data, ontology, and the catalogue when the build has one) was counted on the store.",
        "",
        "| project | store | push | wall s | push s | triples/s | peak RSS MiB | triples (data graph) | count check |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        for kind, pushes in r.pushes.items():
            for p in pushes:
                got = p.counts.get(r.data_graph, 0)
                status = p.error or p.check
                reported = f"{p.reported:.1f}" if p.reported is not None else ""
                rate = f"{sum(r.expected.values()) / p.reported:,.0f}" if p.ok and p.reported else ""
                out.append(
                    f"| {r.name} | {LABELS[kind]} | {p.label} | {p.wall:.1f} | {reported} | {rate} | {p.peak_mb:.0f} "
                    f"| {got:,} of {r.triples:,} | {status} |"
                )
    out += [
        "",
        "Servers after both pushes (RSS now / peak, MiB; database folder size, MiB; seconds to start):",
        "",
        "| project | store | RSS MiB | peak RSS MiB | on disk MiB | start s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for kind, s in r.servers.items():
            out.append(
                f"| {r.name} | {LABELS[kind]} | {s['rss']:.0f} | {s['hwm']:.0f} | {s['disk']:.0f} | {s['start']:.1f} |"
            )
    for r in results:
        kinds = [k for k in ("oxigraph", "virtuoso") if any(k in q.ms for q in r.queries)]
        out += [
            "",
            f"### Canned queries, {r.name} ({r.triples:,} triples in the data graph)",
            "",
            f"Median of {runs} runs after one warm-up, in ms. Embedded: `Project.query` on the built dumps "
            f"in pyoxigraph in this process (loading them took {r.embedded_load_s:.2f} s). Remote: "
            '`open_remote(...).run(text)`, the text `Site.canned` sends. "same": the store\'s answer '
            "equals the embedded one (rows as a multiset; blank-node labels and literal datatypes ignored).",
            "",
            "| query | results | embedded ms | "
            + " | ".join(f"{LABELS[k]} ms | ×embedded" for k in kinds)
            + " | same |",
            "|---|---:|---:|" + "---:|---:|" * len(kinds) + "---|",
        ]
        for q in r.queries:
            cells = []
            for k in kinds:
                cells += [ms_text(q.ms.get(k)), ratio_text(q.ms.get(k), q.ms.get("embedded"))]
            differs = [f"{LABELS.get(k, k)}: {note}" for k, note in q.notes.items()]
            out.append(
                f"| {q.name} | {q.results} | {ms_text(q.ms.get('embedded'))} | "
                + " | ".join(cells)
                + f" | {'; '.join(differs) or 'yes'} |"
            )
        if r.queries:
            med: dict[str, float | None] = {}
            for engine in ("embedded", *kinds):
                values = [q.ms[engine] for q in r.queries if q.ms.get(engine) is not None]
                med[engine] = statistics.median(values) if values else None
            cells = []
            for k in kinds:
                ratios = [
                    q.ms[k] / q.ms["embedded"]  # type: ignore[operator]
                    for q in r.queries
                    if q.ms.get(k) is not None and q.ms.get("embedded")
                ]
                cells += [
                    f"**{ms_text(med[k])}**",
                    f"{statistics.median(ratios):.1f}× (median ratio)" if ratios else "",
                ]
            out.append(f"| **median** |  | **{ms_text(med['embedded'])}** | " + " | ".join(cells) + " |  |")
    problems = [f"- {r.name}: {e}" for r in results for e in r.errors]
    notes = [f"- {r.name}: {', '.join(r.notes)}" for r in results if r.notes]
    if notes:
        out += ["", "Prepared:", "", *notes]
    if problems:
        out += ["", "Problems:", "", *problems]
    return "\n".join(out) + "\n"


def meta_line(started: str, load_start: str) -> str:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    dirty = git("status", "--porcelain", "--", "src")
    oxi = subprocess.run([OXIGRAPH, "--version"], capture_output=True, text=True).stdout.strip()
    virt = subprocess.run([VIRTUOSO, "--version"], capture_output=True, text=True)
    version = next(
        (line for line in (virt.stdout + virt.stderr).splitlines() if line.startswith("Version")), ""
    )
    load_end = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"Run {started}, commit {git('rev-parse', '--short', 'HEAD')}"
        + (f" ({len(dirty.splitlines())} uncommitted files in src/)" if dirty else "")
        + f", {os.cpu_count()} cores (shared with other engineers' work), load average (1, 5, 15 min) "
        f"{load_start} at the start, {load_end} at the end; {oxi or 'oxigraph'}, Virtuoso Open Source "
        f"{version.replace('Version ', '') or '(version unknown)'}."
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--projects", default="100k", help="comma-separated names under bench/out (100k, 1m …)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query and engine (median)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per push or build")
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=120.0,
        help="seconds per remote query (kgpub serve's default is 10)",
    )
    parser.add_argument(
        "--stores",
        default="oxigraph,virtuoso",
        help="which stores to start (comma-separated; Oxigraph's MOVE makes a 1m run long)",
    )
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    if not stores or set(stores) - {"oxigraph", "virtuoso"}:
        parser.error("--stores takes oxigraph, virtuoso or both")

    def terminated(signum: int, _frame: Any) -> None:  # SIGTERM: unwind, so servers stop and temp goes
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminated)
    started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load_start = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        results = [
            bench_project(name.strip(), args.runs, args.timeout, args.query_timeout, stores)
            for name in args.projects.split(",")
            if name.strip()
        ]
    finally:
        signal.signal(signal.SIGTERM, previous)
    text = report(results, args.runs, meta_line(started, load_start))
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "stores.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
