"""`kgpub link suggest` against a local Wikidata stand-in: the right candidates, the traps scored low."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgpub import Project
from kgpub.cli import cli
from kgpub.link.review import COLUMNS, read_review, safe, unsafe
from kgpub.link.workflow import Suggestion, suggest

from .conftest import EXPECTED, ID, client_for, copy_project, settings_for


@pytest.fixture(scope="module")
def suggestions(wikidata: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Suggestion]:
    """Suggestions (in English) for the whole Kiruna project with its links taken out."""
    project = Project(copy_project(tmp_path_factory.mktemp("suggest") / "kiruna", links=False))
    settings = settings_for(wikidata)
    _, found = suggest(project, client_for(settings), settings, lang="en")
    return {s.entity.iri[len(ID) :]: s for s in found}


def candidate(suggestions: dict[str, Suggestion], entity: str, qid: str):  # type: ignore[no-untyped-def]
    found = [c for c in suggestions[entity].candidates if c.qid == qid]
    assert found, f"{qid} is not a candidate for {entity}"
    return found[0]


@pytest.mark.parametrize(("entity", "qid"), sorted(EXPECTED.items()))
def test_right_top_candidate(suggestions: dict[str, Suggestion], entity: str, qid: str) -> None:
    """Every entity that has an item in the excerpt gets that item as its best candidate."""
    best = suggestions[entity].best
    assert best is not None and best.qid == qid, suggestions[entity].candidates


def test_no_strong_candidate_without_an_item(suggestions: dict[str, Suggestion]) -> None:
    """Entities without an item in the excerpt get no candidate at or above the auto-accept threshold."""
    threshold = settings_for("http://127.0.0.1/").threshold
    others = {e: s for e, s in suggestions.items() if e not in EXPECTED}
    assert len(others) > 20
    for entity, s in others.items():
        assert s.best is None or s.best.score < threshold, (entity, s.best.qid, s.best.explanation)


@pytest.mark.parametrize(
    "entity",
    [
        "organisation/kiruna-kommun",
        "organisation/pajala-kommun",
        "organisation/haparanda-kommun",
        "organisation/overtornea-kommun",
        "place/norrbottens-lan",
        "place/kiruna",
        "place/sverige",
    ],
)
def test_clear_matches_are_strong(suggestions: dict[str, Suggestion], entity: str) -> None:
    """Where name, type and place all agree, the candidate reaches the auto-accept threshold."""
    best = suggestions[entity].best
    assert best is not None and best.score >= settings_for("http://127.0.0.1/").threshold, best


@pytest.mark.parametrize(
    ("entity", "trap", "why"),
    [
        ("organisation/kiruna-kommun", "Q83232", "a municipality is not a town"),
        ("organisation/pajala-kommun", "Q977248", "a municipality is not a town"),
        ("organisation/haparanda-kommun", "Q588976", "a municipality is not a town"),
        ("place/norrbottens-lan", "Q211649", "a county is not a province"),
        ("organisation/norrbottens-lans-landsting", "Q103686", "a county council is not a county"),
        ("place/vittangi-forsamling", "Q960861", "a parish is not a village"),
        ("place/karesuando-forsamling", "Q18291150", "a parish is not a former municipality"),
        ("place/vittangi-forsamling", "Q21721318", "may be another kind of unit"),
    ],
)
def test_traps_score_low_and_say_why(
    suggestions: dict[str, Suggestion], entity: str, trap: str, why: str
) -> None:
    """Namesakes of another kind are proposed (so a person sees them) but scored low, with the reason."""
    c = candidate(suggestions, entity, trap)
    assert c.score < 50, c.explanation
    assert why in c.explanation
    right = EXPECTED.get(entity)
    if right:
        assert candidate(suggestions, entity, right).score > c.score + 50


def test_reasons_name_the_evidence(suggestions: dict[str, Suggestion]) -> None:
    """A strong candidate's reasons name its label, its class, its country and its containing place."""
    c = candidate(suggestions, "organisation/kiruna-kommun", "Q499474")
    assert c.score == 100
    text = c.explanation
    assert 'the name "Kiruna Municipality" is its label' in text
    assert "municipality of Sweden (Q127448): fits a municipality (+35)" in text
    assert "in Sweden (Q34) (+10)" in text
    assert "located in Norrbotten County (Q103686), as ours is (+15)" in text
    assert c.label == "Kiruna Municipality"


def test_lookups_are_exact_and_batched(wikidata: str, unlinked: Project) -> None:
    """Names go in VALUES batches of exact literals: no regex or substring scans over all labels."""
    settings = settings_for(wikidata, batch_size=20)
    client = client_for(settings)
    sent: list[str] = []
    original = client.select

    def record(query: str):  # type: ignore[no-untyped-def]
        sent.append(query)
        return original(query)

    client.select = record  # type: ignore[method-assign]
    _, found = suggest(unlinked, client, settings, lang="en")
    lookups = [q for q in sent if "skos:altLabel ?name" in q]
    assert len(lookups) > 3
    for query in sent:
        assert "REGEX" not in query.upper() and "CONTAINS" not in query.upper()
    assert all(q.count('"@') <= 2 * 20 for q in lookups)
    best = {s.entity.iri[len(ID) :]: s.best.qid for s in found if s.best}
    assert {e: best[e] for e in EXPECTED} == EXPECTED


def test_remembered_rejections_are_not_proposed(wikidata: str, unlinked: Project) -> None:
    """A candidate someone rejected (data/links/rejected.csv) is not proposed again for that entity."""
    (unlinked.data_dir / "links" / "rejected.csv").write_text(
        f"entity,qid,label,candidate_label,decided,by\n{ID}organisation/kiruna-kommun,Q83232,,,2026-01-01,x\n",
        encoding="utf-8",
    )
    settings = settings_for(wikidata)
    _, found = suggest(
        unlinked, client_for(settings), settings, only=["organisation:kiruna-kommun", "place:kiruna"]
    )
    by_entity = {s.entity.iri[len(ID) :]: [c.qid for c in s.candidates] for s in found}
    assert by_entity == {"organisation/kiruna-kommun": ["Q499474"], "place/kiruna": ["Q83232"]}


def test_shared_identifier_counts(changed_wikidata: str, unlinked: Project) -> None:
    """An identifier both sides have (the official website, P856) adds to the score, with the reason."""
    path = unlinked.data_dir / "urls.ttl"
    path.write_text(
        "<https://data.kiruna.se/id/organisation/vinnova> <http://schema.org/url> <https://vinnova.se> .\n",
        encoding="utf-8",
    )
    settings = settings_for(changed_wikidata)
    _, found = suggest(unlinked, client_for(settings), settings, lang="en", only=["organisation/vinnova"])
    best = found[0].best
    assert best is not None and best.qid == "Q4355568"
    assert "same official website: vinnova.se (+30)" in best.explanation
    assert best.score >= 70


def test_cli_writes_a_review_file_and_a_summary(wikidata: str, unlinked: Project, tmp_path: Path) -> None:
    """The review file opens in a spreadsheet (BOM, a row per candidate, empty decisions); the summary says what next."""
    out = tmp_path / "review.csv"
    result = CliRunner().invoke(
        cli,
        [
            "--project",
            str(unlinked.root),
            "link",
            "suggest",
            "--endpoint",
            wikidata,
            "--out",
            str(out),
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert tuple(rows[0]) == COLUMNS
    assert all(r["decision"] == "" for r in rows)
    assert {r["qid"] for r in rows} >= set(EXPECTED.values())
    assert all(r["wikidata"] == f"https://www.wikidata.org/wiki/{r['qid']}" for r in rows)
    assert all(not r["reasons"].startswith(("+", "-", "=", "@")) for r in rows)
    text = result.stdout
    assert "Strong candidates (score 80 or more)" in text and "Weaker candidates" in text
    assert "No candidate (" in text and "Kirunabo" in text
    assert f"kgpub link accept {out}" in text
    assert "Kiruna Municipality (kio:kiruna-kommun) → Q499474" in text
    assert [r.qid for r in read_review(out)] == [r["qid"] for r in rows]


def test_cli_swedish_reasons(wikidata: str, unlinked: Project, tmp_path: Path) -> None:
    """By default the reasons and the summary are in Swedish, for the people who confirm links."""
    out = tmp_path / "granskning.csv"
    result = CliRunner().invoke(
        cli,
        [
            "--project", str(unlinked.root), "link", "suggest", "--endpoint", wikidata, "--out", str(out),
            "--entity", "organisation:kiruna-kommun",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Starka kandidater" in result.stdout
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    trap = next(r for r in rows if r["qid"] == "Q83232")
    assert "en kommun är inte en ort" in trap["reasons"]


def test_formula_cells_are_defused() -> None:
    """A cell a spreadsheet would run as a formula is written with a leading apostrophe, and read back."""
    assert safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe("-40 points") == "'-40 points"
    assert safe("Kiruna") == "Kiruna"
    assert unsafe(safe("@SUM(A1)")) == "@SUM(A1)"
    assert unsafe("'quoted") == "'quoted"
