"""What ``kgpub link`` needs to know about the project's own entities, read once from ``data/``.

An entity is anything typed with a class of the kgpub ontology. For each one we keep its names
(``rdfs:label``, ``skos:altLabel``) by language, its kinds, the places it lies in
(``schema:containedInPlace``, followed through the data), the areas it covers, its sources, its
identifiers and the Wikidata items it is already linked to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef

from kgpub.enrich import closure
from kgpub.errors import InputError
from kgpub.vocab import DCTERMS, KGPUB, OWL, RDF, RDFS, SCHEMA, SKOS, WD

if TYPE_CHECKING:
    from kgpub.link.settings import LinkSettings
    from kgpub.project import Project

QID = re.compile(r"^Q[1-9][0-9]*$")
WIKIDATA_ENTITY = str(WD)
PLACE = str(KGPUB.Place)
COUNTRY = str(KGPUB.Country)


@dataclass
class Entity:
    """One entity of the data, as the linker sees it."""

    iri: str
    #: The most specific kgpub classes (local names, e.g. ``Municipality``).
    kinds: tuple[str, ...]
    #: Every kgpub class it belongs to, superclasses included (local names).
    all_kinds: frozenset[str]
    labels: dict[str, list[str]] = field(default_factory=dict)
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    #: Direct schema:containedInPlace values.
    containers: tuple[str, ...] = ()
    #: kgpub:areaCovered, kgpub:areaPartlyCovered and kgpub:location values.
    areas: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    #: Wikidata items it is linked to (QIDs).
    links: tuple[str, ...] = ()
    #: Predicate IRI -> literal or IRI values (for the identifiers both sides may share).
    values: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_place(self) -> bool:
        return "Place" in self.all_kinds

    def label(self, lang: str) -> str:
        """The name in ``lang``, else in Swedish or English, else the IRI."""
        for candidate in (lang, "sv", "en", *sorted(self.labels)):
            names = self.labels.get(candidate)
            if names:
                return names[0]
        return self.iri


@dataclass
class LocalData:
    """The project's entities and the few facts of the ontology the linker needs."""

    entities: dict[str, Entity]
    #: kgpub class local name -> language -> label (``kommun`` / ``municipality``).
    kind_labels: dict[str, dict[str, str]]
    id_base: str
    #: The publisher of the source pages (an IRI) and its name in Swedish, if the data says.
    publisher: str | None = None
    publisher_name: str | None = None
    #: Prefixes for writing Turtle: those of the data files, then the project's.
    prefixes: dict[str, str] = field(default_factory=dict)
    #: Every prefix a person may use to name an entity (``organisation:`` as well as ``kio:``).
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, project: Project) -> LocalData:
        """Read the project's data and ontology (parsed at most once by the project)."""
        data = project.data.graph
        ontology = project.ontology.graph
        prefixes: dict[str, str] = {}
        for source in project.data.files:
            for prefix, ns in source.prefixes.items():
                prefixes.setdefault(prefix, ns)
        for prefix, ns in project.prefixes.items():
            if ns not in prefixes.values():
                prefixes.setdefault(prefix, ns)
        loaded = cls.from_graphs(data, ontology, project.config.id_base, prefixes)
        loaded.names = {**prefixes, **project.prefixes}
        return loaded

    @classmethod
    def from_graphs(
        cls, data: Graph, ontology: Graph, id_base: str, prefixes: dict[str, str] | None = None
    ) -> LocalData:
        ns = str(KGPUB)
        classes = {str(c) for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(ns)}
        parents = closure(ontology, RDFS.subClassOf)
        kind_labels: dict[str, dict[str, str]] = {}
        for cls_iri in classes:
            names = {
                o.language or "": str(o)
                for o in ontology.objects(URIRef(cls_iri), RDFS.label)
                if isinstance(o, Literal)
            }
            kind_labels[cls_iri[len(ns) :]] = names
        entities: dict[str, Entity] = {}
        typed: dict[str, set[str]] = {}
        for s, o in data.subject_objects(RDF.type):
            if isinstance(s, URIRef) and str(o) in classes:
                typed.setdefault(str(s), set()).add(str(o))
        for iri, direct in typed.items():
            every = set(direct)
            for c in direct:
                every |= {str(p) for p in parents.get(URIRef(c), ()) if str(p).startswith(ns)}
            # Most specific: not a superclass of another of its classes.
            supers = set()
            for c in every:
                supers |= {str(p) for p in parents.get(URIRef(c), ())}
            specific = sorted(c[len(ns) :] for c in every - supers)
            node = URIRef(iri)
            entity = Entity(
                iri=iri,
                kinds=tuple(specific),
                all_kinds=frozenset(c[len(ns) :] for c in every),
                labels=_by_lang(data.objects(node, RDFS.label)),
                alt_labels=_by_lang(data.objects(node, SKOS.altLabel)),
                descriptions={k: v[0] for k, v in _by_lang(data.objects(node, SCHEMA.description)).items()},
                containers=_iris(data.objects(node, SCHEMA.containedInPlace)),
                areas=_iris(
                    [
                        *data.objects(node, KGPUB.areaCovered),
                        *data.objects(node, KGPUB.areaPartlyCovered),
                        *data.objects(node, KGPUB.location),
                    ]
                ),
                sources=_iris(data.objects(node, DCTERMS.source)),
                links=tuple(
                    sorted(
                        {
                            str(o)[len(WIKIDATA_ENTITY) :]
                            for o in data.objects(node, OWL.sameAs)
                            if str(o).startswith(WIKIDATA_ENTITY)
                        },
                        key=qid_number,
                    )
                ),
            )
            for p, o in data.predicate_objects(node):
                entity.values.setdefault(str(p), []).append(str(o))
            entities[iri] = entity
        publisher = publisher_name = None
        for page in sorted(data.subjects(RDF.type, SCHEMA.WebPage), key=str):
            found = data.value(page, DCTERMS.publisher)
            if isinstance(found, URIRef):
                publisher = str(found)
                if publisher in entities:
                    publisher_name = entities[publisher].label("sv")
                break
        return cls(entities, kind_labels, id_base, publisher, publisher_name, dict(prefixes or {}))

    # -- lookups ------------------------------------------------------------------------------
    def get(self, reference: str) -> Entity | None:
        """An entity by IRI, prefixed name (``organisation:kiruna-kommun``) or path under ``id/``."""
        reference = reference.strip().strip("<>")
        if reference in self.entities:
            return self.entities[reference]
        prefix, sep, local = reference.partition(":")
        known = {**self.prefixes, **self.names}
        if sep and prefix in known and not local.startswith("//"):
            found = self.entities.get(known[prefix] + local)
            if found:
                return found
        return self.entities.get(self.id_base + reference.lstrip("/"))

    def kind_label(self, kind: str, lang: str) -> str:
        names = self.kind_labels.get(kind, {})
        return names.get(lang) or names.get("en") or kind

    def kinds_label(self, entity: Entity, lang: str) -> str:
        return " / ".join(self.kind_label(k, lang) for k in entity.kinds) or "?"

    def places_around(self, entity: Entity) -> list[Entity]:
        """Every place the entity lies in, following schema:containedInPlace through the data."""
        seen: list[Entity] = []
        todo = list(entity.containers)
        while todo:
            iri = todo.pop(0)
            found = self.entities.get(iri)
            if found is None or found in seen or found is entity:
                continue
            seen.append(found)
            todo.extend(found.containers)
        return seen

    def countries_of(self, entity: Entity) -> list[Entity]:
        """The countries an entity lies in (or, for a project, the countries of the areas it covers)."""
        start = [entity]
        start += [self.entities[a] for a in entity.areas if a in self.entities]
        out: list[Entity] = []
        for e in start:
            for place in [e, *self.places_around(e)]:
                if "Country" in place.all_kinds and place not in out and place is not entity:
                    out.append(place)
        return out

    def linked_to(self, qid: str) -> list[Entity]:
        return [e for e in self.entities.values() if qid in e.links]

    def short(self, iri: str) -> str:
        """A prefixed name for messages (``organisation:kiruna-kommun``), else the IRI."""
        best = None
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns) and (best is None or len(ns) > len(best[1])):
                best = (prefix, ns)
        return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri


def qid_number(qid: str) -> int:
    return int(qid[1:]) if QID.match(qid) else 0


def normalise_qid(value: str) -> str | None:
    """``Q34`` from ``Q34`` or ``http(s)://www.wikidata.org/entity/Q34``; None for anything else."""
    value = value.strip()
    for start in ("http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/"):
        if value.startswith(start):
            value = value[len(start) :]
            break
    return value if QID.match(value) else None


def _by_lang(values: Iterable[object]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in values:
        if isinstance(o, Literal):
            out.setdefault((o.language or "").lower(), []).append(str(o))
    return {k: sorted(v) for k, v in sorted(out.items())}


def _iris(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(sorted({str(o) for o in values if isinstance(o, URIRef)}))


def by_text(settings: LinkSettings, data: LocalData) -> str:
    """Who confirms links, for the provenance: the setting, else the publisher's communications unit."""
    if settings.by.strip():
        return settings.by.strip()
    if data.publisher_name:
        return f"{data.publisher_name}, kommunikationsavdelningen"
    raise InputError(
        "kgpub cannot tell who confirms the links: the data names no publisher of its source page.",
        hint="Give --by (a role, such as 'Exempel kommun, kommunikationsavdelningen'), "
        "or set 'by' in the [link] table of kgpub.toml.",
    )
