"""Releases: each build's version, and the changes since the previous publication in changes.ttl and
changes.md (Talis ChangeSet vocabulary; Swedish and English words), and `kgpub diff`."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import BNode

from kgpub import Project
from kgpub.cli import cli
from kgpub.errors import PublishError, ValidationFailed
from kgpub.publish import build
from kgpub.release import Release, release_project, release_version
from kgpub.testing import MUNICIPALITY, make_project

CS = Namespace("http://purl.org/vocab/changeset/schema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ID = "https://data.example.se/id/"
CHANGES = "https://data.example.se/dumps/changes.ttl#v"

ODLA = """
exp:odla a kgpub:Project ;
    rdfs:label "Odla i staden"@sv , "Growing in town"@en ;
    dcterms:source <https://example.se/projekt.html> .
"""
GAMMAL = """
exp:gammal a kgpub:Project ;
    rdfs:label "Gammalt projekt"@sv , "Old project"@en ;
    dcterms:source <https://example.se/projekt.html> .
"""
NYTT = """
exp:nytt a kgpub:Project ;
    rdfs:label "Nytt projekt"@sv , "New project"@en ;
    dcterms:source <https://example.se/projekt.html> .
"""
CONFIG = 'name = "exempel"\nbase = "https://data.example.se/"\nrelease = {date}\n{version}'


def write(root: Path, body: str, *, date: str = "2026-01-01", version: str | None = None) -> Project:
    """The project in ``root`` with these entries and this release (written over what was there)."""
    config = CONFIG.format(date=date, version=f'version = "{version}"\n' if version else "")
    return Project(make_project(root, {"organisations.ttl": MUNICIPALITY + body}, config=config))


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def changes_graph(dist: Path) -> Graph:
    return Graph().parse(dist / "changes.ttl", format="turtle")


def statements(g: Graph, changeset: URIRef, relation: URIRef) -> set[tuple[object, object, object]]:
    return {
        (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        for st in g.objects(changeset, relation)
    }


def test_first_build_records_the_release(tmp_path: Path) -> None:
    """The first build: the version (the release date, none being set), a first-publication note."""
    project = write(tmp_path / "p", ODLA)
    result = build(project)
    assert result.changes is not None
    release = result.changes.release
    assert release == Release("2026-01-01", dt.date(2026, 1, 1), dt.date(2026, 1, 1), None, True)
    md = (project.output_dir / "changes.md").read_text()
    assert md.startswith("# Ändringar i data · Changes to the data\n")
    assert "## Version 2026-01-01\n" in md
    assert "Första publiceringen. Poster: 3; påståenden: 35." in md
    assert "First publication. Entries: 3; statements: 35." in md
    g = changes_graph(project.output_dir)
    node = URIRef(CHANGES + "2026-01-01")
    assert (node, RDF.type, CS.ChangeSet) in g
    assert (node, OWL.versionInfo, Literal("2026-01-01")) in g
    assert (node, CS.subjectOfChange, URIRef(ID + "dataset/exempel")) in g
    assert not any(isinstance(term, BNode) for triple in g for term in triple)


def test_added_removed_and_changed_entities(tmp_path: Path) -> None:
    """A new, a removed and a changed entity: named in Swedish and English, every statement in the RDF."""
    root = tmp_path / "p"
    build(write(root, ODLA + GAMMAL, version="1.0"))
    old_dump = Graph().parse(root / "dist/exempel.nt", format="nt")
    changed = ODLA.replace('"Odla i staden"@sv', '"Odla i hela staden"@sv').replace(
        "dcterms:source", "schema:funder exo:exempel-kommun ;\n    dcterms:source"
    )
    result = build(write(root, changed + NYTT, date="2026-03-01", version="1.1"))
    assert result.changes is not None
    assert result.changes.release == Release("1.1", dt.date(2026, 3, 1), dt.date(2026, 3, 1), "1.0", False)
    md = (root / "dist/changes.md").read_text()
    newest = md.split("\n## ")[1]
    sv, en = newest.split("### In English")
    assert "- Nytt: **Nytt projekt** (projekt) — <https://data.example.se/id/project/nytt>" in sv
    assert "- Borttaget: **Gammalt projekt** — <https://data.example.se/id/project/gammal>" in sv
    assert "- Ändrat: **Odla i hela staden** — finansiär, namn — " in sv
    assert "  - namn: ”Odla i staden” har ändrats till ”Odla i hela staden”" in sv
    assert "  - finansiär: lagt till Exempels kommun" in sv
    assert "- Added: **New project** (project)" in en
    assert "- Removed: **Old project**" in en
    assert "- Changed: **Growing in town** — funder, name" in en
    assert "  - name: changed in Swedish" in en
    assert (
        "Jämfört med version 1.0. Nytt: 1 · Borttaget: 1 · Ändrat: 1. Påståenden: 11 tillagda, 10 borttagna."
        in sv
    )
    # the history: the first release is kept below
    assert md.index("## Version 1.1") < md.index("## Version 1.0")
    # the RDF: one change set per entity, whose statements are exactly the dumps' difference
    new_dump = Graph().parse(root / "dist/exempel.nt", format="nt")
    g = changes_graph(root / "dist")
    release = URIRef(CHANGES + "1.1")
    assert (release, CS.precedingChangeSet, URIRef(CHANGES + "1.0")) in g
    xsd_date = URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert (release, DCTERMS.modified, Literal("2026-03-01", datatype=xsd_date)) in g
    parts = {g.value(cs, CS.subjectOfChange): cs for cs in g.objects(release, DCTERMS.hasPart)}
    assert set(parts) == {
        URIRef(ID + "project/nytt"),
        URIRef(ID + "project/gammal"),
        URIRef(ID + "project/odla"),
    }
    added = set().union(*(statements(g, cs, CS.addition) for cs in parts.values()))
    removed = set().union(*(statements(g, cs, CS.removal) for cs in parts.values()))
    assert added == set(new_dump - old_dump)
    assert removed == set(old_dump - new_dump)
    reasons = {str(r) for r in g.objects(parts[URIRef(ID + "project/odla")], CS.changeReason)}
    assert reasons == {"Ändrat: finansiär, namn", "Changed: funder, name"}
    assert not any(isinstance(term, BNode) for triple in g for term in triple)
    assert "_:" not in (root / "dist/changes.ttl").read_text()


def test_changed_statements_of_one_entity(tmp_path: Path) -> None:
    """A statement added to and one removed from an entity that stays: the values are in the words."""
    root = tmp_path / "p"
    place = '\nexpl:by a kgpub:Place ; rdfs:label "By"@sv , "Town"@en ; dcterms:source <https://example.se/projekt.html> .\n'
    with_place = ODLA.replace("dcterms:source", "kgpub:areaCovered expl:by ;\n    dcterms:source")
    build(write(root, with_place + place, version="1"))
    build(
        write(
            root, ODLA + place + '\nexp:odla skos:note "Ny anteckning"@sv , "A new note"@en .\n', version="2"
        )
    )
    md = (root / "dist/changes.md").read_text()
    assert "- Ändrat: **Odla i staden** — anmärkning, " in md
    assert "  - anmärkning: lagt till ”Ny anteckning”" in md
    assert "tagit bort By" in md  # the place that is no longer covered, by its name
    assert "  - note: added “A new note”" in md
    assert "**By**" not in md  # grouped by subject: the place's own statements did not change


def test_rebuild_without_changes_is_idempotent(tmp_path: Path) -> None:
    """A rebuild of the same release changes no byte; a new version without changes keeps `modified`."""
    root = tmp_path / "p"
    build(write(root, ODLA, version="1.0"))
    build(write(root, ODLA + NYTT, date="2026-02-01", version="1.1"))
    before = digest(root / "dist")
    result = build(write(root, ODLA + NYTT, date="2026-02-01", version="1.1"))
    assert digest(root / "dist") == before
    assert result.changes is not None and not result.changes.changed
    result = build(write(root, ODLA + NYTT, date="2026-05-01", version="1.2"))
    assert result.changes is not None
    assert result.changes.release.modified == dt.date(2026, 2, 1)
    md = (root / "dist/changes.md").read_text()
    assert "## Version 1.2 · 2026-05-01" in md and "Inga ändringar i data jämfört med version 1.1." in md
    assert "## Version 1.1 · 2026-02-01" in md
    g = changes_graph(root / "dist")
    xsd_date = URIRef("http://www.w3.org/2001/XMLSchema#date")
    assert (URIRef(CHANGES + "1.2"), DCTERMS.modified, Literal("2026-02-01", datatype=xsd_date)) in g
    assert (URIRef(CHANGES + "1.2"), DCTERMS.issued, Literal("2026-05-01", datatype=xsd_date)) in g
    seen = release_project(Project(root), result.changes.release)
    assert (seen.config.version, seen.config.release) == ("1.2", dt.date(2026, 2, 1))
    assert Project(root).config.release == dt.date(2026, 5, 1)


def test_version_from_configuration_or_date(tmp_path: Path) -> None:
    """The version is kgpub.toml's `version` when set there, else the release date."""
    assert release_version(write(tmp_path / "a", ODLA)) == "2026-01-01"
    assert release_version(write(tmp_path / "b", ODLA, version="0.1.0")) == "0.1.0"
    assert release_version(write(tmp_path / "c", ODLA, version="2.0")) == "2.0"


def test_failed_build_leaves_previous_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Invalid data or a failed write: changes.ttl and changes.md stay those of the last release."""
    root = tmp_path / "p"
    build(write(root, ODLA, version="1"))
    build(write(root, ODLA + NYTT, version="2"))
    before = digest(root / "dist")
    broken = NYTT.replace(
        '"New project"@en ;',
        '"New project"@en ; schema:startDate "2019"^^xsd:gYear ; schema:endDate "2017"^^xsd:gYear ;',
    )
    with pytest.raises(ValidationFailed):
        build(write(root, ODLA + broken, version="3"))
    assert digest(root / "dist") == before

    import kgpub.release

    def full_disk(*args: object, **kwargs: object) -> list[str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kgpub.release, "write_changes", full_disk)
    with pytest.raises(PublishError):
        build(write(root, ODLA, version="3"))
    assert digest(root / "dist") == before


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    """`kgpub diff` prints the comparison of the project with dist/ (or --against) and writes nothing."""
    root = tmp_path / "p"
    build(write(root, ODLA + GAMMAL, version="1"))
    write(root, ODLA + NYTT, version="2")
    before = digest(root / "dist")
    mtimes = {p: p.stat().st_mtime_ns for p in (root / "dist").iterdir()}
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(root), "diff"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## Version 2 · 2026-01-01\n")
    assert "- Nytt: **Nytt projekt**" in result.stdout and "- Borttaget: **Gammalt projekt**" in result.stdout
    assert "- Removed: **Old project**" in result.stdout
    assert digest(root / "dist") == before
    assert {p: p.stat().st_mtime_ns for p in (root / "dist").iterdir()} == mtimes
    ttl = runner.invoke(cli, ["--project", str(root), "diff", "--format", "turtle"])
    g = Graph().parse(data=ttl.stdout, format="turtle")
    assert (URIRef(CHANGES + "2"), CS.precedingChangeSet, URIRef(CHANGES + "1")) in g
    empty = tmp_path / "empty"
    empty.mkdir()
    first = runner.invoke(cli, ["--project", str(root), "diff", "--against", str(empty)])
    assert "Första publiceringen." in first.stdout
    missing = runner.invoke(cli, ["--project", str(root), "diff", "--against", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_changes_are_deterministic(tmp_path: Path) -> None:
    """The same history in two folders gives byte-identical changes files."""
    outputs = []
    for name in ("a", "b"):
        root = tmp_path / name
        build(write(root, ODLA + GAMMAL, version="1"))
        build(write(root, ODLA.replace("Odla", "Plantera") + NYTT, version="2"))
        outputs.append(((root / "dist/changes.ttl").read_bytes(), (root / "dist/changes.md").read_bytes()))
    assert outputs[0] == outputs[1]


def test_cli_reports_the_release_and_warns_on_an_unchanged_version(tmp_path: Path) -> None:
    """`kgpub build` prints the version and what changed, and warns when only the data changed."""
    root = tmp_path / "p"
    runner = CliRunner()
    write(root, ODLA, version="1")
    first = runner.invoke(cli, ["--project", str(root), "build"])
    assert "Version 1: the first publication" in first.stdout
    write(root, ODLA + NYTT, version="1")
    second = runner.invoke(cli, ["--project", str(root), "build"])
    assert second.exit_code == 0
    assert "1 entries added" in second.stdout
    assert "the data changed but the version is still 1" in second.stderr


def test_catalogue_follows_the_release(repo: Path, tmp_path: Path) -> None:
    """Kiruna's catalogue: a new version without data changes keeps `modified`; the site carries it."""
    import shutil

    root = tmp_path / "kiruna"
    for name in ("ontology", "shapes", "queries", "data"):
        shutil.copytree(repo / name, root / name)
    config = (repo / "kgpub.toml").read_text()
    (root / "kgpub.toml").write_text(config)
    first = build(Project(root))
    assert first.changes is not None and first.changes.release.first
    (root / "kgpub.toml").write_text(
        config.replace("release = 2026-11-27", "release = 2026-12-01").replace('"0.1.0"', '"0.1.1"')
    )
    build(Project(root), site=root / "dist/site")
    catalogue = Graph().parse(root / "dist/catalog.ttl", format="turtle")
    dataset = URIRef("https://data.kiruna.se/id/dataset/kiruna")
    dcat = Namespace("http://www.w3.org/ns/dcat#")
    assert str(catalogue.value(dataset, dcat.version)) == "0.1.1"
    assert str(catalogue.value(dataset, DCTERMS.modified)) == "2026-11-27"
    # the static site carries the catalogue and VoID at their addresses, and the release's changes
    site = root / "dist/site"
    assert (site / "catalog.rdf").read_bytes() == (root / "dist/catalog.rdf").read_bytes()
    for name in (
        "catalog.ttl",
        "datasets/dcat.rdf",
        "datasets/dcat.nt",
        "dumps/void.ttl",
        "dumps/changes.md",
    ):
        assert (site / name).is_file(), name
    assert (site / ".well-known/void").read_bytes() == (root / "dist/void.ttl").read_bytes()
    assert 'id="dataset-jsonld"' in (site / "index.sv.html").read_text()
