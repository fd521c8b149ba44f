"""Checks of literal lexical forms for the XSD datatypes kgpub data uses.

rdflib only checks some datatypes (it accepts ``"x"^^xsd:gYear``), so kgpub checks the ones a
person is likely to write by hand, with a hint that shows the right form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ = r"(Z|[+-](0\d|1[0-4]):[0-5]\d)?"


def _date_ok(value: str) -> bool:
    m = re.fullmatch(rf"(-?\d{{4,}})-(\d\d)-(\d\d){_TZ}", value)
    if not m:
        return False
    try:
        dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


def _datetime_ok(value: str) -> bool:
    m = re.fullmatch(rf"(-?\d{{4,}}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?{_TZ}", value)
    if not m or not _date_ok(m.group(1)):
        return False
    hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4))
    return (hour < 24 and minute < 60 and second < 60) or (hour, minute, second) == (24, 0, 0)


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda value: compiled.fullmatch(value) is not None


# datatype local name -> (check, how to write it)
CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "date": (_date_ok, 'a real calendar date written YYYY-MM-DD, e.g. "2018-05-01"^^xsd:date'),
    "dateTime": (_datetime_ok, 'a date and time such as "2018-05-01T12:00:00"^^xsd:dateTime'),
    "gYear": (_pattern(rf"-?\d{{4,}}{_TZ}"), 'a year of four digits, e.g. "2018"^^xsd:gYear'),
    "gYearMonth": (
        _pattern(rf"-?\d{{4,}}-(0[1-9]|1[0-2]){_TZ}"),
        'a year and month, e.g. "2018-05"^^xsd:gYearMonth',
    ),
    "integer": (_pattern(r"[+-]?\d+"), 'a whole number, e.g. "12"^^xsd:integer'),
    "int": (_pattern(r"[+-]?\d+"), "a whole number"),
    "nonNegativeInteger": (_pattern(r"\+?\d+|-0+"), 'a whole number of 0 or more, e.g. "12"'),
    "positiveInteger": (_pattern(r"\+?0*[1-9]\d*"), 'a whole number of 1 or more, e.g. "3"'),
    "decimal": (_pattern(r"[+-]?(\d+(\.\d*)?|\.\d+)"), 'a decimal number, e.g. "2.5"'),
    "boolean": (_pattern(r"true|false|1|0"), "true or false"),
}


def problem(value: str, datatype: str) -> str | None:
    """Why ``value`` is not a valid lexical form of ``datatype``, or None when it is (or unknown)."""
    if not datatype.startswith(XSD):
        return None
    local = datatype[len(XSD) :]
    check = CHECKS.get(local)
    if check is None or check[0](value):
        return None
    return f'"{value}" is not a valid xsd:{local}; write {check[1]}.'
