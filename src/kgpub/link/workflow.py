"""The steps of linking to Wikidata: suggest, accept, check, labels, export.

Nothing here writes a link nobody confirmed: ``suggest`` only writes a review file, ``accept``
writes exactly the rows a person marked accepted, and ``check`` only reports (and may write another
review file). Nothing is ever sent to Wikidata.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kgpub.errors import InputError
from kgpub.link.linkfile import (
    LinkSet,
    Rejection,
    link_path,
    linkset_iri,
    read_links,
    read_rejected,
    rejected_path,
    render_links,
    render_rejected,
    write_text,
)
from kgpub.link.local import WIKIDATA_ENTITY, Entity, LocalData, by_text, normalise_qid, qid_number
from kgpub.link.names import NameForm, name_forms, normalise
from kgpub.link.remote import Hit, fetch, labels_of, lookup, merge
from kgpub.link.review import Row, read_review
from kgpub.link.score import Candidate, score, type_reasons
from kgpub.link.texts import text
from kgpub.link.types import NEW_ITEM_CLASS

if TYPE_CHECKING:
    from kgpub.link.client import WikidataClient
    from kgpub.link.settings import LinkSettings
    from kgpub.project import Project

LINKSET_LABELS = {"sv": "Länkar till Wikidata", "en": "Links to Wikidata"}


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _stamp(now: dt.datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def select(data: LocalData, references: Iterable[str]) -> list[Entity]:
    """The entities named by ``references`` (IRIs, prefixed names or paths under id/)."""
    chosen: list[Entity] = []
    for reference in references:
        entity = data.get(reference)
        if entity is None:
            raise InputError(
                f"there is no entity {reference!r} in the data.",
                hint="Name it by IRI, prefixed name (organisation:kiruna-kommun) or path "
                "(organisation/kiruna-kommun).",
            )
        if entity not in chosen:
            chosen.append(entity)
    return chosen


# -- suggest ------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    """The candidates found for one entity, best first."""

    entity: Entity
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def suggest(
    project: Project,
    client: WikidataClient,
    settings: LinkSettings,
    *,
    lang: str = "sv",
    only: Iterable[str] = (),
) -> tuple[LocalData, list[Suggestion]]:
    """Candidates for every entity without a link (or for ``only``), scored, best first."""
    data = LocalData.of(project)
    rejected = read_rejected(rejected_path(project.data_dir))
    chosen = select(data, only)
    targets = chosen or [e for e in data.entities.values() if not e.links]
    targets.sort(key=lambda e: (data.kinds_label(e, lang), e.label(lang).casefold(), e.iri))
    forms = {e.iri: name_forms(e, ("mul",)) for e in targets}
    hits = lookup(client, [f for fs in forms.values() for f in fs], settings.batch_size)
    by_name: dict[tuple[str, str], list[Hit]] = {}
    for hit in hits:
        by_name.setdefault((hit.text, hit.lang), []).append(hit)
    matches: dict[str, dict[str, list[tuple[NameForm, Hit]]]] = {}
    for entity in targets:
        found = matches.setdefault(entity.iri, {})
        for form in forms[entity.iri]:
            for hit in by_name.get((form.text, form.lang), []):
                if (entity.iri, hit.qid) in rejected:
                    continue
                found.setdefault(hit.qid, []).append((form, hit))
    qids = {q for found in matches.values() for q in found}
    facts = fetch(client, qids, settings.batch_size, identifiers=settings.identifiers.values())
    results: list[Suggestion] = []
    for entity in targets:
        suggestion = Suggestion(entity)
        for qid, pairs in matches[entity.iri].items():
            item = facts.items.get(qid)
            if item is None or item.redirect:
                continue
            suggestion.candidates.append(
                score(
                    data,
                    entity,
                    item,
                    pairs,
                    facts,
                    lang=lang,
                    country=settings.country,
                    identifiers=settings.identifiers,
                )
            )
        suggestion.candidates.sort(key=lambda c: (-c.score, qid_number(c.qid)))
        del suggestion.candidates[settings.max_candidates :]
        results.append(suggestion)
    return data, results


def review_rows(data: LocalData, suggestions: Iterable[Suggestion], lang: str) -> list[dict[str, object]]:
    """The rows of the review file: one per candidate, the decision left empty."""
    rows: list[dict[str, object]] = []
    for s in suggestions:
        for c in s.candidates:
            rows.append(
                {
                    "entity": s.entity.iri,
                    "label": s.entity.label(lang),
                    "qid": c.qid,
                    "candidate_label": c.label,
                    "candidate_description": c.description,
                    "score": c.score,
                    "reasons": c.explanation,
                    "wikidata": f"https://www.wikidata.org/wiki/{c.qid}",
                    "decision": "",
                }
            )
    return rows


# -- accept -------------------------------------------------------------------------------------


@dataclass
class AcceptReport:
    added: list[tuple[Entity, str]] = field(default_factory=list)
    replaced: list[tuple[Entity, str, str]] = field(default_factory=list)
    unchanged: list[tuple[Entity, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    undecided: int = 0
    written: list[Path] = field(default_factory=list)


def accept(
    project: Project,
    review: Path,
    settings: LinkSettings,
    *,
    by: str | None = None,
    now: dt.datetime | None = None,
) -> AcceptReport:
    """Write the rows marked accepted into the link file and remember the rejected ones.

    All or nothing: a row with a malformed QID, an entity that no longer exists, an unreadable
    decision or a conflict stops everything, and nothing is written.
    """
    data = LocalData.of(project)
    rows = read_review(review)
    links_file = link_path(project.data_dir)
    rejected_file = rejected_path(project.data_dir)
    linkset = linkset_iri(data, project.config.name)
    current = read_links(links_file, linkset)
    rejected = read_rejected(rejected_file)
    who = (by or "").strip() or by_text(settings, data)
    moment = _now(now)
    problems: list[str] = []
    accepted: dict[str, tuple[str, Row]] = {}
    turned_down: list[tuple[Entity, str, Row]] = []
    report = AcceptReport()

    def problem(row: Row, message: str) -> None:
        problems.append(f"line {row.line}: {message}")

    for row in rows:
        if row.decision is None:
            problem(row, f"the decision {row.raw_decision!r} is neither accept nor reject.")
            continue
        if row.decision == "":
            report.undecided += 1
            continue
        qid = normalise_qid(row.qid)
        if qid is None:
            problem(row, f"{row.qid!r} is not a Wikidata item (write Q followed by its number, e.g. Q34).")
            continue
        entity = data.get(row.entity)
        if entity is None:
            problem(row, f"the entity {row.entity!r} no longer exists in the data.")
            continue
        if row.decision == "accept":
            if entity.iri in accepted and accepted[entity.iri][0] != qid:
                other = accepted[entity.iri][1]
                problem(
                    row,
                    f"{entity.label('en')} is accepted as both {accepted[entity.iri][0]} "
                    f"(line {other.line}) and {qid}; accept one item per entity.",
                )
                continue
            accepted[entity.iri] = (qid, row)
        else:
            if qid in current.links.get(entity.iri, set()) and accepted.get(entity.iri, ("",))[0] != qid:
                problem(
                    row,
                    f"{qid} is already linked from {data.short(entity.iri)}; to remove a link, delete "
                    f"its line from {links_file}.",
                )
                continue
            turned_down.append((entity, qid, row))
    owners: dict[str, list[tuple[str, Row]]] = {}
    for entity_iri, (qid, accepted_row) in accepted.items():
        owners.setdefault(qid, []).append((entity_iri, accepted_row))
    for qid, entities in owners.items():
        if len(entities) > 1:
            names = ", ".join(f"{data.short(e)} on line {r.line}" for e, r in sorted(entities))
            problems.append(f"{qid} is accepted for several entities ({names}); one item is one entity.")
    for entity, qid, row in turned_down:
        if accepted.get(entity.iri, ("",))[0] == qid:
            problem(row, f"{qid} is both accepted and rejected for {data.short(entity.iri)}.")
    if problems:
        raise InputError(
            "nothing was written, because some rows cannot be used:\n  " + "\n  ".join(problems),
            path=review,
            hint="Fix these rows (or clear their decision) and run 'kgpub link accept' again.",
        )
    links = LinkSet({e: set(q) for e, q in current.links.items()}, list(current.notes), current.modified)
    for entity_iri, (qid, _row) in sorted(accepted.items()):
        entity = data.entities[entity_iri]
        before = links.links.get(entity_iri, set())
        if before == {qid}:
            report.unchanged.append((entity, qid))
            continue
        if before:
            report.replaced.append((entity, ", ".join(sorted(before, key=qid_number)), qid))
        else:
            report.added.append((entity, qid))
        links.links[entity_iri] = {qid}
        rejected.pop((entity_iri, qid), None)
    for entity, qid, row in turned_down:
        if (entity.iri, qid) not in rejected:
            report.rejected.append((entity.iri, qid))
        rejected[(entity.iri, qid)] = Rejection(
            entity.iri, qid, entity.label("sv"), row.candidate_label, moment.date().isoformat(), who
        )
    changed_links = bool(report.added or report.replaced)
    # A link file written by hand has no provenance yet: the first accept that confirms its links
    # records who confirmed them, even if it adds none.
    first = current.modified is None and not current.notes and bool(report.unchanged)
    if changed_links or first:
        links.modified = _stamp(moment)
        parts = []
        for count, done in (
            (len(report.added), "added"),
            (len(report.replaced), "replaced"),
            (len(report.unchanged) if first else 0, "confirmed"),
        ):
            if count:
                parts.append(f"{count} link{'s' if count != 1 else ''} {done}")
        links.notes.append(f"{_stamp(moment)} {who}: {', '.join(parts)} (kgpub link accept)")
        write_text(
            links_file,
            render_links(
                links,
                data,
                linkset=linkset,
                dataset=f"{data.id_base}dataset/{project.config.name}",
                labels=LINKSET_LABELS,
            ),
        )
        report.written.append(links_file)
    if report.rejected or ((changed_links or first) and rejected_file.exists()):
        write_text(rejected_file, render_rejected(rejected))
        report.written.append(rejected_file)
    return report


# -- check --------------------------------------------------------------------------------------


@dataclass
class Finding:
    """What ``check`` found about one link."""

    entity: Entity
    qid: str
    #: "ok", "unconfirmed" (fine, but the type cannot be confirmed), "missing", "redirect", "type",
    #: or "orphan" (the link file names an entity the data no longer has).
    status: str
    message: str
    proposal: Candidate | None = None

    @property
    def needs_attention(self) -> bool:
        return self.status in ("missing", "redirect", "type", "orphan")


def _local_hits(entity: Entity, labels: dict[str, str], qid: str) -> list[tuple[NameForm, Hit]]:
    """Name matches between ``entity`` and an item's labels, found without a lookup."""
    out = []
    for form in name_forms(entity):
        for lang, label in labels.items():
            if normalise(label) == normalise(form.text) and lang == form.lang:
                out.append((form, Hit(qid, label, lang, "label")))
    return out


def check(
    project: Project, client: WikidataClient, settings: LinkSettings, *, lang: str = "sv"
) -> tuple[LocalData, list[Finding]]:
    """Re-verify every link: the item exists, is not a redirect, and its type still fits."""
    data = LocalData.of(project)
    linked = [(e, q) for e in data.entities.values() for q in e.links]
    linked.sort(
        key=lambda eq: (data.kinds_label(eq[0], lang), eq[0].label(lang).casefold(), qid_number(eq[1]))
    )
    facts = fetch(client, [q for _, q in linked], settings.batch_size, within=False)
    targets = {facts.items[q].redirect for _, q in linked if facts.items[q].redirect}
    targets.discard(None)
    if targets:
        merge(
            facts,
            fetch(
                client,
                [t for t in targets if t],
                settings.batch_size,
                identifiers=settings.identifiers.values(),
            ),
        )
    findings: list[Finding] = []
    stored = read_links(link_path(project.data_dir), linkset_iri(data, project.config.name))
    for iri, qids in sorted(stored.links.items()):
        if iri not in data.entities:
            gone = Entity(iri, (), frozenset())
            for qid in sorted(qids, key=qid_number):
                message = text("check_orphan", lang, path=link_path(project.data_dir))
                findings.append(Finding(gone, qid, "orphan", message))
    for entity, qid in linked:
        item = facts.items[qid]
        if item.redirect:
            target = facts.items.get(item.redirect)
            proposal = None
            if target is not None and target.exists:
                proposal = score(
                    data,
                    entity,
                    target,
                    _local_hits(entity, target.labels, target.qid),
                    facts,
                    lang=lang,
                    country=settings.country,
                    identifiers=settings.identifiers,
                )
            message = text(
                "check_redirect",
                lang,
                qid=qid,
                target=item.redirect,
                label=(target.label(lang) if target else "") or "?",
            )
            findings.append(Finding(entity, qid, "redirect", message, proposal))
            continue
        if not item.exists:
            findings.append(Finding(entity, qid, "missing", text("check_missing", lang, qid=qid)))
            continue
        reasons = type_reasons(data, entity, item, facts, lang)
        points = sum(r.points for r in reasons)
        why = "; ".join(r.text for r in reasons)
        if points < 0:
            findings.append(Finding(entity, qid, "type", text("check_type", lang, why=why)))
        elif points == 0:
            findings.append(Finding(entity, qid, "unconfirmed", why))
        else:
            findings.append(Finding(entity, qid, "ok", f"{text('check_ok', lang)}: {why}"))
    return data, findings


def check_rows(data: LocalData, findings: Iterable[Finding], lang: str) -> list[dict[str, object]]:
    """Review rows for the items that redirected links now lead to."""
    rows: list[dict[str, object]] = []
    for f in findings:
        if f.proposal is None:
            continue
        c = f.proposal
        rows.append(
            {
                "entity": f.entity.iri,
                "label": f.entity.label(lang),
                "qid": c.qid,
                "candidate_label": c.label,
                "candidate_description": c.description,
                "score": c.score,
                "reasons": f"{f.message}; {c.explanation}",
                "wikidata": f"https://www.wikidata.org/wiki/{c.qid}",
                "decision": "",
            }
        )
    return rows


# -- labels -------------------------------------------------------------------------------------

SKOSXL = "http://www.w3.org/2008/05/skos-xl#"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


def labels_path(data_dir: Path) -> Path:
    return data_dir / "links" / "wikidata-labels.ttl"


@dataclass
class Imported:
    """A name taken over from Wikidata."""

    entity: str
    lang: str
    text: str
    qid: str
    date: str


def read_imported(path: Path) -> dict[tuple[str, str], Imported]:
    """The names a previous ``kgpub link labels`` took over (entity, language) -> name."""
    from kgpub.load import load_files

    if not path.exists():
        return {}
    from rdflib import URIRef

    graph = load_files([path], track_subjects=False).graph
    out: dict[tuple[str, str], Imported] = {}
    pref = URIRef(SKOSXL + "prefLabel")
    form = URIRef(SKOSXL + "literalForm")
    source = URIRef("http://purl.org/dc/terms/source")
    created = URIRef("http://purl.org/dc/terms/created")
    for entity, node in graph.subject_objects(pref):
        literal = graph.value(node, form)
        origin = graph.value(node, source)
        if literal is None or origin is None or not str(origin).startswith(WIKIDATA_ENTITY):
            continue
        lang = getattr(literal, "language", None) or ""
        out[(str(entity), lang)] = Imported(
            str(entity),
            lang,
            str(literal),
            str(origin)[len(WIKIDATA_ENTITY) :],
            str(graph.value(node, created) or ""),
        )
    return out


@dataclass
class LabelsReport:
    added: list[Imported] = field(default_factory=list)
    updated: list[Imported] = field(default_factory=list)
    kept: int = 0
    #: (entity, language, our own name) – names the data already has, never overwritten.
    skipped: list[tuple[Entity, str, str]] = field(default_factory=list)
    missing: list[tuple[Entity, str]] = field(default_factory=list)
    written: Path | None = None


def import_labels(
    project: Project,
    client: WikidataClient,
    settings: LinkSettings,
    *,
    languages: Iterable[str] = (),
    only: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> LabelsReport:
    """Take over the names in ``languages`` that Wikidata has for linked places (or ``only``)."""
    data = LocalData.of(project)
    own = ("sv", "en")
    configured = tuple(x for x in project.config.languages if x not in own)
    langs = tuple(dict.fromkeys(languages)) or configured
    if not langs:
        raise InputError(
            "the project has no languages besides Swedish and English, so there is no name to take over.",
            path=project.config_path,
            hint="Add the languages the municipality chooses to 'languages' in kgpub.toml, e.g. "
            '["sv", "en", "fi", "se", "fit"] (Finnish, Northern Sami, Meänkieli).',
        )
    for lang in langs:
        if lang in own:
            raise InputError(
                f"kgpub does not take over {lang} names: the Swedish and English names are the "
                "municipality's own.",
                hint="Choose other languages, e.g. --lang fi --lang se --lang fit.",
            )
        if lang not in configured:
            raise InputError(
                f"{lang} is not one of the project's languages ({', '.join(project.config.languages)}).",
                path=project.config_path,
                hint=f"Add \"{lang}\" to 'languages' in kgpub.toml if the municipality chooses to publish "
                "names in it.",
            )
    path = labels_path(project.data_dir)
    previous = read_imported(path)
    chosen = select(data, only)
    targets = [e for e in (chosen or data.entities.values()) if e.links and (chosen or e.is_place)]
    names = labels_of(client, [e.links[0] for e in targets], langs, settings.batch_size)
    report = LabelsReport()
    today = _now(now).date().isoformat()
    result = {k: v for k, v in previous.items() if k[0] in data.entities}
    for entity in sorted(targets, key=lambda e: e.iri):
        qid = entity.links[0]
        for lang in langs:
            theirs = names.get(qid, {}).get(lang)
            before = previous.get((entity.iri, lang))
            by_hand = [n for n in entity.labels.get(lang, []) if before is None or n != before.text]
            if by_hand:
                report.skipped.append((entity, lang, by_hand[0]))
                result.pop((entity.iri, lang), None)
                continue
            if theirs is None:
                if before is None:
                    report.missing.append((entity, lang))
                else:
                    report.kept += 1
                continue
            if before is not None and before.text == theirs and before.qid == qid:
                report.kept += 1
                continue
            imported = Imported(entity.iri, lang, theirs, qid, today)
            (report.updated if before is not None else report.added).append(imported)
            result[(entity.iri, lang)] = imported
    if report.added or report.updated or set(result) != set(previous):
        write_text(path, render_imported(data, result))
        report.written = path
    return report


def _label_node(data: LocalData, entity: str, lang: str) -> str:
    local = entity[len(data.id_base) :] if entity.startswith(data.id_base) else entity
    slug = re.sub(r"[^a-z0-9]+", "-", local.lower()).strip("-")
    return f"{data.id_base}label/{slug}-{lang.lower()}"


def render_imported(data: LocalData, imported: dict[tuple[str, str], Imported]) -> str:
    from kgpub.link.linkfile import _literal, _name

    prefixes = {p: ns for p, ns in data.prefixes.items() if p not in ("wd", "rdfs", "dcterms", "skosxl")}
    used: dict[str, str] = {}
    by_entity: dict[str, list[Imported]] = {}
    for item in imported.values():
        by_entity.setdefault(item.entity, []).append(item)
    blocks = []
    for entity in sorted(by_entity):
        items = sorted(by_entity[entity], key=lambda i: i.lang)
        subject = _name(entity, prefixes, used)
        labels = " , ".join(_literal(i.text, "@" + i.lang) for i in items)
        nodes = " , ".join(f"<{_label_node(data, entity, i.lang)}>" for i in items)
        block = [f"{subject}\n    rdfs:label {labels} ;\n    skosxl:prefLabel {nodes} ."]
        for i in items:
            block.append(
                f"<{_label_node(data, entity, i.lang)}>\n"
                f"    skosxl:literalForm {_literal(i.text, '@' + i.lang)} ;\n"
                f"    dcterms:source wd:{i.qid} ;\n"
                f"    dcterms:license <{CC0}> ;\n"
                f'    dcterms:created "{i.date}"^^xsd:date .'
            )
        blocks.append("\n\n".join(block))
    head = (
        "# Names in other languages that the municipality took over from Wikidata with\n"
        "# `kgpub link labels`. Each name is an rdfs:label of the entity and also a SKOS-XL label\n"
        "# that says where it comes from (dcterms:source, the Wikidata item) and when it was taken.\n"
        "# Names written by hand elsewhere in data/ are never overwritten. Wikidata's data is CC0.\n\n"
    )
    fixed = {
        "dcterms": "http://purl.org/dc/terms/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "skosxl": SKOSXL,
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "wd": WIKIDATA_ENTITY,
    }
    every = {**fixed, **dict(sorted(used.items()))}
    width = max(len(p) for p in every) + 1
    prefix_lines = "".join(f"@prefix {(p + ':').ljust(width)} <{ns}> .\n" for p, ns in every.items())
    return head + prefix_lines + "\n" + "\n\n".join(blocks) + ("\n" if blocks else "")


# -- export -------------------------------------------------------------------------------------


def _qs_text(value: str) -> str:
    value = " ".join(value.replace('"', "'").split())
    return f'"{value}"'


def _qs_time(value: str) -> str | None:
    if re.fullmatch(r"\d{4}", value):
        return f"+{value}-00-00T00:00:00Z/9"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return f"+{value}-00T00:00:00Z/10"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"+{value}T00:00:00Z/11"
    return None


def _description(data: LocalData, entity: Entity, lang: str, country: str) -> str:
    kind = data.kind_label(entity.kinds[0], lang).lower() if entity.kinds else ""
    places = [data.entities[a] for a in entity.areas if a in data.entities] or [
        data.entities[c] for c in entity.containers if c in data.entities
    ]
    if not places:
        places = data.countries_of(entity) or [e for e in data.linked_to(country)]
    where = places[0].label(lang) if places else ""
    words = {"sv": " i ", "en": " in "}.get(lang, " ")
    out = kind + (words + where if where else "")
    start = (entity.values.get("http://schema.org/startDate") or [""])[0][:4]
    end = (entity.values.get("http://schema.org/endDate") or [""])[0][:4]
    if start and end:
        out += f", {start}–{end}" if start != end else f", {start}"
    elif start:
        out += f", {start}–"
    return out


@dataclass
class Export:
    text: str
    entities: list[Entity]
    skipped: list[tuple[Entity, str]]


def quickstatements(
    project: Project,
    settings: LinkSettings,
    *,
    only: Iterable[str] = (),
    review: Path | None = None,
    today: dt.date | None = None,
) -> Export:
    """QuickStatements (V1) that would create an item for each entity Wikidata lacks.

    Entities chosen with ``only``; by default every entity without a link whose kind has a
    Wikidata class, less those that still have an open (or accepted) candidate in ``review``.
    """
    data = LocalData.of(project)
    chosen = select(data, only)
    pending: set[str] = set()
    if review is not None:
        pending = {r.entity for r in read_review(review) if r.decision != "reject" and r.qid}
        pending = {e.iri for e in (data.get(p) for p in pending) if e is not None}
    skipped: list[tuple[Entity, str]] = []
    targets: list[Entity] = []
    for entity in chosen or sorted(data.entities.values(), key=lambda e: e.iri):
        if entity.links:
            if chosen:
                skipped.append((entity, f"already linked to {', '.join(entity.links)}"))
        elif not any(k in NEW_ITEM_CLASS for k in entity.kinds):
            if chosen:
                skipped.append((entity, "kgpub knows no Wikidata class for its kind"))
        elif entity.iri in pending:
            skipped.append((entity, "it still has candidates in the review file"))
        else:
            targets.append(entity)
    retrieved = f"+{(today or _now(None).date()).isoformat()}T00:00:00Z/11"
    lines: list[str] = []
    for entity in targets:
        source = entity.sources[0] if entity.sources else ""
        ref = f"\tS854\t{_qs_text(source)}\tS813\t{retrieved}" if source else ""
        lines.append("CREATE")
        for lang in ("sv", "en"):
            if entity.labels.get(lang):
                lines.append(f"LAST\tL{lang}\t{_qs_text(entity.labels[lang][0])}")
        for lang in ("sv", "en"):
            description = _description(data, entity, lang, settings.country)
            if description:
                lines.append(f"LAST\tD{lang}\t{_qs_text(description)}")
        for lang in ("sv", "en"):
            for alias in entity.alt_labels.get(lang, []):
                lines.append(f"LAST\tA{lang}\t{_qs_text(alias)}")
        kind = next(k for k in entity.kinds if k in NEW_ITEM_CLASS)
        lines.append(f"LAST\tP31\t{NEW_ITEM_CLASS[kind]}{ref}")
        if "Country" not in entity.all_kinds:
            countries = [q for c in data.countries_of(entity) for q in c.links] or [settings.country]
            for qid in dict.fromkeys(countries):
                lines.append(f"LAST\tP17\t{qid}{ref}")
        for prop, pid in (
            ("http://schema.org/startDate", "P580"),
            ("http://schema.org/endDate", "P582"),
            ("http://schema.org/foundingDate", "P571"),
        ):
            for value in entity.values.get(prop, []):
                when = _qs_time(value)
                if when:
                    lines.append(f"LAST\t{pid}\t{when}{ref}")
    return Export("".join(line + "\n" for line in lines), targets, skipped)


__all__ = [
    "AcceptReport",
    "Finding",
    "Suggestion",
    "accept",
    "check",
    "import_labels",
    "quickstatements",
    "suggest",
]
