"""Scoring a Wikidata item as the match of one of our entities, with a reason for every point.

The score (0–100) adds up evidence, each piece with its reason:

* **name** – our label is its label: 40; an alternative name on either side: 30; a variant of
  our name (kind word dropped): 25 (20 if only its alias); a related unit's name: 15; and 10 more
  when the labels match in two or more languages;
* **type** – its ``instance of`` (followed up ``subclass of``) fits our kind: 35, fits only broadly:
  15, is known to be another kind of thing (a town for a municipality …): −40, is a class kgpub
  cannot place: −10. Without ``instance of``, its description is read instead, at half weight;
* **country** – in the same country: 10; in another: −30;
* **containing place** – located in (P131, followed upwards) one of the places ours lies in: 15;
  somewhere else: −15;
* **identifiers** both sides have (official website …): 30 when one is shared, −20 when they differ;
* an item **already linked** from another of our entities: −30.

The total is capped to 0–100. A candidate at or above the auto-accept threshold (80 by default) is
a strong match: every kind of evidence agrees. It is still only a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kgpub.link.local import Entity, LocalData
from kgpub.link.names import NameForm, normalise
from kgpub.link.remote import Facts, Hit, Item
from kgpub.link.texts import text
from kgpub.link.types import TRAPS, categories_of, fits, hinted_category, most_specific

LANGUAGE_NAMES = {
    "sv": {"sv": "svenska", "en": "Swedish"},
    "en": {"sv": "engelska", "en": "English"},
    "fi": {"sv": "finska", "en": "Finnish"},
    "se": {"sv": "nordsamiska", "en": "Northern Sami"},
    "fit": {"sv": "meänkieli", "en": "Meänkieli"},
    "mul": {"sv": "alla språk", "en": "all languages"},
}


@dataclass
class Reason:
    points: int
    text: str

    def __str__(self) -> str:
        return f"{self.text} ({self.points:+d})" if self.points else self.text


@dataclass
class Candidate:
    """A Wikidata item proposed for an entity, with its score and the reasons for it."""

    entity: Entity
    qid: str
    label: str
    description: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> int:
        return max(0, min(100, sum(r.points for r in self.reasons)))

    @property
    def explanation(self) -> str:
        return "; ".join(str(r) for r in self.reasons)


def _langs(langs: set[str], lang: str) -> str:
    return ", ".join(LANGUAGE_NAMES.get(x, {}).get(lang, x) for x in sorted(langs))


def name_reasons(entity: Entity, hits: list[tuple[NameForm, Hit]], lang: str) -> list[Reason]:
    """The strongest name evidence, and the bonus when labels agree in several languages."""
    # rank: (points, text key)
    ranks = {
        ("label", "label"): (40, "name_label"),
        ("label", "alias"): (30, "name_alias_theirs"),
        ("alias", "label"): (30, "name_alias_ours"),
        ("alias", "alias"): (30, "name_alias_ours"),
        ("variant", "label"): (25, "name_variant"),
        ("variant", "alias"): (20, "name_variant"),
        ("related", "label"): (15, "name_related"),
        ("related", "alias"): (15, "name_related"),
    }
    best: tuple[int, str, NameForm] | None = None
    langs_of: dict[tuple[str, str], set[str]] = {}
    for form, hit in hits:
        points, key = ranks[(form.how, hit.theirs)]
        langs_of.setdefault((form.text, key), set()).add(hit.lang)
        rank = (-points, form.lang != lang, form.text)
        if best is None or rank < (-best[0], best[2].lang != lang, best[2].text):
            best = (points, key, form)
    if best is None:
        return []
    points, key, form = best
    reasons = [
        Reason(
            points,
            text(
                key, lang, text=form.text, origin=form.origin, langs=_langs(langs_of[(form.text, key)], lang)
            ),
        )
    ]
    # Labels that agree language by language (our Swedish label is its Swedish label …).
    agreeing = {
        hit.lang
        for form, hit in hits
        if form.how == "label"
        and hit.theirs == "label"
        and hit.lang in entity.labels
        and normalise(form.text) in {normalise(n) for n in entity.labels[hit.lang]}
    }
    if len(agreeing) >= 2:
        reasons.append(Reason(10, text("name_languages", lang, count=len(agreeing))))
    return reasons


def _mismatch(data: LocalData, entity: Entity, category: str, lang: str) -> str:
    for kind in entity.kinds:
        key = TRAPS.get((kind, category))
        if key:
            return text(key, lang)
    return text(
        "mismatch_generic",
        lang,
        theirs=text(f"cat_{category}", lang),
        kind=data.kinds_label(entity, lang),
    )


def type_reasons(data: LocalData, entity: Entity, item: Item, facts: Facts, lang: str) -> list[Reason]:
    """Does what the item is an instance of fit our kind?"""
    kind = data.kinds_label(entity, lang)
    expected = fits(entity.kinds)
    if expected is None:
        return [Reason(0, text("type_kind_unknown", lang, kind=kind))]
    exact, broad = expected
    classes = item.claims.get("P31", [])
    if classes:
        by_class = {c: facts.categories([c]) for c in classes}
        fitting = [c for c, cats in by_class.items() if cats & exact]
        if fitting:
            named = ", ".join(facts.named(c, lang) for c in fitting)
            return [Reason(35, text("type_fits", lang, classes=named, kind=kind))]
        broadly = [c for c, cats in by_class.items() if cats & broad]
        if broadly:
            named = ", ".join(facts.named(c, lang) for c in broadly)
            return [Reason(15, text("type_broad", lang, classes=named, kind=kind))]
        known = {cat for cats in by_class.values() for cat in cats}
        named = ", ".join(facts.named(c, lang) for c in classes)
        if known:
            why = _mismatch(data, entity, most_specific(known), lang)
            return [Reason(-40, text("type_mismatch", lang, classes=named, why=why))]
        return [Reason(-10, text("type_unknown_class", lang, classes=named, kind=kind))]
    for description in (item.description(lang), *item.descriptions.values()):
        hint = hinted_category(description) if description else None
        if hint is None:
            continue
        category = hint[0]
        if category in exact or category in broad:
            return [Reason(15, text("type_hint_fits", lang, description=description, kind=kind))]
        why = _mismatch(data, entity, category, lang)
        return [Reason(-20, text("type_hint_mismatch", lang, description=description, why=why))]
    return [Reason(0, text("type_none", lang))]


def _matches(place: Entity, qids: list[str], facts: Facts) -> str | None:
    """The QID among ``qids`` that is ``place``: linked to it, or carrying one of its names."""
    names = {normalise(n) for ns in [*place.labels.values(), *place.alt_labels.values()] for n in ns}
    for qid in qids:
        if qid in place.links:
            return qid
        theirs = {normalise(v) for v in facts.labels.get(qid, {}).values()}
        if qid in facts.items:
            theirs |= {normalise(v) for v in facts.items[qid].labels.values()}
        if names & theirs:
            return qid
    return None


def place_reasons(
    data: LocalData, entity: Entity, item: Item, facts: Facts, lang: str, country: str
) -> list[Reason]:
    """Same country, and located in the same places?"""
    reasons: list[Reason] = []
    if "Country" not in entity.all_kinds:
        countries = data.countries_of(entity)
        theirs = item.claims.get("P17", [])
        if not theirs:
            reasons.append(Reason(0, text("country_none", lang)))
        else:
            found = None
            for place in countries:
                found = found or _matches(place, theirs, facts)
            if not countries and country in theirs:
                found = country
            if found:
                reasons.append(Reason(10, text("country_same", lang, country=facts.named(found, lang))))
            else:
                ours = (
                    ", ".join(c.label(lang) for c in countries) if countries else facts.named(country, lang)
                )
                named = ", ".join(facts.named(q, lang) for q in theirs)
                reasons.append(Reason(-30, text("country_other", lang, theirs=named, ours=ours)))
    around = [p for p in data.places_around(entity) if "Country" not in p.all_kinds]
    if around:
        if not item.within:
            reasons.append(Reason(0, text("within_none", lang)))
        else:
            found = None
            for place in around:
                found = found or _matches(place, item.within, facts)
            if found:
                reasons.append(Reason(15, text("within_same", lang, place=facts.named(found, lang))))
            else:
                direct = item.claims.get("P131", []) or item.within
                reasons.append(
                    Reason(
                        -15,
                        text(
                            "within_other",
                            lang,
                            theirs=", ".join(facts.named(q, lang) for q in direct),
                            ours=", ".join(p.label(lang) for p in around),
                        ),
                    )
                )
    return reasons


def _url(value: str) -> str:
    value = value.strip().lower()
    for start in ("https://", "http://"):
        if value.startswith(start):
            value = value[len(start) :]
    if value.startswith("www."):
        value = value[4:]
    return value.rstrip("/")


def identifier_reasons(entity: Entity, item: Item, identifiers: dict[str, str], lang: str) -> list[Reason]:
    reasons = []
    for predicate, pid in sorted(identifiers.items()):
        ours = entity.values.get(predicate, [])
        theirs = item.claims.get(pid, [])
        if not ours or not theirs:
            continue
        shared = {_url(v) for v in ours} & {_url(v) for v in theirs}
        label = {"P856": {"sv": "officiell webbplats", "en": "official website"}}.get(pid, {}).get(lang, pid)
        if shared:
            reasons.append(Reason(30, text("identifier_same", lang, property=label, value=sorted(shared)[0])))
        else:
            reasons.append(
                Reason(
                    -20,
                    text(
                        "identifier_other",
                        lang,
                        property=label,
                        ours=", ".join(ours),
                        theirs=", ".join(theirs),
                    ),
                )
            )
    return reasons


def score(
    data: LocalData,
    entity: Entity,
    item: Item,
    hits: list[tuple[NameForm, Hit]],
    facts: Facts,
    *,
    lang: str,
    country: str,
    identifiers: dict[str, str],
) -> Candidate:
    """Score ``item`` as the match of ``entity``."""
    candidate = Candidate(entity, item.qid, item.label(lang), item.description(lang))
    candidate.reasons += name_reasons(entity, hits, lang)
    candidate.reasons += type_reasons(data, entity, item, facts, lang)
    candidate.reasons += place_reasons(data, entity, item, facts, lang, country)
    candidate.reasons += identifier_reasons(entity, item, identifiers, lang)
    others = [e for e in data.linked_to(item.qid) if e is not entity]
    if others:
        names = ", ".join(f"{e.label(lang)} ({data.short(e.iri)})" for e in others)
        candidate.reasons.append(Reason(-30, text("linked_elsewhere", lang, other=names)))
    return candidate


__all__ = ["Candidate", "Reason", "categories_of", "score"]
