"""Shared fixtures: the repository's own (Kiruna) project, a CLI runner, one Kiruna build per session."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgpub import Project
from kgpub.publish import BuildResult

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
#: The one setting for third-party artefacts (official shapes, test suites, the Wikidata excerpt):
#: KGPUB_SHARED, by default the folder `shared/` beside the repository.
SHARED = Path(os.environ.get("KGPUB_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Callable[[str], Path]:
    """Look up a shared artefact by its path under the shared folder (see :func:`shared_path`)."""
    return shared_path


def shared_path(relative: str) -> Path:
    """A file under the shared artefacts; in CI it must exist, elsewhere its absence skips plainly."""
    path = SHARED / relative
    if not path.exists():
        message = (
            f"{path} is absent: these tests need the shared artefacts "
            "(set KGPUB_SHARED to the folder that holds seed/, standards/ and wikidata/)."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def kiruna() -> Project:
    return Project(REPO)


@pytest.fixture(scope="session")
def kiruna_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The Kiruna project built once into a temporary folder."""
    out = tmp_path_factory.mktemp("kiruna") / "dist"
    return Project(REPO).build(out)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
