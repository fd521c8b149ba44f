"""Stage 1, load: read Turtle files into rdflib graphs, remembering where each statement came from.

Parsing uses pyoxigraph: it is many times faster than rdflib's own parser and reports syntax errors
with line and column. The triples are then handed to rdflib, which pyshacl and the rest of the
pipeline use. Literals typed ``xsd:string`` become plain literals, as rdflib's parser would make
them, so data and shapes compare alike.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kgpub import _lexical
from kgpub.errors import InputError, RdfSyntaxError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_EXTENSIONS = {".rdf", ".owl", ".xml", ".nt", ".n3", ".trig", ".nq", ".jsonld", ".json"}

Triple = tuple[Node, Node, Node]


def _spelling_regex(spelling: str) -> str:
    # A prefixed name must not match the start of a longer one (kio:a in kio:ab).
    if spelling.startswith(('"', "'", "<")):
        return re.escape(spelling)
    return r"(?<![\w:-])" + re.escape(spelling) + r"(?![\w:%-]|\.\w)"


@dataclass
class SourceFile:
    """One parsed file: its text and prefixes, to point people at the right line."""

    path: Path
    text: str
    prefixes: dict[str, str] = field(default_factory=dict)
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def spellings(self, term: Node) -> list[str]:
        """The ways ``term`` can be written in this file (full IRI, prefixed names, literal)."""
        if isinstance(term, URIRef):
            iri = str(term)
            out = [f"<{iri}>"]
            for prefix, ns in self.prefixes.items():
                if ns and iri.startswith(ns):
                    out.append(f"{prefix}:{iri[len(ns) :]}")
            return out
        if isinstance(term, Literal):
            return [f'"{term}"', f"'{term}'"]
        return []

    def line_of(self, term: Node, start: int = 0, *, at_start: bool = False) -> int | None:
        """First line number (1-based) from ``start`` on that mentions ``term``."""
        spellings = self.spellings(term)
        if not spellings:
            return None
        pattern = re.compile("|".join(_spelling_regex(s) for s in spellings))
        for number, line in enumerate(self.lines[start:], start=start + 1):
            found = pattern.search(line)
            if found and (not at_start or not line[: found.start()].strip()):
                return number
        return None


@dataclass
class Loaded:
    """A graph together with the files its statements came from."""

    graph: Graph
    files: list[SourceFile]
    subject_files: dict[Node, list[int]] = field(default_factory=dict)

    def locate(self, subject: Node, value: Node | None = None) -> tuple[Path, int | None] | None:
        """The file and line of ``subject``'s description (and of ``value`` in it, if given)."""
        indexes = self.subject_files.get(subject)
        if not indexes:
            if value is None:
                return None
            # The value may be what is wrong (e.g. an unknown term): find it anywhere.
            for source in self.files:
                line = source.line_of(value)
                if line:
                    return source.path, line
            return None
        first: tuple[Path, int | None] | None = None
        for index in indexes:
            source = self.files[index]
            line = source.line_of(subject, at_start=True) or source.line_of(subject)
            if first is None:
                first = (source.path, line)
            if value is not None:
                value_line = source.line_of(value, (line or 1) - 1)
                if value_line:
                    return source.path, value_line
        return first


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a byte-order mark is dropped), with a clear error for anything else."""
    try:
        if path.is_dir():
            raise InputError("is a folder, but a Turtle file was expected here.", path=path)
        data = path.read_bytes()
    except InputError:
        raise
    except PermissionError:
        raise InputError(
            "cannot be read: permission denied.", path=path, hint="Check the file's permissions."
        ) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc}).", path=path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read).",
            path=path,
            line=line,
            column=column,
            hint="Save the file as UTF-8; it may have been saved as Latin-1 or Windows-1252.",
        ) from None


_HINTS = [
    (
        "has not been declared",
        "Declare the prefix at the top of the file with @prefix, or check its spelling.",
    ),
    ("Unexpected end of file", "Look for a string, IRI or bracket that is opened but never closed."),
    ("Unexpected end", "A statement is not finished: check for a missing ' .' at its end."),
    ("dot is expected", "End each statement with ' .' and separate values with ',' or ';'."),
    (
        "No scheme found",
        "Write IRIs in full (<https://…>) or with a declared prefix; relative IRIs are not allowed.",
    ),
    ("language code", "Language tags look like @sv or @en."),
    (
        "Invalid IRI",
        "IRIs may not contain spaces, quotes or angle brackets; encode them (%20) or fix the IRI.",
    ),
    ("escape", 'Backslash escapes in strings are \\n, \\t, \\", \\\\ or \\uXXXX.'),
]


def _syntax_error(path: Path, exc: SyntaxError) -> RdfSyntaxError:
    text = str(exc)
    detail = text.split(": ", 1)[1] if ": " in text else text
    detail = re.sub(r"\s*\(line \d+\)\s*$", "", detail)
    hint = next((h for needle, h in _HINTS if needle in detail), "Check the Turtle syntax near this place.")
    return RdfSyntaxError(
        f"Turtle syntax error: {detail.rstrip('.')}.",
        path=path,
        line=exc.lineno,
        column=exc.offset,
        hint=hint,
    )


class _Converter:
    """pyoxigraph terms to rdflib terms, with IRIs and datatypes cached."""

    def __init__(self, bnode_prefix: str) -> None:
        self._iris: dict[str, URIRef] = {}
        self._bnode_prefix = bnode_prefix

    def iri(self, value: str) -> URIRef:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = URIRef(value)
        return node

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(self._bnode_prefix + term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=self.iri(datatype))
        raise TypeError(f"unsupported term {term!r}")


def parse_file(path: Path, converter: _Converter | None = None) -> tuple[list[Triple], SourceFile]:
    """Parse one Turtle file; syntax and lexical-form errors name the file, line and column."""
    text = read_text(path)
    source = SourceFile(path=path, text=text)
    converter = converter or _Converter(f"f{abs(hash(path))}")
    triples: list[Triple] = []
    parser = ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE)
    try:
        for quad in parser:
            obj = quad.object
            if isinstance(obj, ox.Literal) and not obj.language:
                why = _lexical.problem(obj.value, obj.datatype.value)
                if why:
                    line = source.line_of(Literal(obj.value))
                    raise RdfSyntaxError(f"wrong value: {why}", path=path, line=line)
            triples.append(
                (converter.term(quad.subject), converter.term(quad.predicate), converter.term(obj))
            )
    except SyntaxError as exc:
        raise _syntax_error(path, exc) from None
    source.prefixes = dict(parser.prefixes)
    return triples, source


def find_files(folder: Path, *, recursive: bool = False) -> list[Path]:
    """The Turtle files of a folder, sorted; other RDF formats are refused rather than skipped."""
    if not folder.exists():
        raise InputError(
            "the folder is missing.", path=folder, hint="Create it, or run 'kgpub init' for a new project."
        )
    if not folder.is_dir():
        raise InputError("should be a folder, but it is a file.", path=folder)
    files: list[Path] = []
    walker: Iterable[tuple[str, list[str], list[str]]] = (
        os.walk(folder, followlinks=False)
        if recursive
        else [(str(folder), [], [p.name for p in folder.iterdir()])]
    )
    for dirpath, dirnames, filenames in walker:
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            suffix = path.suffix.lower()
            if suffix == ".ttl":
                files.append(path)
            elif suffix in RDF_EXTENSIONS:
                raise InputError(
                    f"kgpub reads only Turtle (.ttl) files, not {suffix}.",
                    path=path,
                    hint="Convert the file to Turtle, or move it out of the folder.",
                )
    return sorted(files)


def load_files(paths: Iterable[Path], *, track_subjects: bool = True) -> Loaded:
    """Parse ``paths`` into one rdflib graph, remembering which files describe which subjects."""
    graph = Graph(bind_namespaces="none")
    files: list[SourceFile] = []
    subject_files: dict[Node, list[int]] = {}
    for index, path in enumerate(paths):
        converter = _Converter(f"b{index}x")
        triples, source = parse_file(path, converter)
        files.append(source)
        for prefix, ns in source.prefixes.items():
            graph.bind(prefix, ns, override=False, replace=False)
        graph.addN((s, p, o, graph) for s, p, o in triples)
        if track_subjects:
            for subject in {t[0] for t in triples}:
                found = subject_files.setdefault(subject, [])
                if not found or found[-1] != index:
                    found.append(index)
    return Loaded(graph=graph, files=files, subject_files=subject_files)


def iter_triples(loaded: Loaded) -> Iterator[Triple]:
    """All triples of a loaded graph (a typed convenience for callers)."""
    yield from loaded.graph.triples((None, None, None))
