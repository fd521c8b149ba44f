"""The queries ``kgpub link`` sends to Wikidata, and what it keeps of the answers.

Every query is cheap on the real Wikidata Query Service: names are looked up by exact match
(``?item rdfs:label "Pajala"@sv``, an index lookup, never a regex scan over all labels), items by
their IRIs in a ``VALUES`` block, and class membership by ``wdt:P279*`` between two bound ends. Both
names and items go in batches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from kgpub.link.client import Binding, WikidataClient
from kgpub.link.local import WIKIDATA_ENTITY, qid_number
from kgpub.link.names import NameForm
from kgpub.link.types import CATEGORIES, KNOWN_CLASSES

PREFIXES = """\
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
#: Languages of the labels and descriptions shown to people ("mul": Wikidata's default for all).
SHOWN_LANGUAGES = ("sv", "en", "mul")
#: Statements kept of each item: instance of, country, located in.
STATEMENTS = ("P31", "P17", "P131")

T = TypeVar("T")


def batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


def literal(text: str, lang: str) -> str:
    """A SPARQL literal with a language tag (JSON string escapes are SPARQL's too)."""
    return json.dumps(text, ensure_ascii=False) + ("@" + lang if lang else "")


def _qid(binding: dict[str, str] | None) -> str | None:
    if not binding or binding.get("type") != "uri":
        return None
    value = binding["value"]
    if value.startswith(WIKIDATA_ENTITY + "Q"):
        return value[len(WIKIDATA_ENTITY) :]
    return None


@dataclass(frozen=True)
class Hit:
    """A name that an item carries: as a label or as an alias, in a language."""

    qid: str
    text: str
    lang: str
    #: "label" or "alias" (Wikidata's side).
    theirs: str


def lookup(client: WikidataClient, forms: Iterable[NameForm], batch_size: int) -> list[Hit]:
    """Every item whose label or alias is exactly one of the names, in the same language."""
    keys = sorted({(f.text, f.lang) for f in forms})
    hits: set[Hit] = set()
    for batch in batches(keys, batch_size):
        values = " ".join(literal(text, lang) for text, lang in batch)
        rows = client.select(
            PREFIXES
            + f"""SELECT ?name ?item ?how WHERE {{
  {{ VALUES ?name {{ {values} }} ?item rdfs:label ?name . BIND("label" AS ?how) }}
  UNION
  {{ VALUES ?name {{ {values} }} ?item skos:altLabel ?name . BIND("alias" AS ?how) }}
  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))
}}"""
        )
        for row in rows:
            qid = _qid(row.get("item"))
            name = row.get("name", {})
            if qid and name:
                hits.add(Hit(qid, name["value"], name.get("xml:lang", ""), row["how"]["value"]))
    return sorted(hits, key=lambda h: (qid_number(h.qid), h.text, h.lang, h.theirs))


@dataclass
class Item:
    """What kgpub knows of one Wikidata item."""

    qid: str
    exists: bool = False
    #: The item it redirects to (it was merged), if any.
    redirect: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    #: Property (P31, P17, P131, identifier properties) -> values (QIDs, or strings and IRIs).
    claims: dict[str, list[str]] = field(default_factory=dict)
    #: Everything it lies in, following P131 upwards.
    within: list[str] = field(default_factory=list)

    def label(self, lang: str) -> str:
        for candidate in (lang, "mul", "en", "sv", *sorted(self.labels)):
            if self.labels.get(candidate):
                return self.labels[candidate]
        return ""

    def description(self, lang: str) -> str:
        for candidate in (lang, "en", "sv", *sorted(self.descriptions)):
            if self.descriptions.get(candidate):
                return self.descriptions[candidate]
        return ""


@dataclass
class Facts:
    """Items, and what is needed to explain them: the labels of the items they point to, and the
    well-known classes their classes belong to."""

    items: dict[str, Item] = field(default_factory=dict)
    #: Labels of the classes, countries and places that the items point to.
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: A class (a P31 value) -> the well-known classes (types.CATEGORIES) it is a subclass of.
    ancestry: dict[str, set[str]] = field(default_factory=dict)

    def label(self, qid: str, lang: str) -> str:
        names = self.labels.get(qid, {})
        if qid in self.items and not names:
            names = self.items[qid].labels
        for candidate in (lang, "mul", "en", "sv", *sorted(names)):
            if names.get(candidate):
                return names[candidate]
        return ""

    def named(self, qid: str, lang: str) -> str:
        """``municipality of Sweden (Q127448)``, or just the QID."""
        name = self.label(qid, lang)
        return f"{name} ({qid})" if name else qid

    def categories(self, classes: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for c in classes:
            known = self.ancestry.get(c, set())
            out |= {cat for cat, qids in CATEGORIES.items() if known.intersection(qids)}
        return out


def _values(qids: Iterable[str]) -> str:
    return " ".join(f"wd:{q}" for q in qids)


def fetch(
    client: WikidataClient,
    qids: Iterable[str],
    batch_size: int,
    *,
    identifiers: Iterable[str] = (),
    languages: Iterable[str] = SHOWN_LANGUAGES,
    within: bool = True,
) -> Facts:
    """Labels, descriptions, statements, redirects and existence of ``qids``, with their context."""
    facts = Facts()
    wanted = sorted(set(qids), key=qid_number)
    languages = sorted(set(languages))  # used twice below
    langs = ", ".join(json.dumps(lang) for lang in languages)
    props = " ".join(f"wdt:{p}" for p in sorted({*STATEMENTS, *identifiers}))
    for batch in batches(wanted, batch_size):
        for qid in batch:
            facts.items[qid] = Item(qid)
        values = _values(batch)
        for row in client.select(
            PREFIXES
            + f"""SELECT ?item ?what ?value WHERE {{
  {{ VALUES ?item {{ {values} }} ?item rdfs:label ?value . BIND("label" AS ?what)
     FILTER(LANG(?value) IN ({langs})) }}
  UNION
  {{ VALUES ?item {{ {values} }} ?item schema:description ?value . BIND("description" AS ?what)
     FILTER(LANG(?value) IN ({langs})) }}
  UNION
  {{ VALUES ?item {{ {values} }} ?item owl:sameAs ?value . BIND("redirect" AS ?what) }}
  UNION
  {{ VALUES ?item {{ {values} }} FILTER EXISTS {{ ?item ?p ?o . FILTER(?p != owl:sameAs) }}
     BIND("exists" AS ?what) }}
}}"""
        ):
            item = facts.items.get(_qid(row.get("item")) or "")
            if item is None:
                continue
            what = row["what"]["value"]
            value = row.get("value", {})
            if what == "exists":
                item.exists = True
            elif what == "redirect":
                item.redirect = _qid(value)
            elif what == "label":
                item.labels.setdefault(value.get("xml:lang", ""), value["value"])
            elif what == "description":
                item.descriptions.setdefault(value.get("xml:lang", ""), value["value"])
        for row in client.select(
            PREFIXES
            + f"""SELECT ?item ?p ?v WHERE {{
  VALUES ?item {{ {values} }}
  VALUES ?p {{ {props} }}
  ?item ?p ?v .
}}"""
        ):
            item = facts.items.get(_qid(row.get("item")) or "")
            if item is None:
                continue
            pid = row["p"]["value"].rsplit("/", 1)[-1]
            claim = _qid(row["v"]) or row["v"]["value"]
            item.claims.setdefault(pid, [])
            if claim not in item.claims[pid]:
                item.claims[pid].append(claim)
        if within:
            for row in client.select(
                PREFIXES
                + f"""SELECT ?item ?up WHERE {{
  VALUES ?item {{ {values} }}
  ?item wdt:P131+ ?up .
}}"""
            ):
                item = facts.items.get(_qid(row.get("item")) or "")
                up = _qid(row.get("up"))
                if item is not None and up and up not in item.within:
                    item.within.append(up)
    for item in facts.items.values():
        item.within.sort(key=qid_number)
    classes = sorted({c for item in facts.items.values() for c in item.claims.get("P31", [])}, key=qid_number)
    for batch in batches(classes, batch_size):
        for row in client.select(
            PREFIXES
            + f"""SELECT ?class ?known WHERE {{
  VALUES ?class {{ {_values(batch)} }}
  VALUES ?known {{ {_values(KNOWN_CLASSES)} }}
  ?class wdt:P279* ?known .
}}"""
        ):
            c, known = _qid(row.get("class")), _qid(row.get("known"))
            if c and known:
                facts.ancestry.setdefault(c, set()).add(known)
    context = {
        q
        for item in facts.items.values()
        for q in [*item.claims.get("P31", []), *item.claims.get("P17", []), *item.within]
        if q not in facts.items
    }
    for q, names in labels_of(client, context, languages, batch_size).items():
        have = facts.labels.setdefault(q, {})
        for lang, label in names.items():
            have.setdefault(lang, label)
    return facts


def labels_of(
    client: WikidataClient, qids: Iterable[str], languages: Iterable[str], batch_size: int
) -> dict[str, dict[str, str]]:
    """The labels of ``qids`` in ``languages``: QID -> language -> label."""
    out: dict[str, dict[str, str]] = {}
    langs = ", ".join(json.dumps(lang) for lang in sorted(set(languages)))
    for batch in batches(sorted(set(qids), key=qid_number), batch_size):
        for row in client.select(
            PREFIXES
            + f"""SELECT ?item ?label WHERE {{
  VALUES ?item {{ {_values(batch)} }}
  ?item rdfs:label ?label .
  FILTER(LANG(?label) IN ({langs}))
}}"""
        ):
            q = _qid(row.get("item"))
            if q:
                label = row["label"]
                out.setdefault(q, {}).setdefault(label.get("xml:lang", ""), label["value"])
    return out


def merge(into: Facts, more: Facts) -> None:
    into.items.update(more.items)
    for q, names in more.labels.items():
        into.labels.setdefault(q, {}).update(names)
    for c, known in more.ancestry.items():
        into.ancestry.setdefault(c, set()).update(known)


__all__ = ["Binding", "Facts", "Hit", "Item", "fetch", "labels_of", "lookup", "merge"]
