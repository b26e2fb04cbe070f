"""Reading the cells of an officer's register leniently, before the schemas judge them.

Real registers hold Excel dates or typed dates (2023-05-01, 2023/5/1, 2023年5月1日),
full-width digits, stray spaces, 是/否 and county names. Each reader returns the schema's
input form or raises ``CellError`` naming the rule; the business rules stay in the schemas
and services.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _

from registry.fields import halfwidth
from registry.hardening.text import LINE_BREAK
from registry.rules import RuleViolation
from registry.rules.hj941 import parse_level

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_SPACES = re.compile(r"\s+")
# Excel's serial day numbers for 1954..2119: a bare number in a date column is one of them.
_SERIAL_RANGE = (20000, 80000)


class CellError(ValueError):
    """A cell that cannot be read; ``message`` names the rule."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


# A text starting with one of these is a formula to Excel. Exports write such a text with a
# leading apostrophe (OWASP "CSV injection"), as Excel users type it; reading drops it again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text(value) -> str | None:
    """Trimmed text with runs of spaces (also the ideographic space) collapsed; blank -> None.
    Full-width punctuation stays: （） and ， belong in Chinese names and titles. An
    apostrophe guarding a formula-like text (``'+86 …``, ``'=…``) is dropped."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value)
    if LINE_BREAK.search(value):  # every column of a register is one line (issue #17.7)
        raise CellError(_("Line breaks are not allowed in this field."))
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        value = value[1:]
    value = _SPACES.sub(" ", value.replace("\u3000", " ")).strip()
    return value or None


def as_shown(value) -> str:
    """A cell's value as an officer reads it in a report: an Excel date as 2023-05-04
    (not 2023-05-04 00:00:00); a blank as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else \
            value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def report_value(value):
    """A cell's value for the report's copy of the data: an Excel date at midnight as a
    date (shown yyyy-mm-dd), the rest as it came."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def compact_text(value) -> str | None:
    """Half-width text with every space removed (codes, numbers, dates)."""
    value = text(value)
    return halfwidth(value).replace(" ", "") if value else None


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def read_code(value) -> str | None:
    """A code typed as text (the credit code). A number cell is refused: Excel keeps 15
    significant digits, so an all-digit 18-character code arrives as 9.141100212792179e+17
    (or its rounded integer) with its last digits lost; a CSV saved by Excel carries the
    same number as 9.14110021279218E+17."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) or (
            isinstance(value, str) and _SCIENTIFIC.match(value.strip())):
        raise CellError(_("The cell holds a number, not text: Excel keeps only 15 digits of a "
                          "number, so the code's last digits are lost. Format the column as Text "
                          "(设置单元格格式 → 文本) and type the code again."))
    return compact_text(value)


def read_date(value) -> str | None:
    """An ISO date from an Excel date, an Excel serial number or typed text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date().isoformat()
        raise CellError(_("“%(value)s” is not a date (write 2023-05-01, 2023/5/1 or 2023年5月1日).",
                          value=value))
    raw = compact_text(value)
    if raw is None:
        return None
    match = _DATE.match(raw)
    if match:
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            raise CellError(_("“%(value)s” is not a date of the calendar.", value=raw)) from None
    raise CellError(_("“%(value)s” is not a date (write 2023-05-01, 2023/5/1 or 2023年5月1日).",
                      value=raw))


def read_risk(value) -> dict:
    """``{"risk_level": …}`` for a plain level (一般/较大/重大, general/major/serious, L/M/H),
    ``{"risk_notation": …}`` for a legacy HJ 941 notation (the schema reads it)."""
    raw = compact_text(value)
    if raw is None:
        return {}
    try:
        return {"risk_level": parse_level(raw)}
    except RuleViolation:
        pass
    if any(c in raw for c in "[(【（"):
        return {"risk_notation": raw}
    return {"risk_level": raw}  # the schema names the rule: general/major/serious


_YES = {"是", "y", "yes", "true", "1", "√", "跨区域"}
_NO = {"否", "n", "no", "false", "0", "×", ""}


def read_bool(value) -> bool:
    raw = (compact_text(value) or "").lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_("“%(value)s” must be 是 or 否.", value=raw))


def read_number(value):
    """A number as typed; full-width digits and spaces are tolerated (the schema checks)."""
    if value is None or isinstance(value, (int, float)):
        return value
    return compact_text(value)


class CountyReader:
    """County by code (411081), name (禹州市) or both (禹州市 411081)."""

    def __init__(self, counties):
        self.by_code = {c.code: c.code for c in counties}
        self.by_name = {c.name: c.code for c in counties}

    def __call__(self, value) -> str | None:
        raw = compact_text(value)
        if raw is None:
            return None
        if raw in self.by_code or raw in self.by_name:
            return self.by_code.get(raw) or self.by_name[raw]
        digits = re.search(r"\d{6}", raw)
        if digits:
            return digits.group(0)  # the service names the rule (unknown / retired code)
        name = re.sub(r"[(（].*$", "", raw)
        if name in self.by_name:
            return self.by_name[name]
        raise CellError(_("Unknown county “%(value)s”: give its name or 6-digit code.", value=raw))


def read_documents(value, labels: dict[str, str]) -> list[str]:
    """Filing documents present: 齐全/全部, or names joined by 、,;； (labels: name -> kind)."""
    raw = text(value)
    if raw is None:
        return []
    if raw.replace(" ", "") in ("齐全", "全部", "all"):
        return list(dict.fromkeys(labels.values()))
    kinds = []
    for part in re.split(r"[、,，;；/]+", raw):
        part = part.strip()
        if not part:
            continue
        if part not in labels:
            raise CellError(_("Unknown filing document “%(value)s”.", value=part))
        kinds.append(labels[part])
    return kinds
