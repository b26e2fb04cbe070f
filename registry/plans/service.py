"""Plans and their filing (备案): first filing, major revision, minor correction, lists, stats.

Rules (domain.md §2, §4): filing number per county and year, gapless; filing deadline
20 working days after signing; review due 3 years after signing; HJ 941 grading.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from registry import audit, permissions
from registry.clock import today as local_today
from registry.enterprises.service import get_enterprise
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.extensions import db
from registry.models import County, Enterprise, FilingSerial, Plan, PlanDocument
from registry.plans.schemas import CorrectionIn, PlanIn, PlanQuery, RevisionIn, _PlanFields
from registry.plans.status import status_expression, status_of
from registry.rules import RuleViolation, hj941
from registry.rules.filing_number import format_filing_number, parse_filing_number
from registry.rules.plan_status import DOCUMENTS, missing_documents, review_due_on
from registry.rules.workdays import filing_deadline
from registry.validation import rule_message

AUDITED = ("title", "signed_on", "filed_on", "filing_number", "risk_level", "risk_notation",
           "filing_deadline", "filed_late", "review_due_on", "is_current", "revision_required",
           "documents_present")


def _snapshot(plan: Plan) -> dict:
    snap = audit.snapshot(plan, AUDITED[:-1])
    snap["documents_present"] = sorted(d.kind for d in plan.documents)
    return snap


def _grade(data: _PlanFields) -> tuple[str, str | None, dict | None]:
    """The level, its notation and the stored breakdown; a disagreeing level is an error.
    A legacy notation without the breakdown (old filings) gives the level and is kept."""
    if data.risk_assessment is None:
        if data.risk_notation is None:
            return data.risk_level, None, None
        parsed = hj941.parse_notation(data.risk_notation)  # the schema has read it once
        if data.risk_level is not None and data.risk_level != parsed.level:
            raise ValidationFailed({"risk_level": [rule_message(RuleViolation(
                "hj941.level_mismatch", "level disagrees with the notation",
                given=data.risk_level, computed=parsed.level))]})
        return parsed.level, hj941.format_notation(parsed), None
    ra = data.risk_assessment
    try:
        assessment = hj941.grade(ra.air.model_dump(), ra.water.model_dump(), penalised=ra.penalised)
        if data.risk_level is not None:
            hj941.check_level_agrees(data.risk_level, assessment)
    except RuleViolation as exc:
        field = "risk_level" if exc.rule == "hj941.level_mismatch" else "risk_assessment"
        raise ValidationFailed({field: [rule_message(exc)]}) from None
    notation = hj941.format_notation(assessment)
    if data.risk_notation is not None and data.risk_notation != notation:
        raise ValidationFailed({"risk_notation": [_(
            "The risk notation %(given)s disagrees with the HJ 941-2018 breakdown (%(computed)s).",
            given=data.risk_notation, computed=notation)]})
    return assessment.level, notation, ra.model_dump()


def _check_dates(signed_on: date, filed_on: date) -> None:
    today = local_today()
    fields = {}
    if signed_on > today:
        fields["signed_on"] = [_("The signing date cannot be in the future.")]
    if filed_on > today:
        fields["filed_on"] = [_("The filing date cannot be in the future.")]
    if filed_on < signed_on:
        fields["filed_on"] = [_("The filing date cannot be before the signing date.")]
    if fields:
        raise ValidationFailed(fields)


def _upsert_serial(county_code: str, year: int, at_least: int | None = None) -> int:
    """Take the next serial for (county, year) — or raise the counter to ``at_least`` — in
    one atomic statement. The row stays locked until commit, so concurrent filings queue
    and a rolled-back filing gives its serial back: serials are unique and gapless."""
    table = FilingSerial.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    if at_least is None:
        stmt = insert(table).values(county_code=county_code, year=year, last_serial=1)
        update = {"last_serial": table.c.last_serial + 1}
    else:
        stmt = insert(table).values(county_code=county_code, year=year, last_serial=at_least)
        update = {"last_serial": sa.case((table.c.last_serial < at_least, at_least),
                                         else_=table.c.last_serial)}
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.county_code, table.c.year],
                                      set_=update).returning(table.c.last_serial)
    return db.session.execute(stmt).scalar_one()


def _number_taken(number: str) -> bool:
    return db.session.scalar(sa.select(Plan.id).where(Plan.filing_number == number)) is not None


def _assign_number(enterprise: Enterprise, level: str, filed_on: date, legacy: str | None) -> dict:
    pattern = current_app.config["FILING_NUMBER_PATTERN"]
    if legacy:
        if _number_taken(legacy):
            raise Conflict(_("Filing number %(number)s is already in use.", number=legacy))
        try:
            parsed = parse_filing_number(legacy, pattern)
        except RuleViolation:
            # Accepted as typed, flagged for the officer to check.
            return dict(filing_number=legacy, filing_number_irregular=True)
        known_county = db.session.get(County, parsed.county_code) is not None
        if known_county:
            _upsert_serial(parsed.county_code, parsed.year, at_least=parsed.serial)
        # Irregular (accepted, flagged for the officer): an unknown county code or a
        # letter that disagrees with the risk level.
        return dict(filing_number=legacy, filing_county_code=parsed.county_code,
                    filing_year=parsed.year, filing_serial=parsed.serial,
                    filing_number_irregular=not known_county or parsed.risk_level != level)
    serial = _upsert_serial(enterprise.county_code, filed_on.year)
    number = format_filing_number(enterprise.county_code, filed_on.year, serial, level,
                                  enterprise.cross_region, pattern)
    return dict(filing_number=number, filing_county_code=enterprise.county_code,
                filing_year=filed_on.year, filing_serial=serial)


def _new_version(actor, enterprise: Enterprise, data: _PlanFields, version: int,
                 is_demo: bool) -> Plan:
    filed_on = data.filed_on or local_today()
    _check_dates(data.signed_on, filed_on)
    level, notation, breakdown = _grade(data)
    deadline, approximate = filing_deadline(data.signed_on,
                                            current_app.config["FILING_DEADLINE_WORKING_DAYS"])
    numbering = _assign_number(enterprise, level, filed_on, data.filing_number)
    plan = Plan(
        enterprise_id=enterprise.id, version=version, title=data.title,
        signed_on=data.signed_on, filed_on=filed_on, risk_level=level, risk_notation=notation,
        risk_assessment=breakdown, filing_deadline=deadline, deadline_approximate=approximate,
        filed_late=filed_on > deadline, is_demo=is_demo,
        review_due_on=review_due_on(data.signed_on, current_app.config["REVIEW_INTERVAL_YEARS"]),
        documents=[PlanDocument(kind=k) for k in DOCUMENTS if k in set(data.documents)],
        **numbering,
    )
    db.session.add(plan)
    db.session.flush()
    return plan


def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Another change to this record was saved at the same time; "
                         "reload and try again.")) from None


def file_plan(actor, data: PlanIn, *, is_demo: bool = False, commit: bool = True) -> Plan:
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
    plan = _new_version(actor, enterprise, data, last + 1, is_demo)
    audit.record(actor, "plan.file", "plan", plan.id, None, _snapshot(plan))
    if commit:
        _commit_or_conflict()
    return plan


def get_plan(actor, plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(_("No plan with id %(id)s.", id=plan_id))
    permissions.require_read_county(actor, plan.enterprise.county_code)
    return plan


def revise_plan(actor, plan_id: int, data: RevisionIn, *, commit: bool = True) -> Plan:
    """Major revision (变更备案): a new version with a new number and a new 3-year clock;
    the revised version becomes superseded. Only the current version can be revised."""
    old = get_plan(actor, plan_id)
    enterprise = old.enterprise
    permissions.require_write_county(actor, enterprise.county_code)
    if not old.is_current:
        raise Conflict(_("Only the current version of a plan can be revised."))
    if data.signed_on <= old.signed_on:
        raise ValidationFailed({"signed_on": [
            _("A revision must be signed after the version it replaces (%(date)s).",
              date=old.signed_on.isoformat())]})
    before = _snapshot(old)
    resolves = old.revision_reason if old.revision_required else None
    old.is_current = False
    # The new version answers a drill's "plan needs revision" (trigger 5, domain.md §2).
    old.revision_required = False
    old.superseded_on = local_today()
    db.session.flush()
    plan = _new_version(actor, enterprise, data, old.version + 1, old.is_demo)
    old.superseded_by_id = plan.id
    audit.record(actor, "plan.supersede", "plan", old.id, *audit.diff(before, _snapshot(old)))
    after = _snapshot(plan)
    after["revises"] = old.filing_number
    if data.reason:
        after["reason"] = data.reason
    if resolves:
        after["resolves"] = resolves
    audit.record(actor, "plan.revise", "plan", plan.id, None, after)
    if commit:
        _commit_or_conflict()
    return plan


def correct_plan(actor, plan_id: int, data: CorrectionIn, *, commit: bool = True) -> Plan:
    """Minor correction (typo, contact, documents): same number, same clock.
    ``commit=False`` leaves it flushed in the caller's transaction (imports)."""
    plan = get_plan(actor, plan_id)
    permissions.require_write_county(actor, plan.enterprise.county_code)
    if not plan.is_current:
        raise Conflict(_("A superseded version cannot be corrected."))
    changes = data.model_dump(exclude_unset=True)
    before = _snapshot(plan)
    if changes.get("title"):
        plan.title = changes["title"]
    if changes.get("filed_on"):
        _check_dates(plan.signed_on, changes["filed_on"])
        plan.filed_on = changes["filed_on"]
        plan.filed_late = plan.filed_on > plan.filing_deadline
    if changes.get("documents") is not None:
        wanted = set(changes["documents"])
        for doc in list(plan.documents):
            if doc.kind not in wanted and doc.stored_name is None:
                plan.documents.remove(doc)
        have = {d.kind for d in plan.documents}
        plan.documents.extend(PlanDocument(kind=k) for k in DOCUMENTS if k in wanted - have)
    db.session.flush()
    old, new = audit.diff(before, _snapshot(plan))
    if new or changes.get("note"):
        if changes.get("note"):
            new["note"] = changes["note"]
        audit.record(actor, "plan.correct", "plan", plan.id, old, new)
    if commit:
        _commit_or_conflict()
    return plan


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
    if query.current:
        stmt = stmt.where(Plan.is_current)
    if query.due_within_days:
        stmt = stmt.where(Plan.is_current, Plan.review_due_on >= today,
                          Plan.review_due_on <= today + timedelta(days=query.due_within_days))
    return stmt


def all_plans(actor, query: PlanQuery, today=None):
    """Every (plan, status) matching ``query``, unpaginated (exports), newest first."""
    stmt = _plans_filtered(actor, query, today).order_by(Plan.filed_on.desc(), Plan.id.desc())
    return [(p, s) for p, s in db.session.execute(stmt).all()]


def find_by_filing_number(actor, number: str) -> Plan | None:
    """The plan version holding ``number`` (None if none); PermissionDenied outside
    the caller's jurisdiction."""
    plan = db.session.scalar(sa.select(Plan).where(Plan.filing_number == number))
    if plan is not None:
        permissions.require_read_county(actor, plan.enterprise.county_code)
    return plan


def list_plans(actor, query: PlanQuery, today=None):
    """A page of (plan, status) with the total, newest filings first."""
    stmt = _plans_filtered(actor, query, today)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(stmt.order_by(Plan.filed_on.desc(), Plan.id.desc())
                              .limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
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
    return {"total": sum(by_level.values()), "by_risk_level": by_level,
            "by_county": dict(sorted(by_county.items())), "by_status": by_status}


def history(actor, enterprise_id: int) -> list[Plan]:
    enterprise = get_enterprise(actor, enterprise_id)
    return sorted(enterprise.plans, key=lambda p: p.version, reverse=True)


def to_dict(plan: Plan, today=None) -> dict:
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
        "revision_reason": plan.revision_reason,
        "superseded_by_id": plan.superseded_by_id,
        "documents": [k for k in DOCUMENTS if k in present],
        "complete": not missing, "missing_documents": missing,
        "documents_status": "complete" if not missing else "missing_documents", "is_demo": plan.is_demo,
    }
