"""Stage 5, describe: the DCAT-AP-SE catalogue and the VoID description of the publication.

Open-data portals find a graph through its catalogue: dataportal.se harvests one address per
organisation (RDF/XML), data.europa.eu harvests dataportal.se, CKAN sites harvest JSON-LD, Turtle
or RDF/XML. The catalogue is made by ``kgpub build`` from three sources, each holding only its kind
of fact:

- ``data/catalog.ttl`` (RDF; never part of the published graph): what a person decides — titles,
  descriptions, keywords, themes, coverage, the publisher's description, the contact point's name;
- ``[catalog]`` in ``kgpub.toml``: what the tool needs to run — the publisher's IRI (in
  dataportal.se's pattern), the contact e-mail address, the site's public address;
- the build itself: dates and version (``release``, ``version``), a stable identifier, the temporal
  coverage (the projects' periods), one distribution per dump with its size and SHA-1 checksum,
  the SPARQL endpoint and the canned-query API as data services, and the VoID statistics.

Everything is named by an IRI (no blank nodes), every text has a language tag, and the files are
deterministic (sorted statements, no time stamps but the release date). Before anything is written
the catalogue is checked against ``shapes/catalog/`` (the DCAT-AP-SE rules that have no official
shapes); a catalogue that breaks them is never published.

The profiles: DCAT-AP 3.0.1 (https://semiceu.github.io/DCAT-AP/releases/3.0.1/) and DCAT-AP-SE
3.0.1 (https://docs.dataportal.se/dcat/3.0.1/); VoID: https://www.w3.org/TR/void/.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from kgpub.errors import ConfigError, InputError, ValidationFailed
from kgpub.serialise import FORMATS, Canonical, JsonLdWriter
from kgpub.vocab import (
    DCTERMS,
    FOAF,
    ONTOLOGY_IRI,
    OWL,
    RDF,
    RDFS,
    SHAPES_IRI,
    SKOS,
    STANDARD_PREFIXES,
    XSD,
)

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from kgpub.load import Loaded
    from kgpub.project import Project
    from kgpub.validate import Finding

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VOID = Namespace("http://rdfs.org/ns/void#")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA_MEDIA = "http://www.iana.org/assignments/media-types/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

#: DCAT-AP-SE 3.0.1 fixes the catalogue's licence to CC0 (bundle.json, ``dcat:dcterms:license_ca``).
CATALOGUE_LICENCE = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
#: The one checksum algorithm DCAT-AP-SE 3.0.1 lists (bundle.json, ``dcat:spdx:checksum_di``).
CHECKSUM_ALGORITHM = SPDX.checksumAlgorithm_sha1

#: The files this stage writes into the publication.
CATALOG_FILES = ("catalog.rdf", "catalog.ttl", "catalog.jsonld")
VOID_FILE = "void.ttl"

#: Prefixes of the catalogue files, in a fixed order so the files are byte-for-byte stable.
CATALOG_PREFIXES: dict[str, str] = {
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "spdx": str(SPDX),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "void": str(VOID),
    "wd": WIKIDATA_ENTITY,
    "filetype": str(EU_FILE_TYPE),
    "theme": "http://publications.europa.eu/resource/authority/data-theme/",
    "lang": "http://publications.europa.eu/resource/authority/language/",
}

# One distribution per dump: serialise.FORMATS gives the media type and suffix; these add the name
# and the EU file type (http://publications.europa.eu/resource/authority/file-type).
_DUMP_FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("Turtle", "RDF_TURTLE"),
    "ntriples": ("N-Triples", "RDF_N_TRIPLES"),
    "rdfxml": ("RDF/XML", "RDF_XML"),
    "jsonld": ("JSON-LD", "JSON_LD"),
}
# W3C format IRIs for void:feature (https://www.w3.org/ns/formats/).
_W3C_FORMATS = {
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "rdfxml": "RDF_XML",
    "jsonld": "JSON-LD",
}

# Texts the build writes itself (the dataset's title is filled in); sv and en, as the project has.
_DUMP_TEXT = {
    "sv": (
        "{title} ({format})",
        "Hela grafen som en {format}-fil, berikad med det som ontologins anpassningar till schema.org, "
        "W3C ORG, DCTERMS, PROV, FOAF och SKOS medför. Filen ersätts vid varje ny version.",
    ),
    "en": (
        "{title} ({format})",
        "The whole graph as one {format} file, enriched with what the ontology's alignments to "
        "schema.org, W3C ORG, DCTERMS, PROV, FOAF and SKOS imply. The file is replaced by each release.",
    ),
}
_SERVICE_TEXT = {
    "sparql": {
        "sv": (
            "SPARQL-ändpunkt: {title}",
            "Läsbar SPARQL 1.1-ändpunkt (GET och POST) över hela grafen och ontologin. Frågor stoppas "
            "efter en tidsgräns och svaren har ett högsta antal rader; utan fråga ger adressen "
            "tjänstebeskrivningen (SPARQL 1.1 Service Description).",
        ),
        "en": (
            "SPARQL endpoint: {title}",
            "Read-only SPARQL 1.1 endpoint (GET and POST) over the whole graph and the ontology. Queries "
            "are stopped after a time limit and results have a maximum number of rows; without a query "
            "the address gives the service description (SPARQL 1.1 Service Description).",
        ),
    },
    "queries": {
        "sv": (
            "Frågor som API: {title}",
            "Namngivna, dokumenterade SPARQL-frågor med parametrar, som ett JSON-API beskrivet med OpenAPI.",
        ),
        "en": (
            "Query API: {title}",
            "Named, documented SPARQL queries with parameters, as a JSON API described with OpenAPI.",
        ),
    },
}
# (endpoint path, description path, EU file type, standard IRI, standard title)
_SERVICES = {
    "sparql": (
        "sparql",
        "sparql",
        "SPARQLQ",
        "https://www.w3.org/TR/sparql11-protocol/",
        "SPARQL 1.1 Protocol",
    ),
    "queries": (
        "api/queries",
        "api/openapi.json",
        "JSON",
        "https://spec.openapis.org/oas/v3.1.0",
        "OpenAPI Specification 3.1.0",
    ),
}


# -- configuration: the [catalog] table ------------------------------------------------------------

_KEYS = {
    "publisher": "the publisher's IRI, in dataportal.se's pattern, e.g. "
    '"http://dataportal.se/organisation/SE2120002783"',
    "contact_email": 'the contact point\'s e-mail address, e.g. "kommun@kiruna.se"',
    "public_url": 'the address the site is served at, if not the base IRI, e.g. "https://data.kiruna.se/"',
}
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


@dataclass(frozen=True)
class CatalogSettings:
    """The ``[catalog]`` table of kgpub.toml, checked."""

    publisher: str
    contact_email: str
    public_url: str


def _table_line(text: str, table: str, key: str) -> int | None:
    """The line of ``key = …`` inside ``[table]`` of a TOML text."""
    lines = text.splitlines()
    inside = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.split("#", 1)[0].strip() == f"[{table}]"
            continue
        if inside and re.match(rf"^\"?{re.escape(key)}\"?\s*=", stripped):
            return number
    return None


def catalog_settings(project: Project) -> CatalogSettings:
    """The ``[catalog]`` table: unknown keys, wrong types and missing keys are errors."""
    table: dict[str, Any] = project.config.extra.get("catalog", {})
    path = project.config_path
    text = path.read_text(encoding="utf-8") if path.exists() else ""

    def fail(key: str, message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(message, path=path, line=_table_line(text, "catalog", key), hint=hint)

    for key in table:
        if key not in _KEYS:
            raise fail(key, f"unknown key '{key}' in [catalog].", f"Known keys: {', '.join(sorted(_KEYS))}.")
    for key, value in table.items():
        if not isinstance(value, str):
            raise fail(key, f"'{key}' in [catalog] must be text: {_KEYS[key]}.")
    for key in ("publisher", "contact_email"):
        if key not in table:
            raise ConfigError(
                f"[catalog] needs '{key}' ({_KEYS[key]}), because data/catalog.ttl describes a catalogue.",
                path=path,
                hint="Add it to the [catalog] table.",
            )
    publisher = table["publisher"]
    if not _IRI.match(publisher):
        raise fail("publisher", f"'publisher' in [catalog] must be an http(s) IRI, not {publisher!r}.")
    email = table["contact_email"].removeprefix("mailto:")
    if not _EMAIL.match(email):
        raise fail("contact_email", f"'contact_email' in [catalog] must be an e-mail address, not {email!r}.")
    public_url = table.get("public_url", project.config.base)
    if not _IRI.match(public_url) or not public_url.endswith("/"):
        raise fail("public_url", "'public_url' in [catalog] must be an http(s) address ending in '/'.")
    return CatalogSettings(publisher=publisher, contact_email=email, public_url=public_url)


# -- names -------------------------------------------------------------------------------------------


def dataset_iri(project: Project) -> str:
    """The dataset's IRI: ``{base}id/dataset/{name}`` (also named by the SPARQL service description)."""
    return f"{project.config.id_base}dataset/{project.config.name}"


def dataset_identifier(iri: str) -> str:
    """A UUID derived from the dataset's IRI, so it stays the same from build to build."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri))


def _slug(iri: str, prefixes: dict[str, str]) -> str:
    """A readable fragment for an IRI (``schema-Project``), or a short hash when there is none."""
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            local = iri[len(ns) :]
            if re.fullmatch(r"[A-Za-z0-9_.-]+", local):
                return f"{prefix}-{local}"
    return hashlib.sha1(iri.encode("utf-8")).hexdigest()[:12]


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


# -- the description in data/catalog.ttl ------------------------------------------------------------


@dataclass
class Description:
    """``data/catalog.ttl``, parsed, with its catalogue and its dataset found."""

    graph: Graph
    catalog: URIRef
    dataset: URIRef
    source: Loaded  # to locate findings in the file


def read_description(project: Project) -> Description:
    """Parse ``data/catalog.ttl`` and find its one catalogue and its one dataset."""
    from kgpub.load import load_files

    path = project.catalog_path
    loaded = load_files([path])
    graph = loaded.graph

    def one(cls: URIRef, what: str) -> URIRef:
        found = sorted(set(graph.subjects(RDF.type, cls)), key=str)
        if len(found) != 1 or not isinstance(found[0], URIRef):
            raise InputError(
                f"the catalogue description must describe exactly one {what} (a <{cls}> named by an "
                f"IRI); it describes {len(found)}.",
                path=path,
            )
        return found[0]

    catalog = one(DCAT.Catalog, "catalogue")
    dataset = one(DCAT.Dataset, "dataset")
    expected = dataset_iri(project)
    if str(dataset) != expected:
        raise InputError(
            f"the dataset must be <{expected}> (the IRI the SPARQL service description and VoID use), "
            f"not <{dataset}>.",
            path=path,
            line=where[1] if (where := loaded.locate(dataset)) else None,
        )
    return Description(graph=graph, catalog=catalog, dataset=dataset, source=loaded)


# -- the catalogue -----------------------------------------------------------------------------------


def _date(value: Any) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _period(graph: Canonical) -> tuple[ox.Literal, ox.Literal] | None:
    """The first and last year (or day) of the projects' periods: schema:startDate and endDate."""
    project_types = {"http://schema.org/Project"}
    projects = {
        t.subject
        for t in graph.triples
        if t.predicate.value == str(RDF.type)
        and isinstance(t.object, ox.NamedNode)
        and t.object.value in project_types
    }
    dates = [
        t.object
        for t in graph.triples
        if t.subject in projects
        and t.predicate.value in ("http://schema.org/startDate", "http://schema.org/endDate")
        and isinstance(t.object, ox.Literal)
    ]
    if not dates:
        return None
    ordered = sorted(dates, key=lambda d: (d.value, d.datatype.value))
    return ordered[0], ordered[-1]


def _from_ox(term: ox.Literal) -> Literal:
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def catalogue_graph(
    project: Project, folder: Path, graph: Canonical, description: Description | None = None
) -> Graph:
    """The catalogue: the description of data/catalog.ttl plus everything derived from the build.

    ``folder`` holds the dumps already written (their sizes and checksums are read from it);
    ``graph`` is the published graph (for the temporal coverage).
    """
    settings = catalog_settings(project)
    description = description or read_description(project)
    config = project.config
    g = Graph(bind_namespaces="none")
    for triple in description.graph:
        g.add(triple)
    catalog, dataset = description.catalog, description.dataset
    publisher = URIRef(settings.publisher)
    if (publisher, FOAF.name, None) not in g:
        raise InputError(
            f"the catalogue description does not describe the publisher <{publisher}> that "
            "kgpub.toml [catalog] names (it needs at least its foaf:name).",
            path=project.catalog_path,
            hint="Describe the publisher in data/catalog.ttl, or correct 'publisher' in kgpub.toml.",
        )
    release = _date(config.release)
    public = settings.public_url
    licence = URIRef(config.license)
    languages = [lang for lang in ("sv", "en") if lang in config.languages]
    titles = {lit.language: str(lit) for lit in g.objects(dataset, DCTERMS.title) if isinstance(lit, Literal)}
    contacts = sorted(g.objects(dataset, DCAT.contactPoint), key=str)
    themes = sorted(g.objects(dataset, DCAT.theme), key=str)
    access = sorted(g.objects(dataset, DCTERMS.accessRights), key=str)
    home = URIRef(public)

    # The catalogue.
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, CATALOGUE_LICENCE))
    g.add((CATALOGUE_LICENCE, RDF.type, DCTERMS.LicenseDocument))
    g.add((catalog, DCTERMS.modified, release))
    if (catalog, DCTERMS.issued, None) not in g:
        g.add((catalog, DCTERMS.issued, release))
    if (catalog, FOAF.homepage, None) not in g:
        g.add((catalog, FOAF.homepage, home))
        g.add((home, RDF.type, FOAF.Document))
    g.add((catalog, DCAT.dataset, dataset))

    # The contact point's address.
    for contact in contacts:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.contact_email}")))

    # The dataset.
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.identifier, Literal(dataset_identifier(str(dataset)))))
    g.add((dataset, DCTERMS.modified, release))
    if (dataset, DCTERMS.issued, None) not in g:
        g.add((dataset, DCTERMS.issued, release))
    g.add((dataset, DCAT.version, Literal(config.version)))
    g.add((dataset, DCTERMS.license, licence))
    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if (dataset, DCAT.landingPage, None) not in g:
        g.add((dataset, DCAT.landingPage, home))
        g.add((home, RDF.type, FOAF.Document))
    period = _period(graph)
    if period is not None:
        node = URIRef(f"{dataset}#temporal-coverage")
        g.add((dataset, DCTERMS.temporal, node))
        g.add((node, RDF.type, DCTERMS.PeriodOfTime))
        g.add((node, DCAT.startDate, _from_ox(period[0])))
        g.add((node, DCAT.endDate, _from_ox(period[1])))
    # What the data conforms to: the ontology and the shapes, titled as they title themselves.
    for standard, source in ((ONTOLOGY_IRI, project.ontology.graph), (SHAPES_IRI, project.shapes)):
        node = URIRef(standard)
        g.add((dataset, DCTERMS.conformsTo, node))
        g.add((node, RDF.type, DCTERMS.Standard))
        for standard_title in source.objects(node, DCTERMS.title):
            g.add((node, DCTERMS.title, standard_title))

    # One distribution per dump.
    for fmt, (media, suffix) in FORMATS.items():
        label, file_type = _DUMP_FORMATS[fmt]
        name = f"{config.name}.{suffix}"
        payload = (folder / name).read_bytes()
        dist = URIRef(f"{dataset}/distribution/{suffix}")
        url = URIRef(f"{public}dumps/{name}")
        checksum = URIRef(f"{dist}#checksum")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        for lang in languages:
            title_template, text = _DUMP_TEXT[lang]
            title = titles.get(lang) or titles.get("sv") or config.name
            g.add((dist, DCTERMS.title, Literal(title_template.format(title=title, format=label), lang=lang)))
            g.add((dist, DCTERMS.description, Literal(text.format(format=label), lang=lang)))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCTERMS.format, EU_FILE_TYPE[file_type]))
        g.add((EU_FILE_TYPE[file_type], RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((dist, DCAT.mediaType, URIRef(IANA_MEDIA + media)))
        g.add((URIRef(IANA_MEDIA + media), RDF.type, DCTERMS.MediaType))
        g.add((dist, DCAT.byteSize, Literal(str(len(payload)), datatype=XSD.nonNegativeInteger)))
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, CHECKSUM_ALGORITHM))
        digest = hashlib.sha1(payload).hexdigest()
        g.add((checksum, SPDX.checksumValue, Literal(digest, datatype=XSD.hexBinary)))
        g.add((CHECKSUM_ALGORITHM, RDF.type, SPDX.ChecksumAlgorithm))
        g.add((dist, DCTERMS.license, licence))
        g.add((dist, DCTERMS.modified, release))

    # The data services: the SPARQL endpoint and the canned-query API.
    for key, (endpoint, described, file_type, standard, standard_name) in _SERVICES.items():
        service = URIRef(f"{config.id_base}service/{key}")
        g.add((catalog, DCAT.service, service))
        g.add((service, RDF.type, DCAT.DataService))
        for lang in languages:
            title_template, text = _SERVICE_TEXT[key][lang]
            title = titles.get(lang) or titles.get("sv") or config.name
            g.add((service, DCTERMS.title, Literal(title_template.format(title=title), lang=lang)))
            g.add((service, DCTERMS.description, Literal(text, lang=lang)))
        g.add((service, DCAT.endpointURL, URIRef(public + endpoint)))
        g.add((service, DCAT.endpointDescription, URIRef(public + described)))
        g.add((service, DCAT.servesDataset, dataset))
        g.add((service, DCTERMS.publisher, publisher))
        g.add((service, DCTERMS.license, licence))
        g.add((service, DCTERMS.format, EU_FILE_TYPE[file_type]))
        g.add((EU_FILE_TYPE[file_type], RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((service, DCTERMS.conformsTo, URIRef(standard)))
        g.add((URIRef(standard), RDF.type, DCTERMS.Standard))
        g.add((URIRef(standard), DCTERMS.title, Literal(standard_name, lang="en")))
        for contact in contacts:
            g.add((service, DCAT.contactPoint, contact))
        for theme in themes:
            g.add((service, DCAT.theme, theme))
        for right in access:
            g.add((service, DCTERMS.accessRights, right))
        for keyword in g.objects(dataset, DCAT.keyword):
            g.add((service, DCAT.keyword, keyword))
    return g


# -- kgpub's own catalogue shapes --------------------------------------------------------------------


def catalogue_shapes(project: Project) -> Graph:
    """The shapes of ``shapes/catalog/`` (the project's, else the ones kgpub ships)."""
    from kgpub.load import find_files, load_files
    from kgpub.scaffold import bundled

    folder = project.shapes_dir / "catalog"
    if not folder.is_dir():
        folder = bundled("shapes") / "catalog"
    return load_files(find_files(folder), track_subjects=False).graph


def check_catalogue(
    project: Project, catalogue: Graph, description: Description | None = None
) -> list[Finding]:
    """Validate the catalogue with kgpub's catalogue shapes; the findings, violations first.

    A finding names the node shape it comes from and, where the node is described in
    ``data/catalog.ttl``, the file and line.
    """
    import pyshacl

    from kgpub.validate import Finding

    shapes = catalogue_shapes(project)
    _conforms, results, _text = pyshacl.validate(
        catalogue,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        meta_shacl=False,
    )
    sh = Namespace("http://www.w3.org/ns/shacl#")
    findings = []
    for result in results.objects(None, sh.result):
        focus = results.value(result, sh.focusNode)
        value = results.value(result, sh.value)
        shape = results.value(result, sh.sourceShape)
        holder = shapes.value(None, sh.property, shape)  # the node shape of a property shape
        if isinstance(holder, URIRef):
            shape = holder
        messages = {
            (m.language or "en"): str(m)
            for m in results.objects(result, sh.resultMessage)
            if isinstance(m, Literal)
        }
        for m in shapes.objects(shape, sh.message) if not messages else ():
            if isinstance(m, Literal):
                messages[m.language or "en"] = str(m)
        where = (
            description.source.locate(focus, value) if description is not None and focus is not None else None
        )
        names = {
            lit.language: str(lit)
            for lit in catalogue.objects(focus, DCTERMS.title)
            if isinstance(lit, Literal)
        }
        findings.append(
            Finding(
                severity=str(results.value(result, sh.resultSeverity) or sh.Violation).rsplit("#", 1)[-1],
                focus=str(focus),
                focus_label=names.get("sv") or names.get("en"),
                path=None
                if results.value(result, sh.resultPath) is None
                else str(results.value(result, sh.resultPath)),
                value=None if value is None else str(value),
                messages=messages,
                shape=None if shape is None else str(shape),
                component=str(results.value(result, sh.sourceConstraintComponent)),
                file=str(project.catalog_path.relative_to(project.root)) if where else None,
                line=where[1] if where else None,
            )
        )
    return sorted(findings, key=lambda f: (f.severity != "Violation", f.focus, f.path or "", f.shape or ""))


# -- VoID -----------------------------------------------------------------------------------------


def void_graph(project: Project, graph: Canonical, title: list[Literal]) -> Graph:
    """A VoID description of the published graph: sizes, partitions, vocabularies, linksets."""
    settings = catalog_settings(project)
    config = project.config
    public = settings.public_url
    dataset = URIRef(dataset_iri(project))
    uri_space = config.id_base
    rdf_type = str(RDF.type)

    classes: Counter[str] = Counter()
    properties: Counter[str] = Counter()
    links: Counter[str] = Counter()
    subjects: set[str] = set()
    objects: set[str] = set()
    entities: set[str] = set()
    for t in graph.triples:
        s = t.subject
        subjects.add(str(s))
        objects.add(str(t.object))
        if isinstance(s, ox.NamedNode) and s.value.startswith(uri_space):
            entities.add(s.value)
        properties[t.predicate.value] += 1
        if t.predicate.value == rdf_type and isinstance(t.object, ox.NamedNode):
            classes[t.object.value] += 1
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(WIKIDATA_ENTITY):
            links[t.predicate.value] += 1

    g = Graph(bind_namespaces="none")
    g.add((dataset, RDF.type, VOID.Dataset))
    for literal in title:
        g.add((dataset, DCTERMS.title, literal))
    g.add((dataset, DCTERMS.license, URIRef(config.license)))
    g.add((dataset, DCTERMS.modified, _date(config.release)))
    g.add((dataset, VOID.triples, Literal(len(graph.triples))))
    g.add((dataset, VOID.entities, Literal(len(entities))))
    g.add((dataset, VOID.classes, Literal(len(classes))))
    g.add((dataset, VOID.properties, Literal(len(properties))))
    g.add((dataset, VOID.distinctSubjects, Literal(len(subjects))))
    g.add((dataset, VOID.distinctObjects, Literal(len(objects))))
    g.add((dataset, VOID.uriSpace, Literal(uri_space)))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(public + "sparql")))
    for fmt, (_media, suffix) in FORMATS.items():
        g.add((dataset, VOID.dataDump, URIRef(f"{public}dumps/{config.name}.{suffix}")))
        g.add((dataset, VOID.feature, URIRef(f"http://www.w3.org/ns/formats/{_W3C_FORMATS[fmt]}")))
    vocabularies = {_namespace(p) for p in properties} | {_namespace(c) for c in classes}
    for ns in sorted(vocabularies):
        if ns and not ns.startswith(config.base):
            g.add((dataset, VOID.vocabulary, URIRef(ns)))
    for cls, count in sorted(classes.items()):
        node = URIRef(f"{dataset}#class-{_slug(cls, STANDARD_PREFIXES)}")
        g.add((dataset, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, Literal(count)))
    for prop, count in sorted(properties.items()):
        node = URIRef(f"{dataset}#property-{_slug(prop, STANDARD_PREFIXES)}")
        g.add((dataset, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, Literal(count)))
    if links:
        wikidata = URIRef(f"{dataset}#wikidata")
        g.add((wikidata, RDF.type, VOID.Dataset))
        g.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
        g.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
        g.add((wikidata, VOID.uriSpace, Literal(WIKIDATA_ENTITY)))
        g.add((wikidata, VOID.sparqlEndpoint, URIRef("https://query.wikidata.org/sparql")))
        for prop, count in sorted(links.items()):
            linkset = URIRef(f"{dataset}#links-wikidata-{_slug(prop, STANDARD_PREFIXES)}")
            g.add((dataset, VOID.subset, linkset))
            g.add((linkset, RDF.type, VOID.Linkset))
            g.add((linkset, VOID.subjectsTarget, dataset))
            g.add((linkset, VOID.objectsTarget, wikidata))
            g.add((linkset, VOID.linkPredicate, URIRef(prop)))
            g.add((linkset, VOID.triples, Literal(count)))
    return g


# -- writing -------------------------------------------------------------------------------------


def write_catalog(project: Project, folder: Path, graph: Canonical) -> list[str]:
    """Write ``catalog.rdf``, ``catalog.ttl``, ``catalog.jsonld`` and ``void.ttl`` into ``folder``.

    Nothing is written for a project without ``data/catalog.ttl``. Raises
    :class:`~kgpub.errors.ValidationFailed` when the catalogue breaks kgpub's catalogue shapes.
    """
    if not project.catalog_path.exists():
        if "catalog" in project.config.extra:
            raise InputError(
                "kgpub.toml has a [catalog] table, but there is no catalogue description.",
                path=project.catalog_path,
                hint="Describe the catalogue in data/catalog.ttl (see the README), or remove [catalog].",
            )
        return []
    description = read_description(project)
    catalogue = catalogue_graph(project, folder, graph, description)
    findings = check_catalogue(project, catalogue, description)
    violations = [f for f in findings if f.severity == "Violation"]
    if violations:
        from kgpub.validate import Report

        raise ValidationFailed(
            f"the catalogue does not conform to kgpub's catalogue shapes ({len(violations)} violations); "
            "nothing was published.",
            Report(findings=findings, checked_triples=len(catalogue), prefixes=dict(CATALOG_PREFIXES)),
        )
    canonical = Canonical.of(catalogue)
    prefixes = dict(CATALOG_PREFIXES)
    (folder / "catalog.ttl").write_bytes(_serialise(canonical, ox.RdfFormat.TURTLE, prefixes))
    (folder / "catalog.rdf").write_bytes(_serialise(canonical, ox.RdfFormat.RDF_XML, prefixes))
    writer = JsonLdWriter({"@context": prefixes})
    (folder / "catalog.jsonld").write_bytes(writer.write(canonical, prefixes))

    dataset = URIRef(dataset_iri(project))
    titles = sorted(
        (lit for lit in catalogue.objects(dataset, DCTERMS.title) if isinstance(lit, Literal)), key=str
    )
    void = Canonical.of(void_graph(project, graph, titles))
    void_prefixes = {"void": str(VOID), **STANDARD_PREFIXES}
    (folder / VOID_FILE).write_bytes(_serialise(void, ox.RdfFormat.TURTLE, void_prefixes))
    return [*CATALOG_FILES, VOID_FILE]


def _serialise(graph: Canonical, fmt: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    return ox.serialize(graph.triples, format=fmt, prefixes=prefixes) or b""


# -- the landing page: schema.org Dataset ---------------------------------------------------------


def _texts(graph: Graph, node: Node, prop: URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lit in graph.objects(node, prop):
        if isinstance(lit, Literal):
            out.setdefault(lit.language or "", []).append(str(lit))
    return {lang: sorted(values) for lang, values in out.items()}


def _pick(texts: dict[str, list[str]], lang: str) -> str | None:
    for key in (lang, "sv", "en", ""):
        if texts.get(key):
            return texts[key][0]
    return None


def schema_dataset(catalogue: Graph, lang: str) -> dict[str, Any] | None:
    """The catalogue's dataset as a schema.org ``Dataset`` (for the landing page), in ``lang``."""
    dataset = catalogue.value(None, RDF.type, DCAT.Dataset)
    if dataset is None:
        return None
    one = catalogue.value
    doc: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": str(dataset),
        "name": _pick(_texts(catalogue, dataset, DCTERMS.title), lang),
        "description": _pick(_texts(catalogue, dataset, DCTERMS.description), lang),
        "identifier": str(one(dataset, DCTERMS.identifier)),
        "version": str(one(dataset, DCAT.version)),
        "url": str(one(dataset, DCAT.landingPage)),
        "license": str(one(dataset, DCTERMS.license)),
        "isAccessibleForFree": True,
        "inLanguage": sorted(k for k in _texts(catalogue, dataset, DCTERMS.title) if k),
        "keywords": _texts(catalogue, dataset, DCAT.keyword).get(lang, []),
        "datePublished": str(one(dataset, DCTERMS.issued)),
        "dateModified": str(one(dataset, DCTERMS.modified)),
    }
    publisher = one(dataset, DCTERMS.publisher)
    if publisher is not None:
        doc["publisher"] = {
            "@type": "Organization",
            "@id": str(publisher),
            "name": _pick(_texts(catalogue, publisher, FOAF.name), lang),
            "sameAs": sorted(str(o) for o in catalogue.objects(publisher, OWL.sameAs)),
        }
        doc["creator"] = doc["publisher"]
    places = []
    for place in sorted(catalogue.objects(dataset, DCTERMS.spatial), key=str):
        places.append(
            {
                "@type": "Place",
                "@id": str(place),
                "name": _pick(_texts(catalogue, place, RDFS.label), lang),
                "sameAs": sorted(str(o) for o in catalogue.objects(place, OWL.sameAs)),
            }
        )
    if places:
        doc["spatialCoverage"] = places[0] if len(places) == 1 else places
    period = one(dataset, DCTERMS.temporal)
    if period is not None:
        start, end = one(period, DCAT.startDate), one(period, DCAT.endDate)
        doc["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
    doc["distribution"] = [
        {
            "@type": "DataDownload",
            "name": _pick(_texts(catalogue, dist, DCTERMS.title), lang),
            "contentUrl": str(one(dist, DCAT.downloadURL)),
            "encodingFormat": str(one(dist, DCAT.mediaType)).removeprefix(IANA_MEDIA),
            "contentSize": f"{one(dist, DCAT.byteSize)} B",
        }
        for dist in sorted(catalogue.objects(dataset, DCAT.distribution), key=str)
    ]
    catalog = one(None, DCAT.dataset, dataset)
    if catalog is not None:
        doc["includedInDataCatalog"] = {
            "@type": "DataCatalog",
            "@id": str(catalog),
            "name": _pick(_texts(catalogue, catalog, DCTERMS.title), lang),
        }
    return doc


def page_jsonld(dist: Path, languages: tuple[str, ...] = ("sv", "en")) -> dict[str, str]:
    """The schema.org ``Dataset`` of ``dist/catalog.ttl`` per page language, ready for a script tag."""
    path = dist / "catalog.ttl"
    if not path.exists():
        return {}
    catalogue = Graph().parse(path, format="turtle")
    out = {}
    for lang in languages:
        doc = schema_dataset(catalogue, lang)
        if doc is not None:
            out[lang] = json.dumps(doc, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return out


# -- serving: /datasets/dcat and /catalog -----------------------------------------------------------

#: What the catalogue can be sent as, by media type; RDF/XML is what dataportal.se harvests.
CATALOG_MEDIA: dict[str, str] = {
    "application/rdf+xml": "rdfxml",
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/xml": "rdfxml",
    "application/json": "jsonld",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
}


async def catalog_endpoint(request: Request) -> Response:
    """The catalogue of ``dist/``: RDF/XML unless ``Accept`` (or ``?format=``) asks for Turtle,
    JSON-LD or N-Triples; ``404`` when the project publishes no catalogue."""
    from starlette.responses import PlainTextResponse, Response

    from kgpub.serve import negotiate

    dist: Path = request.app.state.site.dist
    if not (dist / "catalog.ttl").exists():
        return PlainTextResponse("This project publishes no catalogue.\n", status_code=404)
    forced = request.query_params.get("format")
    if forced:
        fmt = negotiate.FORMAT_ALIASES.get(forced.lower())
        if fmt not in ("rdfxml", "turtle", "jsonld", "ntriples"):
            return PlainTextResponse("Unknown format; use rdf, ttl, jsonld or nt.\n", status_code=400)
    else:
        media = negotiate.best(
            request.headers.get("accept"), list(CATALOG_MEDIA), default="application/rdf+xml"
        )
        if media is None:
            return PlainTextResponse(
                "The catalogue is sent as application/rdf+xml, text/turtle, application/ld+json or "
                "application/n-triples; the Accept header allows none of them.\n",
                status_code=406,
            )
        fmt = CATALOG_MEDIA[media]
    if fmt == "ntriples":
        triples = [q.triple for q in ox.parse(path=str(dist / "catalog.ttl"), format=ox.RdfFormat.TURTLE)]
        body = Canonical(triples).ntriples
    else:
        suffix = {"rdfxml": "rdf", "turtle": "ttl", "jsonld": "jsonld"}[fmt]
        body = (dist / f"catalog.{suffix}").read_bytes()
    etag = '"' + hashlib.sha1(body).hexdigest() + '"'
    headers = {"Vary": "Accept", "ETag": etag, "Cache-Control": "public, max-age=3600"}
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=negotiate.MEDIA_OF[fmt], headers=headers)
