"""The DCAT-AP-SE catalogue and VoID of dist/: made from the graph and data/catalog.ttl, checked with
the official DCAT-AP 3.0.1 shapes, DCAT-AP-SE's bundle.json and kgpub's own catalogue shapes."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SH, XSD

from kgpub import Project
from kgpub.catalog import catalog_settings, dataset_identifier
from kgpub.errors import ConfigError, InputError, ValidationFailed
from kgpub.publish import BuildResult
from kgpub.testing import make_project

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SCHEMA = Namespace("http://schema.org/")
KGCAT = Namespace("https://w3id.org/kgpub/shapes/catalog#")

BASE = "https://data.kiruna.se/"
CATALOG = URIRef(BASE + "catalog")
DATASET = URIRef(BASE + "id/dataset/kiruna")
PUBLISHER = URIRef("http://dataportal.se/organisation/SE2120002783")
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
DUMPS = {  # suffix: (EU file type, media type)
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "nt": ("RDF_N_TRIPLES", "application/n-triples"),
    "rdf": ("RDF_XML", "application/rdf+xml"),
    "jsonld": ("JSON_LD", "application/ld+json"),
}
# The EU file types of the data services, and the media type each stands for in DCAT-AP-SE's list.
SERVICE_FORMATS = {"SPARQLQ": "application/sparql-query", "JSON": "application/json"}


@pytest.fixture(scope="module")
def out(kiruna_build: BuildResult) -> Path:
    return kiruna_build.out


@pytest.fixture(scope="module")
def cat(out: Path) -> Graph:
    """The catalogue, as dataportal.se reads it (RDF/XML)."""
    return Graph().parse(out / "catalog.rdf", format="xml")


@pytest.fixture(scope="module")
def void(out: Path) -> Graph:
    return Graph().parse(out / "void.ttl", format="turtle")


def distributions(cat: Graph) -> list[URIRef]:
    return sorted(o for o in cat.objects(DATASET, DCAT.distribution) if isinstance(o, URIRef))


# ---------------------------------------------------------------------------------------------
# The files
# ---------------------------------------------------------------------------------------------


def test_build_writes_catalogue_and_void(kiruna_build: BuildResult) -> None:
    """The build publishes catalog.rdf, catalog.ttl, catalog.jsonld and void.ttl."""
    for name in ("catalog.rdf", "catalog.ttl", "catalog.jsonld", "void.ttl"):
        assert name in kiruna_build.files
        assert (kiruna_build.out / name).stat().st_size > 1000


def test_three_forms_hold_the_same_catalogue(out: Path, cat: Graph) -> None:
    """RDF/XML, Turtle and JSON-LD (its context inline, nothing fetched) are the same graph."""
    doc = json.loads((out / "catalog.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc["@context"], dict)
    assert isomorphic(cat, Graph().parse(out / "catalog.ttl", format="turtle"))
    assert isomorphic(cat, Graph().parse(data=json.dumps(doc), format="json-ld"))


def test_no_blank_nodes_and_absolute_iris(out: Path, cat: Graph) -> None:
    """The RDF/XML has no blank node at all (so none in the five roles), and every IRI is absolute."""
    assert not [t for t in cat if any(isinstance(x, BNode) for x in t)]
    for role in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService):
        assert list(cat.subjects(RDF.type, role))
    assert isinstance(cat.value(DATASET, DCAT.contactPoint), URIRef)
    assert cat.value(CATALOG, DCTERMS.publisher) == PUBLISHER
    iris = {x for t in cat for x in t if isinstance(x, URIRef)}
    assert all(re.match(r"^(https?|mailto):[^\s]+$", str(iri)) for iri in iris), iris
    # pyoxigraph refuses relative IRIs when no base is given: every form parses without one.
    for name, fmt in (("catalog.ttl", ox.RdfFormat.TURTLE), ("catalog.rdf", ox.RdfFormat.RDF_XML)):
        assert len(list(ox.parse(path=str(out / name), format=fmt))) == len(cat)


def test_every_free_text_has_a_language_tag(cat: Graph) -> None:
    """Every literal without a language tag is a code (identifier, version) or typed (dates, sizes)."""
    codes = {DCTERMS.identifier, DCAT.version}
    for s, p, o in cat:
        if isinstance(o, Literal) and not o.language:
            assert o.datatype is not None or p in codes, (s, p, o)


def test_catalogue(cat: Graph) -> None:
    """One catalogue: titles, publisher, CC0, languages, dates of the release, homepage, themes, services."""
    assert list(cat.subjects(RDF.type, DCAT.Catalog)) == [CATALOG]
    assert {o.language for o in cat.objects(CATALOG, DCTERMS.title)} == {"sv", "en"}  # type: ignore[attr-defined]
    assert cat.value(CATALOG, DCTERMS.license) == CC0
    assert cat.value(CATALOG, DCTERMS.modified) == Literal("2026-11-27", datatype=XSD.date)
    assert cat.value(CATALOG, FOAF.homepage) == URIRef(BASE)
    assert cat.value(CATALOG, DCAT.themeTaxonomy) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme"
    )
    assert set(cat.objects(CATALOG, DCAT.service)) == {
        URIRef(BASE + "id/service/sparql"),
        URIRef(BASE + "id/service/queries"),
    }


def test_publisher_and_contact_point(kiruna: Project, cat: Graph) -> None:
    """Kiruna kommun in dataportal.se's pattern, a local authority; the contact point has a mailto: address."""
    settings = catalog_settings(kiruna)
    assert settings.publisher == str(PUBLISHER)
    assert (PUBLISHER, RDF.type, FOAF.Organization) in cat
    assert cat.value(PUBLISHER, DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert cat.value(PUBLISHER, DCTERMS.identifier) == Literal("212000-2783")
    assert Literal("Kiruna kommun", lang="sv") in set(cat.objects(PUBLISHER, FOAF.name))
    for subject in (DATASET, URIRef(BASE + "id/service/sparql"), URIRef(BASE + "id/service/queries")):
        assert cat.value(subject, DCTERMS.publisher) == PUBLISHER
    contact = cat.value(DATASET, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in cat
    assert cat.value(contact, VCARD.hasEmail) == URIRef("mailto:kommun@kiruna.se")
    assert Literal("Kiruna kommun", lang="sv") in set(cat.objects(contact, VCARD.fn))


def test_dataset(kiruna: Project, cat: Graph) -> None:
    """The dataset: texts in sv and en, keywords per language, themes, coverage, version, conformance."""
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in cat.objects(DATASET, prop)} == {"sv", "en"}  # type: ignore[attr-defined]
    keywords = list(cat.objects(DATASET, DCAT.keyword))
    assert {k.language for k in keywords} == {"sv", "en"}  # type: ignore[attr-defined]
    assert set(cat.objects(DATASET, DCAT.theme)) == {
        URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE"),
        URIRef("http://publications.europa.eu/resource/authority/data-theme/REGI"),
    }
    assert cat.value(DATASET, DCTERMS.spatial) == URIRef("https://sws.geonames.org/2700801/")
    assert cat.value(DATASET, DCAT.version) == Literal(kiruna.config.version)
    assert set(cat.objects(DATASET, DCTERMS.conformsTo)) == {
        URIRef("https://w3id.org/kgpub/def"),
        URIRef("https://w3id.org/kgpub/shapes"),
    }
    assert cat.value(DATASET, DCTERMS.accessRights) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
    )


def test_identifier_is_a_uuid_derived_from_the_dataset_iri(cat: Graph) -> None:
    """dcterms:identifier is uuid5(URL namespace, dataset IRI): the same in every build."""
    identifier = str(cat.value(DATASET, DCTERMS.identifier))
    assert identifier == str(uuid.uuid5(uuid.NAMESPACE_URL, str(DATASET))) == dataset_identifier(str(DATASET))
    assert uuid.UUID(identifier).version == 5


def test_temporal_coverage_spans_the_projects_periods(kiruna: Project, cat: Graph) -> None:
    """The period runs from the earliest project start to the latest project date (2012–2020)."""
    data = kiruna.data.graph
    projects = set(data.subjects(RDF.type, URIRef("https://w3id.org/kgpub/def#Project")))
    dates = [
        str(o)
        for p in projects
        for o in (*data.objects(p, SCHEMA.startDate), *data.objects(p, SCHEMA.endDate))
    ]
    period = cat.value(DATASET, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in cat
    assert (
        cat.value(period, DCAT.startDate)
        == Literal(min(dates), datatype=XSD.gYear)
        == Literal("2012", datatype=XSD.gYear)
    )
    assert cat.value(period, DCAT.endDate) == Literal(max(dates), datatype=XSD.gYear)


def test_one_distribution_per_dump_with_size_and_checksum_of_the_file(out: Path, cat: Graph) -> None:
    """Each dump: access and download URL, EU file type, IANA media type, byte size and SHA-1 of the file."""
    dists = distributions(cat)
    assert len(dists) == len(DUMPS)
    for dist in dists:
        suffix = str(dist).rsplit("/", 1)[-1]
        file_type, media = DUMPS[suffix]
        payload = (out / f"kiruna.{suffix}").read_bytes()
        url = URIRef(f"{BASE}dumps/kiruna.{suffix}")
        assert cat.value(dist, DCAT.accessURL) == url == cat.value(dist, DCAT.downloadURL)
        assert cat.value(dist, DCTERMS.format) == URIRef(FILE_TYPE + file_type)
        assert cat.value(dist, DCAT.mediaType) == URIRef(IANA + media)
        assert cat.value(dist, DCAT.byteSize) == Literal(str(len(payload)), datatype=XSD.nonNegativeInteger)
        checksum = cat.value(dist, SPDX.checksum)
        assert cat.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha1
        assert str(cat.value(checksum, SPDX.checksumValue)) == hashlib.sha1(payload).hexdigest()
        assert cat.value(dist, DCTERMS.license) == CC0


def test_data_services(cat: Graph) -> None:
    """The SPARQL endpoint and the query API: endpoint URL and description, served dataset, format."""
    sparql, api = URIRef(BASE + "id/service/sparql"), URIRef(BASE + "id/service/queries")
    assert cat.value(sparql, DCAT.endpointURL) == URIRef(BASE + "sparql")
    assert cat.value(sparql, DCAT.endpointDescription) == URIRef(BASE + "sparql")
    assert cat.value(api, DCAT.endpointURL) == URIRef(BASE + "api/queries")
    assert cat.value(api, DCAT.endpointDescription) == URIRef(BASE + "api/openapi.json")
    for service in (sparql, api):
        assert cat.value(service, DCAT.servesDataset) == DATASET
        assert str(cat.value(service, DCTERMS.format)).removeprefix(FILE_TYPE) in SERVICE_FORMATS


def test_catalogue_description_is_not_part_of_the_graph(kiruna: Project, out: Path) -> None:
    """data/catalog.ttl is left out of the data graph and out of the dumps."""
    assert kiruna.catalog_path.exists()
    assert kiruna.catalog_path not in [f.path for f in kiruna.data.files]
    assert (None, RDF.type, DCAT.Catalog) not in kiruna.data.graph
    dump = (out / "kiruna.nt").read_text(encoding="utf-8")
    assert "dcat#" not in dump and "dataportal.se" not in dump


def _copy_kiruna(repo: Path, target: Path) -> Path:
    for name in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(repo / name, target / name)
    shutil.copy(repo / "kgpub.toml", target / "kgpub.toml")
    return target


def test_modified_and_version_follow_the_release(repo: Path, tmp_path: Path, cat: Graph) -> None:
    """A new release changes modified and version, not issued or the identifier."""
    project = _copy_kiruna(repo, tmp_path / "kiruna")
    toml = project / "kgpub.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('version = "0.1.0"', 'version = "0.2.0"').replace(
        "release = 2026-11-27", "release = 2027-03-01"
    )
    toml.write_text(text, encoding="utf-8")
    Project(project).build()
    new = Graph().parse(project / "dist" / "catalog.ttl", format="turtle")
    for subject in (CATALOG, DATASET):
        assert new.value(subject, DCTERMS.modified) == Literal("2027-03-01", datatype=XSD.date)
        assert new.value(subject, DCTERMS.issued) == cat.value(subject, DCTERMS.issued)
    assert new.value(DATASET, DCAT.version) == Literal("0.2.0")
    assert new.value(DATASET, DCTERMS.identifier) == cat.value(DATASET, DCTERMS.identifier)


# ---------------------------------------------------------------------------------------------
# Configuration and the catalogue description
# ---------------------------------------------------------------------------------------------

CATALOG_TABLE = '\n[catalog]\npublisher = "https://example.se/org/1"\ncontact_email = "info@example.se"\n'
MINIMAL_DESCRIPTION = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://data.example.se/catalog> a dcat:Catalog ;
    dcterms:title "Exempels katalog"@sv ; dcterms:description "Exempels öppna data."@sv .
<https://data.example.se/id/dataset/exempel> a dcat:Dataset ;
    dcterms:title "Exempel"@sv ; dcterms:description "Exempels projekt."@sv ;
    dcat:contactPoint <https://data.example.se/catalog#contact> .
<https://data.example.se/catalog#contact> a <http://www.w3.org/2006/vcard/ns#Organization> ;
    <http://www.w3.org/2006/vcard/ns#fn> "Exempels kommun"@sv .
<https://example.se/org/1> a foaf:Organization , foaf:Agent ; foaf:name "Exempels kommun"@sv ;
    dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> .
"""


def catalog_project(
    tmp_path: Path, table: str = CATALOG_TABLE, description: str = MINIMAL_DESCRIPTION
) -> Path:
    from kgpub.testing import CONFIG

    project = make_project(tmp_path / "p", config=CONFIG + table)
    (project / "data" / "catalog.ttl").write_text(description, encoding="utf-8")
    return project


def test_a_minimal_project_gets_a_catalogue(tmp_path: Path) -> None:
    """Another municipality's project with a short description gets a catalogue that passes kgpub's shapes."""
    result = Project(catalog_project(tmp_path)).build()
    assert {"catalog.rdf", "catalog.ttl", "catalog.jsonld", "void.ttl"} <= set(result.files)


def test_no_catalogue_without_a_description(tmp_path: Path) -> None:
    """A project without data/catalog.ttl publishes neither catalogue nor VoID."""
    result = Project(make_project(tmp_path / "p")).build()
    assert not [f for f in result.files if f.startswith(("catalog.", "void."))]


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        (
            '\n[catalog]\npublisher = "https://example.se/org/1"\ncontact_email = "a@b.se"\npublischer = "x"\n',
            "unknown key 'publischer' in [catalog]",
        ),
        ('\n[catalog]\ncontact_email = "info@example.se"\n', "[catalog] needs 'publisher'"),
        ('\n[catalog]\npublisher = "https://example.se/org/1"\n', "[catalog] needs 'contact_email'"),
        (
            '\n[catalog]\npublisher = "example.se/org/1"\ncontact_email = "a@b.se"\n',
            "'publisher' in [catalog] must be an http(s) IRI",
        ),
        (
            '\n[catalog]\npublisher = "https://example.se/org/1"\ncontact_email = "kommunen"\n',
            "must be an e-mail address",
        ),
        (
            '\n[catalog]\npublisher = "https://example.se/org/1"\ncontact_email = 7\n',
            "'contact_email' in [catalog] must be text",
        ),
        (
            '\n[catalog]\npublisher = "https://example.se/org/1"\ncontact_email = "a@b.se"\npublic_url = "https://x.se"\n',
            "ending in '/'",
        ),
    ],
)
def test_catalog_table_is_checked_strictly(tmp_path: Path, table: str, needle: str) -> None:
    """Unknown, missing or malformed [catalog] keys are a ConfigError naming the key (and its line)."""
    project = catalog_project(tmp_path, table)
    with pytest.raises(ConfigError) as info:
        catalog_settings(Project(project))
    assert needle in str(info.value)
    assert info.value.path is not None and info.value.path.name == "kgpub.toml"
    if "unknown" in needle:
        assert info.value.line == len((project / "kgpub.toml").read_text().splitlines())


def test_a_bad_catalog_table_stops_the_build(tmp_path: Path) -> None:
    """The build fails on an unknown [catalog] key and publishes nothing."""
    project = catalog_project(tmp_path, CATALOG_TABLE + 'email = "x@y.se"\n')
    with pytest.raises(ConfigError, match="unknown key 'email' in \\[catalog\\]"):
        Project(project).build()
    assert not (project / "dist").exists()


def test_description_must_describe_the_configured_publisher(tmp_path: Path) -> None:
    """A publisher IRI in kgpub.toml that data/catalog.ttl does not describe is an InputError."""
    project = catalog_project(tmp_path, CATALOG_TABLE.replace("org/1", "org/2"))
    with pytest.raises(
        InputError, match=re.escape("does not describe the publisher <https://example.se/org/2>")
    ):
        Project(project).build()


def test_dataset_iri_must_be_the_one_the_service_description_names(tmp_path: Path) -> None:
    """The dataset of data/catalog.ttl must be {base}id/dataset/{name}."""
    project = catalog_project(
        tmp_path, description=MINIMAL_DESCRIPTION.replace("dataset/exempel", "dataset/x")
    )
    with pytest.raises(InputError, match=r"must be <https://data\.example\.se/id/dataset/exempel>"):
        Project(project).build()


def test_catalog_table_without_description_is_an_error(tmp_path: Path) -> None:
    """[catalog] without data/catalog.ttl says what is missing."""
    from kgpub.testing import CONFIG

    project = make_project(tmp_path / "p", config=CONFIG + CATALOG_TABLE)
    with pytest.raises(InputError, match="no catalogue description"):
        Project(project).build()


def test_build_refuses_a_catalogue_that_breaks_kgpubs_shapes(tmp_path: Path) -> None:
    """A theme DCAT-AP-SE does not list stops the build (exit 1), and nothing is published."""
    bad = MINIMAL_DESCRIPTION.replace(
        'dcterms:description "Exempels projekt."@sv ;',
        'dcterms:description "Exempels projekt."@sv ; dcat:theme <https://example.se/tema/kultur> ;',
    )
    project = catalog_project(tmp_path, description=bad)
    with pytest.raises(ValidationFailed) as info:
        Project(project).build()
    assert info.value.exit_code == 1
    assert any(f.shape == str(KGCAT.ThemeShape) for f in info.value.report.violations)
    assert not (project / "dist").exists()


# ---------------------------------------------------------------------------------------------
# The official DCAT-AP 3.0.1 shapes (SEMICeu/DCAT-AP, legacy-split: the files that work in pyshacl)
# ---------------------------------------------------------------------------------------------

OFFICIAL_SHAPES = (
    "shapes.ttl",  # mandatory: existence, cardinality, literal ranges
    "shapes_recommended.ttl",  # recommended properties (warnings)
    "range.ttl",  # class ranges of object values
    "mdr-vocabularies.shape.ttl",  # controlled vocabularies (EU authority tables, IANA, GeoNames)
    "deprecateduris.ttl",  # DCAT-AP 2 terms removed in 3.0
)  # not imports.ttl / mdr_imports.ttl: owl:imports of remote files, never followed
EU_VOCABULARIES = (
    "data-theme-skos.rdf",
    "access-right-skos.rdf",
    "distribution-status-skos.rdf",
    "file-type.rdf",
    "frequency.rdf",
)
# The one defect of the official shapes the catalogue meets (mdr-vocabularies.shape.ttl,
# :ChecksumAlgorithmRestriction): the pattern "^https://spdx.org/rdf/terms" rejects the SPDX
# namespace, which is http://spdx.org/rdf/terms# in SPDX 2.x, in DCAT-AP's own prefix table and in
# DCAT-AP-SE's only allowed value (spdx:checksumAlgorithm_sha1). The catalogue keeps the real IRI;
# the conformance test corrects the pattern to "^https?://spdx.org/rdf/terms" in memory.
DEFECTIVE_PATTERN = "^https://spdx.org/rdf/terms"
CORRECTED_PATTERN = "^https?://spdx.org/rdf/terms"

# The warnings that remain, each explained (path, constraint component) -> why.
EXPLAINED_WARNINGS = {
    (str(DCTERMS.publisher), "NodeConstraintComponent"): (
        "The publisher is not in the EU corporate-bodies table (EU institutions and bodies): "
        "DCAT-AP-SE names Swedish publishers with dataportal.se's IRIs, as here."
    ),
    (str(DCAT.bbox), "MinCountConstraintComponent"): (
        "No bounding box: the project holds no geometry of the municipality; the GeoNames IRI "
        "identifies the area, and made-up coordinates would be worse than none."
    ),
    (str(DCAT.centroid), "MinCountConstraintComponent"): "No centroid, for the same reason.",
    (str(DCATAP.availability), "MinCountConstraintComponent"): (
        "No planned availability: it promises how long the files stay at their addresses, and "
        "Kiruna kommun has made no such promise (the base IRI is still to be confirmed)."
    ),
}


@pytest.fixture(scope="module")
def official_shapes(shared: Callable[[str], Path]) -> Graph:
    shapes = Graph()
    for name in OFFICIAL_SHAPES:
        shapes.parse(shared(f"standards/dcat-ap/3.0.1/legacy-split/{name}"), format="turtle")
    return shapes


@pytest.fixture(scope="module")
def vocabularies(shared: Callable[[str], Path]) -> Graph:
    g = Graph()
    for name in EU_VOCABULARIES:
        g.parse(shared(f"standards/eu-vocabularies/{name}"), format="xml")
    return g


def with_vocabularies(cat: Graph, vocabularies: Graph) -> Graph:
    """The catalogue plus what the EU tables say about every term it uses.

    Only the entries of the terms used: the tables' own scheme nodes break DCAT-AP's rule that a
    concept scheme has a dcterms:title (access-right and distribution-status have none), which is a
    finding about the tables, not about this catalogue.
    """
    data = Graph()
    for t in cat:
        data.add(t)
    used = {x for t in cat for x in t if isinstance(x, URIRef)}
    for term in used:
        for p, o in vocabularies.predicate_objects(term):
            data.add((term, p, o))
    return data


def official_results(data: Graph, shapes: Graph) -> list[dict[str, Any]]:
    """The top-level results (not the nested sh:detail ones) of the official shapes."""
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_warnings=True,
        do_owl_imports=False,
        meta_shacl=False,
    )
    return [
        {
            "severity": str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            "focus": report.value(r, SH.focusNode),
            "path": str(report.value(r, SH.resultPath)),
            "component": str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            "value": report.value(r, SH.value),
        }
        for r in report.objects(None, SH.result)
    ]


def test_official_dcat_ap_shapes_report_no_violations(
    cat: Graph, official_shapes: Graph, vocabularies: Graph
) -> None:
    """The DCAT-AP 3.0.1 mandatory, recommended, range and vocabulary shapes: no violation; the
    warnings are exactly the explained ones."""
    shapes = Graph()
    for s, p, o in official_shapes:
        if p == SH.pattern and str(o) == DEFECTIVE_PATTERN:
            o = Literal(CORRECTED_PATTERN)
        shapes.add((s, p, o))
    results = official_results(with_vocabularies(cat, vocabularies), shapes)
    assert [r for r in results if r["severity"] == "Violation"] == []
    warnings = {(r["path"], r["component"]) for r in results if r["severity"] == "Warning"}
    assert warnings == set(EXPLAINED_WARNINGS), warnings
    assert {r["severity"] for r in results} <= {"Warning"}
    publisher_warnings = [r for r in results if r["path"] == str(DCTERMS.publisher)]
    assert {r["focus"] for r in publisher_warnings} == set(cat.subjects(DCTERMS.publisher, PUBLISHER))


def test_official_shapes_unchanged_differ_only_by_the_checksum_pattern_defect(
    cat: Graph, official_shapes: Graph, vocabularies: Graph
) -> None:
    """Run exactly as published, the only violations are the SPDX algorithm pattern's, one per checksum."""
    results = official_results(with_vocabularies(cat, vocabularies), official_shapes)
    violations = [r for r in results if r["severity"] == "Violation"]
    assert {(r["path"], r["component"], r["value"]) for r in violations} == {
        (str(SPDX.algorithm), "NodeConstraintComponent", SPDX.checksumAlgorithm_sha1)
    }
    assert len(violations) == len(distributions(cat))


def test_codes_are_in_the_eu_tables(cat: Graph, vocabularies: Graph) -> None:
    """Themes, file types, access rights and frequency are concepts of the EU authority tables."""
    skos_in_scheme = URIRef("http://www.w3.org/2004/02/skos/core#inScheme")
    authority = "http://publications.europa.eu/resource/authority/"
    for prop, table in (
        (DCAT.theme, "data-theme"),
        (DCTERMS.format, "file-type"),
        (DCTERMS.accessRights, "access-right"),
        (DCTERMS.accrualPeriodicity, "frequency"),
    ):
        values = set(cat.objects(None, prop))
        assert values
        for value in values:
            assert (value, skos_in_scheme, URIRef(authority + table)) in vocabularies, value


# ---------------------------------------------------------------------------------------------
# DCAT-AP-SE 3.0.1: bundle.json (RDForms templates), mandatory properties and allowed values
# ---------------------------------------------------------------------------------------------

BUNDLE_PREFIXES = {
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "rdf": str(RDF),
    "owl": str(OWL),
    "schema": "http://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "odrs": "http://schema.theodi.org/odrs#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "locn": "http://www.w3.org/ns/locn#",
}


@pytest.fixture(scope="module")
def bundle(shared: Callable[[str], Path]) -> dict[str, dict[str, Any]]:
    data = json.loads(shared("standards/dcat-ap-se/3.0.1/bundle.json").read_text(encoding="utf-8"))
    return {t["id"]: t for t in data["templates"] if "id" in t}


def expand(name: str) -> URIRef:
    if name.startswith("http"):
        return URIRef(name)
    prefix, _, local = name.partition(":")
    assert prefix in BUNDLE_PREFIXES, f"the bundle uses an unknown prefix {prefix}:"
    return URIRef(BUNDLE_PREFIXES[prefix] + local)


def resolve(item: str | dict[str, Any], bundle: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A template item, its id looked up and ``extends`` applied (the item's own keys win)."""
    template = bundle[item] if isinstance(item, str) else item
    if "extends" in template:
        base = resolve(template["extends"], bundle)
        template = {**base, **{k: v for k, v in template.items() if k != "extends"}}
    return template


def missing_mandatory(
    g: Graph, node: Any, group: dict[str, Any], bundle: dict[str, dict[str, Any]]
) -> list[str]:
    """The mandatory (cardinality min >= 1) properties of ``group`` that ``node`` lacks, recursively."""
    missing = []
    for item in group.get("items", []):
        template = resolve(item, bundle)
        if "deps" in template:  # conditional (e.g. HVD category only for high-value datasets)
            continue
        minimum = (template.get("cardinality") or {}).get("min", 0)
        if "property" not in template:  # a group of alternatives, such as the format group
            props = {expand(resolve(i, bundle)["property"]) for i in template["items"]}
            if minimum >= 1 and not any(g.value(node, p) is not None for p in props):
                missing.append(f"{node} {template['id']}")
            continue
        prop = expand(template["property"])
        values = list(g.objects(node, prop))
        if template.get("type") == "choice" and prop == RDF.type:
            values = [v for v in values if str(v) in {c["value"] for c in template["choices"]}]
        if minimum >= 1 and not values:
            missing.append(f"{node} {template['property']}")
        if template.get("type") == "group":
            for value in values:
                missing += missing_mandatory(g, value, template, bundle)
    return missing


def test_bundle_mandatory_properties_are_present(cat: Graph, bundle: dict[str, dict[str, Any]]) -> None:
    """Every property bundle.json marks mandatory is there, for every class and nested group."""
    checked = 0
    for group_id, nodes in (
        ("dcat:Catalog", cat.subjects(RDF.type, DCAT.Catalog)),
        ("dcat:Dataset", cat.subjects(RDF.type, DCAT.Dataset)),
        ("dcat:Distribution", cat.subjects(RDF.type, DCAT.Distribution)),
        ("dcat:DataService", cat.subjects(RDF.type, DCAT.DataService)),
        ("dcat:foaf:Agent", cat.objects(None, DCTERMS.publisher)),
        ("dcat:contactPoint", cat.objects(None, DCAT.contactPoint)),
    ):
        for node in set(nodes):
            assert missing_mandatory(cat, node, bundle[group_id], bundle) == []
            checked += 1
    assert checked == 1 + 1 + 4 + 2 + 1 + 1


def choices(bundle: dict[str, dict[str, Any]], template_id: str) -> set[str]:
    return {c["value"] for c in bundle[template_id]["choices"]}


def test_bundle_allows_every_coded_value(cat: Graph, bundle: dict[str, dict[str, Any]]) -> None:
    """Themes, licences, formats, publisher type, languages, access rights and frequency are ones
    bundle.json lists (formats: the media type of each distribution and data service)."""
    assert {str(o) for o in cat.objects(None, DCAT.theme)} <= choices(bundle, "dcat:theme")
    licences = {str(o) for o in cat.objects(None, DCTERMS.license)}
    assert licences <= choices(bundle, "dcat:dcterms:cc-license-choices")
    assert str(cat.value(CATALOG, DCTERMS.license)) == bundle["dcat:dcterms:license_ca"]["value"]
    assert {str(o) for o in cat.objects(None, DCTERMS.language)} <= choices(bundle, "dcat:dcterms:language")
    assert {str(cat.value(PUBLISHER, DCTERMS.type))} <= choices(bundle, "adms:publishertype")
    assert {str(o) for o in cat.objects(None, DCTERMS.accessRights)} <= choices(
        bundle, "dcat:dcterms:accessRights"
    )
    assert {str(o) for o in cat.objects(None, DCTERMS.accrualPeriodicity)} <= choices(
        bundle, "dcat:dcterms:accrualPeriodicity_da"
    )
    listed = choices(bundle, "dcat:format-group_common_choices") | choices(
        bundle, "geodcat:dcterms:format-INSPIRE"
    )
    generic = re.compile(bundle["dcat:format_generic"]["pattern"])
    media_types = [str(o).removeprefix(IANA) for o in cat.objects(None, DCAT.mediaType)]
    media_types += [
        SERVICE_FORMATS[str(cat.value(s, DCTERMS.format)).removeprefix(FILE_TYPE)]
        for s in cat.subjects(RDF.type, DCAT.DataService)
    ]
    assert len(media_types) == 6
    for media in media_types:
        assert media in listed or generic.match(media), media
    assert {str(o) for o in cat.objects(None, SPDX.algorithm)} == {
        c["value"] for c in bundle["dcat:spdx:checksum_di"]["items"][1]["choices"]
    }


# ---------------------------------------------------------------------------------------------
# kgpub's own catalogue shapes (shapes/catalog/): the DCAT-AP-SE rules without official shapes
# ---------------------------------------------------------------------------------------------

P = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#> PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""
DS = f"<{DATASET}>"
TTL = f"<{DATASET}/distribution/ttl>"
# One violating case per shape: a change to the Kiruna catalogue (which is the conforming case).
VIOLATIONS: dict[str, str] = {
    "NamedResourceShape": f"INSERT DATA {{ {DS} dcat:distribution [ a dcat:Distribution ] }}",
    "TextLanguageShape": f'INSERT DATA {{ {DS} dcat:keyword "untagged" }}',
    "SwedishTitleShape": f"DELETE {{ {DS} dcterms:title ?t }} WHERE {{ {DS} dcterms:title ?t FILTER(lang(?t) = 'sv') }}",
    "SwedishDescriptionShape": f"DELETE {{ <{CATALOG}> dcterms:description ?t }} WHERE {{ <{CATALOG}> dcterms:description ?t FILTER(lang(?t) = 'sv') }}",
    "CatalogueLicenceShape": f"DELETE WHERE {{ <{CATALOG}> dcterms:license ?l }}; INSERT DATA {{ <{CATALOG}> dcterms:license <http://creativecommons.org/licenses/by/4.0/> }}",
    "CatalogueDatasetShape": f"DELETE WHERE {{ <{CATALOG}> dcat:dataset ?d }}",
    "DatasetPublisherShape": f"DELETE WHERE {{ {DS} dcterms:publisher ?p }}",
    "DatasetContactShape": f"DELETE WHERE {{ {DS} dcat:contactPoint ?c }}",
    "DatasetIdentifierShape": f'DELETE WHERE {{ {DS} dcterms:identifier ?i }}; INSERT DATA {{ {DS} dcterms:identifier "kiruna-1" }}',
    "PublisherTypeShape": f"DELETE WHERE {{ <{PUBLISHER}> dcterms:type ?t }}; INSERT DATA {{ <{PUBLISHER}> dcterms:type <http://purl.org/adms/publishertype/Municipality> }}",
    "ContactKindShape": "DELETE WHERE { ?c a vcard:Organization }",
    "ContactNameShape": "DELETE WHERE { ?c vcard:fn ?n }",
    "ContactEmailShape": "DELETE WHERE { ?c vcard:hasEmail ?e }; INSERT { ?c vcard:hasEmail <https://kiruna.se/kontakt> } WHERE { ?d dcat:contactPoint ?c }",
    "ThemeShape": f"INSERT DATA {{ {DS} dcat:theme <http://publications.europa.eu/resource/authority/data-theme/OP_DATPRO> }}",
    "LanguageShape": f"INSERT DATA {{ {DS} dcterms:language <http://publications.europa.eu/resource/authority/language/FIT> }}",
    "DateShape": f'DELETE WHERE {{ {DS} dcterms:modified ?m }}; INSERT DATA {{ {DS} dcterms:modified "2026-11"^^xsd:gYearMonth }}',
    "FormatShape": f"DELETE WHERE {{ {TTL} dcterms:format ?f }}",
    "MediaTypeShape": f'DELETE WHERE {{ {TTL} dcat:mediaType ?m }}; INSERT DATA {{ {TTL} dcat:mediaType "text/turtle" }}',
    "AccessURLShape": f"DELETE WHERE {{ {TTL} dcat:accessURL ?u }}",
    "DownloadURLShape": f"DELETE WHERE {{ {TTL} dcat:downloadURL ?u }}; INSERT DATA {{ {TTL} dcat:downloadURL <file:///tmp/kiruna.ttl> }}",
    "ChecksumAlgorithmShape": "DELETE WHERE { ?c spdx:algorithm ?a }; INSERT { ?c spdx:algorithm spdx:checksumAlgorithm_md5 } WHERE { ?d spdx:checksum ?c }",
    "ChecksumValueShape": "DELETE { ?c spdx:checksumValue ?v } INSERT { ?c spdx:checksumValue ?u } WHERE { ?c spdx:checksumValue ?v BIND(UCASE(STR(?v)) AS ?u) }",
}


@pytest.fixture(scope="module")
def own_shapes(repo: Path) -> Graph:
    return Graph().parse(repo / "shapes" / "catalog" / "dcat-ap-se.ttl", format="turtle")


def own_results(data: Graph, shapes: Graph) -> list[tuple[str, str]]:
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return [
        (str(report.value(r, SH.sourceShape)), str(report.value(r, SH.resultSeverity)))
        for r in report.objects(None, SH.result)
    ]


def node_shape_of(shapes: Graph, shape: str) -> URIRef:
    """The node shape a result's source shape belongs to (itself, or the one holding the property shape)."""
    node = URIRef(shape) if not shape.startswith("n") else BNode(shape)
    holder = shapes.value(None, SH.property, node)
    return holder if isinstance(holder, URIRef) else URIRef(shape)


def test_every_own_shape_has_a_violating_case(own_shapes: Graph) -> None:
    """Each node shape of shapes/catalog/ has a case below; nothing is untested."""
    declared = {
        str(s).removeprefix(str(KGCAT))
        for s in own_shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef)
    }
    assert declared == set(VIOLATIONS)


def test_kiruna_catalogue_conforms_to_own_shapes_and_every_shape_applies(
    cat: Graph, own_shapes: Graph
) -> None:
    """The conforming case of every shape: the Kiruna catalogue gives no result, and each shape has focus nodes."""
    assert own_results(cat, own_shapes) == []
    for shape in own_shapes.subjects(RDF.type, SH.NodeShape):
        focus: set[Any] = set()
        for cls in own_shapes.objects(shape, SH.targetClass):
            focus |= set(cat.subjects(RDF.type, cls))
        for prop in own_shapes.objects(shape, SH.targetSubjectsOf):
            focus |= set(cat.subjects(prop, None))
        for prop in own_shapes.objects(shape, SH.targetObjectsOf):
            focus |= set(cat.objects(None, prop))
        assert focus, f"{shape} has no focus node in the Kiruna catalogue"


@pytest.mark.parametrize("shape", sorted(VIOLATIONS))
def test_own_shape_reports_its_violating_case(cat: Graph, own_shapes: Graph, shape: str) -> None:
    """The shape reports a violation when the catalogue is changed to break its rule."""
    broken = Graph()
    for t in cat:
        broken.add(t)
    broken.update(P + VIOLATIONS[shape])
    results = own_results(broken, own_shapes)
    reported = {str(node_shape_of(own_shapes, s)) for s, _severity in results}
    assert str(KGCAT[shape]) in reported, results
    assert {severity for _s, severity in results} == {str(SH.Violation)}


# ---------------------------------------------------------------------------------------------
# VoID
# ---------------------------------------------------------------------------------------------


def test_void_counts_agree_with_the_dump(out: Path, void: Graph) -> None:
    """void:triples, entities, class and property partitions count what the N-Triples dump holds."""
    dump = Graph().parse(out / "kiruna.nt", format="nt")
    assert void.value(DATASET, VOID.triples) == Literal(len(dump))
    entities = {s for s in dump.subjects() if str(s).startswith(BASE + "id/")}
    assert void.value(DATASET, VOID.entities) == Literal(len(entities))
    assert void.value(DATASET, VOID.uriSpace) == Literal(BASE + "id/")
    classes = {}
    for part in void.objects(DATASET, VOID.classPartition):
        cls = void.value(part, VOID["class"])
        classes[cls] = int(str(void.value(part, VOID.entities)))
    assert classes == {c: len(set(dump.subjects(RDF.type, c))) for c in set(dump.objects(None, RDF.type))}
    properties = {}
    for part in void.objects(DATASET, VOID.propertyPartition):
        properties[void.value(part, VOID.property)] = int(str(void.value(part, VOID.triples)))
    assert properties == {p: len(list(dump.triples((None, p, None)))) for p in set(dump.predicates())}
    assert sum(properties.values()) == len(dump)


def test_void_access_and_vocabularies(void: Graph) -> None:
    """The endpoint, the four dumps, the URI space and the vocabularies the graph uses."""
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert set(void.objects(DATASET, VOID.dataDump)) == {URIRef(f"{BASE}dumps/kiruna.{s}") for s in DUMPS}
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {"http://schema.org/", "https://w3id.org/kgpub/def#", "http://www.w3.org/ns/org#"} <= vocabularies
    assert not [v for v in vocabularies if v.startswith(BASE)]


def test_void_linksets_to_wikidata(out: Path, void: Graph) -> None:
    """One linkset per link predicate to Wikidata, with the number of links the dump holds."""
    dump = Graph().parse(out / "kiruna.nt", format="nt")
    expected: dict[Any, int] = {}
    for _s, p, o in dump:
        if str(o).startswith("http://www.wikidata.org/entity/"):
            expected[p] = expected.get(p, 0) + 1
    assert expected.get(OWL.sameAs, 0) >= 10
    found: dict[Any, int] = {}
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        assert void.value(linkset, VOID.subjectsTarget) == DATASET
        wikidata = void.value(linkset, VOID.objectsTarget)
        assert void.value(wikidata, VOID.uriSpace) == Literal("http://www.wikidata.org/entity/")
        assert (DATASET, VOID.subset, linkset) in void
        found[void.value(linkset, VOID.linkPredicate)] = int(str(void.value(linkset, VOID.triples)))
    assert found == expected
