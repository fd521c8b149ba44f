"""Bad input to ``kgpub validate`` and ``kgpub build``: the right exit code, one exact message, dist/ untouched.

Every folder of ``tests/fixtures/bad/`` is a case. It holds only what differs from a small valid
project (:func:`kgpub.testing.make_project`: kgpub's ontology and shapes, one municipality and its
source page): a data file or two, maybe a ``kgpub.toml``, and ``expected.toml`` with

* ``what``: what is broken; ``why``: the behaviour chosen, where it was a choice;
* ``exit``: the exit code of both ``validate`` and ``build`` (0, 1 or 2);
* ``message``: for exit 2, the exact line on stderr (file, line, what, how to fix);
* ``report`` and ``violations``: for exit 1, the exact report ``validate --lang en`` prints (which
  ``build`` prints on stderr before refusing); for exit 0, what ``validate`` prints;
* ``remove``: files of the base project to delete;
* ``[[generate]]``: files git cannot hold as they must be (Latin-1, a BOM, CR LF, 50 MB, links,
  a pipe, a folder where a file should be, an unreadable file), made by :func:`apply_recipe`.

Every case runs both commands through click's CliRunner from inside the project (``--project .``,
so messages name ``data/…``) with a ``dist/`` from an earlier release in place.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kgpub.cli import cli
from kgpub.testing import make_project

CASES = Path(__file__).parent / "fixtures" / "bad"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())
PREVIOUS = "previous release\n"


def expected_of(name: str) -> dict[str, Any]:
    """The expectations of one case."""
    with (CASES / name / "expected.toml").open("rb") as f:
        return tomllib.load(f)


def apply_recipe(project: Path, recipe: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Make one file that cannot be kept in git as it must be."""
    path = project / recipe["path"]
    kind = recipe["recipe"]
    if kind == "latin-1":
        path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    elif kind == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif kind == "crlf":
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    elif kind == "large":  # valid Turtle, exactly size_mb megabytes
        size = int(recipe["size_mb"] * 1_000_000)
        head = b"@prefix exo: <https://data.example.se/id/organisation/> .\n"
        line = b'exo:exempel-kommun <http://www.w3.org/2004/02/skos/core#note> "' + b"x" * 40 + b'"@sv .\n'
        body = head + line * ((size - len(head)) // len(line))
        path.write_bytes(body + b"#" * (size - len(body) - 1) + b"\n")
    elif kind == "folder":
        if path.is_file():
            path.unlink()
        path.mkdir(parents=True)
    elif kind == "symlink-loop":
        path.symlink_to(path.name)
    elif kind in ("symlink-dangling", "symlink-to"):
        path.symlink_to(recipe["target"])
    elif kind == "fifo":
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
    elif kind == "unreadable":
        path.chmod(0)
        if os.access(path, os.R_OK):  # root reads anything (CI runs as root): simulate the refusal
            read_bytes = Path.read_bytes

            def refuse(self: Path) -> bytes:
                if self.name == path.name and self.parent.resolve() == path.parent.resolve():
                    raise PermissionError(13, "Permission denied", str(self))
                return read_bytes(self)

            monkeypatch.setattr(Path, "read_bytes", refuse)
    else:
        raise ValueError(f"unknown recipe {kind!r}")


def make_case(name: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, Any]]:
    """The base project in ``folder`` with the case's files copied over it and its recipes applied."""
    expected = expected_of(name)
    project = make_project(folder)
    source = CASES / name
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and relative.as_posix() != "expected.toml":
            (project / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, project / relative)
    for relative in expected.get("remove", []):
        (project / relative).unlink()
    for recipe in expected.get("generate", []):
        apply_recipe(project, recipe, monkeypatch)
    return project, expected


def run(*args: str) -> Result:
    """Run kgpub on the project in the current folder, with messages in English."""
    return CliRunner().invoke(cli, ["--project", ".", *args, "--lang", "en"])


def test_the_corpus_is_complete() -> None:
    """At least 40 cases, each with what is broken, an exit code and what must be printed."""
    assert len(CASE_NAMES) >= 40
    for name in CASE_NAMES:
        expected = expected_of(name)
        assert expected["what"], name
        assert expected["exit"] in (0, 1, 2), name
        assert ("message" if expected["exit"] == 2 else "report") in expected, name


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate and build: the case's exit code and exact output, no traceback, a failed build changes nothing."""
    project, expected = make_case(name, tmp_path / "p", monkeypatch)
    monkeypatch.chdir(project)
    dist = project / "dist"
    dist.mkdir()
    (dist / "kiruna.ttl").write_text(PREVIOUS)
    code = expected["exit"]
    for command in ("validate", "build"):
        result = run(command)
        output = result.stdout + result.stderr
        assert "Traceback" not in output
        assert result.exception is None or isinstance(result.exception, SystemExit), output
        assert result.exit_code == code, (command, output)
        if code == 2:
            assert (result.stdout, result.stderr) == ("", expected["message"] + "\n"), command
        elif code == 1 and command == "validate":
            assert (result.stdout, result.stderr) == (expected["report"], "")
        elif code == 1:
            refusal = (
                f"Error: the data does not conform to the shapes ({expected['violations']} violations); "
                "nothing was published.\n"
            )
            assert (result.stdout, result.stderr) == ("", expected["report"] + refusal)
        elif command == "validate":
            assert (result.stdout, result.stderr) == (expected["report"], "")
        if code != 0:
            assert [p.name for p in dist.iterdir()] == ["kiruna.ttl"]
            assert (dist / "kiruna.ttl").read_text() == PREVIOUS
            assert not list(project.glob(".dist.*")), "a temporary folder of the build was left behind"
    if code == 0:
        assert (dist / "exempel.ttl").is_file() and not (dist / "kiruna.ttl").exists()


def test_conflicting_files_are_named_in_swedish_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Swedish report of two files that disagree names both files as well."""
    project, _ = make_case("conflict-labels-two-files", tmp_path / "p", monkeypatch)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["--project", ".", "validate", "--lang", "sv"])
    assert result.exit_code == 1
    assert "  data/more-projects.ttl:9: fel: rdfs:label\n" in result.stdout
    assert "Anges även i data/projects.ttl:11: behåll ett av värdena, i en enda fil.\n" in result.stdout


def test_size_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KGPUB_MAX_FILE_MB sets the limit of one file; a value that is not a size is a clear error."""
    project = make_project(tmp_path / "p")
    monkeypatch.chdir(project)
    monkeypatch.setenv("KGPUB_MAX_FILE_MB", "0.0002")
    result = run("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: data/organisations.ttl: is 0.0 MB, more than the limit of 0.0002 MB"
    )
    monkeypatch.setenv("KGPUB_MAX_FILE_MB", "ten")
    result = run("validate")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the environment variable KGPUB_MAX_FILE_MB must be a positive number of megabytes, not 'ten'.\n"
    )
    monkeypatch.setenv("KGPUB_MAX_FILE_MB", "1")
    assert run("validate").exit_code == 0


def test_other_rdf_formats_are_refused_before_they_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RDF/XML and JSON-LD in data/ are refused by name: nothing is parsed, no entity or remote context fetched."""
    import socket

    import pyoxigraph
    import rdflib

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    project = make_project(tmp_path / "p")
    (project / "data" / "links").mkdir()
    (project / "data" / "links" / "wikidata.jsonld").write_text(
        f'{{"@context": "{url}context.jsonld", "@id": "https://data.example.se/id/x"}}\n'
    )
    (project / "data" / "projects.rdf").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "{url}entity">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>\n'
    )
    parsed: list[Any] = []

    def spy(*args: Any, **kwargs: Any) -> list[Any]:
        parsed.append(args)
        return []

    monkeypatch.setattr(pyoxigraph, "parse", spy)
    monkeypatch.setattr(rdflib.Graph, "parse", spy)
    monkeypatch.chdir(project)
    try:
        for command in ("validate", "build"):
            result = run(command)
            assert result.exit_code == 2
            assert "kgpub reads only Turtle (.ttl) files" in result.stderr
        assert parsed == []
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody came for the entity or the context
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("option", "out", "code"),
    [("--out", out, 2) for out in (".", "..", "data", "data/dist", "shapes", "kgpub.toml")]
    + [("--site", out, 2) for out in ("data", "data/site", "ontology", "queries/x")]
    + [("--site", out, 4) for out in (".", "..")],  # refused by kgpub.site, as a writing problem
)
def test_build_out_may_not_replace_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, out: str, code: int
) -> None:
    """build --out or --site naming the project, a folder above it or an input is refused; nothing is lost."""
    project = make_project(tmp_path / "p")
    monkeypatch.chdir(project)
    before = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    result = CliRunner().invoke(cli, ["--project", ".", "build", option, out])
    assert result.exit_code == code, result.output
    if code == 2:
        assert result.stderr.startswith(f"Error: {option}: the output folder cannot be {out!r}: ")
    assert set(before) <= {p.relative_to(project).as_posix() for p in project.rglob("*")}
