"""``kgpub.toml``: how kgpub runs on a project, and nothing else.

The description of the data (titles, publisher, themes) is RDF in ``data/``; this file only holds
what the tool needs to run: the base IRI, the dump name, the output folder, the languages, the
licence and the release. Unknown keys and wrong types are errors, never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kgpub.errors import ConfigError, InputError

CONFIG_FILE = "kgpub.toml"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Config:
    """The settings of one project; defaults are Kiruna's, so an empty file is a valid start."""

    name: str = "kiruna"
    base: str = "https://data.kiruna.se/"
    languages: tuple[str, ...] = ("sv", "en")
    license: str = "http://creativecommons.org/publicdomain/zero/1.0/"
    output: str = "dist"
    version: str = "0.1.0"
    release: dt.date = dt.date(2026, 11, 27)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id_base(self) -> str:
        """Where entity IRIs are minted: ``{base}id/``."""
        return self.base + "id/"


# key -> (expected python type(s), description used in error messages)
_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "name": ((str,), 'a short lower-case name for the dump files, e.g. "kiruna"'),
    "base": ((str,), 'the base IRI, e.g. "https://data.kiruna.se/"'),
    "languages": ((list,), 'a list of language tags, e.g. ["sv", "en"]'),
    "license": ((str,), "the licence IRI of the data"),
    "output": ((str,), 'the output folder, e.g. "dist"'),
    "version": ((str,), 'the release version, e.g. "1.0.0"'),
    "release": ((dt.date, str), "the release date, e.g. 2026-11-27"),
}
# The folders kgpub reads: a build replaces its whole output folder, so that may be none of them.
INPUT_FOLDERS = ("data", "ontology", "shapes", "queries")
# Tables reserved for later stages; their content is checked by the stage that reads it.
_TABLES = {"serve", "link", "catalog", "push"}


def output_problem(out: object) -> str:
    """Why ``out`` cannot be the output folder (it is the project, or in one of its inputs)."""
    return (
        f"the output folder cannot be {str(out)!r}: a build replaces the whole output folder, so it must "
        "be a folder of its own, not the project nor anything in data/, ontology/, shapes/ or queries/ "
        '(e.g. "dist").'
    )


def check_output(root: Path, out: Path, option: str | None = None, *, inputs_only: bool = False) -> None:
    """Refuse an output folder whose replacement would delete the project or one of its inputs.

    ``option`` (``--out``) starts the message when the folder came from the command line;
    ``inputs_only`` allows the project folder and those above it (a caller that refuses them itself).
    """
    target, root = out.resolve(), root.resolve()
    inputs = [root / name for name in (*INPUT_FOLDERS, CONFIG_FILE)]
    whole = not inputs_only and (target == root or target in root.parents)
    if whole or any(target == i or i in target.parents for i in inputs):
        start = f"{option}: " if option else ""
        raise InputError(f"{start}{output_problem(out)}", hint="Choose a new folder of its own.")


class BadValue(Exception):
    """Raised by the check of :func:`checked_table`: what is wrong with a value ("must be text.")."""


def setting_error(section: str, key: str, message: str) -> ConfigError:
    """``'key' in [section] message``: a value of a stage's table in kgpub.toml is wrong."""
    return ConfigError(f"'{key}' in [{section}] {message}", path=CONFIG_FILE)


def checked_table(
    table: Mapping[str, Any] | None,
    section: str,
    defaults: Any,
    check: Callable[[str, Any, Any], Any],
    *,
    skip: Collection[str] = (),
) -> dict[str, Any]:
    """The values of the ``[section]`` table of kgpub.toml for the fields of the dataclass ``defaults``.

    A key may be written with '-' for '_'; an unknown one is a ConfigError that lists the known ones
    (the fields, but for ``skip``). Each value goes through ``check(name, value, default)``, which
    returns it (converted if need be) or raises :class:`BadValue` saying what it must be.
    """
    known = sorted(f.name for f in fields(defaults) if f.name not in skip)
    values: dict[str, Any] = {}
    for key, value in (table or {}).items():
        name = key.replace("-", "_")
        if name not in known:
            raise ConfigError(
                f"unknown key '{key}' in [{section}].",
                path=CONFIG_FILE,
                hint=f"Known keys: {', '.join(known)}.",
            )
        try:
            values[name] = check(name, value, getattr(defaults, name))
        except BadValue as exc:
            raise setting_error(section, key, str(exc)) from None
    return values


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^[ \t]*(\[[ \t]*)?\"?{re.escape(key)}\"?[ \t]*[=.\]]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_config(root: Path) -> Config:
    """Read ``root/kgpub.toml`` (absent means all defaults) and check every key."""
    path = root / CONFIG_FILE
    if not path.exists():
        return Config()
    if path.is_dir():
        raise ConfigError(
            "is a folder, but the settings file was expected here.",
            path=path,
            hint="Remove the folder; without kgpub.toml the defaults apply.",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        data = path.read_bytes()
        raise ConfigError(
            "the file is not UTF-8 text.",
            path=path,
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="Save it as UTF-8.",
        ) from exc
    except OSError as exc:
        raise ConfigError(f"cannot be read ({exc.strerror}).", path=path) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        found = re.search(r"\s*\(at line (\d+), column (\d+)\)", msg)
        line = int(found.group(1)) if found else None
        col = int(found.group(2)) if found else None
        msg = msg[: found.start()] if found else msg
        raise ConfigError(
            f"is not valid TOML: {msg}.",
            path=path,
            line=line,
            column=col,
            hint="See the README for the format of kgpub.toml.",
        ) from exc

    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"'{key}' must be a table ([{key}]).", path=path, line=_line_of(text, key))
            extra[key] = value
            continue
        if key not in _KEYS:
            known = ", ".join(sorted([*_KEYS, *_TABLES]))
            raise ConfigError(
                f"unknown key '{key}'.",
                path=path,
                line=_line_of(text, key),
                hint=f"Known keys: {known}.",
            )
        types, what = _KEYS[key]
        if not isinstance(value, types) or isinstance(value, bool):
            raise ConfigError(
                f"'{key}' has the wrong type ({type(value).__name__}); it must be {what}.",
                path=path,
                line=_line_of(text, key),
            )
        values[key] = value
    return _checked(values, extra, path, text)


def _checked(values: dict[str, Any], extra: dict[str, Any], path: Path, text: str) -> Config:
    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(message, path=path, line=_line_of(text, key))

    if "name" in values and not _SLUG.match(values["name"]):
        raise fail("name", "'name' must be lower-case letters, digits and hyphens, e.g. \"kiruna\".")
    if "base" in values:
        base = values["base"]
        if not re.match(r"^https?://[^/\s]+/(\S*/)?$", base):
            raise fail("base", f"'base' must be an http(s) IRI ending in '/', not {base!r}.")
    if "languages" in values:
        langs = values["languages"]
        if not langs or not all(isinstance(x, str) and _LANG.match(x) for x in langs):
            raise fail(
                "languages",
                '\'languages\' must be a non-empty list of lower-case language tags, e.g. ["sv", "en"].',
            )
        if "sv" not in langs:
            raise fail("languages", "'languages' must include \"sv\": Swedish names are required.")
        values["languages"] = tuple(langs)
    if "license" in values and not re.match(r"^https?://\S+$", values["license"]):
        raise fail("license", "'license' must be an http(s) IRI.")
    if "output" in values:
        out = values["output"]
        if not out or Path(out).is_absolute() or ".." in Path(out).parts:
            raise fail("output", "'output' must be a folder inside the project, e.g. \"dist\".")
        if not Path(out).parts or Path(out).parts[0] in (*INPUT_FOLDERS, CONFIG_FILE):
            raise fail("output", output_problem(out))
    if "release" in values and isinstance(values["release"], str):
        try:
            values["release"] = dt.date.fromisoformat(values["release"])
        except ValueError:
            raise fail("release", "'release' must be a date such as 2026-11-27.") from None
    if isinstance(values.get("release"), dt.datetime):
        raise fail("release", "'release' must be a date without a time, such as 2026-11-27.")
    return Config(**values, extra=extra)
