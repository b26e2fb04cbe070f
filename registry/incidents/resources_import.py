"""Loading the emergency resources register (应急资源) from a workbook: ``flask --app
registry resources import FILE`` and the upload on the resources page. A .xlsx or .csv with
one resource a row, as the bureau's own 应急物资储备表 has it or as the app's export writes
it; all or nothing — every error is listed with its row, column and rule, and nothing is
written unless every row is right. A row naming a resource already registered (same kind,
name and owning unit) updates it (audited), so the export can be edited and loaded again;
the other rows are added."""
from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, permissions
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.incidents import permissions as incident_permissions
from registry.incidents.resources import FIELDS
from registry.incidents.schemas import ResourceIn
from registry.models import EmergencyResource
from registry.unit_of_work import finish, marks_demo
from registry.validation import validate
from registry.workflows.source import check_suffix, read_register

# Header (as a bureau writes it, Chinese or English; the export's own headers) -> field.
HEADERS = {
    "类别": "kind", "资源类别": "kind", "种类": "kind", "类型": "kind", "kind": "kind",
    "名称": "name", "资源名称": "name", "物资名称": "name", "物资装备名称": "name", "name": "name",
    "数量": "quantity", "储备数量": "quantity", "quantity": "quantity",
    "单位": "unit", "计量单位": "unit", "unit": "unit",
    "所属单位": "owner", "储备单位": "owner", "权属单位": "owner", "owningunit": "owner",
    "owner": "owner",
    "经度": "longitude", "longitude": "longitude",
    "纬度": "latitude", "latitude": "latitude",
    "联系方式": "contact", "联系人及电话": "contact", "联系电话": "contact",
    "contactdetails": "contact", "contact": "contact",
    "最近核查日期": "last_checked_on", "核查日期": "last_checked_on",
    "lastcheckedon": "last_checked_on", "last_checked_on": "last_checked_on",
}
REQUIRED = ("kind", "name", "quantity", "unit", "owner", "longitude", "latitude")
COLUMN_NAMES = {"kind": "类别", "name": "名称", "quantity": "数量", "unit": "单位",
                "owner": "所属单位", "longitude": "经度", "latitude": "纬度",
                "contact": "联系方式", "last_checked_on": "最近核查日期"}
# The kinds as officers write them (the page's labels in both languages, the codes).
KIND_WORDS = {"物资": "material", "应急物资": "material", "material": "material",
              "装备": "equipment", "设备": "equipment", "应急装备": "equipment",
              "equipment": "equipment",
              "队伍": "team", "应急队伍": "team", "team": "team",
              "专家": "expert", "expert": "expert"}


def _key(header) -> str | None:
    text = str(header or "").strip().lower()
    for ch in " （）()/_-":
        text = text.replace(ch, "")
    return HEADERS.get(text) or HEADERS.get(str(header or "").strip().lower())


def _cell(field: str, value):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if field == "kind":
        word = str(value).strip()
        return KIND_WORDS.get(word.lower(), word)
    if field == "last_checked_on" and isinstance(value, datetime):
        return value.date().isoformat()
    if field == "last_checked_on" and isinstance(value, date):
        return value.isoformat()
    if field in ("name", "unit", "owner", "contact"):
        # A telephone number typed into a number cell reads as 3.71e10: write it back whole.
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return value


def _known(headers: list) -> dict[int, str]:
    """Column index -> field, for ``read_register`` to find the header below a title."""
    found = {}
    for index, header in enumerate(headers):
        field = _key(header)
        if field and field not in found.values():
            found[index] = field
    return found


def read_rows(path: Path, filename: str | None = None) -> list[tuple[int, ResourceIn]]:
    """The file's rows as schemas; ValidationFailed ``file`` lists every problem."""
    register = read_register(path, filename, columns=_known)
    columns = _known(register.headers)
    found = set(columns.values())
    missing = [COLUMN_NAMES[f] for f in REQUIRED if f not in found]
    if missing:
        raise ValidationFailed({"file": [_("Missing columns: %(columns)s.",
                                           columns="、".join(missing))]})
    errors, rows, seen = [], [], {}
    for number, values in register.rows:
        data = {columns[i]: _cell(columns[i], v) for i, v in enumerate(values) if i in columns}
        data = {k: v for k, v in data.items() if v is not None}
        try:
            row = validate(ResourceIn, data)
        except ValidationFailed as exc:
            for field, messages in exc.fields.items():
                column = COLUMN_NAMES.get(field.split(".")[0], field)
                errors += [_("Row %(row)s, column %(column)s: %(message)s", row=number,
                             column=column, message=m) for m in messages]
            continue
        key = (row.kind, row.name, row.owner)
        if key in seen:
            errors.append(_("Row %(row)s, column %(column)s: %(name)s is already on row "
                            "%(first)s.", row=number, column=COLUMN_NAMES["name"],
                            name=row.name, first=seen[key]))
            continue
        seen[key] = number
        rows.append((number, row))
    if errors:
        raise ValidationFailed({"file": errors})
    if not rows:
        raise ValidationFailed({"file": [_("The file has no resource rows.")]})
    return rows


def import_file(actor, path: Path, filename: str | None = None) -> dict:
    """Import the register in ``path`` in one transaction. Returns {added, updated,
    unchanged}. Raises PermissionDenied, ValidationFailed ``file`` (every error, nothing
    written)."""
    permissions.require(incident_permissions.can_write_resources(actor), actor)
    rows = read_rows(Path(path), filename)
    existing = {(r.kind, r.name, r.owner): r for r in db.session.scalars(
        sa.select(EmergencyResource).where(
            EmergencyResource.name.in_(sorted({row.name for _n, row in rows}))))}
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    demo = marks_demo()
    for _number, row in rows:
        current = existing.get((row.kind, row.name, row.owner))
        if current is None:
            resource = EmergencyResource(is_demo=demo, **row.model_dump())
            db.session.add(resource)
            db.session.flush()
            audit.record(actor, "resource.import", "resource", resource.id, None,
                         audit.snapshot(resource, FIELDS))
            counts["added"] += 1
            continue
        before = audit.snapshot(current, FIELDS)
        for key, value in row.model_dump().items():
            setattr(current, key, value)
        old, new = audit.diff(before, audit.snapshot(current, FIELDS))
        if new:
            audit.record(actor, "resource.import", "resource", current.id, old, new)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    finish()
    return counts


def import_upload(actor, stream, filename: str | None) -> dict:
    """An uploaded register (the resources page): bounded by MAX_UPLOAD_MB, read from a
    temporary file that is removed afterwards. Raises as ``import_file``, and
    ValidationFailed ``file`` for a wrong type, an empty or too large file."""
    permissions.require(incident_permissions.can_write_resources(actor), actor)
    from registry.workflows.uploads import read_bounded

    suffix = check_suffix(filename)
    content = read_bounded(stream)
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=suffix, dir=folder) as handle:
        handle.write(content)
        handle.flush()
        return import_file(actor, Path(handle.name), filename)
