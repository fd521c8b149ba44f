"""The data in a pyoxigraph store for :mod:`kgpub.shacl_sparql`, kept between runs for incremental validation.

Each data file is parsed with kgpub's own loader (:func:`kgpub.load.parse_triples`, so every input
check and error message is the same) into a named graph of its own, ``urn:kgpub:file:<path>``; the
ontology, as pySHACL copies it in, goes into ``urn:kgpub:ontology``. Queries see the union of the
graphs. The named graphs also tell which files describe an entity, to point at file and line.

Incremental validation (``kgpub validate``): a full run keeps the store on disk in
``.kgpub-cache/shacl/`` with, per file, its size, modification time, SHA-256 and prefixes, and the
results found. The next run re-parses only the files whose contents changed and replaces only the
statements that changed. Then it checks again the focus nodes the change can affect
(:func:`affected`), from what the compiled checks read (:meth:`kgpub.shacl_sparql.Compiled.reach`):
the subject of every changed statement; its object, when a check reads statements pointing at its
focus node with that predicate (``sh:targetObjectsOf``); the nodes that point at a changed subject
through a predicate whose values' statements with the changed predicate a check reads (``sh:class``
on ``schema:funder`` reads the funder's ``rdf:type``: a new type for an agency re-checks every
entity it funds, a new label only the agency); and the nodes that use a changed subject as a
predicate, when a check reads a statement of that kind about the properties in use (the
declaration of a kgpub property). A changed statement that a check reads further away (the
``rdfs:subClassOf`` chain of a value's type) means a full run. The nodes are checked with every
compiled query, on a small in-memory store holding what those checks read (:func:`neighbourhood`):
the nodes' statements, the statements about every node they mention, the statements read
anywhere, plus the ontology; results about other focus nodes are kept from the last run.

What a check reads is exact for every core component compiled here; for SPARQL targets and
SPARQL-based constraints it is read from the query's triple patterns
(:func:`kgpub.shacl_sparql.sparql_reach`), and a query that cannot be analysed reads everything: then
every run is a full one. Any change to the ontology, the shapes, ``kgpub.toml`` or the libraries'
versions means a full run; so does a change that affects more than :data:`MAX_AFFECTED` focus
nodes, and any shape left to pySHACL.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.util import from_n3

from kgpub import shacl_sparql as ss
from kgpub.errors import InputError
from kgpub.load import Loaded, SourceFile, parse_triples, paused_gc, read_text
from kgpub.vocab import RDFS

if TYPE_CHECKING:
    from kgpub.project import Project

FILE_GRAPH = "urn:kgpub:file:"
STATE_VERSION = 1


def graph_of(relative: str) -> ox.NamedNode:
    return ox.NamedNode(FILE_GRAPH + quote(relative, safe="/"))


def relative_of(graph: Any) -> str | None:
    if isinstance(graph, ox.NamedNode) and graph.value.startswith(FILE_GRAPH):
        return unquote(graph.value[len(FILE_GRAPH) :])
    return None


def bnode_prefix(relative: str) -> str:
    return "b" + hashlib.sha1(relative.encode()).hexdigest()[:10] + "x"


def parse(path: Path, relative: str) -> tuple[list[ox.Quad], SourceFile]:
    """One data file's statements as quads of its graph, in store terms (typed literals under their
    stand-in datatype), with every check of :func:`kgpub.load.parse_triples`."""
    parsed, source = parse_triples(path, bnode_prefix(relative))
    graph = graph_of(relative)
    literal, quad, string, stored = ox.Literal, ox.Quad, ss.XSD_STRING, _STORED
    out: list[ox.Quad] = []
    append = out.append
    for t in parsed:
        obj = t.object
        if type(obj) is literal and not obj.language:
            datatype = obj.datatype.value
            if datatype != string:
                key = (obj.value, datatype)
                obj = stored.get(key) or stored.setdefault(key, ss.store_literal(obj.value, datatype, None))
        append(quad(t.subject, t.predicate, obj, graph))
    return out, source


#: Typed literals as stored, by lexical form and datatype (dates and numbers repeat a lot).
_STORED: dict[tuple[str, str], ox.Literal] = {}


# -- locating findings ----------------------------------------------------------------------------


class _Files(Sequence[SourceFile]):
    """The data files, read again (text, and prefixes unless kept) only when a finding points into one."""

    def __init__(
        self,
        paths: list[Path],
        known: dict[int, SourceFile] | None = None,
        prefixes: list[dict[str, str]] | None = None,
    ) -> None:
        self.paths = paths
        self.cache: dict[int, SourceFile] = dict(known or {})
        self.prefixes = prefixes

    def __getitem__(self, index: int) -> SourceFile:  # type: ignore[override]
        if index not in self.cache:
            text = read_text(self.paths[index])
            if self.prefixes is not None:  # kept with the state, for this very text
                prefixes = self.prefixes[index]
            else:
                parser = ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE)
                for _ in parser:
                    pass
                prefixes = dict(parser.prefixes)
            self.cache[index] = SourceFile(self.paths[index], text, prefixes)
        return self.cache[index]

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[SourceFile]:
        return (self[i] for i in range(len(self.paths)))


class _SubjectFiles(dict[Node, list[int]]):
    """Which files state something about a subject, found in the store's named graphs."""

    def __init__(self, store: ox.Store, index: dict[str, int], own: Statements | None = None) -> None:
        super().__init__()
        self.store, self.index, self.own = store, index, own or {}

    def get(self, key: Node, default: Any = None) -> Any:
        if key not in self:
            try:
                subject = ss.from_rdflib(key)
            except TypeError:
                return default
            found = set()
            if not isinstance(subject, ox.Literal):
                quads = self.own.get(subject)
                for quad in (
                    self.store.quads_for_pattern(subject, None, None, None) if quads is None else quads
                ):
                    relative = relative_of(quad.graph_name)
                    if relative is not None and relative in self.index:
                        found.add(self.index[relative])
            self[key] = sorted(found)
        return super().get(key) or default


class _Labels:
    """``graph.objects(focus, rdfs:label)`` over the store, in the order rdflib's graph gives them.

    rdflib yields a subject's values in the order they were added: file by file, and in each file in
    the order of the text. A finding is labelled with the last one per language, so that order is kept
    where it matters: among the values of one language in one file (the file is then read again).
    """

    def __init__(
        self, store: ox.Store, paths: list[Path], index: dict[str, int], own: Statements | None = None
    ) -> None:
        self.store, self.paths, self.index, self.own = store, paths, index, own or {}

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        try:
            s, p = ss.from_rdflib(subject), ss.from_rdflib(predicate)
        except TypeError:
            return iter(())
        if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
            return iter(())
        by_file: dict[int, list[Any]] = {}
        known = self.own.get(s)
        quads = (
            self.store.quads_for_pattern(s, p, None, None)
            if known is None
            else (q for q in known if q.predicate == p)
        )
        for quad in quads:
            relative = relative_of(quad.graph_name)
            if relative is not None and relative in self.index:
                by_file.setdefault(self.index[relative], []).append(quad.object)
        out: list[Node] = []
        for index in sorted(by_file):
            values = by_file[index]
            kinds = [v.language if isinstance(v, ox.Literal) else v for v in values]
            if len(set(kinds)) < len(kinds):  # only values of the same language need the text's order
                values = self._in_text_order(index, s, p, values)
            out += [ss.to_rdflib(v) for v in values if ss.to_rdflib(v) not in out]
        return iter(out)

    def _in_text_order(self, index: int, s: Any, p: Any, values: list[Any]) -> list[Any]:
        relative = next(r for r, i in self.index.items() if i == index)
        order: dict[Any, int] = {}
        for position, quad in enumerate(parse(self.paths[index], relative)[0]):
            if quad.subject == s and quad.predicate == p:
                order.setdefault(quad.object, position)
        return sorted(values, key=lambda v: order.get(v, len(order)))


def located(
    store: ox.Store,
    paths: list[Path],
    relatives: list[str],
    known: dict[int, SourceFile],
    prefixes: list[dict[str, str]] | None = None,
    own: Statements | None = None,
) -> Loaded:
    """A :class:`~kgpub.load.Loaded` view of the store for :func:`kgpub.validate._finding`.

    ``own``: the statements of some subjects, already read from the store (those just checked)."""
    index = {r: i for i, r in enumerate(relatives)}
    return Loaded(
        graph=cast(Graph, _Labels(store, paths, index, own)),
        files=cast(list[SourceFile], _Files(paths, known, prefixes)),
        subject_files=_SubjectFiles(store, index, own),
    )


#: The statements of some subjects, as quads of their files' graphs, by subject.
Statements = dict[Any, list[ox.Quad]]


# -- state kept between runs ----------------------------------------------------------------------


def _n3(node: Node | None) -> str | None:
    return None if node is None else node.n3()


def _node(text: str | None) -> Any:
    return None if text is None else from_n3(text)


def results_to_json(results: list[ss.Result]) -> list[list[Any]]:
    return [
        [
            _n3(r.focus),
            _n3(r.path),
            _n3(r.value),
            str(r.component),
            _n3(r.shape),
            str(r.severity),
            [[str(m), m.language] for m in r.messages],
            _n3(r.unit),
        ]
        for r in results
    ]


def results_from_json(rows: list[list[Any]]) -> list[ss.Result]:
    return [
        ss.Result(
            focus=_node(row[0]),
            path=_node(row[1]),
            value=_node(row[2]),
            component=URIRef(row[3]),
            shape=_node(row[4]),
            severity=URIRef(row[5]),
            messages=tuple(Literal(text, lang=lang) for text, lang in row[6]),
            unit=_node(row[7]),
        )
        for row in rows
    ]


@dataclass
class Outcome:
    """What a validation found, with what is needed to locate it."""

    results: list[ss.Result]
    triples: int
    prefixes: list[dict[str, str]]  # per data file, in file order
    data: Loaded
    #: Incremental runs: the entities whose statements changed, and the focus nodes checked again.
    changed: int | None = None
    rechecked: int | None = None
    fallback: dict[Node, str] = field(default_factory=dict)


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def full(
    project: Project,
    compiled: ss.Compiled,
    shapes: Graph,
    paths: list[Path],
    *,
    persist: str | None = None,
) -> Outcome:
    """Validate the whole graph in an in-memory store; with ``persist`` (the context digest), keep it."""
    relatives = [str(p.relative_to(project.root)) for p in paths]
    store = ox.Store()
    sources: dict[int, SourceFile] = {}
    stats = []
    with paused_gc():  # see kgpub.load.paused_gc
        for index, (path, relative) in enumerate(zip(paths, relatives, strict=True)):
            stat = _stat(path) if persist else (0, 0)
            quads, source = parse(path, relative)
            sources[index] = source
            store.bulk_extend(quads)
            stats.append(stat)
    count = _distinct_triples(store)
    if count == 0:
        raise InputError(
            "the Turtle files hold no statements, so there is nothing to check or publish.",
            path=project.data_dir,
            hint="Add at least one entry; the README shows how.",
        )
    ss.add_ontology(store, project.ontology.graph)
    results = ss.run(store, compiled)
    results += _pyshacl_fallback(project, shapes, compiled)
    prefixes = [sources[i].prefixes for i in range(len(paths))]
    if persist and not compiled.reach().unbounded:  # otherwise no change could be followed
        files = {
            relative: {
                "size": stat[0],
                "mtime_ns": stat[1],
                "sha256": hashlib.sha256(sources[i].text.encode("utf-8")).hexdigest(),
                "prefixes": prefixes[i],
            }
            for i, (relative, stat) in enumerate(zip(relatives, stats, strict=True))
        }
        state = {"context": persist, "files": files, "triples": count, "reaches": compiled.reaches_to_json()}
        _persist(project, store, state, results)
    return Outcome(
        results, count, prefixes, located(store, paths, relatives, sources), fallback=compiled.fallback
    )


def _distinct_triples(store: ox.Store) -> int:
    rows = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (STRSTARTS(STR(?g), '{FILE_GRAPH}')) }} }}"
    )
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))["n"].value)


def _pyshacl_fallback(project: Project, shapes: Graph, compiled: ss.Compiled) -> list[ss.Result]:
    """The top-level shapes that are not compiled, run by pySHACL on the rdflib graph."""
    if not compiled.fallback:
        return []
    import pyshacl

    from kgpub.validate import _parse_each_sparql_query_once
    from kgpub.vocab import RDF, SH

    with _parse_each_sparql_query_once():
        _conforms, report, _text = pyshacl.validate(
            project.data.graph,
            shacl_graph=shapes,
            ont_graph=project.ontology.graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            meta_shacl=False,
            use_shapes=[str(s) for s in compiled.fallback],
        )
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append(
            ss.Result(
                focus=cast(Node, report.value(r, SH.focusNode)),
                path=report.value(r, SH.resultPath),
                value=report.value(r, SH.value),
                component=cast(URIRef, report.value(r, SH.sourceConstraintComponent)),
                shape=cast(Node, report.value(r, SH.sourceShape)),
                severity=cast(URIRef, report.value(r, SH.resultSeverity)),
                messages=tuple(m for m in report.objects(r, SH.resultMessage) if isinstance(m, Literal)),
            )
        )
    return out


@contextmanager
def locked(project: Project) -> Iterator[bool]:
    """Hold the lock on the kept store; yields False when another process holds it (or no lock can
    be taken, as in a read-only folder): then validate in memory, without the kept store."""
    import fcntl

    folder = state_dir(project).parent
    try:
        folder.mkdir(exist_ok=True)
        handle = open(folder / "shacl.lock", "a+b")  # noqa: SIM115 - held for the with block
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        handle.close()


def state_dir(project: Project) -> Path:
    from kgpub.validate import CACHE_DIR

    return project.root / CACHE_DIR / "shacl"


def _persist(project: Project, store: ox.Store, state: dict[str, Any], results: list[ss.Result]) -> None:
    """Copy the store to disk and write the state next to it (best effort: a read-only folder skips it)."""
    folder = state_dir(project)
    tmp = folder.parent / f".shacl-{os.getpid()}.tmp"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        disk = ox.Store(str(tmp / "store"))
        disk.bulk_extend(store.quads_for_pattern(None, None, None, None))
        disk.flush()
        del disk
        state = {**state, "version": STATE_VERSION, "results": results_to_json(results)}
        (tmp / "state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def incremental(project: Project, compiled: ss.Compiled, paths: list[Path], context: str) -> Outcome | None:
    """Validate what changed since the kept state, or None when there is no usable state."""
    if compiled.fallback:
        return None
    folder = state_dir(project)
    try:
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        if state.get("version") != STATE_VERSION or state.get("context") != context:
            return None
        compiled.reaches_from_json(state.get("reaches"))
        if compiled.reach().unbounded:
            return None
        store = ox.Store(str(folder / "store"))
    except (OSError, ValueError):
        return None
    relatives = [str(p.relative_to(project.root)) for p in paths]
    saved: dict[str, dict[str, Any]] = state["files"]
    changed: dict[str, Path | None] = {r: None for r in saved if r not in relatives}  # removed files
    for path, relative in zip(paths, relatives, strict=True):
        old = saved.get(relative)
        size, mtime = _stat(path)
        if old is not None and (old["size"], old["mtime_ns"]) == (size, mtime):
            continue
        digest = _sha256(path)
        if old is not None and old["sha256"] == digest:
            old["mtime_ns"], old["size"] = mtime, size
            continue
        changed[relative] = path
    parsed: dict[str, tuple[list[ox.Quad], SourceFile]] = {}
    for relative, changed_path in changed.items():  # every input error before the store changes
        if changed_path is not None:
            parsed[relative] = parse(changed_path, relative)
    old_results = results_from_json(state["results"])
    try:  # from here on the store changes: without a state, a crash leads to a full run next time
        (folder / "state.json").unlink()
    except OSError:
        return None
    count: int = state["triples"]
    removed: list[ox.Quad] = []
    added: list[ox.Quad] = []
    for relative in changed:
        graph = graph_of(relative)
        before = set(store.quads_for_pattern(None, None, None, graph))
        after = set(parsed[relative][0]) if relative in parsed else set()
        removed += before - after
        added += after - before
    for quad in removed:
        store.remove(quad)
        if not _anywhere(store, quad):
            count -= 1
    for quad in added:
        if not _anywhere(store, quad):
            count += 1
        store.add(quad)
    if count == 0:
        raise InputError(
            "the Turtle files hold no statements, so there is nothing to check or publish.",
            path=project.data_dir,
            hint="Add at least one entry; the README shows how.",
        )
    subjects = {q.subject for q in removed + added}
    found = affected(store, removed + added, compiled.reach())
    if found is None:  # too much changed: a full run is faster
        store.flush()
        del store
        invalidate(project)
        return None
    # Every check for the nodes whose own statements changed; for the nodes that only read what
    # changed (those citing a node whose type changed), only the checks that read it, and every
    # check giving results of the same shape and component, so their old results can be replaced.
    indirect = found.indirect - found.focus
    selected = [c for c in compiled.checks if found.read_by(compiled.check_reach(c))]
    keys = {(c.shape, component) for c in selected for component in ss.result_components(c)}
    selected = [c for c in compiled.checks if any((c.shape, x) in keys for x in ss.result_components(c))]
    checked = {ss.to_rdflib(n) for n in found.focus}
    rechecked = {ss.to_rdflib(n) for n in indirect} if selected else set()
    results = [
        r
        for r in old_results
        if r.focus not in checked and (r.focus not in rechecked or (r.shape, r.component) not in keys)
    ]
    own: Statements = {}
    if found.focus:
        small = neighbourhood(store, found.focus, compiled, own=own)
        results += [r for r in ss.run(small, compiled) if r.focus in checked]
    if rechecked:
        small = neighbourhood(store, indirect, compiled, selected, own=own)
        results += [r for r in ss.run(small, compiled, selected) if r.focus in rechecked]
    for relative in changed:
        if relative in parsed:
            text = parsed[relative][1].text
            size, mtime = _stat(changed[relative])  # type: ignore[arg-type]
            saved[relative] = {
                "size": size,
                "mtime_ns": mtime,
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "prefixes": parsed[relative][1].prefixes,
            }
        else:
            saved.pop(relative, None)
    state.update(files=saved, triples=count, results=results_to_json(results))
    try:
        store.flush()
        tmp = folder / f".state-{os.getpid()}.tmp"
        tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / "state.json")
    except OSError:
        pass
    known = {relatives.index(r): parsed[r][1] for r in parsed}
    prefixes = [saved[r]["prefixes"] for r in relatives]
    return Outcome(
        results,
        count,
        prefixes,
        located(store, paths, relatives, known, prefixes, own),
        changed=len(subjects),
        rechecked=len(checked | rechecked),
    )


#: Above this many focus nodes to check again, a full validation is faster than an incremental one.
MAX_AFFECTED = 50_000


@dataclass
class Affected:
    """The focus nodes a change can alter the results of (see :func:`affected`).

    ``focus``: their own statements changed (or one pointing at them that a check reads): every
    check runs again. ``indirect``: they only read what changed of another node: the checks that
    read it run again (:meth:`read_by`): ``neighbour_reads`` holds (edge, predicate) for a changed
    statement with that predicate about a node they point at through that edge (``ss.ANY``: any
    edge), ``predicate_reads`` the predicates of changed statements about a property they use.
    """

    focus: set[Any] = field(default_factory=set)
    indirect: set[Any] = field(default_factory=set)
    neighbour_reads: set[tuple[str | None, str]] = field(default_factory=set)
    predicate_reads: set[str] = field(default_factory=set)

    def read_by(self, reach: ss.Reach) -> bool:
        """Whether a check reading ``reach`` reads one of the changed statements of ``indirect``."""
        any_ = ss.ANY
        for edge, read in reach.neighbours:
            for changed_edge, predicate in self.neighbour_reads:
                through = any_ in (edge, changed_edge) or edge == changed_edge
                if through and (read is any_ or read == predicate):
                    return True
        return bool(self.predicate_reads) and (
            any_ in reach.predicates or not reach.predicates.isdisjoint(self.predicate_reads)
        )

    def __len__(self) -> int:
        return len(self.focus | self.indirect)

    def more_than(self, limit: int) -> bool:
        """``len(self) > limit``, without making the union while both sets together are within it."""
        return len(self.focus) + len(self.indirect) > limit and len(self) > limit


def affected(store: ox.Store, changed: list[ox.Quad], reach: ss.Reach) -> Affected | None:
    """The focus nodes whose results the changed statements can alter, or None for a full run.

    A result about a focus node depends on the node's own statements and on what ``reach`` says the
    checks read besides: some statements of the nodes it points at (``neighbours``: through which
    predicate, which of their statements), some statements about the properties it uses
    (``predicates``), the statements pointing at it with some predicates (``incoming``), and
    statements anywhere (``anywhere``: a change to one of those means a full run). So a changed
    statement (s, p, o) affects s; o, if p is read as incoming; every node pointing at s through a
    predicate q when (q, p) is read of neighbours; every node using s as a predicate when p is read
    of properties. None also when that is more than :data:`MAX_AFFECTED` nodes.
    """
    any_ = ss.ANY
    edges_by_read: dict[str | None, set[str | None]] = {}
    for edge, read in reach.neighbours:
        edges_by_read.setdefault(read, set()).add(edge)
    found = Affected()
    focus, indirect = found.focus, found.indirect
    done: set[tuple[Any, str | None]] = set()  # (subject, edge) already followed backwards
    used_as_predicate: dict[Any, bool] = {}  # node -> whether some statement uses it as a predicate
    for quad in changed:
        s, p, o = quad.subject, quad.predicate.value, quad.object
        named = s.value if isinstance(s, ox.NamedNode) else None
        if any(gs in (any_, named) and gp in (any_, p) for gs, gp in reach.anywhere):
            return None
        focus.add(s)
        if not isinstance(o, ox.Literal) and (any_ in reach.incoming or p in reach.incoming):
            focus.add(o)
        edges = edges_by_read.get(p, set()) | edges_by_read.get(any_, set())
        if any_ in edges:
            edges = {any_}
        for edge in edges:
            found.neighbour_reads.add((edge, p))
            if (s, edge) in done:
                continue
            done.add((s, edge))
            through = None if edge is any_ else ox.NamedNode(edge)
            for citing in store.quads_for_pattern(None, through, s, None):
                indirect.add(citing.subject)
            if found.more_than(MAX_AFFECTED):
                return None
        if isinstance(s, ox.NamedNode) and (any_ in reach.predicates or p in reach.predicates):
            if s not in used_as_predicate:
                used_as_predicate[s] = False
                for user in store.quads_for_pattern(None, s, None, None):
                    used_as_predicate[s] = True
                    indirect.add(user.subject)
                    if found.more_than(MAX_AFFECTED):
                        return None
            if used_as_predicate[s]:
                found.predicate_reads.add(p)
    return None if found.more_than(MAX_AFFECTED) else found


def neighbourhood(
    store: ox.Store,
    focus: set[Any],
    compiled: ss.Compiled,
    checks: list[ss.Check] | None = None,
    own: Statements | None = None,
) -> ox.Store:
    """A small in-memory store with everything the checks of ``focus`` read (see :func:`affected`).

    The focus nodes' statements; the statements about every node those mention (for some
    ``checks``: only those their reach reads); the statements that point at a focus node with a
    predicate read as incoming (``sh:targetObjectsOf``); the statements read anywhere (all
    ``rdfs:subClassOf`` statements); and the ontology graph.
    """
    small = ox.Store()
    done: set[Any] = set()
    quads: list[ox.Quad] = []

    def take(node: Any) -> list[ox.Quad]:
        if node in done or isinstance(node, ox.Literal):
            return []
        done.add(node)
        found = list(store.quads_for_pattern(node, None, None, None))
        quads.extend(found)
        return found

    first: list[ox.Quad] = []
    for node in focus:
        found = take(node)
        first += found
        if own is not None:  # kept for locating findings about them (see located)
            own[node] = found
    if checks is None:
        for quad in first:
            take(quad.predicate)
            take(quad.object)
    else:
        _take_read(store, first, ss.union_reach(compiled, checks), take, quads)
    reach = compiled.reach()
    incoming: list[ox.NamedNode | None] = [ox.NamedNode(p) for p in reach.incoming if p is not ss.ANY]
    incoming += [ox.NamedNode(str(p)) for p in compiled.inverse_predicates if str(p) not in reach.incoming]
    if ss.ANY in reach.incoming:
        incoming = [None]
    for node in focus:
        if not isinstance(node, ox.Literal):
            for predicate in incoming:
                quads.extend(store.quads_for_pattern(None, predicate, node, None))
    anywhere = {(None, ox.NamedNode(str(RDFS.subClassOf)))} | {
        (None if s is ss.ANY else ox.NamedNode(s), None if p is ss.ANY else ox.NamedNode(p))
        for s, p in reach.anywhere
    }
    for subject, predicate in anywhere:  # (ANY, ANY) never gets here: incremental() refuses it
        quads.extend(store.quads_for_pattern(subject, predicate, None, None))
    quads.extend(store.quads_for_pattern(None, None, None, ss.ONTOLOGY_GRAPH))
    small.extend(quads)
    return small


def _take_read(
    store: ox.Store,
    first: list[ox.Quad],
    reach: ss.Reach,
    take: Callable[[Any], list[ox.Quad]],
    quads: list[ox.Quad],
) -> None:
    """Of the nodes the focus nodes' statements ``first`` mention, the statements ``reach`` reads."""
    any_ = ss.ANY
    reads: dict[str | None, set[str | None]] = {}
    for edge, read in reach.neighbours:
        reads.setdefault(edge, set()).add(read)
    through_any = reads.get(any_, set())
    taken: set[tuple[Any, str]] = set()

    def take_some(node: Any, predicates: set[str | None]) -> None:
        if any_ in predicates:
            take(node)  # all its statements (a repeat of some below does no harm: a store is a set)
            return
        for predicate in predicates:
            if predicate is not None and (node, predicate) not in taken:
                taken.add((node, predicate))
                quads.extend(store.quads_for_pattern(node, ox.NamedNode(predicate), None, None))

    of_properties = set(reach.predicates)
    for quad in first:
        obj = quad.object
        if type(obj) is not ox.Literal:
            wanted = reads.get(quad.predicate.value, set()) | through_any
            if wanted:
                take_some(obj, wanted)
        if of_properties:
            take_some(quad.predicate, of_properties)


def _anywhere(store: ox.Store, quad: ox.Quad) -> bool:
    """Whether some data file (any named graph of the data) states the quad's triple."""
    return any(
        relative_of(q.graph_name) is not None
        for q in store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
    )


def invalidate(project: Project) -> None:
    """Forget the kept store (after a change the state cannot follow)."""
    shutil.rmtree(state_dir(project), ignore_errors=True)
