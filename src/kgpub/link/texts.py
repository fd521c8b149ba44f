"""The words of ``kgpub link``: the reasons in the review file and the summary, in Swedish and English.

The people who confirm links read these, so every reason says in plain words what was compared and
what it means; the points it gives follow in brackets.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # -- names
    "name_label": {
        "sv": 'namnet "{text}" är dess etikett ({langs})',
        "en": 'the name "{text}" is its label ({langs})',
    },
    "name_alias_theirs": {
        "sv": 'namnet "{text}" är ett av dess alternativa namn ({langs})',
        "en": 'the name "{text}" is one of its aliases ({langs})',
    },
    "name_alias_ours": {
        "sv": 'vårt alternativa namn "{text}" finns bland dess namn ({langs})',
        "en": 'our alternative name "{text}" is among its names ({langs})',
    },
    "name_variant": {
        "sv": 'namnformen "{text}" (av "{origin}") finns bland dess namn ({langs})',
        "en": 'the name variant "{text}" (from "{origin}") is among its names ({langs})',
    },
    "name_related": {
        "sv": 'det närliggande namnet "{text}" (av "{origin}") finns bland dess namn ({langs}); '
        "det kan vara en annan sorts enhet",
        "en": 'the related name "{text}" (from "{origin}") is among its names ({langs}); '
        "it may be another kind of unit",
    },
    "name_languages": {
        "sv": "namnen stämmer på {count} språk",
        "en": "the names match in {count} languages",
    },
    # -- types
    "type_fits": {
        "sv": "är {classes}: passar en {kind}",
        "en": "instance of {classes}: fits a {kind}",
    },
    "type_broad": {
        "sv": "är {classes}: passar en {kind} bara i stort",
        "en": "instance of {classes}: fits a {kind} only broadly",
    },
    "type_mismatch": {
        "sv": "är {classes}: {why}",
        "en": "instance of {classes}: {why}",
    },
    "type_unknown_class": {
        "sv": "är {classes}, som kgpub inte kan jämföra med en {kind}; kontrollera typen",
        "en": "instance of {classes}, which kgpub cannot match to a {kind}; check the type",
    },
    "type_none": {
        "sv": "saknar 'instans av' (P31): typen är inte bekräftad",
        "en": "no 'instance of' (P31): the type is not confirmed",
    },
    "type_hint_fits": {
        "sv": 'beskrivs som "{description}": passar en {kind}',
        "en": 'described as "{description}": fits a {kind}',
    },
    "type_hint_mismatch": {
        "sv": 'beskrivs som "{description}": {why}',
        "en": 'described as "{description}": {why}',
    },
    "type_kind_unknown": {
        "sv": "kgpub vet inte vilka Wikidata-klasser som passar en {kind}",
        "en": "kgpub does not know which Wikidata classes fit a {kind}",
    },
    "mismatch_generic": {
        "sv": "{theirs} passar inte en {kind}",
        "en": "{theirs} does not fit a {kind}",
    },
    "trap_municipality_town": {
        "sv": "en kommun är inte en ort (tätort eller by)",
        "en": "a municipality is not a town or village",
    },
    "trap_town_municipality": {"sv": "en ort är inte en kommun", "en": "a town is not a municipality"},
    "trap_parish_village": {
        "sv": "en församling är inte en by eller tätort",
        "en": "a parish is not a village or town",
    },
    "trap_parish_municipality": {
        "sv": "en församling är inte en kommun",
        "en": "a parish is not a municipality",
    },
    "trap_parish_former": {
        "sv": "en församling är inte en före detta kommun",
        "en": "a parish is not a former municipality",
    },
    "trap_parish_district": {
        "sv": "en församling är inte ett distrikt",
        "en": "a parish is not a district",
    },
    "trap_county_province": {"sv": "ett län är inte ett landskap", "en": "a county is not a province"},
    "trap_county_council": {
        "sv": "ett län är inte ett landsting",
        "en": "a county is not a county council",
    },
    "trap_council_county": {
        "sv": "ett landsting (en region) är inte ett län",
        "en": "a county council is not a county",
    },
    # -- categories (for explanations)
    "cat_country": {"sv": "ett land", "en": "a country"},
    "cat_county": {"sv": "ett län", "en": "a county"},
    "cat_province": {"sv": "ett landskap", "en": "a province"},
    "cat_municipality": {"sv": "en kommun", "en": "a municipality"},
    "cat_settlement": {"sv": "en ort", "en": "a town or village"},
    "cat_parish": {"sv": "en församling", "en": "a parish"},
    "cat_valley": {"sv": "en dal", "en": "a valley"},
    "cat_university": {"sv": "ett universitet", "en": "a university"},
    "cat_agency": {"sv": "en myndighet", "en": "a government agency"},
    "cat_government": {"sv": "en regering", "en": "a government"},
    "cat_bank": {"sv": "en bank", "en": "a bank"},
    "cat_company": {"sv": "ett företag", "en": "a company"},
    "cat_cooperative": {"sv": "en ekonomisk förening", "en": "a cooperative"},
    "cat_project": {"sv": "ett projekt", "en": "a project"},
    "cat_organisation": {"sv": "en organisation", "en": "an organisation"},
    "cat_former municipality": {"sv": "en före detta kommun", "en": "a former municipality"},
    "cat_county council": {"sv": "ett landsting", "en": "a county council"},
    "cat_district": {"sv": "ett distrikt", "en": "a district"},
    # -- places
    "country_same": {"sv": "ligger i {country}", "en": "in {country}"},
    "country_other": {
        "sv": "ligger i {theirs}, inte i {ours}",
        "en": "in {theirs}, not in {ours}",
    },
    "country_none": {"sv": "inget land (P17) att jämföra", "en": "no country (P17) to compare"},
    "within_same": {
        "sv": "ligger i {place}, liksom vår",
        "en": "located in {place}, as ours is",
    },
    "within_other": {
        "sv": "ligger i {theirs}, men vår ligger i {ours}",
        "en": "located in {theirs}, but ours is in {ours}",
    },
    "within_none": {
        "sv": "ingen 'ligger i' (P131) att jämföra",
        "en": "no 'located in' (P131) to compare",
    },
    # -- identifiers and links
    "identifier_same": {"sv": "samma {property}: {value}", "en": "same {property}: {value}"},
    "identifier_other": {
        "sv": "annan {property}: vår {ours}, dess {theirs}",
        "en": "different {property}: ours {ours}, its {theirs}",
    },
    "linked_elsewhere": {
        "sv": "är redan länkad från {other}",
        "en": "already linked from {other}",
    },
    # -- check
    "check_ok": {"sv": "i ordning", "en": "fine"},
    "check_missing": {
        "sv": "{qid} finns inte (längre) i Wikidata: posten är raderad eller fel",
        "en": "{qid} does not exist (any more) in Wikidata: the item was deleted, or the link is wrong",
    },
    "check_redirect": {
        "sv": "{qid} har slagits ihop med {target} ({label}) och är nu en omdirigering; föreslår {target}",
        "en": "{qid} was merged into {target} ({label}) and is now a redirect; proposing {target}",
    },
    "check_orphan": {
        "sv": "entiteten finns inte längre i data; ta bort raden ur {path}",
        "en": "the entity no longer exists in the data; delete its line from {path}",
    },
    "check_type": {"sv": "typen passar inte längre: {why}", "en": "the type no longer fits: {why}"},
    # -- summary
    "summary_searched": {
        "sv": "Sökte kandidater för {count} entiteter utan länk i {endpoint} ({requests} frågor).",
        "en": "Searched candidates for {count} entities without a link on {endpoint} ({requests} requests).",
    },
    "summary_strong": {
        "sv": "Starka kandidater (poäng {threshold} eller mer) – måste ändå bekräftas:",
        "en": "Strong candidates (score {threshold} or more) – still to be confirmed:",
    },
    "summary_weak": {
        "sv": "Svagare kandidater – läs skälen:",
        "en": "Weaker candidates – read the reasons:",
    },
    "summary_none": {
        "sv": "Ingen kandidat ({count}): {names}",
        "en": "No candidate ({count}): {names}",
    },
    "summary_wrote": {
        "sv": "Skrev {path}: {rows} kandidater. Skriv accept eller reject i kolumnen decision och kör sedan: "
        "kgpub link accept {path}",
        "en": "Wrote {path}: {rows} candidates. Write accept or reject in the decision column, then run: "
        "kgpub link accept {path}",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (Swedish or English), filled in."""
    entry = TEXTS[key]
    return (entry.get(lang) or entry["en"]).format(**values)
