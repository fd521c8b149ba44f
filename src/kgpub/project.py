"""A kgpub project: a folder with ``ontology/``, ``data/``, ``shapes/``, ``queries/`` and ``kgpub.toml``.

The folders are found by convention. Everything is loaded lazily and at most once per
``Project`` object; there is no module-level state, so two projects can live side by side.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kgpub.config import CONFIG_FILE, Config, load_config
from kgpub.errors import InputError, QueryError
from kgpub.load import Loaded, find_files, load_files

if TYPE_CHECKING:
    from rdflib import Graph

    from kgpub.publish import BuildResult
    from kgpub.queries import Query
    from kgpub.sparql import LocalEngine, RemoteEngine, Result
    from kgpub.validate import Report


class Project:
    """One project folder and its configuration."""

    def __init__(self, root: Path | str = ".", config: Config | None = None) -> None:
        self.root = Path(root)
        if not self.root.exists():
            raise InputError("the project folder does not exist.", path=self.root)
        if not self.root.is_dir():
            raise InputError("the project must be a folder.", path=self.root)
        self.config = config if config is not None else load_config(self.root)

    def __repr__(self) -> str:
        return f"Project({str(self.root)!r})"

    # -- folders, by convention -------------------------------------------------------------
    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def output_dir(self) -> Path:
        return self.root / self.config.output

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def catalog_path(self) -> Path:
        """``data/catalog.ttl``: the catalogue description (DCAT-AP-SE), read by :mod:`kgpub.catalog`."""
        return self.data_dir / "catalog.ttl"

    def _files(
        self, folder: Path, *, recursive: bool = False, what: str, exclude: Path | None = None
    ) -> list[Path]:
        files = [p for p in find_files(folder, recursive=recursive) if p != exclude]
        if not files:
            raise InputError(
                f"the folder holds no Turtle (.ttl) files, so there is no {what} to read.",
                path=folder,
                hint="Add at least one .ttl file; the README shows how to add an entry.",
            )
        return files

    # -- graphs ------------------------------------------------------------------------------
    @cached_property
    def ontology(self) -> Loaded:
        """The ontology files, parsed."""
        return load_files(self._files(self.ontology_dir, what="ontology"))

    @cached_property
    def data(self) -> Loaded:
        """The data files (``data/`` and its subfolders, such as ``data/links/``), parsed."""
        # data/catalog.ttl describes the publication (the DCAT-AP-SE catalogue), not Kiruna: it is
        # left out of the graph, so it is neither validated with the data nor published in the dumps.
        return load_files(self._files(self.data_dir, recursive=True, what="data", exclude=self.catalog_path))

    @cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes, parsed."""
        return load_files(self._files(self.shapes_dir, what="shapes"), track_subjects=False).graph

    # -- queries -----------------------------------------------------------------------------
    @cached_property
    def queries(self) -> dict[str, Query]:
        """The canned queries of ``queries/``, by name (a bad file is an error, never skipped)."""
        from kgpub.queries import load_queries

        return {q.name: q for q in load_queries(self.queries_dir)}

    @cached_property
    def query_prefixes(self) -> str:
        """The shared PREFIX lines of ``queries/prefixes.rq``."""
        from kgpub.queries import read_prefixes

        return read_prefixes(self.queries_dir)

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Prefixes for reading and writing: the standard ones, ``project:``, ``organisation:`` … under
        the base, and those of ``queries/prefixes.rq``."""
        from kgpub.queries import declared_prefixes
        from kgpub.vocab import ID_KINDS, STANDARD_PREFIXES

        ids = {kind: f"{self.config.id_base}{kind}/" for kind in ID_KINDS}
        return {**STANDARD_PREFIXES, **ids, **declared_prefixes(self.query_prefixes)}

    def get_query(self, name: str) -> Query:
        try:
            return self.queries[name]
        except KeyError:
            known = ", ".join(sorted(self.queries)) or "none"
            raise QueryError(
                f"there is no query named '{name}' (known: {known}).", hint="'kgpub queries' lists them."
            ) from None

    def engine(self, endpoint: str | None = None, timeout: float = 30.0) -> LocalEngine | RemoteEngine:
        """Where queries run: a remote endpoint, or the local graph (the built dumps if fresh)."""
        from kgpub.sparql import RemoteEngine

        if endpoint:
            return RemoteEngine(endpoint, timeout=timeout)
        return self.local_engine

    @cached_property
    def local_engine(self) -> LocalEngine:
        """The published graph and the ontology in one in-memory store."""
        import pyoxigraph as ox

        from kgpub.sparql import LocalEngine

        dump = self.output_dir / f"{self.config.name}.nt"
        ontology_dump = self.output_dir / "ontology.nt"
        if dump.exists() and ontology_dump.exists() and dump.stat().st_mtime >= self._inputs_mtime():
            store = ox.Store()
            for path in (dump, ontology_dump):
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
            return LocalEngine(store)
        from kgpub.enrich import materialise
        from kgpub.serialise import ox_triples

        graph = materialise(self.data.graph, self.ontology.graph) + self.ontology.graph
        return LocalEngine.from_triples(ox_triples(graph))

    def _inputs_mtime(self) -> float:
        paths = [*self.ontology_dir.rglob("*.ttl"), *self.data_dir.rglob("*.ttl"), self.config_path]
        return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)

    def sparql(self, text: str, *, endpoint: str | None = None, timeout: float = 30.0) -> Result:
        """Run an ad-hoc SPARQL query (the shared prefixes are added where the query uses them)."""
        from kgpub.queries import with_prefixes

        return self.engine(endpoint, timeout).run(with_prefixes(text, self.query_prefixes))

    def query(
        self,
        name: str,
        params: dict[str, str] | None = None,
        *,
        endpoint: str | None = None,
        timeout: float = 30.0,
    ) -> Result:
        """Run a canned query with its parameters bound as typed RDF terms."""
        from kgpub.queries import bind

        query = self.get_query(name)
        text = bind(query, dict(params or {}), self.prefixes)
        return self.sparql(text, endpoint=endpoint, timeout=timeout)

    # -- stages ------------------------------------------------------------------------------
    def validate(self) -> Report:
        """Check the data against the shapes; see :func:`kgpub.validate.validate`."""
        from kgpub.validate import validate

        return validate(self)

    def build(self, out: Path | None = None) -> BuildResult:
        """Validate, enrich and publish into ``out`` (default: the configured output folder).

        A build replaces the whole output folder: the project itself, a folder above it or one of its
        inputs (data/, ontology/, shapes/, queries/, kgpub.toml) is refused with an InputError.
        """
        from kgpub.config import check_output
        from kgpub.publish import build

        check_output(self.root, Path(out) if out is not None else self.output_dir)
        return build(self, out)
