"""Random mutations of the real data files never crash ``kgpub validate`` (or build): exit 0, 1 or 2.

Each example takes one of the repository's ``data/*.ttl`` files, breaks it in one to three places
(characters deleted, inserted or replaced; Turtle tokens deleted, repeated, swapped or replaced;
lines swapped, repeated or deleted; the file cut short; raw bytes spliced in) and runs
``kgpub validate`` on a copy of the Kiruna project with it (and, for a few, ``kgpub build``, which
also serialises what passed). kgpub's exit code 70 means "a bug in kgpub": it must never come out,
nor a traceback, and an error is one line on stderr. In CI (``CI`` set) the examples are
derandomised, so every run tries the same ones.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgpub.cli import cli

REPO = Path(__file__).resolve().parents[1]
# data/catalog.ttl describes the publication and is read by build only (kgpub.catalog), not by validate.
ORIGINALS = {
    p.relative_to(REPO).as_posix(): p.read_text("utf-8")
    for p in sorted(REPO.glob("data/**/*.ttl"))
    if p.name != "catalog.ttl"
}
# Pieces of Turtle (and near-Turtle) to put where they do not belong.
_PIECES = r'''
    . ; , a [ ] ( ) << >> {| |} ~ ^^ @ @sv @en @fi @prefix @base PREFIX BASE VERSION " """ ' < > # \ _:b1 []
    true 1e999 -0 2018 "2018"^^xsd:gYear "2018-02-30"^^xsd:date "x"^^xsd:gYear "x"@sv "\u0000" "\uD800" "\u2028"
    <> <#x> <../x> <http://www.wikidata.org/entity/Q1> <https://data.kiruna.se/id/project/x> kgpub:Project
    kgpub:Nothing rdfs:label owl:sameAs schema:startDate schema:endDate nope:x kio: :
'''
TOKENS = [*_PIECES.split(), "\u2028", "\x00", "\x0c", "\r"]
TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|<[^<>\s]*>|[^\s]+')
EXAMPLES = settings(
    max_examples=75,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Draw = Callable[[st.SearchStrategy[Any]], Any]


def _position(draw: Draw, text: str) -> int:
    return int(draw(st.integers(0, max(len(text) - 1, 0))))


def _chars(draw: Draw) -> str:
    return str(draw(st.sampled_from(TOKENS) | st.text(st.characters(codec="utf-8"), min_size=1, max_size=3)))


def mutate_characters(draw: Draw, text: str) -> str:
    """Delete, insert or replace a few characters."""
    at = _position(draw, text)
    length = int(draw(st.integers(1, 8)))
    kind = draw(st.sampled_from(["delete", "insert", "replace"]))
    if kind == "delete":
        return text[:at] + text[at + length :]
    if kind == "insert":
        return text[:at] + _chars(draw) + text[at:]
    return text[:at] + _chars(draw) + text[at + length :]


def mutate_tokens(draw: Draw, text: str) -> str:
    """Delete, repeat, swap or replace a Turtle token (a string, an IRI, a name, a punctuation mark)."""
    spans = [m.span() for m in TOKEN.finditer(text)]
    if len(spans) < 2:
        return text
    i, j = sorted(draw(st.lists(st.integers(0, len(spans) - 1), min_size=2, max_size=2)))
    (a, b), (c, d) = spans[i], spans[j]
    kind = draw(st.sampled_from(["delete", "repeat", "swap", "replace"]))
    if kind == "delete":
        return text[:a] + text[b:]
    if kind == "repeat":
        return text[:b] + " " + text[a:b] + text[b:]
    if kind == "swap" and i != j:
        return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]
    return text[:a] + str(draw(st.sampled_from(TOKENS))) + text[b:]


def mutate_lines(draw: Draw, text: str) -> str:
    """Swap, repeat or delete lines, or cut the file short."""
    lines = text.split("\n")
    i, j = (int(draw(st.integers(0, len(lines) - 1))) for _ in range(2))
    kind = draw(st.sampled_from(["swap", "repeat", "delete", "truncate"]))
    if kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "repeat":
        lines.insert(j, lines[i])
    elif kind == "delete":
        del lines[i]
    else:
        return text[: _position(draw, text)]
    return "\n".join(lines)


@st.composite
def mutated_file(draw: Draw, mutations: tuple[Callable[[Draw, str], str], ...]) -> tuple[str, bytes]:
    """One data file of the repository with one to three mutations, as the bytes to write."""
    name = draw(st.sampled_from(sorted(ORIGINALS)))
    text = ORIGINALS[name]
    for _ in range(int(draw(st.integers(1, 3)))):
        text = draw(st.sampled_from(mutations))(draw, text)
    data = text.encode("utf-8")
    raw = draw(st.none() | st.binary(min_size=1, max_size=3))
    if raw is not None:  # maybe not UTF-8 any more
        at = int(draw(st.integers(0, len(data))))
        data = data[:at] + raw + data[at:]
    return name, data


@pytest.fixture(scope="module")
def kiruna_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the repository's project (ontology, shapes, data, kgpub.toml) to break."""
    root = tmp_path_factory.mktemp("fuzz") / "kiruna"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "kgpub.toml", root / "kgpub.toml")
    yield root


def check(root: Path, name: str, data: bytes, *command: str) -> None:
    """Write the mutated file, run the command, put the original back: 0, 1 or 2 and one clear paragraph."""
    path = root / name
    path.write_bytes(data)
    try:
        result = CliRunner().invoke(cli, ["--project", str(root), *command, "--lang", "en"])
    finally:
        path.write_text(ORIGINALS[name], encoding="utf-8")
    output = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert result.exit_code in (0, 1, 2), output
    assert "Traceback" not in output
    if result.exit_code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("Error: data/") or result.stderr.startswith(f"Error: {root}"), output
        assert result.stderr.count("\n") == 1, output


@EXAMPLES
@given(case=mutated_file((mutate_characters,)))
def test_character_mutations_never_crash(kiruna_copy: Path, case: tuple[str, bytes]) -> None:
    """Characters deleted, inserted or replaced (and raw bytes spliced in): validate exits 0, 1 or 2."""
    check(kiruna_copy, *case, "validate")


@EXAMPLES
@given(case=mutated_file((mutate_tokens, mutate_lines)))
def test_token_and_line_mutations_never_crash(kiruna_copy: Path, case: tuple[str, bytes]) -> None:
    """Tokens and lines deleted, repeated, swapped or replaced, files cut short: validate exits 0, 1 or 2."""
    check(kiruna_copy, *case, "validate")


@settings(EXAMPLES, max_examples=25)
@given(case=mutated_file((mutate_characters, mutate_tokens)))
def test_mutations_never_crash_build(kiruna_copy: Path, case: tuple[str, bytes]) -> None:
    """A few mutations built, not only validated: what passes the checks must also serialise (exit 0, 1, 2)."""
    check(kiruna_copy, *case, "build", "--out", str(kiruna_copy.parent / "dist"))
