"""Stage 1, load: read Turtle files, remembering where each statement came from.

Parsing uses pyoxigraph: it is many times faster than rdflib's own parser and reports syntax errors
with line and column. The statements stay pyoxigraph triples, which the build writes from; an rdflib
graph (for pySHACL and the ontology tools) is made from them when asked for. There, literals typed
``xsd:string`` become plain literals, as rdflib's parser would make them, so data and shapes compare
alike.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import operator
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kgpub import _lexical
from kgpub.errors import InputError, RdfSyntaxError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_EXTENSIONS = {".rdf", ".owl", ".xml", ".nt", ".n3", ".trig", ".nq", ".jsonld", ".json"}
#: One file larger than this is refused before it is read: at ~65 bytes a statement, 10 MB is some
#: 150,000 statements, half a minute to validate and build; Kiruna's whole data is 37 kB. Split a
#: larger file, or raise the limit with the environment variable KGPUB_MAX_FILE_MB.
MAX_FILE_MB = 10.0
# Characters refused in literals: those XML 1.0 cannot hold (an RDF/XML dump with one does not parse),
# and the invisible line breaks NEL, LS and PS, which tools split lines at or not, as they please.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029\ufffe\uffff]")
# An escape that can write one of those into a string: \b, \f, \uXXXX, \UXXXXXXXX.
_CHAR_ESCAPE = re.compile(r"\\[bfuU]")
_PREFIX_DECL = re.compile(r"^[ \t]*(?:@prefix|(?i:prefix))[ \t]+([^\s:]*):[ \t]*<([^>]*)>", re.MULTILINE)
# An @base (group 1) or a relative IRI, one without a scheme (group 2).
_BASE_OR_RELATIVE = re.compile(r"^[ \t]*(?:@base|(?i:base))[ \t]*<([^>]*)>|<([^:<>\s\"]*)>", re.MULTILINE)
_BARE_DATATYPES = {_lexical.XSD + t for t in ("integer", "decimal", "double", "boolean")}

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
    _relative: dict[str, list[str]] | None = field(default=None, repr=False)
    _openers: tuple[list[str], dict[str, list[int]]] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")  # not splitlines(): U+2028 and \f are not line ends
        return self._lines

    @property
    def relative_iris(self) -> dict[str, list[str]]:
        """The relative IRIs written after an @base (``<x>``), by the absolute IRI each stands for."""
        if self._relative is None:
            self._relative = {}
            if not any(word in self.text for word in ("base", "BASE", "Base")):
                return self._relative  # no @base or BASE: no IRI is relative to one
            base = ""
            for found in _BASE_OR_RELATIVE.finditer(self.text):
                if found.group(1) is not None:
                    base = urljoin(base, found.group(1))
                elif base:
                    self._relative.setdefault(urljoin(base, found.group(2)), []).append(f"<{found.group(2)}>")
        return self._relative

    def spellings(self, term: Node) -> list[str]:
        """The ways ``term`` can be written in this file (full IRI, prefixed names, literal)."""
        if isinstance(term, URIRef):
            iri = str(term)
            out = [f"<{iri}>"]
            for prefix, ns in self.prefixes.items():
                if ns and iri.startswith(ns):
                    out.append(f"{prefix}:{iri[len(ns) :]}")
            return out + self.relative_iris.get(iri, [])
        if isinstance(term, Literal):
            bare = [str(term)] if str(term.datatype) in _BARE_DATATYPES else []  # 2018, true
            return [f'"{term}"', f"'{term}'", *bare]
        return []

    def line_of(self, term: Node, start: int = 0, *, at_start: bool = False) -> int | None:
        """First line number (1-based) from ``start`` on that mentions ``term``.

        With ``at_start``, only a mention that opens its line counts (a subject). Those are looked
        up in an index of the words that open lines, made once per file, so locating thousands of
        findings in a large file does not scan it thousands of times."""
        spellings = self.spellings(term)
        if not spellings:
            return None
        if at_start and all(_PLAIN_SPELLING.fullmatch(s) for s in spellings):
            found = [n for s in spellings if (n := self.opened_by(s, start))]
            if found:
                return min(found)
        pattern = _spellings_pattern(tuple(spellings))
        for number, line in enumerate(self.lines[start:], start=start + 1):
            match = pattern.search(line)
            if match and (not at_start or not line[: match.start()].strip()):
                return number
        return None

    def opened_by(self, spelling: str, start: int = 0) -> int | None:
        """The first line after line ``start`` that ``spelling`` opens (see :data:`_PLAIN_SPELLING`)."""
        if self._openers is None:
            words = _LINE_OPENERS.findall(self.text)  # one per line, "" for none: in C, in one pass
            # A word with more than a name's characters may open the line with a shorter name: the
            # one _spelling_regex finds, cut where what follows cannot continue a name.
            cuts: dict[str, list[int]] = {}
            for word in {w for w in set(words) if w and w[0] != "<" and _NOT_NAME.search(w)}:
                lines = [n for n, w in enumerate(words, start=1) if w == word]
                for cut in range(1, len(word)):
                    if _NOT_NAME.match(word, cut) and not (word[cut] == "." and _WORD.match(word, cut + 1)):
                        cuts[word[:cut]] = sorted(set(cuts.get(word[:cut], [])) | set(lines))
            self._openers = (words, cuts)
        words, cuts = self._openers
        found = [n for n in cuts.get(spelling, ()) if n > start]
        with contextlib.suppress(ValueError):  # not there
            found.append(words.index(spelling, start) + 1)  # a scan in C, no index of every line
        return min(found) if found else None


# The first word of every line (or nothing): an IRI, or a run of the characters a prefixed name can
# hold and more. For a spelling of _PLAIN_SPELLING, "the spelling opens the line" is "it is the
# line's word, or a cut of it" (see SourceFile.opened_by), which a test checks against a plain scan.
_LINE_OPENERS = re.compile(r"^[^\S\n]*(<[^<>\s]*>|[^\s<>\"'#;,()\[\]]+)?.*$", re.MULTILINE)
_PLAIN_SPELLING = re.compile(r"<[^<>\s]*>|[\w-]*:[\w%-]+(?:\.[\w%-]+)*")
_NOT_NAME = re.compile(r"[^\w:%-]")
_WORD = re.compile(r"\w")


@functools.lru_cache(maxsize=4096)
def _spellings_pattern(spellings: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(_spelling_regex(s) for s in spellings))


class Loaded:
    """A graph together with the files its statements came from.

    :func:`load_files` keeps the statements as pyoxigraph triples (``triples``), which is all the
    build needs; the rdflib ``graph`` (for pySHACL and the ontology tools) and ``subject_files``
    are made from them on first use, so a large graph that never needs rdflib never pays for it.
    """

    def __init__(
        self,
        graph: Graph | None = None,
        files: list[SourceFile] | None = None,
        subject_files: dict[Node, list[int]] | None = None,
        *,
        triples: list[ox.Triple] | None = None,
        file_spans: list[tuple[int, int]] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        if graph is None and triples is None:
            raise TypeError("Loaded needs a graph or triples")
        self._graph = graph
        self.files: list[SourceFile] = files or []
        self._subject_files = subject_files
        self._triples = triples
        self._file_spans = file_spans
        self._prefixes = prefixes

    @property
    def graph(self) -> Graph:
        """The statements as an rdflib graph (made from ``triples`` the first time it is asked for)."""
        if self._graph is None:
            assert self._triples is not None
            graph = Graph(bind_namespaces="none")
            for prefix, ns in (self._prefixes or {}).items():
                graph.bind(prefix, ns, override=False, replace=False)
            to_rdflib = _Converter("").term
            graph.addN(
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph)
                for t in self._triples
            )
            self._graph = graph
        return self._graph

    @property
    def triples(self) -> list[ox.Triple]:
        """The statements as pyoxigraph triples (a statement made in two files is here twice)."""
        if self._triples is None:
            from kgpub.serialise import ox_triples

            self._triples = ox_triples(self.graph)
        return self._triples

    @property
    def prefixes(self) -> dict[str, str]:
        """The prefixes the files declare (the first file's wins for a name declared twice)."""
        if self._prefixes is None:
            self._prefixes = {prefix: str(ns) for prefix, ns in self.graph.namespaces()}
        return self._prefixes

    @property
    def subject_files(self) -> dict[Node, list[int]]:
        """The files (indexes into ``files``) that describe each subject."""
        if self._subject_files is None:
            to_rdflib = _Converter("").term
            found: dict[Node, list[int]] = {}
            triples = self._triples or []
            for index, (start, end) in enumerate(self._file_spans or []):
                for subject in {t.subject for t in triples[start:end]}:
                    found.setdefault(to_rdflib(subject), []).append(index)
            self._subject_files = found
        return self._subject_files

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


def max_file_bytes() -> int:
    """The size limit of one input file: :data:`MAX_FILE_MB`, or ``KGPUB_MAX_FILE_MB`` when set."""
    value = os.environ.get("KGPUB_MAX_FILE_MB", "").strip()
    try:
        megabytes = float(value) if value else MAX_FILE_MB
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0:
        raise InputError(
            "the environment variable KGPUB_MAX_FILE_MB must be a positive number of megabytes, "
            f"not {value!r}."
        )
    return int(min(megabytes, 1e9) * 1_000_000)


def _folder_error(path: Path) -> InputError:
    return InputError(
        "is a folder, but a Turtle file was expected here.",
        path=path,
        hint="Rename the folder (only files should have names ending in .ttl), or remove it.",
    )


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a byte-order mark is dropped), with a clear error for anything else."""
    try:
        if path.is_dir():
            raise _folder_error(path)
        if path.exists() and not path.is_file():
            raise InputError(
                "is not an ordinary file (it is a pipe, socket or device), so it cannot be read.",
                path=path,
                hint="Replace it with an ordinary file, or remove it.",
            )
        limit = max_file_bytes()
        size = path.stat().st_size if path.exists() else 0
        if size > limit:
            raise InputError(
                f"is {size / 1e6:.1f} MB, more than the limit of {limit / 1e6:g} MB for one file.",
                path=path,
                hint="Split it into several smaller files in the same folder, or raise the limit with the "
                "environment variable KGPUB_MAX_FILE_MB if the machine has the memory and time for it.",
            )
        data = path.read_bytes()
    except InputError:
        raise
    except PermissionError:
        raise InputError(
            "cannot be read: permission denied.", path=path, hint="Check the file's permissions."
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(
                "is a symbolic link that leads back to itself (a loop), so it cannot be read.",
                path=path,
                hint="Replace the link with the file it should point to, or remove it.",
            ) from None
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise InputError(
                f"is a symbolic link to {os.readlink(path)}, which does not exist.",
                path=path,
                hint="Point the link at an existing file, or remove it.",
            ) from None
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
        "Write IRIs in full (<https://…>) or with a declared prefix; a relative IRI needs a full @base.",
    ),
    ("language code", "Language tags look like @sv or @en."),
    (
        "Line jumps are not allowed",
        'Close the string on the same line, or use """…""" for text on several lines.',
    ),
    ("subtag", "Language tags look like @sv or @en (with a region: @sv-FI)."),
    ("should end with a ']'", "Every '[' needs a matching ']' before the statement's ' .'."),
    (
        "is not a valid subject",
        "A statement before this place may lack its closing ' .', or a string its closing quote.",
    ),
    ("is not a valid predicate", "A property is an IRI or a prefixed name such as rdfs:label."),
    ("escapes in IRIs", "In a prefixed name, % must be followed by two hexadecimal digits, as in %C3%A5."),
    (
        "Invalid IRI",
        "IRIs may not contain spaces, quotes or angle brackets; encode them (%20) or fix the IRI.",
    ),
    ("escape", 'Backslash escapes in strings are \\n, \\t, \\", \\\\ or \\uXXXX.'),
]


def _syntax_error(path: Path, exc: SyntaxError, source: str = "") -> RdfSyntaxError:
    text = str(exc)
    detail = text.split(": ", 1)[1] if ": " in text else text
    detail = re.sub(r"\s*\(line \d+\)\s*$", "", detail)
    hint = next((h for needle, h in _HINTS if needle in detail), "Check the Turtle syntax near this place.")
    lines = source.split("\n")
    before = lines[exc.lineno - 1][: exc.offset] if exc.lineno and exc.lineno <= len(lines) else ""
    if exc.offset and re.search(r"[\"']@[\w-]*$", before):  # in a language tag
        hint = "Language tags look like @sv or @en (with a region: @sv-FI, with a hyphen)."
    elif "dot is expected" in detail and exc.lineno and not before[:-1].strip():
        # The token that should have been a ' .' starts a line: the dot belongs after the last statement.
        filled = [n for n in range(1, exc.lineno) if lines[n - 1].strip()[:1] not in ("", "#")]
        previous = filled[-1] if filled else 0
        if previous:
            hint = (
                f"Line {previous} probably lacks its end: ' .' after a statement, ';' before another "
                "property or ',' before another value."
            )
    if source.lstrip().startswith(("<?xml", "<!DOCTYPE", "<rdf:RDF", "{", "[")):
        hint = "The file looks like RDF/XML or JSON-LD, not Turtle: kgpub reads only Turtle, so convert it."
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


def parse_triples(path: Path, bnode_prefix: str = "") -> tuple[list[ox.Triple], SourceFile]:
    """Parse one Turtle file into pyoxigraph triples, blank nodes renamed with ``bnode_prefix``.

    Syntax and lexical-form errors name the file, line and column. Triples without blank nodes are
    kept as the parser made them: this runs once per statement, so it stays lean."""
    text = read_text(path)
    source = SourceFile(path=path, text=text)
    # What the text can hold decides which checks a statement needs: a control character in a value
    # comes from the raw character or an escape (\b \f \u \U); a triple term from <<; a labelled
    # blank node, which must not meet another file's of the same label, from _: (the parser names
    # anonymous ones uniquely itself). Without any of them the statements are taken as they come,
    # and the lexical forms of "..."^^datatype literals are checked from the text.
    rename = bnode_prefix if "_:" in text else ""
    check_chars = bool(_NOT_XML.search(text) or ("\\" in text and _CHAR_ESCAPE.search(text)))
    check_quoted = "<<" in text
    typed = text.count("^^")
    check_forms = typed > 0
    parser = ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE)
    try:
        triples = None
        if not (check_chars or check_quoted or rename):
            triples = list(map(_TRIPLE, parser))  # iterated in C
            if check_forms and not _forms_look_right(text, parser.prefixes, typed):
                triples = None  # a doubt: look at every statement, which names the file and line
                parser = ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE)
        if triples is None:
            triples = _checked_triples(parser, path, source, rename, check_chars, check_forms, check_quoted)
    except SyntaxError as exc:
        raise _syntax_error(path, exc, text) from None
    source.prefixes = dict(parser.prefixes)
    # Each declaration holds the word once: no more occurrences than prefixes means none is repeated.
    # (@prefix is lower case; PREFIX is counted as prefix, Prefix or PREFIX, not in every mixed case.)
    if text.count("refix") + text.count("REFIX") > len(source.prefixes):
        _check_prefixes(path, text)
    return triples, source


# The end of a typed literal: "^^<iri> or "^^prefix:name (found from the ^^, which is rare in text).
_TYPED_END = re.compile(r'"\^\^(?:<([^<>\s]*)>|([A-Za-z][\w.-]*)?:([\w-]*)(?![\w:%\\-]|\.[\w:%\\-]))')
_LITERAL_START = frozenset(" \t\r\n,;([")
_TRIPLE = operator.attrgetter("triple")


def _forms_look_right(text: str, prefixes: dict[str, str], typed: int) -> bool:
    """Whether every ``^^`` of the text ends a simple typed literal with a valid lexical form.

    Simple: ``"text"^^datatype`` with no escape and no line break, opening where a literal can.
    A literal written otherwise (escapes, long or single quotes, a relative datatype) leaves a
    ``^^`` unaccounted for, and a match in a comment or inside a string may be no literal at all:
    both give False, and the caller then checks the parsed statements themselves. So True is exact.
    The same literal written again (a year, say) is checked once. ``typed``: the text's count of ^^.
    """
    ends = [(m.start(), m.groups()) for m in _TYPED_END.finditer(text)]
    if len(ends) != typed:
        return False
    rfind = text.rfind
    seen: set[tuple[str, str, tuple[str | None, ...]]] = set()
    for end, datatype in ends:
        start = rfind('"', 0, end)
        seen.add((text[start - 1 : start] if start > 0 else "", text[start + 1 : end], datatype))
    for before, value, (iri, prefix, local) in seen:
        if before not in _LITERAL_START or "\\" in value or "\n" in value:
            return False
        if iri is None:
            ns = prefixes.get(prefix or "")
            if ns is None:
                return False
            iri = ns + (local or "")
        elif ":" not in iri:
            return False
        if _lexical.problem(value, iri):
            return False
    return True


def _checked_triples(
    parser: ox.QuadParser,
    path: Path,
    source: SourceFile,
    bnode_prefix: str,
    check_chars: bool,
    check_forms: bool,
    check_quoted: bool,
) -> list[ox.Triple]:
    """The statements of one file, each checked as :func:`parse_triples` found needed."""
    text = source.text
    triples: list[ox.Triple] = []
    append = triples.append
    literal, blank, quoted = ox.Literal, ox.BlankNode, ox.Triple
    check_literals = check_chars or check_forms
    for quad in parser:
        if check_quoted and (type(quad.object) is quoted or type(quad.subject) is quoted):
            raise _triple_term(path, text)
        if check_literals:
            obj = quad.object
            if type(obj) is literal:
                value = obj.value
                if check_chars and _NOT_XML.search(value):
                    raise _control_character(path, text, value)
                if check_forms and not obj.language:
                    why = _lexical.problem(value, obj.datatype.value)
                    if why:
                        source.prefixes = dict(parser.prefixes)  # those declared so far
                        line = _form_line(source, quad.subject, value, obj.datatype.value)
                        raise RdfSyntaxError(f"wrong value: {why}", path=path, line=line)
        if bnode_prefix:
            subject, obj = quad.subject, quad.object
            if type(subject) is blank or type(obj) is blank:
                if type(subject) is blank:
                    subject = blank(bnode_prefix + subject.value)
                if type(obj) is blank:
                    obj = blank(bnode_prefix + obj.value)
                append(ox.Triple(subject, quad.predicate, obj))
                continue
        append(quad.triple)
    return triples


def _form_line(source: SourceFile, subject: object, value: str, datatype: str) -> int | None:
    """The line of a literal with a wrong lexical form: where its text is, as written or with the
    usual escapes; else where its datatype is first named after its subject; else the subject's."""
    line = source.line_of(Literal(value))
    if line is None:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        found = re.search(f"\"{re.escape(escaped)}\"|'{re.escape(escaped)}'", source.text)
        if found:
            return source.text.count("\n", 0, found.start()) + 1
    if line is None and isinstance(subject, ox.NamedNode):
        start = source.line_of(URIRef(subject.value))
        if start is not None:
            line = source.line_of(URIRef(datatype), start - 1) or start
    return line


def parse_file(path: Path, converter: _Converter | None = None) -> tuple[list[Triple], SourceFile]:
    """Parse one Turtle file with :func:`parse_triples`' checks, its terms made by ``converter``
    (rdflib terms by default, blank nodes renamed by the converter)."""
    parsed, source = parse_triples(path)
    convert = (converter or _Converter(f"f{abs(hash(path))}")).term
    return [(convert(t.subject), convert(t.predicate), convert(t.object)) for t in parsed], source


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _triple_term(path: Path, text: str) -> RdfSyntaxError:
    found = re.search(r"<<", text) or re.search(r"\{\|", text) or re.search(r"(?<=\s)~", text)
    line, column = _line_col(text, found.start()) if found else (None, None)
    return RdfSyntaxError(
        "Turtle syntax error: statements about statements (RDF 1.2: << … >>, ~, {| … |}) are not supported.",
        path=path,
        line=line,
        column=column,
        hint="State the facts directly, and put any remark in an skos:note of the entity.",
    )


def _control_character(path: Path, text: str, value: str) -> RdfSyntaxError:
    char = _NOT_XML.search(value)
    assert char is not None
    code = ord(char.group())
    # The character itself, or a \u / \U escape of it.
    found = re.search(rf"{re.escape(char.group())}|\\u{code:04x}|\\U{code:08x}", text, re.IGNORECASE)
    line, column = _line_col(text, found.start()) if found else (None, None)
    what = (
        f"U+{code:04X}, an invisible line break that some tools end the line at and others do not"
        if char.group() in "\x85\u2028\u2029"
        else f"the control character U+{code:04X}, which cannot be published (RDF/XML cannot hold it)"
    )
    return RdfSyntaxError(
        f"a text holds {what}.",
        path=path,
        line=line,
        column=column,
        hint="Remove it (write \\n for a new line); such characters come with text copied from a PDF or "
        "a word processor.",
    )


def _check_prefixes(path: Path, text: str) -> None:
    """Refuse a prefix declared twice in one file with different IRIs (legal Turtle, but a trap)."""
    seen: dict[str, tuple[str, int]] = {}
    for match in _PREFIX_DECL.finditer(text):
        name, iri = match.group(1), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        first = seen.setdefault(name, (iri, line))
        if first[0] != iri:
            raise RdfSyntaxError(
                f"the prefix {name}: is declared again with another IRI (<{iri}>; on line {first[1]} it "
                f"is <{first[0]}>), so {name}: means one thing above this line and another below it.",
                path=path,
                line=line,
                hint="Give one of the namespaces another prefix name, or remove the wrong @prefix line.",
            )


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
        for name in dirnames:  # os.walk lists these as folders: say so rather than skip them
            if name.lower().endswith(".ttl"):
                raise _folder_error(Path(dirpath) / name)
            if (Path(dirpath) / name).is_symlink():
                raise InputError(
                    "is a symbolic link to a folder; kgpub does not follow linked folders (a link can "
                    "lead back to where it starts), so its files would be left out.",
                    path=Path(dirpath) / name,
                    hint="Move or copy the files into the folder itself, and remove the link.",
                )
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


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while statements are made by the million.

    pyoxigraph's terms are tracked by the collector, so a list of a million triples triggers
    collection after collection, each walking everything made so far (a fifth of the parse
    time at 1M), and none of it can be in a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_files(paths: Iterable[Path], *, track_subjects: bool = True) -> Loaded:
    """Parse ``paths`` into one graph, remembering which files describe which subjects."""
    triples: list[ox.Triple] = []
    files: list[SourceFile] = []
    spans: list[tuple[int, int]] = []
    prefixes: dict[str, str] = {}
    with paused_gc():
        for index, path in enumerate(paths):
            parsed, source = parse_triples(path, f"b{index}x")
            files.append(source)
            for prefix, ns in source.prefixes.items():
                prefixes.setdefault(prefix, ns)
            spans.append((len(triples), len(triples) + len(parsed)))
            triples += parsed
    return Loaded(files=files, triples=triples, file_spans=spans if track_subjects else [], prefixes=prefixes)


def iter_triples(loaded: Loaded) -> Iterator[Triple]:
    """All triples of a loaded graph (a typed convenience for callers)."""
    yield from loaded.graph.triples((None, None, None))
