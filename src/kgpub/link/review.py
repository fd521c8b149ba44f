"""The review file: a CSV that opens in a spreadsheet, one row per candidate, with a decision column.

Written as UTF-8 with a byte-order mark and CRLF line ends, so Excel and LibreOffice show å, ä, ö
right. Read back leniently: whatever a spreadsheet saved (comma, semicolon or tab; UTF-8 with or
without the mark, or Windows-1252), and decisions in Swedish or English.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` would be a formula in a spreadsheet; such cells
(a Wikidata label can be anything) are written with a leading apostrophe, which is dropped on reading.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kgpub.errors import InputError, PublishError

COLUMNS = (
    "entity",
    "label",
    "qid",
    "candidate_label",
    "candidate_description",
    "score",
    "reasons",
    "wikidata",
    "decision",
)
REQUIRED = ("entity", "qid", "decision")
ACCEPT = frozenset(
    {"accept", "accepted", "yes", "y", "ok", "x", "ja", "j", "godkänn", "godkänd", "godkand", "godkann", "✓"}
)
REJECT = frozenset({"reject", "rejected", "no", "n", "nej", "avvisa", "avvisad", "avböj", "avboj", "fel"})
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Row:
    """One row of a review file as read back."""

    line: int
    entity: str
    qid: str
    label: str
    candidate_label: str
    #: "accept", "reject" or "" (undecided); None when the cell holds something else.
    decision: str | None
    raw_decision: str


def safe(value: object) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()) if "\n" in text or "\r" in text else text
    return "'" + text if text.startswith(_FORMULA) else text


def unsafe(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA and len(text) > 1 else text


def write_review(path: Path, rows: list[dict[str, object]]) -> None:
    """Write rows (dicts with the keys of COLUMNS) as a spreadsheet-friendly CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe(row.get(c, "")) for c in COLUMNS])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise PublishError(f"cannot write the review file ({exc.strerror}).", path=path) from None


def decision_of(value: str) -> str | None:
    word = value.strip().casefold()
    if not word:
        return ""
    if word in ACCEPT:
        return "accept"
    if word in REJECT:
        return "reject"
    return None


def read_review(path: Path) -> list[Row]:
    """Read a review file back, however a spreadsheet saved it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("the review file does not exist.", path=path) from None
    except OSError as exc:
        raise InputError(f"the review file cannot be read ({exc.strerror}).", path=path) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    first = content.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError("the review file is empty.", path=path) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"the review file has no column {', '.join(repr(m) for m in missing)} "
            f"(its columns: {', '.join(header) or 'none'}).",
            path=path,
            line=1,
            hint="Use the file 'kgpub link suggest' wrote; keep its first row.",
        )
    index = {name: header.index(name) for name in header}
    rows: list[Row] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return unsafe(cells[i].strip()) if i is not None and i < len(cells) else ""

        rows.append(
            Row(
                line=reader.line_num,
                entity=cell("entity"),
                qid=cell("qid"),
                label=cell("label"),
                candidate_label=cell("candidate_label"),
                decision=decision_of(cell("decision")),
                raw_decision=cell("decision"),
            )
        )
    return rows
