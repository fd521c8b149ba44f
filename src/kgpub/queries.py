"""Canned SPARQL queries: ``.rq`` files with a grlc-style ``#+`` YAML header, found in ``queries/``.

Parameters are SPARQL variables (``?_year`` for the parameter ``year``) declared in the header with a
type. Their values are turned into RDF terms (pyoxigraph checks IRIs and language tags) and bound
with a ``VALUES`` block inserted at the start of the query's ``WHERE`` group, never pasted into the
text as the user typed them: a value that tries to break out is refused or stays a literal.
Because the binding is at the top of the WHERE group, a query should use its parameters in the
top-level group (a FILTER inside a nested group, a sub-SELECT or a SERVICE block does not see it).
A bad header is an error naming the file and line, never silently ignored.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from kgpub import _lexical
from kgpub.errors import QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES_FILE = "prefixes.rq"
PARAM_TYPES = ("iri", "string", "langstring", "integer", "date", "year")
HEADER_KEYS = {
    "summary", "summary_sv", "description", "description_sv", "tags", "params", "example", "result",
    "method", "endpoint", "pagination", "enumerate", "defaults",
}  # fmt: skip
PARAM_KEYS = {"name", "type", "default", "enum", "description", "description_sv"}


@dataclass(frozen=True)
class Param:
    """One parameter of a canned query."""

    name: str
    type: str
    description: str
    description_sv: str = ""
    default: str | None = None
    enum: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "enum": list(self.enum),
            "description": self.description,
            "description_sv": self.description_sv,
            "required": self.required,
        }


@dataclass(frozen=True)
class Query:
    """A canned query: its metadata and SPARQL text (without the shared prefixes)."""

    name: str
    path: Path
    summary: str
    summary_sv: str
    description: str
    description_sv: str
    sparql: str
    header_lines: int
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    example: dict[str, str] = field(default_factory=dict)
    result: str = ""

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.sparql)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": f"{self.name}.rq",
            "summary": self.summary,
            "summary_sv": self.summary_sv,
            "description": self.description,
            "description_sv": self.description_sv,
            "tags": list(self.tags),
            "form": self.form,
            "params": [p.as_dict() for p in self.params],
            "example": dict(self.example),
            "result": self.result,
        }


_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def _code_only(text: str) -> str:
    """The query text with comments, strings and IRIs blanked out (same length, same offsets).

    Memoised: the server looks at the same query text several times per request (guard, form,
    dataset), and clients repeat queries."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            j = i + re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]).end()  # type: ignore[union-attr]
        elif c in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n and text[j : j + len(quote)] != quote:
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(quote))
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def query_form(sparql: str) -> str:
    match = _FORM.search(_code_only(sparql))
    return match.group(1).upper() if match else "SELECT"


def where_brace(sparql: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE group."""
    code = _code_only(sparql)
    where = re.search(r"\bWHERE\b", code, re.IGNORECASE)
    if where:
        start = where.end()
    else:
        form = _FORM.search(code)
        start = form.end() if form else 0
        if form and form.group(1).upper() == "CONSTRUCT":  # skip the template
            depth = 0
            for k in range(code.index("{", start), len(code)):
                depth += {"{": 1, "}": -1}.get(code[k], 0)
                if depth == 0:
                    start = k + 1
                    break
    brace = code.find("{", start)
    if brace < 0:
        raise ValueError("no WHERE group")
    return brace


def read_prefixes(folder: Path) -> str:
    """The shared ``PREFIX`` lines of ``queries/prefixes.rq`` (empty if there is none)."""
    path = folder / PREFIXES_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


def declared_prefixes(text: str) -> dict[str, str]:
    return dict(re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>", _strip_comments(text)))


def _strip_comments(text: str) -> str:
    # Whole-line comments only: a '#' inside an IRI (…rdf-schema#>) is not a comment.
    return re.sub(r"(?m)^\s*#.*$", "", text)


def with_prefixes(sparql: str, prefixes_text: str) -> str:
    """The query preceded by the shared prefixes it uses but does not declare itself."""
    own = declared_prefixes(sparql)
    used = set(re.findall(r"(?<![\w<:])([A-Za-z][\w-]*|):[\w]", _code_only(sparql)))
    lines = [
        f"PREFIX {p}: <{iri}>"
        for p, iri in declared_prefixes(prefixes_text).items()
        if p in used and p not in own
    ]
    return ("\n".join(lines) + "\n" if lines else "") + sparql


def load_query(path: Path) -> Query:
    """Read one ``.rq`` file; a malformed header is an error naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QueryError("is not UTF-8 text.", path=path) from None
    except OSError as exc:
        raise QueryError(f"cannot be read ({exc.strerror or exc}).", path=path) from None
    lines = text.splitlines(keepends=True)
    header: list[str] = []
    for line in lines:
        if line.startswith("#+"):
            header.append(line[2:].removeprefix(" ") if line[2:3] == " " else line[2:])
        elif line.strip() == "" and not header:
            continue
        else:
            break
    header_lines = len(header)
    name = path.stem

    def fail(message: str, line: int | None = None, hint: str | None = None) -> QueryError:
        return QueryError(message, path=path, line=line, hint=hint)

    try:
        meta = yaml.safe_load("".join(header)) if header else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        bad_line: int | None = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise fail(
            f"the '#+' header is not valid YAML: {problem}.",
            bad_line,
            "Each header line starts with '#+ ' and holds YAML, e.g. '#+ summary: …'.",
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise fail("the '#+' header must be a YAML mapping (key: value lines).", 1)

    def line_of(key: str) -> int | None:
        for number, line in enumerate(header, start=1):
            if re.match(rf"\s*-?\s*{re.escape(key)}\s*:", line):
                return number
        return None

    unknown = sorted(set(meta) - HEADER_KEYS)
    if unknown:
        raise fail(
            f"unknown header key '{unknown[0]}'.",
            line_of(unknown[0]),
            f"Known keys: {', '.join(sorted(HEADER_KEYS))}.",
        )
    for key in ("summary", "description"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise fail(f"the header needs a '{key}' (text).", line_of(key) or 1)
    for key in ("summary_sv", "description_sv", "result"):
        if key in meta and not isinstance(meta[key], str):
            raise fail(f"'{key}' must be text.", line_of(key))
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("'tags' must be a list of words.", line_of("tags"))

    sparql = "".join(lines[header_lines:]) if header else text
    sparql = sparql.lstrip("\n")
    offset = text[: len(text) - len(sparql)].count("\n")
    params = tuple(_param(p, i, fail, line_of) for i, p in enumerate(meta.get("params") or []))
    if meta.get("params") is not None and not isinstance(meta["params"], list):
        raise fail("'params' must be a list.", line_of("params"))
    code = _code_only(sparql)
    for p in params:
        if not re.search(rf"\?_{re.escape(p.name)}\b", code):
            raise fail(
                f"the parameter '{p.name}' is declared but the query has no variable ?_{p.name}.",
                line_of("name"),
            )
    for var in sorted(set(re.findall(r"[?$]_(\w+)", code)) - {p.name for p in params}):
        raise fail(
            f"the query uses ?_{var} but the header declares no parameter '{var}'.",
            line_of("params") or 1,
            "Declare it under 'params' with a name and a type.",
        )
    example = meta.get("example") or {}
    if not isinstance(example, dict):
        raise fail("'example' must map parameter names to values.", line_of("example"))
    known = {p.name for p in params}
    for key in example:
        if key not in known:
            raise fail(f"'example' names an unknown parameter '{key}'.", line_of("example"))
    query = Query(
        name=name,
        path=path,
        summary=meta["summary"].strip(),
        summary_sv=str(meta.get("summary_sv", "")).strip(),
        description=meta["description"].strip(),
        description_sv=str(meta.get("description_sv", "")).strip(),
        sparql=sparql,
        header_lines=offset,
        tags=tuple(tags),
        params=params,
        example={str(k): str(v) for k, v in example.items()},
        result=str(meta.get("result", "")).strip(),
    )
    by_name = {p.name: p for p in params}
    checks = [(p, v, "params") for p in params for v in (p.default, *p.enum) if v is not None]
    checks += [(by_name[k], v, "example") for k, v in query.example.items()]
    for p, value, key in checks:
        if p.type == "iri" and _PREFIXED.match(value):
            continue  # prefix:name, expanded with the project's prefixes when the query runs
        try:
            to_term(p, value)
        except QueryError as exc:
            raise fail(f"parameter '{p.name}': {exc.message}", line_of(key)) from None
    if params and re.match(r"\s*CONSTRUCT\s+WHERE\b", _code_only(sparql[_prologue_end(sparql) :]), re.I):
        raise fail(
            "a query in the short form 'CONSTRUCT WHERE { … }' cannot take parameters.",
            None,
            "Write the template: CONSTRUCT { … } WHERE { … }.",
        )
    return query


_PREFIXED = re.compile(r"^[A-Za-z][\w-]*:(?!//)[^\s<>\"{}|^`\\]+$")


def _prologue_end(sparql: str) -> int:
    code = _code_only(sparql)
    match = re.match(r"\s*((PREFIX\s+[\w.-]*:\s*|BASE\s*)\s*)*", code, re.IGNORECASE)
    return match.end() if match else 0


def _param(raw: Any, index: int, fail: Any, line_of: Any) -> Param:
    if not isinstance(raw, dict):
        raise fail(f"parameter {index + 1} must be a mapping with 'name' and 'type'.", line_of("params"))
    unknown = sorted(set(raw) - PARAM_KEYS)
    if unknown:
        raise fail(
            f"unknown parameter key '{unknown[0]}'.",
            line_of(unknown[0]),
            f"Known keys: {', '.join(sorted(PARAM_KEYS))}.",
        )
    name = raw.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise fail(
            f"parameter {index + 1} needs a 'name' of lower-case letters, digits and _.", line_of("name")
        )
    kind = raw.get("type")
    if kind not in PARAM_TYPES:
        raise fail(
            f"parameter '{name}' has type {kind!r}; use one of {', '.join(PARAM_TYPES)}.", line_of("type")
        )
    if not isinstance(raw.get("description"), str):
        raise fail(f"parameter '{name}' needs a 'description'.", line_of("name"))
    enum = raw.get("enum") or []
    if not isinstance(enum, list):
        raise fail(f"'enum' of parameter '{name}' must be a list.", line_of("enum"))
    default = raw.get("default")
    return Param(
        name=name,
        type=kind,
        description=raw["description"].strip(),
        description_sv=str(raw.get("description_sv", "")).strip(),
        default=None if default is None else str(default),
        enum=tuple(str(v) for v in enum),
    )


def to_term(param: Param, value: str, prefixes: dict[str, str] | None = None) -> ox.NamedNode | ox.Literal:
    """A parameter value as a checked RDF term (an error explains what the value should look like)."""
    value = str(value)
    if param.enum and value not in param.enum:
        raise QueryError(
            f"'{value}' is not allowed for '{param.name}'; choose one of: {', '.join(param.enum)}."
        )
    if param.type == "iri":
        iri = value
        prefix, sep, local = value.partition(":")
        if sep and prefixes and prefix in prefixes and not local.startswith("//"):
            iri = prefixes[prefix] + local
        if not re.match(r"^(https?|urn):", iri):
            raise QueryError(
                f"'{value}' for '{param.name}' is not an IRI; give a full http(s) IRI or prefix:name."
            )
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            raise QueryError(f"'{value}' for '{param.name}' is not a valid IRI ({exc}).") from None
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "langstring":
        text, sep, lang = value.rpartition("@")
        if not sep or not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*", lang):
            raise QueryError(f"'{value}' for '{param.name}' needs a language tag, e.g. 'Kiruna@sv'.")
        return ox.Literal(text, language=lang)
    datatype = {"integer": "integer", "date": "date", "year": "gYear"}[param.type]
    why = _lexical.problem(value, XSD + datatype)
    if why or (param.type == "year" and not re.fullmatch(r"\d{4}", value)):
        raise QueryError(
            f"'{value}' for '{param.name}' is not a {param.type}: {why or 'write four digits, e.g. 2018'}"
        )
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def bind(query: Query, values: dict[str, str], prefixes: dict[str, str] | None = None) -> str:
    """The query's SPARQL with every parameter bound by a VALUES block (defaults filled in)."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        names = ", ".join(p.name for p in query.params) or "none"
        raise QueryError(
            f"the query '{query.name}' has no parameter '{unknown[0]}' (its parameters: {names})."
        )
    terms: list[tuple[str, str]] = []
    for p in query.params:
        value = values.get(p.name, p.default)
        if value is None:
            raise QueryError(
                f"the query '{query.name}' needs the parameter '{p.name}' ({p.description}).",
                hint=f"Add --param {p.name}=… ",
            )
        terms.append((p.name, str(to_term(p, value, prefixes))))
    if not terms:
        return query.sparql
    brace = where_brace(query.sparql)
    block = " ".join(f"VALUES ?_{name} {{ {term} }}" for name, term in terms)
    return query.sparql[: brace + 1] + f" {block} " + query.sparql[brace + 1 :]


def load_queries(folder: Path) -> list[Query]:
    """All queries of a folder, sorted by name (``prefixes.rq`` is the shared prefixes, not a query)."""
    if not folder.is_dir():
        return []
    return [
        load_query(p) for p in sorted(folder.glob("*.rq"), key=lambda p: p.stem) if p.name != PREFIXES_FILE
    ]


def check_syntax(query: Query, prefixes_text: str) -> None:
    """Parse the query (with the shared prefixes) and fail with its file and line.

    pyoxigraph, the engine that runs the queries, parses them: evaluated on an empty store a query
    costs next to nothing. A query with SERVICE is parsed by rdflib instead, so that checking it
    can never call the remote service.
    """
    full = with_prefixes(query.sparql, prefixes_text)
    added = full.count("\n") - query.sparql.count("\n")
    if not re.search(r"\bSERVICE\b", _code_only(full), re.IGNORECASE):
        try:
            ox.Store().query(full)
        except SyntaxError as exc:
            text = " ".join(str(exc).split())
            where = re.search(r"error at (\d+):(\d+)", text)
            detail = re.sub(r"^.*?error at \d+:\d+:\s*", "", text)
            if len(detail) > 120:
                detail = detail[:117] + "…"
            lineno = int(where.group(1)) if where else exc.lineno
            last = query.header_lines + query.sparql.rstrip("\n").count("\n") + 1
            raise QueryError(
                f"the query does not parse: {detail}",
                path=query.path,
                # an error found at the end of the text is reported on the query's last line
                line=min(lineno - added + query.header_lines, last) if lineno else None,
                column=int(where.group(2)) if where else exc.offset,
                hint="Check the SPARQL syntax; prefixes come from queries/prefixes.rq.",
            ) from None
        return
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(full)
    except ParseException as exc:
        line = exc.lineno - added + query.header_lines if exc.lineno else None
        raise QueryError(
            f"the query does not parse: {exc.msg} (near {exc.line.strip()[:60]!r}).",
            path=query.path,
            line=line,
            column=exc.col,
            hint="Check the SPARQL syntax; prefixes come from queries/prefixes.rq.",
        ) from None
    except Exception as exc:  # rdflib raises other errors for e.g. undeclared prefixes
        raise QueryError(
            f"the query does not parse: {exc}.",
            path=query.path,
            hint="Declare the prefix in the query or in queries/prefixes.rq.",
        ) from None


def published_text(query: Query, prefixes_text: str) -> str:
    """The query as published: its header, then a complete SPARQL text that runs anywhere (grlc too)."""
    header = "".join(
        line + "\n" for line in query.path.read_text(encoding="utf-8").splitlines() if line.startswith("#+")
    )
    return header + with_prefixes(query.sparql, prefixes_text)
