"""Loading the official table (``flask --app registry substances import FILE``): a .xlsx
or .csv with one substance a row, all or nothing — every error is listed with its row,
column and rule, and nothing is written unless every row is right. A row whose name is
already in the table updates it (audited); the others are added."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.models import Substance
from registry.substances import service
from registry.substances.schemas import SubstanceIn
from registry.validation import validate
from registry.workflows.source import read_register

# Header (as officers write it, Chinese or English) -> field.
HEADERS = {
    "名称": "name", "物质名称": "name", "name": "name",
    "cas": "cas", "cas号": "cas", "cas no.": "cas",
    "别名": "aliases", "aliases": "aliases",
    "临界量": "critical_quantity_t", "临界量(t)": "critical_quantity_t",
    "临界量/t": "critical_quantity_t", "critical_quantity_t": "critical_quantity_t",
    "介质": "media", "media": "media",
    "部分": "part", "part": "part",
    "类别": "category", "category": "category",
    "来源": "source", "source": "source",
}
REQUIRED = ("name", "critical_quantity_t", "media")
COLUMN_NAMES = {"name": "名称", "cas": "CAS号", "aliases": "别名",
                "critical_quantity_t": "临界量(t)", "media": "介质", "part": "部分",
                "category": "类别", "source": "来源"}
_MEDIA_WORDS = {"大气": "air", "气": "air", "air": "air", "水": "water", "water": "water"}


def _key(header) -> str | None:
    text = str(header or "").strip().lower().replace("（", "(").replace("）", ")").replace(" ", "")
    return HEADERS.get(text) or HEADERS.get(str(header or "").strip().lower())


def _media(value) -> list[str] | None:
    if value is None or str(value).strip() == "":
        return None
    words = [w for w in str(value).replace("，", "、").replace(",", "、").replace("/", "、")
             .replace("+", "、").replace(" ", "、").split("、") if w]
    return [_MEDIA_WORDS.get(w.lower(), w) for w in words]


def _cell(field: str, value):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if field == "media":
        return _media(value)
    if field == "part" and isinstance(value, float) and value.is_integer():
        return int(value)
    if field in ("name", "cas", "aliases", "category", "source"):
        value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return value


def read_rows(path: Path) -> list[tuple[int, SubstanceIn]]:
    """The file's rows as schemas; ValidationFailed ``file`` lists every problem."""
    register = read_register(path)
    columns = {i: _key(h) for i, h in enumerate(register.headers)}
    found = {f for f in columns.values() if f}
    missing = [COLUMN_NAMES[f] for f in REQUIRED if f not in found]
    if missing:
        raise ValidationFailed({"file": [_("Missing columns: %(columns)s.",
                                           columns="、".join(missing))]})
    errors, rows, names = [], [], {}
    for number, values in register.rows:
        data = {columns[i]: _cell(columns[i], v) for i, v in enumerate(values)
                if i in columns and columns[i]}
        data = {k: v for k, v in data.items() if v is not None}
        try:
            row = validate(SubstanceIn, data)
        except ValidationFailed as exc:
            for field, messages in exc.fields.items():
                # a whole-row rule (parts 3–8 count in water) is about the media column
                column = COLUMN_NAMES.get(field.split(".")[0],
                                          COLUMN_NAMES["media"] if field == "__root__" else field)
                errors += [_("Row %(row)s, column %(column)s: %(message)s", row=number,
                             column=column, message=m) for m in messages]
            continue
        if row.name in names:
            errors.append(_("Row %(row)s, column %(column)s: %(name)s is already on row "
                            "%(first)s.", row=number, column=COLUMN_NAMES["name"],
                            name=row.name, first=names[row.name]))
            continue
        names[row.name] = number
        rows.append((number, row))
    if errors:
        raise ValidationFailed({"file": errors})
    if not rows:
        raise ValidationFailed({"file": [_("The file has no substance rows.")]})
    return rows


def import_file(actor, path: Path) -> dict:
    """Import the table in ``path`` in one transaction. Returns {added, updated}.
    Raises PermissionDenied, ValidationFailed ``file`` (every error, nothing written)."""
    service.require_admin(actor)
    rows = read_rows(Path(path))
    existing = {s.name: s for s in db.session.scalars(
        sa.select(Substance).where(Substance.name.in_([r.name for _n, r in rows])))}
    added = updated = 0
    for _number, row in rows:
        columns = service._columns(row.model_dump())
        current = existing.get(row.name)
        if current is None:
            substance = Substance(**columns)
            db.session.add(substance)
            db.session.flush()
            audit.record(actor, "substance.import", "substance", substance.id, None,
                         audit.snapshot(substance, service.AUDITED))
            added += 1
            continue
        before = audit.snapshot(current, service.AUDITED)
        for key, value in columns.items():
            setattr(current, key, value)
        old, new = audit.diff(before, audit.snapshot(current, service.AUDITED))
        if new:
            audit.record(actor, "substance.import", "substance", current.id, old, new)
            updated += 1
    db.session.commit()
    return {"added": added, "updated": updated}
