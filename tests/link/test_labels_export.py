"""`kgpub link labels` (names in other languages, marked with their source) and
`kgpub link export --quickstatements` (items Wikidata lacks, for a person to create)."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from kgpub import Project
from kgpub.cli import cli

from .conftest import ID


def run(project: Project, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--project", str(project.root), *args])


def with_languages(project: Project, languages: str) -> Project:
    path = project.root / "kgpub.toml"
    text = path.read_text(encoding="utf-8").replace('languages = ["sv", "en"]', f"languages = {languages}")
    path.write_text(text, encoding="utf-8")
    return Project(project.root)


def test_labels_taken_over_with_their_source(wikidata: str, linked: Project) -> None:
    """Finnish, Northern Sami and Meänkieli names of linked places come from Wikidata, each marked with its source item."""
    project = with_languages(linked, '["sv", "en", "fi", "se", "fit"]')
    result = run(project, "link", "labels", "--endpoint", wikidata)
    assert result.exit_code == 0, result.output
    assert "9 names added" in result.stdout
    path = project.data_dir / "links" / "wikidata-labels.ttl"
    graph = Graph().parse(path, format="turtle")
    kiruna = URIRef(ID + "place/kiruna")
    assert set(graph.objects(kiruna, RDFS.label)) == {
        Literal("Kiiruna", lang="fi"),
        Literal("Giron", lang="se"),
        Literal("Kieruna", lang="fit"),
    }
    node = URIRef(ID + "label/place-kiruna-fit")
    xl = "http://www.w3.org/2008/05/skos-xl#"
    assert (kiruna, URIRef(xl + "prefLabel"), node) in graph
    assert graph.value(node, URIRef(xl + "literalForm")) == Literal("Kieruna", lang="fit")
    assert graph.value(node, URIRef("http://purl.org/dc/terms/source")) == URIRef(
        "http://www.wikidata.org/entity/Q83232"
    )
    assert not list(graph.objects(URIRef(ID + "organisation/vinnova"), RDFS.label)), "places only"
    assert run(Project(project.root), "validate").exit_code == 0
    before = path.read_bytes()
    again = run(Project(project.root), "link", "labels", "--endpoint", wikidata)
    assert again.exit_code == 0 and "Nothing to write." in again.stdout
    assert path.read_bytes() == before


def test_labels_never_overwrite_names_written_by_hand(wikidata: str, linked: Project) -> None:
    """A name the municipality wrote itself is kept, and said to be kept."""
    project = with_languages(linked, '["sv", "en", "fi"]')
    (project.data_dir / "fi.ttl").write_text(
        f'<{ID}place/kiruna> <{RDFS.label}> "Kiiruna (oma)"@fi .\n', encoding="utf-8"
    )
    result = run(project, "link", "labels", "--endpoint", wikidata, "--entity", "place:kiruna")
    assert result.exit_code == 0, result.output
    assert 'kept own https://data.kiruna.se/id/place/kiruna "Kiiruna (oma)"@fi' in result.stdout
    assert "Nothing to write." in result.stdout


def test_labels_only_in_chosen_languages(wikidata: str, linked: Project) -> None:
    """Names are taken over only in languages the project lists in kgpub.toml, never in sv or en."""
    result = run(linked, "link", "labels", "--endpoint", wikidata)
    assert result.exit_code == 2 and "no languages besides Swedish and English" in result.stderr
    result = run(linked, "link", "labels", "--endpoint", wikidata, "--lang", "fi")
    assert result.exit_code == 2 and "fi is not one of the project's languages" in result.stderr
    result = run(
        with_languages(linked, '["sv", "en", "fi"]'), "link", "labels", "--lang", "sv", "--endpoint", wikidata
    )
    assert result.exit_code == 2 and "does not take over sv names" in result.stderr


def test_quickstatements_for_kirunabo(linked: Project) -> None:
    """Kirunabo becomes one CREATE: labels, descriptions, instance of, country, years, each referenced to the source page."""
    result = run(linked, "link", "export", "--quickstatements", "--entity", "project:kirunabo")
    assert result.exit_code == 0, result.output
    page = '"https://kiruna.se/naringsliv--arbete/projekt-och-samarbete.html"'
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "CREATE",
        'LAST\tLsv\t"Kirunabo"',
        'LAST\tLen\t"Kirunabo"',
        'LAST\tDsv\t"projekt i Kiruna, 2018–2019"',
        'LAST\tDen\t"project in Kiruna, 2018–2019"',
    ]
    assert [line.split("\t")[:3] for line in lines[5:]] == [
        ["LAST", "P31", "Q170584"],
        ["LAST", "P17", "Q34"],
        ["LAST", "P580", "+2018-00-00T00:00:00Z/9"],
        ["LAST", "P582", "+2019-00-00T00:00:00Z/9"],
    ]
    assert all(line.split("\t")[3:5] == ["S854", page] for line in lines[5:])
    assert "kgpub sends nothing" in result.stderr


def test_quickstatements_leave_out_linked_and_pending(linked: Project, tmp_path: Path) -> None:
    """By default unlinked entities are exported, less those with open candidates in a review file; linked ones never."""
    result = run(linked, "link", "export", "--quickstatements", "--out", str(tmp_path / "all.qs"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "all.qs").read_text(encoding="utf-8")
    assert 'LAST\tLsv\t"Kirunabo"' in text and 'LAST\tLsv\t"Vittangi församling"' in text
    assert '"Kiruna kommun"' not in text and "Insatsområde" not in text
    review = tmp_path / "review.csv"
    with review.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["entity", "qid", "decision"])
        writer.writerow([ID + "place/vittangi-forsamling", "Q21721318", ""])
        writer.writerow([ID + "project/kirunabo", "Q1", "reject"])
    result = run(linked, "link", "export", "--quickstatements", "--review", str(review))
    assert result.exit_code == 0
    assert '"Vittangi församling"' not in result.stdout and '"Kirunabo"' in result.stdout
    assert "vittangi-forsamling: it still has candidates in the review file" in result.stderr
    result = run(linked, "link", "export", "--quickstatements", "--entity", "place:kiruna")
    assert result.stdout == "" and "already linked to Q83232" in result.stderr
