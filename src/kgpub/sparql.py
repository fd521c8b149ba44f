"""Running SPARQL: on the local graph (pyoxigraph, in memory) or on a remote endpoint (SPARQLWrapper).

Both give pyoxigraph results (a remote answer is parsed back), so a query's output is the same
wherever it ran: SELECT/ASK as SPARQL JSON, XML, CSV, TSV or a table; CONSTRUCT/DESCRIBE as
Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import ast
import re
import socket
import urllib.error
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kgpub import __version__
from kgpub.errors import QueryError, RemoteError

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
USER_AGENT = f"kgpub/{__version__} (https://w3id.org/kgpub; linked open data publisher)"

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class Result:
    """A query result, read whole: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str]
    rows: list[list[Term | None]]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None

    @classmethod
    def of(cls, answer: Any) -> Result:
        if isinstance(answer, ox.QueryBoolean):
            return cls("ask", [], [], boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            rows = [[solution[name] for name in names] for solution in answer]
            return cls("select", names, rows)
        return cls("graph", [], [], triples=list(answer))

    def dicts(self) -> list[dict[str, str | None]]:
        """Rows as dicts of plain strings (IRIs and literal values), for pandas and friends."""
        return [
            {name: (None if t is None else t.value) for name, t in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    # -- output -------------------------------------------------------------------------------
    def _solutions(self) -> ox.QuerySolutions | ox.QueryBoolean:
        # Re-create pyoxigraph results so its (spec-conformant) serialisers write them.
        if self.kind == "ask":
            doc = b'{"head":{},"boolean":' + (b"true" if self.boolean else b"false") + b"}"
        else:
            import json

            doc = json.dumps(
                {
                    "head": {"vars": self.variables},
                    "results": {
                        "bindings": [
                            {
                                n: _json_term(t)
                                for n, t in zip(self.variables, row, strict=True)
                                if t is not None
                            }
                            for row in self.rows
                        ]
                    },
                }
            ).encode()
        return ox.parse_query_results(doc, ox.QueryResultsFormat.JSON)

    def serialise(self, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
        """Write the result in ``fmt`` (table, md, json, xml, csv, tsv; turtle, ntriples, jsonld, rdfxml)."""
        prefixes = prefixes or {}
        if self.kind == "graph":
            fmt = {"table": "turtle", "md": "turtle", "json": "jsonld", "xml": "rdfxml"}.get(fmt, fmt)
            if fmt not in GRAPH_FORMATS:
                raise QueryError(
                    f"a CONSTRUCT or DESCRIBE result cannot be written as {fmt}; "
                    f"use one of {', '.join(GRAPH_FORMATS)}."
                )
            if fmt in ("turtle", "rdfxml"):
                return ox.serialize(self.triples or [], format=GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
            return ox.serialize(self.triples or [], format=GRAPH_FORMATS[fmt]) or b""
        if fmt in ("table", "md"):
            return self._table(fmt, prefixes).encode("utf-8")
        if fmt not in RESULT_FORMATS:
            raise QueryError(
                f"a SELECT or ASK result cannot be written as {fmt}; "
                f"use table, md, {', '.join(RESULT_FORMATS)}."
            )
        return self._solutions().serialize(format=RESULT_FORMATS[fmt]) or b""

    def _table(self, fmt: str, prefixes: dict[str, str]) -> str:
        if self.kind == "ask":
            return ("yes" if self.boolean else "no") + "\n"
        cells = [[_cell(t, prefixes) for t in row] for row in self.rows]
        if fmt == "md":
            head = "| " + " | ".join(self.variables) + " |\n|" + "---|" * len(self.variables) + "\n"
            body = "".join("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |\n" for row in cells)
            return head + body
        widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(self.variables)]
        line = "  ".join(v.ljust(w) for v, w in zip(self.variables, widths, strict=True)).rstrip()
        rule = "  ".join("-" * w for w in widths)
        body = "".join(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in cells
        )
        count = f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})\n"
        return f"{line}\n{rule}\n{body}{count}"


def _json_term(t: Term) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    out = {"type": "literal", "value": t.value}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = t.datatype.value
    return out


def _cell(t: Term | None, prefixes: dict[str, str]) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if t.value.startswith(ns) and len(t.value) > len(ns):
                return f"{prefix}:{t.value[len(ns) :]}"
        return t.value
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return t.value


class LocalEngine:
    """SPARQL over an in-memory pyoxigraph store."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple | ox.Quad]) -> LocalEngine:
        store = ox.Store()
        store.bulk_extend(
            q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object) for q in triples
        )
        return cls(store)

    def run(self, sparql: str) -> Result:
        try:
            return Result.of(self.store.query(sparql))
        except SyntaxError as exc:
            raise QueryError(f"the query does not parse: {exc}") from None
        except OSError as exc:
            raise QueryError(f"the query failed: {exc}") from None


class RemoteEngine:
    """SPARQL over HTTP through SPARQLWrapper; the answer is parsed back into pyoxigraph results."""

    def __init__(self, endpoint: str, *, timeout: float = 30.0, method: str = "POST") -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.method = method

    def run(self, sparql: str) -> Result:
        from SPARQLWrapper import GET, JSON, POST, TURTLE, SPARQLWrapper

        from kgpub.queries import query_form

        graph = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        client = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        client.setQuery(sparql)
        client.setMethod(POST if self.method == "POST" else GET)
        client.setReturnFormat(TURTLE if graph else JSON)
        client.setTimeout(int(max(1, self.timeout)))
        where = f"the SPARQL endpoint {self.endpoint}"
        body, media = send_query(client, where, self.timeout)
        try:
            if graph:
                fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
                return Result("graph", [], [], triples=[q.triple for q in ox.parse(body, fmt)])
            rfmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
            return Result.of(ox.parse_query_results(body, rfmt))
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(
                f"{where} did not answer with SPARQL results "
                f"(it sent {media or 'no media type'}): {_short(exc)}"
            ) from None


@dataclass(frozen=True)
class Wording:
    """How :func:`send_query` words an error beyond the facts (the endpoint, the status, the reason)."""

    #: What the endpoint did with a query it found malformed (after "the SPARQL endpoint URL").
    malformed: str = "refused the query as malformed"
    #: Added to "answered 414 URI Too Long".
    too_long: str = "; the query is too long for GET"
    #: Added to "failed with a server error" (before ": what the server said").
    server_error: str = ""
    #: Advice added, after a space, to "did not answer within N s." and "cannot reach …: reason.".
    timed_out: str = ""
    unreachable: str = ""


def send_query(
    client: Any, where: str, timeout: float, wording: Wording | None = None, *, http_errors: bool = True
) -> tuple[bytes, str]:
    """Send a prepared SPARQLWrapper request; the answer's body and media type.

    Every failure becomes one :class:`~kgpub.errors.KgpubError` that says what happened to
    ``where`` (a QueryError when the endpoint refused the query as malformed, else a RemoteError);
    with ``http_errors=False`` other HTTP errors are raised as they are (for a caller that retries).
    """
    from SPARQLWrapper import SPARQLExceptions as sx

    wording = wording or Wording()

    def advice(text: str) -> str:
        return f" {text}" if text else ""

    def timed_out() -> RemoteError:
        return RemoteError(f"{where} did not answer within {timeout:g} s.{advice(wording.timed_out)}")

    def unreachable(reason: object) -> RemoteError:
        return RemoteError(f"cannot reach {where}: {reason}.{advice(wording.unreachable)}")

    try:
        response = client.query().response
        body: bytes = response.read()
        media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    except sx.QueryBadFormed as exc:
        raise QueryError(f"{where} {wording.malformed}: {_short(exc)}") from None
    except sx.EndPointNotFound:
        raise RemoteError(f"{where} answered 404 Not Found; check the endpoint URL.") from None
    except sx.Unauthorized:
        raise RemoteError(f"{where} answered 401 Unauthorized.") from None
    except sx.URITooLong:
        raise RemoteError(f"{where} answered 414 URI Too Long{wording.too_long}.") from None
    except sx.EndPointInternalError as exc:
        failed = f"{where} failed with a server error{wording.server_error}"
        raise RemoteError(f"{failed}: {_short(exc)}") from None
    except urllib.error.HTTPError as exc:
        if not http_errors:
            raise
        raise RemoteError(f"{where} answered HTTP {exc.code} {exc.reason}.") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise timed_out() from None
        raise unreachable(exc.reason) from None
    except TimeoutError:
        raise timed_out() from None
    except OSError as exc:
        raise unreachable(exc) from None
    return body, media


def _short(exc: BaseException) -> str:
    """An exception's message on one line, at most 300 characters.

    SPARQLWrapper's errors end with ``Response:`` and the raw body as a Python bytes literal; the
    body is what the endpoint said, so it is decoded and kept, without SPARQLWrapper's preamble."""
    text = str(exc)
    found = re.search(r"Response:\s*(b(['\"]).*\2)\s*$", text, re.DOTALL)
    if found:
        try:
            body = ast.literal_eval(found.group(1))
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        except (ValueError, SyntaxError):
            pass
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "")
