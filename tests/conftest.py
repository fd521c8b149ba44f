"""Shared fixtures: the repository's own (Kiruna) project, a CLI runner, one Kiruna build per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgpub import Project
from kgpub.publish import BuildResult

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


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
