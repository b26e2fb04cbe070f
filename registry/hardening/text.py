"""Control characters in text input.

NUL cannot be stored in PostgreSQL text at all (the driver raises, the request ended in a
500) and the other C0/C1 controls and Unicode direction overrides have no business in a
name, an address or a title: they hide or reorder what an officer reads. Tab, line feed and
carriage return are ordinary text."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def has_control(value: str) -> bool:
    return CONTROL.search(value) is not None


def control_fields(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """``field -> [message]`` for every string in ``data`` (nested) holding a control character."""
    found: dict[str, list[str]] = {}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        name = f"{prefix}{key}"
        if isinstance(value, str) and has_control(value):
            found[name] = [_("Control characters (such as NUL) are not allowed in text.")]
        elif isinstance(value, (dict, list)):
            found.update(control_fields(value, name + "."))
    return found


# Line breaks: CR, LF, VT, FF, NEL and the Unicode line and paragraph separators.
LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]")
# Free-text fields that may hold several lines (the forms' text areas and the long notes
# of the API). Every other text field is single-line: a line break in a name or a title
# ends up in a mail header, a filing form's cell or a CSV row (issue #17.7).
MULTILINE_FIELDS = frozenset({
    "description", "evaluation", "evidence", "joint_monitoring", "note", "notification_triggers",
    "participants", "participating_bodies", "reason", "summary",
    # incident mode: timeline entries and the report's paragraphs
    "text", "source", "casualties", "affected", "trend", "measures", "next_steps",
})


def line_break_fields(data: Any, prefix: str = "", leaf: str = "") -> dict[str, list[str]]:
    """``field -> [message]`` for every string in ``data`` (nested) holding a line break,
    but in the fields of ``MULTILINE_FIELDS`` (a list's items count as its field)."""
    found: dict[str, list[str]] = {}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        name = f"{prefix}{key}"
        field = key if isinstance(key, str) else leaf
        if field in MULTILINE_FIELDS:
            continue
        if isinstance(value, str) and LINE_BREAK.search(value):
            found[name] = [_("Line breaks are not allowed in this field.")]
        elif isinstance(value, (dict, list)):
            found.update(line_break_fields(value, name + ".", field))
    return found


def single_line(value: str | None) -> str:
    """``value`` as one line of plain text (for mail headers): control characters and
    line breaks become spaces, runs of white space one space."""
    text = CONTROL.sub(" ", LINE_BREAK.sub(" ", str(value or "")))
    return re.sub(r"\s+", " ", text).strip()


def clean_filename(filename: str) -> str:
    """The last part of an uploaded file's name (either slash), without control characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    return CONTROL.sub("", name).strip()[:255]
