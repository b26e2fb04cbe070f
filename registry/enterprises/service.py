"""Enterprises: register, change, list and read — within the caller's jurisdiction."""
from __future__ import annotations

import functools
import operator
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, permissions
from registry.unit_of_work import finish, marks_demo
from registry.enterprises.schemas import EnterpriseIn, EnterprisePatch, EnterpriseQuery
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.extensions import db
from registry.models import County, Enterprise, Plan, RiskInventory, RiskInventoryItem
from registry.clock import today as local_today
from registry.plans.status import due_soon_until, status_case

AUDITED = ("name", "credit_code", "county_code", "address", "longitude", "latitude", "industry",
           "contact_name", "contact_phone", "contact_email", "cross_region",
           "discharge_longitude", "discharge_latitude", "receiving_water")
REQUIRED = ("name", "credit_code", "county_code", "address", "cross_region")


def _county(code: str) -> County | None:
    return db.session.get(County, code)


def usable_county(code: str) -> County:
    """The county ``code`` names, if it exists and is not retired (``check_county``)."""
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
    check_county(data.county_code, county_of(data.county_code))  # 422 for an unknown code, not 403
    permissions.require_write_county(actor, data.county_code)


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
        check_county(changes["county_code"], county_of(changes["county_code"]))
        permissions.require_write_county(actor, changes["county_code"])


def check_location(longitude, latitude) -> None:
    """The location has both coordinates or neither (then it is 待定位, off the map until
    placed on 位置核查). Raises ValidationFailed naming the missing one."""
    if (longitude is None) != (latitude is None):
        field = "latitude" if latitude is None else "longitude"
        raise ValidationFailed({field: [_("Give both coordinates, or neither (the enterprise "
                                          "is then listed on 位置核查 to be placed).")]})


def warnings(enterprise: Enterprise) -> list[dict]:
    """What is saved but looks wrong, as ``{field, rule, message}`` (never a refusal):
    positions 3–8 of the credit code no known GB/T 2260 division (the table changes every
    year), a point outside the county given. The API answers and the web form say these."""
    from registry.map.service import location_warning  # the map reads enterprises, not back
    from registry.rules.credit_code import division_warning
    from registry.validation import rule_message

    found = []
    if (violation := division_warning(enterprise.credit_code)) is not None:
        found.append({"field": "credit_code", "rule": violation.rule,
                      "message": rule_message(violation)})
    outside = location_warning(enterprise.county_code, enterprise.longitude, enterprise.latitude)
    if outside is not None:
        found.append({"field": "longitude", "rule": "location.outside_county", "message": outside})
    return found


def check_discharge(longitude, latitude) -> None:
    """The discharge point (排放口) has both coordinates or neither. Raises ValidationFailed."""
    if (longitude is None) != (latitude is None):
        field = "discharge_latitude" if latitude is None else "discharge_longitude"
        raise ValidationFailed({field: [_("Give both coordinates of the discharge point, "
                                          "or neither.")]})


def create_enterprise(actor, data: EnterpriseIn) -> Enterprise:
    """Register an enterprise. Raises PermissionDenied, ValidationFailed, Conflict."""
    check_new(actor, data, _county)
    check_location(data.longitude, data.latitude)
    check_discharge(data.discharge_longitude, data.discharge_latitude)
    _check_unique_credit_code(data.credit_code)
    enterprise = Enterprise(**data.model_dump(), is_demo=marks_demo())
    db.session.add(enterprise)
    db.session.flush()
    audit.record(actor, "enterprise.create", "enterprise", enterprise.id, None,
                 audit.snapshot(enterprise, AUDITED))
    finish()
    return enterprise


def get_enterprise(actor, enterprise_id: int) -> Enterprise:
    """One enterprise the caller may read. Raises NotFound, PermissionDenied."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)s.", id=enterprise_id))
    permissions.require_read_county(actor, enterprise.county_code)
    return enterprise


def update_enterprise(actor, enterprise_id: int, data: EnterprisePatch) -> Enterprise:
    """Change the given fields. Moving to another county needs write access to both."""
    enterprise = get_enterprise(actor, enterprise_id)
    changes = data.model_dump(exclude_unset=True)
    check_changes(actor, enterprise, changes, _county)
    if "credit_code" in changes:
        _check_unique_credit_code(changes["credit_code"], enterprise.id)
    before = audit.snapshot(enterprise, AUDITED)
    for key, value in changes.items():
        setattr(enterprise, key, value)
    check_location(enterprise.longitude, enterprise.latitude)
    check_discharge(enterprise.discharge_longitude, enterprise.discharge_latitude)
    old, new = audit.diff(before, audit.snapshot(enterprise, AUDITED))
    if new:
        audit.record(actor, "enterprise.update", "enterprise", enterprise.id, old, new)
    finish()
    return enterprise


def _current_plan_join(stmt):
    """``stmt`` (selecting from enterprises) with each enterprise's current plan, if any."""
    return stmt.outerjoin(Plan, sa.and_(Plan.enterprise_id == Enterprise.id, Plan.is_current))


# The list filters, as a statement *shape* (which filters apply) and the values to bind.
# A shape's statements are built once (``_list_statement``) and run with new values: the
# list is the busiest page, and building and cache-keying a SQLAlchemy statement costs
# more CPU than running it (docs/performance.md).
Shape = tuple[bool, bool, bool, str | None, bool, bool]


def _shape(actor, query: EnterpriseQuery) -> Shape:
    """(scoped to counties, county filter, risk filter, status filter: None, "none" or
    "status", name/credit-code search, substance held)."""
    status = None if not query.status else ("none" if query.status == "none" else "status")
    return (permissions.visible_county_codes(actor) is not None, bool(query.county_code),
            bool(query.risk_level), status, bool(query.q), query.substance_id is not None)


def _values(actor, query: EnterpriseQuery, today=None) -> dict:
    """The values ``_where``'s bound parameters take for ``query`` (a parameter without
    a value fails loudly rather than matching anything)."""
    today = today or local_today()
    values = {"today": today, "due_soon_until": due_soon_until(today)}
    codes = permissions.visible_county_codes(actor)
    if codes is not None:
        values["visible_counties"] = sorted(codes)
    if query.county_code:
        values["county_code"] = query.county_code
    if query.risk_level:
        values["risk_level"] = query.risk_level
    if query.status and query.status != "none":
        values["status"] = query.status
    if query.substance_id is not None:
        values["substance_id"] = query.substance_id
    if query.q:
        term = query.q.strip()
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["name_like"] = f"%{escaped}%"
        values["credit_code"] = term.upper()
    return values


def _where(stmt, shape: Shape):
    """``stmt`` (enterprises outer-joined to their current plan) restricted by ``shape``'s
    filters, each a bound parameter named as in ``_values``. The caller's jurisdiction
    is ``permissions.visible_county_codes`` (None: every county)."""
    scoped, county, risk, status, search, substance = shape
    if scoped:
        stmt = stmt.where(Enterprise.county_code.in_(
            sa.bindparam("visible_counties", expanding=True, type_=sa.String)))
    if county:
        stmt = stmt.where(Enterprise.county_code == sa.bindparam("county_code", type_=sa.String))
    if risk:
        stmt = stmt.where(Plan.risk_level == sa.bindparam("risk_level", type_=sa.String))
    if status == "none":
        stmt = stmt.where(Plan.id.is_(None))
    elif status:
        stmt = stmt.where(Plan.id.is_not(None),
                          _status_case() == sa.bindparam("status", type_=sa.String))
    if search:
        stmt = stmt.where(sa.or_(
            Enterprise.name.like(sa.bindparam("name_like", type_=sa.String), escape="\\"),
            Enterprise.credit_code == sa.bindparam("credit_code", type_=sa.String)))
    if substance:
        stmt = stmt.where(sa.exists().where(
            RiskInventory.enterprise_id == Enterprise.id,
            RiskInventoryItem.inventory_id == RiskInventory.id,
            RiskInventoryItem.substance_id == sa.bindparam("substance_id", type_=sa.Integer)))
    return stmt


def _status_case():
    return status_case(sa.bindparam("today", type_=sa.Date),
                       sa.bindparam("due_soon_until", type_=sa.Date))


def filtered(actor, query: EnterpriseQuery, today=None):
    """(enterprise, current plan or None, status) matching ``query`` in the caller's
    jurisdiction, as ORM objects (exports, the map)."""
    stmt = sa.select(Enterprise, Plan, _status_case().label("status"))
    return (_where(_current_plan_join(stmt), _shape(actor, query))
            .params(_values(actor, query, today)))


def filtered_columns(actor, query: EnterpriseQuery, columns, today=None):
    """``filtered`` as plain rows of ``columns`` and ``status`` ("none" without a current
    plan) instead of ORM objects: what a page needs of thousands of enterprises, without
    loading their plans' documents or building an object per row (the map, the exports)."""
    status = sa.case((Plan.id.is_(None), "none"), else_=_status_case()).label("status")
    stmt = sa.select(*columns, status).select_from(Enterprise)
    return (_where(_current_plan_join(stmt), _shape(actor, query))
            .params(_values(actor, query, today)))


# What an export row holds (registry/workflows/export_specs.py): the enterprise, its
# county's name and its current plan's columns, plain.
_EXPORT_COLUMNS = (
    Enterprise.id, Enterprise.name, Enterprise.credit_code, Enterprise.county_code,
    Enterprise.address, Enterprise.longitude, Enterprise.latitude, Enterprise.industry,
    Enterprise.contact_name, Enterprise.contact_phone, Enterprise.contact_email,
    Enterprise.cross_region, County.name.label("county_name"), Plan.id.label("plan_id"),
    Plan.title, Plan.signed_on, Plan.filed_on, Plan.filing_number, Plan.risk_level,
    Plan.risk_notation, Plan.review_due_on)
EXPORT_BATCH_ROWS = 1000


def all_enterprises(actor, query: EnterpriseQuery, today=None):
    """Every enterprise matching ``query`` with its current plan's columns, unpaginated
    (exports), in the list's order: plain rows (``_EXPORT_COLUMNS`` and ``status``,
    "none" without a current plan) read from a cursor ``EXPORT_BATCH_ROWS`` at a time, so
    an export of any size holds one batch. The statement (the caller's jurisdiction
    included) is built now; it runs when the rows are first asked for (an iterator:
    iterate it once), which may be in a later transaction (a streamed response)."""
    stmt = filtered_columns(actor, query, _EXPORT_COLUMNS, today)
    stmt = stmt.outerjoin(County, County.code == Enterprise.county_code).order_by(*LIST_ORDER)
    return streamed(stmt, EXPORT_BATCH_ROWS)


def streamed(stmt, batch_rows: int):
    """The rows of ``stmt``, executed when first asked for and read from a cursor
    ``batch_rows`` at a time (server-side on PostgreSQL)."""
    yield from db.session.execute(stmt.execution_options(yield_per=batch_rows))


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

    One query and no ORM object — the list is the busiest page (docs/performance.md,
    bench/load.py). The total is an uncorrelated scalar subquery, which the database
    evaluates once and which joins the plans only when a filter needs them; the page is
    read in ``LIST_ORDER`` off ``ix_enterprises_list_order`` and stops after ``per_page``
    rows. (A ``count(*) OVER ()`` would instead join and sort every enterprise in reach.)
    Only a page past the end, which has no row to carry the count, costs a second query."""
    shape = _shape(actor, query)
    values = _values(actor, query, today)
    rows = db.session.execute(_list_statement(shape), {
        **values, "limit": query.per_page, "offset": (query.page - 1) * query.per_page}).all()
    if rows:
        return rows, rows[0].total
    if query.page == 1:
        return rows, 0
    return rows, db.session.scalar(_count_statement(shape), values)


@functools.cache  # one per shape: 2 × 2 × 2 × 3 × 2 × 2
def _list_statement(shape: Shape):
    status = sa.case((Plan.id.is_(None), "none"), else_=_status_case()).label("status")
    total = (_count_statement(shape).correlate(None)  # same tables, not correlated
             .scalar_subquery().label("total"))
    stmt = _current_plan_join(
        sa.select(*_LIST_COLUMNS, status, total)
        .select_from(Enterprise)
        .outerjoin(County, County.code == Enterprise.county_code))
    # LIMIT and OFFSET are written into the SQL text (literal_execute): PostgreSQL plans a
    # prepared statement once only if its generic plan is not dearer than a custom one,
    # and with LIMIT a parameter it costs the generic plan for 10 % of the rows and plans
    # anew on every run (0.4 ms, three times the query itself).
    return (_where(stmt, shape).order_by(*LIST_ORDER)
            .limit(sa.bindparam("limit", type_=sa.Integer, literal_execute=True))
            .offset(sa.bindparam("offset", type_=sa.Integer, literal_execute=True)))


@functools.cache
def _count_statement(shape: Shape):
    """How many enterprises match. The current plan is joined only for a plan filter: it
    is at most one row per enterprise, so without one it cannot change the count."""
    stmt = sa.select(sa.func.count()).select_from(Enterprise)
    if shape[2] or shape[3]:
        stmt = _current_plan_join(stmt)
    return _where(stmt, shape)


def row_to_dict(row) -> dict:
    """A list row as ``to_dict`` gives its enterprise."""
    return dict(zip(_DICT_KEYS, _dict_values(row)))


def to_dict(enterprise: Enterprise) -> dict:
    return {
        "id": enterprise.id, "name": enterprise.name, "credit_code": enterprise.credit_code,
        "county_code": enterprise.county_code,
        "county_name": enterprise.county.name if enterprise.county else None,
        "address": enterprise.address, "longitude": enterprise.longitude,
        "latitude": enterprise.latitude, "industry": enterprise.industry,
        "contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone,
        "contact_email": enterprise.contact_email, "cross_region": enterprise.cross_region,
        "is_demo": enterprise.is_demo, "discharge_longitude": enterprise.discharge_longitude,
        "discharge_latitude": enterprise.discharge_latitude,
        "receiving_water": enterprise.receiving_water,
    }


_DICT_KEYS = ("id", "name", "credit_code", "county_code", "county_name", "address", "longitude",
              "latitude", "industry", "contact_name", "contact_phone", "contact_email",
              "cross_region", "is_demo")
_dict_values = operator.attrgetter(*_DICT_KEYS)
