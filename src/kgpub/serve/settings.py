"""Settings of ``kgpub serve``: the ``[serve]`` table of kgpub.toml, overridden by command-line options."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from kgpub.config import BadValue, checked_table

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
    #: Megabytes of recent query answers kept for repeated queries (serve.cache; 0 keeps none).
    result_cache_mb: float = 64.0
    #: Allow cross-origin GET and POST (YASGUI, notebooks).
    cors: bool = True
    #: Public address of the server, if it is not the base IRI (used in links and descriptions).
    public_url: str | None = None
    #: Serve from this triple store (its base address, as for ``kgpub push``) instead of an embedded copy.
    store: str | None = None
    #: The kind of that store (oxigraph, fuseki, virtuoso, graphdb, qlever, generic): presets its paths.
    store_kind: str = "generic"
    #: Seconds between checks for a new build in the output folder, which is then swapped in.
    reload_interval: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


#: Numeric settings for which 0 means "off".
ZERO_ALLOWED = ("result_cache_mb",)


def serve_settings(table: dict[str, Any] | None, **overrides: Any) -> ServeSettings:
    """Settings from the ``[serve]`` table (checked key by key), then non-None ``overrides``."""

    def check(name: str, value: Any, default: Any) -> Any:
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BadValue("must be a list of strings.")
            return tuple(value)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise BadValue("must be true or false.")
        elif isinstance(default, (int, float)):
            at_least_zero = name in ZERO_ALLOWED
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or value < 0
                or (value == 0 and not at_least_zero)
            ):
                raise BadValue(
                    "must be zero or a positive number." if at_least_zero else "must be a positive number."
                )
        elif not isinstance(value, str):
            raise BadValue("must be text.")
        return value

    settings = ServeSettings()
    values = checked_table(table, "serve", settings, check, skip=("extra",))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(settings, **values)
