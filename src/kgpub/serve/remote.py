"""Serving from a triple store (``kgpub serve --store URL``): the same front end, the store as engine.

Every query goes to the store's SPARQL endpoint through SPARQLWrapper; kgpub's door stays where it
was: the read-only rule, the SERVICE allow-list and the query length are checked before anything is
sent, the time limit is the HTTP timeout (and a deadline while the answer is read), and results are
read as a stream and cut at ``max_rows`` rows, then written again in the format the client asked
for. The dataset is the project's data and ontology graphs, as in the embedded store: their union
is the default graph, and they are the named graphs (unless the request or the query names its own).

Internal queries (pages, lists, counts) are parsed back into pyoxigraph objects, so the handlers do
not know where the data lives; an entity page is one CONSTRUCT.

On stores that do not isolate readers from a running update (Virtuoso, QLever; see
:mod:`kgpub.push`), each answer is checked against the *swap generation* that ``kgpub push``
records around a swap: an answer that a swap overlapped is thrown away and the query asked again,
so a reader through kgpub never sees a half-replaced graph. That check is one more small query per
request, on those stores only.

Virtuoso cannot sort rows that hold a long string (a ``GROUP_CONCAT`` of many names, past about
4 KB: ``SR319``, longer: ``SR478``), nor more than its ``MaxSortedTopRows`` under a ``LIMIT``
(``SR353``). A SELECT that fails so is asked again without its top-level ``ORDER BY``, ``LIMIT``
and ``OFFSET`` (:func:`split_order_by`), and the answer, if it is within ten times the row cap, is
ordered in kgpub by pyoxigraph with the query's own conditions (:func:`order_rows`) and cut at the
cap.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import socket
import threading
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from kgpub.errors import RemoteError
from kgpub.push import Credentials, Endpoints, Graphs, find_credentials, graph_names, store_endpoints
from kgpub.serve.guard import has_dataset_clause
from kgpub.serve.pool import RDF_FORMATS, Answer, PoolBusy, QueryTimeout, _serialise_rows
from kgpub.sparql import USER_AGENT, Result, _short

if TYPE_CHECKING:
    from kgpub.project import Project
    from kgpub.serve.settings import ServeSettings

T = TypeVar("T")

SELECT_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
#: Virtuoso 7 answers ASK as a one-column SELECT with this variable.
VIRTUOSO_ASK = "__ASK_RETVAL"
#: Virtuoso's errors for an ORDER BY it cannot carry out: a row too long for the temporary table of
#: the sort (SR319 ``Max row length is exceeded when trying to store a string of N chars into a temp
#: col``, SR478 ``Value of ANY type column too long``), a LIMIT beyond ``MaxSortedTopRows`` (SR353
#: ``Sorted TOP clause specifies more then N rows to sort``). The query runs without its ORDER BY,
#: and kgpub sorts the answer.
SORT_ERRORS = ("SR319", "SR478", "SR353")
#: How many rows kgpub reads and sorts for a store that cannot, as a multiple of the row cap: the
#: answer is then cut at the cap, as an embedded store's sorted answer is.
SORT_ROWS_PER_CAP = 10

log = logging.getLogger("kgpub.serve.remote")


class StoreSyntaxError(Exception):
    """The store refused the query as malformed (HTTP 400)."""


class StoreFailed(Exception):
    """The store failed, refused the query or could not be reached."""


class StoreUpdating(Exception):
    """A swap (``kgpub push``) was under way for longer than the query could wait."""


@dataclass
class Read:
    """A query's answer, read (up to a limit) from the store."""

    form: str  # "select", "ask", "graph"
    variables: list[str] = field(default_factory=list)
    solutions: list[Any] = field(default_factory=list)
    boolean: bool = False
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False


# -- sorting in kgpub what the store cannot sort ----------------------------------------------------


def _keyword(words: str) -> re.Pattern[str]:
    """A keyword of the query, not a variable (?limit) or part of a name (ex:order, order:x, a.limit)."""
    return re.compile(rf"(?<![\w:?$.\-]){words}(?![\w:\-])", re.IGNORECASE)


_ORDER_BY = _keyword(r"ORDER\s+BY")
_AFTER_CONDITIONS = _keyword(r"(?:LIMIT|OFFSET|VALUES)")
_LIMIT_OR_OFFSET = re.compile(r"\s*(LIMIT|OFFSET)\s+(\d+)(?![\w:\-])", re.IGNORECASE)
_VALUES = re.compile(r"\s*VALUES(?![\w:\-])", re.IGNORECASE)
_SELECT = re.compile(r"SELECT(?![\w:\-])", re.IGNORECASE)
#: What an ORDER BY condition cannot mean once the rows are all there is: patterns, aggregates.
_NEEDS_THE_DATA = _keyword(r"(?:EXISTS|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)")
_VARIABLE = re.compile(r"[?$]([\w\u00b7\u0300-\u036f\u203f\u2040]+)")
_ROWS = "urn:kgpub:order:"
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


@dataclass(frozen=True)
class OrderSplit:
    """A SELECT cut at its top-level ``ORDER BY`` (:func:`split_order_by`)."""

    #: BASE and PREFIX declarations (the conditions may use them).
    prologue: str
    #: The query without ORDER BY, LIMIT and OFFSET; a trailing VALUES block is kept.
    unordered: str
    #: The ORDER BY conditions as written.
    conditions: str
    #: The variables the conditions read.
    variables: frozenset[str]
    limit: int | None = None
    offset: int = 0


def split_order_by(query: str) -> OrderSplit | None:
    """The SELECT ``query`` cut at its top-level ORDER BY; None if it has none or cannot be cut safely.

    Top level is outside every brace and bracket, after the WHERE group (an ORDER BY in a sub-select
    stays where it is); strings, IRIs and comments are skipped. None also when a condition needs the
    data (EXISTS, an aggregate), and for a query with ``\\u`` escapes (SPARQL expands them before
    parsing, so they could hide a brace or a keyword)."""
    from kgpub.queries import _code_only
    from kgpub.serve.guard import _PROLOGUE

    if re.search(r"\\[uU]", query):
        return None
    code = _code_only(query)
    prologue = _PROLOGUE.match(code)
    start = prologue.end() if prologue else 0
    if not _SELECT.match(code, start):
        return None
    found = None
    for match in _ORDER_BY.finditer(code, start):
        before = code[: match.start()]
        if sum(map(before.count, "{([")) != sum(map(before.count, "})]")):
            continue
        if found is not None or "}" not in before:
            return None
        found = match
    if found is None:
        return None
    after = _AFTER_CONDITIONS.search(code, found.end())
    end = stop = after.start() if after else len(code)
    conditions = code[found.end() : stop]
    if not conditions.strip() or "{" in conditions or "}" in conditions or _NEEDS_THE_DATA.search(conditions):
        return None
    limit: int | None = None
    offset: int | None = None
    while clause := _LIMIT_OR_OFFSET.match(code, end):
        if clause.group(1).upper() == "LIMIT" and limit is None:
            limit = int(clause.group(2))
        elif clause.group(1).upper() == "OFFSET" and offset is None:
            offset = int(clause.group(2))
        else:
            return None
        end = clause.end()
    if code[end:].strip() and not _VALUES.match(code, end):
        return None
    return OrderSplit(
        prologue=query[:start],
        unordered=query[: found.start()] + query[end:],
        conditions=query[found.end() : stop],
        variables=frozenset(_VARIABLE.findall(conditions)),
        limit=limit,
        offset=offset or 0,
    )


def order_rows(split: OrderSplit, variables: list[str], solutions: list[Any]) -> list[Any] | None:
    """``solutions`` (rows of ``split.unordered``) as the ORDER BY, OFFSET and LIMIT of the query give
    them, by pyoxigraph over an in-memory store of just these rows (so with SPARQL's own ordering of
    terms); rows that tie keep the store's order. None if pyoxigraph cannot evaluate the conditions
    (a function of the store's own, say) or they read a variable the answer does not have."""
    if not split.variables <= set(variables):
        return None
    row, position = "kgpub_row", "kgpub_position"
    while row in variables or position in variables:
        row, position = row + "_", position + "_"
    at = ox.NamedNode(_ROWS + "position")
    keys = sorted(split.variables)  # only what the conditions read goes into the store
    columns = [ox.NamedNode(f"{_ROWS}column-{k}") for k in range(len(keys))]
    quads = []
    for number, solution in enumerate(solutions):
        node = ox.NamedNode(f"{_ROWS}row-{number}")
        quads.append(ox.Quad(node, at, ox.Literal(str(number), datatype=_INTEGER)))
        for column, name in zip(columns, keys, strict=True):
            term = solution[name]
            if term is not None:
                quads.append(ox.Quad(node, column, term))
    store = ox.Store()
    store.extend(quads)
    optional = "".join(
        f"  OPTIONAL {{ ?{row} <{column.value}> ?{name} }}\n"
        for column, name in zip(columns, keys, strict=True)
    )
    text = (
        f"{split.prologue}\nSELECT ?{position} WHERE {{\n  ?{row} <{at.value}> ?{position} .\n{optional}}}\n"
        f"ORDER BY {split.conditions}\n  ?{position}\n"
    )
    try:
        answer = store.query(text)
        if not isinstance(answer, ox.QuerySolutions):
            return None
        ordered = [int(s[position].value) for s in answer]
    except (SyntaxError, OSError, RuntimeError, ValueError):  # RuntimeError: an unknown function
        return None
    stop = None if split.limit is None else split.offset + split.limit
    return [solutions[number] for number in ordered[split.offset : stop]]


class RemoteStore:
    """One triple store, read through its SPARQL endpoint."""

    def __init__(
        self,
        endpoints: Endpoints,
        graphs: Graphs,
        credentials: Credentials | None = None,
        *,
        timeout: float = 10.0,
        max_rows: int = 10_000,
    ) -> None:
        self.endpoints = endpoints
        self.graphs = graphs
        self.credentials = credentials
        self.timeout = timeout
        #: The most rows kgpub sorts itself for an internal or canned query (the server's row cap).
        self.max_rows = max_rows
        #: The dataset kgpub serves: the data and the ontology, as the embedded store holds them.
        self.dataset = [graphs.data, graphs.ontology]
        self._generation: int | None = None

    @property
    def data_graph(self) -> str:
        return self.graphs.data

    # -- one request ------------------------------------------------------------------------------
    def _read(
        self,
        query: str,
        *,
        default_graphs: list[str],
        named_graphs: list[str],
        deadline: float,
        max_rows: int | None = None,
    ) -> Read:
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper import SPARQLExceptions as sx

        from kgpub.queries import query_form

        form = query_form(query)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QueryTimeout()
        client = SPARQLWrapper(self.endpoints.query, agent=USER_AGENT)
        client.setQuery(query)
        client.setMethod(POST)
        client.setReturnFormat(TURTLE if graph else JSON)
        client.setOnlyConneg(True)  # no format=/output= parameters: the Accept header decides
        client.addCustomHttpHeader("Accept", GRAPH_ACCEPT if graph else SELECT_ACCEPT)
        client.setTimeout(max(1, math.ceil(remaining)))
        for iri in default_graphs:
            client.addDefaultGraph(iri)
        for iri in named_graphs:
            client.addNamedGraph(iri)
        if self.credentials and self.credentials.token:
            client.addCustomHttpHeader("Authorization", f"Bearer {self.credentials.token}")
        elif self.credentials and self.credentials.user:
            client.setCredentials(self.credentials.user, self.credentials.password)
            client.setHTTPAuth(DIGEST if self.endpoints.kind == "virtuoso" else BASIC)
        where = f"the store at {self.endpoints.query}"
        try:
            response = client.query().response
        except sx.QueryBadFormed as exc:
            raise StoreSyntaxError(_short(exc)) from None
        except (sx.EndPointNotFound, sx.Unauthorized, sx.URITooLong, sx.EndPointInternalError) as exc:
            raise StoreFailed(f"{where} failed: {_short(exc)}") from None
        except urllib.error.HTTPError as exc:
            raise StoreFailed(f"{where} answered HTTP {exc.code} {exc.reason}.") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise QueryTimeout() from None
            raise StoreFailed(f"cannot reach {where}: {exc.reason}.") from None
        except TimeoutError:
            raise QueryTimeout() from None
        except OSError as exc:
            raise StoreFailed(f"cannot reach {where}: {exc}.") from None
        media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            return self._parse(response, media, form, deadline, max_rows)
        except TimeoutError:
            raise QueryTimeout() from None
        except (SyntaxError, ValueError) as exc:
            raise StoreFailed(
                f"{where} did not answer with SPARQL results (it sent {media or 'no media type'}): "
                f"{_short(exc)}"
            ) from None
        except OSError as exc:
            raise StoreFailed(f"the answer of {where} broke off: {exc}.") from None
        finally:
            response.close()

    @staticmethod
    def _parse(response: Any, media: str, form: str, deadline: float, max_rows: int | None) -> Read:
        limit = None if max_rows is None else max_rows + 1

        def capped(items: Any) -> list[Any]:
            out = []
            for number, item in enumerate(itertools.islice(items, limit)):
                if number % 256 == 255 and time.monotonic() > deadline:
                    raise QueryTimeout()
                out.append(item)
            return out

        if form in ("CONSTRUCT", "DESCRIBE"):
            fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
            triples = [q.triple for q in capped(ox.parse(response, format=fmt))]
            truncated = max_rows is not None and len(triples) > max_rows
            return Read("graph", triples=triples[:max_rows] if truncated else triples, truncated=truncated)
        rfmt = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.JSON
        answer = ox.parse_query_results(response, format=rfmt)
        if isinstance(answer, ox.QueryBoolean):
            return Read("ask", boolean=bool(answer))
        variables = [v.value for v in answer.variables]
        if form == "ASK":  # Virtuoso: a SELECT of one integer
            rows = capped(answer)
            value = rows[0][variables[0]] if rows and variables else None
            return Read("ask", boolean=value is not None and value.value not in ("0", "false"))
        solutions = capped(answer)
        truncated = max_rows is not None and len(solutions) > max_rows
        return Read(
            "select", variables, solutions[:max_rows] if truncated else solutions, truncated=truncated
        )

    def _select(
        self,
        query: str,
        *,
        default_graphs: list[str],
        named_graphs: list[str],
        deadline: float,
        max_rows: int | None = None,
    ) -> Read:
        """``_read``; a SELECT the store cannot sort (:data:`SORT_ERRORS`) is asked again without
        its ORDER BY, LIMIT and OFFSET and, if its whole answer is within :data:`SORT_ROWS_PER_CAP`
        times the row cap, sorted here and then cut at ``max_rows`` when one is given (marked
        truncated, as the embedded store's answer would be). Whenever that cannot be done exactly,
        the store's first error is raised."""
        try:
            return self._read(
                query,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                deadline=deadline,
                max_rows=max_rows,
            )
        except StoreFailed as exc:
            failure = exc
        code = next((c for c in SORT_ERRORS if c in str(failure)), None)
        split = split_order_by(query) if code else None
        if split is None:
            raise failure
        cap = self.max_rows if max_rows is None else max_rows
        bound = cap * SORT_ROWS_PER_CAP
        try:
            read = self._read(
                split.unordered,
                default_graphs=default_graphs,
                named_graphs=named_graphs,
                deadline=deadline,
                max_rows=bound,
            )
        except (StoreFailed, StoreSyntaxError):
            raise failure from None
        if read.form != "select" or read.truncated:
            log.warning(
                "the store cannot sort the answer (%s) and it has more than %d rows: not sorted here.",
                code,
                bound,
            )
            raise failure
        started = time.monotonic()
        solutions = order_rows(split, read.variables, read.solutions)
        if solutions is None:
            log.warning(
                "the store cannot sort the answer (%s), nor can kgpub: the conditions %r.",
                code,
                " ".join(split.conditions.split()),
            )
            raise failure
        if time.monotonic() > deadline:
            raise QueryTimeout()
        log.info(
            "the store cannot sort the answer (%s): %d rows sorted by kgpub in %.0f ms (ORDER BY %s).",
            code,
            len(read.solutions),
            (time.monotonic() - started) * 1000,
            " ".join(split.conditions.split()),
        )
        if max_rows is not None:  # cut as the plain read would have been (none for internal reads)
            read.truncated = len(solutions) > max_rows
            solutions = solutions[:max_rows]
        read.solutions = solutions
        return read

    # -- swaps (stores that do not isolate readers) -----------------------------------------------
    def generation(self, deadline: float) -> int:
        from kgpub.push import GENERATION

        read = self._read(
            f"SELECT (MAX(?n) AS ?g) WHERE {{ GRAPH <{self.graphs.swaps}> "
            f"{{ <{self.graphs.data}> <{GENERATION}> ?n }} }}",
            default_graphs=[],
            named_graphs=[],
            deadline=deadline,
        )
        value = read.solutions[0]["g"] if read.solutions and read.variables else None
        return int(value.value) if value is not None and value.value else 0

    def consistent(self, read: Callable[[], T], deadline: float) -> T:
        """``read()``, answered again if a swap overlapped it (stores that do not isolate readers)."""
        if self.endpoints.isolated:
            return read()
        before = self._generation if self._generation is not None else self.generation(deadline)
        while True:
            while before % 2 == 1:  # a swap is under way: wait for it to end
                if time.monotonic() + 0.2 > deadline:
                    raise StoreUpdating()
                time.sleep(0.2)
                before = self.generation(deadline)
            self._generation = before
            result = read()
            after = self.generation(deadline)
            self._generation = after
            if after == before:
                return result
            before = after

    # -- what the site asks -----------------------------------------------------------------------
    def fetch(self, sparql: str, deadline: float | None = None) -> Read:
        """A trusted, internal query on the served dataset (no row limit, but for a sort kgpub does
        in the store's stead: at most ``max_rows`` rows)."""
        deadline = deadline or time.monotonic() + self.timeout
        return self.consistent(
            lambda: self._select(
                sparql, default_graphs=self.dataset, named_graphs=self.dataset, deadline=deadline
            ),
            deadline,
        )

    def _fetch_or_fail(self, sparql: str, *, canned: bool) -> Any:
        """``fetch``, with every failure as one KgpubError (a malformed canned query: a QueryError)."""
        try:
            return self.fetch(sparql)
        except QueryTimeout:
            raise RemoteError(f"the store did not answer within {self.timeout:g} s.") from None
        except StoreUpdating:
            raise RemoteError("the data is being replaced (kgpub push); try again in a moment.") from None
        except StoreSyntaxError as exc:
            if canned:
                from kgpub.errors import QueryError

                raise QueryError(f"the store refused the query as malformed: {exc}") from None
            raise RemoteError(str(exc)) from None
        except StoreFailed as exc:
            raise RemoteError(str(exc)) from None

    def query(self, sparql: str) -> Any:
        """What ``Site.query`` gives: solutions (``row["name"]``), a boolean, or triples."""
        read = self._fetch_or_fail(sparql, canned=False)
        if read.form == "ask":
            return read.boolean
        if read.form == "graph":
            return read.triples
        return read.solutions

    def run(self, sparql: str) -> Result:
        """A canned query, as :class:`kgpub.sparql.Result` (the engine interface of the query pages)."""
        read = self._fetch_or_fail(sparql, canned=True)
        if read.form == "ask":
            return Result("ask", [], [], boolean=read.boolean)
        if read.form == "graph":
            return Result("graph", [], [], triples=read.triples)
        return Result("select", read.variables, [[s[n] for n in read.variables] for s in read.solutions])

    def answer(self, query: str, options: dict[str, Any], deadline: float) -> Answer:
        """A user's query, with the options of :func:`kgpub.serve.pool.execute`."""
        graphs = list(options.get("default_graphs") or [])
        named = list(options.get("named_graphs") or [])
        if not graphs and not named and not has_dataset_clause(query):
            graphs, named = self.dataset, self.dataset
        if options.get("base_iri"):
            query = f"BASE <{options['base_iri']}>\n{query}"
        max_rows: int = options["max_rows"]
        try:
            read = self.consistent(
                lambda: self._select(
                    query, default_graphs=graphs, named_graphs=named, deadline=deadline, max_rows=max_rows
                ),
                deadline,
            )
        except StoreSyntaxError as exc:
            return Answer("syntax", message=str(exc))
        except StoreFailed as exc:
            return Answer("error", message=str(exc))
        if read.form == "ask":
            fmt = getattr(ox.QueryResultsFormat, str(options["result_format"]).upper())
            doc = b'{"head":{},"boolean":' + (b"true" if read.boolean else b"false") + b"}"
            body = ox.parse_query_results(doc, ox.QueryResultsFormat.JSON).serialize(format=fmt) or b""
            return Answer("ok", body, "ask")
        if read.form == "select":
            rows = [[s[n] for n in read.variables] for s in read.solutions]
            return Answer(
                "ok",
                _serialise_rows(read.variables, rows, options["result_format"]),
                "select",
                read.truncated,
            )
        fmt_name = options["graph_format"]
        prefixes = options.get("prefixes") if fmt_name in ("turtle", "rdfxml") else None
        body_graph = (
            ox.serialize(read.triples, format=RDF_FORMATS[fmt_name], prefixes=prefixes)
            if prefixes
            else ox.serialize(read.triples, format=RDF_FORMATS[fmt_name])
        )
        return Answer("ok", body_graph or b"", "graph", read.truncated)


class RemotePool:
    """The query pool of ``serve --store``: ``run(query, options) -> Answer`` like :class:`QueryPool`.

    At most ``size`` queries go to the store at once; the time limit is the HTTP timeout.
    """

    def __init__(self, store: RemoteStore, size: int = 2, timeout: float = 10.0) -> None:
        self.store = store
        self.size = size
        self.timeout = timeout
        self.restarts = 0
        self._slots = threading.BoundedSemaphore(size)
        self._busy = 0
        self._lock = threading.Lock()

    @property
    def idle(self) -> int:
        with self._lock:
            return self.size - self._busy

    def run(self, query: str, options: dict[str, Any], wait: float = 30.0) -> Answer:
        """Run a query on the store; QueryTimeout after ``self.timeout`` seconds, PoolBusy if full."""
        if not self._slots.acquire(timeout=wait):
            raise PoolBusy()
        with self._lock:
            self._busy += 1
        try:
            return self.store.answer(query, options, time.monotonic() + self.timeout)
        except StoreUpdating:
            raise PoolBusy() from None
        finally:
            with self._lock:
                self._busy -= 1
            self._slots.release()

    async def arun(self, query: str, options: dict[str, Any], wait: float = 30.0) -> Answer:
        """``run`` from the event loop (the HTTP round trip runs in a thread)."""
        import anyio

        return await anyio.to_thread.run_sync(lambda: self.run(query, options, wait))

    def close(self) -> None:
        """Nothing to stop: the store runs elsewhere."""


def open_remote(project: Project, settings: ServeSettings) -> RemoteStore:
    """The store ``settings.store`` names, checked with one query before the server starts."""
    url = settings.store or ""
    credentials = find_credentials(url)
    endpoints = store_endpoints(url, settings.store_kind, credentials=credentials)
    store = RemoteStore(
        endpoints, graph_names(project), credentials, timeout=settings.timeout, max_rows=settings.max_rows
    )
    try:
        store.fetch("ASK { ?s ?p ?o }", time.monotonic() + max(settings.timeout, 10.0))
    except QueryTimeout:
        raise RemoteError(f"the store at {endpoints.query} did not answer within the time limit.") from None
    except (StoreSyntaxError, StoreFailed, StoreUpdating) as exc:
        raise RemoteError(
            f"cannot serve from the store: {exc}",
            hint=f"Check --store and --store-kind ({endpoints.describe()}).",
        ) from None
    return store
