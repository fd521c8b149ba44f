"""Settings of ``kgpub serve``: the ``[serve]`` table of kgpub.toml, overridden by command-line options."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from kgpub.errors import ConfigError

DEFAULT_SERVICE_ALLOW = ("https://query.wikidata.org/sparql",)


@dataclass(frozen=True)
class ServeSettings:
    """Limits and switches of the public server; every default is the safe one."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds a query may run before its worker is stopped.
    timeout: float = 10.0
    #: Rows (or triples) a result may have; more are cut off, and the response says so.
    max_rows: int = 10_000
    #: Characters a query may have (longer ones get 413 before any parsing).
    max_query_length: int = 20_000
    #: Query worker processes (each holds a copy of the graph in memory).
    workers: int = 2
    #: SERVICE endpoints a query may call; anything else is refused before any request is made.
    service_allow: tuple[str, ...] = DEFAULT_SERVICE_ALLOW
    #: Allow cross-origin GET and POST (YASGUI, notebooks).
    cors: bool = True
    #: Public address of the server, if it is not the base IRI (used in links and descriptions).
    public_url: str | None = None
    #: Serve from this triple store (its base address, as for ``kgpub push``) instead of an embedded copy.
    store: str | None = None
    #: The kind of that store (oxigraph, fuseki, virtuoso, graphdb, qlever, generic): presets its paths.
    store_kind: str = "generic"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def serve_settings(table: dict[str, Any] | None, **overrides: Any) -> ServeSettings:
    """Settings from the ``[serve]`` table (checked key by key), then non-None ``overrides``."""
    settings = ServeSettings()
    known = {f.name: f for f in fields(ServeSettings) if f.name != "extra"}
    values: dict[str, Any] = {}
    for key, value in (table or {}).items():
        key_name = key.replace("-", "_")
        if key_name not in known:
            raise ConfigError(
                f"unknown key '{key}' in [serve].",
                path="kgpub.toml",
                hint=f"Known keys: {', '.join(sorted(known))}.",
            )
        default = getattr(settings, key_name)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"'{key}' in [serve] must be a list of strings.", path="kgpub.toml")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"'{key}' in [serve] must be true or false.", path="kgpub.toml")
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ConfigError(f"'{key}' in [serve] must be a positive number.", path="kgpub.toml")
        elif not isinstance(value, str):
            raise ConfigError(f"'{key}' in [serve] must be text.", path="kgpub.toml")
        values[key_name] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(settings, **values)
