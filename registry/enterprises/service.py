"""Enterprises: register, change, list and read — within the caller's jurisdiction."""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
from sqlalchemy import orm
from flask_babel import gettext as _

from registry import audit, permissions
from registry.enterprises.schemas import EnterpriseIn, EnterprisePatch, EnterpriseQuery
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.extensions import db
from registry.models import County, Enterprise, Plan
from registry.plans.status import status_expression

AUDITED = ("name", "credit_code", "county_code", "address", "longitude", "latitude", "industry",
           "contact_name", "contact_phone", "contact_email", "cross_region")
REQUIRED = ("name", "credit_code", "county_code", "address", "longitude", "latitude",
            "cross_region")


def _county(code: str) -> County | None:
    return db.session.get(County, code)


def _check_county(code: str) -> County:
    return check_county(code, _county(code))


def check_county(code: str, county: County | None) -> County:
    """``county`` (the row for ``code``, None if unknown) must exist and not be retired.
    Raises ValidationFailed ``county_code``."""
    if county is None:
        raise ValidationFailed({"county_code": [_("Unknown county code %(code)s.", code=code)]})
    if county.retired:
        raise ValidationFailed({"county_code": [
            _("County code %(code)s is retired; use %(successor)s.", code=code,
              successor=county.successor_code or "-")]})
    return county


def _check_unique_credit_code(code: str, own_id: int | None = None) -> None:
    query = sa.select(Enterprise.id).where(Enterprise.credit_code == code)
    found = db.session.scalar(query)
    if found is not None and found != own_id:
        raise Conflict(_("An enterprise with credit code %(code)s is already registered.", code=code))


def check_new(actor, data: EnterpriseIn, county_of: Callable[[str], County | None]) -> None:
    """``actor`` may register ``data`` in its county, which is known and current
    (``county_of(code)`` finds a county row). Raises PermissionDenied, ValidationFailed."""
    permissions.require_write_county(actor, data.county_code)
    check_county(data.county_code, county_of(data.county_code))


def check_changes(actor, enterprise, changes: dict,
                  county_of: Callable[[str], County | None]) -> None:
    """``actor`` may apply ``changes`` (field -> value) to ``enterprise`` (an ORM object or
    a record with its attributes): write access to its county and, when it moves, to the
    new one too; required fields stay filled. Raises PermissionDenied, ValidationFailed."""
    permissions.require_write_county(actor, enterprise.county_code)
    empty = {k: [_("This field is required.")] for k in REQUIRED
             if k in changes and changes[k] is None}
    if empty:
        raise ValidationFailed(empty)
    if "county_code" in changes and changes["county_code"] != enterprise.county_code:
        permissions.require_write_county(actor, changes["county_code"])
        check_county(changes["county_code"], county_of(changes["county_code"]))


def create_enterprise(actor, data: EnterpriseIn, *, is_demo: bool = False,
                      commit: bool = True) -> Enterprise:
    """Register an enterprise. Raises PermissionDenied, ValidationFailed, Conflict."""
    check_new(actor, data, _county)
    _check_unique_credit_code(data.credit_code)
    enterprise = Enterprise(**data.model_dump(), is_demo=is_demo)
    db.session.add(enterprise)
    db.session.flush()
    audit.record(actor, "enterprise.create", "enterprise", enterprise.id, None,
                 audit.snapshot(enterprise, AUDITED))
    if commit:
        db.session.commit()
    return enterprise


def get_enterprise(actor, enterprise_id: int) -> Enterprise:
    """One enterprise the caller may read. Raises NotFound, PermissionDenied."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)s.", id=enterprise_id))
    permissions.require_read_county(actor, enterprise.county_code)
    return enterprise


def update_enterprise(actor, enterprise_id: int, data: EnterprisePatch, *,
                      commit: bool = True) -> Enterprise:
    """Change the given fields. Moving to another county needs write access to both.
    ``commit=False`` leaves the change flushed in the caller's transaction."""
    enterprise = get_enterprise(actor, enterprise_id)
    changes = data.model_dump(exclude_unset=True)
    check_changes(actor, enterprise, changes, _county)
    if "credit_code" in changes:
        _check_unique_credit_code(changes["credit_code"], enterprise.id)
    before = audit.snapshot(enterprise, AUDITED)
    for key, value in changes.items():
        setattr(enterprise, key, value)
    old, new = audit.diff(before, audit.snapshot(enterprise, AUDITED))
    if new:
        audit.record(actor, "enterprise.update", "enterprise", enterprise.id, old, new)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return enterprise


def filtered(actor, query: EnterpriseQuery, today=None):
    status = status_expression(today).label("status")
    stmt = (sa.select(Enterprise, Plan, status)
            .outerjoin(Plan, sa.and_(Plan.enterprise_id == Enterprise.id, Plan.is_current)))
    stmt = permissions.scope(stmt, actor, Enterprise.county_code)
    if query.county_code:
        stmt = stmt.where(Enterprise.county_code == query.county_code)
    if query.risk_level:
        stmt = stmt.where(Plan.risk_level == query.risk_level)
    if query.status == "none":
        stmt = stmt.where(Plan.id.is_(None))
    elif query.status:
        stmt = stmt.where(Plan.id.is_not(None), status_expression(today) == query.status)
    if query.q:
        term = query.q.strip()
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        stmt = stmt.where(sa.or_(Enterprise.name.like(like, escape="\\"),
                                 Enterprise.credit_code == term.upper()))
    return stmt


def find_by_credit_code(actor, credit_code: str) -> Enterprise | None:
    """The enterprise registered under ``credit_code`` (None if none); PermissionDenied
    when it lies outside the caller's jurisdiction."""
    enterprise = db.session.scalar(sa.select(Enterprise).where(Enterprise.credit_code == credit_code))
    if enterprise is not None:
        permissions.require_read_county(actor, enterprise.county_code)
    return enterprise


def all_enterprises(actor, query: EnterpriseQuery, today=None):
    """Every (enterprise, current plan or None, status) matching ``query``, unpaginated
    (exports); same filter and order as ``list_enterprises``."""
    stmt = filtered(actor, query, today).order_by(Enterprise.county_code, Enterprise.name,
                                                   Enterprise.id)
    return [(e, p, s if p is not None else "none")
            for e, p, s in db.session.execute(stmt).all()]


# A list row shows the plan's number, level and review date: its documents and the
# enterprise joined back onto it (both eager by default) load only if something asks.
# Measured under load (docs/performance.md, bench/load.py).
_LIST_LOADING = (orm.lazyload(Plan.documents), orm.lazyload(Plan.enterprise))


def list_enterprises(actor, query: EnterpriseQuery, today=None):
    """A page of (enterprise, current plan or None, status) and the total count."""
    stmt = filtered(actor, query, today)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(
        stmt.options(*_LIST_LOADING)
        .order_by(Enterprise.county_code, Enterprise.name, Enterprise.id)
        .limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).all()
    return [(e, p, s if p is not None else "none") for e, p, s in rows], total


def to_dict(enterprise: Enterprise) -> dict:
    return {
        "id": enterprise.id, "name": enterprise.name, "credit_code": enterprise.credit_code,
        "county_code": enterprise.county_code,
        "county_name": enterprise.county.name if enterprise.county else None,
        "address": enterprise.address, "longitude": enterprise.longitude,
        "latitude": enterprise.latitude, "industry": enterprise.industry,
        "contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone,
        "contact_email": enterprise.contact_email, "cross_region": enterprise.cross_region,
        "is_demo": enterprise.is_demo,
    }
