"""Loading Turtle: triples reach rdflib intact, and every kind of bad input gets one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kgpub.errors import InputError, RdfSyntaxError
from kgpub.load import find_files, load_files, parse_file

PFX = "@prefix ex: <https://data.example.se/id/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def ttl(tmp_path: Path, text: str | bytes, name: str = "x.ttl") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_literals_keep_their_form(tmp_path: Path) -> None:
    """Plain strings stay plain (not xsd:string), language tags and datatypes are kept."""
    path = ttl(tmp_path, PFX + 'ex:a ex:p "plain", "sv"@sv, "2018"^^xsd:gYear .\n')
    triples, _ = parse_file(path)
    objects = {o for _, _, o in triples}
    assert Literal("plain") in objects
    assert Literal("plain", datatype=XSD.string) not in objects
    assert Literal("sv", lang="sv") in objects
    assert Literal("2018", datatype=XSD.gYear) in objects


@pytest.mark.parametrize(
    ("body", "line", "column", "needle"),
    [
        ('ex:a ex:p "unclosed .\n', 3, None, "Turtle syntax error"),
        ("ex:a ex:p ex:b\nex:c ex:d ex:e .\n", 4, 1, "dot is expected"),
        ("ex:a foo:p ex:b .\n", 3, 6, "foo: has not been declared"),
        ("ex:a ex:p <not an iri> .\n", 3, None, "Invalid IRI"),
        ('ex:a ex:p "x"@1sv .\n', 3, None, "language"),
    ],
)
def test_syntax_errors_name_file_line_column(
    tmp_path: Path, body: str, line: int, column: int | None, needle: str
) -> None:
    """A syntax error names the file, line and (where known) column, with a hint."""
    path = ttl(tmp_path, PFX + body)
    with pytest.raises(RdfSyntaxError) as info:
        parse_file(path)
    err = info.value
    assert err.path == path
    assert err.line == line
    if column is not None:
        assert err.column == column
    assert needle in str(err)
    assert err.hint


@pytest.mark.parametrize(
    ("literal", "datatype"),
    [
        ('"2018-13-45"^^xsd:date', "xsd:date"),
        ('"2018-02-30"^^xsd:date', "xsd:date"),
        ('"tjugohundra"^^xsd:gYear', "xsd:gYear"),
        ('"-3"^^xsd:nonNegativeInteger', "xsd:nonNegativeInteger"),
        # the same mistake written in every other way a literal can be written
        ('"""2018-13-45"""^^xsd:date', "xsd:date"),
        ("'2018-13-45'^^xsd:date", "xsd:date"),
        ("'''2018-13-45'''^^xsd:date", "xsd:date"),
        ('"2018-13-4\\u0035"^^xsd:date', "xsd:date"),
        ('"2018-13-45"^^<http://www.w3.org/2001/XMLSchema#date>', "xsd:date"),
        ('"2018-13-45"^^xsd:date ; ex:q "2018"^^xsd:gYear', "xsd:date"),
        ('"2018"^^xsd:gYear, "2018-13-45"^^xsd:date', "xsd:date"),
        ('"a \\"2018\\" b"^^xsd:gYear', "xsd:gYear"),
    ],
)
def test_wrong_lexical_form(tmp_path: Path, literal: str, datatype: str) -> None:
    """A literal that is not valid for its datatype is an error naming the line and the right form."""
    path = ttl(tmp_path, PFX + "\nex:a\n  ex:p " + literal + " .\n")
    with pytest.raises(RdfSyntaxError) as info:
        parse_file(path)
    assert info.value.line == 5
    assert f"is not a valid {datatype}" in str(info.value)
    assert "write" in str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        '# an example: "2018-13-45"^^xsd:date\nex:a ex:p "x" .\n',
        'ex:a ex:p "write \\"2018\\"^^xsd:gYear, not \\"x\\"^^xsd:date" .\n',
        'ex:a ex:p """a "tjugo"^^xsd:gYear in a long string""" .\n',
        'ex:a ex:p "2018"^^xsd:gYear ; ex:q "x^^y" .\n',
    ],
)
def test_typed_literal_look_alikes_are_not_errors(tmp_path: Path, text: str) -> None:
    """Text that looks like a wrong typed literal in a comment or inside a string is no error."""
    loaded = load_files([ttl(tmp_path, PFX + text)])
    assert loaded.triples


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    """The same blank node label, or the same anonymous shape, in two files makes different nodes."""
    text = PFX + '_:n ex:p "1" .\nex:a ex:q [ ex:r "1" ] .\n'
    triples = load_files([ttl(tmp_path, text, "one.ttl"), ttl(tmp_path, text, "two.ttl")]).triples
    labelled = {t.subject for t in triples if t.predicate.value.endswith("/p")}
    anonymous = {t.object for t in triples if t.predicate.value.endswith("/q")}
    assert len(labelled) == 2
    assert len(anonymous) == 2
    assert len(set(triples)) == 6


def test_latin1_file(tmp_path: Path) -> None:
    """A file that is not UTF-8 is refused with the line of the first bad byte."""
    path = ttl(tmp_path, (PFX + 'ex:a ex:p "Kiruna kommun" .\nex:b ex:p "Övertorneå" .\n').encode("latin-1"))
    with pytest.raises(InputError) as info:
        parse_file(path)
    assert "not UTF-8" in str(info.value)
    assert info.value.line == 4
    assert "Latin-1" in str(info.value)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark and Windows line endings are fine."""
    text = (PFX + 'ex:a ex:p "Övertorneå"@sv .\n').replace("\n", "\r\n")
    path = ttl(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    triples, _ = parse_file(path)
    assert triples == [
        (
            URIRef("https://data.example.se/id/a"),
            URIRef("https://data.example.se/id/p"),
            Literal("Övertorneå", lang="sv"),
        )
    ]


def test_directory_instead_of_file(tmp_path: Path) -> None:
    """A folder named like a Turtle file is a clear error."""
    (tmp_path / "data" / "x.ttl").mkdir(parents=True)
    with pytest.raises(InputError, match="is a folder"):
        load_files(find_files(tmp_path / "data"))


def test_missing_folder(tmp_path: Path) -> None:
    """A missing folder is named, with how to fix it."""
    with pytest.raises(InputError) as info:
        find_files(tmp_path / "data")
    assert "missing" in str(info.value)
    assert info.value.path == tmp_path / "data"


def test_other_rdf_formats_are_refused(tmp_path: Path) -> None:
    """An RDF/XML file in a data folder is not silently skipped."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.rdf").write_text("<rdf:RDF/>")
    with pytest.raises(InputError, match="only Turtle"):
        find_files(tmp_path / "data")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the system will not let kgpub read gets a clear message (simulated: CI runs as root)."""
    path = ttl(tmp_path, PFX)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError, match="permission denied"):
        parse_file(path)


def test_symlink_loop(tmp_path: Path) -> None:
    """A symbolic link that points at itself is reported, not followed forever."""
    (tmp_path / "data").mkdir()
    loop = tmp_path / "data" / "loop.ttl"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="cannot be read"):
        load_files(find_files(tmp_path / "data"))


def test_locate_points_at_statement(tmp_path: Path) -> None:
    """locate() finds the subject's block and the line of a given value in it."""
    path = ttl(tmp_path, PFX + '\nex:a\n  ex:p ex:b ;\n  ex:q "2020"^^xsd:gYear .\nex:ab ex:p ex:a .\n')
    loaded = load_files([path])
    a = URIRef("https://data.example.se/id/a")
    assert loaded.locate(a) == (path, 4)
    assert loaded.locate(a, Literal("2020", datatype=XSD.gYear)) == (path, 6)
    assert loaded.locate(URIRef("https://data.example.se/id/ab")) == (path, 7)


def test_subject_lines_from_the_index_are_those_a_scan_finds() -> None:
    """line_of(at_start=True) answers from an index of line-opening words; a plain scan of the lines
    (the spelling's regex at the line's start, the first line from ``start`` on) must agree, for
    random lines made of the pieces that trip up prefixed names (dots, colons, %, escapes)."""
    import random
    import re

    from kgpub.load import SourceFile, _spelling_regex

    rng = random.Random(7)
    pieces = [
        "ex:a",
        "ex:a.b",
        "ex:a..b",
        "ex:ab",
        "ex:a%20",
        "ex:a:b",
        "ex:a-b",
        "<https://data.example.se/id/a>",
        "",
    ]
    tails = [
        "",
        " ",
        ".",
        ";",
        ",",
        " a ex:T ;",
        ".x",
        "..",
        "%",
        ":",
        "-",
        "\\,",
        " .",
        "#c",
        "/x",
        '"x"',
        ".-",
    ]
    for _ in range(400):
        lines = [
            rng.choice(["", " ", "    ", "\t", "\u00a0", "\x0c"])
            + rng.choice(pieces)
            + rng.choice(tails)
            + rng.choice(tails)
            for _ in range(rng.randint(1, 12))
        ]
        source = SourceFile(Path("x.ttl"), "\n".join(lines), {"ex": "https://data.example.se/id/"})
        for local in ("a", "a.b", "a..b", "ab", "a%20", "a-b"):
            term = URIRef("https://data.example.se/id/" + local)
            pattern = re.compile("|".join(_spelling_regex(s) for s in source.spellings(term)))
            for start in range(len(lines)):
                expected = next(
                    (
                        n
                        for n, line in enumerate(lines[start:], start=start + 1)
                        if (m := pattern.search(line)) and not line[: m.start()].strip()
                    ),
                    None,
                )
                assert source.line_of(term, start, at_start=True) == expected, (lines, local, start)


def test_the_collector_is_paused_only_while_loading(tmp_path: Path) -> None:
    """Loading pauses the cyclic garbage collector and leaves it as it found it, also on an error."""
    import gc

    from kgpub.load import paused_gc

    good = ttl(tmp_path, PFX + 'ex:a ex:p "x" .\n', "good.ttl")
    bad = ttl(tmp_path, PFX + "ex:a ex:p .\n", "bad.ttl")
    seen: list[bool] = []
    with paused_gc():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    with pytest.raises(RdfSyntaxError):
        load_files([good, bad])
    assert gc.isenabled()
    gc.disable()
    try:
        load_files([good])
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
