"""Importing a register of enterprises and plans: all or nothing, in one transaction.

Every row goes through the same schemas (EnterpriseIn/EnterprisePatch, PlanIn,
RevisionIn, CorrectionIn) and services as the forms and the API. Each row runs in a
savepoint so that one bad row does not hide the next one's errors; if any row broke a
rule, or on a dry run, the whole transaction is rolled back and nothing is written.

Re-importing updates, never duplicates: an enterprise is matched by its credit code,
a plan by its filing number (or, without one, by the current version's signing date).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from registry import audit, permissions
from registry.enterprises import service as enterprises
from registry.enterprises.schemas import EnterpriseIn, EnterprisePatch
from registry.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from registry.extensions import db
from registry.jurisdictions.service import list_counties
from registry.models import Plan
from registry.plans import service as plans
from registry.plans.schemas import CorrectionIn, PlanIn, RevisionIn
from registry.rules.hj941 import parse_notation
from registry.validation import validate
from registry.workflows import cells
from registry.workflows.columns import BY_KEY, DOCUMENT_NAMES, EXAMPLE_MARK, FIELD_COLUMN, header_map
from registry.workflows.permissions import require_import
from registry.workflows.source import Register

PREVIEW_ROWS = 50


@dataclass
class RowError:
    row: int
    column: str   # Chinese header; "" for the row as a whole
    value: str
    message: str
    index: int = -1  # 0-based column in the uploaded file; -1 for the row as a whole


@dataclass
class ImportResult:
    rows: int = 0
    counts: dict = field(default_factory=lambda: dict.fromkeys(
        ("enterprise_created", "enterprise_updated", "enterprise_unchanged", "plan_filed",
         "plan_revised", "plan_corrected", "plan_unchanged"), 0))
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ImportResult":
        errors = [RowError(**e) for e in data.pop("errors", [])]
        return cls(errors=errors, **data)


class _RowFailed(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors  # (field, message)


def _missing_columns(found) -> list[str]:
    present = {c.key for c in found.values()}
    return [c.header for c in BY_KEY.values() if c.required and c.key not in present]


def _read_cells(row: list, columns, county) -> tuple[dict, dict]:
    """Schema input for the enterprise and for the plan."""
    enterprise, plan, errors = {}, {}, []
    for index, column in columns.items():
        value = row[index] if index < len(row) else None
        try:
            if column.key == "county_code":
                read = county(value)
            elif column.key == "risk_level":
                plan.update(cells.read_risk(value))
                continue
            elif column.key == "documents":
                read = cells.read_documents(value, DOCUMENT_NAMES)
            else:
                read = (column.read or cells.text)(value)
        except cells.CellError as exc:
            errors.append((column.key, exc.message))
            continue
        (enterprise if column.part == "enterprise" else plan)[column.key] = read
    if errors:
        raise _RowFailed(errors)
    return enterprise, plan


def _enterprise_step(actor, data: dict, counts: dict):
    body = validate(EnterpriseIn, data)
    existing = enterprises.find_by_credit_code(actor, body.credit_code)
    if existing is None:
        counts["enterprise_created"] += 1
        return enterprises.create_enterprise(actor, body, commit=False), "created"
    patch = EnterprisePatch(**{k: v for k, v in body.model_dump().items() if k in data})
    before = audit.snapshot(existing, enterprises.AUDITED)
    enterprise = enterprises.update_enterprise(actor, existing.id, patch, commit=False)
    changed = audit.snapshot(enterprise, enterprises.AUDITED) != before
    counts["enterprise_updated" if changed else "enterprise_unchanged"] += 1
    return enterprise, "updated" if changed else "unchanged"


def _level_of(body) -> str:
    return body.risk_level or parse_notation(body.risk_notation).level


def _correct(actor, plan, body, data: dict, counts: dict) -> str:
    """Same version again: a major change is refused, a minor one is a correction."""
    level = _level_of(body)
    if body.signed_on != plan.signed_on or level != plan.risk_level:
        raise _RowFailed([("signed_on" if body.signed_on != plan.signed_on else "risk_level", _(
            "Filing %(number)s was signed on %(date)s at level %(level)s; changing the signing "
            "date or the risk level is a major revision: give the new version its own row.",
            number=plan.filing_number, date=plan.signed_on.isoformat(),
            level=plan.risk_level))])
    changes = {}
    if body.title != plan.title:
        changes["title"] = body.title
    if body.filed_on and body.filed_on != plan.filed_on:
        changes["filed_on"] = body.filed_on
    if "documents" in data and set(body.documents) != {d.kind for d in plan.documents}:
        changes["documents"] = body.documents
    if not changes:
        counts["plan_unchanged"] += 1
        return "unchanged"
    plans.correct_plan(actor, plan.id, CorrectionIn(**changes), commit=False)
    counts["plan_corrected"] += 1
    return "corrected"


def _plan_step(actor, enterprise, data: dict, counts: dict) -> str:
    body = validate(PlanIn, {**data, "enterprise_id": enterprise.id})
    current = db.session.scalar(sa.select(Plan).where(Plan.enterprise_id == enterprise.id,
                                                      Plan.is_current))
    if body.filing_number:
        existing = plans.find_by_filing_number(actor, body.filing_number)
        if existing is not None:
            if existing.enterprise_id != enterprise.id:
                raise _RowFailed([("filing_number", _(
                    "Filing number %(number)s belongs to another enterprise (%(name)s).",
                    number=body.filing_number, name=existing.enterprise.name))])
            return _correct(actor, existing, body, data, counts)
    elif current is not None and current.signed_on == body.signed_on:
        return _correct(actor, current, body, data, counts)
    if current is None:
        plans.file_plan(actor, body, commit=False)
        counts["plan_filed"] += 1
        return "filed"
    if body.signed_on <= current.signed_on:
        raise _RowFailed([("signed_on", _(
            "The current plan (%(number)s) was signed on %(date)s; an older version cannot be "
            "imported after it.", number=current.filing_number, date=current.signed_on.isoformat()))])
    revision = validate(RevisionIn, {k: v for k, v in data.items() if k != "enterprise_id"})
    plans.revise_plan(actor, current.id, revision, commit=False)
    counts["plan_revised"] += 1
    return "revised"


def _import_row(actor, row: list, columns, county, counts: dict) -> dict:
    enterprise_data, plan_data = _read_cells(row, columns, county)
    try:
        enterprise, e_action = _enterprise_step(actor, enterprise_data, counts)
    except Conflict as exc:
        raise _RowFailed([("credit_code", exc.message)]) from None
    except PermissionDenied as exc:
        raise _RowFailed([("county_code", exc.message)]) from None
    p_action = None
    if any(v not in (None, "", []) for v in plan_data.values()):
        try:
            p_action = _plan_step(actor, enterprise, plan_data, counts)
        except (Conflict, NotFound) as exc:
            raise _RowFailed([("filing_number", exc.message)]) from None
    return {"name": enterprise.name, "credit_code": enterprise.credit_code,
            "enterprise": e_action, "plan": p_action}


def _errors_for(number: int, exc, row: list, columns) -> list[RowError]:
    if isinstance(exc, ValidationFailed):
        pairs = [(f.split(".")[0], m) for f, msgs in exc.fields.items() for m in msgs]
    elif isinstance(exc, _RowFailed):
        pairs = exc.errors
    elif isinstance(exc, IntegrityError):
        pairs = [("", _("Another change to these records was saved at the same time."))]
    else:
        pairs = [("", exc.message or exc.code)]
    index_of = {c.key: i for i, c in columns.items()}
    errors = []
    for field_name, message in pairs:
        key = FIELD_COLUMN.get(field_name)
        index = index_of.get(key, -1)
        value = row[index] if 0 <= index < len(row) else None
        errors.append(RowError(number, BY_KEY[key].header if key in BY_KEY else "",
                               "" if value is None else str(value), str(message), index))
    return errors


def run_import(actor, register: Register, *, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import ``register`` (from ``source.read_register``) as ``actor``, all or nothing.

    Commits only when every row passed and ``dry_run`` is false; otherwise rolls back.
    ``progress(n)`` is called after each row. Returns an ImportResult with counts, a
    preview of the first rows and every error (row, column, value, rule broken).
    Raises PermissionDenied (viewers) and ValidationFailed (required columns missing).
    """
    require_import(actor)
    columns = header_map(register.headers)
    missing = _missing_columns(columns)
    if missing:
        raise ValidationFailed({"file": [_("Required columns missing: %(columns)s.",
                                           columns="、".join(missing))]})
    county = cells.CountyReader(list_counties(include_retired=True))
    result = ImportResult(dry_run=dry_run)
    name_index = next(i for i, c in columns.items() if c.key == "name")
    db.session.rollback()  # start from a clean unit of work
    for number, row in register.rows:
        if str(row[name_index] or "").strip().startswith(EXAMPLE_MARK):
            continue
        result.rows += 1
        try:
            with db.session.begin_nested():
                outcome = _import_row(actor, row, columns, county, result.counts)
            if len(result.preview) < PREVIEW_ROWS:
                result.preview.append({"row": number, **outcome})
        except (DomainError, _RowFailed, IntegrityError) as exc:
            result.errors.extend(_errors_for(number, exc, row, columns))
        if progress:
            progress(1)
    if result.errors or dry_run:
        db.session.rollback()
    else:
        audit.record(actor, "import.run", "import", 0, None,
                     {"rows": result.rows, **{k: v for k, v in result.counts.items() if v}})
        db.session.commit()
        result.committed = True
    return result
