"""`kgpub link check`: existing links are re-verified; redirects, deleted items and type changes are caught."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from kgpub import Project
from kgpub.cli import cli
from kgpub.link.workflow import check

from .conftest import ID, client_for, settings_for


def run(project: Project, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--project", str(project.root), *args])


def test_repository_links_are_fine(wikidata: str, linked: Project) -> None:
    """Every link of data/links/wikidata.ttl holds against the excerpt: exit 0."""
    result = run(linked, "link", "check", "--endpoint", wikidata, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "12 links checked" in result.stdout and "0 need attention" in result.stdout
    assert "ok    Kiruna (kip:kiruna) → Q83232: fine: instance of urban area in Sweden" in result.stdout
    assert "note  Vinnova (kio:vinnova) → Q4355568: no 'instance of' (P31)" in result.stdout


def test_redirect_deletion_and_type_change(changed_wikidata: str, linked: Project) -> None:
    """A merged item (redirect) gets its target proposed; a deleted item and a type that no longer fits are reported."""
    settings = settings_for(changed_wikidata)
    _, findings = check(linked, client_for(settings), settings, lang="en")
    by_entity = {f.entity.iri[len(ID) :]: f for f in findings}
    pajala = by_entity["organisation/pajala-kommun"]
    assert pajala.status == "redirect" and "Q186230 was merged into Q90000001" in pajala.message
    assert pajala.proposal is not None and pajala.proposal.qid == "Q90000001"
    assert pajala.proposal.score >= settings.threshold, pajala.proposal.explanation
    assert by_entity["organisation/haparanda-kommun"].status == "missing"
    overtornea = by_entity["organisation/overtornea-kommun"]
    assert overtornea.status == "type" and "a municipality is not a town" in overtornea.message
    assert {e for e, f in by_entity.items() if f.needs_attention} == {
        "organisation/pajala-kommun",
        "organisation/haparanda-kommun",
        "organisation/overtornea-kommun",
    }


def test_cli_check_exit_status_and_redirect_review(
    changed_wikidata: str, linked: Project, tmp_path: Path
) -> None:
    """check exits 1 and can write a review file for the redirect targets; accepting it replaces the link."""
    out = tmp_path / "redirects.csv"
    result = run(
        linked, "link", "check", "--endpoint", changed_wikidata, "--review", str(out), "--lang", "en"
    )
    assert result.exit_code == 1, result.output
    assert "3 of 12 links need attention" in result.stderr
    assert (
        "FIX   Haparanda Municipality (kio:haparanda-kommun) → Q510310: Q510310 does not exist"
        in result.stdout
    )
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["entity"], r["qid"]) for r in rows] == [(ID + "organisation/pajala-kommun", "Q90000001")]
    rows[0]["decision"] = "accept"
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run(linked, "link", "accept", str(out))
    assert result.exit_code == 0 and "wd:Q186230 → wd:Q90000001" in result.stdout, result.output
    result = run(Project(linked.root), "link", "check", "--endpoint", changed_wikidata, "--lang", "en")
    assert result.exit_code == 1 and "2 of 12 links need attention" in result.stderr


def test_link_to_an_entity_that_is_gone(wikidata: str, linked: Project) -> None:
    """A link whose entity was removed from the data needs attention: its line should be deleted."""
    path = linked.data_dir / "links" / "wikidata.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "kip:atlantis owl:sameAs wd:Q1 .\n", encoding="utf-8")
    result = run(linked, "link", "check", "--endpoint", wikidata, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert (
        f"FIX   {ID}place/atlantis (kip:atlantis) → Q1: the entity no longer exists in the data"
        in result.stdout
    )
    assert "1 of 13 links need attention" in result.stderr
