"""Checks on a user's query before it reaches a worker: size, nesting, updates and SERVICE calls.

The checks are cheap and run before any parsing cost. Only a query whose text mentions SERVICE
(anywhere, after ``\\u`` escapes are expanded, as SPARQL does before parsing) is parsed, with
rdflib's SPARQL parser, to find every service IRI; one that is not on the allow-list - a variable,
a relative IRI, a prefixed name whose prefix is declared more than once with different IRIs - is
refused before any outbound request can be made. When in doubt the answer is a refusal.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from kgpub.queries import _code_only


class Refused(Exception):
    """The query is not allowed; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


MAX_DEPTH = 48
_PROLOGUE = re.compile(r"^\s*((PREFIX\s+[\w.-]*:\s*|BASE\s*)\s*)*", re.IGNORECASE)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: The SERVICE keyword, not a variable (?service) or part of a prefixed name (ex:service, service:x).
_SERVICE_WORD = re.compile(r"(?<![\w:?$\-])SERVICE(?![\w:\-])", re.IGNORECASE)
#: A dataset clause (FROM / FROM NAMED): the only place the word FROM may stand in a query.
_FROM_WORD = re.compile(r"(?<![\w:?$.\-])FROM(?![\w:\-])", re.IGNORECASE)
#: Protocol parameters that only SPARQL Update uses.
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")


@functools.lru_cache(maxsize=512)
def unescape(query: str) -> str:
    r"""The query with ``\uXXXX`` / ``\UXXXXXXXX`` escapes expanded (SPARQL 1.1 Query, 19.2)."""

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(expand, query)


def check(query: str, *, max_length: int, allow: tuple[str, ...]) -> None:
    """Raise :class:`Refused` for a query kgpub will not run."""
    if len(query) > max_length:
        raise Refused(
            413, f"The query is {len(query)} characters long; this endpoint accepts at most {max_length}."
        )
    text = unescape(query)
    code = _code_only(text)
    deepest = _depth(code)
    if deepest > MAX_DEPTH:
        raise Refused(400, f"The query nests {deepest} levels deep; at most {MAX_DEPTH} are accepted.")
    if is_update(query):
        raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if re.search("SERVICE", text, re.IGNORECASE):
        allowed = ", ".join(allow) or "none"
        try:
            iris = service_iris(query)
        except Refused as refused:
            if refused.status == 403:
                refused.message += f" (allowed: {allowed})"
            raise
        if len(iris) < len(_SERVICE_WORD.findall(code)):
            raise Refused(403, f"Not every SERVICE in the query could be checked (allowed: {allowed}).")
        for iri in iris:
            if iri is None:
                raise Refused(
                    403, f"SERVICE with a variable endpoint is not allowed here (allowed: {allowed})."
                )
            if iri not in allow:
                raise Refused(403, f"SERVICE <{iri}> is not allowed here (allowed: {allowed}).")


@functools.lru_cache(maxsize=512)
def _depth(code: str) -> int:
    """How deep brackets and braces nest in the query's code."""
    depth = deepest = 0
    for char in code:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    return deepest


def is_update(query: str) -> bool:
    """True for SPARQL Update operations (which this read-only endpoint refuses)."""
    code = _code_only(unescape(query))
    prologue = _PROLOGUE.match(code)
    rest = code[prologue.end() if prologue else 0 :]
    first = re.match(r"\w+", rest)
    return first is not None and first.group(0).upper() in _UPDATE_WORDS


def has_dataset_clause(query: str) -> bool:
    """True if the query names its own dataset (FROM or FROM NAMED)."""
    return _FROM_WORD.search(_code_only(unescape(query))) is not None


def service_iris(query: str) -> list[str | None]:
    """The endpoint IRIs of every SERVICE in the query, None for a variable; raises :class:`Refused`
    when the query does not parse or a prefixed endpoint's prefix is undeclared or ambiguous."""
    from pyparsing import ParseResults
    from rdflib import URIRef, Variable
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(query)
    except Exception as exc:
        raise Refused(400, f"Syntax error in the query: {exc}") from None
    prefixes: dict[str, set[str]] = {}
    for decl in tree[0]:
        if isinstance(decl, CompValue) and decl.name == "PrefixDecl":
            prefixes.setdefault(str(decl.get("prefix") or ""), set()).add(str(decl.get("iri")))
    found: list[str | None] = []

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                if isinstance(term, Variable):
                    found.append(None)
                elif isinstance(term, URIRef):
                    found.append(str(term))
                elif isinstance(term, CompValue) and term.name == "pname":
                    prefix = str(term.get("prefix") or "")
                    iris = prefixes.get(prefix, set())
                    if not iris:
                        raise Refused(400, f"The prefix {prefix}: of a SERVICE endpoint is not declared.")
                    if len(iris) > 1:
                        raise Refused(
                            403, f"The prefix {prefix}: of a SERVICE endpoint is declared twice, differently."
                        )
                    found.append(next(iter(iris)) + str(term.get("localname") or ""))
                else:
                    found.append(None)
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple, ParseResults)):
            for item in node:
                walk(item)

    walk(list(tree[1:]))
    return found
