"""Query workers: separate processes that hold the graph and run user queries under a hard time limit.

pyoxigraph cannot interrupt a running query, so a query that outlives its limit is stopped the only
way that truly stops it: its worker process is killed and a fresh one takes its place. The other
workers keep answering meanwhile. Results are cut at ``max_rows`` inside the worker, before they
can fill memory.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import multiprocessing as mp
import os
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kgpub.serve.guard import has_dataset_clause

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Dump:
    """A file a worker loads, and the named graph it goes into."""

    path: str
    graph: str


@dataclass(frozen=True)
class Answer:
    """What a worker sends back."""

    status: str  # "ok", "syntax", "error"
    body: bytes = b""
    form: str = ""  # "select", "ask", "graph"
    truncated: bool = False
    message: str = ""


class QueryTimeout(Exception):
    """The query ran out of time; its worker was stopped."""


class PoolBusy(Exception):
    """No worker became free in time."""


def _serialise_rows(variables: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    import json

    def term(t: Any) -> dict[str, str]:
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        if isinstance(t, ox.Triple):
            return {"type": "triple", "value": str(t)}
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = t.datatype.value
        return out

    doc = {
        "head": {"vars": variables},
        "results": {
            "bindings": [
                {n: term(t) for n, t in zip(variables, row, strict=True) if t is not None} for row in rows
            ]
        },
    }
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    parsed = ox.parse_query_results(json.dumps(doc).encode(), ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper())) or b""


def execute(store: ox.Store, query: str, options: dict[str, Any]) -> Answer:
    """Run one query and serialise its result (in the worker)."""
    graphs = options.get("default_graphs") or []
    named = options.get("named_graphs") or []
    kwargs: dict[str, Any] = {}
    if graphs or named:
        # A protocol dataset (SPARQL 1.1 Protocol 2.1.4) is exactly the graphs named: no
        # default-graph-uri means an empty default graph, no named-graph-uri no named graphs.
        # It overrides the query's own FROM / FROM NAMED.
        kwargs["default_graph"] = [ox.NamedNode(g) for g in graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named]
    elif not has_dataset_clause(query):
        # Otherwise the default graph is the union of all graphs, unless the query names its
        # own dataset: pyoxigraph's union switch would silently override FROM.
        kwargs["use_default_graph_as_union"] = True
    if options.get("base_iri"):
        kwargs["base_iri"] = options["base_iri"]
    max_rows: int = options["max_rows"]
    try:
        result = store.query(query, **kwargs)
    except SyntaxError as exc:
        return Answer("syntax", message=str(exc))
    if isinstance(result, ox.QueryBoolean):
        fmt = options["result_format"]
        body = result.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper())) or b""
        return Answer("ok", body, "ask")
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [[s[n] for n in names] for s in itertools.islice(result, max_rows + 1)]
        truncated = len(rows) > max_rows
        return Answer(
            "ok", _serialise_rows(names, rows[:max_rows], options["result_format"]), "select", truncated
        )
    triples = list(itertools.islice(result, max_rows + 1))
    truncated = len(triples) > max_rows
    fmt = RDF_FORMATS[options["graph_format"]]
    prefixes = options.get("prefixes") if options["graph_format"] in ("turtle", "rdfxml") else None
    graph_body: bytes | None = (
        ox.serialize(triples[:max_rows], format=fmt, prefixes=prefixes)
        if prefixes
        else ox.serialize(triples[:max_rows], format=fmt)
    )
    return Answer("ok", graph_body or b"", "graph", truncated)


def _worker(conn: Connection, dumps: list[Dump]) -> None:
    store = ox.Store()
    for dump in dumps:
        store.bulk_load(path=dump.path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(dump.graph))
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        query, options = message
        try:
            answer = execute(store, query, options)
        except OSError as exc:  # pyoxigraph evaluation errors (e.g. a refused SERVICE call)
            answer = Answer("error", message=str(exc))
        except Exception as exc:
            answer = Answer("error", message=f"{type(exc).__name__}: {exc}")
        conn.send(answer)


class _Worker:
    def __init__(self, context: Any, dumps: list[Dump]) -> None:
        parent, child = context.Pipe()
        self.conn: Connection = parent
        self.process = context.Process(target=_worker, args=(child, dumps), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        try:
            ready = self.conn.poll(timeout) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of query workers; ``run`` is blocking and thread-safe."""

    def __init__(
        self, dumps: list[Dump], size: int = 2, timeout: float = 10.0, start_timeout: float = 300.0
    ) -> None:
        self.dumps = dumps
        self.size = size
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._context = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        #: Requests on the event loop waiting for a worker (``arun``), woken by ``_release``.
        self._waiters: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._spawn() for _ in range(size)]
        for worker in workers:
            worker.wait_ready(start_timeout)
            self._idle.put(worker)
        self.restarts = 0

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.dumps)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
            self.restarts += 1
        if self._closed:
            return

        def start() -> None:
            worker = self._spawn()
            try:
                worker.wait_ready(self.start_timeout)
            except RuntimeError:
                worker.kill()
                return
            if self._closed:
                worker.kill()
            else:
                self._release(worker)

        threading.Thread(target=start, daemon=True).start()

    @property
    def idle(self) -> int:
        """How many workers are ready for a query now (all of them, ``size``, when the pool is quiet)."""
        return self._idle.qsize()

    def run(self, query: str, options: dict[str, Any], wait: float = 30.0) -> Answer:
        """Run a query on a free worker; QueryTimeout after ``self.timeout`` seconds."""
        # A worker that died while idle (killed from outside, out of memory) is replaced, and the
        # query goes to another: not this query's fault.
        worker = self._take(wait)
        try:
            worker.conn.send((query, options))
            deadline = time.monotonic() + self.timeout
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                answer: Answer = worker.conn.recv()
                self._release(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            self._replace(worker)
            return Answer("error", message="the query worker stopped")
        worker.kill()
        self._replace(worker)
        raise QueryTimeout()

    async def arun(self, query: str, options: dict[str, Any], wait: float = 30.0) -> Answer:
        """``run`` for the event loop: the worker's answer is awaited on its pipe, with no thread hop.

        A free worker is taken at once when there is one (the usual case); when all are busy the
        request waits on the loop until one is returned (not in a thread: a cancelled thread could
        lose the worker it takes). A request cancelled mid-query (the server shutting down) stops
        its worker and starts a replacement, since the worker may still be busy with the query.
        """
        loop = asyncio.get_running_loop()
        self._loop = loop
        give_up = loop.time() + wait
        while True:
            worker: _Worker | None = None
            if not self._waiters:  # first come, first served: nobody overtakes a waiting request
                with contextlib.suppress(queue.Empty):
                    worker = self._idle.get_nowait()
            if worker is None:
                left = give_up - loop.time()
                if left <= 0:
                    raise PoolBusy()
                waiter: asyncio.Future[_Worker] = loop.create_future()
                self._waiters.append(waiter)
                # A returned worker is handed to the first waiter (``_hand_over``); the cap covers
                # one put back by a synchronous ``run`` from another thread. asyncio.wait, not
                # wait_for: a timeout must never cancel away a worker that was just handed over.
                try:
                    await asyncio.wait({waiter}, timeout=min(left, 0.05))
                except BaseException:  # cancelled while waiting: pass on a worker handed over
                    if waiter.done() and not waiter.cancelled():
                        self._hand_over(waiter.result())
                    else:
                        self._forget(waiter)
                    raise
                if not waiter.done():
                    self._forget(waiter)
                    continue
                worker = waiter.result()
            if worker.process.is_alive():
                break
            worker.kill()
            self._replace(worker)
        done: asyncio.Future[Answer] = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            if done.done():
                return
            try:
                # uvloop makes a watched descriptor non-blocking; the rest of a large answer may
                # still be on its way, so read it blocking (the worker is writing it now).
                os.set_blocking(fd, True)
                done.set_result(worker.conn.recv())
            except (EOFError, OSError) as exc:
                done.set_exception(exc)

        try:
            os.set_blocking(fd, True)
            worker.conn.send((query, options))
            loop.add_reader(fd, readable)
            answer = await asyncio.wait_for(done, self.timeout)
        except TimeoutError:
            loop.remove_reader(fd)
            worker.kill()
            self._replace(worker)
            raise QueryTimeout() from None
        except (EOFError, OSError):
            loop.remove_reader(fd)
            worker.kill()
            self._replace(worker)
            return Answer("error", message="the query worker stopped")
        except BaseException:  # cancelled mid-query
            loop.remove_reader(fd)
            worker.kill()
            self._replace(worker)
            raise
        self._release(worker)
        return answer

    def _release(self, worker: _Worker) -> None:
        """Give a worker to the first request waiting for one, else back to the idle ones (any thread)."""
        loop = self._loop
        if loop is None:
            self._idle.put(worker)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._hand_over(worker)
        else:
            try:
                loop.call_soon_threadsafe(self._hand_over, worker)
            except RuntimeError:  # the loop is closed: the server is stopping
                self._idle.put(worker)

    def _forget(self, waiter: asyncio.Future[_Worker]) -> None:
        waiter.cancel()
        with contextlib.suppress(ValueError):
            self._waiters.remove(waiter)

    def _hand_over(self, worker: _Worker) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.put(worker)

    def _take(self, wait: float) -> _Worker:
        """A live idle worker, waiting up to ``wait`` seconds (PoolBusy after that)."""
        give_up = time.monotonic() + wait
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, give_up - time.monotonic()))
            except queue.Empty:
                raise PoolBusy() from None
            if worker.process.is_alive():
                return worker
            worker.kill()
            self._replace(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            with contextlib.suppress(OSError, BrokenPipeError):
                worker.conn.send(None)
            worker.kill()
