"""Reloading: ``kgpub serve`` picks up a new build without dropping a request.

A build replaces the output folder in one step (:mod:`kgpub.publish`), so a new release shows as
new dump files: the :class:`Reloader` looks at their identity (device, inode, modification time,
size) every ``reload_interval`` seconds, and at once on ``SIGHUP``. When it changed, the new release
is loaded *beside* the one served, in a thread: a new pyoxigraph store, the project (its queries
and ``kgpub.toml``) and a new pool of query workers. Only when all of it is ready is it swapped into
the :class:`~kgpub.serve.app.Site` in one step on the event loop (``site.generation`` is raised
last), so a request that starts after the swap sees the new release only. The old pool is closed
once the queries still running on it have finished (at most the query time limit later).

A release that cannot be loaded (a broken dump, a bad ``kgpub.toml`` or query) changes nothing:
the previous release stays served, and one line is logged. A release that was replaced again
while it loaded is dropped and the newer one loaded instead. ``serve --store`` reloads nothing:
the store is the remote one's business (``kgpub push`` swaps its graphs).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pyoxigraph as ox
from anyio.abc import TaskStatus

from kgpub.serve.pool import Dump, QueryPool

if TYPE_CHECKING:
    from kgpub.project import Project
    from kgpub.serve.app import Site

log = logging.getLogger("kgpub.serve.reload")

#: What identifies a release: (device, inode, mtime in ns, size) of each dump.
Identity = tuple[int, ...]

#: How long the old pool must have been quiet before it is closed (a request that picked the old
#: pool just before the swap reaches it within this time).
QUIET = 0.5


def dump_paths(dist: Path, name: str) -> tuple[Path, Path]:
    """The data dump and the ontology dump a release is loaded from."""
    return dist / f"{name}.nt", dist / "ontology.nt"


def release_identity(dist: Path, name: str) -> Identity | None:
    """The identity of the release in ``dist`` (None while there is none: a folder being replaced).

    A build writes every file anew and swaps the folder, so each release has new inodes; the
    modification time and size tell apart an inode number the file system used again.
    """
    out: list[int] = []
    for path in dump_paths(dist, name):
        try:
            st = os.stat(path)
        except OSError:
            return None
        out += [st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size]
    return tuple(out)


@dataclass
class Release:
    """A release loaded beside the served one, ready to be swapped in."""

    identity: Identity
    project: Project
    store: ox.Store
    pool: QueryPool
    dataset_jsonld: dict[str, str]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "…"


class Reloader:
    """Watches the site's output folder and swaps a new release in; see the module text."""

    def __init__(self, site: Site, interval: float | None = None, drain: float | None = None) -> None:
        self.site = site
        self.interval = interval if interval is not None else site.settings.reload_interval
        #: How long queries still running on a replaced pool may go on (then it is closed anyway).
        self.drain = drain if drain is not None else site.settings.timeout + 1.0
        self.name = site.project.config.name
        #: The release served now, and the last one that could not be loaded (not tried again).
        self.served = release_identity(site.dist, self.name)
        self.failed: Identity | None = None
        self.reloads = 0
        self._wake: anyio.Event | None = None
        self._closing = threading.Event()
        self._retiring: list[threading.Thread] = []
        self._lock = threading.Lock()

    # -- in the event loop ------------------------------------------------------------------------
    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Check every ``interval`` seconds (or when woken) until cancelled."""
        self._wake = anyio.Event()
        task_status.started()
        while True:
            with anyio.move_on_after(self.interval):
                await self._wake.wait()
            forced = self._wake.is_set()
            if forced:
                self._wake = anyio.Event()
            await self.check(force=forced)

    def wake(self) -> None:
        """Check now, and load the release even if it looks unchanged (SIGHUP); in the event loop."""
        if self._wake is not None:
            self._wake.set()

    async def check(self, force: bool = False) -> bool:
        """Load and swap in the release in the output folder if it is new; True if one was swapped in."""
        identity = release_identity(self.site.dist, self.name)
        if identity is None or (not force and identity in (self.served, self.failed)):
            return False
        # Shielded: a shutdown waits for the load to end, so no half-started pool is left behind.
        with anyio.CancelScope(shield=True):
            release = await anyio.to_thread.run_sync(self.load, identity)
        if release is None:
            return False
        self.retire(self.swap(release))  # no await in between: one step for every request
        return True

    def swap(self, release: Release) -> QueryPool:
        """Put ``release`` in the site's place; returns the pool it replaced."""
        site = self.site
        old = site.pool
        assert isinstance(old, QueryPool)
        site.project = release.project
        site.store = release.store
        site.pool = release.pool
        site.templates.globals["dataset_jsonld"] = release.dataset_jsonld
        site.generation += 1  # last: whoever sees the new generation sees the new release
        site.cache.clear()  # the previous release's answers and pages can never be asked for again
        site.views.clear()
        self.served, self.failed = release.identity, None
        self.reloads += 1
        log.info("kgpub serve: serving the new release in %s (generation %d).", site.dist, site.generation)
        return old

    # -- in a thread --------------------------------------------------------------------------------
    def load(self, identity: Identity) -> Release | None:
        """Load the release in the output folder beside the served one; None if it cannot be used."""
        site = self.site
        data, ontology = dump_paths(site.dist, self.name)
        dumps = [Dump(str(data), site.data_graph), Dump(str(ontology), site.ontology_graph)]
        pool: QueryPool | None = None
        try:
            project = self._project()
            store = ox.Store()
            for dump in dumps:
                try:
                    graph = ox.NamedNode(dump.graph)
                    store.bulk_load(path=dump.path, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                except (OSError, SyntaxError, ValueError) as exc:
                    name = Path(dump.path).name
                    raise ValueError(exc if name in str(exc) else f"{name}: {exc}") from None
            from kgpub.catalog import page_jsonld

            dataset_jsonld = page_jsonld(site.dist)
            pool = QueryPool(dumps, size=site.settings.workers, timeout=site.settings.timeout)
        except Exception as exc:
            if pool is not None:
                pool.close()
            if release_identity(site.dist, self.name) != identity:
                log.debug("the release in %s was replaced while it loaded; loading the newer one", site.dist)
                return None
            self.failed = identity
            log.error(
                "kgpub serve: the new release in %s cannot be loaded (%s); still serving the previous one.",
                site.dist,
                _one_line(exc),
            )
            return None
        if release_identity(site.dist, self.name) != identity:
            # Replaced while it loaded: its files may be of two releases. The next check loads the newer.
            pool.close()
            return None
        return Release(identity, project, store, pool, dataset_jsonld)

    def _project(self) -> Project:
        """The project read again (its queries may have changed), its structure checked unchanged."""
        from kgpub.project import Project

        old = self.site.project
        project = Project(old.root)
        new, was = project.config, old.config
        if (new.base, new.name, new.languages, new.output) != (was.base, was.name, was.languages, was.output):
            log.warning(
                "kgpub serve: kgpub.toml changed base, name, languages or output; restart kgpub serve "
                "to apply that (the new release is served with the previous settings)."
            )
            project = Project(old.root, config=was)
        project.queries  # noqa: B018 - read now: a bad query fails the reload, not a request
        project.query_prefixes  # noqa: B018
        return project

    def retire(self, pool: QueryPool) -> None:
        """Close ``pool`` once it has been quiet for a moment, or after ``drain`` seconds at most."""

        def drain() -> None:
            deadline = time.monotonic() + self.drain
            quiet_since: float | None = None
            while not self._closing.is_set():
                now = time.monotonic()
                if now >= deadline:
                    break
                if pool.idle >= pool.size:
                    quiet_since = quiet_since if quiet_since is not None else now
                    if now - quiet_since >= QUIET:
                        break
                else:
                    quiet_since = None
                self._closing.wait(0.05)
            pool.close()

        thread = threading.Thread(target=drain, name="kgpub-retire-pool", daemon=True)
        with self._lock:
            self._retiring = [t for t in self._retiring if t.is_alive()] + [thread]
        thread.start()

    def close(self) -> None:
        """Close the replaced pools now (at shutdown, when no request is running any more)."""
        self._closing.set()
        with self._lock:
            threads = list(self._retiring)
        for thread in threads:
            thread.join(timeout=10)


@contextlib.contextmanager
def _on_sighup(callback: Callable[[], None]) -> Iterator[None]:
    """Call ``callback`` in the event loop on SIGHUP (only where signals can be caught: the main thread)."""
    import asyncio

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        yield
        return
    loop = asyncio.get_running_loop()
    previous = signal.signal(signal.SIGHUP, lambda signum, frame: loop.call_soon_threadsafe(callback))
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


def lifespan(reloader: Reloader | None) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The app's lifespan: ``reloader`` runs while the app serves (None: nothing to reload)."""

    @contextlib.asynccontextmanager
    async def span(app: Any) -> AsyncIterator[None]:
        if reloader is None:
            yield
            return
        try:
            async with anyio.create_task_group() as tasks:
                await tasks.start(reloader.run)
                with _on_sighup(reloader.wake):
                    yield
                tasks.cancel_scope.cancel()
        finally:
            reloader.close()

    return span
