"""kgpub.toml: defaults, strict keys and types, errors that name the line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kgpub.config import Config, load_config
from kgpub.errors import ConfigError


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
