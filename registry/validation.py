"""One schema per input: pydantic models validate HTML forms, the JSON API and imports
alike, and errors come back as ``field -> [messages]`` in the user's language."""
from __future__ import annotations

import re
from typing import Any, TypeVar
from collections.abc import Mapping

from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ValidationError

from registry.errors import ValidationFailed
from registry.rules import RuleViolation

M = TypeVar("M", bound=BaseModel)

# Messages for domain rule codes (registry.rules.*). Each names the rule broken.
RULE_MESSAGES = {
    "credit_code.length": _l("A unified social credit code has 18 characters; got %(length)s."),
    "credit_code.character": _l(
        "Character “%(character)s” at position %(position)s is not allowed in a unified "
        "social credit code (I, O, S, V, Z are never used)."),
    "credit_code.check_digit": _l(
        "Check character is wrong: expected %(expected)s, got %(given)s (GB 32100-2015)."),
    "credit_code.authority": _l(
        "Positions 1–2 “%(pair)s” are not a registering authority and organisation type of "
        "GB 32100-2015 (position %(position)s is wrong)."),
    "credit_code.organisation_code": _l(
        "Positions 9–17 are not a valid organisation code (GB 11714): the check character at "
        "position 17 should be %(expected)s, got %(given)s."),
    "credit_code.division": _l(
        "Positions 3–8 “%(division)s” are not a known administrative division code "
        "(GB/T 2260); please check."),
    "filing_number.format": _l("Filing number “%(value)s” does not match the pattern %(expected)s."),
    "hj941.q": _l("Q (Σq/Q) must be a number ≥ 0."),
    "hj941.m": _l("M (process and risk-control score) must be between 0 and 100."),
    "hj941.e": _l("E must be one of E1, E2, E3."),
    "hj941.notation": _l("Risk notation “%(value)s” could not be read."),
    "hj941.inconsistent": _l("The risk notation contradicts the HJ 941-2018 grading matrix."),
    "hj941.level_mismatch": _l(
        "The risk level given (%(given)s) disagrees with the HJ 941-2018 breakdown (%(computed)s)."),
    "risk_level.unknown": _l("Risk level must be general, major or serious (一般/较大/重大)."),
    "documents.unknown": _l("Unknown filing document “%(value)s”."),
}

# Messages for pydantic's own error types.
TYPE_MESSAGES = {
    "missing": _l("This field is required."),
    "string_too_short": _l("This field is required."),
    "string_too_long": _l("At most %(max_length)s characters."),
    "float_parsing": _l("Must be a number."),
    "float_type": _l("Must be a number."),
    "int_parsing": _l("Must be a whole number."),
    "int_type": _l("Must be a whole number."),
    "bool_parsing": _l("Must be true or false."),
    "bool_type": _l("Must be true or false."),
    "date_from_datetime_parsing": _l("Must be a date in the form YYYY-MM-DD."),
    "date_parsing": _l("Must be a date in the form YYYY-MM-DD."),
    "date_type": _l("Must be a date in the form YYYY-MM-DD."),
    "greater_than_equal": _l("Must be at least %(ge)s."),
    "less_than_equal": _l("Must be at most %(le)s."),
    "greater_than": _l("Must be more than %(gt)s."),
    "less_than": _l("Must be less than %(lt)s."),
    "literal_error": _l("Must be one of: %(expected)s."),
    "enum": _l("Must be one of: %(expected)s."),
    "string_type": _l("Must be text."),
    "list_type": _l("Must be a list."),
    "dict_type": _l("Must be an object."),
    "model_type": _l("Must be an object."),
    "extra_forbidden": _l("Unknown field."),
    "value_error": _l("%(error)s"),
    "assertion_error": _l("%(error)s"),
}


def rule_message(exc: RuleViolation) -> str:
    template = RULE_MESSAGES.get(exc.rule)
    if template is None:
        return exc.message
    try:
        return str(template) % {k: v for k, v in exc.params.items()}
    except (KeyError, TypeError, ValueError):
        return exc.message


def _choice_labels(field: str) -> list[Mapping[str, Any]]:
    """The tables (code -> label) that may hold ``field``'s codes, declared by the areas
    (``registry.areas``); outside an app, none: the message names the codes alone."""
    if not has_app_context():
        return []
    from registry.areas import registry

    return registry().choice_tables(field)


def _choices(field: str, expected: str) -> str:
    """pydantic's list of allowed values ("'general', 'major' or 'serious'") as an officer
    reads it: "一般（general）、较大（major）、重大（serious）", when one table labels them all."""
    codes = re.findall(r"'([^']*)'", expected)
    for labels in _choice_labels(field):
        if codes and all(code in labels for code in codes):
            return _(", ").join(_("%(label)s (%(code)s)", label=labels[code], code=code)
                                for code in codes)
    return expected


def _error_message(err: dict[str, Any]) -> str:
    ctx = dict(err.get("ctx") or {})
    cause = ctx.get("error")
    if isinstance(cause, RuleViolation):
        return rule_message(cause)
    if isinstance(cause, FieldError):
        return cause.message
    if err.get("input", ...) is None and (err["type"].endswith("_type")
                                          or err["type"] in ("literal_error", "enum")):
        # A form's blank field arrives as None; only a required field refuses None.
        return str(TYPE_MESSAGES["missing"])
    template = TYPE_MESSAGES.get(err["type"])
    if template is None:
        return err["msg"]
    if err["type"] == "literal_error" and "expected" in ctx:
        field = next((part for part in reversed(err["loc"]) if isinstance(part, str)), "")
        ctx["expected"] = _choices(field, str(ctx["expected"]))
    ctx = {k: (str(v) if not isinstance(v, (int, float)) else v) for k, v in ctx.items()}
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return err["msg"]


class FieldError(ValueError):
    """Raised by validators with an already translated message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


def fields_from(error: ValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "__root__"
        fields.setdefault(loc, []).append(_error_message(err))
    return fields


def validate(schema: type[M], data: Any) -> M:
    """Validate ``data`` against ``schema``; raise ValidationFailed(field -> messages)."""
    if not isinstance(data, dict):
        raise ValidationFailed({"__root__": [_("The request body must be a JSON object.")]})
    from registry.hardening.text import control_fields, line_break_fields

    bad = {**line_break_fields(data), **control_fields(data)}
    if bad:
        raise ValidationFailed(bad)
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(fields_from(exc)) from None


def form_data(form, *, booleans: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> dict:
    """An HTML form as schema input: blank fields become None, checkboxes booleans."""
    data: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token" or key in lists:
            continue
        value = form.get(key, "").strip()
        data[key] = value if value != "" else None
    for key in booleans:
        data[key] = key in form and form.get(key) not in ("", "0", "false")
    for key in lists:
        data[key] = [v for v in form.getlist(key) if v]
    return data
