"""The risk-control items of the M sheet (HJ 941-2018: 环境风险防控措施, per medium, each with
its points), as data the bureau loads — like the substance table, nothing is shipped that
no public source could be cited for.

* ``table()``: the loaded items by medium, in the file's order; the inventory form lists
  them (a score per item, summed into the control score) and ``check`` holds a given
  ``control_items`` list to them (known item, at most its points, once each). With no
  items loaded for a medium the form asks for the total and items are taken as given.
* ``import_file``: ``flask --app registry substances import-control-items FILE`` (.xlsx or
  .csv: 介质, 评估项目, 分值, 来源), all or nothing, every error listed; the file's items
  replace those of each medium it names; audited.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import audit
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.fields import halfwidth
from registry.models import ControlItem
from registry.substances import service
from registry.workflows import cells
from registry.workflows.source import read_register

MEDIA = ("air", "water")
MEDIUM_LABELS = {"air": _l("air"), "water": _l("water")}
HEADERS = {"介质": "medium", "medium": "medium", "环境介质": "medium",
           "评估项目": "name", "项目": "name", "风险防控措施": "name", "评估指标": "name",
           "item": "name", "name": "name",
           "分值": "max_score", "最高分值": "max_score", "分值上限": "max_score",
           "points": "max_score", "max_score": "max_score",
           "来源": "source", "source": "source"}
NAMES = {"medium": "介质", "name": "评估项目", "max_score": "分值", "source": "来源"}
_MEDIUM_WORDS = {"大气": "air", "气": "air", "air": "air", "水": "water", "water": "water"}
MAX_ITEMS = 200


def _key(header) -> str | None:
    return HEADERS.get(halfwidth(str(header or "")).replace(" ", "").replace("*", "")
                       .strip().casefold())


def header_map(headers: list) -> dict[int, str]:
    return {i: k for i, h in enumerate(headers) if (k := _key(h))}


def table() -> dict[str, list[ControlItem]]:
    """medium -> its loaded items in order (media without items are absent)."""
    found: dict[str, list[ControlItem]] = {}
    for item in db.session.scalars(sa.select(ControlItem).order_by(
            ControlItem.medium, ControlItem.position, ControlItem.id)):
        found.setdefault(item.medium, []).append(item)
    return found


def check(medium: str, given: list | None, loaded: dict[str, list[ControlItem]]) -> dict:
    """Errors (field -> messages) of a medium's ``control_items`` against the loaded items
    of that medium; none when nothing is loaded for it or no items are given."""
    items = loaded.get(medium)
    if not items or given is None:
        return {}
    by_name = {i.name: i for i in items}
    errors, seen = {}, set()
    for n, line in enumerate(given):
        known = by_name.get(line.item)
        if known is None:
            errors[f"{medium}.control_items.{n}.item"] = [_(
                "“%(item)s” is not one of the risk-control items loaded for this medium "
                "(%(known)s).", item=line.item, known="、".join(by_name))]
        elif line.score > known.max_score:
            errors[f"{medium}.control_items.{n}.score"] = [_(
                "%(item)s scores at most %(max)s points.", item=known.name,
                max=f"{known.max_score:g}")]
        if line.item in seen:
            errors[f"{medium}.control_items.{n}.item"] = [_(
                "“%(item)s” is given twice.", item=line.item)]
        seen.add(line.item)
    return errors


def _number(value):
    raw = cells.read_number(value)
    try:
        return float(raw) if raw is not None else None
    except (TypeError, ValueError):
        raise cells.CellError(_("“%(value)s” is not a number of points.", value=value)) from None


def read_rows(path: Path) -> list[dict]:
    """The file's items; ValidationFailed ``file`` lists every problem."""
    register = read_register(Path(path), columns=header_map)
    columns = header_map(register.headers)
    missing = [NAMES[k] for k in ("medium", "name", "max_score") if k not in columns.values()]
    if missing:
        raise ValidationFailed({"file": [_("Missing columns: %(columns)s.",
                                           columns="、".join(missing))]})
    errors, rows, seen = [], [], {}

    def error(number, key, message):
        errors.append(_("Row %(row)s, column %(column)s: %(message)s", row=number,
                        column=NAMES[key], message=message))

    for number, values in register.rows:
        data = {}
        for index, key in columns.items():
            value = values[index] if index < len(values) else None
            try:
                data[key] = _number(value) if key == "max_score" else cells.text(value)
            except cells.CellError as exc:
                error(number, key, exc.message)
                data[key] = "?"
        medium = _MEDIUM_WORDS.get(str(data.get("medium") or "").casefold())
        if medium is None:
            error(number, "medium", _("Give the medium: 大气 or 水."))
        if not data.get("name"):
            error(number, "name", _("This field is required."))
        elif len(data["name"]) > 200:
            error(number, "name", _("At most 200 characters."))
        score = data.get("max_score")
        if not isinstance(score, float) or not 0 < score <= 70:
            error(number, "max_score", _("The points must be more than 0 and at most 70."))
        if data.get("source") and len(data["source"]) > 500:
            error(number, "source", _("At most 500 characters."))
        key = (medium, data.get("name"))
        if medium and data.get("name") and key in seen:
            error(number, "name", _("Already on row %(row)s.", row=seen[key]))
        seen.setdefault(key, number)
        rows.append({"medium": medium, "name": data.get("name"), "max_score": score,
                     "source": data.get("source")})
    if not errors and not rows:
        errors.append(_("The file has no items."))
    if len(rows) > MAX_ITEMS:
        errors.append(_("The file has more than %(n)s items.", n=MAX_ITEMS))
    for medium in MEDIA:
        total = sum(r["max_score"] for r in rows if r["medium"] == medium
                    and isinstance(r["max_score"], float))
        if total > 70:
            errors.append(_("The items of %(medium)s add up to %(total)s points; the "
                            "risk-control score is at most 70.", medium=MEDIUM_LABELS[medium],
                            total=f"{total:g}"))
    if errors:
        raise ValidationFailed({"file": errors})
    return rows


def import_file(actor, path: Path) -> dict:
    """Replace the items of each medium the file names, in one transaction. Returns
    {medium: number of items}. Raises PermissionDenied, ValidationFailed ``file``."""
    service.require_admin(actor)
    rows = read_rows(Path(path))
    media = sorted({r["medium"] for r in rows})
    before = {m: [f"{i.name} {i.max_score:g}" for i in table().get(m, [])] for m in media}
    db.session.execute(sa.delete(ControlItem).where(ControlItem.medium.in_(media)))
    for position, row in enumerate(rows):
        db.session.add(ControlItem(position=position, **row))
    db.session.flush()
    after = {m: [f"{r['name']} {r['max_score']:g}" for r in rows if r["medium"] == m]
             for m in media}
    audit.record(actor, "control_items.import", "control_items", 0, before, after)
    db.session.commit()
    return {m: len(after[m]) for m in media}
