"""``data/links/wikidata.ttl`` (the links, with the provenance of the link set) and
``data/links/rejected.csv`` (candidates people turned down; not data, so not a .ttl file).

The link file is rewritten whole, always the same way: a fixed header, the prefixes, the link set's
description, then one ``entity owl:sameAs wd:Q…`` line per link, sorted — so a diff shows exactly
the links that came and went.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kgpub.errors import InputError, PublishError
from kgpub.link.local import WIKIDATA_ENTITY, LocalData, qid_number

OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS_CHANGE_NOTE = "http://www.w3.org/2004/02/skos/core#changeNote"
DCTERMS_MODIFIED = "http://purl.org/dc/terms/modified"
REJECTED_COLUMNS = ("entity", "qid", "label", "candidate_label", "decided", "by")
_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")

HEADER = """\
# Links from the data to Wikidata (owl:sameAs), one line each, sorted by subject.
# Written by `kgpub link accept`: every link was proposed by `kgpub link suggest` (or written by
# hand) and confirmed by a person; the link set below records who confirmed links, and when.
# Candidates people rejected are kept in rejected.csv beside this file (not data), so they are not
# proposed again. To remove a link, delete its line; `kgpub link check` re-verifies them all.
"""
STANDARD = {
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": WIKIDATA_ENTITY,
}


def link_path(data_dir: Path) -> Path:
    return data_dir / "links" / "wikidata.ttl"


def rejected_path(data_dir: Path) -> Path:
    return data_dir / "links" / "rejected.csv"


def linkset_iri(data: LocalData, name: str) -> str:
    return f"{data.id_base}dataset/{name}-wikidata-links"


@dataclass
class LinkSet:
    """The content of the link file."""

    links: dict[str, set[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    modified: str | None = None

    def pairs(self) -> set[tuple[str, str]]:
        return {(e, q) for e, qs in self.links.items() for q in qs}


def read_links(path: Path, linkset: str) -> LinkSet:
    """The links and the change notes of ``path`` (empty if it does not exist yet)."""
    from kgpub.load import load_files

    result = LinkSet()
    if not path.exists():
        return result
    loaded = load_files([path], track_subjects=False)
    source = loaded.files[0]
    for s, p, o in sorted(loaded.graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        subject, predicate, value = str(s), str(p), str(o)
        if subject == linkset:
            if predicate == SKOS_CHANGE_NOTE:
                result.notes.append(value)
            elif predicate == DCTERMS_MODIFIED:
                result.modified = value
            continue
        if predicate == OWL_SAME_AS and value.startswith(WIKIDATA_ENTITY + "Q"):
            result.links.setdefault(subject, set()).add(value[len(WIKIDATA_ENTITY) :])
            continue
        line = source.line_of(o) or source.line_of(s)
        raise InputError(
            "holds a statement that is not a link to a Wikidata item "
            f"({subject} {predicate} {value}); kgpub link rewrites this file and would lose it.",
            path=path,
            line=line,
            hint="Move other statements to another file in data/, and write links as "
            "'entity owl:sameAs wd:Q…' (http://www.wikidata.org/entity/Q…).",
        )
    result.notes.sort()
    return result


def _name(iri: str, prefixes: dict[str, str], used: dict[str, str]) -> str:
    best: tuple[str, str] | None = None
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and _LOCAL.match(iri[len(ns) :]) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    if best is None:
        return f"<{iri}>"
    used[best[0]] = best[1]
    return f"{best[0]}:{iri[len(best[1]) :]}"


def _literal(text: str, suffix: str = "") -> str:
    return json.dumps(text, ensure_ascii=False) + suffix


def render_links(
    links: LinkSet,
    data: LocalData,
    *,
    linkset: str,
    dataset: str,
    labels: dict[str, str],
) -> str:
    """The Turtle text of the link file."""
    entity_prefixes = {
        p: ns for p, ns in data.prefixes.items() if p not in STANDARD and ns not in STANDARD.values()
    }
    used: dict[str, str] = {}
    lines = []
    for entity, qids in links.links.items():
        subject = _name(entity, entity_prefixes, used)
        for qid in qids:
            lines.append((subject, qid_number(qid), f"{subject} owl:sameAs wd:{qid} ."))
    lines.sort()
    sources = sorted(
        {
            s
            for entity in links.links
            for s in (data.entities[entity].sources if entity in data.entities else ())
        }
    )
    node = [f"<{linkset}>", "    a void:Linkset ;"]
    node.append(
        "    rdfs:label "
        + " , ".join(
            f"{_literal(v, '@' + k)}" for k, v in sorted(labels.items(), key=lambda kv: kv[0] != "sv")
        )
        + " ;"
    )
    node.append("    void:linkPredicate owl:sameAs ;")
    node.append(f"    void:subjectsTarget <{dataset}> ;")
    node.append("    void:objectsTarget wd:Q2013 ;")
    node.append(f"    void:triples {len(lines)} ;")
    if data.publisher:
        node.append(f"    prov:wasAttributedTo {_name(data.publisher, entity_prefixes, used)} ;")
    for s in sources:
        node.append(f"    dcterms:source <{s}> ;")
    if links.modified:
        node.append(f"    dcterms:modified {_literal(links.modified)}^^xsd:dateTime ;")
    for note in sorted(links.notes):
        node.append(f"    skos:changeNote {_literal(note)} ;")
    node[-1] = node[-1][:-2] + " ."
    prefixes = {**STANDARD, **dict(sorted(used.items()))}
    width = max(len(p) for p in prefixes) + 1
    head = "".join(f"@prefix {(p + ':').ljust(width)} <{ns}> .\n" for p, ns in prefixes.items())
    return HEADER + "\n" + head + "\n" + "\n".join(node) + "\n\n" + "".join(x[2] + "\n" for x in lines)


def write_text(path: Path, text: str) -> None:
    """Write atomically: a failed write leaves the old file as it was."""
    tmp = path.with_name(f".{path.name}.kgpub-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PublishError(f"cannot be written ({exc.strerror}).", path=path) from None


@dataclass(frozen=True)
class Rejection:
    entity: str
    qid: str
    label: str = ""
    candidate_label: str = ""
    decided: str = ""
    by: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.entity, self.qid)


def read_rejected(path: Path) -> dict[tuple[str, str], Rejection]:
    if not path.exists():
        return {}
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc}).", path=path) from None
    reader = csv.DictReader(io.StringIO(content, newline=""))
    if not reader.fieldnames or not {"entity", "qid"} <= set(reader.fieldnames):
        raise InputError("is not a list of rejected candidates (columns entity, qid …).", path=path, line=1)
    out: dict[tuple[str, str], Rejection] = {}
    for row in reader:
        entity, qid = (row.get("entity") or "").strip(), (row.get("qid") or "").strip()
        if entity and qid:
            r = Rejection(*(((row.get(c) or "").strip()) for c in REJECTED_COLUMNS))
            out[r.key] = r
    return out


def render_rejected(rejected: dict[tuple[str, str], Rejection]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REJECTED_COLUMNS)
    for key in sorted(rejected, key=lambda k: (k[0], qid_number(k[1]))):
        r = rejected[key]
        writer.writerow([r.entity, r.qid, r.label, r.candidate_label, r.decided, r.by])
    return buffer.getvalue()
