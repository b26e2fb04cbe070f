"""Filing numbers, 备案编号 (domain.md §2) [likely, configurable].

A pattern is text with the fields ``{county}``, ``{year}``, ``{serial}`` (with an
optional integer format spec such as ``{serial:03d}``), ``{letter}`` (L/M/H) and an
optional cross-region marker ``[T]``: a ``T`` written only when the enterprise
spans administrative regions (跨区域). ``{cross}`` is accepted as a synonym of
``[T]``. Default: ``{county}-{year}-{serial:03d}-{letter}[T]``, e.g.
``130429-2015-026-H`` and, cross-region, ``130429-2015-026-HT``.

The parser is built from the same pattern and is lenient with numbers officers
type in from old records: spaces, full-width characters, dash look-alikes,
lower-case letters and serials of any width (``411023-2014-7-l``) are accepted.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from registry.rules import RuleViolation
from registry.rules._text import compact
from registry.rules.hj941 import parse_level

DEFAULT_PATTERN = "{county}-{year}-{serial:03d}-{letter}[T]"
LETTERS = {"general": "L", "major": "M", "serious": "H"}
CROSS_REGION_MARK = "T"

_LEVEL_OF_LETTER = {letter: level for level, letter in LETTERS.items()}
_CROSS_TOKEN = "[T]"
_REQUIRED = ("county", "year", "serial", "letter")
# A GB/T 2260 code has 6 digits; a functional zone's local code 4–12 letters or digits
# (tried shortest first, so that in a pattern without separators the year comes next).
_COUNTY = r"[0-9]{6}|[0-9A-Za-z]{4,12}?"
_FIELD_REGEX = {
    "county": rf"(?P<county>{_COUNTY})",
    "year": r"(?P<year>[0-9]{4})",
    "serial": r"(?P<serial>[0-9]+)",
    "letter": rf"(?P<letter>[{''.join(LETTERS.values())}])",
    "cross": rf"(?P<cross>{CROSS_REGION_MARK})?",
}


@dataclass(frozen=True)
class ParsedFilingNumber:
    county_code: str
    year: int
    serial: int
    risk_level: str  # general / major / serious
    cross_region: bool


@dataclass(frozen=True)
class _Pattern:
    template: str  # a str.format template with {cross} for the marker
    regex: re.Pattern


@lru_cache(maxsize=32)
def _compile(pattern: str) -> _Pattern:
    """Check ``pattern`` and build its format template and lenient regex.

    Raises ValueError for unbalanced braces, an unknown, repeated or missing field,
    a conversion (``!r``), a format spec on a field other than serial, or a serial
    spec that does not write plain decimal digits (``03d`` and ``d`` do; ``3``, ``x``,
    ``b`` do not).
    """
    if not isinstance(pattern, str):
        raise ValueError(f"filing number pattern must be text, got {pattern!r}")
    template = pattern.replace(_CROSS_TOKEN, "{cross}")
    seen: list[str] = []
    parts: list[str] = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        parts.append(re.escape(compact(literal)))
        if field is None:
            continue
        if field not in _FIELD_REGEX or field in seen:
            raise ValueError(f"filing number pattern {pattern!r}: unknown or repeated "
                             f"field {{{field}}}")
        if conversion or (spec and field != "serial"):
            raise ValueError(f"filing number pattern {pattern!r}: bad format for {{{field}}}")
        if spec and not _writes_digits(spec):
            raise ValueError(f"filing number pattern {pattern!r}: serial format {spec!r} "
                             f"must write decimal digits (e.g. 03d)")
        seen.append(field)
        parts.append(_FIELD_REGEX[field])
    missing = [f for f in _REQUIRED if f not in seen]
    if missing:
        raise ValueError(f"filing number pattern {pattern!r} lacks "
                         + ", ".join(f"{{{f}}}" for f in missing))
    return _Pattern(template, re.compile("".join(parts), re.IGNORECASE | re.ASCII))


def _writes_digits(spec: str) -> bool:
    """Whether ``spec`` writes a serial as decimal digits that read back as the serial."""
    try:
        return all(re.fullmatch("[0-9]+", format(n, spec)) and int(format(n, spec)) == n
                   for n in (1, 12, 123456))
    except ValueError:
        return False


def validate_pattern(pattern: str) -> None:
    """Raise ValueError when ``pattern`` is not a usable filing number pattern."""
    _compile(pattern)


def format_filing_number(county_code: str, year: int, serial: int, risk_level: str,
                         cross_region: bool, pattern: str = DEFAULT_PATTERN) -> str:
    """The filing number for the ``serial``-th filing of ``year`` in ``county_code``.

    ``risk_level`` is read by ``hj941.parse_level`` (RuleViolation
    ``risk_level.unknown``). Raises ValueError for a bad pattern, a county code
    that is not 6 digits or a 4–12 character local code, a year that is not 4
    digits, a serial below 1, or a number that would not parse back to the same
    values (a local code in a pattern without separators).
    """
    compiled = _compile(pattern)
    if not isinstance(county_code, str) or not re.fullmatch(_COUNTY, county_code):
        raise ValueError(f"county code {county_code!r} is not a 6-digit code or a local code")
    if not 1000 <= year <= 9999:
        raise ValueError(f"year {year!r} does not have 4 digits")
    if serial < 1:
        raise ValueError(f"serial {serial!r} must be >= 1")
    level = parse_level(risk_level)
    number = compiled.template.format(
        county=county_code, year=year, serial=serial, letter=LETTERS[level],
        cross=CROSS_REGION_MARK if cross_region else "")
    # A pattern without separators cannot delimit a local code that is not 6 digits long;
    # refuse to issue a number that would read back differently.
    has_mark = "cross" in compiled.regex.groupindex
    wanted = ParsedFilingNumber(county_code, year, serial, level, cross_region and has_mark)
    if _read(compiled, number) != wanted:
        raise ValueError(f"filing number {number!r} would not read back unambiguously "
                         f"with pattern {pattern!r}")
    return number


def _read(compiled: _Pattern, value: str) -> ParsedFilingNumber | None:
    match = compiled.regex.fullmatch(compact(value)) if isinstance(value, str) else None
    if match is None or int(match["serial"]) < 1:
        return None
    return ParsedFilingNumber(
        county_code=match["county"],
        year=int(match["year"]),
        serial=int(match["serial"]),
        risk_level=_LEVEL_OF_LETTER[match["letter"].upper()],
        cross_region=bool(match.groupdict().get("cross")),
    )


def parse_filing_number(value: str, pattern: str = DEFAULT_PATTERN) -> ParsedFilingNumber:
    """Read a filing number written with ``pattern`` (leniently, see module doc).

    Raises RuleViolation ``filing_number.format`` (``value``: the input,
    ``expected``: the pattern) when it does not match or its serial is 0;
    ValueError for a bad pattern.
    """
    parsed = _read(_compile(pattern), value)
    if parsed is None:
        raise RuleViolation("filing_number.format",
                            f"filing number {value!r} does not match the pattern {pattern}",
                            value=value, expected=pattern)
    return parsed
