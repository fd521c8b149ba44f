"""Stage 2, validate: run the SHACL shapes and turn the results into a report people can act on.

The shapes run as SPARQL queries on pyoxigraph (:mod:`kgpub.shacl_sparql`, :mod:`kgpub.shacl_store`),
with pySHACL as the reference and for any shape the compiler does not support. Besides the
project's ``shapes/``, two rules come from ``kgpub.toml`` and are added as SHACL shapes at run time,
so every finding comes out of the shapes: language tags must be configured ones, and every entity
IRI must be minted under the configured base.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kgpub.errors import InputError
from kgpub.vocab import KGPUB, KGSH, RDF, RDFS, SH, SKOS, STANDARD_PREFIXES, XSD

if TYPE_CHECKING:
    from kgpub.project import Project

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
LANG_PROPERTIES = [RDFS.label, SKOS.altLabel, SKOS.note, URIRef("http://schema.org/description")]
ENTITY_CLASSES = [
    KGPUB.Project,
    KGPUB.Collaboration,
    KGPUB.Organisation,
    KGPUB.Place,
    KGPUB.Plan,
    KGPUB.Process,
    KGPUB.Method,
    KGPUB.FocusArea,
    KGPUB.OrganisationGroup,
]


@dataclass(frozen=True)
class Finding:
    """One result of validation, located in the source files where possible."""

    severity: str
    focus: str
    focus_label: str | None
    path: str | None
    value: str | None
    messages: dict[str, str]
    shape: str | None
    component: str | None
    file: str | None = None
    line: int | None = None
    #: ``file:line`` of the same property of the same entity in other files (values that disagree).
    also: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The fields, as JSON writes them (``dataclasses.asdict`` copies deeply: slow for thousands)."""
        return {name: getattr(self, name) for name in _FINDING_FIELDS}

    def message(self, lang: str) -> str:
        """The message in ``lang``, else English, else any."""
        for key in (lang, "en", "sv"):
            if key in self.messages:
                return self.messages[key]
        return next(iter(self.messages.values()), "(no message)")


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


@dataclass
class Report:
    """All findings of one validation run."""

    findings: list[Finding]
    checked_triples: int
    prefixes: dict[str, str] = field(default_factory=dict)
    #: "full", or "incremental" when only what changed since the last run was checked again.
    scope: str = "full"
    #: Incremental runs: entities whose statements changed, and focus nodes checked again.
    changed_entities: int | None = None
    rechecked: int | None = None

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings do not stop a build)."""
        return not self.violations

    # -- rendering ---------------------------------------------------------------------------
    def compact(self, iri: str | None) -> str | None:
        if iri is None:
            return None
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def to_text(self, lang: str = "sv") -> str:
        """A report grouped by entity, each line with file:line, property, value and message."""
        sv = lang == "sv"
        if not self.findings:
            return (
                f"Inga fel: {self.checked_triples} påståenden följer reglerna.\n"
                if sv
                else f"No problems: {self.checked_triples} statements conform to the shapes.\n"
            )
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            groups[finding.focus].append(finding)
        out: list[str] = []
        for focus in sorted(groups):
            items = groups[focus]
            label = f' "{items[0].focus_label}"' if items[0].focus_label else ""
            out.append(f"{focus}{label}")
            for f in items:
                where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "?")
                severity = (
                    {"Violation": "fel", "Warning": "varning", "Info": "info"}[f.severity]
                    if sv
                    else f.severity.lower()
                )
                path = f" {self.compact(f.path)}" if f.path else ""
                value = f" = {f.value}" if f.value is not None else ""
                out.append(f"  {where}: {severity}:{path}{value}")
                out.append(f"      {f.message(lang)}")
                if f.also:
                    others = ", ".join(f.also)
                    out.append(
                        f"      Anges även i {others}: behåll ett av värdena, i en enda fil."
                        if sv
                        else f"      Also given in {others}: keep one of the values, in one file only."
                    )
            out.append("")
        nv, nw = len(self.violations), len(self.warnings)
        if sv:
            out.append(f"{nv} fel och {nw} varningar i {len(groups)} poster.")
        else:
            out.append(f"{nv} violations and {nw} warnings in {len(groups)} entities.")
        return "\n".join(out) + "\n"

    def to_json(self) -> str:
        data = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "checked_triples": self.checked_triples,
            "results": [f.as_dict() for f in self.findings],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def to_graph(self) -> Graph:
        """A SHACL validation report graph, with results in a stable order."""
        g = Graph(bind_namespaces="none")
        g.bind("sh", SH)
        g.bind("xsd", XSD)
        report = BNode("report")
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        for index, f in enumerate(self.findings):
            node = BNode(f"r{index:05d}")
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.resultSeverity, SH[f.severity]))
            g.add((node, SH.focusNode, _term(f.focus)))
            if f.path:
                g.add((node, SH.resultPath, URIRef(f.path)))
            if f.value is not None:
                g.add((node, SH.value, Literal(f.value)))
            if f.shape:
                g.add((node, SH.sourceShape, _term(f.shape)))
            if f.component:
                g.add((node, SH.sourceConstraintComponent, URIRef(f.component)))
            for lang, text in sorted(f.messages.items()):
                g.add((node, SH.resultMessage, Literal(text, lang=lang or None)))
        return g

    def to_turtle(self) -> str:
        from kgpub.serialise import to_turtle

        return to_turtle(self.to_graph(), {"sh": str(SH), "xsd": str(XSD)})


def _term(text: str) -> Node:
    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def config_shapes(languages: tuple[str, ...], id_base: str) -> Graph:
    """Shapes that come from ``kgpub.toml``: configured languages, and IRIs under the base."""
    g = Graph()
    lang_shape = KGSH.ConfiguredLanguagesShape
    iri_shape = KGSH.MintedUnderBaseShape
    for shape in (lang_shape, iri_shape):
        g.add((shape, RDF.type, SH.NodeShape))
        for cls in ENTITY_CLASSES:
            g.add((shape, SH.targetClass, cls))
    listed = ", ".join(languages)
    for prop in LANG_PROPERTIES:
        pshape = KGSH[f"ConfiguredLanguagesShape-{prop.split('/')[-1].split('#')[-1]}"]
        g.add((lang_shape, SH.property, pshape))
        g.add((pshape, SH.path, prop))
        head = BNode()
        Collection(g, head, [Literal(x) for x in languages])
        g.add((pshape, SH.languageIn, head))
        g.add(
            (
                pshape,
                SH.message,
                Literal(
                    f"Språket finns inte bland projektets språk ({listed}) i kgpub.toml. "
                    "Rätta språkkoden eller lägg till språket i 'languages'.",
                    lang="sv",
                ),
            )
        )
        g.add(
            (
                pshape,
                SH.message,
                Literal(
                    f"The language is not one of the project's languages ({listed}) in kgpub.toml. "
                    "Fix the language tag or add the language to 'languages'.",
                    lang="en",
                ),
            )
        )
    g.add((iri_shape, SH.pattern, Literal("^" + _regex_escape(id_base))))
    g.add(
        (
            iri_shape,
            SH.message,
            Literal(
                f"IRI:n ligger utanför projektets bas-IRI {id_base}. Nya poster ska få en IRI som börjar så.",
                lang="sv",
            ),
        )
    )
    g.add(
        (
            iri_shape,
            SH.message,
            Literal(
                f"The IRI is outside the project's base {id_base}. "
                "New entries must get an IRI that starts with it.",
                lang="en",
            ),
        )
    )
    return g


def _regex_escape(text: str) -> str:
    return "".join("\\" + c if c in r".^$*+?()[]{}|\/" else c for c in text)


@contextmanager
def _parse_each_sparql_query_once() -> Iterator[None]:
    """Let pyshacl's SPARQL-based constraints reuse parsed queries.

    pyshacl passes the same SPARQL text to rdflib for every focus node, and rdflib parses it anew
    each time: at 10k triples that parsing was 70% of validation. Parsed (prepared) queries are
    reusable by design, so for the duration of a validation they are cached by text, base and
    namespaces.
    """
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query
    cache: dict[tuple[Any, ...], Any] = {}

    def query(
        self: Any,
        q: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: Any = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(q, str):
            key = (q, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            prepared = cache.get(key)
            if prepared is None:
                prepared = cache[key] = translateQuery(parseQuery(q), base, initNs)
            q = prepared
        return original(self, q, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


#: Above this many triples, validation runs in parallel processes (one per core, at most two groups
#: of shapes each); below it, forking costs more than it saves.
PARALLEL_FROM = 20_000
_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
# Set just before forking, read by the children (fork copies it; nothing else shares it).
_FORK_STATE: dict[str, Any] = {}


def _run_pyshacl(data: Any, shapes: Graph, ontology: Graph, root: Path) -> list[Finding]:
    import pyshacl

    with _parse_each_sparql_query_once():
        _conforms, results_graph, _text = pyshacl.validate(
            data.graph,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
            meta_shacl=False,
        )
    return [
        _finding(results_graph, r, data, root) for r in results_graph.subjects(RDF.type, SH.ValidationResult)
    ]


def partition_shapes(shapes: Graph, data: Graph, parts: int) -> list[Graph]:
    """Split the shapes into ``parts`` graphs that each keep the targets of some top-level shapes.

    Every part holds all shapes (so references between shapes resolve) but only its own shapes'
    targets; the parts are balanced by the number of focus nodes each shape will visit.
    """
    tops = sorted({s for t in _TARGETS for s in shapes.subjects(t, None)}, key=str)

    def weight(shape: Node) -> int:
        total = 0
        for cls in shapes.objects(shape, SH.targetClass):
            total += sum(1 for _ in data.subjects(RDF.type, cls)) * 3
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            total += sum(1 for _ in data.subjects(prop, None))
        if (shape, SH.target, None) in shapes:
            total += len(data) // 5
        return total + 1

    loads = [0] * parts
    groups: list[set[Node]] = [set() for _ in range(parts)]
    for shape in sorted(tops, key=weight, reverse=True):
        lightest = loads.index(min(loads))
        groups[lightest].add(shape)
        loads[lightest] += weight(shape)
    graphs = []
    for group in groups:
        g = Graph(bind_namespaces="none")
        g.addN((s, p, o, g) for s, p, o in shapes if not (p in _TARGETS and s in tops and s not in group))
        graphs.append(g)
    return graphs


def _validate_part(index: int) -> list[Finding]:
    state = _FORK_STATE
    return _run_pyshacl(state["data"], state["parts"][index], state["ontology"], state["root"])


#: Which engine runs the shapes: "sparql" (the shapes compiled into SPARQL on pyoxigraph, pySHACL for
#: any shape that is not compiled) or "pyshacl" (the reference: pySHACL for everything). The
#: environment variable KGPUB_SHACL_ENGINE overrides the default.
ENGINES = ("sparql", "pyshacl")


def validate(
    project: Project,
    *,
    jobs: int | None = None,
    cache: bool = True,
    engine: str | None = None,
    incremental: bool = False,
) -> Report:
    """Validate the project's data (with its ontology) against its shapes and the config shapes.

    By default the shapes run as SPARQL queries on pyoxigraph (:mod:`kgpub.shacl_sparql`; the same
    results as pySHACL, tested), with pySHACL for any shape that is not compiled. ``engine="pyshacl"``
    runs pySHACL on everything: a large graph is then validated by several processes at once, each
    running part of the shapes on the same data (forked, so the parsed graph is shared).

    With ``incremental`` (``kgpub validate``), a store kept from the last run is updated with the
    files that changed and only what the change can affect is checked again
    (:mod:`kgpub.shacl_store`); the report is the one a full validation gives. Without it (``kgpub
    build``) the whole graph is validated, unless the same inputs were validated in full before.
    """
    import os

    engine = engine or os.environ.get("KGPUB_SHACL_ENGINE") or "sparql"
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r} (known: {', '.join(ENGINES)}).")
    paths = _data_paths(project)
    key = _inputs_digest(project, paths)
    cached = _cached_report(project, key, full=not incremental) if cache else None
    if cached is not None:
        return cached
    shapes = project.shapes + config_shapes(project.config.languages, project.config.id_base)
    if engine == "pyshacl":
        report = _validate_pyshacl(project, shapes, jobs)
    else:
        report = _validate_sparql(project, shapes, paths, incremental=incremental and cache)
    _store_report(project, key, report)
    return report


def _data_paths(project: Project) -> list[Path]:
    """The data files, in the order :attr:`Project.data` reads them, without parsing them."""
    from kgpub.load import find_files

    files = [p for p in find_files(project.data_dir, recursive=True) if p != project.catalog_path]
    if not files:
        raise InputError(
            "the folder holds no Turtle (.ttl) files, so there is no data to read.",
            path=project.data_dir,
            hint="Add at least one .ttl file; the README shows how to add an entry.",
        )
    return files


def _validate_sparql(project: Project, shapes: Graph, paths: list[Path], *, incremental: bool) -> Report:
    from kgpub import shacl_sparql, shacl_store

    compiled = shacl_sparql.compile_shapes(shapes)
    context = None
    with shacl_store.locked(project) as owner:  # another kgpub validating the same project: no store
        if incremental and owner:  # what a kept store and its results are valid for: all but the data
            import hashlib

            code = b"".join(Path(m.__file__ or "").read_bytes() for m in (shacl_sparql, shacl_store))
            context = hashlib.sha256(_inputs_digest(project, []).encode() + code).hexdigest()
        outcome = shacl_store.incremental(project, compiled, paths, context) if context else None
        if outcome is None:
            outcome = shacl_store.full(project, compiled, shapes, paths, persist=context)
    findings = [
        _make_finding(
            r.focus, r.path, r.value, r.severity, r.shape, r.component, r.messages, outcome.data, project.root
        )
        for r in outcome.results
    ]
    prefixes = dict(STANDARD_PREFIXES)
    for file_prefixes in outcome.prefixes:
        for prefix, ns in file_prefixes.items():
            prefixes.setdefault(prefix, ns)
    report = _report(findings, outcome.triples, prefixes)
    report.scope = "full" if outcome.changed is None else "incremental"
    report.changed_entities, report.rechecked = outcome.changed, outcome.rechecked
    del outcome
    _release_memory()
    return report


def _release_memory() -> None:
    """Give the store's memory back to the system, so that ``build`` (whose own graph comes next) does
    not hold both at once: glibc keeps the freed memory of many small allocations otherwise."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to do


def _validate_pyshacl(project: Project, shapes: Graph, jobs: int | None) -> Report:
    import multiprocessing as mp
    import os

    data = project.data
    if len(data.graph) == 0:
        raise InputError(
            "the Turtle files hold no statements, so there is nothing to check or publish.",
            path=project.data_dir,
            hint="Add at least one entry; the README shows how.",
        )
    ontology = project.ontology.graph
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    parts = jobs if jobs is not None else (min(2, cores) if len(data.graph) >= PARALLEL_FROM else 1)
    if parts > 1 and "fork" in mp.get_all_start_methods():
        _FORK_STATE.update(
            data=data, ontology=ontology, root=project.root, parts=partition_shapes(shapes, data.graph, parts)
        )
        try:
            with mp.get_context("fork").Pool(parts) as pool:
                findings = [f for part in pool.map(_validate_part, range(parts)) for f in part]
        finally:
            _FORK_STATE.clear()
    else:
        findings = _run_pyshacl(data, shapes, ontology, project.root)
    prefixes = dict(STANDARD_PREFIXES)
    for source in data.files:
        for prefix, ns in source.prefixes.items():
            prefixes.setdefault(prefix, ns)
    return _report(findings, len(data.graph), prefixes)


def _report(findings: list[Finding], triples: int, prefixes: dict[str, str]) -> Report:
    findings.sort(
        key=lambda f: (f.focus, f.file or "", f.line or 0, f.path or "", f.value or "", f.shape or "")
    )
    return Report(findings=_unique(findings), checked_triples=triples, prefixes=prefixes)


CACHE_DIR = ".kgpub-cache"


def _inputs_digest(project: Project, data_paths: list[Path]) -> str:
    """A digest of everything a validation depends on: the files, the configuration, the versions
    (with no data files: the context a kept store of the data is valid in)."""
    import hashlib
    from importlib import metadata

    from kgpub.load import find_files, parse_file, read_text

    digest = hashlib.sha256()
    for name in ("kgpub", "pyshacl", "rdflib", "pyoxigraph"):
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=?;".encode())
    texts: dict[Path, bytes] = {}
    for index, path in enumerate(data_paths):  # the loader's checks (a pipe, a loop, the size limit …)
        try:
            texts[path] = read_text(path).encode("utf-8")
        except InputError:
            for earlier in data_paths[:index]:  # a syntax error in an earlier file is reported first
                parse_file(earlier)
            raise
    paths = [*project.ontology_dir.glob("*.ttl"), *find_files(project.shapes_dir)]
    paths += data_paths
    if project.config_path.exists():
        paths.append(project.config_path)
    for path in sorted(paths):
        digest.update(str(path.relative_to(project.root)).encode() + b"\0")
        digest.update(texts[path] if path in texts else path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _cached_report(project: Project, key: str, *, full: bool = True) -> Report | None:
    """The report of an earlier validation of exactly the same inputs, if one was kept (with ``full``,
    only one of a validation of the whole graph)."""
    path = project.root / CACHE_DIR / f"validation-{key}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if full and raw.get("scope", "full") != "full":
            return None
        findings = [_finding_from_json(f) for f in raw["findings"]]
        return Report(findings, raw["checked_triples"], raw["prefixes"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _finding_from_json(data: dict[str, Any]) -> Finding:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return Finding(**fields)


def _store_report(project: Project, key: str, report: Report) -> None:
    """Keep the report for the next run on the same inputs (``kgpub validate`` then ``kgpub build``)."""
    import os

    folder = project.root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.glob("validation-*.json"):
            old.unlink()
        tmp = folder / f".validation-{os.getpid()}.tmp"
        payload = {
            "findings": [f.as_dict() for f in report.findings],
            "checked_triples": report.checked_triples,
            "prefixes": report.prefixes,
            "scope": report.scope,
        }
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / f"validation-{key}.json")
    except OSError:
        pass  # a read-only project folder: validate again next time


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.focus, f.path, f.value, f.shape, f.severity)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _finding(g: Graph, result: Node, data: Any, root: Path) -> Finding:
    return _make_finding(
        g.value(result, SH.focusNode),
        g.value(result, SH.resultPath),
        g.value(result, SH.value),
        g.value(result, SH.resultSeverity),
        g.value(result, SH.sourceShape),
        g.value(result, SH.sourceConstraintComponent),
        g.objects(result, SH.resultMessage),
        data,
        root,
    )


def _make_finding(
    focus: Node | None,
    path: Node | None,
    value: Node | None,
    severity_node: Node | None,
    shape: Node | None,
    component: Node | None,
    result_messages: Iterable[Node],
    data: Any,
    root: Path,
) -> Finding:
    """One finding from the parts of a validation result; ``data`` locates it in the files."""
    severity = (
        SEVERITIES.get(severity_node, "Violation") if isinstance(severity_node, URIRef) else "Violation"
    )
    messages: dict[str, str] = {}
    for message in result_messages:
        lang = message.language if isinstance(message, Literal) else None
        messages.setdefault(lang or "", str(message))
    if "" in messages and len(messages) > 1:
        del messages[""]
    messages = dict(sorted(messages.items()))  # a stable order, whatever the graph's
    label = None
    if focus is not None:
        labels = {x.language: str(x) for x in data.graph.objects(focus, RDFS.label) if isinstance(x, Literal)}
        label = labels.get("sv") or labels.get("en") or next(iter(labels.values()), None)
    where = data.locate(focus, value) if focus is not None else None
    stated = _stated_in(data, focus, path) if value is None and component in _TOO_MANY else []
    where = stated[0] if stated else where
    file = line = None
    if where is not None:
        file, line = _relative(where[0], root), where[1]
    return Finding(
        severity=severity,
        focus=_text(focus),
        focus_label=label,
        path=str(path) if isinstance(path, URIRef) else None,
        value=None if value is None else (f"<{value}>" if isinstance(value, URIRef) else str(value)),
        messages=messages,
        shape=None if shape is None else _text(shape),
        component=None if component is None else str(component),
        file=file,
        line=line,
        also=tuple(f"{_relative(other, root)}:{number}" for other, number in stated[1:]),
    )


#: Components that fire when a property has too many values, which may come from several files.
_TOO_MANY = (
    SH.MaxCountConstraintComponent,
    SH.UniqueLangConstraintComponent,
    SH.QualifiedMaxCountConstraintComponent,
)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


@lru_cache(maxsize=8)
def _subject_predicates(text: str) -> frozenset[tuple[str, str]]:
    """The (subject IRI, predicate IRI) pairs of one file's Turtle (already known to parse)."""
    import pyoxigraph as ox

    quads = ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE)
    pairs = ((q.subject, q.predicate.value) for q in quads)
    return frozenset((s.value, p) for s, p in pairs if isinstance(s, ox.NamedNode))


def _stated_in(data: Any, focus: Node | None, path: Node | None) -> list[tuple[Path, int | None]]:
    """File and line of each file that gives ``focus`` a value of ``path`` (a property given too often)."""
    named = isinstance(focus, URIRef) and isinstance(path, URIRef)
    indexes = data.subject_files.get(focus, []) if named else []
    out = []
    for index in indexes:
        source = data.files[index]
        # Several files describe the entity: parse their text again to see which state the property.
        if len(indexes) > 1 and (str(focus), str(path)) not in _subject_predicates(source.text):
            continue
        start = source.line_of(focus, at_start=True) or source.line_of(focus) or 1
        out.append((source.path, source.line_of(path, start - 1) or start))
    return out


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)
