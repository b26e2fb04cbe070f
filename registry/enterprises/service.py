"""Enterprises: register, change, list and read — within the caller's jurisdiction."""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
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


def _current_plan_join(stmt):
    """``stmt`` (selecting from enterprises) with each enterprise's current plan, if any."""
    return stmt.outerjoin(Plan, sa.and_(Plan.enterprise_id == Enterprise.id, Plan.is_current))


def _where(stmt, actor, query: EnterpriseQuery, today=None):
    """``stmt`` (enterprises outer-joined to their current plan) restricted to the
    caller's jurisdiction and to ``query``'s filters."""
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


def filtered(actor, query: EnterpriseQuery, today=None):
    """(enterprise, current plan or None, status) matching ``query`` in the caller's
    jurisdiction, as ORM objects (exports, the map)."""
    status = status_expression(today).label("status")
    return _where(_current_plan_join(sa.select(Enterprise, Plan, status)), actor, query, today)


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
    stmt = filtered(actor, query, today).order_by(*LIST_ORDER)
    return [(e, p, s if p is not None else "none")
            for e, p, s in db.session.execute(stmt).all()]


LIST_ORDER = (Enterprise.county_code, Enterprise.name, Enterprise.id)

# What a list row shows: the enterprise (as ``to_dict``), its county's name and its
# current plan's number, level, review date and status.
_LIST_COLUMNS = (
    Enterprise.id, Enterprise.name, Enterprise.credit_code, Enterprise.county_code,
    Enterprise.address, Enterprise.longitude, Enterprise.latitude, Enterprise.industry,
    Enterprise.contact_name, Enterprise.contact_phone, Enterprise.contact_email,
    Enterprise.cross_region, Enterprise.is_demo, County.name.label("county_name"),
    Plan.id.label("plan_id"), Plan.filing_number, Plan.risk_level, Plan.review_due_on)


def list_enterprises(actor, query: EnterpriseQuery, today=None):
    """A page of list rows (plain rows with the ``_LIST_COLUMNS`` and ``status``: the
    plan's status, "none" without a current plan) and the total count.

    One query: the count comes with the page (``count(*) OVER ()``) and no ORM object is
    built — the list is the busiest page (docs/performance.md, bench/load.py). Only a page
    past the end, which has no row to carry the count, costs a second query."""
    status = sa.case((Plan.id.is_(None), "none"), else_=status_expression(today)).label("status")
    stmt = _current_plan_join(
        sa.select(*_LIST_COLUMNS, status, sa.func.count().over().label("total"))
        .select_from(Enterprise)
        .outerjoin(County, County.code == Enterprise.county_code))
    stmt = _where(stmt, actor, query, today)
    rows = db.session.execute(stmt.order_by(*LIST_ORDER).limit(query.per_page)
                              .offset((query.page - 1) * query.per_page)).all()
    if rows:
        return rows, rows[0].total
    if query.page == 1:
        return rows, 0
    counted = _where(_current_plan_join(sa.select(sa.func.count()).select_from(Enterprise)),
                     actor, query, today)
    return rows, db.session.scalar(counted)


def row_to_dict(row) -> dict:
    """A list row as ``to_dict`` gives its enterprise."""
    return {key: getattr(row, key) for key in _DICT_KEYS}


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


_DICT_KEYS = ("id", "name", "credit_code", "county_code", "county_name", "address", "longitude",
              "latitude", "industry", "contact_name", "contact_phone", "contact_email",
              "cross_region", "is_demo")
