"""`kgpub link accept`: only confirmed rows become links; bad rows are refused; rejections are remembered."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kgpub import Project
from kgpub.cli import cli
from kgpub.enrich import materialise
from kgpub.errors import InputError
from kgpub.link.linkfile import read_rejected
from kgpub.link.review import COLUMNS
from kgpub.link.workflow import accept

from .conftest import EXPECTED, ID, REPO, settings_for

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def run(project: Project, *args: str) -> object:
    return CliRunner().invoke(cli, ["--project", str(project.root), *args])


def review(
    path: Path, rows: list[dict[str, str]], *, delimiter: str = ",", encoding: str = "utf-8-sig"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def decided(path: Path, wikidata: str, project: Project) -> Path:
    """Run suggest, then decide as a person would: the right item accepted, every other rejected."""
    result = run(project, "link", "suggest", "--endpoint", wikidata, "--out", str(path))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    for row in rows:
        right = EXPECTED.get(row["entity"][len(ID) :])
        row["decision"] = "accept" if right == row["qid"] else "reject"
    return review(path, rows)


def test_round_trip(wikidata: str, unlinked: Project, tmp_path: Path) -> None:
    """suggest → decide → accept writes exactly the confirmed links, sorted, with provenance, and the data still validates."""
    path = decided(tmp_path / "review.csv", wikidata, unlinked)
    result = run(unlinked, "link", "accept", str(path), "--by", "Kommunikationsavdelningen, webbredaktör")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "12 links added, 0 replaced" in result.stdout  # type: ignore[attr-defined]
    links_file = unlinked.data_dir / "links" / "wikidata.ttl"
    text = links_file.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "owl:sameAs wd:" in line and not line.startswith(" ")]
    assert lines == sorted(lines) and len(lines) == 12
    graph = Graph().parse(links_file, format="turtle")
    found = {str(s)[len(ID) :]: str(o).rsplit("/", 1)[1] for s, o in graph.subject_objects(OWL.sameAs)}
    assert found == EXPECTED
    assert "a void:Linkset" in text and "prov:wasAttributedTo kio:kiruna-kommun" in text
    assert "Kommunikationsavdelningen, webbredaktör: 12 links added (kgpub link accept)" in text
    assert re.search(r'dcterms:modified "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\^\^xsd:dateTime', text)
    rejected = read_rejected(unlinked.data_dir / "links" / "rejected.csv")
    assert (ID + "organisation/kiruna-kommun", "Q83232") in rejected
    assert (ID + "place/karesuando-forsamling", "Q18291150") in rejected
    assert all(r.by == "Kommunikationsavdelningen, webbredaktör" for r in rejected.values())

    checked = Project(unlinked.root)
    assert run(checked, "validate").exit_code == 0  # type: ignore[attr-defined]
    enriched = materialise(checked.data.graph, checked.ontology.graph)
    same = URIRef("http://schema.org/sameAs")
    assert (URIRef(ID + "place/kiruna"), same, URIRef("http://www.wikidata.org/entity/Q83232")) in enriched

    again = tmp_path / "again.csv"
    result = run(checked, "link", "suggest", "--endpoint", wikidata, "--out", str(again))
    assert result.exit_code == 0  # type: ignore[attr-defined]
    rows = list(csv.DictReader(again.read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [], "linked entities and rejected candidates are not proposed again"

    before = links_file.read_bytes()
    result = run(checked, "link", "accept", str(path))
    assert result.exit_code == 0 and "Nothing to write." in result.stdout  # type: ignore[attr-defined]
    assert links_file.read_bytes() == before


def row(entity: str, qid: str, decision: str) -> dict[str, str]:
    return {"entity": ID + entity, "qid": qid, "decision": decision}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([row("place/kiruna", "Q83232x", "accept")], "'Q83232x' is not a Wikidata item"),
        ([row("place/kiruna", "https://www.wikidata.org/wiki/Q83232", "accept")], "is not a Wikidata item"),
        ([row("place/kiruna", "Q083232", "accept")], "is not a Wikidata item"),
        ([row("place/gone", "Q83232", "accept")], "no longer exists in the data"),
        ([row("place/kiruna", "Q83232", "maybe")], "'maybe' is neither accept nor reject"),
        (
            [row("place/kiruna", "Q83232", "accept"), row("place/kiruna", "Q499474", "accept")],
            "accept one item per entity",
        ),
        (
            [row("place/kiruna", "Q83232", "accept"), row("place/tornedalen", "Q83232", "accept")],
            "accepted for several entities",
        ),
    ],
    ids=["malformed", "wiki URL", "leading zero", "gone", "unknown decision", "two items", "two entities"],
)
def test_bad_rows_are_refused(
    unlinked: Project, tmp_path: Path, rows: list[dict[str, str]], message: str
) -> None:
    """A malformed QID, a vanished entity, an unclear decision or a conflict stops accept; nothing is written."""
    path = review(tmp_path / "review.csv", [row("place/sverige", "Q34", "accept"), *rows])
    result = run(unlinked, "link", "accept", str(path))
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert message in result.stderr and "nothing was written" in result.stderr  # type: ignore[attr-defined]
    assert "line 3" in result.stderr  # type: ignore[attr-defined]
    assert not (unlinked.data_dir / "links" / "wikidata.ttl").exists()
    assert not (unlinked.data_dir / "links" / "rejected.csv").exists()


def test_spreadsheet_dialects(unlinked: Project, tmp_path: Path) -> None:
    """A file saved by a Swedish Excel (semicolons, Windows-1252, ja/nej) is read as meant."""
    path = review(
        tmp_path / "excel.csv",
        [
            row("place/kiruna", "Q83232", "Ja"),
            row("organisation/kiruna-kommun", "Q83232", "nej"),
            row("organisation/pajala-kommun", "http://www.wikidata.org/entity/Q186230", " godkänd "),
            row("place/tornedalen", "Q734149", ""),
        ],
        delimiter=";",
        encoding="cp1252",
    )
    report = accept(unlinked, path, settings_for("http://127.0.0.1/"), now=NOW)
    assert sorted(q for _, q in report.added) == ["Q186230", "Q83232"]
    assert report.rejected == [(ID + "organisation/kiruna-kommun", "Q83232")]
    assert report.undecided == 1
    text = (unlinked.data_dir / "links" / "wikidata.ttl").read_text(encoding="utf-8")
    assert '"2026-12-01T09:30:00Z"^^xsd:dateTime' in text
    assert "Kiruna kommun, kommunikationsavdelningen: 2 links added" in text, "the default role"


def test_replace_and_change_of_mind(linked: Project, tmp_path: Path) -> None:
    """Accepting another item replaces a link, accepting a rejected one forgets the rejection, rejecting a linked one is refused."""
    settings = settings_for("http://127.0.0.1/")
    rejected = linked.data_dir / "links" / "rejected.csv"
    assert (ID + "organisation/kiruna-kommun", "Q83232") in read_rejected(rejected)
    path = review(tmp_path / "r.csv", [row("place/tornedalen", "Q90000002", "accept")])
    report = accept(linked, path, settings, now=NOW)
    assert [(e.iri[len(ID) :], old, new) for e, old, new in report.replaced] == [
        ("place/tornedalen", "Q734149", "Q90000002")
    ]
    path = review(tmp_path / "r2.csv", [row("place/kiruna", "Q83232", "reject")])
    with pytest.raises(InputError, match="already linked from"):
        accept(Project(linked.root), path, settings, now=NOW)
    path = review(tmp_path / "r3.csv", [row("organisation/norrbottens-lans-landsting", "Q103686", "accept")])
    accept(Project(linked.root), path, settings, now=NOW)
    assert (ID + "organisation/norrbottens-lans-landsting", "Q103686") not in read_rejected(rejected)


def test_repository_links_carry_provenance(repo: Path) -> None:
    """data/links/wikidata.ttl is as `kgpub link accept` writes it: sorted, with the link set's provenance."""
    text = (repo / "data" / "links" / "wikidata.ttl").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if " owl:sameAs wd:" in line and not line.startswith(" ")]
    assert lines == sorted(lines) and len(lines) == len(EXPECTED)
    assert "a void:Linkset" in text and "skos:changeNote" in text and "dcterms:modified" in text
    assert "owl:sameAs" not in text.split("a void:Linkset")[1].split(" .\n")[0].replace(
        "void:linkPredicate owl:sameAs", ""
    ), "the link set itself uses no owl:sameAs (the shapes check every subject of owl:sameAs)"
    assert (REPO / "data" / "links" / "rejected.csv").exists()


def test_hand_written_statements_are_not_lost(unlinked: Project, tmp_path: Path) -> None:
    """A link file that holds other statements is refused rather than rewritten without them."""
    (unlinked.data_dir / "links" / "wikidata.ttl").write_text(
        '<https://data.kiruna.se/id/place/kiruna> <http://www.w3.org/2000/01/rdf-schema#comment> "x"@en .\n',
        encoding="utf-8",
    )
    path = review(tmp_path / "r.csv", [row("place/kiruna", "Q83232", "accept")])
    with pytest.raises(InputError, match="not a link to a Wikidata item"):
        accept(unlinked, path, settings_for("http://127.0.0.1/"), now=NOW)
