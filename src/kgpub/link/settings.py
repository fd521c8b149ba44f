"""Settings of ``kgpub link``: the ``[link]`` table of kgpub.toml, overridden by command-line options.

Every key is checked here (kgpub.toml reserves the table and leaves its content to this module):
an unknown key or a value of the wrong type is an error, never silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from kgpub.config import BadValue, checked_table, setting_error
from kgpub.errors import ConfigError

#: The public Wikidata Query Service.
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
_QID = re.compile(r"^Q[1-9][0-9]*$")
_PID = re.compile(r"^P[1-9][0-9]*$")


@dataclass(frozen=True)
class LinkSettings:
    """How ``kgpub link`` talks to Wikidata and scores candidates; the defaults suit the public service."""

    #: The SPARQL endpoint that holds Wikidata (or a copy of it).
    endpoint: str = WIKIDATA_ENDPOINT
    #: Contact in the User-Agent (Wikimedia's policy asks for one): an e-mail address or a web page.
    #: Empty means the project's base IRI.
    contact: str = ""
    #: Seconds to wait for one answer.
    timeout: float = 60.0
    #: How often to try again after 429 Too Many Requests or 503 Service Unavailable.
    retries: int = 4
    #: The longest wait (seconds) kgpub accepts from a Retry-After header before it gives up.
    max_wait: float = 120.0
    #: First pause (seconds) between tries when the service gives no Retry-After; it doubles each time.
    backoff: float = 2.0
    #: Names (or items) per query: the lookups are exact matches, sent in batches of this size.
    batch_size: int = 50
    #: The auto-accept threshold (0–100): a candidate scoring at least this is a strong match.
    #: kgpub still writes no link that nobody marked accepted.
    threshold: int = 80
    #: Candidates kept per entity in the review file.
    max_candidates: int = 5
    #: Who confirms links, as recorded in the provenance of the link set (empty: the publisher's
    #: name and "kommunikationsavdelningen").
    by: str = ""
    #: The country the data is about (a Wikidata item), for entities whose place is not given.
    country: str = "Q34"
    #: Properties of the data that hold identifiers Wikidata also has: predicate IRI -> Wikidata property.
    identifiers: dict[str, str] = field(default_factory=lambda: {"http://schema.org/url": "P856"})


def link_settings(table: dict[str, Any] | None, **overrides: Any) -> LinkSettings:
    """Settings from the ``[link]`` table (checked key by key), then the non-None ``overrides``."""

    def check(name: str, value: Any, default: Any) -> Any:
        if name == "identifiers":
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and _PID.match(v) for k, v in value.items()
            ):
                raise BadValue('must be a table of predicate IRI = "P…" (a Wikidata property).')
            return dict(value)
        if isinstance(default, bool):  # pragma: no cover - no boolean keys yet
            if not isinstance(value, bool):
                raise BadValue("must be true or false.")
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise BadValue("must be a number, zero or more.")
            if isinstance(default, int) and not isinstance(value, int):
                raise BadValue("must be a whole number.")
        elif not isinstance(value, str):
            raise BadValue("must be text.")
        return value

    def fail(key: str, message: str) -> ConfigError:
        return setting_error("link", key, message)

    settings = LinkSettings()
    values = checked_table(table, "link", settings, check)
    values.update({k: v for k, v in overrides.items() if v is not None})
    result = replace(settings, **values)
    if not re.match(r"^https?://\S+$", result.endpoint):
        raise fail("endpoint", f"must be an http(s) URL, not {result.endpoint!r}.")
    if not _QID.match(result.country):
        raise fail("country", f'must be a Wikidata item such as "Q34", not {result.country!r}.')
    if not 0 <= result.threshold <= 100:
        raise fail("threshold", "must be between 0 and 100.")
    if result.batch_size < 1 or result.max_candidates < 1:
        raise fail("batch_size" if result.batch_size < 1 else "max_candidates", "must be at least 1.")
    if result.timeout <= 0:
        raise fail("timeout", "must be more than 0 seconds.")
    return result
