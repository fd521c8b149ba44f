"""Project.build from Python refuses, as ``kgpub build --out`` does, an output folder whose replacement
would delete the project or one of its inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgpub import Project
from kgpub.errors import InputError
from kgpub.testing import make_project


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "where", [".", "..", "data", "data/dist", "ontology", "shapes", "queries/out", "kgpub.toml"]
)
def test_build_refuses_the_project_and_its_inputs(tmp_path: Path, where: str) -> None:
    """The project, a folder above it, an input folder, a folder in one or kgpub.toml: refused, nothing lost."""
    root = make_project(tmp_path / "p")
    (root / "queries").mkdir(exist_ok=True)
    before = files(root)
    out = root / where
    with pytest.raises(InputError) as caught:
        Project(root).build(out)
    assert caught.value.message.startswith(f"the output folder cannot be {str(out)!r}: a build replaces")
    assert caught.value.hint == "Choose a new folder of its own."
    assert files(root) == before


def test_build_into_a_folder_of_its_own(tmp_path: Path) -> None:
    """A folder beside the inputs (or anywhere else) is fine, and so is the configured one."""
    root = make_project(tmp_path / "p")
    result = Project(root).build(root / "public")
    assert result.out == root / "public" and (root / "public" / "exempel.nt").exists()
    assert Project(root).build().out == Project(root).output_dir
