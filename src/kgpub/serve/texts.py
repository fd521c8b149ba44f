"""The words of the pages, in Swedish and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Kiruna kommuns projekt och samarbeten som länkade data",
        "intro": "Här publiceras de projekt och samarbeten som Kiruna kommun medverkar i, med organisationer "
        "och platser, som länkade öppna data. Allt kommer från kommunens sida ”Projekt och samarbete”.",
        "projects": "Projekt och samarbeten", "organisations": "Organisationer", "places": "Platser",
        "queries": "Färdiga frågor", "sparql": "SPARQL-fråga", "dumps": "Nedladdning", "catalog": "Katalog",
        "ontology": "Ontologi", "triples": "påståenden", "home": "Start", "switch": "English",
        "described": "Beskrivning", "statements": "Uppgifter", "incoming": "Länkar hit", "source": "Källa",
        "sameas": "Samma som", "period": "Period", "types": "Typ", "run": "Kör", "results": "Resultat",
        "download": "Ladda ner", "examples": "Exempel", "editor": "Fråga", "rows": "rader", "next": "Nästa",
        "previous": "Föregående", "error": "Fel", "parameters": "Parametrar", "none": "Inga resultat.",
        "api": "API för frågorna", "endpoint": "SPARQL-endpoint", "formats": "Format",
        "truncated": "Resultatet har kortats.", "loading": "Kör frågan …",
    },
    "en": {
        "title": "Kiruna Municipality's projects and collaborations as linked data",
        "intro": "This site publishes the projects and collaborations Kiruna Municipality takes part in, "
        "with their organisations and places, as linked open data. Everything comes from the "
        "municipality's page “Projekt och samarbete” (projects and collaborations).",
        "projects": "Projects and collaborations", "organisations": "Organisations", "places": "Places",
        "queries": "Ready-made queries", "sparql": "SPARQL query", "dumps": "Downloads",
        "catalog": "Catalogue",
        "ontology": "Ontology", "triples": "statements", "home": "Home", "switch": "Svenska",
        "described": "Description", "statements": "Facts", "incoming": "Links here", "source": "Source",
        "sameas": "Same as", "period": "Period", "types": "Type", "run": "Run", "results": "Results",
        "download": "Download", "examples": "Examples", "editor": "Query", "rows": "rows", "next": "Next",
        "previous": "Previous", "error": "Error", "parameters": "Parameters", "none": "No results.",
        "api": "Query API", "endpoint": "SPARQL endpoint", "formats": "Formats",
        "truncated": "The result was cut short.", "loading": "Running the query …",
    },
}  # fmt: skip


#: Names of the standard properties the data reuses (the ontology names only its own terms).
PROPERTY_LABELS: dict[str, dict[str, str]] = {
    "http://schema.org/funder": {"sv": "finansiär", "en": "funder"},
    "http://schema.org/containedInPlace": {"sv": "ligger i", "en": "contained in"},
    "http://schema.org/containsPlace": {"sv": "omfattar", "en": "contains"},
    "http://schema.org/foundingDate": {"sv": "grundad", "en": "founded"},
    "http://schema.org/position": {"sv": "nummer", "en": "number"},
    "http://www.w3.org/2004/02/skos/core#note": {"sv": "anmärkning", "en": "note"},
    "http://www.w3.org/2004/02/skos/core#altLabel": {"sv": "även kallad", "en": "also called"},
    "http://purl.org/dc/terms/title": {"sv": "titel", "en": "title"},
    "http://purl.org/dc/terms/publisher": {"sv": "utgivare", "en": "publisher"},
    "http://purl.org/dc/terms/language": {"sv": "språk", "en": "language"},
    "http://purl.org/dc/terms/source": {"sv": "källa", "en": "source"},
}
