"""Generate a synthetic kgpub project shaped like the Kiruna data, of about N triples.

    python bench/generate.py OUT_DIR --triples 100000 [--seed 1] [--municipalities 29]

The project has what the Kiruna data has, at scale: the country, counties (the 21 real län names),
municipalities (each both an organisation and a place), towns and parishes contained in them,
regional authorities, agencies, universities, companies, associations, banks, councils with boards,
groups, local action groups with their strategies and focus areas, programmes, a method, processes,
plans, and projects and collaborations (sv+en labels and descriptions, gYear start/end with
end >= start, funders, operators, participants, areas covered, purposes), one source page per
municipality, and ``owl:sameAs`` links to made-up ``http://www.wikidata.org/entity/Q…`` IRIs (the
QIDs are random, not facts) in ``data/links/``. Files are split at about 3,000 lines.

Fixed parts (places, organisations) grow with ``--municipalities`` (default: one per ~3,450
triples, at most Sweden's 290, so 1M triples is a national-scale graph); projects fill the rest.
The output is deterministic for a seed. ``ontology/``, ``shapes/`` and ``queries/`` are copies of
the repository's; until ``shapes/kgpub-shapes.ttl`` exists, ``bench/fallback-shapes.ttl`` stands in.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
FALLBACK_SHAPES = BENCH / "fallback-shapes.ttl"
MARKER = ".bench-generated.json"
MAX_LINES = 3000
TRIPLES_PER_MUNICIPALITY = 3450
MAX_MUNICIPALITIES = 290

XSD_GYEAR = "xsd:gYear"
PREFIXES = {
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "kgpub": "https://w3id.org/kgpub/def#",
}
# Entity kinds under {base}id/, with Kiruna-style short prefixes.
KINDS = {
    "organisation": "xo",
    "place": "xp",
    "project": "xpr",
    "collaboration": "xc",
    "plan": "xpl",
    "concept": "xco",
    "process": "xps",
}

COUNTIES = [
    ("Stockholms län", "Stockholm County", "Stockholm", "Region Stockholm"),
    ("Uppsala län", "Uppsala County", "Uppsala", "Region Uppsala"),
    ("Södermanlands län", "Södermanland County", "Sörmland", "Region Sörmland"),
    ("Östergötlands län", "Östergötland County", "Östergötland", "Region Östergötland"),
    ("Jönköpings län", "Jönköping County", "Jönköping", "Region Jönköpings län"),
    ("Kronobergs län", "Kronoberg County", "Kronoberg", "Region Kronoberg"),
    ("Kalmar län", "Kalmar County", "Kalmar", "Region Kalmar län"),
    ("Gotlands län", "Gotland County", "Gotland", "Region Gotland"),
    ("Blekinge län", "Blekinge County", "Blekinge", "Region Blekinge"),
    ("Skåne län", "Skåne County", "Skåne", "Region Skåne"),
    ("Hallands län", "Halland County", "Halland", "Region Halland"),
    ("Västra Götalands län", "Västra Götaland County", "Västra Götaland", "Västra Götalandsregionen"),
    ("Värmlands län", "Värmland County", "Värmland", "Region Värmland"),
    ("Örebro län", "Örebro County", "Örebro", "Region Örebro län"),
    ("Västmanlands län", "Västmanland County", "Västmanland", "Region Västmanland"),
    ("Dalarnas län", "Dalarna County", "Dalarna", "Region Dalarna"),
    ("Gävleborgs län", "Gävleborg County", "Gävleborg", "Region Gävleborg"),
    ("Västernorrlands län", "Västernorrland County", "Västernorrland", "Region Västernorrland"),
    ("Jämtlands län", "Jämtland County", "Jämtland", "Region Jämtland Härjedalen"),
    ("Västerbottens län", "Västerbotten County", "Västerbotten", "Region Västerbotten"),
    ("Norrbottens län", "Norrbotten County", "Norrbotten", "Region Norrbotten"),
]
AGENCIES = [
    ("Vinnova", "Vinnova", "GovernmentAgency"),
    ("Tillväxtverket", "Swedish Agency for Economic and Regional Growth", "GovernmentAgency"),
    ("Jordbruksverket", "Swedish Board of Agriculture", "GovernmentAgency"),
    ("Naturvårdsverket", "Swedish Environmental Protection Agency", "GovernmentAgency"),
    ("Trafikverket", "Swedish Transport Administration", "GovernmentAgency"),
    ("Boverket", "National Board of Housing, Building and Planning", "GovernmentAgency"),
    ("Energimyndigheten", "Swedish Energy Agency", "GovernmentAgency"),
    ("Rymdstyrelsen", "Swedish National Space Agency", "GovernmentAgency"),
    ("Havs- och vattenmyndigheten", "Swedish Agency for Marine and Water Management", "GovernmentAgency"),
    ("Luleå tekniska universitet", "Luleå University of Technology", "University"),
    ("Umeå universitet", "Umeå University", "University"),
    ("Mittuniversitetet", "Mid Sweden University", "University"),
    ("Uppsala universitet", "Uppsala University", "University"),
    ("Linköpings universitet", "Linköping University", "University"),
    ("Lunds universitet", "Lund University", "University"),
    ("Göteborgs universitet", "University of Gothenburg", "University"),
    ("Karlstads universitet", "Karlstad University", "University"),
]
PROGRAMMES = [
    ("Landsbygdsprogrammet 2014–2020", "Rural Development Programme 2014–2020", 2014, 2020),
    ("Landsbygdsprogrammet 2007–2013", "Rural Development Programme 2007–2013", 2007, 2013),
    ("Regionalfonden 2014–2020", "European Regional Development Fund 2014–2020", 2014, 2020),
    ("Interreg Nord 2014–2020", "Interreg North 2014–2020", 2014, 2020),
    ("Havs- och fiskeriprogrammet 2014–2020", "Maritime and Fisheries Programme 2014–2020", 2014, 2020),
]
NATIONAL_INITIATIVES = [
    ("Hållbar destinationsutveckling", "Sustainable destination development", 2012, 2015),
    ("Bredband till hela landet", "Broadband for the whole country", 2015, 2020),
    ("Attraktiva stadskärnor", "Attractive town centres", 2017, 2021),
    ("Smart landsbygd", "Smart countryside", 2019, 2023),
]
# (sv, en, purposes as (sv, en) pairs)
TOPICS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Hållbar besöksnäring",
        "Sustainable visitor industry",
        [
            (
                "Att utveckla besöksnäringen på ett hållbart sätt",
                "To develop the visitor industry sustainably",
            ),
            ("Att förlänga turistsäsongen", "To extend the tourist season"),
        ],
    ),
    (
        "Digital infrastruktur",
        "Digital infrastructure",
        [
            (
                "Att ge fler hushåll och företag tillgång till bredband",
                "To give more households and firms broadband",
            ),
            ("Att stärka den digitala kompetensen", "To strengthen digital skills"),
        ],
    ),
    (
        "Stadsutveckling",
        "Urban development",
        [
            ("Att göra centrum mer attraktivt", "To make the centre more attractive"),
            ("Att involvera medborgarna i stadsplaneringen", "To involve citizens in urban planning"),
        ],
    ),
    (
        "Företagsutveckling",
        "Business development",
        [
            ("Att stärka små och medelstora företag", "To strengthen small and medium-sized firms"),
            ("Att fler företag ska växa", "To help more firms grow"),
        ],
    ),
    (
        "Kompetensförsörjning",
        "Skills supply",
        [
            ("Att säkra arbetsgivarnas behov av kompetens", "To secure the skills that employers need"),
            ("Att fler unga ska stanna i regionen", "To keep more young people in the region"),
        ],
    ),
    (
        "Energieffektivisering",
        "Energy efficiency",
        [("Att minska energianvändningen i offentliga lokaler", "To reduce energy use in public buildings")],
    ),
    (
        "Kollektivtrafik",
        "Public transport",
        [
            ("Att fler ska resa kollektivt", "To get more people to use public transport"),
            ("Att knyta ihop landsbygd och tätort", "To link the countryside and the towns"),
        ],
    ),
    (
        "Integration",
        "Integration",
        [("Att bryta utanförskap och motverka segregation", "To break exclusion and counter segregation")],
    ),
    (
        "Kultur för barn och unga",
        "Culture for children and young people",
        [
            (
                "Att ge barn och unga möjlighet att skapa kultur",
                "To give children and young people a chance to make culture",
            )
        ],
    ),
    (
        "Friluftsliv",
        "Outdoor recreation",
        [("Att göra naturen tillgänglig för fler", "To make nature accessible to more people")],
    ),
    (
        "Vattenvård",
        "Water conservation",
        [
            (
                "Att förbättra vattenkvaliteten i sjöar och vattendrag",
                "To improve water quality in lakes and streams",
            )
        ],
    ),
    (
        "Lokal livsmedelsproduktion",
        "Local food production",
        [("Att öka andelen lokalt producerad mat", "To increase the share of locally produced food")],
    ),
    (
        "Innovation i rymdsektorn",
        "Innovation in the space sector",
        [
            ("Att stärka Sverige som rymdnation", "To strengthen Sweden as a space nation"),
            ("Att skapa hållbar tillväxt i regionen", "To create sustainable growth in the region"),
        ],
    ),
    (
        "Fisketurism",
        "Fishing tourism",
        [
            (
                "Att utveckla området med fisket och vattnen som resurs",
                "To develop the area with fishing and the waters as a resource",
            )
        ],
    ),
    ("Folkhälsa", "Public health", [("Att minska skillnaderna i hälsa", "To reduce inequalities in health")]),
    (
        "Cirkulär ekonomi",
        "Circular economy",
        [("Att minska avfallet och öka återbruket", "To reduce waste and increase re-use")],
    ),
    (
        "Film och rörlig bild",
        "Film and moving image",
        [("Att utveckla filmindustrin i regionen", "To develop the film industry in the region")],
    ),
    (
        "Unga entreprenörer",
        "Young entrepreneurs",
        [("Att fler unga ska starta företag", "To get more young people to start businesses")],
    ),
]
COMPANY_KINDS = [
    (
        "Energi",
        "Producerar och distribuerar el och fjärrvärme",
        "Produces and distributes electricity and district heating",
    ),
    ("Bostäder", "Äger och förvaltar hyresbostäder", "Owns and manages rented housing"),
    ("Hamn", "Driver hamnen", "Runs the port"),
    ("Vatten", "Ansvarar för vatten och avlopp", "Is responsible for water and sewerage"),
    ("Fastigheter", "Äger och förvaltar kommunens lokaler", "Owns and manages the municipality's premises"),
    ("Näringsliv", "Främjar företagande och etableringar", "Promotes business and new establishments"),
    ("Destination", "Marknadsför orten som besöksmål", "Markets the town as a destination"),
    ("Flygplats", "Driver flygplatsen", "Runs the airport"),
]
ASSOCIATION_KINDS = [
    ("bygdeförening", "Community Association"),
    ("fiberförening", "Fibre Association"),
    ("företagarförening", "Business Association"),
    ("destinationsförening", "Destination Association"),
]
# QIDs that the Kiruna data links to (checked there); everything else gets a random, unused QID.
KNOWN_QIDS = {
    "Sverige": 34,
    "Finland": 33,
    "Norge": 20,
    "Norrbottens län": 103686,
    "Vinnova": 4355568,
    "Luleå tekniska universitet": 1972721,
}
# fmt: off
NAME_HEADS = [
    "Björk", "Ek", "Lind", "Sand", "Berg", "Sjö", "Älv", "Norr", "Sör", "Väst", "Öst", "Mal", "Kall",
    "Gran", "Tall", "Asp", "Al", "Hassel", "Rönn", "Sten", "Hög", "Lång", "Bred", "Djup", "Grön", "Röd",
    "Svart", "Vit", "Stor", "Lill", "Fors", "Kvarn", "Bro", "Hed", "Myr", "Mo", "Ås", "Lid", "Ekeby",
    "Vall", "Back", "Kull", "Ham", "Järn", "Silver", "Guld", "Koppar", "Kyrk", "Torp", "Gård",
]
NAME_TAILS = [
    "by", "berg", "vik", "holm", "sund", "dal", "näs", "å", "fors", "träsk", "lund", "köping", "hamn",
    "stad", "ed", "ö", "hult", "ryd", "sjö", "mark",
]
# fmt: on


def slugify(text: str) -> str:
    """ASCII slug as in docs/model.md: lower case, hyphens, å/ä→a, ö→o."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode("ascii")
    out = "".join(c if c.isalnum() else "-" for c in plain)
    return "-".join(part for part in out.split("-") if part)


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A Turtle literal."""
    body = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if lang:
        return f"{body}@{lang}"
    return f"{body}^^{datatype}" if datatype else body


@dataclass
class Ref:
    """An entity others point to: its Turtle name and its names in sv and en."""

    name: str
    sv: str
    en: str


@dataclass
class Node:
    """One entity's description, written as a Kiruna-style predicate-object block."""

    name: str
    types: list[str]
    props: list[tuple[str, list[str]]] = field(default_factory=list)

    def add(self, predicate: str, *objects: str) -> Node:
        if objects:
            self.props.append((predicate, list(objects)))
        return self

    def texts(self, predicate: str, sv: str, en: str) -> Node:
        return self.add(predicate, lit(sv, "sv"), lit(en, "en"))

    @property
    def triples(self) -> int:
        return len(self.types) + sum(len(objects) for _, objects in self.props)

    def lines(self) -> list[str]:
        out = [self.name, "    a " + " , ".join(self.types) + " ;"]
        for index, (predicate, objects) in enumerate(self.props):
            end = " ." if index == len(self.props) - 1 else " ;"
            if sum(len(o) for o in objects) > 90 and len(objects) > 1:
                out.append(f"    {predicate}")
                out.extend(
                    f"        {o}{' ,' if i < len(objects) - 1 else end}" for i, o in enumerate(objects)
                )
            else:
                out.append(f"    {predicate} " + " , ".join(objects) + end)
        if not self.props:
            out[-1] = out[-1][:-2] + " ."
        out.append("")
        return out


class Files:
    """Writes nodes of one kind into ``data/{kind}-NNN.ttl`` files of about MAX_LINES lines."""

    def __init__(self, folder: Path, kind: str, header: str, prefix_lines: list[str]) -> None:
        self.folder, self.kind, self.header, self.prefix_lines = folder, kind, header, prefix_lines
        self.number = 0
        self.buffer: list[str] = []
        self.triples = 0

    def write(self, node: Node) -> None:
        self.add_lines(node.lines(), node.triples)

    def add_lines(self, lines: list[str], triples: int) -> None:
        if self.buffer and len(self.buffer) + len(lines) > MAX_LINES:
            self.flush()
        self.buffer.extend(lines)
        self.triples += triples

    def flush(self) -> None:
        if not self.buffer:
            return
        self.number += 1
        text = [f"# {self.header} (synthetic, generated by bench/generate.py; part {self.number}).", ""]
        text += [*self.prefix_lines, "", *self.buffer]
        path = self.folder / f"{self.kind}-{self.number:03d}.ttl"
        path.write_text("\n".join(text), encoding="utf-8")
        self.buffer = []


@dataclass
class County:
    """A län with its regional bodies."""

    place: Ref
    stem: str
    region: Ref
    lag: Ref
    council: Ref
    municipalities: list[Municipality] = field(default_factory=list)


@dataclass
class Municipality:
    """A kommun: organisation and territory, with what lives in it."""

    ref: Ref
    stem: str
    county: County
    source: str
    weight: float
    towns: list[Ref] = field(default_factory=list)
    parishes: list[Ref] = field(default_factory=list)
    companies: list[Ref] = field(default_factory=list)
    associations: list[Ref] = field(default_factory=list)
    banks: list[Ref] = field(default_factory=list)
    process: Ref | None = None


class Generator:
    """Builds the graph entity by entity and streams it into files."""

    def __init__(self, out: Path, *, triples: int, seed: int, municipalities: int, base: str) -> None:
        self.out = out
        self.target = triples
        self.rng = random.Random(seed)
        self.n_municipalities = municipalities
        self.id_base = base + "id/"
        self.used_names: set[str] = set()
        self.used_slugs: set[str] = set()
        self.used_qids: set[int] = set()
        self.links: list[str] = []
        self.national_page = "<https://www.example.se/projekt-och-samarbete.html>"
        prefix_lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
        prefix_lines += [f"@prefix {p}: <{self.id_base}{kind}/> ." for kind, p in KINDS.items()]
        data = out / "data"
        self.files = {
            "places": Files(data, "places", "Countries, counties, towns, parishes and areas", prefix_lines),
            "organisations": Files(
                data, "organisations", "Municipalities, companies, agencies, councils", prefix_lines
            ),
            "projects": Files(
                data, "projects", "Projects, collaborations, plans and processes", prefix_lines
            ),
            "sources": Files(data, "sources", "The source pages", prefix_lines),
            "wikidata": Files(
                data / "links",
                "wikidata",
                "Links to Wikidata (owl:sameAs only)",
                [
                    "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
                    "@prefix wd:  <http://www.wikidata.org/entity/> .",
                    *prefix_lines[-len(KINDS) :],
                ],
            ),
        }

    # -- helpers ------------------------------------------------------------------------------
    @property
    def count(self) -> int:
        return sum(f.triples for f in self.files.values())

    def mint(self, kind: str, label: str) -> str:
        """A new, unique prefixed name of ``kind`` for ``label``."""
        base = slugify(label)
        slug, n = base, 1
        while f"{kind}/{slug}" in self.used_slugs:
            n += 1
            slug = f"{base}-{n}"
        self.used_slugs.add(f"{kind}/{slug}")
        return f"{KINDS[kind]}:{slug}"

    def new_name(self) -> str:
        """A Swedish-sounding place name not used before."""
        for _ in range(200):
            name = self.rng.choice(NAME_HEADS) + self.rng.choice(NAME_TAILS)
            name = name[0] + name[1:].replace("åå", "å").replace("öö", "ö")
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"{self.rng.choice(NAME_HEADS)}{self.rng.choice(NAME_TAILS)} {len(self.used_names)}"
        self.used_names.add(name)
        return name

    def link(self, name: str, probability: float = 1.0, label: str = "") -> None:
        """Maybe add an owl:sameAs to the entity's known QID, or to a fresh, plausible one."""
        if self.rng.random() >= probability:
            return
        qid = KNOWN_QIDS.get(label, 0)
        while not qid:
            qid = self.rng.randint(1000, 125_000_000)
            if qid in self.used_qids or qid in KNOWN_QIDS.values():
                qid = 0
        self.used_qids.add(qid)
        self.files["wikidata"].add_lines([f"{name} owl:sameAs wd:Q{qid} ."], 1)

    def entity(self, kind: str, cls: str, sv: str, en: str, *, name: str | None = None) -> Node:
        """A new entity of ``kgpub:{cls}`` with its sv and en labels."""
        node = Node(name or self.mint(kind, sv), [f"kgpub:{cls}"])
        return node.texts("rdfs:label", sv, en)

    def pick(self, items: Sequence[Ref], k: int) -> list[Ref]:
        return self.rng.sample(list(items), min(k, len(items)))

    # -- the fixed part -------------------------------------------------------------------------
    def national(self) -> None:
        src = self.national_page
        page = Node(src, ["schema:WebPage", "foaf:Document"])
        page.texts("rdfs:label", "Projekt och samarbete i Sverige", "Projects and collaborations in Sweden")
        page.add("dcterms:title", lit("Projekt och samarbete i Sverige", "sv"))
        page.add("dcterms:language", lit("sv"))

        self.sverige = Ref(self.mint("place", "Sverige"), "Sverige", "Sweden")
        places = self.files["places"]
        for ref, desc in [
            (
                self.sverige,
                (
                    "Land där alla kommuner i grafen ligger.",
                    "Country in which all municipalities of the graph lie.",
                ),
            ),
            (
                Ref(self.mint("place", "Finland"), "Finland", "Finland"),
                ("Grannland i öster.", "Neighbouring country to the east."),
            ),
            (
                Ref(self.mint("place", "Norge"), "Norge", "Norway"),
                ("Grannland i väster.", "Neighbouring country to the west."),
            ),
        ]:
            node = Node(ref.name, ["kgpub:Country"]).texts("rdfs:label", ref.sv, ref.en)
            node.texts("schema:description", *desc).add("dcterms:source", src)
            places.write(node)
            self.link(ref.name, label=ref.sv)

        orgs = self.files["organisations"]
        self.government = Ref(self.mint("organisation", "Regeringen"), "Regeringen", "The Swedish Government")
        node = self.entity(
            "organisation", "Government", "Regeringen", "The Swedish Government", name=self.government.name
        )
        node.texts(
            "schema:description",
            "Sveriges regering, som initierar nationella satsningar.",
            "The Government of Sweden, which initiates national initiatives.",
        )
        orgs.write(node.add("dcterms:source", src))
        self.files["sources"].write(page.add("dcterms:publisher", self.government.name))
        self.agencies: list[Ref] = []
        self.universities: list[Ref] = []
        for sv, en, cls in AGENCIES:
            ref = Ref(self.mint("organisation", sv), sv, en)
            (self.universities if cls == "University" else self.agencies).append(ref)
            node = self.entity("organisation", cls, sv, en, name=ref.name)
            kind = (
                ("Universitet", "University")
                if cls == "University"
                else ("Statlig myndighet", "Government agency")
            )
            node.texts(
                "schema:description",
                f"{kind[0]} som finansierar eller driver projekt i flera kommuner.",
                f"{kind[1]} that funds or runs projects in several municipalities.",
            )
            orgs.write(node.add("dcterms:source", src))
            self.link(ref.name, label=sv)

        projects = self.files["projects"]
        self.method = Ref(self.mint("concept", "Leadermetoden"), "Leadermetoden", "The Leader method")
        node = self.entity("concept", "Method", self.method.sv, self.method.en, name=self.method.name)
        node.texts(
            "schema:description",
            "Metod för att jobba med lokalt ledd utveckling.",
            "Method for working with community-led local development.",
        )
        projects.write(node.add("dcterms:source", src))
        self.programmes: list[Ref] = []
        for sv, en, start, end in PROGRAMMES:
            ref = Ref(self.mint("plan", sv), sv, en)
            self.programmes.append(ref)
            node = self.entity("plan", "Programme", sv, en, name=ref.name)
            node.texts(
                "schema:description",
                f"Program som finansierar projekt åren {start}–{end}.",
                f"Programme that funds projects in the years {start}–{end}.",
            )
            node.add("schema:startDate", lit(str(start), datatype=XSD_GYEAR))
            node.add("schema:endDate", lit(str(end), datatype=XSD_GYEAR))
            projects.write(node.add("dcterms:source", src))
        self.initiatives: list[Ref] = []
        for sv, en, start, end in NATIONAL_INITIATIVES:
            ref = Ref(self.mint("project", sv), sv, en)
            self.initiatives.append(ref)
            node = self.entity("project", "Project", sv, en, name=ref.name)
            node.texts(
                "schema:description",
                f"En nationell satsning som regeringen initierade åren {start}–{end}.",
                f"A national initiative that the Government started in the years {start}–{end}.",
            )
            node.add("schema:startDate", lit(str(start), datatype=XSD_GYEAR))
            node.add("schema:endDate", lit(str(end), datatype=XSD_GYEAR))
            node.add(
                "kgpub:destinationCount", lit(str(self.rng.randint(3, 12)), datatype="xsd:nonNegativeInteger")
            )
            node.add("kgpub:initiatedBy", self.government.name).add("kgpub:areaCovered", self.sverige.name)
            projects.write(node.add("dcterms:source", src))

    def counties(self) -> list[County]:
        n = max(1, min(len(COUNTIES), -(-self.n_municipalities // 14)))
        chosen = COUNTIES[-n:]  # from Norrbotten down, like Kiruna
        out = []
        src = self.national_page
        places, orgs = self.files["places"], self.files["organisations"]
        for sv, en, stem, region in chosen:
            county = County(
                place=Ref(self.mint("place", sv), sv, en),
                stem=stem,
                region=Ref(self.mint("organisation", region), region, region),
                lag=Ref(self.mint("organisation", f"Leader {stem}"), f"Leader {stem}", f"Leader {stem}"),
                council=Ref(self.mint("organisation", f"{stem}srådet"), f"{stem}srådet", f"{stem} Council"),
            )
            node = Node(county.place.name, ["kgpub:County"]).texts("rdfs:label", sv, en)
            node.add("skos:altLabel", lit(stem, "sv"), lit(stem, "en"))
            node.texts(
                "schema:description",
                f"Län i Sverige där {stem}s kommuner ligger.",
                f"County of Sweden in which the municipalities of {stem} lie.",
            )
            places.write(node.add("schema:containedInPlace", self.sverige.name).add("dcterms:source", src))
            self.link(county.place.name, label=sv)
            node = self.entity("organisation", "RegionalAuthority", region, region, name=county.region.name)
            node.texts(
                "schema:description",
                f"Regionen som ansvarar för regional utveckling i {sv}.",
                f"The region responsible for regional development in {en}.",
            )
            orgs.write(node.add("dcterms:source", src))
            self.link(county.region.name, 0.5)
            out.append(county)
        return out

    def municipality(self, county: County) -> Municipality:
        stem = self.new_name()
        ref = Ref(self.mint("organisation", f"{stem} kommun"), f"{stem} kommun", f"{stem} Municipality")
        source = f"<https://www.{slugify(stem)}.se/naringsliv--arbete/projekt-och-samarbete.html>"
        muni = Municipality(ref, stem, county, source, weight=0.5 + self.rng.random() * 2.5)
        county.municipalities.append(muni)
        page = Node(source, ["schema:WebPage", "foaf:Document"])
        page.texts("rdfs:label", "Projekt och samarbete", "Projects and collaborations")
        page.add("dcterms:title", lit("Projekt och samarbete", "sv")).add("dcterms:language", lit("sv"))
        self.files["sources"].write(page.add("dcterms:publisher", ref.name))

        places, orgs = self.files["places"], self.files["organisations"]
        town_names = [stem] + [self.new_name() for _ in range(self.rng.randint(1, 5))]
        for index, name in enumerate(town_names):
            town = Ref(self.mint("place", name), name, name)
            muni.towns.append(town)
            node = Node(town.name, ["kgpub:Town"]).texts("rdfs:label", name, name)
            what = ("Centralort", "Main town") if index == 0 else ("Ort", "Town")
            node.texts("schema:description", f"{what[0]} i {ref.sv}.", f"{what[1]} in {ref.en}.")
            places.write(node.add("schema:containedInPlace", ref.name).add("dcterms:source", source))
            self.link(town.name, 0.8 if index == 0 else 0.4)
        for town_name in self.rng.sample(town_names, min(len(town_names), self.rng.randint(1, 4))):
            sv, en = f"{town_name} församling", f"{town_name} Parish"
            parish = Ref(self.mint("place", sv), sv, en)
            muni.parishes.append(parish)
            node = Node(parish.name, ["kgpub:Parish"]).texts("rdfs:label", parish.sv, parish.en)
            node.texts("schema:description", f"Församling i {ref.sv}.", f"Parish in {ref.en}.")
            places.write(node.add("schema:containedInPlace", ref.name).add("dcterms:source", source))
            self.link(parish.name, 0.3)

        node = Node(ref.name, ["kgpub:Municipality"]).texts("rdfs:label", ref.sv, ref.en)
        node.texts(
            "schema:description",
            f"Kommun i {county.place.sv} som medverkar i de projekt och samarbeten som listas på sidan.",
            f"Municipality in {county.place.en} that takes part in the projects and collaborations listed.",
        )
        node.add("schema:containedInPlace", county.place.name, self.sverige.name)
        node.add("kgpub:representedIn", county.council.name)
        orgs.write(node.add("dcterms:source", source))
        self.link(ref.name)

        for kind, sv_act, en_act in self.rng.sample(COMPANY_KINDS, self.rng.randint(1, 3)):
            label = f"{stem} {kind} AB"
            company = Ref(self.mint("organisation", label), label, label)
            muni.companies.append(company)
            node = self.entity("organisation", "LimitedCompany", label, label, name=company.name)
            node.texts(
                "schema:description",
                f"Kommunalt bolag som ägs av {ref.sv}.",
                f"Municipal company owned by {ref.en}.",
            )
            node.add("schema:foundingDate", lit(str(self.rng.randint(1950, 2015)), datatype=XSD_GYEAR))
            node.add("kgpub:ownedBy", ref.name).texts("kgpub:activity", sv_act, en_act)
            orgs.write(node.add("dcterms:source", source))
            self.link(company.name, 0.2)
        for sv_kind, en_kind in self.rng.sample(ASSOCIATION_KINDS, self.rng.randint(0, 2)):
            town = self.rng.choice(muni.towns)
            sv, en = f"{town.sv} {sv_kind} ekonomisk förening", f"{town.sv} {en_kind}"
            assoc = Ref(self.mint("organisation", sv), sv, en)
            muni.associations.append(assoc)
            node = self.entity("organisation", "EconomicAssociation", sv, en, name=assoc.name)
            node.texts(
                "schema:description",
                f"Ekonomisk förening i {town.sv}.",
                f"Economic association in {town.en}.",
            )
            node.add("kgpub:areaCovered", town.name)
            orgs.write(node.add("dcterms:source", source))
        if self.rng.random() < 0.4:
            label = f"Sparbanken {stem}"
            bank = Ref(self.mint("organisation", label), label, label)
            muni.banks.append(bank)
            node = self.entity("organisation", "Bank", label, label, name=bank.name)
            node.texts(
                "schema:description", f"Lokal sparbank i {ref.sv}.", f"Local savings bank in {ref.en}."
            )
            orgs.write(node.add("dcterms:source", source))
            self.link(bank.name, 0.3)
        if self.rng.random() < 0.25:
            sv, en = f"Stadsomvandlingen i {stem}", f"The urban transformation of {stem}"
            muni.process = Ref(self.mint("process", sv), sv, en)
            node = self.entity("process", "Process", sv, en, name=muni.process.name)
            node.texts(
                "schema:description",
                f"{stem} står inför en omvandlingsfas med ett nytt centrum.",
                f"{stem} faces a phase of transformation with a new centre.",
            )
            node.add("kgpub:location", muni.towns[0].name)
            self.files["projects"].write(node.add("dcterms:source", source))
        return muni

    def county_bodies(self, county: County) -> None:
        """Council, board, group, local action group and strategy of a county's municipalities."""
        src = county.municipalities[0].source if county.municipalities else self.national_page
        members = [m.ref.name for m in county.municipalities]
        orgs, projects = self.files["organisations"], self.files["projects"]
        node = self.entity(
            "organisation",
            "CooperationCouncil",
            county.council.sv,
            county.council.en,
            name=county.council.name,
        )
        node.texts(
            "schema:description",
            f"Samarbetsorganisation för kommunerna i {county.place.sv}.",
            f"Cooperation organisation of the municipalities in {county.place.en}.",
        )
        node.add("schema:foundingDate", lit(str(self.rng.randint(1970, 2010)), datatype=XSD_GYEAR))
        node.add("kgpub:areaCovered", county.place.name)
        node.texts("kgpub:cooperationArea", "näringsliv", "business")
        node.add("kgpub:cooperationArea", lit("kultur", "sv"), lit("culture", "en"))
        orgs.write(node.add("dcterms:source", src))
        board_sv, board_en = f"{county.council.sv}s styrelse", f"Board of the {county.council.en}"
        board = self.entity("organisation", "Board", board_sv, board_en)
        board.texts(
            "schema:description",
            f"Styrelsen för {county.council.sv}.",
            f"The board of the {county.council.en}.",
        )
        orgs.write(board.add("kgpub:unitOf", county.council.name).add("dcterms:source", src))
        n = len(members)
        group_sv, group_en = f"{n} kommuner i {county.stem}", f"{n} municipalities in {county.stem}"
        group = Node(self.mint("organisation", group_sv), ["kgpub:OrganisationGroup"])
        group.texts("rdfs:label", group_sv, group_en)
        group.texts(
            "schema:description",
            f"Kommunerna i {county.place.sv} som grupp.",
            f"The municipalities of {county.place.en} as a group.",
        )
        group.add("kgpub:memberCount", lit(str(n), datatype="xsd:nonNegativeInteger"))
        orgs.write(group.add("kgpub:member", *members).add("dcterms:source", src))
        node = self.entity(
            "organisation", "LocalActionGroup", county.lag.sv, county.lag.en, name=county.lag.name
        )
        node.texts(
            "schema:description",
            f"Leaderområde för landsbygdsutveckling i {county.place.sv}.",
            f"Leader area for rural development in {county.place.en}.",
        )
        orgs.write(node.add("kgpub:areaCovered", county.place.name).add("dcterms:source", src))

        sv, en = (
            f"Lokal utvecklingsstrategi för {county.stem} 2020",
            f"Local development strategy for {county.stem} 2020",
        )
        strategy = self.entity("plan", "Strategy", sv, en)
        strategy.texts(
            "schema:description",
            f"Strategi för lokalt ledd utveckling i {county.place.sv}.",
            f"Strategy for community-led local development in {county.place.en}.",
        )
        strategy.texts(
            "kgpub:purpose",
            "Att ge vägledning för hållbar utveckling i området",
            "To guide sustainable development in the area",
        )
        strategy.texts(
            "kgpub:vision",
            f"{county.stem} är en plats där människor och företag växer",
            f"{county.stem} is a place where people and businesses grow",
        )
        strategy.texts(
            "kgpub:goal", "Ett attraktivt område att bo och verka i", "An attractive area to live and work in"
        )
        areas = []
        for position, (asv, aen) in enumerate(
            [
                ("Attraktivitet och samverkan", "Attractiveness and cooperation"),
                ("Kompetens och entreprenörskap", "Skills and entrepreneurship"),
                ("Hållbar tillväxt", "Sustainable growth"),
            ],
            start=1,
        ):
            area = Node(self.mint("concept", f"{sv} insatsområde {position}"), ["kgpub:FocusArea"])
            area.texts("rdfs:label", asv, aen)
            area.texts(
                "schema:description",
                f"Insatsområde {position} i {sv}.",
                f"Focus area {position} of the {en}.",
            )
            area.add("schema:position", str(position)).add("dcterms:source", src)
            areas.append(area)
        strategy.add("kgpub:focusArea", *[a.name for a in areas])
        strategy.add("kgpub:programme", self.programmes[0].name).add("kgpub:method", self.method.name)
        strategy.add("kgpub:participant", *members[:3]).add("kgpub:areaCovered", *members)
        projects.write(strategy.add("dcterms:source", src))
        for area in areas:
            projects.write(area)

    # -- projects -----------------------------------------------------------------------------
    def project(self, muni: Municipality, neighbours: Sequence[Municipality]) -> None:
        rng = self.rng
        topic_sv, topic_en, purposes = rng.choice(TOPICS)
        where = rng.choice(muni.towns) if rng.random() < 0.7 else Ref(muni.ref.name, muni.stem, muni.stem)
        collaboration = rng.random() < 0.15
        if collaboration:
            sv, en = (
                f"Samarbete om {topic_sv.lower()} i {where.sv}",
                f"Collaboration on {topic_en.lower()} in {where.en}",
            )
            kind, cls = "collaboration", "Collaboration"
        else:
            sv, en = f"{topic_sv} i {where.sv}", f"{topic_en} in {where.en}"
            kind, cls = "project", "Project"
        name = self.mint(kind, sv)
        phase = name.rsplit("-", 1)[-1]
        if phase.isdigit() and not sv[-1].isdigit():
            sv, en = f"{sv}, etapp {phase}", f"{en}, phase {phase}"
        node = Node(name, [f"kgpub:{cls}"]).texts("rdfs:label", sv, en)
        partners = muni.companies + muni.associations + muni.banks
        funders = [muni.ref, muni.county.region, *self.pick(self.agencies, 2), *muni.banks, muni.county.lag]
        partner = rng.choice(partners) if partners else muni.county.region
        if rng.random() < 0.9:
            node.texts(
                "schema:description",
                f"{'Samarbetet' if collaboration else 'Projektet'} arbetar med {topic_sv.lower()} i {where.sv} "
                f"tillsammans med {partner.sv}. {purposes[0][0]}.",
                f"The {'collaboration' if collaboration else 'project'} works on {topic_en.lower()} in {where.en} "
                f"together with {partner.en}. {purposes[0][1]}.",
            )
        if not collaboration:
            roll = rng.random()
            if roll < 0.05:
                node.texts("skos:note", "Sidan anger inga datum.", "The page gives no dates.")
            else:
                start = rng.randint(2005, 2024)
                node.add("schema:startDate", lit(str(start), datatype=XSD_GYEAR))
                if roll < 0.85:
                    node.add(
                        "schema:endDate", lit(str(min(start + rng.randint(0, 5), 2026)), datatype=XSD_GYEAR)
                    )
        if rng.random() < 0.2:
            node.texts(
                "kgpub:focus",
                f"{topic_sv} i befintliga verksamheter",
                f"{topic_en} in existing organisations",
            )
        chosen = rng.sample(purposes, rng.randint(1, len(purposes)))
        node.add(
            "kgpub:purpose",
            *[lit(p, lang) for pair in chosen for p, lang in zip(pair, ("sv", "en"), strict=True)],
        )
        if not collaboration:
            node.add("schema:funder", *[r.name for r in self.pick(funders, rng.randint(1, 3))])
            if rng.random() < 0.2:
                node.add("kgpub:coFinancedBy", rng.choice([muni.ref, partner]).name)
        if rng.random() < 0.5:
            operators = [*partners, rng.choice(self.universities), muni.county.lag]
            node.add("kgpub:operatedBy", rng.choice(operators).name)
        participants = [muni.ref.name]
        if rng.random() < 0.3:
            participants.append(partner.name)
        if rng.random() < 0.15 and neighbours:
            other = rng.choice(neighbours)
            if other is not muni:
                participants.append(other.ref.name)
        node.add("kgpub:participant", *participants)
        if muni.process is not None and rng.random() < 0.4:
            node.add("kgpub:context", muni.process.name)
        if not collaboration and rng.random() < 0.03:
            node.add("kgpub:partOf", rng.choice(self.initiatives).name)
        if rng.random() < 0.2:
            node.add("kgpub:programme", rng.choice(self.programmes).name)
        areas = [where.name]
        if rng.random() < 0.2:
            extra = rng.choice([*muni.parishes, muni.county.place, muni.ref])
            if extra.name not in areas:
                areas.append(extra.name)
        plan: Node | None = None
        if not collaboration and rng.random() < 0.05:
            psv, pen = (
                f"Masterplan för {topic_sv.lower()} i {where.sv}",
                f"Masterplan for {topic_en.lower()} in {where.en}",
            )
            plan = self.entity("plan", "Plan", psv, pen)
            plan.texts(
                "schema:description",
                f"Plan som projektet {sv} har tagit fram.",
                f"Plan produced by the project {en}.",
            )
            plan.add("dcterms:source", muni.source)
            node.add("kgpub:result", plan.name)
        node.add("kgpub:areaCovered", *areas).add("dcterms:source", muni.source)
        self.files["projects"].write(node)
        if plan is not None:
            self.files["projects"].write(plan)
        self.link(name, 0.03)

    def run(self) -> int:
        """Write everything; return the number of triples."""
        self.national()
        counties = self.counties()
        municipalities = [
            self.municipality(counties[i * len(counties) // self.n_municipalities])
            for i in range(self.n_municipalities)
        ]
        for county in counties:
            if county.municipalities:
                self.county_bodies(county)
        weights = [m.weight for m in municipalities]
        while self.count < self.target:
            muni = self.rng.choices(municipalities, weights)[0]
            self.project(muni, muni.county.municipalities)
        for files in self.files.values():
            files.flush()
        return self.count


def default_municipalities(triples: int) -> int:
    """One municipality per ~3,450 triples, between 1 and Sweden's 290."""
    return max(1, min(MAX_MUNICIPALITIES, round(triples / TRIPLES_PER_MUNICIPALITY)))


def shapes_folder(repo: Path = REPO) -> Path | None:
    """The repository's shapes/ once kgpub-shapes.ttl exists there, else None (use the fallback)."""
    folder = repo / "shapes"
    return folder if (folder / "kgpub-shapes.ttl").is_file() else None


def copy_shapes(target: Path, repo: Path = REPO) -> str:
    """Fill ``target`` (a shapes/ folder) and say where the shapes came from."""
    target.mkdir(parents=True, exist_ok=True)
    folder = shapes_folder(repo)
    if folder is None:
        shutil.copy2(FALLBACK_SHAPES, target / FALLBACK_SHAPES.name)
        return "bench/fallback-shapes.ttl (shapes/kgpub-shapes.ttl does not exist yet)"
    shutil.copytree(folder, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    return "shapes/ of the repository"


def prepare(out: Path) -> None:
    """Empty ``out`` if it is a folder this script made; refuse to touch anything else."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            sys.exit(f"error: {out} exists, is not empty and was not made by bench/generate.py")
        shutil.rmtree(out)
    (out / "data" / "links").mkdir(parents=True)


def generate(
    out: Path,
    triples: int,
    *,
    seed: int = 1,
    municipalities: int | None = None,
    base: str = "https://data.example.se/",
) -> dict[str, object]:
    """Write a complete project into ``out``; return what was made (also stored in its marker file)."""
    municipalities = municipalities or default_municipalities(triples)
    prepare(out)
    count = Generator(out, triples=triples, seed=seed, municipalities=municipalities, base=base).run()
    name = f"bench-{slugify(out.name) or 'project'}"
    (out / "kgpub.toml").write_text(
        f'# Synthetic benchmark project made by bench/generate.py.\nname = "{name}"\nbase = "{base}"\n'
        'languages = ["sv", "en"]\nlicense = "http://creativecommons.org/publicdomain/zero/1.0/"\n'
        'output = "dist"\nversion = "0.1.0"\nrelease = 2026-01-01\n',
        encoding="utf-8",
    )
    shutil.copytree(REPO / "ontology", out / "ontology", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    shapes = copy_shapes(out / "shapes")
    if (REPO / "queries").is_dir():  # canned queries: build checks them, as on Kiruna
        shutil.copytree(REPO / "queries", out / "queries", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    info: dict[str, object] = {
        "triples": count,
        "target": triples,
        "seed": seed,
        "municipalities": municipalities,
        "files": len(list((out / "data").rglob("*.ttl"))),
        "shapes": shapes,
    }
    (out / MARKER).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


def parse_count(text: str) -> int:
    """``10000``, ``10k``, ``1.5m`` → an integer."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def edit_one(project: Path) -> str:
    """Change one entity of a generated project: its Swedish name gets (or loses) a numbered suffix.

    For timing validation of a one-entity change (``kgpub validate`` after ``kgpub validate``).
    Returns the entity's IRI, as it is written in the file.
    """
    path = sorted((project / "data").glob("projects-*.ttl"))[0]
    text = path.read_text(encoding="utf-8")
    found = re.search(r'^(\S+)\n    a [^\n]*;\n    rdfs:label "([^"]*)"@sv', text, re.MULTILINE)
    if found is None:
        raise SystemExit(f"{path}: no entity with a Swedish name to change")
    name = found.group(2)
    numbered = re.fullmatch(r"(.*) \(ändring (\d+)\)", name)
    new = f"{numbered.group(1)} (ändring {int(numbered.group(2)) + 1})" if numbered else f"{name} (ändring 1)"
    start, end = found.span(2)
    path.write_text(text[:start] + new + text[end:], encoding="utf-8")
    return found.group(1)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="project folder to create (replaced if made by this script)")
    parser.add_argument("--triples", type=parse_count, help="about how many triples (10k, 1m)")
    parser.add_argument(
        "--edit-one",
        action="store_true",
        help="do not generate: change the Swedish name of one entity of the project OUT made earlier",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--municipalities",
        type=int,
        default=None,
        help=f"default: triples/{TRIPLES_PER_MUNICIPALITY}, 1..{MAX_MUNICIPALITIES}",
    )
    parser.add_argument("--base", default="https://data.example.se/")
    args = parser.parse_args(argv)
    if args.edit_one:
        print(f"{args.out}: changed the Swedish name of {edit_one(args.out)}")
        return
    if args.triples is None:
        parser.error("--triples is required (unless --edit-one)")
    info = generate(
        args.out, args.triples, seed=args.seed, municipalities=args.municipalities, base=args.base
    )
    print(
        f"{args.out}: {info['triples']} triples in {info['files']} files, "
        f"{info['municipalities']} municipalities; shapes: {info['shapes']}"
    )


if __name__ == "__main__":
    main()
