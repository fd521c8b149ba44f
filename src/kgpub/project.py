"""A kgpub project: a folder with ``ontology/``, ``data/``, ``shapes/``, ``queries/`` and ``kgpub.toml``.

The folders are found by convention. Everything is loaded lazily and at most once per
``Project`` object; there is no module-level state, so two projects can live side by side.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kgpub.config import CONFIG_FILE, Config, load_config
from kgpub.errors import InputError
from kgpub.load import Loaded, find_files, load_files

if TYPE_CHECKING:
    from rdflib import Graph

    from kgpub.publish import BuildResult
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

    def _files(self, folder: Path, *, recursive: bool = False, what: str) -> list[Path]:
        files = find_files(folder, recursive=recursive)
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
        return load_files(self._files(self.data_dir, recursive=True, what="data"))

    @cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes, parsed."""
        return load_files(self._files(self.shapes_dir, what="shapes"), track_subjects=False).graph

    # -- stages ------------------------------------------------------------------------------
    def validate(self) -> Report:
        """Check the data against the shapes; see :func:`kgpub.validate.validate`."""
        from kgpub.validate import validate

        return validate(self)

    def build(self, out: Path | None = None) -> BuildResult:
        """Validate, enrich and publish into ``out`` (default: the configured output folder)."""
        from kgpub.publish import build

        return build(self, out)
