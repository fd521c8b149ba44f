"""Which Wikidata classes fit which kind of entity, and which are the classic confusions.

A Wikidata item's ``instance of`` (P31) values are followed up ``subclass of`` (P279) to a small set
of well-known classes, grouped in *categories* (``municipality``, ``settlement``, ``county`` …). Each
kgpub kind says which categories fit it exactly and which fit only broadly (a municipality is also
an organisation). Anything else is a mismatch, and the classic ones get their own explanation: a
municipality is not a town, a parish is not a village or a former municipality, a county council
is not a county, a county is not a province.

When an item has no ``instance of`` at all, its description is read for the same categories
(``"former municipality of Sweden"``), with half the weight.
"""

from __future__ import annotations

#: Category -> the Wikidata classes that define it (their subclasses belong to it too).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "country": ("Q6256", "Q3624078"),
    "county": ("Q200547", "Q28575"),
    "province": ("Q193556",),
    "municipality": ("Q127448", "Q15284"),
    "settlement": ("Q12813115", "Q486972", "Q3957", "Q532", "Q515"),
    "parish": ("Q102496",),
    "valley": ("Q39816",),
    "university": ("Q3918", "Q38723"),
    "agency": ("Q327333",),
    "government": ("Q7188",),
    "bank": ("Q22687",),
    "company": ("Q783794", "Q4830453"),
    "cooperative": ("Q4539",),
    "project": ("Q170584",),
    "organisation": ("Q43229",),
}
#: Every class of CATEGORIES, for the P279* query.
KNOWN_CLASSES: tuple[str, ...] = tuple(sorted({q for qs in CATEGORIES.values() for q in qs}))
#: Most specific first: the category used to explain a mismatch.
PRIORITY = (
    "former municipality",
    "county council",
    "district",
    "province",
    "country",
    "county",
    "municipality",
    "parish",
    "settlement",
    "valley",
    "university",
    "agency",
    "government",
    "bank",
    "cooperative",
    "company",
    "project",
    "organisation",
)

#: Words in a description (lower case, English or Swedish) that name a category; first match wins.
DESCRIPTION_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("former municipality", ("former municipality", "före detta kommun", "tidigare kommun", "landskommun")),
    ("county council", ("county council", "landsting")),
    ("province", ("province", "landskap i", "landskap")),
    ("district", ("district", "distrikt")),
    ("parish", ("parish", "församling")),
    ("county", ("county of", "county in", "län i")),
    ("municipality", ("municipality", "kommun i")),
    ("settlement", ("village", "town in", "urban area", "tätort", "småort", "by i", "locality", "city in")),
    ("university", ("university", "universitet")),
    ("agency", ("government agency", "statlig myndighet", "förvaltningsmyndighet")),
)

_ORGANISATIONS = frozenset(
    {"organisation", "company", "agency", "university", "cooperative", "bank", "government"}
)
_PLACES = frozenset({"country", "county", "municipality", "settlement", "parish", "valley", "province"})

#: kgpub kind -> (categories that fit, categories that fit broadly).
KIND_FITS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Country": (frozenset({"country"}), frozenset()),
    "County": (frozenset({"county"}), frozenset()),
    "Municipality": (frozenset({"municipality"}), frozenset({"organisation", "government"})),
    "Town": (frozenset({"settlement"}), frozenset()),
    "Parish": (frozenset({"parish"}), frozenset()),
    "RiverValley": (frozenset({"valley"}), frozenset()),
    "AdministrativeArea": (frozenset({"country", "county", "municipality", "parish"}), frozenset()),
    "Place": (frozenset(), _PLACES),
    "University": (frozenset({"university"}), frozenset({"organisation"})),
    "GovernmentAgency": (frozenset({"agency"}), frozenset({"organisation"})),
    "Government": (frozenset({"government"}), frozenset({"organisation", "agency"})),
    "RegionalAuthority": (frozenset({"county council"}), frozenset({"organisation", "agency"})),
    "Bank": (frozenset({"bank"}), frozenset({"company", "organisation"})),
    "LimitedCompany": (frozenset({"company"}), frozenset({"organisation", "bank"})),
    "EconomicAssociation": (frozenset({"cooperative"}), frozenset({"company", "organisation"})),
    "CooperationCouncil": (frozenset(), frozenset({"organisation"})),
    "LocalActionGroup": (frozenset(), frozenset({"organisation"})),
    "Board": (frozenset(), frozenset({"organisation"})),
    "Organisation": (frozenset(), _ORGANISATIONS),
    "Project": (frozenset({"project"}), frozenset()),
    "Collaboration": (frozenset({"project"}), frozenset({"organisation"})),
}

#: The class a new Wikidata item for an entity of this kind gets (QuickStatements export).
NEW_ITEM_CLASS: dict[str, str] = {
    "Country": "Q6256",
    "County": "Q200547",
    "Municipality": "Q127448",
    "Town": "Q12813115",
    "Parish": "Q102496",
    "RiverValley": "Q39816",
    "University": "Q3918",
    "GovernmentAgency": "Q327333",
    "Government": "Q7188",
    "RegionalAuthority": "Q43229",
    "Bank": "Q22687",
    "LimitedCompany": "Q783794",
    "EconomicAssociation": "Q4539",
    "CooperationCouncil": "Q43229",
    "LocalActionGroup": "Q43229",
    "Board": "Q43229",
    "Organisation": "Q43229",
    "Project": "Q170584",
    "Collaboration": "Q170584",
}

#: (kgpub kind, their category) -> key of the explanation in kgpub.link.texts.
TRAPS: dict[tuple[str, str], str] = {
    ("Municipality", "settlement"): "trap_municipality_town",
    ("Town", "municipality"): "trap_town_municipality",
    ("Parish", "settlement"): "trap_parish_village",
    ("Parish", "municipality"): "trap_parish_municipality",
    ("Parish", "former municipality"): "trap_parish_former",
    ("Parish", "district"): "trap_parish_district",
    ("County", "province"): "trap_county_province",
    ("County", "county council"): "trap_county_council",
    ("RegionalAuthority", "county"): "trap_council_county",
}


def fits(kinds: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]] | None:
    """The categories that fit (exactly, broadly) any of ``kinds``; None if kgpub knows none."""
    exact: set[str] = set()
    broad: set[str] = set()
    known = False
    for kind in kinds:
        if kind in KIND_FITS:
            known = True
            e, b = KIND_FITS[kind]
            exact |= e
            broad |= b
    return (frozenset(exact), frozenset(broad - exact)) if known else None


def categories_of(classes: set[str]) -> set[str]:
    """The categories of a set of well-known classes (the P279* ancestors of an item's P31 values)."""
    return {cat for cat, qids in CATEGORIES.items() if classes.intersection(qids)}


def hinted_category(description: str) -> tuple[str, str] | None:
    """The category a description names, and the words that named it."""
    lower = description.lower()
    for category, words in DESCRIPTION_HINTS:
        for word in words:
            if word in lower:
                return category, word
    return None


def most_specific(categories: set[str]) -> str:
    for category in PRIORITY:
        if category in categories:
            return category
    return sorted(categories)[0]
