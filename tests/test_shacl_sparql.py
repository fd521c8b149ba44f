"""The shapes compiled into SPARQL (kgpub.shacl_sparql) find exactly what pySHACL finds.

pySHACL is the reference: every test runs it here, as the project runs it (ontology as ont_graph, no
inference, advanced mode, warnings allowed), and compares its results with the compiled engine's as
sets of (focus, path, value, constraint component, source shape, severity, messages); blank nodes
are compared as "some blank node". Cases: the Kiruna data, the Kiruna data with seeded violations,
the valid and invalid fixture of every shape, the bad-input corpus wherever validation is reached,
and incremental validation of a generated project after one change at a time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kgpub import Project
from kgpub import shacl_sparql as ss
from kgpub.errors import InputError
from kgpub.load import load_files
from kgpub.validate import config_shapes, validate
from kgpub.vocab import KGPUB, OWL, RDF, RDFS, SH, XSD

ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
BAD = ROOT / "tests" / "fixtures" / "bad"
KGSH = "https://w3id.org/kgpub/shapes#"
SCHEMA = Namespace("http://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")

Key = tuple[Any, ...]


def _norm(node: Node | None) -> Node | str | None:
    return "_:" if isinstance(node, BNode) else node


def _key(focus: Any, path: Any, value: Any, component: Any, shape: Any, severity: Any, messages: Any) -> Key:
    texts = frozenset((str(m), m.language) for m in messages if isinstance(m, Literal))
    return (_norm(focus), path, _norm(value), component, shape, severity, texts)


def pyshacl_results(data: Graph, shapes: Graph, ontology: Graph) -> set[Key]:
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    g = report
    return {
        _key(
            g.value(r, SH.focusNode),
            g.value(r, SH.resultPath),
            g.value(r, SH.value),
            g.value(r, SH.sourceConstraintComponent),
            g.value(r, SH.sourceShape),
            g.value(r, SH.resultSeverity),
            g.objects(r, SH.resultMessage),
        )
        for r in g.subjects(RDF.type, SH.ValidationResult)
    }


def compiled_results(data: Graph, shapes: Graph, ontology: Graph) -> set[Key]:
    results, compiled = ss.validate_graph(data, shapes, ontology)
    assert compiled.fallback == {}, compiled.fallback  # everything these shapes use is compiled
    return {_key(r.focus, r.path, r.value, r.component, r.shape, r.severity, r.messages) for r in results}


def assert_same(data: Graph, shapes: Graph, ontology: Graph) -> set[Key]:
    mine = compiled_results(data, shapes, ontology)
    reference = pyshacl_results(data, shapes, ontology)
    assert mine == reference, {"only compiled": mine - reference, "only pyshacl": reference - mine}
    return mine


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_files([ROOT / "shapes" / "kgpub-shapes.ttl"], track_subjects=False).graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_files([ROOT / "ontology" / "kgpub.ttl"]).graph


@pytest.fixture(scope="module")
def kiruna() -> Project:
    return Project(ROOT)


def project_shapes(project: Project) -> Graph:
    return project.shapes + config_shapes(project.config.languages, project.config.id_base)


# -- Kiruna -------------------------------------------------------------------------------------


def test_kiruna_data(kiruna: Project) -> None:
    """The repository's data with its shapes and the two config shapes: no result, from either engine."""
    found = assert_same(kiruna.data.graph, project_shapes(kiruna), kiruna.ontology.graph)
    assert found == set()


def seeded(graph: Graph) -> Graph:
    """The Kiruna data with one mistake of each kind the shapes catch."""
    g = Graph()
    g += graph
    kommun = URIRef("https://data.kiruna.se/id/organisation/kiruna-kommun")
    projects = sorted(set(g.subjects(RDF.type, KGPUB.Project)), key=str)
    first, second, third = projects[0], projects[1], projects[2]
    page = next(iter(sorted(set(g.subjects(RDF.type, SCHEMA.WebPage)), key=str)))
    g.remove((page, RDF.type, SCHEMA.WebPage))  # every entity citing it: sh:class
    g.remove((page, DCTERMS.publisher, None))  # sh:minCount (now a page only by type… of nothing)
    g.add((first, RDFS.label, Literal("Ett till namn", lang="sv")))  # uniqueLang, qualifiedMaxCount
    g.remove((second, RDFS.label, None))  # qualifiedMinCount
    g.add((second, RDFS.label, Literal("no language")))  # datatype
    g.add((first, SCHEMA.startDate, Literal("2020", datatype=XSD.gYear)))  # maxCount
    g.add((first, SCHEMA.endDate, Literal("2001-05", datatype=XSD.gYearMonth)))  # not before
    g.add((third, SCHEMA.startDate, Literal("våren 2018", lang="sv")))  # sh:or
    g.add((third, SCHEMA.funder, URIRef("https://data.kiruna.se/id/place/nowhere")))  # sh:class
    g.add((third, KGPUB.fundedBy, kommun))  # undeclared property
    g.add((third, RDF.type, KGPUB.Projekt))  # undeclared class
    g.add((third, OWL.sameAs, URIRef("https://www.wikidata.org/wiki/Q34")))  # pattern
    g.add((third, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("A", lang="fi")))
    g.add((third, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"), next(g.objects(third, RDFS.label))))
    blank = BNode()
    g.add((blank, RDF.type, KGPUB.Organisation))  # nodeKind on a blank node, missing everything
    g.add((URIRef("https://elsewhere.example.org/x"), RDF.type, KGPUB.Place))  # outside the base
    g.add((kommun, KGPUB.memberCount, Literal("-3", datatype=XSD.integer)))  # datatype
    g.add((kommun, KGPUB.ownedBy, Literal("Staten")))  # nodeKind, sh:or
    return g


def test_kiruna_with_seeded_violations(kiruna: Project) -> None:
    """Mistakes of every kind seeded into the Kiruna data: the same results, one by one."""
    found = assert_same(seeded(kiruna.data.graph), project_shapes(kiruna), kiruna.ontology.graph)
    components = {str(k[3]).rsplit("#", 1)[-1] for k in found}
    assert len(found) >= 30
    for expected in (
        "ClassConstraintComponent",
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "UniqueLangConstraintComponent",
        "QualifiedMinCountConstraintComponent",
        "QualifiedMaxCountConstraintComponent",
        "DatatypeConstraintComponent",
        "OrConstraintComponent",
        "PatternConstraintComponent",
        "NodeKindConstraintComponent",
        "LanguageInConstraintComponent",
        "DisjointConstraintComponent",
        "NotBeforeConstraintComponent",
        "DeclaredPropertiesConstraintComponent",
        "DeclaredClassesConstraintComponent",
    ):
        assert expected in components, (expected, sorted(components))


# -- every shape's fixtures -------------------------------------------------------------------------


FIXTURE_CASES = [
    pytest.param(folder.name, name, id=f"{folder.name}-{name[:-4]}")
    for folder in sorted(FIXTURES.iterdir())
    if folder.is_dir()
    for name in ("invalid.ttl", "valid.ttl")
]


@pytest.mark.parametrize(("shape", "name"), FIXTURE_CASES)
def test_shape_fixture(shape: str, name: str, shapes: Graph, ontology: Graph) -> None:
    """Each shape's fixtures, split as tests/shapes does (kgsh: triples go to the shapes graph)."""
    path = FIXTURES / shape / name
    try:
        data = load_files([path]).graph  # as the project reads data
    except InputError:  # a literal kgpub's loader refuses: compare on rdflib's reading of it
        data = Graph().parse(path, format="turtle")
    extra = [t for t in data if isinstance(t[0], URIRef) and str(t[0]).startswith(KGSH)]
    if extra:
        combined = Graph()
        combined += shapes
        for t in extra:
            data.remove(t)
            combined.add(t)
        shapes = combined
    found = assert_same(data, shapes, ontology)
    assert bool(found) == (name == "invalid.ttl")


# -- the bad-input corpus ----------------------------------------------------------------------------


def _validated_cases() -> list[str]:
    import tomllib

    names = []
    for folder in sorted(BAD.iterdir()):
        if folder.is_dir():
            expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
            if expected["exit"] in (0, 1) and not expected.get("generate"):
                names.append(folder.name)
    return names


@pytest.mark.parametrize("name", _validated_cases())
def test_bad_input_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cases of tests/fixtures/bad that reach validation: the same report, finding by finding."""
    from tests.test_bad_input import make_case

    project, expected = make_case(name, tmp_path / "p", monkeypatch)
    compiled = validate(Project(project), cache=False, engine="sparql")
    reference = validate(Project(project), cache=False, engine="pyshacl")
    assert compiled.findings == reference.findings
    assert compiled.checked_triples == reference.checked_triples
    assert len(compiled.violations) == expected.get("violations", len(compiled.violations))
    assert compiled.to_text("en") == reference.to_text("en")


# -- what is not compiled goes to pySHACL ------------------------------------------------------------


def test_uncompiled_shape_is_left_to_pyshacl(tmp_path: Path) -> None:
    """A shape with sh:sparql (not compiled) is run by pySHACL; the report is pySHACL's."""
    from kgpub.testing import make_project

    root = make_project(tmp_path / "p")
    (root / "shapes" / "extra.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/shapes#NoLabelX> a sh:NodeShape ;
    sh:targetSubjectsOf rdfs:label ;
    sh:message "Inget X."@sv , "No X."@en ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:message "X"@en ;
        sh:select "SELECT $this ?value WHERE { $this <http://www.w3.org/2000/01/rdf-schema#label> ?value }" ] .
""",
        encoding="utf-8",
    )
    project = Project(root)
    compiled = ss.compile_shapes(project_shapes(project))
    assert list(compiled.fallback) == [URIRef("https://example.org/shapes#NoLabelX")]
    mine = validate(project, cache=False, engine="sparql")
    reference = validate(Project(root), cache=False, engine="pyshacl")
    assert mine.findings == reference.findings
    assert {f.shape for f in mine.findings} == {"https://example.org/shapes#NoLabelX"}


# -- incremental validation ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "p"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), str(out), "--triples", "12k", "--seed", "3"],
        check=True,
        capture_output=True,
    )
    return out


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_incremental_equals_full(generated: Path, tmp_path: Path) -> None:
    """After each change, `kgpub validate`'s incremental report equals a full validation's."""
    root = tmp_path / "p"
    shutil.copytree(generated, root)
    data = root / "data"
    first = validate(Project(root), incremental=True)
    assert first.scope == "full" and first.conforms

    projects = sorted(data.glob("projects-*.ttl"))[0]
    sources = sorted(data.glob("sources-*.ttl"))[0]
    page = sources.read_text(encoding="utf-8").split("\n<", 1)[1].split(">", 1)[0]
    steps = [
        # a label of one entity: nothing wrong, one entity changed
        lambda: _edit(projects, '"@sv ,', ' (ny)"@sv ,'),
        # a page stops being a schema:WebPage: every entity that cites it breaks sh:class
        lambda: _edit(sources, f"<{page}>\n    a schema:WebPage", f"<{page}>\n    a schema:Thing"),
        # a funder that is no organisation, and an end date before the start, in another file
        lambda: _edit(
            projects, "schema:funder ", "schema:funder <https://data.example.se/id/place/sverige> , "
        ),
        # the page is a page again
        lambda: _edit(sources, f"<{page}>\n    a schema:Thing", f"<{page}>\n    a schema:WebPage"),
        # a new file repeating a statement of another one, and an undeclared kgpub property
        lambda: (data / "extra.ttl").write_text(
            f"<{page}> a <http://schema.org/WebPage> ; <https://w3id.org/kgpub/def#typo> 1 .\n",
            encoding="utf-8",
        ),
        # the file is removed again
        lambda: (data / "extra.ttl").unlink(),
    ]
    seen_incremental = 0
    counts = []
    for number, step in enumerate(steps):
        step()
        incremental = validate(Project(root), incremental=True)
        full = validate(Project(root), cache=False, incremental=False)
        assert incremental.findings == full.findings, number
        assert incremental.checked_triples == full.checked_triples, number
        counts.append(len(full.findings))
        if incremental.scope == "incremental":
            seen_incremental += 1
            assert incremental.changed_entities is not None and incremental.changed_entities >= 1
    assert seen_incremental == len(steps)
    # nothing wrong; many entities cite the page; + the funder; the page is fine again; + typo; − typo
    assert counts[0] == 0 and counts[1] > 10 and counts[2] == counts[1] + 1 and counts[3] == 1
    assert counts[4] == 2 and counts[5] == 1
    # the full engine agrees with pySHACL on the end state too
    reference = validate(Project(root), cache=False, engine="pyshacl")
    assert reference.findings == full.findings


def test_one_entity_change_counts_one_entity(generated: Path, tmp_path: Path) -> None:
    """Changing one entity's label says so: one changed entity, and a report equal to a full run's."""
    root = tmp_path / "p"
    shutil.copytree(generated, root)
    validate(Project(root), incremental=True)
    projects = sorted((root / "data").glob("projects-*.ttl"))[-1]
    _edit(projects, '"@en ;', ' (changed)"@en ;')
    report = validate(Project(root), incremental=True)
    assert (report.scope, report.changed_entities) == ("incremental", 1)
    assert report.findings == validate(Project(root), cache=False).findings


def test_build_validates_everything_after_an_incremental_run(generated: Path, tmp_path: Path) -> None:
    """A report made incrementally is not reused by `build` (validate(incremental=False))."""
    import kgpub.shacl_store as store

    root = tmp_path / "p"
    shutil.copytree(generated, root)
    validate(Project(root), incremental=True)
    _edit(sorted((root / "data").glob("projects-*.ttl"))[0], '"@sv ,', ' (ny)"@sv ,')
    assert validate(Project(root), incremental=True).scope == "incremental"
    calls: list[int] = []
    original = store.full

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    store.full = counting  # type: ignore[assignment]
    try:
        report = validate(Project(root))
    finally:
        store.full = original  # type: ignore[assignment]
    assert calls == [1] and report.scope == "full"


# -- what an incremental run checks again -------------------------------------------------------------


def _most_cited_organisation(root: Path, through: URIRef | None = None) -> tuple[Path, str, int]:
    """The organisation the most entities point at (through one property, or any): its file, IRI
    local name (under the xo: prefix) and how many entities point at it."""
    loaded = load_files(sorted((root / "data").rglob("*.ttl")))
    g = loaded.graph
    ontology = load_files([root / "ontology" / "kgpub.ttl"]).graph
    classes = set(ontology.transitive_subjects(RDFS.subClassOf, KGPUB.Organisation))
    organisations = {s for c in classes for s in g.subjects(RDF.type, c)}
    org = max(sorted(organisations, key=str), key=lambda o: len(set(g.subjects(through, o))))
    files = [
        f
        for f in sorted((root / "data").glob("organisations-*.ttl"))
        if f"xo:{str(org).rsplit('/', 1)[1]}\n" in f.read_text(encoding="utf-8")
    ]
    assert len(files) == 1, files
    return files[0], str(org).rsplit("/", 1)[1], len(set(g.subjects(through, org)))


def _edit_block(path: Path, local: str, old: str, new: str) -> None:
    """Change ``old`` into ``new`` in the statements about xo:``local`` (a block ending at a blank line)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\nxo:{local}\n")
    end = text.index("\n\n", start + 1) if "\n\n" in text[start + 1 :] else len(text)
    block = text[start:end]
    assert old in block, (local, old, block)
    path.write_text(text[:start] + block.replace(old, new, 1) + text[end:], encoding="utf-8")


def _same_as_full(root: Path, scope: str = "incremental") -> Any:
    incremental = validate(Project(root), incremental=True)
    full = validate(Project(root), cache=False, incremental=False)
    assert incremental.findings == full.findings
    assert incremental.checked_triples == full.checked_triples
    assert incremental.scope == scope
    return incremental


def test_incremental_rechecks_citing_entities_only_when_they_read_the_change(
    generated: Path, tmp_path: Path
) -> None:
    """A much-cited organisation: a new label re-checks only itself; a type that is no organisation
    makes every entity citing it break sh:class (so they must be checked again), and back. Each
    time the incremental report equals a full validation's."""
    root = tmp_path / "p"
    shutil.copytree(generated, root)
    assert validate(Project(root), incremental=True).scope == "full"
    path, local, citing = _most_cited_organisation(root)
    assert citing > 20
    text = path.read_text(encoding="utf-8")
    kind = text[text.index(f"\nxo:{local}\n") :].split("\n    a ", 1)[1].split(" ", 1)[0]

    _edit_block(path, local, '"@sv', ' (nytt namn)"@sv')  # only the label: nothing cites labels
    report = _same_as_full(root)
    assert (report.changed_entities, report.rechecked, len(report.findings)) == (1, 1, 0)

    _edit_block(path, local, f"a {kind} ;", "a kgpub:Place ;")  # no longer an organisation
    report = _same_as_full(root)
    broken = len(report.findings)
    assert broken >= citing // 2 and report.rechecked is not None and report.rechecked > citing // 2
    assert str(SH.ClassConstraintComponent) in {f.component for f in report.findings}

    _edit_block(path, local, ' (nytt namn)"@sv', '"@sv')  # the label again, with the type still wrong
    report = _same_as_full(root)
    assert (report.rechecked, len(report.findings)) == (1, broken)

    _edit_block(path, local, "a kgpub:Place ;", "a kgpub:Organisatoin ;")  # a misspelt kgpub class
    report = _same_as_full(root)
    assert len(report.findings) > broken  # sh:class results, and the undeclared class
    assert any(str(f.component).endswith("DeclaredClassesConstraintComponent") for f in report.findings)

    _edit_block(path, local, "a kgpub:Organisatoin ;", f"a {kind} ;")  # an organisation again
    report = _same_as_full(root)
    assert report.findings == [] and report.rechecked is not None and report.rechecked > citing // 2


def test_incremental_follows_declarations_and_hierarchy(generated: Path, tmp_path: Path) -> None:
    """A property declared in the data re-checks the entities using it (the declaration check reads
    a property's type), a label of it only itself; a class hierarchy in the data means a full run."""
    root = tmp_path / "p"
    shutil.copytree(generated, root)
    validate(Project(root), incremental=True)
    path, local, _citing = _most_cited_organisation(root)
    data = root / "data"
    org = f"<https://data.example.se/id/organisation/{local}>"
    typo = "<https://w3id.org/kgpub/def#typo>"
    (data / "extra.ttl").write_text(f"{org} {typo} 1 .\n", encoding="utf-8")
    report = _same_as_full(root)
    assert len(report.findings) == 1

    declared = f"{typo} a <http://www.w3.org/2002/07/owl#DatatypeProperty> .\n"
    (data / "more.ttl").write_text(declared, encoding="utf-8")
    report = _same_as_full(root)  # the organisation (using it) is checked again: declared now
    assert report.findings == [] and report.rechecked == 2

    labelled = declared + f'{typo} <http://www.w3.org/2000/01/rdf-schema#label> "typo"@en .\n'
    (data / "more.ttl").write_text(labelled, encoding="utf-8")
    report = _same_as_full(root)
    assert report.findings == [] and report.rechecked == 1

    (data / "more.ttl").write_text(labelled[len(declared) :], encoding="utf-8")
    report = _same_as_full(root)  # undeclared again
    assert len(report.findings) == 1 and report.rechecked == 2

    # the organisation's class is made a subclass of a place in the data: read anywhere, a full run
    hierarchy = "<https://w3id.org/kgpub/def#Organisation> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://w3id.org/kgpub/def#Place> .\n"
    (data / "more.ttl").write_text(hierarchy, encoding="utf-8")
    _same_as_full(root, scope="full")
    assert path.exists()


_LABEL_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/shapes#> .
ex:forbiddenText a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> .
ex:ForbiddenTextParameter a sh:Parameter ; sh:path ex:forbiddenText .
ex:ForbiddenTextComponent a sh:ConstraintComponent ;
    sh:parameter ex:ForbiddenTextParameter ;
    sh:propertyValidator ex:ForbiddenTextValidator .
ex:ForbiddenTextValidator a sh:SPARQLSelectValidator ;
    sh:select \"\"\"
        SELECT $this ?value WHERE {
            $this $PATH ?value .
            ?value <http://www.w3.org/2000/01/rdf-schema#label> ?name .
            FILTER (CONTAINS(STR(?name), $forbiddenText))
        }\"\"\" .
ex:FunderNameShape a sh:PropertyShape ;
    sh:targetSubjectsOf <http://schema.org/funder> ;
    sh:path <http://schema.org/funder> ;
    ex:forbiddenText "(ny)" ;
    sh:message "Finansiären heter något med (ny)."@sv , "The funder's name says (ny)."@en .
"""


def test_incremental_follows_a_query_reading_neighbours_labels(generated: Path, tmp_path: Path) -> None:
    """A SPARQL-based constraint reading the funders' labels: a funder's new label re-checks every
    entity it funds (the query's triple patterns say so), and the report equals a full run's."""
    root = tmp_path / "p"
    shutil.copytree(generated, root)
    (root / "shapes" / "funder-names.ttl").write_text(_LABEL_SHAPES, encoding="utf-8")
    project = Project(root)
    compiled = ss.compile_shapes(project_shapes(project))
    assert compiled.fallback == {}
    reach = compiled.reach()
    assert (str(SCHEMA.funder), str(RDFS.label)) in reach.neighbours and not reach.unbounded
    assert validate(project, incremental=True).findings == []
    path, local, funded = _most_cited_organisation(root, SCHEMA.funder)
    assert funded > 5

    _edit_block(path, local, '"@sv', ' (ny)"@sv')
    report = _same_as_full(root)
    assert len(report.findings) == funded and report.rechecked == funded + 1

    _edit_block(path, local, ' (ny)"@sv', '"@sv')
    report = _same_as_full(root)
    assert report.findings == [] and report.rechecked == funded + 1


def test_sparql_reach() -> None:
    """What a SPARQL query reads besides the focus node's statements, from its triple patterns."""
    none: tuple[tuple[str, str], ...] = ()
    rdf_type = str(RDF.type)
    reach = ss.sparql_reach
    # a neighbour's statements through one predicate; further away: anywhere
    found = reach("SELECT $this WHERE { $this <urn:p> ?v . ?v <urn:q> ?w . ?w <urn:r> ?z }", none)
    assert found == ss.Reach(
        neighbours=frozenset({("urn:p", "urn:q")}), anywhere=frozenset({(None, "urn:r")})
    )
    # statements pointing at the focus node; about the properties it uses; a path's later steps
    assert reach("SELECT $this WHERE { ?x <urn:p> $this }", none).incoming == {"urn:p"}
    assert reach("SELECT $this WHERE { $this ?p ?o . ?p a <urn:C> }", none).predicates == {rdf_type}
    assert reach("SELECT $this WHERE { $this <urn:p>/<urn:q>* ?o }", none).anywhere == {(None, "urn:q")}
    # a pattern tied to nothing, and one implied by a statement of the focus node
    assert reach("SELECT $this WHERE { ?a <urn:p> ?b . $this <urn:q> ?c }", none).anywhere == {
        (None, "urn:p")
    }
    assert (
        reach("SELECT $this WHERE { { SELECT DISTINCT ?p WHERE { ?a ?p ?b } } $this ?p ?c }", none)
        == ss.Reach()
    )
    optional = "SELECT $this WHERE { ?a <urn:p> ?b . OPTIONAL { $this <urn:p> ?c } }"
    assert reach(optional, none).anywhere == {(None, "urn:p")}
    # what cannot be analysed reads everything
    for text in (
        "SELECT $this WHERE { $this ^<urn:p> ?o }",
        "SELECT $this WHERE { $this <urn:p ?o }",
        "SELECT $this WHERE { $this <urn:p> ?o } LIMIT 1",
    ):
        assert reach(text, none).unbounded, text
    # the kgpub shapes: the types of classes and properties in use, nothing further
    shapes = load_files([ROOT / "shapes" / "kgpub-shapes.ttl"], track_subjects=False).graph
    compiled = ss.compile_shapes(shapes)
    total = compiled.reach()
    assert total.anywhere == {(None, str(RDFS.subClassOf))} and total.incoming == frozenset()
    assert total.predicates == {rdf_type} and {read for _edge, read in total.neighbours} == {rdf_type}


def test_reaches_survive_the_kept_state_unchanged(kiruna: Project) -> None:
    """Each check's reach, written into the kept state and read back, is the reach worked out."""
    compiled = ss.compile_shapes(project_shapes(kiruna))
    worked_out = [compiled.check_reach(c) for c in compiled.checks]
    assert any(r.neighbours for r in worked_out) and any(c.sparql for c in compiled.checks)
    again = ss.compile_shapes(project_shapes(kiruna))
    again.reaches_from_json(json.loads(json.dumps(compiled.reaches_to_json())))
    assert [again.check_reach(c) for c in again.checks] == worked_out
    assert again.reach() == compiled.reach()
    again.reaches_from_json([{"neighbours": 1}] * len(again.checks))  # not ours: ignored
    assert [again.check_reach(c) for c in again.checks] == worked_out


def test_an_incremental_run_reads_reaches_from_the_state_and_rechecks_citing_nodes_with_few_checks(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a full run, an incremental one analyses no SPARQL again (rdflib's parser is slow), and a
    hub's new type re-checks the entities citing it with only the checks reading their neighbours'
    types (all checks for the hub itself)."""
    root = tmp_path / "p"
    shutil.copytree(generated, root)
    assert validate(Project(root), incremental=True).scope == "full"
    path, local, citing = _most_cited_organisation(root)
    text = path.read_text(encoding="utf-8")
    kind = text[text.index(f"\nxo:{local}\n") :].split("\n    a ", 1)[1].split(" ", 1)[0]
    _edit_block(path, local, f"a {kind} ;", "a kgpub:Place ;")

    def no_analysis(*args: Any) -> Any:
        raise AssertionError("SPARQL analysed again")

    runs: list[tuple[ss.Compiled, list[ss.Check]]] = []
    real_run = ss.run

    def recorded(store: Any, compiled: ss.Compiled, checks: list[ss.Check] | None = None) -> Any:
        runs.append((compiled, compiled.checks if checks is None else checks))
        return real_run(store, compiled, checks)

    ss.sparql_reach.cache_clear()
    monkeypatch.setattr(ss, "sparql_reach", no_analysis)
    monkeypatch.setattr(ss, "run", recorded)
    report = validate(Project(root), incremental=True)
    assert report.scope == "incremental" and report.rechecked is not None and report.rechecked > citing // 2
    assert len(runs) == 2
    (compiled, for_hub), (_, for_citing) = runs
    assert for_hub == compiled.checks and 0 < len(for_citing) < len(compiled.checks)

    def reads_types(check: ss.Check) -> bool:
        return any(read in (ss.ANY, str(RDF.type)) for _, read in compiled.check_reach(check).neighbours)

    reading = [c for c in compiled.checks if reads_types(c)]
    assert all(c in for_citing for c in reading)  # every check reading a neighbour's type, and
    same_results = {(c.shape, x) for c in reading for x in ss.result_components(c)}
    for check in for_citing:  # else only one whose results look the same (so they can be replaced)
        assert reads_types(check) or any(
            (check.shape, x) in same_results for x in ss.result_components(check)
        )
    monkeypatch.undo()
    full = validate(Project(root), cache=False, incremental=False)
    assert report.findings == full.findings and len(full.findings) >= citing // 2
