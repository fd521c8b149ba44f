"""Every canned query in queries/, run on the Kiruna data and checked against the exact answer.

The expected answers below were worked out by reading data/*.ttl, data/links/wikidata.ttl and
ontology/kgpub.ttl (with the build's subClassOf/subPropertyOf materialisation in mind), not copied
from program output. A query added to queries/ without a case here fails
``test_every_query_has_a_case``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from kgpub import Project
from kgpub.queries import Query, bind, with_prefixes
from kgpub.sparql import Result

ORG = "https://data.kiruna.se/id/organisation/"
PLACE = "https://data.kiruna.se/id/place/"
PROJECT = "https://data.kiruna.se/id/project/"
COLLAB = "https://data.kiruna.se/id/collaboration/"
PLAN = "https://data.kiruna.se/id/plan/"
CONCEPT = "https://data.kiruna.se/id/concept/"
PROCESS = "https://data.kiruna.se/id/process/"
KGPUB = "https://w3id.org/kgpub/def#"
SCHEMA = "http://schema.org/"
WD = "http://www.wikidata.org/entity/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"

LUS = PLAN + "lokal-utvecklingsstrategi-tornedalen-2020"
FOCUS = CONCEPT + "lokal-utvecklingsstrategi-tornedalen-2020-insatsomrade-"
HDU = PROJECT + "hallbar-destinationsutveckling"
HDU_KIRUNA = PROJECT + "hallbar-destinationsutveckling-kiruna"
FISHERIES = PLACE + "fiskeomrade-tornedalen-haparanda-skargard-2020"


@dataclass(frozen=True)
class Case:
    """One run of a canned query and its exact expected answer.

    ``rows``: tuples in the order of the query's SELECT variables; a list is compared in order
    (the query's ORDER BY has no ties there), a set as a set. Columns named in ``joined`` hold
    GROUP_CONCAT lists, whose order SPARQL leaves open: they are compared as sets of their parts.
    ``boolean`` is the answer of an ASK query, ``triples`` the graph of a CONSTRUCT query.
    """

    params: dict[str, str]
    rows: list[tuple[Any, ...]] | set[tuple[Any, ...]] | None = None
    boolean: bool | None = None
    triples: set[tuple[str, str, str]] | None = None
    joined: tuple[str, ...] = field(default_factory=tuple)


def iri(value: str) -> str:
    return f"<{value}>"


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal as pyoxigraph writes it (N-Triples form)."""
    if lang:
        return str(ox.Literal(value, language=lang))
    return str(ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value))


def names(subject: str, sv: str, en: str) -> set[tuple[str, str, str]]:
    """The two schema:name triples of an entity (the build materialises them from rdfs:label)."""
    return {
        (iri(subject), iri(SCHEMA + "name"), lit(sv, "sv")),
        (iri(subject), iri(SCHEMA + "name"), lit(en, "en")),
    }


# -- expected answers, from the data files -------------------------------------------------------

KIRUNA_INVOLVEMENT_EN = [
    # co-financer: kgpub:coFinancedBy on the Kiruna part of the destination project
    ("co-financer", HDU_KIRUNA, "Sustainable destination development in Kiruna"),
    # funder: schema:funder on c/o Kiruna and Kirunabo (names ordered ignoring case)
    ("funder", PROJECT + "co-kiruna", "c/o Kiruna"),
    ("funder", PROJECT + "kirunabo", "Kirunabo"),
    # member: kgpub:memberOf the group of twelve (and kgpub:member back)
    ("member", ORG + "norrbotten-twelve-municipalities", "Twelve municipalities in Norrbotten"),
    # owner: Filmpool Nord AB kgpub:ownedBy Kiruna kommun
    ("owner", ORG + "filmpool-nord", "Filmpool Nord AB"),
    # participant: every kgpub:participant kio:kiruna-kommun in projects.ttl and places.ttl
    ("participant", PROJECT + "co-kiruna", "c/o Kiruna"),
    ("participant", COLLAB + "filmpool-nord", "Collaboration with Filmpool Nord"),
    ("participant", PROJECT + "kirunabo", "Kirunabo"),
    ("participant", LUS, "Local development strategy for the Torne Valley 2020"),
    ("participant", PROJECT + "rit", "RIT"),
    ("participant", HDU_KIRUNA, "Sustainable destination development in Kiruna"),
    ("participant", FISHERIES, "Tornedalen Haparanda Archipelago 2020 Fisheries Area"),
    # represented: kgpub:representedIn the council and its board (not repeated as member)
    ("represented", ORG + "tornedalsradet-styrelse", "Board of the Torne Valley Council"),
    ("represented", ORG + "tornedalsradet", "Torne Valley Council"),
]

PUBLIC_BODIES_EN = [
    (KGPUB + "Government", "government", ORG + "regeringen", "The Swedish Government"),
    (KGPUB + "GovernmentAgency", "government agency", ORG + "vinnova", "Vinnova"),
    (KGPUB + "Municipality", "municipality", ORG + "haparanda-kommun", "Haparanda Municipality"),
    (KGPUB + "Municipality", "municipality", ORG + "kiruna-kommun", "Kiruna Municipality"),
    (KGPUB + "Municipality", "municipality", ORG + "pajala-kommun", "Pajala Municipality"),
    (KGPUB + "Municipality", "municipality", ORG + "overtornea-kommun", "Övertorneå Municipality"),
    (
        KGPUB + "RegionalAuthority",
        "regional authority",
        ORG + "norrbottens-lans-landsting",
        "Norrbotten County Council",
    ),
    (KGPUB + "RegionalAuthority", "regional authority", ORG + "region-norrbotten", "Region Norrbotten"),
]

ALL_ORGANISATIONS_SV = {
    (KGPUB + "Municipality", "kommun", ORG + "kiruna-kommun", "Kiruna kommun"),
    (KGPUB + "Municipality", "kommun", ORG + "haparanda-kommun", "Haparanda kommun"),
    (KGPUB + "Municipality", "kommun", ORG + "overtornea-kommun", "Övertorneå kommun"),
    (KGPUB + "Municipality", "kommun", ORG + "pajala-kommun", "Pajala kommun"),
    (KGPUB + "RegionalAuthority", "region eller landsting", ORG + "region-norrbotten", "Region Norrbotten"),
    (
        KGPUB + "RegionalAuthority",
        "region eller landsting",
        ORG + "norrbottens-lans-landsting",
        "Norrbottens läns landsting",
    ),
    (KGPUB + "Government", "regering", ORG + "regeringen", "Regeringen"),
    (KGPUB + "GovernmentAgency", "statlig myndighet", ORG + "vinnova", "Vinnova"),
    (KGPUB + "LimitedCompany", "aktiebolag", ORG + "filmpool-nord", "Filmpool Nord AB"),
    (
        KGPUB + "EconomicAssociation",
        "ekonomisk förening",
        ORG + "kiruna-lapland",
        "Kiruna Lapland ekonomisk förening",
    ),
    (KGPUB + "Bank", "bank", ORG + "sparbanken-nord", "Sparbanken Nord"),
    # LTU Business is typed only kgpub:Organisation: the page does not give its legal form
    (KGPUB + "Organisation", "organisation", ORG + "ltu-business", "LTU Business"),
    (KGPUB + "University", "universitet", ORG + "lulea-tekniska-universitet", "Luleå tekniska universitet"),
    (KGPUB + "CooperationCouncil", "samarbetsråd", ORG + "tornedalsradet", "Tornedalsrådet"),
    (KGPUB + "Board", "styrelse", ORG + "tornedalsradet-styrelse", "Tornedalsrådets styrelse"),
}  # the group of twelve is a kgpub:OrganisationGroup, not a kgpub:Organisation

# Places within Norrbottens län: the county, Kiruna kommun (containedInPlace the county), the town
# of Kiruna and the two parishes (containedInPlace Kiruna kommun).
NORRBOTTEN_COVERAGE_EN = [
    (
        LUS,
        "Local development strategy for the Torne Valley 2020",
        PLACE + "karesuando-forsamling",
        "Karesuando Parish",
        "false",
    ),
    (PROJECT + "co-kiruna", "c/o Kiruna", PLACE + "kiruna", "Kiruna", "false"),
    (COLLAB + "filmpool-nord", "Collaboration with Filmpool Nord", PLACE + "kiruna", "Kiruna", "false"),
    (PROJECT + "kirunabo", "Kirunabo", PLACE + "kiruna", "Kiruna", "false"),
    (HDU_KIRUNA, "Sustainable destination development in Kiruna", PLACE + "kiruna", "Kiruna", "false"),
    (
        PROCESS + "stadsomvandlingen",
        "The urban transformation of Kiruna",
        PLACE + "kiruna",
        "Kiruna",
        "false",
    ),  # kgpub:location
    (PROJECT + "rit", "RIT", PLACE + "norrbottens-lan", "Norrbotten County", "false"),
    (
        LUS,
        "Local development strategy for the Torne Valley 2020",
        PLACE + "vittangi-forsamling",
        "Vittangi Parish",
        "false",
    ),
]

KIRUNA_KOMMUN_COVERAGE_SV = {
    (
        LUS,
        "Lokal utvecklingsstrategi för Tornedalen 2020",
        PLACE + "karesuando-forsamling",
        "Karesuando församling",
        "false",
    ),
    (
        LUS,
        "Lokal utvecklingsstrategi för Tornedalen 2020",
        PLACE + "vittangi-forsamling",
        "Vittangi församling",
        "false",
    ),
    (PROJECT + "co-kiruna", "c/o Kiruna", PLACE + "kiruna", "Kiruna", "false"),
    (COLLAB + "filmpool-nord", "Samarbete med Filmpool Nord", PLACE + "kiruna", "Kiruna", "false"),
    (PROJECT + "kirunabo", "Kirunabo", PLACE + "kiruna", "Kiruna", "false"),
    (HDU_KIRUNA, "Hållbar destinationsutveckling i Kiruna", PLACE + "kiruna", "Kiruna", "false"),
    (PROCESS + "stadsomvandlingen", "Kirunas stadsomvandling", PLACE + "kiruna", "Kiruna", "false"),
}

UNLINKED_EN = [
    (ORG + "sparbanken-nord", "Sparbanken Nord", "bank"),
    (ORG + "tornedalsradet-styrelse", "Board of the Torne Valley Council", "board"),
    (COLLAB + "filmpool-nord", "Collaboration with Filmpool Nord", "collaboration"),
    (ORG + "tornedalsradet", "Torne Valley Council", "cooperation council"),
    (ORG + "kiruna-lapland", "Kiruna Lapland Economic Association", "economic association"),
    (FISHERIES, "Tornedalen Haparanda Archipelago 2020 Fisheries Area", "fisheries area"),
    (
        FOCUS + "2",
        "Development of new skills and entrepreneurship in existing and new businesses and organisations",
        "focus area",
    ),
    (
        FOCUS + "3",
        "Development of sustainable growth in new and existing businesses based on the area's natural and cultural assets",
        "focus area",
    ),
    (
        FOCUS + "1",
        "Development of the area's attractiveness, local engagement and cross-border cooperation",
        "focus area",
    ),
    (ORG + "regeringen", "The Swedish Government", "government"),
    (ORG + "filmpool-nord", "Filmpool Nord AB", "limited company"),
    (ORG + "ltu-business", "LTU Business", "organisation"),
    (ORG + "norrbotten-twelve-municipalities", "Twelve municipalities in Norrbotten", "organisation group"),
    (PLACE + "karesuando-forsamling", "Karesuando Parish", "parish"),
    (PLACE + "vittangi-forsamling", "Vittangi Parish", "parish"),
    (PLAN + "markplan-turism-kiruna", "Land plan for tourism", "plan"),
    (PLAN + "masterplan-kiruna", "Overall masterplan", "plan"),
    (PROCESS + "stadsomvandlingen", "The urban transformation of Kiruna", "process"),
    (PLAN + "landsbygdsprogrammet-2014-2020", "Rural Development Programme 2014–2020", "programme"),
    (PROJECT + "co-kiruna", "c/o Kiruna", "project"),
    (PROJECT + "kirunabo", "Kirunabo", "project"),
    (PROJECT + "rit", "RIT", "project"),
    (PROJECT + "gemensam-tradgard-for-odling", "Shared garden for cultivation", "project"),
    (HDU, "Sustainable destination development", "project"),
    (HDU_KIRUNA, "Sustainable destination development in Kiruna", "project"),
    (ORG + "norrbottens-lans-landsting", "Norrbotten County Council", "regional authority"),
    (ORG + "region-norrbotten", "Region Norrbotten", "regional authority"),
    (LUS, "Local development strategy for the Torne Valley 2020", "strategy"),
    (CONCEPT + "leadermetoden", "The Leader method", "working method"),
]

CLASS_COUNTS_EN = [
    # organisations.ttl: 16 entities, less the group of twelve (a kgpub:OrganisationGroup)
    (KGPUB + "Organisation", "organisation", "15"),
    # places.ttl: 9 places, plus the 4 municipalities (kgpub:Municipality ⊑ kgpub:AdministrativeArea ⊑ kgpub:Place)
    (KGPUB + "Place", "place", "13"),
    # 3 countries, 1 county, 2 parishes, 4 municipalities
    (KGPUB + "AdministrativeArea", "administrative area", "10"),
    (KGPUB + "Project", "project", "6"),
    (KGPUB + "Municipality", "municipality", "4"),
    # masterplan, markplan, the programme and the strategy
    (KGPUB + "Plan", "plan", "4"),
    (KGPUB + "Country", "country", "3"),
    (KGPUB + "FocusArea", "focus area", "3"),
    (KGPUB + "Parish", "parish", "2"),
    (KGPUB + "RegionalAuthority", "regional authority", "2"),
    (KGPUB + "Bank", "bank", "1"),
    (KGPUB + "Board", "board", "1"),
    (KGPUB + "Collaboration", "collaboration", "1"),
    (KGPUB + "CooperationCouncil", "cooperation council", "1"),
    (KGPUB + "County", "county", "1"),
    (KGPUB + "EconomicAssociation", "economic association", "1"),
    (KGPUB + "FisheriesArea", "fisheries area", "1"),
    (KGPUB + "Government", "government", "1"),
    (KGPUB + "GovernmentAgency", "government agency", "1"),
    (KGPUB + "LimitedCompany", "limited company", "1"),
    (KGPUB + "OrganisationGroup", "organisation group", "1"),
    (KGPUB + "Process", "process", "1"),
    (KGPUB + "Programme", "programme", "1"),
    (KGPUB + "RiverValley", "river valley", "1"),
    (KGPUB + "Strategy", "strategy", "1"),
    (KGPUB + "Town", "town", "1"),
    (KGPUB + "University", "university", "1"),
    (KGPUB + "Method", "working method", "1"),
    (KGPUB + "LocalActionGroup", "local action group", "0"),
]

CO_KIRUNA_SCHEMA = {
    (iri(PROJECT + "co-kiruna"), iri(RDF_TYPE), iri(SCHEMA + "Project")),
    *names(PROJECT + "co-kiruna", "c/o Kiruna", "c/o Kiruna"),
    (
        iri(PROJECT + "co-kiruna"),
        iri(SCHEMA + "description"),
        lit(
            "Projekt som föddes ur utmaningarna i stadsomvandlingen, med fokus på attraktivitet i befintlig stadskärna.",
            "sv",
        ),
    ),
    (
        iri(PROJECT + "co-kiruna"),
        iri(SCHEMA + "description"),
        lit(
            "Project born out of the challenges of the urban transformation, focusing on the attractiveness of the existing city centre.",
            "en",
        ),
    ),
    (iri(PROJECT + "co-kiruna"), iri(SCHEMA + "startDate"), lit("2018", datatype=GYEAR)),
    (iri(PROJECT + "co-kiruna"), iri(SCHEMA + "endDate"), lit("2020", datatype=GYEAR)),
    (iri(PROJECT + "co-kiruna"), iri(SCHEMA + "funder"), iri(ORG + "kiruna-kommun")),
    (iri(PROJECT + "co-kiruna"), iri(SCHEMA + "funder"), iri(ORG + "sparbanken-nord")),
    (iri(PROJECT + "co-kiruna"), iri(SCHEMA + "funder"), iri(ORG + "region-norrbotten")),
    # kgpub:areaCovered ⊑ schema:areaServed
    (iri(PROJECT + "co-kiruna"), iri(SCHEMA + "areaServed"), iri(PLACE + "kiruna")),
    # the names of what it points to
    *names(ORG + "kiruna-kommun", "Kiruna kommun", "Kiruna Municipality"),
    *names(ORG + "sparbanken-nord", "Sparbanken Nord", "Sparbanken Nord"),
    *names(ORG + "region-norrbotten", "Region Norrbotten", "Region Norrbotten"),
    *names(PLACE + "kiruna", "Kiruna", "Kiruna"),
}  # kgpub:participant (⊑ dcterms:contributor), kgpub:context, kgpub:focus/purpose: not schema.org

KIRUNA_KOMMUN_SCHEMA = {
    # kgpub:Municipality ⊑ schema:GovernmentOrganization; ⊑ kgpub:Organisation ⊑ schema:Organization;
    # ⊑ kgpub:AdministrativeArea ⊑ schema:AdministrativeArea; ⊑ kgpub:Place ⊑ schema:Place
    (iri(ORG + "kiruna-kommun"), iri(RDF_TYPE), iri(SCHEMA + "GovernmentOrganization")),
    (iri(ORG + "kiruna-kommun"), iri(RDF_TYPE), iri(SCHEMA + "Organization")),
    (iri(ORG + "kiruna-kommun"), iri(RDF_TYPE), iri(SCHEMA + "AdministrativeArea")),
    (iri(ORG + "kiruna-kommun"), iri(RDF_TYPE), iri(SCHEMA + "Place")),
    *names(ORG + "kiruna-kommun", "Kiruna kommun", "Kiruna Municipality"),
    (
        iri(ORG + "kiruna-kommun"),
        iri(SCHEMA + "description"),
        lit(
            "Kommun som medverkar i de projekt och samarbeten som listas på sidan Projekt och samarbete.",
            "sv",
        ),
    ),
    (
        iri(ORG + "kiruna-kommun"),
        iri(SCHEMA + "description"),
        lit(
            "Municipality that takes part in the projects and collaborations listed on the page Projects and collaborations.",
            "en",
        ),
    ),
    (iri(ORG + "kiruna-kommun"), iri(SCHEMA + "containedInPlace"), iri(PLACE + "norrbottens-lan")),
    (iri(ORG + "kiruna-kommun"), iri(SCHEMA + "containedInPlace"), iri(PLACE + "sverige")),
    # kgpub:memberOf ⊑ schema:memberOf, and kgpub:representedIn ⊑ kgpub:memberOf
    (iri(ORG + "kiruna-kommun"), iri(SCHEMA + "memberOf"), iri(ORG + "norrbotten-twelve-municipalities")),
    (iri(ORG + "kiruna-kommun"), iri(SCHEMA + "memberOf"), iri(ORG + "tornedalsradet")),
    (iri(ORG + "kiruna-kommun"), iri(SCHEMA + "memberOf"), iri(ORG + "tornedalsradet-styrelse")),
    # owl:sameAs ⊑ schema:sameAs (the Wikidata item has no name in our graph)
    (iri(ORG + "kiruna-kommun"), iri(SCHEMA + "sameAs"), iri(WD + "Q499474")),
    *names(PLACE + "norrbottens-lan", "Norrbottens län", "Norrbotten County"),
    *names(PLACE + "sverige", "Sverige", "Sweden"),
    *names(
        ORG + "norrbotten-twelve-municipalities",
        "Tolv kommuner i Norrbotten",
        "Twelve municipalities in Norrbotten",
    ),
    *names(ORG + "tornedalsradet", "Tornedalsrådet", "Torne Valley Council"),
    *names(ORG + "tornedalsradet-styrelse", "Tornedalsrådets styrelse", "Board of the Torne Valley Council"),
}

CASES: dict[str, list[Case]] = {
    "projects": [
        Case(
            {"lang": "en"},
            [
                (COLLAB + "filmpool-nord", "Collaboration with Filmpool Nord", None, None, set(), set()),
                (PROJECT + "kirunabo", "Kirunabo", "2018", "2019", {"Kiruna Municipality", "Vinnova"}, set()),
                (
                    PROJECT + "rit",
                    "RIT",
                    None,
                    None,
                    set(),
                    {"LTU Business", "Luleå University of Technology"},
                ),
                (
                    PROJECT + "gemensam-tradgard-for-odling",
                    "Shared garden for cultivation",
                    None,
                    None,
                    set(),
                    set(),
                ),
                (
                    HDU,
                    "Sustainable destination development",
                    "2012",
                    "2015",
                    set(),
                    set(),
                ),  # initiated, not run, by Regeringen
                (
                    HDU_KIRUNA,
                    "Sustainable destination development in Kiruna",
                    None,
                    None,
                    {"Kiruna Municipality"},
                    {"Kiruna Lapland Economic Association"},
                ),
                (
                    PROJECT + "co-kiruna",
                    "c/o Kiruna",
                    "2018",
                    "2020",
                    {"Kiruna Municipality", "Region Norrbotten", "Sparbanken Nord"},
                    set(),
                ),
            ],
            joined=("funders", "operators"),
        ),
    ],
    "projects-active-in-year": [
        Case(
            {"year": "2019"},
            [
                (PROJECT + "kirunabo", "Kirunabo", "2018", "2019"),
                (PROJECT + "co-kiruna", "c/o Kiruna", "2018", "2020"),
            ],
        ),
        Case({"year": "2013"}, [(HDU, "Hållbar destinationsutveckling", "2012", "2015")]),
        Case({"year": "2021"}, []),
    ],
    "organisation-involvement": [
        Case({"org": "organisation:kiruna-kommun", "lang": "en"}, KIRUNA_INVOLVEMENT_EN),
        Case(
            {},
            {
                ("co-financer", HDU_KIRUNA, "Hållbar destinationsutveckling i Kiruna"),
                ("funder", PROJECT + "co-kiruna", "c/o Kiruna"),
                ("funder", PROJECT + "kirunabo", "Kirunabo"),
                ("member", ORG + "norrbotten-twelve-municipalities", "Tolv kommuner i Norrbotten"),
                ("owner", ORG + "filmpool-nord", "Filmpool Nord AB"),
                ("participant", PROJECT + "co-kiruna", "c/o Kiruna"),
                ("participant", COLLAB + "filmpool-nord", "Samarbete med Filmpool Nord"),
                ("participant", PROJECT + "kirunabo", "Kirunabo"),
                ("participant", LUS, "Lokal utvecklingsstrategi för Tornedalen 2020"),
                ("participant", PROJECT + "rit", "RIT"),
                ("participant", HDU_KIRUNA, "Hållbar destinationsutveckling i Kiruna"),
                ("participant", FISHERIES, "Fiskeområde Tornedalen Haparanda skärgård 2020"),
                ("represented", ORG + "tornedalsradet-styrelse", "Tornedalsrådets styrelse"),
                ("represented", ORG + "tornedalsradet", "Tornedalsrådet"),
            },
        ),
        Case({"org": ORG + "vinnova", "lang": "en"}, [("funder", PROJECT + "kirunabo", "Kirunabo")]),
        Case(
            {"org": "organisation:regeringen", "lang": "en"},
            [("initiator", HDU, "Sustainable destination development")],
        ),
        Case({"org": "organisation:ltu-business", "lang": "en"}, [("operator", PROJECT + "rit", "RIT")]),
        Case(
            {"org": "organisation:norrbottens-lans-landsting", "lang": "en"},
            [("owner", ORG + "filmpool-nord", "Filmpool Nord AB")],
        ),
        Case(
            {"org": "organisation:filmpool-nord", "lang": "en"},
            [("participant", COLLAB + "filmpool-nord", "Collaboration with Filmpool Nord")],
        ),
        Case({"org": "organisation:no-such-organisation"}, []),
    ],
    "organisations-by-type": [
        Case({"type": "schema:GovernmentOrganization", "lang": "en"}, PUBLIC_BODIES_EN),
        Case({}, ALL_ORGANISATIONS_SV),
        Case(
            {"type": "kgpub:OrganisationGroup", "lang": "en"},
            [
                (
                    KGPUB + "OrganisationGroup",
                    "organisation group",
                    ORG + "norrbotten-twelve-municipalities",
                    "Twelve municipalities in Norrbotten",
                )
            ],
        ),
    ],
    "covering-place": [
        Case({"place": "place:norrbottens-lan", "lang": "en"}, NORRBOTTEN_COVERAGE_EN),
        Case({}, KIRUNA_KOMMUN_COVERAGE_SV),
        # "större delen av Haparanda kommun": kgpub:areaPartlyCovered
        Case(
            {"place": "organisation:haparanda-kommun"},
            [
                (
                    LUS,
                    "Lokal utvecklingsstrategi för Tornedalen 2020",
                    ORG + "haparanda-kommun",
                    "Haparanda kommun",
                    "true",
                )
            ],
        ),
        # Tornedalen lies in Finland (containedInPlace), and the council covers both
        Case(
            {"place": PLACE + "finland", "lang": "en"},
            [
                (ORG + "tornedalsradet", "Torne Valley Council", PLACE + "finland", "Finland", "false"),
                (
                    ORG + "tornedalsradet",
                    "Torne Valley Council",
                    PLACE + "tornedalen",
                    "Torne Valley",
                    "false",
                ),
            ],
        ),
    ],
    "cooperation-span": [
        Case(
            {"cooperation": "plan:lokal-utvecklingsstrategi-tornedalen-2020", "lang": "en"},
            [
                # Sverige only through the parishes: Kiruna kommun is containedInPlace Sverige
                ("country", PLACE + "sverige", "Sweden"),
                ("municipality", ORG + "haparanda-kommun", "Haparanda Municipality"),
                ("municipality", ORG + "kiruna-kommun", "Kiruna Municipality"),
                ("municipality", ORG + "pajala-kommun", "Pajala Municipality"),
                ("municipality", ORG + "overtornea-kommun", "Övertorneå Municipality"),
            ],
        ),
        Case(
            {},
            [
                # Kiruna kommun through kgpub:representedIn ⊑ kgpub:memberOf
                ("kommun", ORG + "kiruna-kommun", "Kiruna kommun"),
                ("land", PLACE + "finland", "Finland"),
                ("land", PLACE + "norge", "Norge"),
                ("land", PLACE + "sverige", "Sverige"),
            ],
        ),
        Case(
            {"cooperation": FISHERIES, "lang": "en"},
            [
                ("country", PLACE + "sverige", "Sweden"),
                ("municipality", ORG + "haparanda-kommun", "Haparanda Municipality"),
                ("municipality", ORG + "kiruna-kommun", "Kiruna Municipality"),
                ("municipality", ORG + "pajala-kommun", "Pajala Municipality"),
                ("municipality", ORG + "overtornea-kommun", "Övertorneå Municipality"),
            ],
        ),
    ],
    "company-owners": [
        Case(
            {"lang": "en"},
            [
                (
                    ORG + "filmpool-nord",
                    "Filmpool Nord AB",
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    "municipality",
                    None,
                ),
                (
                    ORG + "filmpool-nord",
                    "Filmpool Nord AB",
                    ORG + "norrbottens-lans-landsting",
                    "Norrbotten County Council",
                    "regional authority",
                    None,
                ),
                (
                    ORG + "filmpool-nord",
                    "Filmpool Nord AB",
                    ORG + "norrbotten-twelve-municipalities",
                    "Twelve municipalities in Norrbotten",
                    "organisation group",
                    "12",
                ),
            ],
        ),
    ],
    "founding-years": [
        Case(
            {"lang": "en"},
            [
                (ORG + "tornedalsradet", "Torne Valley Council", "cooperation council", "1987", "1987"),
                (ORG + "filmpool-nord", "Filmpool Nord AB", "limited company", "1992", "1992"),
            ],
        ),
    ],
    "wikidata-links": [
        Case(
            {"lang": "en"},
            [
                (PLACE + "finland", "Finland", "country", WD + "Q33"),
                (PLACE + "norge", "Norway", "country", WD + "Q20"),
                (PLACE + "sverige", "Sweden", "country", WD + "Q34"),
                (PLACE + "norrbottens-lan", "Norrbotten County", "county", WD + "Q103686"),
                (ORG + "vinnova", "Vinnova", "government agency", WD + "Q4355568"),
                (ORG + "haparanda-kommun", "Haparanda Municipality", "municipality", WD + "Q510310"),
                (ORG + "kiruna-kommun", "Kiruna Municipality", "municipality", WD + "Q499474"),
                (ORG + "pajala-kommun", "Pajala Municipality", "municipality", WD + "Q186230"),
                (ORG + "overtornea-kommun", "Övertorneå Municipality", "municipality", WD + "Q307603"),
                (PLACE + "tornedalen", "Torne Valley", "river valley", WD + "Q734149"),
                (PLACE + "kiruna", "Kiruna", "town", WD + "Q83232"),
                (
                    ORG + "lulea-tekniska-universitet",
                    "Luleå University of Technology",
                    "university",
                    WD + "Q1972721",
                ),
            ],
        ),
    ],
    "unlinked-entities": [Case({"lang": "en"}, UNLINKED_EN)],
    "missing-descriptions": [
        # the page gives only the garden project's heading, so it has no description at all
        Case(
            {"lang": "en"},
            [(PROJECT + "gemensam-tradgard-for-odling", "Shared garden for cultivation", "project", "false")],
        ),
        Case(
            {"lang": "sv"},
            [(PROJECT + "gemensam-tradgard-for-odling", "Gemensam trädgård för odling", "projekt", "false")],
        ),
    ],
    "wikidata-municipality-facts": [],  # federated: parsed but never run (see test_federated_query)
    "strategy-contents": [
        Case(
            {"strategy": "plan:lokal-utvecklingsstrategi-tornedalen-2020", "lang": "en"},
            [
                (
                    "focus area",
                    "1",
                    "Development of the area's attractiveness, local engagement and cross-border cooperation",
                    FOCUS + "1",
                ),
                (
                    "focus area",
                    "2",
                    "Development of new skills and entrepreneurship in existing and new businesses and organisations",
                    FOCUS + "2",
                ),
                (
                    "focus area",
                    "3",
                    "Development of sustainable growth in new and existing businesses based on the area's natural and cultural assets",
                    FOCUS + "3",
                ),
                (
                    "goal",
                    None,
                    "An inclusive, welcoming and attractive area for people and businesses to grow in",
                    None,
                ),
                ("goal", None, "New skills in existing and new organisations", None),
                (
                    "goal",
                    None,
                    "Sustainable economic, social and ecological growth based on the area's natural and cultural assets",
                    None,
                ),
                (
                    "vision",
                    None,
                    "The Torne Valley is a cross-border meeting place where people and businesses can realise their ideas in a creative living environment",
                    None,
                ),
                (
                    "purpose",
                    None,
                    "To develop, with the support of the strategy, innovations based on the Torne Valley's unique natural and cultural area",
                    None,
                ),
                (
                    "purpose",
                    None,
                    "To guide and inspire smart, inclusive and sustainable development in the area",
                    None,
                ),
            ],
        ),
        Case(
            {},
            [
                (
                    "insatsområde",
                    "1",
                    "Utveckling av områdets attraktivitet, lokalt engagemang och gränsöverskridande samverkan",
                    FOCUS + "1",
                ),
                (
                    "insatsområde",
                    "2",
                    "Utveckling av ny kompetens och entreprenörskap i befintliga och nya företag och verksamheter",
                    FOCUS + "2",
                ),
                (
                    "insatsområde",
                    "3",
                    "Utveckling av hållbar tillväxt i nya och befintliga företag med utgångspunkt i områdets natur- och kulturtillgångar",
                    FOCUS + "3",
                ),
                (
                    "mål",
                    None,
                    "En hållbar ekonomisk, social och ekologisk tillväxt med bas i områdets natur- och kulturtillgångar",
                    None,
                ),
                (
                    "mål",
                    None,
                    "Ett inkluderande, välkomnande och attraktivt område för människor och företag att växa i",
                    None,
                ),
                ("mål", None, "Ny kompetens i befintliga och nya verksamheter", None),
                (
                    "vision",
                    None,
                    "Tornedalen är en gränsöverskridande mötesplats där människor och företag kan förverkliga sina idéer i en kreativ livsmiljö",
                    None,
                ),
                (
                    "syfte",
                    None,
                    "Att ge vägledning och inspirera till smart, inkluderande och hållbar utveckling i området",
                    None,
                ),
                (
                    "syfte",
                    None,
                    "Att med stöd i strategin utveckla innovationer med bas i Tornedalens unika natur- och kulturområde",
                    None,
                ),
            ],
        ),
        # a plan that is not a strategy has none of these
        Case({"strategy": "plan:masterplan-kiruna"}, []),
    ],
    "funders-ranked": [
        Case(
            {"lang": "en"},
            [
                (
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    "3",
                    "1",
                    {"c/o Kiruna", "Kirunabo", "Sustainable destination development in Kiruna"},
                ),
                (ORG + "region-norrbotten", "Region Norrbotten", "1", "0", {"c/o Kiruna"}),
                (ORG + "sparbanken-nord", "Sparbanken Nord", "1", "0", {"c/o Kiruna"}),
                (ORG + "vinnova", "Vinnova", "1", "0", {"Kirunabo"}),
            ],
            joined=("projectNames",),
        ),
    ],
    "class-counts": [Case({"lang": "en"}, CLASS_COUNTS_EN)],
    "search-by-name": [
        Case(
            {"term": "tornedal", "lang": "en"},
            [
                (ORG + "tornedalsradet-styrelse", "Board of the Torne Valley Council", "board"),
                (LUS, "Local development strategy for the Torne Valley 2020", "strategy"),
                (PLACE + "tornedalen", "Torne Valley", "river valley"),
                (ORG + "tornedalsradet", "Torne Valley Council", "cooperation council"),
                (FISHERIES, "Tornedalen Haparanda Archipelago 2020 Fisheries Area", "fisheries area"),
            ],
        ),
        Case(
            {},
            [
                (PROJECT + "co-kiruna", "c/o Kiruna", "projekt"),
                (HDU_KIRUNA, "Hållbar destinationsutveckling i Kiruna", "projekt"),
                (PLACE + "kiruna", "Kiruna", "ort"),
                (ORG + "kiruna-kommun", "Kiruna kommun", "kommun"),
                (ORG + "kiruna-lapland", "Kiruna Lapland ekonomisk förening", "ekonomisk förening"),
                (PROJECT + "kirunabo", "Kirunabo", "projekt"),
                (PROCESS + "stadsomvandlingen", "Kirunas stadsomvandling", "process"),
            ],
        ),
        Case({"term": "ÖVERTORNEÅ"}, [(ORG + "overtornea-kommun", "Övertorneå kommun", "kommun")]),
        # only the alternative name has the hyphen
        Case({"term": "ltu-b", "lang": "en"}, [(ORG + "ltu-business", "LTU Business", "organisation")]),
        # a term that tries to break out of the string stays a literal
        Case({"term": '") || true || ("'}, []),
    ],
    "entity-schema-org": [
        Case({"entity": "project:co-kiruna"}, triples=CO_KIRUNA_SCHEMA),
        Case({}, triples=KIRUNA_KOMMUN_SCHEMA),
        Case({"entity": "organisation:no-such-organisation"}, triples=set()),
    ],
    "partner-network": [
        Case(
            {"lang": "en"},
            [
                (
                    ORG + "filmpool-nord",
                    "Filmpool Nord AB",
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    "1",
                    {"Collaboration with Filmpool Nord"},
                ),
                (
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    ORG + "kiruna-lapland",
                    "Kiruna Lapland Economic Association",
                    "1",
                    {"Sustainable destination development in Kiruna"},
                ),
                (
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    ORG + "ltu-business",
                    "LTU Business",
                    "1",
                    {"RIT"},
                ),
                (
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    ORG + "lulea-tekniska-universitet",
                    "Luleå University of Technology",
                    "1",
                    {"RIT"},
                ),
                (
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    ORG + "region-norrbotten",
                    "Region Norrbotten",
                    "1",
                    {"c/o Kiruna"},
                ),
                (
                    ORG + "kiruna-kommun",
                    "Kiruna Municipality",
                    ORG + "sparbanken-nord",
                    "Sparbanken Nord",
                    "1",
                    {"c/o Kiruna"},
                ),
                (ORG + "kiruna-kommun", "Kiruna Municipality", ORG + "vinnova", "Vinnova", "1", {"Kirunabo"}),
                (
                    ORG + "ltu-business",
                    "LTU Business",
                    ORG + "lulea-tekniska-universitet",
                    "Luleå University of Technology",
                    "1",
                    {"RIT"},
                ),
                (
                    ORG + "region-norrbotten",
                    "Region Norrbotten",
                    ORG + "sparbanken-nord",
                    "Sparbanken Nord",
                    "1",
                    {"c/o Kiruna"},
                ),
            ],
            joined=("activities",),
        ),
    ],
    "has-wikidata-link": [
        Case({"entity": "place:tornedalen"}, boolean=True),
        Case({}, boolean=True),
        # left unlinked on purpose (data/links/wikidata.ttl)
        Case({"entity": "organisation:regeringen"}, boolean=False),
    ],
}

#: Queries whose example may rightly give no rows, and why.
EMPTY_IS_AN_ANSWER = {
    # the goal is that every entity has an English description: then the example gives nothing
    "missing-descriptions": "an empty list means every entity has a description in the language",
}


# -- helpers --------------------------------------------------------------------------------------


def federated(query: Query) -> bool:
    """A query that calls another endpoint (SERVICE): it needs the network, so tests never run it."""
    return re.search(r"\bSERVICE\b", query.sparql, re.IGNORECASE) is not None


def normalise(result: Result, joined: tuple[str, ...]) -> list[tuple[Any, ...]]:
    rows = []
    for row in result.dicts():
        cells: list[Any] = []
        for name in result.variables:
            value = row[name]
            if name in joined:
                cells.append(frozenset(value.split("; ")) if value else frozenset())
            else:
                cells.append(value)
        rows.append(tuple(cells))
    return rows


def freeze(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """An expected row with its joined-list sets made hashable."""
    return tuple(frozenset(cell) if isinstance(cell, set) else cell for cell in row)


def triple_strings(result: Result) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in result.triples or []}


def all_cases() -> list[Any]:
    return [
        pytest.param(name, case, id=f"{name}-{i}")
        for name, cases in sorted(CASES.items())
        for i, case in enumerate(cases)
    ]


# -- tests ----------------------------------------------------------------------------------------


def test_every_query_has_a_case(kiruna: Project) -> None:
    """A query in queries/ without a test case here fails; so does a case for a query that is gone."""
    assert sorted(CASES) == sorted(kiruna.queries)
    for name, query in kiruna.queries.items():
        if federated(query):
            continue
        assert CASES[name], f"{name} has no test case"
        assert any(case.params == query.example for case in CASES[name]), f"{name}: its example is not tested"


@pytest.mark.parametrize(("name", "case"), all_cases())
def test_canned_query_answer(kiruna: Project, name: str, case: Case) -> None:
    """Each query, run with the case's parameters, gives exactly the answer the data implies."""
    result = kiruna.query(name, case.params)
    if case.boolean is not None:
        assert result.kind == "ask"
        assert result.boolean is case.boolean
    elif case.triples is not None:
        assert result.kind == "graph"
        assert triple_strings(result) == case.triples
    else:
        assert result.kind == "select"
        rows = normalise(result, case.joined)
        expected = [freeze(row) for row in case.rows or []]
        if isinstance(case.rows, list):
            assert rows == expected
        else:
            assert len(rows) == len(set(rows)), "duplicate rows"
            assert set(rows) == set(expected)


@pytest.mark.parametrize("name", sorted(CASES))
def test_example_runs_and_answers(kiruna: Project, name: str) -> None:
    """The header's example runs and gives at least one row (a triple, a yes), unless empty is an answer."""
    query = kiruna.queries[name]
    assert query.example or not query.params, f"{name} has parameters but no example"
    if federated(query):
        return  # run against a stand-in Wikidata in test_federated_query_runs_against_a_local_wikidata
    result = kiruna.query(name, query.example)
    if name in EMPTY_IS_AN_ANSWER:
        return
    if result.kind == "ask":
        assert result.boolean is True
    elif result.kind == "graph":
        assert result.triples
    else:
        assert result.rows


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_parses_with_prefixes_and_defaults(kiruna: Project, name: str) -> None:
    """rdflib parses every query once the shared prefixes are added and the defaults (or example) bound."""
    query = kiruna.queries[name]
    prefixes = kiruna.prefixes
    for values in ({}, query.example):
        bound = bind(query, values, prefixes)
        prepareQuery(with_prefixes(bound, kiruna.query_prefixes))


@pytest.mark.parametrize("name", sorted(CASES))
def test_header_is_complete_and_bilingual(kiruna: Project, name: str) -> None:
    """Summary, description and every parameter's description in English and Swedish; defaults; a result note."""
    query = kiruna.queries[name]
    assert query.summary and query.summary_sv and query.description and query.description_sv
    assert query.tags and query.result
    for param in query.params:
        assert param.description and param.description_sv, f"{name}: parameter {param.name}"
        assert param.default is not None, f"{name}: parameter {param.name} has no default"


def test_federated_queries_are_tagged_and_documented(kiruna: Project) -> None:
    """A query calls out with SERVICE exactly when it is tagged federated, and says it needs the network."""
    for query in kiruna.queries.values():
        assert federated(query) == ("federated" in query.tags), query.name
        if federated(query):
            assert "network" in query.description and "nätverk" in query.description_sv, query.name


def test_wikidata_federated_query_parses_and_names_the_endpoint(kiruna: Project) -> None:
    """The Wikidata example parses and sends its SERVICE part to Wikidata's endpoint; it is never run here."""
    query = kiruna.queries["wikidata-municipality-facts"]
    assert re.search(rf"SERVICE\s*<{re.escape(WIKIDATA_ENDPOINT)}>", query.sparql)
    prefixes = kiruna.prefixes
    parsed = prepareQuery(with_prefixes(bind(query, query.example, prefixes), kiruna.query_prefixes))
    assert WIKIDATA_ENDPOINT in str(parsed.algebra)


def test_federated_query_runs_against_a_local_wikidata(
    kiruna: Project, oxigraph_server: Callable[[list[Path]], str], shared: Callable[[str], Path]
) -> None:
    """The federated example, its SERVICE pointed at a local Oxigraph loaded with the Wikidata excerpt,
    joins our municipalities with the excerpt's items (no network needed)."""
    endpoint = oxigraph_server([shared("wikidata/excerpt.ttl")])
    query = kiruna.queries["wikidata-municipality-facts"]
    text = with_prefixes(bind(query, query.example, kiruna.prefixes), kiruna.query_prefixes)
    local = text.replace(f"<{WIKIDATA_ENDPOINT}>", f"<{endpoint}>")
    assert local != text
    rows = Project(kiruna.root).local_engine.run(local).dicts()
    assert {r["wikidata"] for r in rows} == {
        "http://www.wikidata.org/entity/" + q for q in ("Q499474", "Q510310", "Q307603", "Q186230")
    }
    assert {r["name"] for r in rows} == {
        "Kiruna Municipality",
        "Haparanda Municipality",
        "Övertorneå Municipality",
        "Pajala Municipality",
    }


def test_prefixed_and_full_iris_give_the_same_answer(kiruna: Project) -> None:
    """An iri parameter takes a prefixed name, as printed in result tables, or the full IRI."""
    short = kiruna.query("organisation-involvement", {"org": "organisation:vinnova"}).dicts()
    full = kiruna.query("organisation-involvement", {"org": ORG + "vinnova"}).dicts()
    assert short == full and short
