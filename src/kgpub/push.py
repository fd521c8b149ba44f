"""Stage 6, push: load the published graphs into a SPARQL 1.1 triple store, replacing them atomically.

``kgpub push`` sends the data graph, the ontology and the catalogue (each in its own named graph)
to any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol, or only SPARQL 1.1 Update. Each
graph first goes, in chunks, into a fresh *staging* graph (``{graph}/staging-{random}``), whose
triple count is checked; only then are the live graphs replaced, and their counts checked again.
Any failure before the swap removes the staging graphs and leaves the live ones as they were.

How the swap is atomic depends on what the store promises its readers:

* **Stores that isolate readers from a running update** (Oxigraph, Jena Fuseki/TDB2, GraphDB):
  every ``MOVE <staging> TO <graph>`` goes in *one* update request, which these stores run as one
  transaction: a reader sees the old graphs or the new ones, never a mixture, whoever the reader is.
* **Stores whose readers see other transactions' writes as they commit** (Virtuoso reads at READ
  COMMITTED and commits a large ``MOVE``/``COPY`` in batches; QLever's graph operations are not
  isolated either): no single update can switch a graph atomically for every reader there. kgpub
  then brackets the swap (``COPY`` then ``DROP`` of the staging graph, which can be repeated after a
  failure) with a *swap generation*: an odd number written before, the next even number after, in
  the small graph ``{data graph}/swaps``. ``kgpub serve --store`` checks the generation after each
  query and answers it again if a swap overlapped it, so readers *through kgpub* never see a
  mixture; clients that query such a store directly can, during the seconds the swap takes.

Credentials come from the environment (``KGPUB_STORE_USER`` and ``KGPUB_STORE_PASSWORD``, or
``KGPUB_STORE_TOKEN`` for a bearer token) or from a netrc file (``$NETRC`` or ``~/.netrc``), never
from the command line. HTTP Basic or Digest is chosen by the store's challenge.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sys
import time
import uuid
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import pyoxigraph as ox

from kgpub.errors import ConfigError, InputError, RemoteError
from kgpub.sparql import USER_AGENT

if TYPE_CHECKING:
    import httpx

    from kgpub.project import Project


# -- stores ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreKind:
    """Where a kind of store answers, relative to its base address, and what it promises readers."""

    query: str
    update: str
    gsp: str | None
    #: A single update request is one transaction that readers never see half-done.
    isolated: bool
    #: Paths to use instead when credentials are given (Virtuoso's authenticated endpoints).
    auth_update: str | None = None
    auth_gsp: str | None = None
    #: Put before every graph-replacing update (a store's pragma, e.g. Virtuoso's DEFINE sql:log-enable).
    update_prefix: str = ""


KINDS: dict[str, StoreKind] = {
    # oxigraph serve --location DIR --bind HOST:PORT
    "oxigraph": StoreKind("/query", "/update", "/store", isolated=True),
    # base: http://host:3030/DATASET
    "fuseki": StoreKind("/query", "/update", "/data", isolated=True),
    # base: http://host:8890
    "virtuoso": StoreKind(
        "/sparql",
        "/sparql",
        "/sparql-graph-crud",
        isolated=False,
        auth_update="/sparql-auth",
        auth_gsp="/sparql-graph-crud-auth",
        # COPY of a large graph as one transaction outgrows Virtuoso's transaction log
        # (TransactionAfterImageLimit, 50 MB by default: SR325 at about a million triples) and, once
        # aborted, leaves the target emptied. Row-by-row commits (with the log kept) avoid the limit;
        # Virtuoso never isolated readers from a COPY anyway, which is what the swap generation is for.
        update_prefix="DEFINE sql:log-enable 3 ",
    ),
    # base: http://host:7200/repositories/REPOSITORY
    "graphdb": StoreKind("", "/statements", "/rdf-graphs/service", isolated=True),
    # base: http://host:7001 (updates need the server's access token: KGPUB_STORE_TOKEN)
    "qlever": StoreKind("", "", None, isolated=False),
    # base: the SPARQL endpoint itself, for queries and updates; --gsp-url if it has a graph store
    "generic": StoreKind("", "", None, isolated=True),
}


@dataclass(frozen=True)
class Credentials:
    """A user name and password, or a bearer token; never printed."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    source: str = ""


@dataclass(frozen=True)
class Endpoints:
    """The addresses of one store."""

    kind: str
    base: str
    query: str
    update: str
    gsp: str | None
    isolated: bool
    update_prefix: str = ""

    def describe(self) -> str:
        gsp = self.gsp or "none (SPARQL Update is used)"
        return f"query {self.query}, update {self.update}, graph store {gsp}"


def store_endpoints(
    url: str,
    kind: str = "generic",
    *,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    credentials: Credentials | None = None,
) -> Endpoints:
    """The endpoints of the store at ``url``: the kind's preset paths, then explicit overrides."""
    if kind not in KINDS:
        raise InputError(f"unknown store kind {kind!r}; use one of {', '.join(KINDS)}.")
    for what, value in (("store", url), ("query", query_url), ("update", update_url), ("gsp", gsp_url)):
        if value is None:
            continue
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"the {what} address must be an http(s) URL, not {value!r}.")
        if parts.username or parts.password:
            raise InputError(
                f"the {what} address holds credentials; kgpub never takes them on the command line.",
                hint="Set KGPUB_STORE_USER and KGPUB_STORE_PASSWORD (or KGPUB_STORE_TOKEN) in the "
                "environment, or put the host in your netrc file.",
            )
    preset = KINDS[kind]
    base = url.rstrip("/")
    authed = credentials is not None and credentials.user is not None
    update_path = preset.auth_update if authed and preset.auth_update else preset.update
    gsp_path = preset.auth_gsp if authed and preset.auth_gsp else preset.gsp
    return Endpoints(
        kind=kind,
        base=base,
        query=query_url or (base + preset.query if preset.query else url),
        update=update_url or (base + update_path if update_path else url),
        gsp=gsp_url or (base + gsp_path if gsp_path is not None else None),
        isolated=preset.isolated,
        update_prefix=preset.update_prefix,
    )


def find_credentials(url: str) -> Credentials | None:
    """Credentials for the store at ``url``: the environment first, then the netrc file."""
    token = os.environ.get("KGPUB_STORE_TOKEN")
    if token:
        return Credentials(token=token, source="KGPUB_STORE_TOKEN")
    user, password = os.environ.get("KGPUB_STORE_USER"), os.environ.get("KGPUB_STORE_PASSWORD")
    if user and password is not None:
        return Credentials(user, password, source="KGPUB_STORE_USER and KGPUB_STORE_PASSWORD")
    if user:
        raise InputError("KGPUB_STORE_USER is set but KGPUB_STORE_PASSWORD is not.")
    import netrc

    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entries = netrc.netrc(str(path))
    except (netrc.NetrcParseError, OSError) as exc:
        raise InputError(f"the netrc file cannot be read: {exc}", path=path) from None
    parts = urlsplit(url)
    host = parts.hostname or ""
    for machine in (f"{host}:{parts.port}" if parts.port else None, host):
        found = entries.authenticators(machine) if machine else None
        if found:
            login, _account, secret = found
            return Credentials(login or None, secret, source=f"{path} (machine {machine})")
    return None


# -- graphs ---------------------------------------------------------------------------------------

#: Where a store records the swaps of stores that do not isolate readers (see the module text).
GENERATION = "https://w3id.org/kgpub/push#generation"


@dataclass(frozen=True)
class Graphs:
    """The named graphs one project publishes into."""

    data: str
    ontology: str
    catalog: str

    @property
    def swaps(self) -> str:
        """The small graph that records the swap generations (stores that do not isolate readers)."""
        return self.data + "/swaps"


PUSH_KEYS = {
    "store": str,
    "store_kind": str,
    "graph": str,
    "query_url": str,
    "update_url": str,
    "gsp_url": str,
    "chunk_size": int,
    "retries": int,
    "timeout": float,
}


def push_settings(project: Project) -> dict[str, Any]:
    """The ``[push]`` table of kgpub.toml, checked key by key (credentials are refused)."""
    table = project.config.extra.get("push") or {}
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if re.search(r"user|password|secret|token|credential", name, re.IGNORECASE):
            raise ConfigError(
                f"'{key}' in [push]: credentials do not belong in kgpub.toml.",
                path=project.config_path,
                hint="Set KGPUB_STORE_USER and KGPUB_STORE_PASSWORD (or KGPUB_STORE_TOKEN), or use a "
                "netrc file.",
            )
        if name not in PUSH_KEYS:
            raise ConfigError(
                f"unknown key '{key}' in [push].",
                path=project.config_path,
                hint=f"Known keys: {', '.join(sorted(PUSH_KEYS))}.",
            )
        want = PUSH_KEYS[name]
        ok = isinstance(value, str) if want is str else isinstance(value, (int, float)) and value > 0
        if isinstance(value, bool) or not ok or (want is int and not isinstance(value, int)):
            kind = "text" if want is str else "a positive number"
            raise ConfigError(f"'{key}' in [push] must be {kind}.", path=project.config_path)
        out[name] = value
    if "store_kind" in out and out["store_kind"] not in KINDS:
        raise ConfigError(
            f"'store_kind' in [push] must be one of {', '.join(KINDS)}.", path=project.config_path
        )
    return out


def graph_names(project: Project, data_graph: str | None = None) -> Graphs:
    """The graphs of ``project``: ``{base}graph/{name}`` (or ``[push] graph``), ontology, catalogue."""
    base = project.config.base
    data = data_graph or push_settings(project).get("graph") or f"{base}graph/{project.config.name}"
    try:
        ox.NamedNode(data)
    except ValueError:
        raise InputError(f"the graph name must be an absolute IRI, not {data!r}.") from None
    return Graphs(data, f"{base}graph/ontology", f"{base}graph/catalog")


# -- HTTP -----------------------------------------------------------------------------------------

#: Answers worth trying again: the store is busy, restarting or behind a proxy that timed out.
TRANSIENT_STATUS = frozenset({408, 425, 429, 502, 503, 504})


def _auth(credentials: Credentials) -> httpx.Auth:
    import httpx

    class StoreAuth(httpx.Auth):
        """Bearer token; or Basic or Digest, whichever the store's first challenge asks for."""

        requires_request_body = True

        def __init__(self) -> None:
            self.scheme: str | None = None
            self.digest = httpx.DigestAuth(credentials.user or "", credentials.password or "")
            self.basic = httpx.BasicAuth(credentials.user or "", credentials.password or "")

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            if credentials.token:
                request.headers["Authorization"] = f"Bearer {credentials.token}"
                yield request
                return
            if self.scheme == "basic":
                yield from self.basic.auth_flow(request)
                return
            if self.scheme == "digest":
                yield from self.digest.auth_flow(request)
                return
            response = yield request
            if response.status_code != 401:
                return
            challenges = response.headers.get_list("www-authenticate")
            schemes = {h.split(None, 1)[0].lower() for h in challenges if h}
            if "digest" in schemes:
                self.scheme = "digest"
                flow = self.digest.auth_flow(request)
                next(flow)  # the unauthenticated request, answered above
                try:
                    yield flow.send(response)
                except StopIteration:
                    return
            elif "basic" in schemes:
                self.scheme = "basic"
                yield from self.basic.auth_flow(request)

    return StoreAuth()


def _snippet(text: str) -> str:
    """The gist of an error page: tags and blank space removed, at most 300 characters."""
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.IGNORECASE | re.DOTALL)
    text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    return text[:300] + ("…" if len(text) > 300 else "")


class StoreClient:
    """HTTP to one store: retries transient failures, explains permanent ones."""

    def __init__(
        self,
        endpoints: Endpoints,
        credentials: Credentials | None = None,
        *,
        retries: int = 4,
        backoff: float = 0.5,
        timeout: float = 300.0,
    ) -> None:
        import httpx

        self.endpoints = endpoints
        self.credentials = credentials
        self.retries = retries
        self.backoff = backoff
        self.retried = 0
        self.client = httpx.Client(
            auth=_auth(credentials) if credentials else None,
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            follow_redirects=False,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> StoreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request, tried again after a transient failure (with growing pauses)."""
        import httpx

        for attempt in itertools.count():
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                wait = self.backoff * 2**attempt
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in TRANSIENT_STATUS:
                    raise self._refused(what, url, response)
                problem = f"HTTP {response.status_code} {response.reason_phrase}"
                wait = self.backoff * 2**attempt
                after = response.headers.get("retry-after", "")
                if after.isdigit():
                    wait = max(wait, min(float(after), 30.0))
            if attempt >= self.retries:
                raise RemoteError(
                    f"{what} failed {attempt + 1} times ({problem}); giving up.",
                    hint=f"Is the store at {self.endpoints.base} up? ({self.endpoints.describe()})",
                )
            self.retried += 1
            time.sleep(min(wait, 30.0))
        raise AssertionError("unreachable")  # pragma: no cover

    def _refused(self, what: str, url: str, response: httpx.Response) -> RemoteError:
        status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        body = _snippet(response.text) if response.content else ""
        detail = f": {body}" if body else ""
        if response.status_code == 401:
            if self.credentials:
                return RemoteError(
                    f"the store at {url} refused the credentials from {self.credentials.source} "
                    f"while {what} ({status}).",
                    hint="Check the user name and password (or token).",
                )
            return RemoteError(
                f"the store at {url} asks for credentials while {what} ({status}).",
                hint="Set KGPUB_STORE_USER and KGPUB_STORE_PASSWORD (or KGPUB_STORE_TOKEN) in the "
                "environment, or put the host in your netrc file; kgpub never takes credentials on "
                "the command line.",
            )
        if response.status_code == 403:
            return RemoteError(
                f"the store at {url} forbids {what} ({status}){detail}",
                hint="The account needs the right to update the store (Virtuoso: the SPARQL_UPDATE "
                "role, or credentials for its /sparql-auth endpoints).",
            )
        if response.status_code in (404, 405):
            return RemoteError(
                f"the store has no such endpoint: {url} answered {status} while {what}.",
                hint=f"Check --store and --store-kind ({self.endpoints.describe()}), or set "
                "--query-url, --update-url and --gsp-url.",
            )
        return RemoteError(f"the store at {url} refused {what} ({status}){detail}")

    # -- SPARQL -----------------------------------------------------------------------------------
    def select(self, what: str, query: str) -> list[dict[str, Any]]:
        """Run a SELECT on the query endpoint; the bindings as SPARQL JSON dicts."""
        response = self.send(
            what,
            "POST",
            self.endpoints.query,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            bindings: list[dict[str, Any]] = response.json()["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise RemoteError(
                f"the store at {self.endpoints.query} did not answer with SPARQL JSON results while "
                f"{what} (it sent {response.headers.get('content-type', 'no media type')}).",
                hint=f"Check --store and --store-kind ({self.endpoints.describe()}).",
            ) from None
        return bindings

    def count(self, graph: str) -> int:
        """How many triples the store holds in ``graph``."""
        rows = self.select(
            f"counting the triples of <{graph}>",
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        )
        try:
            return int(rows[0]["n"]["value"]) if rows and "n" in rows[0] else 0
        except (ValueError, KeyError, TypeError):
            raise RemoteError(f"the store gave no usable triple count for <{graph}>.") from None

    def update(self, what: str, text: str) -> None:
        self.send(what, "POST", self.endpoints.update, data={"update": text})

    def generation(self, graphs: Graphs) -> int:
        """The highest swap generation recorded for the data graph (0 if none)."""
        rows = self.select(
            "reading the swap generation",
            f"SELECT (MAX(?n) AS ?g) WHERE {{ GRAPH <{graphs.swaps}> "
            f"{{ <{graphs.data}> <{GENERATION}> ?n }} }}",
        )
        value = rows[0].get("g", {}).get("value") if rows else None
        return int(value) if value not in (None, "") else 0

    def record_generation(self, graphs: Graphs, number: int) -> None:
        # Inserted, never replaced: one new row is visible whole or not at all, even at READ COMMITTED.
        self.update(
            f"recording swap generation {number}",
            f"INSERT DATA {{ GRAPH <{graphs.swaps}> {{ <{graphs.data}> <{GENERATION}> {number} }} }}",
        )


# -- what is pushed -------------------------------------------------------------------------------


@dataclass
class Upload:
    """One graph to replace: its name, a label for messages and its triples."""

    graph: str
    label: str
    triples: list[ox.Triple]
    staging: str = ""


def read_triples(paths: Iterable[Path]) -> list[ox.Triple]:
    """The triples of RDF files (format by suffix), blank nodes kept apart per file, duplicates once."""
    seen: dict[ox.Triple, None] = {}
    for path in paths:
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.N_TRIPLES
        try:
            for quad in ox.parse(path=str(path), format=fmt, rename_blank_nodes=True):
                seen.setdefault(quad.triple, None)
        except (OSError, SyntaxError, ValueError) as exc:
            raise InputError(f"cannot read {path.name}: {exc}", path=path) from None
    return list(seen)


def publication(project: Project, dist: Path, graphs: Graphs) -> list[Upload]:
    """The data graph, the ontology and (when the build has one) the catalogue with its VoID."""
    data = dist / f"{project.config.name}.nt"
    ontology = dist / "ontology.nt"
    for path in (data, ontology):
        if not path.exists():
            raise InputError(f"{path.name} is missing from the build.", path=dist, hint="Run 'kgpub build'.")
    uploads = [
        Upload(graphs.data, "data", read_triples([data])),
        Upload(graphs.ontology, "ontology", read_triples([ontology])),
    ]
    catalogue = [p for p in (dist / "catalog.ttl", dist / "void.ttl") if p.exists()]
    if catalogue:
        uploads.append(Upload(graphs.catalog, "catalogue", read_triples(catalogue)))
    return uploads


def _has_blank(triple: ox.Triple) -> list[str]:
    out = []
    for term in (triple.subject, triple.object):
        if isinstance(term, ox.BlankNode):
            out.append(term.value)
        elif isinstance(term, ox.Triple):
            out += _has_blank(term)
    return out


def chunks(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Split ``triples`` into pieces of about ``size``, keeping every blank node's triples together.

    A store reads each request as a document of its own, so ``_:b1`` in two requests would be two
    blank nodes: triples linked through blank nodes travel in the same request.
    """
    parent: dict[str, str] = {}

    def root(b: str) -> str:
        while parent.setdefault(b, b) != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    plain: list[ox.Triple] = []
    linked: list[tuple[ox.Triple, list[str]]] = []
    for t in triples:
        blanks = _has_blank(t)
        if not blanks:
            plain.append(t)
            continue
        linked.append((t, blanks))
        first = root(blanks[0])
        for other in blanks[1:]:
            parent[root(other)] = first
    groups: dict[str, list[ox.Triple]] = {}
    for t, blanks in linked:
        groups.setdefault(root(blanks[0]), []).append(t)
    batch: list[ox.Triple] = []
    for t in plain:
        batch.append(t)
        if len(batch) >= size:
            yield batch
            batch = []
    for group in groups.values():
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- pushing --------------------------------------------------------------------------------------


class Progress(Protocol):
    """Told how a push goes (the CLI draws a progress bar)."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self) -> None: ...


class _Quiet:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass
class PushResult:
    """What a push did."""

    store: str
    graphs: list[tuple[str, int]]
    swap: str
    retried: int
    seconds: float


def push(
    project: Project,
    endpoints: Endpoints,
    *,
    dist: Path | None = None,
    graphs: Graphs | None = None,
    uploads: list[Upload] | None = None,
    credentials: Credentials | None = None,
    chunk_size: int = 25_000,
    retries: int = 4,
    backoff: float = 0.5,
    timeout: float = 300.0,
    progress: Progress | None = None,
) -> PushResult:
    """Replace the project's graphs in the store (see the module text); raises :class:`RemoteError`.

    ``dist`` is the build to push (default: the project's output folder, built first if it is
    missing or older than the data); ``uploads`` replaces what is read from it (for tests and tools).
    """
    started = time.monotonic()
    graphs = graphs or graph_names(project)
    if uploads is None:
        if dist is None:
            dist = project.output_dir
            dump = dist / f"{project.config.name}.nt"
            if not dump.exists() or dump.stat().st_mtime < project._inputs_mtime():
                project.build(dist)
        uploads = publication(project, dist, graphs)
    with StoreClient(endpoints, credentials, retries=retries, backoff=backoff, timeout=timeout) as client:
        swap = replace_graphs(client, uploads, graphs, chunk_size=chunk_size, progress=progress or _Quiet())
        retried = client.retried
    return PushResult(
        endpoints.base,
        [(u.graph, len(u.triples)) for u in uploads],
        swap,
        retried,
        time.monotonic() - started,
    )


def replace_graphs(
    client: StoreClient, uploads: list[Upload], graphs: Graphs, *, chunk_size: int, progress: Progress
) -> str:
    """Stage every upload, check it, swap them all in, check again; returns how the swap was done."""
    token = uuid.uuid4().hex[:12]
    for upload in uploads:
        upload.staging = f"{upload.graph.rstrip('/')}/staging-{token}"
    try:
        for upload in uploads:
            _stage(client, upload, chunk_size, progress)
    except BaseException:
        _drop_staging(client, uploads)
        raise
    if client.endpoints.isolated:
        return _swap_in_one_transaction(client, uploads)
    return _swap_with_generation(client, uploads, graphs)


def _stage(client: StoreClient, upload: Upload, chunk_size: int, progress: Progress) -> None:
    """Load one graph into its staging graph and check the count (once more after a retried chunk)."""
    expected = len(upload.triples)
    for attempt in range(2):
        retried_before = client.retried
        progress.start(f"{upload.label} → {upload.graph}", expected)
        try:
            for chunk in chunks(upload.triples, chunk_size):
                body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b""
                _send_chunk(client, upload.staging, body, len(chunk))
                progress.advance(len(chunk))
        finally:
            progress.finish()
        found = client.count(upload.staging) if expected else 0
        if found == expected:
            return
        # A chunk sent again after a lost answer may have been stored twice (fresh blank nodes).
        client.update(f"clearing <{upload.staging}>", f"DROP SILENT GRAPH <{upload.staging}>")
        if attempt == 0 and client.retried > retried_before:
            continue
        raise RemoteError(
            f"the store holds {found} triples in the staging graph of {upload.label}, {expected} were "
            "sent; nothing was changed.",
            hint="The store may have rejected or rewritten some triples (literals it normalises, "
            "for instance).",
        )


def _send_chunk(client: StoreClient, staging: str, body: bytes, count: int) -> None:
    what = f"uploading {count} triples to <{staging}>"
    gsp = client.endpoints.gsp
    if gsp:
        client.send(
            what,
            "POST",
            gsp,
            params={"graph": staging},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        )
        return
    client.update(what, f"INSERT DATA {{ GRAPH <{staging}> {{\n{body.decode('utf-8')}}} }}")


def _drop_staging(client: StoreClient, uploads: list[Upload]) -> None:
    """Remove the staging graphs after a failure (best effort: the failure itself is what is reported)."""
    for upload in uploads:
        if not upload.staging:
            continue
        with contextlib.suppress(Exception):  # the failure that brought us here is what is reported
            client.update(
                f"removing <{upload.staging}>",
                f"{client.endpoints.update_prefix}DROP SILENT GRAPH <{upload.staging}>",
            )


def _check_live(client: StoreClient, uploads: list[Upload]) -> None:
    for upload in uploads:
        found = client.count(upload.graph)
        if found != len(upload.triples):
            raise RemoteError(
                f"after the swap the store holds {found} triples in <{upload.graph}>, "
                f"{len(upload.triples)} were pushed: did something else write to it meanwhile?"
            )


def _swapped(client: StoreClient, uploads: list[Upload]) -> bool:
    """True if every staging graph is gone and every live graph has the pushed count."""
    try:
        return all(client.count(u.staging) == 0 and client.count(u.graph) == len(u.triples) for u in uploads)
    except RemoteError:
        return False


def _swap_in_one_transaction(client: StoreClient, uploads: list[Upload]) -> str:
    """``MOVE`` every staging graph onto its live graph in one update request (one transaction)."""
    operations = [
        f"MOVE <{u.staging}> TO <{u.graph}>" if u.triples else f"DROP SILENT GRAPH <{u.graph}>"
        for u in uploads
    ]
    try:
        client.update("swapping the staging graphs in", " ;\n".join(operations))
    except RemoteError:
        # The answer may have been lost after the store committed (and the retry then found no
        # staging graph): what the store holds now decides.
        if not _swapped(client, uploads):
            _drop_staging(client, uploads)
            raise
    except BaseException:
        _drop_staging(client, uploads)
        raise
    _check_live(client, uploads)
    return "MOVE, in one update request (one transaction)"


def _swap_with_generation(client: StoreClient, uploads: list[Upload], graphs: Graphs) -> str:
    """``COPY`` each staging graph onto its live graph between an odd and an even swap generation."""
    prefix = client.endpoints.update_prefix
    try:
        current = client.generation(graphs)
        odd = current + 1 if current % 2 == 0 else current + 2
        client.record_generation(graphs, odd)
    except BaseException:
        _drop_staging(client, uploads)
        raise
    try:
        for u in uploads:
            operation = (
                f"COPY <{u.staging}> TO <{u.graph}>" if u.triples else f"DROP SILENT GRAPH <{u.graph}>"
            )
            client.update(f"replacing <{u.graph}>", prefix + operation)
        _check_live(client, uploads)
    except BaseException as exc:
        _drop_staging(client, uploads)
        message = getattr(exc, "message", str(exc))
        raise RemoteError(
            f"the swap failed half-way ({message}); the live graphs may be incomplete and kgpub serve "
            f"answers 'being updated' for them until a push succeeds.",
            hint="Push again.",
        ) from None
    client.record_generation(graphs, odd + 1)
    _drop_staging(client, uploads)
    return f"COPY between swap generations {odd} and {odd + 1} (the store does not isolate readers)"


def progress_bar() -> Progress:
    """A :class:`Progress` that draws a click progress bar per graph on stderr."""
    import click

    class Bar:
        def __init__(self) -> None:
            self.bar: Any = None

        def start(self, label: str, total: int) -> None:
            self.finish()
            self.bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            self.bar.__enter__()

        def advance(self, count: int) -> None:
            if self.bar is not None:
                self.bar.update(count)

        def finish(self) -> None:
            if self.bar is not None:
                self.bar.__exit__(None, None, None)
                self.bar = None

    return Bar()
