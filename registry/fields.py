"""Field types shared by every schema: each validates one rule and names it."""
from __future__ import annotations

import re
from typing import Annotated

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from registry.rules import RuleViolation
from registry.rules.credit_code import validate_credit_code
from registry.rules.hj941 import format_notation, parse_level, parse_notation
from registry.validation import FieldError

_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "})

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


# A list page number: a page past a million (at most 500 rows a page) is past any list
# this registry holds; unbounded, it overflowed the 32-bit integer SQLAlchemy binds
# PostgreSQL's OFFSET as (a 500).
MAX_PAGE = 1_000_000
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]


# A record's id, in a path or a query string: the ids are PostgreSQL ``integer``s, and a
# bigger number bound to one fails in the database ("integer out of range", a 500). A
# path's ids go through ``IdConverter`` (the app's ``int``), a query's or a body's through
# ``Id``: out of range is a 404 or a 422 naming the field (issue #17.9).
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=0, le=MAX_ID)]


class IdConverter(IntegerConverter):
    """werkzeug's ``int`` bounded to an id: a bigger number is a 404 whatever the method
    (matching no rule would try the other rules and could answer 405)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def halfwidth(value):
    return value.translate(_FULLWIDTH).strip() if isinstance(value, str) else value


def _credit_code(value: str) -> str:
    try:
        return validate_credit_code(value)
    except RuleViolation:
        raise  # a RuleViolation is a ValueError: pydantic keeps it, validate() translates it


def _risk_level(value):
    if value is None:
        return None
    try:
        return parse_level(str(value))
    except RuleViolation:
        raise  # a RuleViolation is a ValueError: pydantic keeps it, validate() translates it


def _risk_notation(value):
    if value in (None, ""):
        return None
    try:
        return format_notation(parse_notation(str(value)))
    except RuleViolation:
        raise  # a RuleViolation is a ValueError: pydantic keeps it, validate() translates it


def normalise_phone(value: str) -> str:
    compact = re.sub(r"[\s()（）]", "", halfwidth(value))
    if compact.startswith("+86"):
        compact = compact[3:]
    if MOBILE.match(compact) or LANDLINE.match(compact):
        return compact
    raise FieldError(_("Phone number “%(value)s” is neither a mobile number (11 digits starting "
                       "with 1) nor a landline with area code (e.g. 0374-1234567).", value=value))


def _phone(value: str | None) -> str | None:
    return None if value in (None, "") else normalise_phone(value)


def _email(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    value = halfwidth(value)
    if not EMAIL.match(value) or len(value) > 254:
        raise FieldError(_("“%(value)s” is not a valid e-mail address.", value=value))
    return value


CreditCode = Annotated[str, BeforeValidator(halfwidth), AfterValidator(_credit_code)]
RiskLevel = Annotated[str, BeforeValidator(halfwidth), AfterValidator(_risk_level)]
RiskNotation = Annotated[str, BeforeValidator(halfwidth), Field(max_length=120),
                         AfterValidator(_risk_notation)]
Phone = Annotated[str | None, BeforeValidator(halfwidth), AfterValidator(_phone)]
Email = Annotated[str | None, AfterValidator(_email)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Longitude = Annotated[float, Field(ge=73.0, le=136.0)]
Latitude = Annotated[float, Field(ge=3.0, le=54.0)]
