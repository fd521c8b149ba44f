"""Fixtures of the linking tests: a local Wikidata stand-in (Oxigraph with the excerpt), changed
copies of it, and throwaway copies of the Kiruna project."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from kgpub import Project
from kgpub.link.client import WikidataClient
from kgpub.link.settings import LinkSettings, link_settings

REPO = Path(__file__).resolve().parents[2]
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
ID = "https://data.kiruna.se/id/"

#: The item each entity has in the excerpt (what data/links/wikidata.ttl holds).
EXPECTED = {
    "place/sverige": "Q34",
    "place/finland": "Q33",
    "place/norge": "Q20",
    "place/norrbottens-lan": "Q103686",
    "place/kiruna": "Q83232",
    "place/tornedalen": "Q734149",
    "organisation/kiruna-kommun": "Q499474",
    "organisation/haparanda-kommun": "Q510310",
    "organisation/overtornea-kommun": "Q307603",
    "organisation/pajala-kommun": "Q186230",
    "organisation/vinnova": "Q4355568",
    "organisation/lulea-tekniska-universitet": "Q1972721",
}


@pytest.fixture(scope="session")
def excerpt(shared: Callable[[str], Path]) -> Path:
    return shared("wikidata/excerpt.ttl")


@pytest.fixture(scope="session")
def wikidata(excerpt: Path, oxigraph_server: Callable[[list[Path]], str]) -> str:
    """A local SPARQL endpoint holding the Wikidata excerpt."""
    return oxigraph_server([excerpt])


@pytest.fixture(scope="session")
def changed_wikidata(
    excerpt: Path, oxigraph_server: Callable[[list[Path]], str], tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The excerpt after some edits on Wikidata: Pajala kommun merged into a new item (a redirect),
    Haparanda kommun deleted, and Övertorneå kommun turned into a town by a bad edit."""
    graph = Graph().parse(excerpt, format="turtle")
    old, new = URIRef(WD + "Q186230"), URIRef(WD + "Q90000001")
    for p, o in list(graph.predicate_objects(old)):
        graph.remove((old, p, o))
        graph.add((new, p, o))
    graph.add((old, OWL.sameAs, new))
    for p, o in list(graph.predicate_objects(URIRef(WD + "Q510310"))):
        graph.remove((URIRef(WD + "Q510310"), p, o))
    overtornea = URIRef(WD + "Q307603")
    graph.set((overtornea, URIRef(WDT + "P31"), URIRef(WD + "Q12813115")))
    graph.add((URIRef(WD + "Q4355568"), URIRef(WDT + "P856"), URIRef("https://www.vinnova.se/")))
    graph.add((URIRef(WD + "Q90000001"), RDFS.label, Literal("Pajala kommun", lang="sv")))
    path = tmp_path_factory.mktemp("changed") / "excerpt-changed.ttl"
    graph.serialize(path, format="turtle")
    return oxigraph_server([path])


def copy_project(folder: Path, *, links: bool = True) -> Path:
    """A copy of the Kiruna project in ``folder`` (without its Wikidata links if ``links`` is False)."""
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "kgpub.toml", folder / "kgpub.toml")
    if not links:
        (folder / "data" / "links" / "wikidata.ttl").unlink()
        (folder / "data" / "links" / "rejected.csv").unlink(missing_ok=True)
    return folder


@pytest.fixture
def unlinked(tmp_path: Path) -> Project:
    """The Kiruna project without any Wikidata link or remembered rejection."""
    return Project(copy_project(tmp_path / "kiruna", links=False))


@pytest.fixture
def linked(tmp_path: Path) -> Project:
    """The Kiruna project as it is, links included."""
    return Project(copy_project(tmp_path / "kiruna"))


def settings_for(endpoint: str, **overrides: object) -> LinkSettings:
    return link_settings({"endpoint": endpoint, "timeout": 10, "retries": 1, "backoff": 0.01, **overrides})


def client_for(settings: LinkSettings) -> WikidataClient:
    return WikidataClient(
        settings.endpoint,
        contact="https://data.kiruna.se/ (tests)",
        timeout=settings.timeout,
        retries=settings.retries,
        backoff=settings.backoff,
        max_wait=settings.max_wait,
    )
