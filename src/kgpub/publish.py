"""Stage 4, publish: validate, enrich and write ``dist/`` atomically.

Everything is written into a temporary folder next to the output folder, which then takes the old
one's place in one step (``renameat2(RENAME_EXCHANGE)`` on Linux, two renames elsewhere). A build
that fails, for whatever reason, leaves the previous publication as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import itertools
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kgpub.catalog import write_catalog
from kgpub.enrich import inferred_triples
from kgpub.errors import PublishError, ValidationFailed
from kgpub.load import paused_gc
from kgpub.serialise import FORMATS, Canonical, JsonLdWriter, make_context, serialise
from kgpub.vocab import STANDARD_PREFIXES

if TYPE_CHECKING:
    from kgpub.project import Project
    from kgpub.release import Changes
    from kgpub.validate import Report


@dataclass
class BuildResult:
    """What a build wrote."""

    out: Path
    files: list[str]
    triples: int
    report: Report
    inferred: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    #: The release this build made and what changed since the previous one (kgpub.release).
    changes: Changes | None = None
    #: The static site, when one was asked for (kgpub.site).
    site: Path | None = None


def data_prefixes(graph: Graph | list[ox.Triple], id_base: str) -> dict[str, str]:
    """Short prefixes for the entity IRIs: one per kind, e.g. ``project:`` for ``{base}id/project/``."""
    kinds: set[str] = set()
    if isinstance(graph, Graph):
        subjects = {str(s) for s in graph.subjects(unique=True) if isinstance(s, URIRef)}
    else:
        subjects = {t.subject.value for t in graph if isinstance(t.subject, ox.NamedNode)}
    for text in subjects:
        if text.startswith(id_base):
            kind, sep, _ = text[len(id_base) :].partition("/")
            if sep and kind.isidentifier() and kind not in STANDARD_PREFIXES:
                kinds.add(kind)
    return {kind: f"{id_base}{kind}/" for kind in sorted(kinds)}


def output_prefixes(graph: Graph | list[ox.Triple], id_base: str) -> dict[str, str]:
    return {**STANDARD_PREFIXES, **data_prefixes(graph, id_base)}


def context_url(project: Project) -> str:
    return project.config.base + "dumps/context.jsonld"


#: From this many triples on, the JSON-LD dump is written by a forked child alongside the others.
PARALLEL_FROM = 20_000


def write_rdf(
    folder: Path,
    stem: str,
    graph: Canonical,
    prefixes: dict[str, str],
    writer: JsonLdWriter,
    ctx_url: str,
    parallel: bool | None = None,
) -> list[str]:
    """The four forms of one graph: Turtle, N-Triples, RDF/XML, JSON-LD.

    JSON-LD is written in Python and costs about as much as the other three (written by pyoxigraph)
    together, so for a large graph it is written by a forked child on the second core meanwhile
    (``parallel``; by default from :data:`PARALLEL_FROM` triples, where fork exists).
    """
    names = [f"{stem}.{suffix}" for _media, suffix in FORMATS.values()]
    jsonld = folder / f"{stem}.{FORMATS['jsonld'][1]}"

    def write_jsonld() -> None:
        jsonld.write_bytes(writer.write(graph, ctx_url))

    if parallel is None:
        parallel = len(graph) >= PARALLEL_FROM
    with paused_gc():  # lists by the million, none in a cycle (see kgpub.load.paused_gc)
        finish = _aside(write_jsonld, f"writing {jsonld.name}") if parallel else None
        try:
            for fmt, (_media, suffix) in FORMATS.items():
                if fmt != "jsonld":
                    (folder / f"{stem}.{suffix}").write_bytes(serialise(graph, fmt, prefixes))
        except BaseException:
            if finish is not None:
                finish(check=False)  # the child is waited for; this failure is the one to report
            raise
        if finish is None:
            write_jsonld()
        else:
            finish()
    return names


def _done(check: bool = True) -> None:
    """The finisher of work done at once: nothing to wait for."""


def _aside(work: Callable[[], None], what: str) -> Callable[..., None]:
    """Run ``work`` in a forked child; the returned function waits for it and raises its failure.

    Where there is no fork (Windows) the work is done at once. The child only reads what it
    inherited and writes one file; it leaves with ``os._exit`` so that nothing of the parent's (atexit
    handlers, buffered output) runs twice. The parent's objects are frozen out of the garbage
    collector across the fork, so the child's collections do not copy their pages.
    """
    if not hasattr(os, "fork"):
        work()
        return _done
    read_end, write_end = os.pipe()
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        gc.unfreeze()
        work()
        return _done
    if pid == 0:  # pragma: no cover - the child; its work and failures are seen by the parent
        os.close(read_end)
        code = 0
        try:
            work()
        except BaseException as exc:  # every failure goes back to the parent
            os.write(write_end, f"{type(exc).__name__}: {exc}".encode()[:4000])
            code = 1
        finally:
            os._exit(code)
    gc.unfreeze()
    os.close(write_end)

    def finish(check: bool = True) -> None:
        with os.fdopen(read_end, "rb") as pipe:
            message = pipe.read().decode("utf-8", "replace")
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if check and code != 0:
            reason = message or (f"killed by signal {-code}" if code < 0 else f"exit status {code}")
            raise PublishError(f"{what} failed: {reason}")

    return finish


def build(project: Project, out: Path | None = None, site: Path | None = None) -> BuildResult:
    """Validate (stop if it fails), enrich and publish the project into ``out`` (and a static ``site``)."""
    import time

    timings: dict[str, float] = {}
    started = time.perf_counter()
    report = project.validate()
    timings["validate"] = time.perf_counter() - started
    if not report.conforms:
        count = len(report.violations)
        raise ValidationFailed(
            f"the data does not conform to the shapes ({count} violations); nothing was published.", report
        )

    from kgpub.queries import check_syntax, published_text

    queries = project.queries
    for query in queries.values():
        check_syntax(query, project.query_prefixes)

    mark = time.perf_counter()
    ontology = project.ontology.graph
    data = project.data.triples  # pyoxigraph triples: no rdflib graph of the data is needed here
    enriched = Canonical(itertools.chain(data, inferred_triples(data, ontology)))
    timings["enrich"] = time.perf_counter() - mark

    out = out or project.output_dir
    id_base = project.config.id_base
    prefixes = output_prefixes(data, id_base)
    context = make_context(ontology, prefixes)
    writer = JsonLdWriter(context)
    from kgpub.release import compare, release_project, write_changes

    changes = compare(project, enriched, out)  # with the publication this one replaces

    mark = time.perf_counter()
    tmp = _fresh_temp(out)
    files: list[str] = []
    staged = None
    try:
        files += write_rdf(tmp, project.config.name, enriched, prefixes, writer, context_url(project))
        files += write_rdf(
            tmp, "ontology", Canonical.of(ontology), STANDARD_PREFIXES, writer, context_url(project)
        )
        (tmp / "context.jsonld").write_text(
            json.dumps(context, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        files.append("context.jsonld")
        (tmp / "validation.ttl").write_text(report.to_turtle(), encoding="utf-8")
        files.append("validation.ttl")
        if queries:
            (tmp / "queries").mkdir()
            for query in queries.values():
                (tmp / "queries" / f"{query.name}.rq").write_text(
                    published_text(query, project.query_prefixes), encoding="utf-8"
                )
                files.append(f"queries/{query.name}.rq")
            index = [q.as_dict() for q in queries.values()]
            (tmp / "queries" / "index.json").write_text(
                json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            files.append("queries/index.json")
        files += write_changes(tmp, changes, out)  # changes.ttl, changes.md
        # DCAT-AP-SE catalogue and VoID, from the dumps; their version and modified date are the release's
        files += write_catalog(release_project(project, changes.release), tmp, enriched)
        if site is not None:  # last: the static site holds every file of the publication
            from kgpub.site import stage_site

            staged = stage_site(project, tmp, out, site, enriched, Canonical.of(ontology), context)
        _sync(tmp)
        _swap(tmp, out)
        if staged is not None:
            staged.commit()
    except OSError as exc:
        if staged is not None:
            staged.discard()
        shutil.rmtree(tmp, ignore_errors=True)
        raise PublishError(
            f"could not write the publication ({exc.strerror or exc}); the previous one is unchanged.",
            path=out,
            hint="Free some disk space or check the folder's permissions, then build again.",
        ) from None
    except BaseException:
        if staged is not None:
            staged.discard()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    timings["write"] = time.perf_counter() - mark
    return BuildResult(
        out=out,
        files=sorted(files),
        triples=len(enriched),
        report=report,
        inferred=len(enriched) - len(set(data)),
        timings=timings,
        changes=changes,
        site=site,
    )


def _fresh_temp(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    # Left-overs of builds that were killed: never served, safe to remove.
    for stale in out.parent.glob(f".{out.name}.tmp-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    return tmp


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _sync(folder: Path) -> None:
    for child in folder.rglob("*"):
        if child.is_file():
            fd = os.open(child, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: file system cannot
            return False
        raise OSError(errno, os.strerror(errno), str(b))
    return True


def _swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` in place of ``out``; the old ``out`` is removed only once the new one is there."""
    if not out.exists():
        os.rename(tmp, out)
        return
    if not out.is_dir():
        raise PublishError("the output path exists and is not a folder.", path=out)
    if _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
