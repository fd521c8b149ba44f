"""Checks on a user's query before it reaches a worker: size, nesting, and SERVICE calls.

The checks are cheap and run before any parsing cost; only a query that mentions SERVICE is parsed
(with rdflib's SPARQL parser) to find every service IRI, and one that is not on the allow-list is
refused before any outbound request can be made.
"""

from __future__ import annotations

import re

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


def check(query: str, *, max_length: int, allow: tuple[str, ...]) -> None:
    """Raise :class:`Refused` for a query kgpub will not run."""
    if len(query) > max_length:
        raise Refused(
            413, f"The query is {len(query)} characters long; this endpoint accepts at most {max_length}."
        )
    code = _code_only(query)
    depth = deepest = 0
    for char in code:
        if char in "{(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise Refused(400, f"The query nests {deepest} levels deep; at most {MAX_DEPTH} are accepted.")
    if re.search(r"\bSERVICE\b", code, re.IGNORECASE):
        for iri in service_iris(query):
            if iri is None:
                raise Refused(403, "SERVICE with a variable endpoint is not allowed here.")
            if iri not in allow:
                allowed = ", ".join(allow) or "none"
                raise Refused(403, f"SERVICE <{iri}> is not allowed here (allowed: {allowed}).")


def is_update(query: str) -> bool:
    """True for SPARQL Update operations (which this read-only endpoint refuses)."""
    code = _code_only(query)
    rest = code[_PROLOGUE.match(code).end() :]  # type: ignore[union-attr]
    first = re.match(r"\w+", rest)
    return bool(first) and first.group(0).upper() in _UPDATE_WORDS  # type: ignore[union-attr]


def service_iris(query: str) -> list[str | None]:
    """The endpoint IRIs of every SERVICE in the query (None for a variable)."""
    from rdflib import URIRef, Variable
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(query)
    except Exception as exc:
        raise Refused(400, f"The query does not parse: {exc}") from None
    found: list[str | None] = []

    def walk(node: object, prologue: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                if isinstance(term, Variable):
                    found.append(None)
                elif isinstance(term, URIRef):
                    found.append(str(term))
                elif isinstance(term, CompValue) and term.name == "pname":
                    found.append(_expand(term, prologue))
                else:
                    found.append(str(term))
            for value in node.values():
                walk(value, prologue)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item, prologue)

    prologue = tree[0]
    walk(list(tree[1:]), prologue)
    return found


def _expand(pname: object, prologue: object) -> str | None:
    prefix = getattr(pname, "prefix", None) or ""
    local = getattr(pname, "localname", None) or ""
    for decl in prologue if isinstance(prologue, list) else getattr(prologue, "__iter__", lambda: [])():
        if getattr(decl, "name", "") == "PrefixDecl" and (decl.get("prefix") or "") == prefix:
            return str(decl.get("iri")) + str(local)
    return None
