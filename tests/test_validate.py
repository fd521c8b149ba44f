"""Validation: the same findings however it runs, and config rules as shapes."""

from __future__ import annotations

from pathlib import Path

from kgpub import Project
from kgpub.testing import PREFIXES, make_project
from kgpub.validate import validate

BROKEN = (
    PREFIXES
    + """
exo:exempel-kommun a kgpub:Municipality ;
    rdfs:label "Exempels kommun"@sv , "Exempel Municipality"@en , "Esimerkki"@fi ;
    dcterms:source <https://example.se/projekt.html> .

exp:a a kgpub:Project ;
    rdfs:label "A"@sv ;
    dcterms:source <https://example.se/projekt.html> ;
    schema:startDate "2019"^^xsd:gYear ; schema:endDate "2017"^^xsd:gYear ;
    schema:funder expl:nowhere ;
    kgpub:fundedBy exo:exempel-kommun ;
    owl:sameAs <https://www.wikidata.org/wiki/Q34> .

<https://elsewhere.example.org/id/project/b> a kgpub:Projekt , kgpub:Project ;
    rdfs:label "B"@sv , "B"@en ;
    dcterms:source <https://example.se/projekt.html> .
"""
)


def test_parallel_validation_finds_exactly_what_one_process_finds(tmp_path: Path) -> None:
    """Splitting the shapes over two forked processes gives the identical report."""
    project = Project(make_project(tmp_path / "p", {"x.ttl": BROKEN}))
    one = validate(project, jobs=1, cache=False, engine="pyshacl")
    two = validate(project, jobs=2, cache=False, engine="pyshacl")
    assert one.findings == two.findings
    assert len(one.violations) >= 7


def test_compiled_engine_finds_exactly_what_pyshacl_finds(tmp_path: Path) -> None:
    """The default engine (shapes as SPARQL on pyoxigraph) gives pySHACL's report, file:line and all."""
    root = make_project(tmp_path / "p", {"x.ttl": BROKEN})
    compiled = validate(Project(root), cache=False)
    reference = validate(Project(root), cache=False, engine="pyshacl")
    assert compiled.findings == reference.findings
    assert compiled.to_turtle() == reference.to_turtle()
    assert compiled.checked_triples == reference.checked_triples


def test_seeded_violations_each_found(tmp_path: Path) -> None:
    """Each seeded mistake is reported against the right entity, with the right rule."""
    report = validate(Project(make_project(tmp_path / "p", {"x.ttl": BROKEN})))
    by_shape = {(f.focus.rsplit("/", 1)[-1], (f.shape or "").rsplit("#", 1)[-1]) for f in report.findings}
    expected = {
        ("a", "EnglishLabelShape"),  # no English name
        ("a", "EndDateOrderShape"),  # ends before it starts
        ("a", "FunderShape"),  # funder is not an organisation
        ("a", "DeclaredPropertiesShape"),  # kgpub:fundedBy is not in the ontology
        ("a", "SameAsShape"),  # not a Wikidata entity IRI
        ("b", "DeclaredClassesShape"),  # kgpub:Projekt is misspelt
        ("b", "MintedUnderBaseShape"),  # IRI outside the configured base
        ("exempel-kommun", "ConfiguredLanguagesShape-label"),  # @fi is not a configured language
    }
    missing = expected - by_shape
    assert not missing, (missing, sorted(by_shape))


def test_unchanged_inputs_reuse_the_report(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`kgpub validate` then `kgpub build` on the same inputs runs the shapes once; any change runs them again."""
    import kgpub.shacl_store as store

    root = make_project(tmp_path / "p", {"x.ttl": BROKEN})
    first = validate(Project(root))
    calls = []
    original = store.full
    monkeypatch.setattr(store, "full", lambda *a, **k: calls.append(1) or original(*a, **k))
    again = validate(Project(root))
    assert again.findings == first.findings and calls == []
    (root / "data" / "x.ttl").write_text(BROKEN.replace('"A"@sv', '"A2"@sv'), encoding="utf-8")
    validate(Project(root))
    assert calls == [1]


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    import pytest

    from kgpub.errors import InputError

    with pytest.raises(InputError, match="unknown validation engine"):
        validate(Project(make_project(tmp_path / "p")), engine="jena")
