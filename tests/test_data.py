"""The Kiruna data holds the facts of the source page (as read by a person), and only verified links.

The expectations below were written from the page text, not from kgpub's output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kgpub import Project

ID = "https://data.kiruna.se/id/"
K = "https://w3id.org/kgpub/def#"
S = "http://schema.org/"
PAGE = URIRef("https://kiruna.se/naringsliv--arbete/projekt-och-samarbete.html")


def iri(path: str) -> URIRef:
    return URIRef(ID + path)


def objects(g: Graph, s: str, p: str) -> set[str]:
    return {str(o) for o in g.objects(iri(s), URIRef(p))}


@pytest.fixture(scope="module")
def g(kiruna: Project) -> Graph:
    return kiruna.data.graph


def test_every_project_and_collaboration_on_the_page(g: Graph) -> None:
    """Each project and collaboration the page names is there, the garden heading included."""
    names = {
        str(o) for s in g.subjects(RDF.type, None) for o in g.objects(s, RDFS.label) if o.language == "sv"
    }
    for name in (
        "Gemensam trädgård för odling",
        "c/o Kiruna",
        "Kirunabo",
        "RIT",
        "Filmpool Nord AB",
        "Tornedalsrådet",
        "Hållbar destinationsutveckling",
        "Fiskeområde Tornedalen Haparanda skärgård 2020",
        "Landsbygdsprogrammet 2014–2020",
    ):
        assert name in names, name


@pytest.mark.parametrize(
    ("entity", "start", "end"),
    [
        ("project/co-kiruna", "2018", "2020"),
        ("project/kirunabo", "2018", "2019"),
        ("project/hallbar-destinationsutveckling", "2012", "2015"),
        ("plan/landsbygdsprogrammet-2014-2020", "2014", "2020"),
    ],
)
def test_periods_are_years(g: Graph, entity: str, start: str, end: str) -> None:
    """Periods are given as years (the page gives no days), typed xsd:gYear."""
    assert set(g.objects(iri(entity), URIRef(S + "startDate"))) == {Literal(start, datatype=XSD.gYear)}
    assert set(g.objects(iri(entity), URIRef(S + "endDate"))) == {Literal(end, datatype=XSD.gYear)}


def test_spring_is_a_note_not_a_day(g: Graph) -> None:
    """c/o Kiruna's 'våren 2018' / 'våren 2020' is kept as a note beside year-precision dates."""
    notes = " ".join(objects(g, "project/co-kiruna", "http://www.w3.org/2004/02/skos/core#note"))
    assert "våren 2018" in notes and "våren 2020" in notes


def test_founding_years(g: Graph) -> None:
    """Filmpool Nord started 1992, Tornedalsrådet was formed 1987."""
    assert objects(g, "organisation/filmpool-nord", S + "foundingDate") == {"1992"}
    assert objects(g, "organisation/tornedalsradet", S + "foundingDate") == {"1987"}


def test_funders_and_operators(g: Graph) -> None:
    """Who finances and who runs each project, as the page says."""
    org = ID + "organisation/"
    assert objects(g, "project/co-kiruna", S + "funder") == {
        org + "kiruna-kommun",
        org + "sparbanken-nord",
        org + "region-norrbotten",
    }
    assert objects(g, "project/kirunabo", S + "funder") == {org + "kiruna-kommun", org + "vinnova"}
    assert objects(g, "project/rit", K + "operatedBy") == {
        org + "ltu-business",
        org + "lulea-tekniska-universitet",
    }
    assert objects(g, "project/hallbar-destinationsutveckling-kiruna", K + "operatedBy") == {
        org + "kiruna-lapland"
    }
    assert objects(g, "project/hallbar-destinationsutveckling-kiruna", K + "coFinancedBy") == {
        org + "kiruna-kommun"
    }
    assert objects(g, "project/hallbar-destinationsutveckling", K + "initiatedBy") == {org + "regeringen"}


def test_counts(g: Graph) -> None:
    """Twelve owner municipalities; five selected destinations."""
    assert objects(g, "organisation/norrbotten-twelve-municipalities", K + "memberCount") == {"12"}
    assert objects(g, "project/hallbar-destinationsutveckling", K + "destinationCount") == {"5"}


def test_ownership_of_filmpool_nord(g: Graph) -> None:
    """Filmpool Nord AB is owned by the twelve municipalities (Kiruna among them) and the county council."""
    owners = objects(g, "organisation/filmpool-nord", K + "ownedBy")
    assert {ID + "organisation/norrbottens-lans-landsting", ID + "organisation/kiruna-kommun"} <= owners
    assert (iri("organisation/filmpool-nord"), RDF.type, URIRef(K + "LimitedCompany")) in g


def test_strategy_area_goals_and_focus_areas(g: Graph) -> None:
    """The Tornedalen 2020 strategy: its area, vision, three goals and three numbered focus areas."""
    s = "plan/lokal-utvecklingsstrategi-tornedalen-2020"
    org = ID + "organisation/"
    assert objects(g, s, K + "areaPartlyCovered") == {org + "haparanda-kommun"}
    assert {
        org + "overtornea-kommun",
        org + "pajala-kommun",
        ID + "place/vittangi-forsamling",
        ID + "place/karesuando-forsamling",
    } <= objects(g, s, K + "areaCovered")
    goals = [o for o in g.objects(iri(s), URIRef(K + "goal")) if o.language == "sv"]
    assert len(goals) == 3
    vision = [str(o) for o in g.objects(iri(s), URIRef(K + "vision")) if o.language == "sv"]
    assert vision == [
        "Tornedalen är en gränsöverskridande mötesplats där människor och företag kan förverkliga sina idéer i en kreativ livsmiljö"
    ]
    positions = sorted(
        int(g.value(fa, URIRef(S + "position"))) for fa in g.objects(iri(s), URIRef(K + "focusArea"))
    )
    assert positions == [1, 2, 3]


def test_fisheries_area_municipalities(g: Graph) -> None:
    """Kiruna, Pajala, Övertorneå and Haparanda are part of the fisheries area."""
    org = ID + "organisation/"
    assert objects(g, "place/fiskeomrade-tornedalen-haparanda-skargard-2020", S + "containsPlace") == {
        org + x for x in ("kiruna-kommun", "pajala-kommun", "overtornea-kommun", "haparanda-kommun")
    }


def test_representation_in_tornedalsradet(g: Graph) -> None:
    """Kiruna kommun is represented in both the council and its board."""
    assert objects(g, "organisation/kiruna-kommun", K + "representedIn") == {
        ID + "organisation/tornedalsradet",
        ID + "organisation/tornedalsradet-styrelse",
    }


def test_every_entity_has_source_and_no_blank_nodes(g: Graph) -> None:
    """Every typed entity points to the source page; nothing a user may link to is a blank node."""
    typed = {s for s in g.subjects(RDF.type, None)}
    assert all(isinstance(s, URIRef) for s in typed)
    for s in typed - {PAGE}:
        assert (s, URIRef("http://purl.org/dc/terms/source"), PAGE) in g, s
    assert (PAGE, URIRef("http://purl.org/dc/terms/publisher"), iri("organisation/kiruna-kommun")) in g


def test_iris_are_readable_ascii_slugs(g: Graph) -> None:
    """Entity IRIs are {base}id/{kind}/{ascii-slug}."""
    for s in {s for s in g.subjects() if str(s).startswith(ID)}:
        assert re.fullmatch(r"[a-z]+/[a-z0-9]+(-[a-z0-9]+)*", str(s)[len(ID) :]), s


def test_no_personal_names(repo: Path) -> None:
    """The page's publishing officer is not data."""
    text = "".join(p.read_text(encoding="utf-8") for p in (repo / "data").rglob("*.ttl"))
    assert "Asterlund" not in text and "Ronja" not in text


def test_wikidata_links_agree_with_the_excerpt(g: Graph, shared: Callable[[str], Path]) -> None:
    """Every link names an item of the offline Wikidata excerpt whose label matches the entity's."""
    excerpt = Graph().parse(shared("wikidata/excerpt.ttl"), format="turtle")
    links = list(g.subject_objects(OWL.sameAs))
    assert len(links) >= 10
    for entity, item in links:
        assert re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9]\d*", str(item))
        item_names = {str(o) for o in excerpt.objects(item, RDFS.label)} | {
            str(o) for o in excerpt.objects(item, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
        }
        ours = {str(o) for o in g.objects(entity, RDFS.label)} | {
            str(o) for o in g.objects(entity, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
        }
        assert item_names & ours, (entity, item)


@pytest.mark.parametrize(
    ("entity", "not_item", "why"),
    [
        ("organisation/norrbottens-lans-landsting", "Q103686", "a county council is not a county"),
        ("place/norrbottens-lan", "Q211649", "the county is not the province"),
        ("place/vittangi-forsamling", "Q21721318", "a parish is not a district"),
        ("place/karesuando-forsamling", "Q18291150", "a parish is not a former municipality"),
        ("organisation/regeringen", "Q10650489", "the Government is not the Government Offices"),
        ("organisation/kiruna-kommun", "Q83232", "a municipality is not its town"),
    ],
)
def test_traps_are_not_linked(g: Graph, entity: str, not_item: str, why: str) -> None:
    """Items that share a name but are other things are not linked."""
    assert URIRef("http://www.wikidata.org/entity/" + not_item) not in set(
        g.objects(iri(entity), OWL.sameAs)
    ), why
