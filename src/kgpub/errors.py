"""One error hierarchy for the whole package; only the CLI turns these into exit codes.

Every error a user can cause carries where it happened (file, line, column) and how to fix it,
so the CLI can print one clear paragraph instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class KgpubError(Exception):
    """Base class: a problem kgpub can explain to the person who ran it."""

    #: Exit status of the CLI for this kind of error (2: the input cannot be used).
    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    @property
    def location(self) -> str:
        """``file:line:column`` as far as it is known, or an empty string."""
        if self.path is None:
            return ""
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
        return where

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f" {self.hint}"
        # One line, whatever the input held: a newline or control character quoted from a file is escaped.
        return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class InputError(KgpubError):
    """The project's files cannot be used as they are (syntax, encoding, missing folder)."""


class ConfigError(InputError):
    """``kgpub.toml`` is missing a value, has an unknown key or a value of the wrong type."""


class RdfSyntaxError(InputError):
    """A Turtle file does not parse, or holds a literal that is not valid for its datatype."""


class QueryError(InputError):
    """A canned query, its header or its parameters are wrong."""


class RemoteError(KgpubError):
    """A remote service (SPARQL endpoint, triple store) failed or could not be reached."""

    exit_code = 3


class ValidationFailed(KgpubError):
    """The graph does not conform to the shapes; nothing is published."""

    exit_code = 1

    def __init__(self, message: str, report: Any = None) -> None:
        super().__init__(message)
        #: The :class:`kgpub.validate.Report` that failed, for the CLI to print.
        self.report = report


class PublishError(KgpubError):
    """Writing the publication failed (disk full, permissions); the previous one is intact."""

    exit_code = 4
