"""HTML form ⇄ schema input. Repeated groups are named ``parties-0-city_name``,
``parties-0-river_roles-1-role``…; blank groups are dropped so a form can offer spare rows."""
from __future__ import annotations

import re

from registry.agreements.schemas import AgreementQuery
from registry.web.queries import read_query

SPLIT = re.compile(r"[,，、;；\s]+")


def _blank(value) -> bool:
    if isinstance(value, dict):
        return all(_blank(v) for k, v in value.items() if k != "id")
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return value in (None, "")


def _lists(node):
    """Dicts whose keys are all digits become lists (in index order), blank entries dropped."""
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [v for _k, v in sorted(node.items(), key=lambda kv: int(kv[0])) if not _blank(v)]
    return node


def nested(form, *, lists_of_text: tuple[str, ...] = ()) -> dict:
    """``request.form`` → nested dict: blank → None, ``lists_of_text`` fields split on
    commas/、/spaces into lists, repeated groups into lists."""
    root: dict = {}
    for key in form:
        if key == "csrf_token":
            continue
        value = form.get(key, "").strip()
        node = root
        parts = key.split("-")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if parts[-1] in lists_of_text:
            node[parts[-1]] = [v for v in SPLIT.split(value) if v]
        else:
            node[parts[-1]] = value if value != "" else None
    return _lists(root)


def flat_errors(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Error keys as the form names its inputs: ``parties.0.city_name`` → ``parties-0-city_name``."""
    return {k.replace(".", "-"): v for k, v in fields.items()}


def list_query(args) -> AgreementQuery:
    """The register's filter (status, counterpart city) from its query string; a filter
    that does not validate is dropped and named on the page (``web.queries``)."""
    return read_query(AgreementQuery, args)
