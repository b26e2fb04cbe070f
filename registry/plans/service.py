"""Plans and their filing (备案): first filing, major revision, minor correction, lists, stats.

Rules (domain.md §2, §4): filing number per county and year, gapless; filing deadline
20 working days after signing; review due 3 years after signing; HJ 941 grading.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, permissions
from registry.unit_of_work import finish, marks_demo
from registry.paging import page_of
from registry.clock import today as local_today
from registry.enterprises.service import get_enterprise, streamed
from registry.errors import Conflict, NotFound
from registry.extensions import db
from registry.models import County, Enterprise, Plan, PlanChange, PlanDocument
from registry.plans import filing
from registry.plans.schemas import CorrectionIn, PlanFields, PlanIn, PlanQuery, RevisionIn
from registry.plans.status import overdue_expression, overdue_of, status_expression, status_of
from registry.rules import hj941
from registry.rules.plan_status import DOCUMENTS, missing_documents


def _number_taken(number: str) -> bool:
    return db.session.scalar(sa.select(Plan.id).where(Plan.filing_number == number)) is not None


def _assign_number(enterprise: Enterprise, level: str, filed_on: date, legacy: str | None) -> dict:
    if legacy:
        if _number_taken(legacy):
            raise filing.number_in_use(legacy)
        numbering, raise_counter = filing.legacy_numbering(
            legacy, level, lambda code: db.session.get(County, code) is not None)
        if raise_counter:
            filing.take_serials(numbering["filing_county_code"], numbering["filing_year"],
                                count=0, at_least=numbering["filing_serial"])
        return numbering
    serial = filing.take_serials(enterprise.county_code, filed_on.year)
    return filing.issued_numbering(enterprise.county_code, filed_on.year, serial, level,
                                   enterprise.cross_region)


def _new_version(actor, enterprise: Enterprise, data: PlanFields, version: int,
                 is_demo: bool) -> Plan:
    values = filing.version_fields(data)
    numbering = _assign_number(enterprise, values["risk_level"], values["filed_on"],
                               data.filing_number)
    plan = Plan(enterprise_id=enterprise.id, version=version, is_demo=is_demo,
                documents=[PlanDocument(kind=k) for k in filing.document_kinds(data.documents)],
                **values, **numbering)
    db.session.add(plan)
    db.session.flush()
    return plan


def file_plan(actor, data: PlanIn) -> Plan:
    """File the first (current) plan of an enterprise.

    Raises NotFound, PermissionDenied, ValidationFailed, Conflict (the enterprise already
    has a current plan — a new version goes through ``revise_plan``).
    """
    enterprise = get_enterprise(actor, data.enterprise_id)
    permissions.require_write_county(actor, enterprise.county_code)
    current = db.session.scalar(sa.select(Plan.id).where(Plan.enterprise_id == enterprise.id,
                                                         Plan.is_current))
    if current is not None:
        raise Conflict(_("This enterprise already has a current plan; file a revision instead."))
    last = db.session.scalar(sa.select(sa.func.max(Plan.version))
                             .where(Plan.enterprise_id == enterprise.id)) or 0
    plan = _new_version(actor, enterprise, data, last + 1, marks_demo())
    audit.record(actor, "plan.file", "plan", plan.id, None, filing.snapshot(plan))
    finish()
    return plan


def get_plan(actor, plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(_("No plan with id %(id)s.", id=plan_id))
    permissions.require_read_county(actor, plan.enterprise.county_code)
    return plan


def revise_plan(actor, plan_id: int, data: RevisionIn) -> Plan:
    """Major revision (变更备案): a new version with a new number and a new 3-year clock;
    the revised version becomes superseded. Only the current version can be revised."""
    old = get_plan(actor, plan_id)
    enterprise = old.enterprise
    permissions.require_write_county(actor, enterprise.county_code)
    filing.check_revision(old, data.signed_on)
    carried = filing.carried_documents(old, data.carried_over)
    before = filing.snapshot(old)
    resolves = filing.supersede(old)
    db.session.flush()  # the old version stops being current before the new one is
    plan = _new_version(actor, enterprise, data, old.version + 1, old.is_demo)
    filing.carry_over(plan, carried)
    plan.revised_because = data.reason
    old.superseded_by_id = plan.id
    audit.record(actor, "plan.supersede", "plan", old.id,
                 *audit.diff(before, filing.snapshot(old)))
    after = filing.revision_audit(filing.snapshot(plan), old.filing_number, data.reason, resolves)
    if carried:
        after["documents_carried_over"] = [d.kind for d in carried]
    audit.record(actor, "plan.revise", "plan", plan.id, None, after)
    finish()
    return plan


def correct_plan(actor, plan_id: int, data: CorrectionIn) -> Plan:
    """Minor correction (typo, contact, documents): same number, same clock."""
    plan = get_plan(actor, plan_id)
    permissions.require_write_county(actor, plan.enterprise.county_code)
    changes = data.model_dump(exclude_unset=True)
    before = filing.snapshot(plan)
    removed, added = filing.correct(plan, changes)
    for doc in removed:
        plan.documents.remove(doc)
    plan.documents.extend(PlanDocument(kind=k) for k in added)
    db.session.flush()
    old, new = audit.diff(before, filing.snapshot(plan))
    if changes.get("changed_on") or changes.get("notified_on"):
        change = record_change(plan, changes.get("changed_on"), changes.get("notified_on"),
                               changes.get("note"))
        new.update(changed_on=change.changed_on.isoformat(),
                   notify_by=change.notify_by.isoformat(), notified_late=change.notified_late)
    if new or changes.get("note"):
        if changes.get("note"):
            new["note"] = changes["note"]
        audit.record(actor, "plan.correct", "plan", plan.id, old, new)
    finish()
    return plan


def change_date_errors(plan: Plan, changed_on: date | None, today: date) -> dict:
    """``{"changed_on": [message]}`` when a minor change's date is missing, in the future
    or before the plan was signed; ``{}`` when it is fine."""
    if changed_on is None:
        return {"changed_on": [_("Give the date of the change.")]}
    if changed_on > today:
        return {"changed_on": [_("The date of the change cannot be in the future.")]}
    if changed_on < plan.signed_on:
        return {"changed_on": [_("The change cannot predate the plan's signing.")]}
    return {}


def change_notice_deadline(changed_on: date) -> tuple[date, bool]:
    """The 20th working day after a minor change (the notice's deadline) and whether the
    calendar for it is approximate."""
    from flask import current_app

    from registry.rules.workdays import filing_deadline

    return filing_deadline(changed_on, current_app.config["FILING_DEADLINE_WORKING_DAYS"])


def record_change(plan: Plan, changed_on: date | None, notified_on: date | None,
                  summary: str | None) -> PlanChange:
    """A minor change's notice (helper: flushes). The deadline is the 20th working day after
    ``changed_on``; ``notified_on`` (default today) after it is late, flagged not refused.
    Raises ValidationFailed naming ``changed_on``/``notified_on``."""
    from registry.errors import ValidationFailed

    today = local_today()
    notified_on = notified_on or today
    fields = change_date_errors(plan, changed_on, today)
    if notified_on > today:
        fields["notified_on"] = [_("The notification date cannot be in the future.")]
    elif changed_on is not None and "changed_on" not in fields and notified_on < changed_on:
        fields["notified_on"] = [_("The notification cannot predate the change.")]
    if fields:
        raise ValidationFailed(fields)
    notify_by, approximate = change_notice_deadline(changed_on)
    change = PlanChange(plan_id=plan.id, changed_on=changed_on, notify_by=notify_by,
                        notify_by_approximate=approximate, notified_on=notified_on,
                        notified_late=notified_on > notify_by, summary=summary)
    db.session.add(change)
    db.session.flush()
    return change


def plan_changes(actor, plan_id: int) -> list[dict]:
    """The minor changes recorded for a plan version, newest first."""
    plan = get_plan(actor, plan_id)
    rows = db.session.scalars(sa.select(PlanChange).where(PlanChange.plan_id == plan.id)
                              .order_by(PlanChange.changed_on.desc(), PlanChange.id.desc()))
    return [{"id": c.id, "changed_on": c.changed_on.isoformat(),
             "notify_by": c.notify_by.isoformat(), "notify_by_approximate": c.notify_by_approximate,
             "notified_on": c.notified_on.isoformat(), "notified_late": c.notified_late,
             "summary": c.summary} for c in rows]


def _plans_filtered(actor, query: PlanQuery, today=None):
    today = today or local_today()
    status = status_expression(today)
    stmt = sa.select(Plan, status.label("status")).join(Enterprise)
    stmt = permissions.scope(stmt, actor, Enterprise.county_code)
    if query.county_code:
        stmt = stmt.where(Enterprise.county_code == query.county_code)
    if query.risk_level:
        stmt = stmt.where(Plan.risk_level == query.risk_level)
    if query.enterprise_id:
        stmt = stmt.where(Plan.enterprise_id == query.enterprise_id)
    if query.status:
        stmt = stmt.where(status == query.status)
    if query.overdue is not None:
        overdue = overdue_expression(today)
        stmt = stmt.where(overdue if query.overdue else sa.not_(overdue))
    if query.current:
        stmt = stmt.where(Plan.is_current)
    if query.due_within_days:
        stmt = stmt.where(Plan.is_current, Plan.review_due_on >= today,
                          Plan.review_due_on <= today + timedelta(days=query.due_within_days))
    return stmt


# What a plan export row holds (registry/workflows/export_specs.py), plain: the plan, its
# enterprise's name, credit code and county name, and one has_<kind> flag per document.
_EXPORT_COLUMNS = (
    Plan.id, Plan.filing_number, Enterprise.name.label("enterprise_name"),
    Enterprise.credit_code, County.name.label("county_name"), Enterprise.address, Plan.version, Plan.title,
    Plan.signed_on, Plan.filed_on, Plan.filing_deadline, Plan.filed_late, Plan.risk_level,
    Plan.risk_notation, Plan.review_due_on, Plan.filing_number_irregular)


def all_plans(actor, query: PlanQuery, today=None):
    """Every plan matching ``query``, unpaginated (exports), newest first, as plain rows
    (``_EXPORT_COLUMNS``, ``status`` and ``has_<kind>`` for each filing document) read
    from a cursor 1,000 at a time, so an export of any size holds one batch: no ORM
    object, no document loaded (24,000 plans took 90 s as objects). Built now, run when
    first iterated (once), as ``enterprises.service.all_enterprises``."""
    stmt = _plans_filtered(actor, query, today)
    has = [sa.exists().where(PlanDocument.plan_id == Plan.id, PlanDocument.kind == kind)
           .label(f"has_{kind}") for kind in DOCUMENTS]
    stmt = (stmt.with_only_columns(*_EXPORT_COLUMNS, stmt.selected_columns.status, *has)
            .outerjoin(County, County.code == Enterprise.county_code)
            .order_by(Plan.filed_on.desc(), Plan.id.desc()))
    return streamed(stmt, 1000)


def list_plans(actor, query: PlanQuery, today=None):
    """A page of (plan, status) with the total, newest filings first."""
    stmt = _plans_filtered(actor, query, today)
    rows, total = page_of(stmt, (Plan.filed_on.desc(), Plan.id.desc()), query.page,
                          query.per_page, rows=True)
    return [(p, s) for p, s in rows], total


def plan_stats(actor, today=None) -> dict:
    """Current plans in the caller's jurisdiction by risk level, county and status."""
    status = status_expression(today).label("status")
    base = (sa.select(Plan.risk_level, Enterprise.county_code, status)
            .join(Enterprise).where(Plan.is_current))
    base = permissions.scope(base, actor, Enterprise.county_code)
    sub = base.subquery()
    by_level = {lvl: 0 for lvl in hj941.LEVELS}
    by_county: dict[str, int] = {}
    by_status = {s: 0 for s in ("filed", "due_soon", "overdue", "revision_required")}
    rows = db.session.execute(
        sa.select(sub.c.risk_level, sub.c.county_code, sub.c.status, sa.func.count())
        .group_by(sub.c.risk_level, sub.c.county_code, sub.c.status)).all()
    for level, county, st, n in rows:
        by_level[level] = by_level.get(level, 0) + n
        by_county[county] = by_county.get(county, 0) + n
        by_status[st] = by_status.get(st, 0) + n
    overdue = permissions.scope(
        sa.select(sa.func.count()).select_from(Plan).join(Enterprise).where(overdue_expression(today)),
        actor, Enterprise.county_code)
    return {"total": sum(by_level.values()), "by_risk_level": by_level,
            "by_county": dict(sorted(by_county.items())), "by_status": by_status,
            "overdue_total": db.session.scalar(overdue)}


def history(actor, enterprise_id: int) -> list[Plan]:
    enterprise = get_enterprise(actor, enterprise_id)
    return sorted(enterprise.plans, key=lambda p: p.version, reverse=True)


def inventory_levels(plans) -> dict[int, str]:
    """plan id -> the level computed from the risk inventory it is checked against (issue
    #20), for the plans that have one: a current version against the enterprise's inventory
    as it is now, a superseded one against the inventory as it stood when the version was
    superseded (``inventory_version_of``). A few queries for a whole list."""
    from registry.models import RiskInventory

    plans = list(plans)
    current = [p for p in plans if p.is_current]
    ids = sorted({p.enterprise_id for p in current})
    found = {}
    if ids:
        by_enterprise = dict(db.session.execute(
            sa.select(RiskInventory.enterprise_id, RiskInventory.level)
            .where(RiskInventory.enterprise_id.in_(ids))).all())
        found = {p.id: by_enterprise[p.enterprise_id] for p in current
                 if p.enterprise_id in by_enterprise}
    old = [p for p in plans if not p.is_current]
    found.update({p.id: v.level for p, v in _versions_of(old).items() if v is not None})
    return found


def _versions_of(plans: list[Plan]) -> dict:
    """plan -> (id, enterprise_id, saved_at, level) of the last inventory version saved
    before its successor was recorded (None: no inventory had been recorded by then), for
    superseded plans."""
    from registry.models import RiskInventoryVersion

    successors = {p.superseded_by_id for p in plans if p.superseded_by_id}
    if not plans:
        return {}
    replaced_at = dict(db.session.execute(sa.select(Plan.id, Plan.created_at)
                                          .where(Plan.id.in_(sorted(successors)))).all()) \
        if successors else {}
    history: dict[int, list] = {}
    v = RiskInventoryVersion
    for row in db.session.execute(  # plain columns: the JSON is read for one plan's page only
            sa.select(v.id, v.enterprise_id, v.saved_at, v.level)
            .where(v.enterprise_id.in_(sorted({p.enterprise_id for p in plans})))
            .order_by(v.saved_at, v.id)):
        history.setdefault(row.enterprise_id, []).append(row)
    found = {}
    for plan in plans:
        until = replaced_at.get(plan.superseded_by_id)
        before = [row for row in history.get(plan.enterprise_id, ())
                  if until is None or row.saved_at < until]
        found[plan] = before[-1] if before else None
    return found


def inventory_version_of(plan: Plan):
    """The risk inventory a plan version is checked against: for the current version the
    enterprise's inventory (``RiskInventory``), for a superseded one the version kept when
    it was superseded (``RiskInventoryVersion``); None without one. Both have ``level``,
    ``result`` (the computed figures) and the time saved (``updated_at`` / ``saved_at``)."""
    from registry.models import RiskInventoryVersion

    if plan.is_current:
        return risk_inventory_of(plan.enterprise_id)
    row = _versions_of([plan])[plan]
    return db.session.get(RiskInventoryVersion, row.id) if row is not None else None


def risk_inventory_of(enterprise_id: int):
    """The enterprise's risk inventory row (its computed level and figures), or None."""
    from registry.models import RiskInventory

    return db.session.scalar(sa.select(RiskInventory)
                             .where(RiskInventory.enterprise_id == enterprise_id))


def grading_check(plan: Plan, levels: dict[int, str] | None = None) -> str:
    """``agrees``/``mismatch``: the filed level against the level computed from the risk
    inventory of the version's time (``inventory_levels``); ``no_inventory`` without one.
    ``levels`` from ``inventory_levels`` (read here when not given)."""
    levels = inventory_levels([plan]) if levels is None else levels
    computed = levels.get(plan.id)
    if computed is None:
        return "no_inventory"
    return "agrees" if computed == plan.risk_level else "mismatch"


def to_dict(plan: Plan, today=None, levels: dict[int, str] | None = None) -> dict:
    present = [d.kind for d in plan.documents]
    missing = missing_documents(present)
    return {
        "id": plan.id, "enterprise_id": plan.enterprise_id,
        "enterprise_name": plan.enterprise.name, "version": plan.version, "title": plan.title,
        "signed_on": plan.signed_on.isoformat(), "filed_on": plan.filed_on.isoformat(),
        "filing_number": plan.filing_number, "filing_number_irregular": plan.filing_number_irregular,
        "risk_level": plan.risk_level, "risk_notation": plan.risk_notation,
        "risk_assessment": plan.risk_assessment,
        "filing_deadline": plan.filing_deadline.isoformat(),
        "deadline_approximate": plan.deadline_approximate, "filed_late": plan.filed_late,
        "review_due_on": plan.review_due_on.isoformat(), "status": status_of(plan, today),
        "is_current": plan.is_current, "revision_required": plan.revision_required,
        "overdue": overdue_of(plan, today),
        "revision_reason": plan.revision_reason, "reason": plan.revised_because,
        "superseded_by_id": plan.superseded_by_id,
        "documents": [k for k in DOCUMENTS if k in present],
        "complete": not missing, "missing_documents": missing,
        "documents_status": "complete" if not missing else "missing_documents", "is_demo": plan.is_demo,
        "grading_check": grading_check(plan, levels),
    }
