from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.rules.filing_number import (
    DEFAULT_PATTERN,
    LETTERS,
    ParsedFilingNumber,
    format_filing_number,
    parse_filing_number,
    validate_pattern,
)
from tests.rules._assert import violates

COMPACT = "{county}{year}{serial:04d}{letter}[T]"
CONFIG_STYLE = "{county}-{year}-{serial:03d}-{letter}{cross}"  # {cross} as in config.py
PREFIXED = "许环应急备({county}).{year}.{serial}.{letter}[T]"  # regex metacharacters as text
PATTERNS = [DEFAULT_PATTERN, COMPACT, CONFIG_STYLE, PREFIXED, "{year}/{county}/{letter}{serial:05d}[T]"]


def test_default_pattern_and_letters():
    assert DEFAULT_PATTERN == "{county}-{year}-{serial:03d}-{letter}[T]"
    assert LETTERS == {"general": "L", "major": "M", "serious": "H"}


@pytest.mark.parametrize("args, pattern, expected", [
    (("130429", 2015, 26, "serious", False), DEFAULT_PATTERN, "130429-2015-026-H"),
    (("130429", 2015, 26, "serious", True), DEFAULT_PATTERN, "130429-2015-026-HT"),
    (("411002", 2024, 1, "general", False), DEFAULT_PATTERN, "411002-2024-001-L"),
    (("411082", 2024, 1234, "major", True), DEFAULT_PATTERN, "411082-2024-1234-MT"),
    (("411002", 2024, 7, "一般", False), DEFAULT_PATTERN, "411002-2024-007-L"),
    (("XCJKQ", 2023, 5, "M", False), DEFAULT_PATTERN, "XCJKQ-2023-005-M"),
    (("130429", 2015, 26, "major", True), COMPACT, "13042920150026MT"),
    (("130429", 2015, 26, "major", True), CONFIG_STYLE, "130429-2015-026-MT"),
    (("130429", 2015, 26, "major", False), CONFIG_STYLE, "130429-2015-026-M"),
    (("130429", 2015, 26, "general", True), PREFIXED, "许环应急备(130429).2015.26.LT"),
    (("130429", 2015, 26, "general", True), "{county}-{year}-{serial:03d}-{letter}",
     "130429-2015-026-L"),  # a pattern without the marker never writes T
])
def test_format(args, pattern, expected):
    assert format_filing_number(*args, pattern=pattern) == expected


@pytest.mark.parametrize("value, expected", [
    ("130429-2015-026-H", ("130429", 2015, 26, "serious", False)),
    ("130429-2015-026-HT", ("130429", 2015, 26, "serious", True)),
    ("411023-2014-7-l", ("411023", 2014, 7, "general", False)),       # legacy: short serial
    ("411023-2014-0007-m", ("411023", 2014, 7, "major", False)),
    (" 411024 - 2016 - 012 - h t ", ("411024", 2016, 12, "serious", True)),
    ("４１１０２５－２０１７－００３－ＭＴ", ("411025", 2017, 3, "major", True)),  # full-width
    ("411081—2018—045—L", ("411081", 2018, 45, "general", False)),     # em dashes
    ("411081–2018–045–Lt", ("411081", 2018, 45, "general", True)),     # en dashes
    ("xcjkq-2020-001-L", ("xcjkq", 2020, 1, "general", False)),        # a zone's local code
])
def test_parse_default_pattern(value, expected):
    assert parse_filing_number(value) == ParsedFilingNumber(*expected)


@pytest.mark.parametrize("value", [
    "", "H", "130429-2015-026", "130429-2015-026-X", "130429-2015-026-HX",
    "130429-2015-026-H-T", "130429-15-026-H", "130429-2015--H", "130429-2015-000-H",
    "130429-2015-026-HTT", "130429_2015_026_H", "130429-2015-026-一般", "130-2015-026-H",
    "1304291304291-2015-026-H", "٤١١٠٢٣-2014-7-L",  # Arabic-Indic digits are not digits here
])
def test_parse_rejects(value):
    with violates("filing_number.format", value=value, expected=DEFAULT_PATTERN):
        parse_filing_number(value)


def test_parse_rejects_non_text():
    with violates("filing_number.format", value=None, expected=DEFAULT_PATTERN):
        parse_filing_number(None)


@pytest.mark.parametrize("value, pattern, expected", [
    ("13042920150026MT", COMPACT, ("130429", 2015, 26, "major", True)),
    ("1304292015 26 m", COMPACT, ("130429", 2015, 26, "major", False)),
    ("130429-2015-026-HT", CONFIG_STYLE, ("130429", 2015, 26, "serious", True)),
    ("许环应急备（130429）.2015.7.h", PREFIXED, ("130429", 2015, 7, "serious", False)),
])
def test_parse_configured_patterns(value, pattern, expected):
    assert parse_filing_number(value, pattern) == ParsedFilingNumber(*expected)


def test_configured_pattern_is_named_when_rejected():
    with violates("filing_number.format", value="130429-2015-026-H", expected=COMPACT):
        parse_filing_number("130429-2015-026-H", COMPACT)
    with violates("filing_number.format", value="130429X2015.26.L", expected=PREFIXED):
        parse_filing_number("130429X2015.26.L", PREFIXED)  # '.' and '(' are literal


@pytest.mark.parametrize("pattern", [
    "{county}-{year}-{letter}",                          # no serial
    "{county}-{year}-{serial}-{letter}-{county}",        # repeated field
    "{county}-{year}-{serial}-{letter}{nope}",           # unknown field
    "{county}-{year}-{serial}-{letter}-{}",              # positional field
    "{county}-{year}-{serial:x}-{letter}",               # hex serial
    "{county}-{year}-{serial:b}-{letter}",               # binary digits do not read back
    "{county}-{year}-{serial:3}-{letter}",               # pads with spaces
    "{county}-{year:04d}-{serial}-{letter}",             # spec on another field
    "{county!r}-{year}-{serial}-{letter}",               # conversion
    "{county-{year}-{serial}-{letter}",                  # unbalanced brace
    "{county}-{year}-{serial}-{letter}[T][T]",           # marker twice
])
def test_invalid_patterns(pattern):
    with pytest.raises(ValueError):
        validate_pattern(pattern)
    with pytest.raises(ValueError):
        parse_filing_number("130429-2015-026-H", pattern)
    with pytest.raises(ValueError):
        format_filing_number("130429", 2015, 26, "general", False, pattern)


def test_any_four_to_twelve_character_code_reads_as_a_local_code():
    # Functional zones have local codes of 4-12 letters or digits, so a mistyped GB/T 2260
    # code of 5 digits still parses; callers check that the county exists.
    assert parse_filing_number("13042-2015-026-H").county_code == "13042"


@pytest.mark.parametrize("args, error", [
    (("130429", 2015, 0, "general", False), ValueError),
    (("130429", 15, 1, "general", False), ValueError),
    (("130-429", 2015, 1, "general", False), ValueError),
    (("", 2015, 1, "general", False), ValueError),
])
def test_format_rejects_bad_arguments(args, error):
    with pytest.raises(error):
        format_filing_number(*args)


def test_format_rejects_unknown_level():
    with violates("risk_level.unknown", value="extreme"):
        format_filing_number("130429", 2015, 1, "extreme", False)


counties = st.one_of(st.text("0123456789", min_size=6, max_size=6),
                     st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz", min_size=4, max_size=12))
numbers = st.tuples(counties, st.integers(1000, 9999), st.integers(1, 99_999),
                    st.sampled_from(sorted(LETTERS)), st.booleans())


@given(numbers, st.sampled_from(PATTERNS))
def test_format_parse_round_trip(number, pattern):
    county, year, serial, level, cross = number
    expected = ParsedFilingNumber(county, year, serial, level, cross)
    if pattern == COMPACT and not (county.isdigit() and len(county) == 6):
        # Without separators a local code's end is ambiguous: refused or read back exactly.
        try:
            text = format_filing_number(county, year, serial, level, cross, pattern)
        except ValueError:
            return
    else:
        text = format_filing_number(county, year, serial, level, cross, pattern)
    assert parse_filing_number(text, pattern) == expected


def test_ambiguous_local_code_without_separators_is_refused():
    with pytest.raises(ValueError):
        format_filing_number("0000", 1000, 500, "general", False, COMPACT)
    assert format_filing_number("XCKQ", 2020, 5, "general", False, COMPACT) == "XCKQ20200005L"


@given(numbers, st.data())
def test_typing_variants_parse_the_same(number, data):
    county, year, serial, level, cross = number
    text = format_filing_number(county.upper(), year, serial, level, cross)
    variant = text.replace(f"-{serial:03d}-", f"-{serial}-").lower()
    if data.draw(st.booleans()):  # full-width, as typed with a Chinese IME
        variant = "".join(chr(ord(c) + 0xFEE0) for c in variant)
    variant = " ".join(variant) if data.draw(st.booleans()) else variant
    parsed = parse_filing_number(variant)
    assert (parsed.county_code.upper(), parsed.year, parsed.serial, parsed.risk_level,
            parsed.cross_region) == (county.upper(), year, serial, level, cross)
