"""Helpers for tests (kgpub's own and a municipality's): make a throwaway project in a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from kgpub.scaffold import bundled

SOURCE_PAGE = """\
@prefix schema: <http://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://example.se/projekt.html> a schema:WebPage , foaf:Document ;
    rdfs:label "Projekt"@sv , "Projects"@en ;
    dcterms:title "Projekt"@sv ;
    dcterms:language "sv" ;
    dcterms:publisher <https://data.example.se/id/organisation/exempel-kommun> .
"""

PREFIXES = """\
@prefix kgpub: <https://w3id.org/kgpub/def#> .
@prefix schema: <http://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix exo: <https://data.example.se/id/organisation/> .
@prefix exp: <https://data.example.se/id/project/> .
@prefix expl: <https://data.example.se/id/place/> .
@prefix ex: <https://data.example.se/id/> .
"""

MUNICIPALITY = (
    PREFIXES
    + """
exo:exempel-kommun a kgpub:Municipality ;
    rdfs:label "Exempels kommun"@sv , "Exempel Municipality"@en ;
    dcterms:source <https://example.se/projekt.html> .
"""
)

CONFIG = """\
name = "exempel"
base = "https://data.example.se/"
languages = ["sv", "en"]
release = 2026-01-01
"""


def make_project(
    folder: Path,
    data: dict[str, str] | None = None,
    *,
    config: str | None = CONFIG,
    with_source: bool = True,
) -> Path:
    """A project in ``folder`` with kgpub's ontology and shapes and the given data files.

    ``data`` maps file names under ``data/`` to Turtle text; by default it holds one valid
    municipality and the source page it comes from.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "shapes"):
        shutil.copytree(bundled(name), folder / name, dirs_exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    files = {"organisations.ttl": MUNICIPALITY} if data is None else dict(data)
    if with_source:
        files.setdefault("source.ttl", SOURCE_PAGE)
    for name, text in files.items():
        path = folder / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        (folder / "kgpub.toml").write_text(config, encoding="utf-8")
    return folder
