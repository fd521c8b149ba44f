"""The canned-query framework: headers, typed parameters, injection attempts, CLI and Python API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.plugins.sparql import prepareQuery

from kgpub import Project
from kgpub.cli import cli
from kgpub.errors import QueryError
from kgpub.queries import Param, bind, load_query, to_term, where_brace, with_prefixes

HEADER = """\
#+ summary: Things by year
#+ description: Everything that started in a year.
#+ params:
#+   - name: year
#+     type: year
#+     default: 2018
#+     description: The year.
"""
BODY = "SELECT ?s WHERE { ?s <http://schema.org/startDate> ?_year . FILTER(?s != <urn:x#y>) }\n"


def rq(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_header_is_read(tmp_path: Path) -> None:
    """Summary, description and typed parameters come from the #+ header."""
    q = load_query(rq(tmp_path, HEADER + BODY))
    assert q.summary == "Things by year"
    assert q.params == (Param(name="year", type="year", description="The year.", default="2018"),)
    assert q.form == "SELECT"
    assert q.sparql.startswith("SELECT")


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (HEADER.replace("#+ summary: Things by year\n", "") + BODY, 1, "needs a 'summary'"),
        (HEADER.replace("summary:", "sumary:") + BODY, 1, "unknown header key 'sumary'"),
        (HEADER.replace("type: year", "type: yaer") + BODY, 5, "has type 'yaer'"),
        (HEADER.replace("    default: 2018", "  default: [2018"), 6, "not valid YAML"),
        (HEADER + BODY.replace("?_year", "?_yr"), None, "declared but the query has no variable ?_year"),
        (HEADER + BODY.replace("?_year .", "?_year . ?s ?p ?_other ."), None, "no parameter 'other'"),
        (HEADER.replace("default: 2018", "default: 20x8") + BODY, None, "not a year"),
    ],
)
def test_bad_header_is_an_error_with_line(tmp_path: Path, text: str, line: int | None, needle: str) -> None:
    """A malformed header is never ignored: one QueryError with the file and, where known, the line."""
    path = rq(tmp_path, text)
    with pytest.raises(QueryError) as info:
        load_query(path)
    assert needle in str(info.value)
    assert info.value.path == path
    if line is not None:
        assert info.value.line == line


def test_where_brace_skips_comments_strings_iris_and_templates() -> None:
    """The WHERE group is found past braces in comments, strings, IRIs and CONSTRUCT templates."""
    q = 'CONSTRUCT { ?s ?p "{" } # { not here\nWHERE { ?s ?p ?o }'
    assert q[where_brace(q) :].startswith("{ ?s ?p ?o }")
    q2 = "SELECT * { <urn:{x}> ?p ?o }"
    assert where_brace(q2) == q2.index("{ <urn")


@pytest.mark.parametrize(
    "value",
    ['"2018" } ; DROP ALL ; {', "2018'", "2018 }", "MMXVIII", "2018-01"],
)
def test_injection_into_a_year_is_rejected(value: str) -> None:
    """Anything but four digits for a year parameter is refused before any SPARQL is built."""
    with pytest.raises(QueryError, match="is not a year"):
        to_term(Param("year", "year", "y"), value)


@pytest.mark.parametrize(
    "value", ["http://x.se/a>b", "http://x.se/a b", 'http://x.se/"', "javascript:alert(1)", "kio:x"]
)
def test_injection_into_an_iri_is_rejected(value: str) -> None:
    """An IRI with a '>' (or space, quote, or no http(s) scheme) is refused."""
    with pytest.raises(QueryError):
        to_term(Param("org", "iri", "o"), value)


@pytest.mark.parametrize(
    "value", ['"2018" } ; DROP ALL ; {', 'x" . ?s ?p ?o . FILTER("', 'a\\"b', "line\nbreak"]
)
def test_injection_into_a_string_stays_a_literal(tmp_path: Path, value: str) -> None:
    """A string parameter that tries to break out is bound harmlessly: one literal, same query shape."""
    text = HEADER.replace("type: year", "type: string") + BODY
    q = load_query(rq(tmp_path, text))
    bound = bind(q, {"year": value})
    prepareQuery(bound)
    from rdflib import Graph, Literal, URIRef

    g = Graph()
    g.add((URIRef("urn:a"), URIRef("http://schema.org/startDate"), Literal(value)))
    g.add((URIRef("urn:b"), URIRef("http://schema.org/startDate"), Literal("2018")))
    assert [str(r[0]) for r in g.query(bound)] == ["urn:a"]


def test_bind_inserts_values_and_defaults(tmp_path: Path) -> None:
    """Defaults fill in missing parameters; the bound query parses."""
    q = load_query(rq(tmp_path, HEADER + BODY))
    bound = bind(q, {})
    assert 'VALUES ?_year { "2018"^^<http://www.w3.org/2001/XMLSchema#gYear> }' in bound
    prepareQuery(bound)
    with pytest.raises(QueryError, match="no parameter 'yaer'"):
        bind(q, {"yaer": "2019"})


def test_required_parameter(tmp_path: Path) -> None:
    """A parameter without a default must be given."""
    q = load_query(rq(tmp_path, HEADER.replace("#+     default: 2018\n", "") + BODY))
    with pytest.raises(QueryError, match="needs the parameter 'year'"):
        bind(q, {})


def test_enum_is_enforced() -> None:
    """A value outside the allowed list is refused, naming the allowed ones."""
    with pytest.raises(QueryError, match="choose one of: sv, en"):
        to_term(Param("lang", "string", "l", default="sv", enum=("sv", "en")), "fi")


def test_prefixed_iri_and_langstring_values() -> None:
    """IRIs may be given as prefix:name; language strings as text@lang."""
    term = to_term(
        Param("org", "iri", "o"), "kio:vinnova", {"kio": "https://data.kiruna.se/id/organisation/"}
    )
    assert term.value == "https://data.kiruna.se/id/organisation/vinnova"
    lit = to_term(Param("n", "langstring", "n"), "Kiruna kommun@sv")
    assert (lit.value, lit.language) == ("Kiruna kommun", "sv")


def test_shared_prefixes_are_added_only_when_used() -> None:
    """with_prefixes adds the shared PREFIX lines a query uses and does not declare."""
    shared = "PREFIX schema: <http://schema.org/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    out = with_prefixes("SELECT * { ?s schema:name ?n }", shared)
    assert out.startswith("PREFIX schema:") and "rdfs:" not in out.split("SELECT")[0]


def test_python_api(kiruna: Project) -> None:
    """A researcher's five lines: load, list, run with parameters, rows as dicts."""
    names = sorted(kiruna.queries)
    assert "projects-active-in-year" in names
    rows = kiruna.query("projects-active-in-year", {"year": "2019"}).dicts()
    assert {r["project"] for r in rows} == {
        "https://data.kiruna.se/id/project/kirunabo",
        "https://data.kiruna.se/id/project/co-kiruna",
    }


def test_cli_queries_list_and_show(runner: CliRunner, repo: Path) -> None:
    """'queries' lists names and parameters; 'queries show' prints the docs and the SPARQL."""
    listed = runner.invoke(cli, ["--project", str(repo), "queries"])
    assert listed.exit_code == 0
    assert "projects-active-in-year" in listed.stdout and "year:year=2018" in listed.stdout
    shown = runner.invoke(cli, ["--project", str(repo), "queries", "show", "projects-active-in-year"])
    assert shown.exit_code == 0
    assert (
        "PREFIX schema:" in shown.stdout
        and "Example: kgpub query projects-active-in-year --param year=2019" in shown.stdout
    )
    as_json = json.loads(runner.invoke(cli, ["--project", str(repo), "queries", "--json"]).stdout)
    entry = next(q for q in as_json if q["name"] == "projects-active-in-year")
    assert entry["params"][0]["name"] == "year" and entry["example"] == {"year": "2019"}


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table", "md"])
def test_cli_query_formats(runner: CliRunner, repo: Path, fmt: str) -> None:
    """SELECT results come out in every format, the SPARQL ones parseable by pyoxigraph."""
    import pyoxigraph as ox

    result = runner.invoke(
        cli,
        ["--project", str(repo), "query", "projects-active-in-year", "--param", "year=2019", "--format", fmt],
    )
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert {r["project"] for r in rows} == {
            "https://data.kiruna.se/id/project/kirunabo",
            "https://data.kiruna.se/id/project/co-kiruna",
        }
    elif fmt in ("json", "xml", "tsv"):
        parsed = ox.parse_query_results(result.stdout_bytes, ox.QueryResultsFormat.from_extension(fmt))
        assert len(list(parsed)) == 2
    else:
        assert "project:kirunabo" in result.stdout


def test_cli_adhoc_construct_and_ask(runner: CliRunner, repo: Path, tmp_path: Path) -> None:
    """--sparql and --file run ad-hoc queries; CONSTRUCT gives RDF, ASK gives a boolean."""
    ask = runner.invoke(
        cli, ["--project", str(repo), "query", "--sparql", "ASK { ?p a schema:Project }", "--format", "json"]
    )
    assert json.loads(ask.stdout)["boolean"] is True
    path = tmp_path / "c.rq"
    path.write_text("CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Project ; schema:name ?n }")
    out = runner.invoke(cli, ["--project", str(repo), "query", "--file", str(path), "--format", "ntriples"])
    assert out.exit_code == 0
    assert out.stdout.count("\n") == 14  # 7 projects and collaborations, sv and en names


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["query", "nope"], "no query named 'nope'"),
        (["query", "projects-active-in-year", "--param", "year=tjugo"], "is not a year"),
        (["query", "projects-active-in-year", "--param", "yeer=2019"], "no parameter 'yeer'"),
        (["query", "projects-active-in-year", "--param", "2019"], "--param takes name=value"),
        (["query", "--sparql", "SELEC * { ?s ?p ?o }"], "does not parse"),
        (["query"], "exactly one of"),
        (["query", "--sparql", "SELECT * { ?s ?p ?o }", "--format", "turtle"], "cannot be written as turtle"),
    ],
)
def test_cli_query_errors(runner: CliRunner, repo: Path, args: list[str], needle: str) -> None:
    """Wrong names, parameters and queries: exit 2, one message, no traceback."""
    result = runner.invoke(cli, ["--project", str(repo), *args])
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_query_file_fails_build_with_file_and_line(tmp_path: Path) -> None:
    """A canned query that does not parse stops the build, naming the file and line."""
    from kgpub.testing import make_project

    project = make_project(tmp_path / "p")
    (project / "queries").mkdir()
    rq(project / "queries", HEADER + "SELECT ?s WHERE {\n  ?s ?p ?_year\n  FILTER(?x = }\n", "broken.rq")
    result = CliRunner().invoke(cli, ["--project", str(project), "build"])
    assert result.exit_code == 2
    assert "broken.rq, line 10" in result.stderr and "does not parse" in result.stderr


def test_build_publishes_queries_with_index(kiruna_build, kiruna: Project) -> None:  # type: ignore[no-untyped-def]
    """dist/queries/ holds each query, complete with its prefixes, and index.json describes them all."""
    folder = kiruna_build.out / "queries"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [q["name"] for q in index] == sorted(kiruna.queries)
    for entry in index:
        assert {"name", "summary", "description", "file", "params", "example"} <= set(entry)
        text = (folder / entry["file"]).read_text(encoding="utf-8")
        assert text.startswith("#+ summary:")
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
        prepareQuery(bind(load_query(folder / entry["file"]), {}) if entry["params"] else body)
