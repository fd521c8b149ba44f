"""kgpub.toml: defaults, strict keys and types, errors that name the line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from kgpub.config import Config, load_config
from kgpub.errors import ConfigError
from kgpub.link.settings import LinkSettings, link_settings
from kgpub.serve.settings import ServeSettings, serve_settings


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "kgpub.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    """A project without kgpub.toml runs with Kiruna's defaults."""
    assert load_config(tmp_path) == Config()


def test_values_are_read(tmp_path: Path) -> None:
    """Every key is read and typed."""
    cfg = load_config(
        write(
            tmp_path,
            'name = "pajala"\nbase = "https://data.pajala.se/"\nlanguages = ["sv", "en", "fi"]\n'
            'release = 2027-03-01\nversion = "2.0.0"\noutput = "public"\n',
        )
    )
    assert cfg.name == "pajala"
    assert cfg.id_base == "https://data.pajala.se/id/"
    assert cfg.languages == ("sv", "en", "fi")
    assert cfg.release == dt.date(2027, 3, 1)
    assert cfg.output == "public"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ('name = "x"\nbsae = "https://a.se/"\n', 2, "unknown key 'bsae'"),
        ('languages = "sv"\n', 1, "'languages' has the wrong type"),
        ('base = "https://a.se"\n', 1, "must be an http(s) IRI ending in '/'"),
        ('name = "Kiruna Kommun"\n', 1, "lower-case"),
        ('languages = ["en"]\n', 1, 'must include "sv"'),
        ('output = "../elsewhere"\n', 1, "inside the project"),
        ('release = "someday"\n', 1, "must be a date"),
        ("name = \n", 1, "not valid TOML"),
        ("version = 2\n", 1, "wrong type"),
    ],
)
def test_bad_config_names_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    """Each mistake is one ConfigError naming kgpub.toml, the line and what is wrong."""
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert needle in str(info.value)
    assert info.value.line == line
    assert info.value.path == tmp_path / "kgpub.toml"


# -- the [serve] and [link] tables (checked by the stage that reads them, with one helper) ----------


def _settings_error(load: Callable[[dict[str, Any]], object], table: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(table)
    assert info.value.path == Path("kgpub.toml") and info.value.line is None
    return info.value


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"service_allow": "https://query.wikidata.org/sparql"},
            "'service_allow' in [serve] must be a list of strings.",
        ),
        ({"service-allow": ["a", 1]}, "'service-allow' in [serve] must be a list of strings."),
        ({"cors": "yes"}, "'cors' in [serve] must be true or false."),
        ({"port": 0}, "'port' in [serve] must be a positive number."),
        ({"max-rows": -5}, "'max-rows' in [serve] must be a positive number."),
        ({"timeout": True}, "'timeout' in [serve] must be a positive number."),
        ({"workers": "2"}, "'workers' in [serve] must be a positive number."),
        ({"result-cache-mb": -1}, "'result-cache-mb' in [serve] must be zero or a positive number."),
        ({"host": 127}, "'host' in [serve] must be text."),
        ({"public_url": ["https://a.se/"]}, "'public_url' in [serve] must be text."),
        ({"host": "0.0.0.0", "store": False}, "'store' in [serve] must be text."),
    ],
)
def test_serve_table_errors(table: dict[str, Any], message: str) -> None:
    """Each wrong value in [serve] is one ConfigError with the key as written and what it must be."""
    error = _settings_error(serve_settings, table)
    assert error.message == message and error.hint is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"identifiers": {"http://schema.org/url": "856"}},
            "'identifiers' in [link] must be a table of predicate IRI = \"P…\" (a Wikidata property).",
        ),
        (
            {"identifiers": ["P856"]},
            "'identifiers' in [link] must be a table of predicate IRI = \"P…\" (a Wikidata property).",
        ),
        ({"retries": -1}, "'retries' in [link] must be a number, zero or more."),
        ({"max-wait": "long"}, "'max-wait' in [link] must be a number, zero or more."),
        ({"batch_size": False}, "'batch_size' in [link] must be a number, zero or more."),
        ({"retries": 2.5}, "'retries' in [link] must be a whole number."),
        ({"endpoint": 5}, "'endpoint' in [link] must be text."),
        (
            {"endpoint": "query.wikidata.org"},
            "'endpoint' in [link] must be an http(s) URL, not 'query.wikidata.org'.",
        ),
        ({"country": "Sweden"}, "'country' in [link] must be a Wikidata item such as \"Q34\", not 'Sweden'."),
        ({"threshold": 101}, "'threshold' in [link] must be between 0 and 100."),
        ({"max_candidates": 0}, "'max_candidates' in [link] must be at least 1."),
        ({"timeout": 0}, "'timeout' in [link] must be more than 0 seconds."),
    ],
)
def test_link_table_errors(table: dict[str, Any], message: str) -> None:
    """Each wrong value in [link] is one ConfigError with the key as written and what it must be."""
    error = _settings_error(link_settings, table)
    assert error.message == message and error.hint is None


@pytest.mark.parametrize(
    ("load", "section", "settings_class"),
    [(serve_settings, "serve", ServeSettings), (link_settings, "link", LinkSettings)],
    ids=["serve", "link"],
)
def test_unknown_settings_keys(load: Callable[..., object], section: str, settings_class: type) -> None:
    """An unknown key names the table and lists the known keys (the fields, sorted; never 'extra')."""
    good = {"retries": 2} if section == "link" else {"port": 8001}
    error = _settings_error(load, {**good, "colour": "blue"})
    known = sorted(f.name for f in fields(settings_class) if f.name != "extra")
    assert error.message == f"unknown key 'colour' in [{section}]."
    assert error.hint == f"Known keys: {', '.join(known)}."
    assert str(error) == f"kgpub.toml: unknown key 'colour' in [{section}]. Known keys: {', '.join(known)}."


def test_settings_tables_are_read() -> None:
    """Good values are taken (keys with '-' or '_'), lists become tuples, options override the table."""
    serve = serve_settings(
        {
            "max-rows": 10,
            "timeout": 2.5,
            "cors": False,
            "service_allow": ["https://a.se/sparql"],
            "host": "0.0.0.0",
        },
        host="127.0.0.2",
        port=None,
    )
    assert (serve.max_rows, serve.timeout, serve.cors, serve.service_allow) == (
        10,
        2.5,
        False,
        ("https://a.se/sparql",),
    )
    assert (serve.host, serve.port) == ("127.0.0.2", 8000)
    assert serve_settings(None) == ServeSettings()
    link = link_settings(
        {
            "max-wait": 0,
            "timeout": 5,
            "identifiers": {"http://schema.org/url": "P856", "x:y": "P1"},
            "by": "me",
        },
        retries=1,
    )
    assert (link.max_wait, link.timeout, link.retries, link.by) == (0, 5, 1, "me")
    assert link.identifiers == {"http://schema.org/url": "P856", "x:y": "P1"}
    assert link_settings(None) == LinkSettings()


def test_serve_result_cache_may_be_switched_off() -> None:
    """0 MB of result cache is allowed (it means none); the other numbers must stay positive."""
    assert serve_settings({"result-cache-mb": 0}).result_cache_mb == 0
    assert serve_settings({"result_cache_mb": 16}).result_cache_mb == 16
    assert serve_settings(None).result_cache_mb == 64
