"""Tests for the SHACL shapes in shapes/kgpub-shapes.ttl.

Every shape has a folder tests/fixtures/shapes/<shape local name>/ with a valid.ttl that must conform
without any result and an invalid.ttl that must give results from that shape only. A shape without
targets of its own (a helper used inside sh:or or sh:qualifiedValueShape) is aimed at a node by a
``kgsh:<Shape> sh:targetNode …`` triple in its fixture: triples whose subject is a kgsh: IRI are
added to a copy of the shapes graph instead of the data graph.

Validation is run exactly as the project runs it: with the ontology as ont_graph, no inference,
advanced mode (SHACL-AF) and warnings allowed.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SHAPES_FILE = ROOT / "shapes" / "kgpub-shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "kgpub.ttl"
DATA_DIR = ROOT / "data"
FIXTURES = HERE.parent / "fixtures" / "shapes"

KGSH = Namespace("https://w3id.org/kgpub/shapes#")
KGPUB = Namespace("https://w3id.org/kgpub/def#")
SCHEMA = Namespace("http://schema.org/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SHAPES_GRAPH_IRI = URIRef("https://w3id.org/kgpub/shapes")
CC0 = URIRef("https://creativecommons.org/publicdomain/zero/1.0/")

FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []

# Predicates whose values are shapes (a blank node there would be an unnamed shape).
SHAPE_VALUED = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


# ---------------------------------------------------------------------------------------------
# Session data: the shapes and the ontology are parsed once for the whole module
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@pytest.fixture(scope="module")
def ontology_graph() -> Graph:
    if not ONTOLOGY_FILE.exists():
        pytest.fail(f"{ONTOLOGY_FILE} is missing: the shapes are validated against the ontology.")
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def shapes_in(graph: Graph) -> set[URIRef | BNode]:
    """Every node shape and property shape declared in the graph."""
    return set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))


def sparql_constraints_in(graph: Graph) -> set:
    return set(graph.objects(None, SH.sparql))


def local_name(iri: URIRef) -> str:
    return str(iri)[len(str(KGSH)) :]


def validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, list[dict]]:
    """Validate as the project does; return conforms, the report graph and the results, simplified."""
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    results = [
        {
            "shape": report.value(r, SH.sourceShape),
            "severity": report.value(r, SH.resultSeverity),
            "focus": report.value(r, SH.focusNode),
            "path": report.value(r, SH.resultPath),
            "value": report.value(r, SH.value),
            "messages": list(report.objects(r, SH.resultMessage)),
        }
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return conforms, report, results


def load_fixture(path: Path, shapes: Graph) -> tuple[Graph, Graph]:
    """Split a fixture into data and shapes: triples about kgsh: IRIs go to a copy of the shapes graph."""
    fixture = Graph().parse(path, format="turtle")
    extra = [t for t in fixture if isinstance(t[0], URIRef) and str(t[0]).startswith(str(KGSH))]
    if not extra:
        return fixture, shapes
    for t in extra:
        fixture.remove(t)
    combined = Graph()
    for t in shapes:
        combined.add(t)
    for t in extra:
        combined.add(t)
    return fixture, combined


def describe(results: list[dict]) -> str:
    return "\n".join(
        f"  {r['shape']} focus={r['focus']} path={r['path']} value={r['value']!r}" for r in results
    )


def project_with_dates(start: Literal, end: Literal) -> Graph:
    ex = Namespace("https://example.org/id/")
    g = Graph()
    g.add((ex["source-page"], RDF.type, SCHEMA.WebPage))
    g.add((ex["source-page"], DCTERMS.title, Literal("Exempelsida", lang="sv")))
    g.add((ex["source-page"], DCTERMS.publisher, ex.publisher))
    g.add((ex.project, RDF.type, KGPUB.Project))
    g.add((ex.project, RDFS.label, Literal("Exempelprojekt", lang="sv")))
    g.add((ex.project, RDFS.label, Literal("Example project", lang="en")))
    g.add((ex.project, DCTERMS.source, ex["source-page"]))
    g.add((ex.project, SCHEMA.startDate, start))
    g.add((ex.project, SCHEMA.endDate, end))
    return g


# ---------------------------------------------------------------------------------------------
# Each shape against its fixtures
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_valid_fixture_conforms_without_results(
    name: str, shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """The valid fixture of every shape conforms and gives no result at all, not even a warning."""
    data, shapes = load_fixture(FIXTURES / name / "valid.ttl", shapes_graph)
    conforms, _, results = validate(data, shapes, ontology_graph)
    assert conforms, f"valid.ttl of {name} does not conform:\n{describe(results)}"
    assert results == [], f"valid.ttl of {name} gives results:\n{describe(results)}"


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_invalid_fixture_fails_on_its_own_shape(
    name: str, shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """The invalid fixture of every shape gives results only from that shape, each with an @sv and an @en message."""
    data, shapes = load_fixture(FIXTURES / name / "invalid.ttl", shapes_graph)
    _, _, results = validate(data, shapes, ontology_graph)
    assert results, f"invalid.ttl of {name} gives no result"
    shape = KGSH[name]
    assert {r["shape"] for r in results} == {shape}, f"invalid.ttl of {name} gives:\n{describe(results)}"
    for r in results:
        langs = {m.language for m in r["messages"] if isinstance(m, Literal)}
        assert {"sv", "en"} <= langs, f"{name}: result messages {r['messages']!r} lack @sv or @en"


# ---------------------------------------------------------------------------------------------
# The shapes file as a whole
# ---------------------------------------------------------------------------------------------


def test_every_shape_has_a_fixture_pair(shapes_graph: Graph) -> None:
    """Every shape in the shapes file has a fixture folder with valid.ttl and invalid.ttl."""
    missing = []
    for shape in sorted(shapes_in(shapes_graph), key=str):
        folder = FIXTURES / local_name(shape)
        if not ((folder / "valid.ttl").is_file() and (folder / "invalid.ttl").is_file()):
            missing.append(local_name(shape))
    assert not missing, f"shapes without fixtures in {FIXTURES}: {missing}"


def test_every_fixture_folder_names_a_shape(shapes_graph: Graph) -> None:
    """Every fixture folder is named after a shape that exists in the shapes file."""
    names = {local_name(s) for s in shapes_in(shapes_graph)}
    stale = [n for n in FIXTURE_NAMES if n not in names]
    assert not stale, f"fixture folders for shapes that do not exist: {stale}"


def test_every_shape_is_named_by_an_iri(shapes_graph: Graph) -> None:
    """No shape is a blank node, and every shape referenced from another shape is declared with a type."""
    shapes = shapes_in(shapes_graph)
    assert all(isinstance(s, URIRef) and str(s).startswith(str(KGSH)) for s in shapes), [
        s for s in shapes if not isinstance(s, URIRef)
    ]
    referenced = set()
    for p in SHAPE_VALUED:
        referenced |= set(shapes_graph.objects(None, p))
    for p in SHAPE_LISTS:
        for head in shapes_graph.objects(None, p):
            referenced |= set(Collection(shapes_graph, head))
    referenced |= sparql_constraints_in(shapes_graph)
    referenced |= set(shapes_graph.subjects(SH.path, None)) - set(
        shapes_graph.subjects(RDF.type, SH.Parameter)
    )
    unnamed = [s for s in referenced if not isinstance(s, URIRef)]
    assert not unnamed, f"blank-node shapes or constraints: {unnamed}"
    untyped = [s for s in referenced - sparql_constraints_in(shapes_graph) if s not in shapes]
    assert not untyped, f"shapes used without rdf:type sh:NodeShape/sh:PropertyShape: {untyped}"


def test_every_shape_has_one_message_in_swedish_and_one_in_english(shapes_graph: Graph) -> None:
    """Every shape and every SPARQL constraint has exactly one sh:message @sv and one @en."""
    bad = []
    for node in shapes_in(shapes_graph) | sparql_constraints_in(shapes_graph):
        langs = sorted(str(m.language) for m in shapes_graph.objects(node, SH.message))
        if langs != ["en", "sv"]:
            bad.append((node, langs))
    assert not bad, f"shapes without exactly one @sv and one @en sh:message: {bad}"


def test_sparql_validators_leave_the_message_to_the_shape(shapes_graph: Graph) -> None:
    """SPARQL validators of constraint components have no sh:message, so a result carries exactly its shape's messages."""
    validators = set(shapes_graph.objects(None, SH.validator))
    validators |= set(shapes_graph.objects(None, SH.nodeValidator))
    validators |= set(shapes_graph.objects(None, SH.propertyValidator))
    assert validators, "expected the SPARQL-based constraint components"
    assert [v for v in validators if list(shapes_graph.objects(v, SH.message))] == []


def test_every_shape_has_a_name_in_swedish_and_english(shapes_graph: Graph) -> None:
    """Every shape has a name (rdfs:label or sh:name) in Swedish and in English."""
    bad = []
    for node in shapes_in(shapes_graph):
        names = list(shapes_graph.objects(node, RDFS.label)) + list(shapes_graph.objects(node, SH.name))
        if {"sv", "en"} - {n.language for n in names}:
            bad.append(node)
    assert not bad, f"shapes without a Swedish and an English name: {bad}"


def test_every_shape_states_a_violation_or_warning_severity(shapes_graph: Graph) -> None:
    """Every shape states its severity explicitly, and it is sh:Violation or sh:Warning."""
    bad = [
        s
        for s in shapes_in(shapes_graph)
        if list(shapes_graph.objects(s, SH.severity)) not in ([SH.Violation], [SH.Warning])
    ]
    assert not bad, f"shapes without one sh:severity sh:Violation/sh:Warning: {bad}"


def test_shapes_graph_header(shapes_graph: Graph) -> None:
    """The shapes graph is an owl:Ontology with sv/en title, version 0.1.0, CC0 and no owl:imports."""
    g, s = shapes_graph, SHAPES_GRAPH_IRI
    assert (s, RDF.type, OWL.Ontology) in g
    assert {t.language for t in g.objects(s, DCTERMS.title)} == {"sv", "en"}
    assert g.value(s, OWL.versionInfo) == Literal("0.1.0")
    assert g.value(s, DCTERMS.license) == CC0
    assert list(g.objects(None, OWL.imports)) == []
    assert (s, RDFS.seeAlso, URIRef("https://w3id.org/kgpub/def")) in g


def test_shapes_are_not_specific_to_one_municipality() -> None:
    """The shapes file has no base IRI and names no municipality's data."""
    text = SHAPES_FILE.read_text(encoding="utf-8")
    assert "@base" not in text and "BASE <" not in text
    assert "kiruna" not in text.lower()
    iris = {
        str(t)
        for triple in Graph().parse(SHAPES_FILE, format="turtle")
        for t in triple
        if isinstance(t, URIRef)
    }
    assert not [i for i in iris if "example.org" in i]


# ---------------------------------------------------------------------------------------------
# End date not before start date
# ---------------------------------------------------------------------------------------------

DATE_CASES = [
    pytest.param(
        Literal("2018", datatype=XSD.gYear), Literal("2017", datatype=XSD.gYear), False, id="year-before"
    ),
    pytest.param(
        Literal("2018-05-01", datatype=XSD.date),
        Literal("2018-04-30", datatype=XSD.date),
        False,
        id="date-before",
    ),
    pytest.param(
        Literal("2018", datatype=XSD.gYear), Literal("2018", datatype=XSD.gYear), True, id="equal-years"
    ),
    pytest.param(
        Literal("2018-05-01", datatype=XSD.date),
        Literal("2018-05-01", datatype=XSD.date),
        True,
        id="equal-dates",
    ),
    pytest.param(
        Literal("2018", datatype=XSD.gYear),
        Literal("2018-01-01", datatype=XSD.date),
        True,
        id="year-then-date-same-year",
    ),
    pytest.param(
        Literal("2018-05-01", datatype=XSD.date),
        Literal("2018", datatype=XSD.gYear),
        True,
        id="date-then-year-same-year",
    ),
    pytest.param(
        Literal("2018-05-01", datatype=XSD.date),
        Literal("2017", datatype=XSD.gYear),
        False,
        id="date-then-earlier-year",
    ),
    pytest.param(
        Literal("2018-05", datatype=XSD.gYearMonth),
        Literal("2018-04-30", datatype=XSD.date),
        False,
        id="month-then-earlier-date",
    ),
    pytest.param(
        Literal("2018-05", datatype=XSD.gYearMonth),
        Literal("2018-05-31", datatype=XSD.date),
        True,
        id="month-then-date-in-it",
    ),
    pytest.param(
        Literal("2014", datatype=XSD.gYear), Literal("2020", datatype=XSD.gYear), True, id="later-year"
    ),
]


@pytest.mark.parametrize(("start", "end", "ok"), DATE_CASES)
def test_end_date_not_before_start_date(
    start: Literal, end: Literal, ok: bool, shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """An end date before its start date is a violation of EndDateOrderShape; the same year (or day) is not."""
    _, _, results = validate(project_with_dates(start, end), shapes_graph, ontology_graph)
    order = [r for r in results if r["shape"] == KGSH.EndDateOrderShape]
    assert [r for r in results if r["shape"] != KGSH.EndDateOrderShape] == [], describe(results)
    if ok:
        assert order == []
    else:
        assert len(order) == 1 and order[0]["value"] == end and order[0]["severity"] == SH.Violation


DATE_VALUE_CASES = [
    pytest.param(Literal("2018", datatype=XSD.gYear), True, id="year"),
    pytest.param(Literal("2018-05", datatype=XSD.gYearMonth), True, id="month"),
    pytest.param(Literal("2018-05-01", datatype=XSD.date), True, id="date"),
    pytest.param(Literal("2018Z", datatype=XSD.gYear), False, id="year-with-time-zone"),
    pytest.param(Literal("12018", datatype=XSD.gYear), False, id="five-digit-year"),
    pytest.param(Literal("2018-05-01T10:00:00", datatype=XSD.dateTime), False, id="date-time"),
    pytest.param(Literal("2018", datatype=XSD.integer), False, id="integer"),
    pytest.param(Literal("2018"), False, id="plain-string"),
    pytest.param(Literal("våren 2018", lang="sv"), False, id="text"),
]


@pytest.mark.parametrize(("value", "ok"), DATE_VALUE_CASES)
def test_start_date_values(value: Literal, ok: bool, shapes_graph: Graph, ontology_graph: Graph) -> None:
    """A start date is a four-digit year, month or date without time zone; anything else violates StartDateShape."""
    ex = Namespace("https://example.org/id/")
    data = project_with_dates(value, Literal("2030", datatype=XSD.gYear))
    data.remove((ex.project, SCHEMA.endDate, None))
    _, _, results = validate(data, shapes_graph, ontology_graph)
    assert {local_name(r["shape"]) for r in results} == (set() if ok else {"StartDateShape"}), describe(
        results
    )


# ---------------------------------------------------------------------------------------------
# Names: exactly one Swedish and one English
# ---------------------------------------------------------------------------------------------

LABEL_CASES = [
    pytest.param([("Exempel", "sv"), ("Example", "en")], set(), id="sv-and-en"),
    pytest.param([("Exempel", "sv-SE"), ("Example", "en-GB")], set(), id="regional-tags-count"),
    pytest.param([("Example", "en")], {"SwedishLabelShape"}, id="no-sv"),
    pytest.param([("Exempel", "sv")], {"EnglishLabelShape"}, id="no-en"),
    pytest.param([], {"SwedishLabelShape", "EnglishLabelShape"}, id="no-name"),
    pytest.param(
        [("Exempel", "sv"), ("Example", "en"), ("Sample", "en-GB")], {"EnglishLabelShape"}, id="two-en"
    ),
    pytest.param(
        [("Exempel", "sv"), ("Exemplet", "sv-SE"), ("Example", "en")], {"SwedishLabelShape"}, id="two-sv"
    ),
    pytest.param(
        [("Exempel", "sv"), ("Example", "en"), ("Sample", "en")],
        {"EnglishLabelShape", "LabelShape"},
        id="two-en-same-tag",
    ),
]


@pytest.mark.parametrize(("labels", "expected"), LABEL_CASES)
def test_names_exactly_one_swedish_and_one_english(
    labels: list[tuple[str, str]], expected: set[str], shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """A missing or second Swedish or English name is reported by the Swedish or English name shape."""
    ex = Namespace("https://example.org/id/")
    data = project_with_dates(Literal("2018", datatype=XSD.gYear), Literal("2018", datatype=XSD.gYear))
    data.remove((ex.project, RDFS.label, None))
    for text, lang in labels:
        data.add((ex.project, RDFS.label, Literal(text, lang=lang)))
    _, _, results = validate(data, shapes_graph, ontology_graph)
    assert {local_name(r["shape"]) for r in results} == expected, describe(results)


# ---------------------------------------------------------------------------------------------
# Links to Wikidata
# ---------------------------------------------------------------------------------------------

WIKIDATA_CASES = [
    pytest.param(URIRef("http://www.wikidata.org/entity/Q34"), True, id="Q34"),
    pytest.param(URIRef("http://www.wikidata.org/entity/Q1972721"), True, id="Q1972721"),
    pytest.param(URIRef("https://www.wikidata.org/entity/Q34"), False, id="https"),
    pytest.param(URIRef("http://wikidata.org/entity/Q34"), False, id="no-www"),
    pytest.param(URIRef("http://www.wikidata.org/wiki/Q34"), False, id="wiki-page"),
    pytest.param(URIRef("http://www.wikidata.org/entity/Q0"), False, id="Q0"),
    pytest.param(URIRef("http://www.wikidata.org/entity/Q034"), False, id="leading-zero"),
    pytest.param(URIRef("http://www.wikidata.org/entity/Q34/"), False, id="trailing-slash"),
    pytest.param(URIRef("http://www.wikidata.org/entity/q34"), False, id="lower-case-q"),
    pytest.param(URIRef("http://www.wikidata.org/entity/P31"), False, id="property-not-item"),
    pytest.param(Literal("http://www.wikidata.org/entity/Q34"), False, id="literal"),
]


@pytest.mark.parametrize(("target", "ok"), WIKIDATA_CASES)
def test_wikidata_links(
    target: URIRef | Literal, ok: bool, shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """An owl:sameAs value must be exactly http://www.wikidata.org/entity/Q<number without leading zero>."""
    data = Graph()
    data.add((URIRef("https://example.org/id/thing"), OWL.sameAs, target))
    _, _, results = validate(data, shapes_graph, ontology_graph)
    assert {local_name(r["shape"]) for r in results} == (set() if ok else {"SameAsShape"}), describe(results)


# ---------------------------------------------------------------------------------------------
# The real data
# ---------------------------------------------------------------------------------------------


def test_kiruna_data_conforms(shapes_graph: Graph, ontology_graph: Graph) -> None:
    """The published data (data/**/*.ttl) conforms to the shapes, without even a warning."""
    files = sorted(DATA_DIR.glob("**/*.ttl"))
    if not files:
        pytest.skip("data/ holds no .ttl files yet")
    data = Graph()
    for f in files:
        data.parse(f, format="turtle")
    conforms, _, results = validate(data, shapes_graph, ontology_graph)
    assert conforms and results == [], f"the data in {DATA_DIR} gives results:\n{describe(results)}"
