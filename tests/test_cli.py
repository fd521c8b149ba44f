"""The kgpub command as a user meets it: exit codes, stdout for results, stderr for errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgpub.cli import cli
from kgpub.testing import MUNICIPALITY, PREFIXES, make_project


def run(runner: CliRunner, project: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["--project", str(project), *args])


def test_validate_kiruna_conforms(runner: CliRunner, repo: Path) -> None:
    """The Kiruna data conforms: exit 0 and a short confirmation."""
    result = run(runner, repo, "validate", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "No problems" in result.stdout


def test_validate_json(runner: CliRunner, repo: Path) -> None:
    """--format json gives a machine-readable report."""
    result = run(runner, repo, "validate", "--format", "json")
    data = json.loads(result.stdout)
    assert data["conforms"] is True
    assert data["violations"] == 0
    assert data["checked_triples"] > 300


BROKEN = (
    PREFIXES
    + """
exo:exempel-kommun a kgpub:Municipality ;
    rdfs:label "Exempels kommun"@sv , "Exempel Municipality"@en ;
    dcterms:source <https://example.se/projekt.html> .

exp:trasig a kgpub:Project ;
    rdfs:label "Trasigt projekt"@sv ;
    dcterms:source <https://example.se/projekt.html> ;
    schema:startDate "2019"^^xsd:gYear ;
    schema:endDate "2017"^^xsd:gYear ;
    schema:funder expl:nowhere .
"""
)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", {"projects.ttl": BROKEN})


def test_validate_violations_exit_1_grouped_by_entity(runner: CliRunner, broken: Path) -> None:
    """Violations: exit 1, grouped under the entity, each with file:line and a message in the chosen language."""
    result = run(runner, broken, "validate", "--lang", "en")
    assert result.exit_code == 1
    out = result.stdout
    assert "https://data.example.se/id/project/trasig" in out
    assert "data/projects.ttl:" in out
    # the missing English name, the end before the start, the funder that is not an organisation
    assert out.count("violation") >= 3
    assert "Swedish" not in out.split("trasig")[0]  # nothing reported for the valid municipality
    sv = run(runner, broken, "validate", "--lang", "sv").stdout
    assert "fel" in sv and sv != out


def test_validate_turtle_is_a_shacl_report(runner: CliRunner, broken: Path) -> None:
    """--format turtle prints a SHACL validation report graph."""
    from rdflib import Graph
    from rdflib.namespace import SH

    result = run(runner, broken, "validate", "--format", "turtle")
    g = Graph().parse(data=result.stdout, format="turtle")
    assert len(list(g.subjects(None, SH.ValidationResult))) >= 3


def test_build_refuses_invalid_graph_and_keeps_dist(runner: CliRunner, broken: Path) -> None:
    """An invalid graph is never published: exit 1 and the previous dist/ untouched."""
    dist = broken / "dist"
    dist.mkdir()
    (dist / "kiruna.ttl").write_text("previous release")
    result = run(runner, broken, "build")
    assert result.exit_code == 1
    assert "nothing was published" in result.stderr
    assert sorted(p.name for p in dist.iterdir()) == ["kiruna.ttl"]
    assert (dist / "kiruna.ttl").read_text() == "previous release"


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        ("syntax", "missing ' .'"),
        ("prefix", "The prefix foo: has not been declared"),
        ("lexical", "is not a valid xsd:date"),
        ("latin1", "is not UTF-8"),
        ("empty-data", "holds no Turtle (.ttl) files"),
        ("no-shapes", "shapes: the folder is missing"),
        ("bad-config", "unknown key 'bsae'"),
    ],
)
def test_unusable_input_exit_2_one_paragraph(
    runner: CliRunner, tmp_path: Path, setup: str, needle: str
) -> None:
    """Unusable input: exit 2, one clear paragraph on stderr, no traceback, dist/ untouched."""
    project = make_project(tmp_path / "p")
    org = project / "data" / "organisations.ttl"
    if setup == "syntax":
        org.write_text(MUNICIPALITY + "\nex:x ex:y ex:z\n")
    elif setup == "prefix":
        org.write_text(MUNICIPALITY + "\nex:x foo:y ex:z .\n")
    elif setup == "lexical":
        org.write_text(MUNICIPALITY + '\nex:x ex:y "2018-13-45"^^xsd:date .\n')
    elif setup == "latin1":
        org.write_bytes((MUNICIPALITY + '\nex:x ex:y "Övertorneå" .\n').encode("latin-1"))
    elif setup == "empty-data":
        for f in (project / "data").iterdir():
            f.unlink()
    elif setup == "no-shapes":
        import shutil

        shutil.rmtree(project / "shapes")
    elif setup == "bad-config":
        (project / "kgpub.toml").write_text('bsae = "https://x.se/"\n')
    (project / "dist").mkdir()
    for command in ("validate", "build"):
        result = run(runner, project, command)
        assert result.exit_code == 2, (command, result.output)
        assert needle in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert result.stderr.count("\n") == 1
        assert list((project / "dist").iterdir()) == []


def test_build_writes_dist(runner: CliRunner, tmp_path: Path) -> None:
    """build writes the four dumps, the ontology in four forms, the context and the validation report."""
    project = make_project(tmp_path / "p")
    result = run(runner, project, "build")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (project / "dist").iterdir())
    assert names == sorted(
        [f"exempel.{s}" for s in ("ttl", "nt", "rdf", "jsonld")]
        + [f"ontology.{s}" for s in ("ttl", "nt", "rdf", "jsonld")]
        + ["context.jsonld", "validation.ttl"]
        + ["changes.md", "changes.ttl"]  # the release's changes (kgpub.release)
    )
    assert "Built" in result.stdout


def test_build_out_option(runner: CliRunner, tmp_path: Path) -> None:
    """--out writes elsewhere and leaves dist/ alone."""
    project = make_project(tmp_path / "p")
    out = tmp_path / "elsewhere"
    assert run(runner, project, "build", "--out", str(out)).exit_code == 0
    assert (out / "exempel.ttl").exists()
    assert not (project / "dist").exists()


def test_init_makes_a_project_that_reuses_ontology_and_shapes(
    runner: CliRunner, tmp_path: Path, repo: Path
) -> None:
    """init copies the ontology and shapes unchanged; the new project validates once it has data."""
    target = tmp_path / "pajala"
    result = runner.invoke(cli, ["init", str(target), "--base", "https://data.pajala.se/"])
    assert result.exit_code == 0, result.output
    for folder in ("ontology", "shapes"):
        for original in (repo / folder).glob("*.ttl"):
            assert (target / folder / original.name).read_bytes() == original.read_bytes()
    assert 'base = "https://data.pajala.se/"' in (target / "kgpub.toml").read_text()
    # an empty project says what is missing
    empty = runner.invoke(cli, ["--project", str(target), "validate"])
    assert empty.exit_code == 2 and "no Turtle" in empty.stderr
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 2 and "not empty" in again.stderr


def test_missing_project_folder(runner: CliRunner, tmp_path: Path) -> None:
    """A project folder that does not exist is named."""
    result = runner.invoke(cli, ["--project", str(tmp_path / "nope"), "validate"])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
