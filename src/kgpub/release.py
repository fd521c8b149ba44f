"""Releases: the version of each build, and what changed since the publication it replaces.

``kgpub build`` compares the graph it is about to publish with the previous ``dist/{name}.nt`` and
writes two files into the new publication:

``changes.ttl``
    The changes in RDF, with the Talis ChangeSet vocabulary (``cs:``,
    http://purl.org/vocab/changeset/schema#): one ``cs:ChangeSet`` for the release, whose subject of
    change is the dataset and which records the version (``owl:versionInfo``, as DCAT-AP does), the
    release date (``dcterms:issued``), the date the data last changed (``dcterms:modified``) and the
    previous release (``cs:precedingChangeSet``); and, as its parts, one ``cs:ChangeSet`` per entity
    whose statements changed, with every added and removed statement as a reified ``rdf:Statement``
    (``cs:addition`` / ``cs:removal``). The vocabulary describes exactly this (changes to the
    description of one resource), is plain RDF 1.1 (no named graphs, no RDF-star), and every node has
    an IRI: ``{base}dumps/changes.ttl#v{version}…``, so the file is free of blank nodes.
``changes.md``
    The same, in words: per release (newest first, the older releases kept below), a Swedish and an
    English part listing each entity by its name: ``Nytt: …``, ``Borttaget: …``, ``Ändrat: …`` with
    the properties that changed and their old and new values.

The version is ``version`` from ``kgpub.toml`` when it is set there, else the ``release`` date. The
*modified* date is the release date of the last build that changed the graph; a build that changes
nothing keeps the previous one, and if it keeps the version too (a rebuild of the same release) it
carries the previous changes files over unchanged, so rebuilding is idempotent.

``kgpub diff`` makes the same comparison between the project as it is now (built in memory, not
validated, nothing written) and a published folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import tomllib
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kgpub.errors import InputError
from kgpub.serialise import Canonical, serialise

if TYPE_CHECKING:
    from rdflib import Graph

    from kgpub.project import Project

CS = "http://purl.org/vocab/changeset/schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "http://schema.org/"
KGPUB = "https://w3id.org/kgpub/def#"
RDF_TYPE = RDF + "type"
Term = ox.NamedNode | ox.BlankNode | ox.Literal
RDFS_LABEL = RDFS + "label"

CHANGES_TTL = "changes.ttl"
CHANGES_MD = "changes.md"
PREFIXES = {
    "cs": CS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
}
TITLE = "# Ändringar i data · Changes to the data\n"
#: Longest literal shown in changes.md (changes.ttl always has the whole value).
MAX_SHOWN = 160

#: How properties are named in changes.md when the ontology has no label for them.
PROPERTY_NAMES: dict[str, dict[str, str]] = {
    RDF_TYPE: {"sv": "typ", "en": "type"},
    RDFS_LABEL: {"sv": "namn", "en": "name"},
    RDFS + "comment": {"sv": "kommentar", "en": "comment"},
    SCHEMA + "name": {"sv": "namn", "en": "name"},
    SCHEMA + "description": {"sv": "beskrivning", "en": "description"},
    SCHEMA + "startDate": {"sv": "startdatum", "en": "start date"},
    SCHEMA + "endDate": {"sv": "slutdatum", "en": "end date"},
    SCHEMA + "url": {"sv": "webbadress", "en": "web address"},
    OWL + "sameAs": {"sv": "samma som", "en": "same as"},
}
WORDS = {
    "sv": {
        "part": "På svenska",
        "added": "Nytt",
        "removed": "Borttaget",
        "changed": "Ändrat",
        "first": "Första publiceringen. Poster: {entities}; påståenden: {triples}.",
        "none": "Inga ändringar i data jämfört med {previous}.",
        "summary": "Jämfört med {previous}. Nytt: {added} · Borttaget: {removed} · Ändrat: {changed}. "
        "Påståenden: {plus} tillagda, {minus} borttagna.",
        "version": "version {version}",
        "previous": "förra publiceringen",
        "to": "{old} har ändrats till {new}",
        "plus": "lagt till {values}",
        "minus": "tagit bort {values}",
        "other": "ändrat på {langs}",
        "blank": "[anonym nod]",
        "q": "”{}”",
        "langs": {"sv": "svenska", "en": "engelska"},
    },
    "en": {
        "part": "In English",
        "added": "Added",
        "removed": "Removed",
        "changed": "Changed",
        "first": "First publication. Entries: {entities}; statements: {triples}.",
        "none": "No changes to the data since {previous}.",
        "summary": "Compared with {previous}. Added: {added} · Removed: {removed} · Changed: {changed}. "
        "Statements: {plus} added, {minus} removed.",
        "version": "version {version}",
        "previous": "the previous publication",
        "to": "{old} changed to {new}",
        "plus": "added {values}",
        "minus": "removed {values}",
        "other": "changed in {langs}",
        "blank": "[anonymous node]",
        "q": "“{}”",
        "langs": {"sv": "Swedish", "en": "English"},
    },
}
LANGS = ("sv", "en")


@dataclass(frozen=True)
class Release:
    """One build's release: its version and dates, and the release it follows."""

    version: str
    #: The ``release`` date of ``kgpub.toml``: when this build was released.
    issued: dt.date
    #: When the data last changed: ``issued`` if this build changed the graph, else the previous date.
    modified: dt.date
    previous_version: str | None = None
    #: True when there was no previous publication to compare with.
    first: bool = False


@dataclass
class EntityChange:
    """The statements about one subject that were added or removed."""

    subject: str
    kind: str  # "added", "removed" or "changed"
    added: list[ox.Triple] = field(default_factory=list)
    removed: list[ox.Triple] = field(default_factory=list)


@dataclass
class Changes:
    """The comparison of a new graph with the published one, and the release it makes."""

    release: Release
    base: str
    dataset: str
    entities: list[EntityChange]
    added: int
    removed: int
    #: Entities (IRI subjects) and statements of the new graph, for the first publication's summary.
    new_entities: int
    new_triples: int
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    property_names: dict[str, dict[str, str]] = field(default_factory=dict)
    type_names: dict[str, dict[str, str]] = field(default_factory=dict)
    supers: dict[str, set[str]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True when the graph differs from the published one (or there was none)."""
        return self.release.first or bool(self.added or self.removed)

    def counts(self) -> dict[str, int]:
        kinds = [e.kind for e in self.entities]
        return {k: kinds.count(k) for k in ("added", "removed", "changed")}

    def summary(self) -> str:
        """One line for the command line: the version and what changed."""
        r = self.release
        head = f"Version {r.version}"
        if r.first:
            return f"{head}: the first publication (changes.md)."
        if not (self.added or self.removed):
            return f"{head}: no changes to the data since the previous publication."
        c = self.counts()
        since = f"version {r.previous_version}" if r.previous_version else "the previous publication"
        return (
            f"{head}: since {since}, {c['added']} entries added, {c['removed']} removed, "
            f"{c['changed']} changed; {self.added} statements added, {self.removed} removed (changes.md)."
        )

    def version_warning(self) -> str | None:
        """A word when the data changed but the version did not (two releases would share a name)."""
        r = self.release
        if r.first or not (self.added or self.removed) or r.version != r.previous_version:
            return None
        return (
            f"the data changed but the version is still {r.version}; set a new 'version' (or 'release' "
            "date) in kgpub.toml so the two releases can be told apart."
        )

    # -- words -----------------------------------------------------------------------------------
    def section(self) -> str:
        """This release's part of ``changes.md``: a heading, then a Swedish and an English part."""
        r = self.release
        date = r.issued.isoformat()
        lines = [f"## Version {_md(r.version)}" + (f" · {date}" if r.version != date else ""), ""]
        for lang in LANGS:
            lines += [f"### {WORDS[lang]['part']}", "", *self._part(lang), ""]
        return "\n".join(lines)

    def _part(self, lang: str) -> list[str]:
        w = WORDS[lang]
        r = self.release
        previous = (
            str(w["version"]).format(version=_md(r.previous_version))
            if r.previous_version
            else str(w["previous"])
        )
        if r.first:
            return [str(w["first"]).format(entities=self.new_entities, triples=self.new_triples)]
        if not (self.added or self.removed):
            return [str(w["none"]).format(previous=previous)]
        counts = self.counts()
        lines = [
            str(w["summary"]).format(previous=previous, plus=self.added, minus=self.removed, **counts),
            "",
        ]
        order = {"added": 0, "removed": 1, "changed": 2}
        entries = sorted(
            self.entities, key=lambda e: (order[e.kind], self._name(e.subject, lang).casefold(), e.subject)
        )
        for e in entries:
            name = f"**{_md(self._name(e.subject, lang))}**"
            where = f" — <{e.subject}>" if not e.subject.startswith("_:") else ""
            if e.kind == "added":
                kind = self._kind(e, lang)
                lines.append(f"- {w['added']}: {name}{f' ({_md(kind)})' if kind else ''}{where}")
            elif e.kind == "removed":
                lines.append(f"- {w['removed']}: {name}{where}")
            else:
                details = self._details(e, lang)
                props = ", ".join(_md(p) for p, _ in details)
                lines.append(f"- {w['changed']}: {name} — {props}{where}")
                lines += [f"  - {_md(p)}: {text}" for p, text in details]
        return lines

    def _name(self, iri: str, lang: str) -> str:
        if iri.startswith("_:"):
            return str(WORDS[lang]["blank"])
        return _pick(self.labels.get(iri, {}), lang) or iri

    def _kind(self, e: EntityChange, lang: str) -> str | None:
        types = sorted(_text(t.object) for t in e.added if t.predicate.value == RDF_TYPE)
        for t in types:
            if t.startswith(KGPUB) and t in self.type_names:
                return _pick(self.type_names[t], lang)
        return None

    def _prop(self, iri: str, lang: str) -> str:
        names = self.property_names.get(iri) or PROPERTY_NAMES.get(iri)
        if names and _pick(names, lang):
            return _pick(names, lang) or iri
        for prefix, ns in {"kgpub": KGPUB, "schema": SCHEMA, "dcterms": DCTERMS, **PREFIXES}.items():
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def _value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal, lang: str) -> str:
        if isinstance(term, ox.Literal):
            text = term.value if len(term.value) <= MAX_SHOWN else term.value[: MAX_SHOWN - 1] + "…"
            return str(WORDS[lang]["q"]).format(_md(text))
        if isinstance(term, ox.BlankNode):
            return str(WORDS[lang]["blank"])
        label = _pick(self.labels.get(term.value, {}), lang)
        return _md(label) if label else f"<{term.value}>"

    def _details(self, e: EntityChange, lang: str) -> list[tuple[str, str]]:
        """(property name, what happened) for each property that changed, implied statements left out."""
        w = WORDS[lang]
        by_prop: dict[str, tuple[list[Term], list[Term]]] = defaultdict(lambda: ([], []))
        for triples, index in ((e.added, 0), (e.removed, 1)):
            for t in _explicit(triples, self.supers):
                by_prop[t.predicate.value][index].append(_skolem(t.object, self.base))
        details: dict[str, list[str]] = {}
        for prop in sorted(by_prop, key=lambda p: (self._prop(p, lang).casefold(), p)):
            plus, minus = by_prop[prop]
            mine_plus = [v for v in plus if _lang(v) in (lang, "")]
            mine_minus = [v for v in minus if _lang(v) in (lang, "")]
            parts: list[str] = []
            if len(mine_plus) == 1 and len(mine_minus) == 1:
                parts.append(
                    str(w["to"]).format(
                        old=self._value(mine_minus[0], lang), new=self._value(mine_plus[0], lang)
                    )
                )
            else:
                if mine_plus:
                    values = ", ".join(sorted(self._value(v, lang) for v in mine_plus))
                    parts.append(str(w["plus"]).format(values=values))
                if mine_minus:
                    values = ", ".join(sorted(self._value(v, lang) for v in mine_minus))
                    parts.append(str(w["minus"]).format(values=values))
            others = sorted({_lang(v) for v in [*plus, *minus]} - {lang, ""})
            if others:
                names: dict[str, str] = w["langs"]  # type: ignore[assignment]
                parts.append(str(w["other"]).format(langs=", ".join(names.get(x, x) for x in others)))
            name = self._prop(prop, lang)
            details.setdefault(name, []).extend(parts)
        return [(name, "; ".join(parts)) for name, parts in details.items()]

    def markdown(self, previous: str | None = None) -> str:
        """The whole ``changes.md``: the title, this release, then the releases before it."""
        history = ""
        if previous:
            start = previous.find("\n## ")
            history = previous[start + 1 :].rstrip("\n") + "\n" if start >= 0 else ""
        text = TITLE + "\n" + self.section().rstrip("\n") + "\n"
        return text + ("\n" + history if history else "")

    # -- RDF -------------------------------------------------------------------------------------
    def release_iri(self, version: str | None = None) -> str:
        version = self.release.version if version is None else version
        return f"{self.base}dumps/{CHANGES_TTL}#v{urllib.parse.quote(version, safe='-._~')}"

    def triples(self) -> list[ox.Triple]:
        """``changes.ttl`` as triples: the release's change set and one per changed entity."""
        r = self.release
        release = ox.NamedNode(self.release_iri())
        date = ox.Literal(r.issued.isoformat(), datatype=ox.NamedNode(XSD + "date"))
        out: list[ox.Triple] = []

        def add(s: Term, p: str, o: Term) -> None:
            assert not isinstance(s, ox.Literal)
            out.append(ox.Triple(s, ox.NamedNode(p), o))

        add(release, RDF_TYPE, ox.NamedNode(CS + "ChangeSet"))
        add(release, CS + "subjectOfChange", ox.NamedNode(self.dataset))
        add(release, CS + "createdDate", date)
        add(release, OWL + "versionInfo", ox.Literal(r.version))
        add(release, DCTERMS + "issued", date)
        add(
            release,
            DCTERMS + "modified",
            ox.Literal(r.modified.isoformat(), datatype=ox.NamedNode(XSD + "date")),
        )
        for lang in LANGS:
            add(release, RDFS_LABEL, ox.Literal(f"Version {r.version}", language=lang))
            add(release, CS + "changeReason", ox.Literal(_plain(self._part(lang)[0]), language=lang))
        if r.previous_version is not None and r.previous_version != r.version:
            add(release, CS + "precedingChangeSet", ox.NamedNode(self.release_iri(r.previous_version)))
        for e in self.entities:
            digest = hashlib.sha256(e.subject.encode("utf-8")).hexdigest()[:16]
            node = ox.NamedNode(f"{release.value}-{digest}")
            add(release, DCTERMS + "hasPart", node)
            add(node, RDF_TYPE, ox.NamedNode(CS + "ChangeSet"))
            add(node, CS + "subjectOfChange", _skolem(ox_term(e.subject), self.base))
            add(node, CS + "createdDate", date)
            for lang in LANGS:
                reason = str(WORDS[lang][e.kind])
                if e.kind == "changed":
                    reason += ": " + ", ".join(p for p, _ in self._details(e, lang))
                add(node, CS + "changeReason", ox.Literal(reason, language=lang))
            for triples, relation, tag in ((e.added, "addition", "a"), (e.removed, "removal", "r")):
                for t in triples:
                    line = str(t).encode("utf-8")
                    statement = ox.NamedNode(f"{node.value}-{tag}{hashlib.sha256(line).hexdigest()[:16]}")
                    add(node, CS + relation, statement)
                    add(statement, RDF_TYPE, ox.NamedNode(RDF + "Statement"))
                    add(statement, RDF + "subject", _skolem(t.subject, self.base))
                    add(statement, RDF + "predicate", t.predicate)
                    add(statement, RDF + "object", _skolem(t.object, self.base))
        return out

    def turtle(self) -> bytes:
        """``changes.ttl``: deterministic Turtle (sorted statements, fixed prefixes)."""
        return serialise(Canonical(self.triples()), "turtle", PREFIXES)


# -- helpers ---------------------------------------------------------------------------------------


def _md(text: str | None) -> str:
    """Text safe inside Markdown: the characters that would start markup are escaped."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", (text or "").replace("\n", " "))


def _plain(text: str) -> str:
    """Markdown back to plain text (for the RDF change reasons)."""
    return re.sub(r"\\(.)", r"\1", text.replace("**", ""))


def _pick(names: dict[str, str], lang: str) -> str | None:
    for want in (lang, "", "en", "sv"):
        if names.get(want):
            return names[want]
    return next(iter(sorted(names.values())), None) if names else None


def _text(term: object) -> str:
    """An IRI's text, ``_:label`` for a blank node, a literal's lexical form."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _lang(term: object) -> str:
    return (term.language or "") if isinstance(term, ox.Literal) else ""


def ox_term(text: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def _skolem(term: object, base: str) -> Term:
    """A blank node as a Skolem IRI (RDF 1.1, section 3.5), so changes.ttl has none."""
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(f"{base}.well-known/genid/{urllib.parse.quote(term.value, safe='')}")
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term
    raise TypeError(f"not a term of a plain RDF graph: {term}")


def _explicit(triples: list[ox.Triple], supers: dict[str, set[str]]) -> list[ox.Triple]:
    """The triples that are not implied by another one in the list (schema:name for rdfs:label …)."""
    present = {(t.predicate.value, str(t.object)) for t in triples}
    types = {_text(t.object) for t in triples if t.predicate.value == RDF_TYPE}
    kept = []
    for t in triples:
        p = t.predicate.value
        if p == RDF_TYPE:
            if any(_text(t.object) in supers.get(other, ()) for other in types):
                continue
        elif any(
            p in supers.get(q, ()) and (q, str(t.object)) in present for q, _ in present if q != RDF_TYPE
        ):
            continue
        kept.append(t)
    return kept


_BNODE = re.compile(r"_:[A-Za-z0-9_\-.]+")


def _key(line: str) -> str:
    """An N-Triples line with its blank-node labels blanked, so relabelling is not a change."""
    return _BNODE.sub("_:", line) if "_:" in line else line


def _subject(line: str) -> str:
    text = line.split(" ", 1)[0]
    return text[1:-1] if text.startswith("<") else text


def _lines(ntriples: bytes) -> dict[str, str]:
    """Key (blank nodes blanked) → N-Triples line, for every statement."""
    out: dict[str, str] = {}
    for line in ntriples.decode("utf-8").split("\n"):  # not splitlines: U+2028 may be in a literal
        if line.strip() and not line.startswith("#"):
            out.setdefault(_key(line), line)
    return out


def _parse(lines: Iterable[str]) -> list[ox.Triple]:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]


# -- versions and the previous release ------------------------------------------------------------


def release_version(project: Project) -> str:
    """``version`` of ``kgpub.toml`` when it is set there, else the release date (``2026-11-27``)."""
    from kgpub.config import Config

    explicit = project.config.version != Config().version
    if not explicit and project.config_path.exists():
        try:
            explicit = "version" in tomllib.loads(project.config_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            explicit = False
    return project.config.version if explicit else project.config.release.isoformat()


@dataclass(frozen=True)
class Published:
    """What a published folder says about its release (from its changes.ttl), if anything."""

    version: str | None
    modified: dt.date | None


def published_release(folder: Path) -> Published:
    """The version and modified date recorded in ``folder/changes.ttl`` (None where there is none)."""
    path = folder / CHANGES_TTL
    if not path.is_file():
        return Published(None, None)
    try:
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        answer = store.query(
            f"""SELECT ?v ?m WHERE {{ ?r a <{CS}ChangeSet> ; <{OWL}versionInfo> ?v .
            OPTIONAL {{ ?r <{DCTERMS}modified> ?m }} }} ORDER BY ?v LIMIT 1"""
        )
        assert isinstance(answer, ox.QuerySolutions)
        rows = list(answer)
    except (OSError, SyntaxError, ValueError):
        return Published(None, None)
    if not rows:
        return Published(None, None)
    version = rows[0]["v"].value
    modified = None
    if rows[0]["m"] is not None:
        try:
            modified = dt.date.fromisoformat(rows[0]["m"].value)
        except ValueError:
            modified = None
    return Published(version, modified)


# -- the comparison ---------------------------------------------------------------------------------


def enriched(project: Project) -> Canonical:
    """The graph ``kgpub build`` would publish (data and what its alignments imply), in memory."""
    from kgpub.enrich import inferred_triples

    data = project.data.triples
    return Canonical(itertools.chain(data, inferred_triples(data, project.ontology.graph)))


def compare(project: Project, new: Canonical, previous: Path) -> Changes:
    """Compare ``new`` with the publication in the folder ``previous`` (which may not exist)."""
    config = project.config
    dump = previous / f"{config.name}.nt"
    new_lines = _lines(new.ntriples)
    old_lines: dict[str, str] | None = None
    if dump.is_file():
        try:
            old_lines = _lines(dump.read_bytes())
            _parse(old_lines.values())  # a dump that does not parse counts as no publication
        except (OSError, SyntaxError, UnicodeDecodeError):
            old_lines = None
    published = published_release(previous) if old_lines is not None else Published(None, None)
    first = old_lines is None
    old_lines = old_lines or {}

    added_keys = sorted(new_lines.keys() - old_lines.keys()) if not first else []
    removed_keys = sorted(old_lines.keys() - new_lines.keys()) if not first else []
    added = _parse(new_lines[k] for k in added_keys)
    removed = _parse(old_lines[k] for k in removed_keys)

    old_subjects = {_subject(line) for line in old_lines.values()}
    new_subjects = {_subject(line) for line in new_lines.values()}
    grouped: dict[str, EntityChange] = {}
    for triples, attr in ((added, "added"), (removed, "removed")):
        for t in triples:
            s = _text(t.subject)
            if s not in grouped:
                kind = "added" if s not in old_subjects else "removed" if s not in new_subjects else "changed"
                grouped[s] = EntityChange(s, kind)
            getattr(grouped[s], attr).append(t)

    changed = first or bool(added or removed)
    version = release_version(project)
    modified = config.release if changed or published.modified is None else published.modified
    release = Release(
        version=version,
        issued=config.release,
        modified=modified,
        previous_version=published.version,
        first=first,
    )
    labels = _labels([*new_lines.values(), *old_lines.values()])
    ontology = project.ontology.graph
    property_names, type_names = _term_names(ontology)
    return Changes(
        release=release,
        base=config.base,
        dataset=f"{config.base}id/dataset/{config.name}",
        entities=[grouped[s] for s in sorted(grouped)],
        added=len(added),
        removed=len(removed),
        new_entities=sum(1 for s in new_subjects if not s.startswith("_:")),
        new_triples=len(new_lines),
        labels=labels,
        property_names=property_names,
        type_names=type_names,
        supers=_supers(ontology),
    )


def _labels(lines: Iterable[str]) -> dict[str, dict[str, str]]:
    """rdfs:label of every IRI, by language (the new graph's first, then the old one's)."""
    wanted = [line for line in lines if f"<{RDFS_LABEL}>" in line]
    labels: dict[str, dict[str, str]] = {}
    for t in _parse(wanted):
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal):
            labels.setdefault(t.subject.value, {}).setdefault(t.object.language or "", t.object.value)
    return labels


def _term_names(ontology: Graph) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Labels of the ontology's properties and of its classes, by language."""
    from rdflib import Literal
    from rdflib.namespace import OWL as OWL_NS
    from rdflib.namespace import RDF as RDF_NS
    from rdflib.namespace import RDFS as RDFS_NS

    from kgpub.serve.texts import PROPERTY_LABELS

    properties: dict[str, dict[str, str]] = {k: dict(v) for k, v in PROPERTY_LABELS.items()}
    classes: dict[str, dict[str, str]] = {}
    for s, label in ontology.subject_objects(RDFS_NS.label):
        if not isinstance(label, Literal):
            continue
        target = classes if (s, RDF_NS.type, OWL_NS.Class) in ontology else properties
        target.setdefault(str(s), {}).setdefault(label.language or "", str(label))
    return properties, classes


def _supers(ontology: Graph) -> dict[str, set[str]]:
    """Every class's and property's ancestors under the ontology's alignments."""
    from rdflib.namespace import RDFS as RDFS_NS

    from kgpub.enrich import closure

    out: dict[str, set[str]] = {}
    for relation in (RDFS_NS.subClassOf, RDFS_NS.subPropertyOf):
        for k, vs in closure(ontology, relation).items():
            out.setdefault(str(k), set()).update(str(v) for v in vs)
    return out


def release_project(project: Project, release: Release) -> Project:
    """The project as the catalogue sees it: ``version`` and ``release`` (the date the catalogue gives
    as *modified*) are this release's, so they follow the changes, not the build.

    A shallow copy: the parsed graphs are shared; ``project`` itself is unchanged.
    """
    import copy
    import dataclasses

    view = copy.copy(project)
    view.config = dataclasses.replace(project.config, version=release.version, release=release.modified)
    return view


# -- writing ----------------------------------------------------------------------------------------


def write_changes(folder: Path, changes: Changes, previous: Path) -> list[str]:
    """Write ``changes.ttl`` and ``changes.md`` into ``folder`` (the new publication being made).

    A build that changes nothing and keeps the version is a rebuild of the same release: the
    previous files are carried over byte for byte.
    """
    old_ttl, old_md = previous / CHANGES_TTL, previous / CHANGES_MD
    r = changes.release
    if not changes.changed and r.version == r.previous_version and old_ttl.is_file() and old_md.is_file():
        (folder / CHANGES_TTL).write_bytes(old_ttl.read_bytes())
        (folder / CHANGES_MD).write_bytes(old_md.read_bytes())
        return [CHANGES_TTL, CHANGES_MD]
    history = None
    if not r.first and old_md.is_file():
        try:
            history = old_md.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            history = None
    (folder / CHANGES_TTL).write_bytes(changes.turtle())
    (folder / CHANGES_MD).write_text(changes.markdown(history), encoding="utf-8")
    return [CHANGES_TTL, CHANGES_MD]


def diff(project: Project, against: Path | None = None) -> Changes:
    """Compare the project as it is now with the publication in ``against`` (default: its output folder)."""
    folder = against if against is not None else project.output_dir
    if against is not None and not folder.is_dir():
        raise InputError(
            "the folder to compare with does not exist.",
            path=folder,
            hint="Give a folder that 'kgpub build' wrote, such as dist/.",
        )
    return compare(project, enriched(project), folder)
