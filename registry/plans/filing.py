"""The rules of a filing (备案) as plain functions, shared by the plans service (one filing
at a time) and the register import (a whole file at once).

A new version's computed fields (dates, HJ 941 grade, deadline, review clock), its filing
number (issued or legacy), the serial counter, a supersession and a minor correction.
They work on anything carrying the plan's attribute names — an ORM ``Plan`` or the
import's plain records — raise domain exceptions, and never commit.
"""
from __future__ import annotations

from datetime import date
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit
from registry.clock import today as local_today
from registry.errors import Conflict, ValidationFailed
from registry.extensions import db
from registry.models import FilingSerial, PlanDocument
from registry.plans.schemas import PlanFields
from registry.rules import RuleViolation, hj941
from registry.rules.filing_number import format_filing_number, parse_filing_number
from registry.rules.plan_status import DOCUMENTS, review_due_on
from registry.rules.workdays import filing_deadline
from registry.validation import rule_message

AUDITED = ("title", "signed_on", "filed_on", "filing_number", "risk_level", "risk_notation",
           "filing_deadline", "filed_late", "review_due_on", "is_current", "revision_required",
           "documents_present")


def snapshot(plan) -> dict:
    """The audited fields of ``plan``, with the kinds of the documents present."""
    snap = audit.snapshot(plan, AUDITED[:-1])
    snap["documents_present"] = sorted(d.kind for d in plan.documents)
    return snap


def grade(data: PlanFields) -> tuple[str, str | None, dict | None]:
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


def check_dates(signed_on: date, filed_on: date) -> None:
    """Neither date in the future, filed on or after signing. Raises ValidationFailed."""
    today = local_today()
    fields = {}
    if signed_on > today:
        fields["signed_on"] = [_("The signing date cannot be in the future.")]
    if filed_on > today:
        fields["filed_on"] = [_("The filing date cannot be in the future.")]
    if filed_on < signed_on and "signed_on" not in fields:  # one cause, told once
        fields["filed_on"] = [_("The filing date cannot be before the signing date.")]
    if fields:
        raise ValidationFailed(fields)


def version_fields(data: PlanFields) -> dict:
    """The stored fields of a new version (everything but its number, enterprise and
    version): dates checked, level graded, filing deadline, lateness and review clock.
    The filing date defaults to today. Raises ValidationFailed."""
    filed_on = data.filed_on or local_today()
    check_dates(data.signed_on, filed_on)
    level, notation, breakdown = grade(data)
    deadline, approximate = filing_deadline(data.signed_on,
                                            current_app.config["FILING_DEADLINE_WORKING_DAYS"])
    return dict(
        title=data.title, signed_on=data.signed_on, filed_on=filed_on, risk_level=level,
        risk_notation=notation, risk_assessment=breakdown, filing_deadline=deadline,
        deadline_approximate=approximate, filed_late=filed_on > deadline,
        review_due_on=review_due_on(data.signed_on, current_app.config["REVIEW_INTERVAL_YEARS"]),
    )


def document_kinds(documents) -> list[str]:
    """The filing documents given, once each, in the order of the five (DOCUMENTS)."""
    wanted = set(documents)
    return [k for k in DOCUMENTS if k in wanted]


def take_serials(county_code: str, year: int, count: int = 1, at_least: int = 0) -> int:
    """Raise the (county, year) counter to ``at_least`` if it is lower, then take ``count``
    serials — in one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING``; returns the
    last serial taken (the serials are ``last - count + 1 … last``).

    The row stays locked until commit, so concurrent filings queue (PostgreSQL row lock;
    SQLite writers already queue on ``BEGIN IMMEDIATE``) and a rolled-back filing gives its
    serials back: serials are unique and gapless. ``count=0`` only raises the counter (a
    legacy number typed in)."""
    table = FilingSerial.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    raised = sa.case((table.c.last_serial < at_least, at_least), else_=table.c.last_serial)
    stmt = (insert(table).values(county_code=county_code, year=year, last_serial=at_least + count)
            .on_conflict_do_update(index_elements=[table.c.county_code, table.c.year],
                                   set_={"last_serial": raised + count})
            .returning(table.c.last_serial))
    return db.session.execute(stmt).scalar_one()


def number_in_use(number: str) -> Conflict:
    return Conflict(_("Filing number %(number)s is already in use.", number=number))


def legacy_numbering(legacy: str, level: str,
                     county_known: Callable[[str], bool]) -> tuple[dict, bool]:
    """The stored numbering of a legacy number an officer typed in, and whether it should
    raise its county's serial counter (it parsed and names a known county).

    A number that does not parse is accepted as typed and flagged; so is one naming an
    unknown county or a letter that disagrees with ``level``."""
    try:
        parsed = parse_filing_number(legacy, current_app.config["FILING_NUMBER_PATTERN"])
    except RuleViolation:
        return dict(filing_number=legacy, filing_number_irregular=True), False
    known = county_known(parsed.county_code)
    return dict(filing_number=legacy, filing_county_code=parsed.county_code,
                filing_year=parsed.year, filing_serial=parsed.serial,
                filing_number_irregular=not known or parsed.risk_level != level), known


def issued_numbering(county_code: str, year: int, serial: int, level: str,
                     cross_region: bool) -> dict:
    """The stored numbering of the ``serial``-th filing of ``year`` in ``county_code``."""
    number = format_filing_number(county_code, year, serial, level, cross_region,
                                  current_app.config["FILING_NUMBER_PATTERN"])
    return dict(filing_number=number, filing_county_code=county_code, filing_year=year,
                filing_serial=serial)


def check_revision(old, signed_on: date) -> None:
    """Only the current version is revised, by a version signed after it."""
    if not old.is_current:
        raise Conflict(_("Only the current version of a plan can be revised."))
    if signed_on <= old.signed_on:
        raise ValidationFailed({"signed_on": [
            _("A revision must be signed after the version it replaces (%(date)s).",
              date=old.signed_on.isoformat())]})


def supersede(old) -> str | None:
    """Mark ``old`` superseded today; returns the drill finding the new version answers
    (trigger 5, domain.md §2), if the old one was flagged 'revision required'."""
    resolves = old.revision_reason if old.revision_required else None
    old.is_current = False
    old.revision_required = False
    old.superseded_on = local_today()
    return resolves


def carried_documents(old, kinds) -> list:
    """The current version's documents named in ``kinds`` (a revision's explicit carry-over),
    in DOCUMENTS order. ValidationFailed on ``carried_over`` for one the old version lacks."""
    from registry.web.labels import DOCUMENTS as DOCUMENT_LABELS  # labels, not rules

    have = {d.kind: d for d in old.documents}
    missing = [k for k in document_kinds(kinds) if k not in have]
    if missing:
        raise ValidationFailed({"carried_over": [_(
            "Version %(v)s has no such document to carry over: %(kinds)s.", v=old.version,
            kinds="、".join(str(DOCUMENT_LABELS.get(k, k)) for k in missing))]})
    return [have[k] for k in document_kinds(kinds)]


def carry_over(plan, documents) -> None:
    """Give the new version ``documents`` of the old one, with their files (files are
    never overwritten, so both versions may point at the same stored file)."""
    mine = {d.kind: d for d in plan.documents}
    for old in documents:
        doc = mine.get(old.kind)
        if doc is None:
            doc = PlanDocument(kind=old.kind)
            plan.documents.append(doc)
        if doc.stored_name is None:
            doc.stored_name, doc.original_name = old.stored_name, old.original_name
            doc.content_type, doc.size, doc.uploaded_at = old.content_type, old.size, old.uploaded_at


def revision_audit(after: dict, old_number: str, reason: str | None, resolves: str | None) -> dict:
    """The audit entry of a revision: the new version's snapshot and what it revises."""
    after["revises"] = old_number
    if reason:
        after["reason"] = reason
    if resolves:
        after["resolves"] = resolves
    return after


def correct(plan, changes: dict) -> tuple[list, list[str]]:
    """Apply a minor correction's title and filing date to ``plan``; returns the documents
    to remove (only those without an uploaded file) and the kinds to add.

    Raises Conflict for a superseded version, ValidationFailed for a bad filing date."""
    if not plan.is_current:
        raise Conflict(_("A superseded version cannot be corrected."))
    if changes.get("filed_on"):
        check_dates(plan.signed_on, changes["filed_on"])
    if changes.get("title"):
        plan.title = changes["title"]
    if changes.get("filed_on"):
        plan.filed_on = changes["filed_on"]
        plan.filed_late = plan.filed_on > plan.filing_deadline
    if changes.get("documents") is None:
        return [], []
    wanted = set(changes["documents"])
    removed = [d for d in plan.documents if d.kind not in wanted and d.stored_name is None]
    have = {d.kind for d in plan.documents} - {d.kind for d in removed}
    return removed, [k for k in DOCUMENTS if k in wanted - have]
