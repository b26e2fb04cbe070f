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


def clean_filename(filename: str) -> str:
    """The last part of an uploaded file's name (either slash), without control characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    return CONTROL.sub("", name).strip()[:255]
