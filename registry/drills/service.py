"""Drills (应急演练): record, change, close, list, yearly figures (domain.md §5).

A drill belongs to a county (enterprise and county drills) or to the whole city (city and
joint drills, ``county_code`` None). Closing a drill needs every corrective action to have
an owner (person and unit) and a due date.
"""
from __future__ import annotations


import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, permissions
from registry.unit_of_work import finish, marks_demo
from registry.paging import page_of
from registry.clock import today as local_today
from registry.drills import permissions as drill_permissions
from registry.drills.rules import CITY_LEVELS, type_key
from registry.drills.queries import drill_in_county, in_year
from registry.drills.schemas import DrillIn, DrillPatch, DrillQuery
from registry.enterprises.service import usable_county
from registry.errors import NotFound, ValidationFailed
from registry.extensions import db
from registry.models import Agreement, CorrectiveAction, Drill, Enterprise, Plan
from registry.models.drills import drill_enterprises

AUDITED = ("title", "held_on", "duration_hours", "organiser_level", "county_code", "organiser",
           "place", "longitude", "latitude", "content_type", "form_type", "legacy_type", "theme",
           "agreement_id", "scenario_substance", "scenario_pathway", "participating_bodies",
           "headcount", "evaluation", "status", "closed_on")
SIMPLE = tuple(f for f in AUDITED if f not in ("status", "closed_on", "county_code"))


def _snapshot(drill: Drill) -> dict:
    snap = audit.snapshot(drill, AUDITED)
    snap["enterprises"] = [e.name for e in drill.enterprises]
    snap["plans"] = [p.filing_number for p in drill.plans]
    return snap


def _type_errors(values: dict) -> dict[str, list[str]]:
    content, form, legacy = (values.get(k) for k in ("content_type", "form_type", "legacy_type"))
    message = _("Give the drill type on both axes (综合/单项 and 实战/桌面), or the older label "
                "(桌面/功能/全面).")
    if content and not form:
        return {"form_type": [message]}
    if form and not content:
        return {"content_type": [message]}
    if not content and not legacy:
        return {"content_type": [message]}
    return {}


def _enterprises(actor, ids: list[int]) -> list[Enterprise]:
    found = {e.id: e for e in db.session.scalars(sa.select(Enterprise).where(
        Enterprise.id.in_(sorted(set(ids)))))} if ids else {}
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise ValidationFailed({"enterprise_ids": [
            _("No enterprise with id %(id)s.", id=", ".join(unknown))]})
    for enterprise in found.values():
        permissions.require_read_county(actor, enterprise.county_code)
    return list(found.values())


def _plans(plan_ids: list[int] | None, enterprises: list[Enterprise]) -> list[Plan]:
    """The plans exercised: as given (each of an exercised enterprise), or by default the
    current plans of the exercised enterprises."""
    ids = {e.id for e in enterprises}
    if plan_ids is None:
        if not ids:
            return []
        return list(db.session.scalars(sa.select(Plan).where(
            Plan.enterprise_id.in_(sorted(ids)), Plan.is_current)))
    plans = []
    for plan_id in dict.fromkeys(plan_ids):
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            raise ValidationFailed({"plan_ids": [_("No plan with id %(id)s.", id=plan_id)]})
        if plan.enterprise_id not in ids:
            raise ValidationFailed({"plan_ids": [
                _("Plan %(number)s belongs to an enterprise this drill did not exercise.",
                  number=plan.filing_number)]})
        plans.append(plan)
    return plans


def _agreement_errors(values: dict) -> list[str]:
    agreement_id = values.get("agreement_id")
    if agreement_id is None:
        return []
    if values["organiser_level"] != "joint":
        return [_("Only a joint cross-city drill refers to an agreement.")]
    if db.session.get(Agreement, agreement_id) is None:
        return [_("No agreement with id %(id)s.", id=agreement_id)]
    return []


def _owning_county(values: dict, enterprises: list, fields: dict) -> str | None:
    """The county whose drill it is (None for city and joint drills): the one given, else
    the exercised enterprises' own; problems go to ``fields``."""
    level = values["organiser_level"]
    if level in CITY_LEVELS:
        return None
    county_code = values.get("county_code")
    counties = {e.county_code for e in enterprises}
    if not county_code and len(counties) == 1:
        county_code = counties.pop()
    if level == "enterprise" and not enterprises:
        fields["enterprise_ids"] = [_("An enterprise drill names the enterprise that held it.")]
    elif not county_code:
        fields["county_code"] = [_("An enterprise or county drill needs its county.")]
    elif any(e.county_code != county_code for e in enterprises):
        fields["enterprise_ids"] = [_("Enterprises exercised in a county's drill must be in "
                                      "that county; record a city-level drill instead.")]
    return county_code


def _resolve(actor, values: dict) -> dict:
    """Check a drill's values as a whole and the caller's right to record it; return the
    column values with ``enterprises`` and ``plans`` resolved.

    Raises ValidationFailed (naming the field), PermissionDenied."""
    fields = _type_errors(values)
    if problems := _agreement_errors(values):
        fields["agreement_id"] = problems
    if values["held_on"] > local_today():
        fields["held_on"] = [_("A drill is recorded after it was held; the date cannot be in "
                               "the future.")]
    enterprises = _enterprises(actor, values.get("enterprise_ids") or [])
    county_code = _owning_county(values, enterprises, fields)
    if {"county_code", "enterprise_ids"} & set(fields):
        raise ValidationFailed(fields)  # whose drill it is cannot be told yet
    permissions.require(drill_permissions.can_write_drill(
        actor, values["organiser_level"], county_code, {e.county_code for e in enterprises}),
        actor)
    if county_code:
        usable_county(county_code)
    if fields:
        raise ValidationFailed(fields)
    result = {k: values.get(k) for k in SIMPLE}
    result["participating_bodies"] = [b.strip() for b in values.get("participating_bodies") or []
                                      if b and b.strip()]
    result.update(county_code=county_code, enterprises=enterprises,
                  plans=_plans(values.get("plan_ids"), enterprises))
    return result


def create_drill(actor, data: DrillIn) -> Drill:
    """Record a drill. Raises ValidationFailed, PermissionDenied."""
    values = _resolve(actor, data.model_dump())
    is_demo = marks_demo()
    if is_demo and not values["title"].endswith("（演示）"):
        values["title"] += "（演示）"
    drill = Drill(**values, status="open", is_demo=is_demo)
    db.session.add(drill)
    db.session.flush()
    audit.record(actor, "drill.create", "drill", drill.id, None, _snapshot(drill))
    finish()
    return drill


def get_drill(actor, drill_id: int) -> Drill:
    """One drill the caller may read. Raises NotFound, PermissionDenied, Unauthorized."""
    drill = db.session.get(Drill, drill_id)
    if drill is None:
        raise NotFound(_("No drill with id %(id)s.", id=drill_id))
    permissions.require(drill_permissions.can_read_drill(actor, drill), actor)
    return drill


def _input_of(drill: Drill) -> dict:
    values = {k: getattr(drill, k) for k in SIMPLE}
    values.update(county_code=drill.county_code,
                  enterprise_ids=[e.id for e in drill.enterprises],
                  plan_ids=[p.id for p in drill.plans])
    return values


def incomplete_actions(drill: Drill) -> list[CorrectiveAction]:
    """Actions that keep the drill from being closed: no owner (person and unit) or no due date."""
    return [a for a in drill.actions if not (a.owner_name and a.owner_unit and a.due_on)]


REQUIRED = ("title", "held_on", "duration_hours", "organiser_level", "longitude", "latitude",
            "theme")


def _apply_changes(actor, drill: Drill, changes: dict) -> None:
    """The changed fields, checked with the rest of the drill as a whole."""
    empty = {k: [_("This field is required.")] for k in REQUIRED
             if k in changes and changes[k] is None}
    if empty:
        raise ValidationFailed(empty)
    if not changes:
        return
    merged = _input_of(drill)
    merged.update(changes)
    changed = set(changes.get("enterprise_ids") or []) != {e.id for e in drill.enterprises}
    if "enterprise_ids" in changes and "plan_ids" not in changes and changed:
        merged["plan_ids"] = None  # the current plans of the new set of enterprises
    for key, value in _resolve(actor, merged).items():
        setattr(drill, key, value)


def _move(drill: Drill, status: str | None) -> None:
    """Close (refused while an action lacks an owner or a due date) or reopen."""
    if status == "closed" and drill.status != "closed":
        lacking = incomplete_actions(drill)
        if lacking:
            numbers = "、".join(f"#{a.id}" for a in lacking)
            raise ValidationFailed({"status": [_(
                "The drill cannot be closed while corrective actions lack an owner (person and "
                "unit) or a due date: %(actions)s.", actions=numbers)]})
        drill.status, drill.closed_on = "closed", local_today()
    elif status == "open" and drill.status != "open":
        drill.status, drill.closed_on = "open", None


def update_drill(actor, drill_id: int, data: DrillPatch) -> Drill:
    """Change fields and/or close (``status="closed"``) or reopen a drill.

    Closing refuses (ValidationFailed on ``status``) while any action lacks an owner or a
    due date. Raises NotFound, PermissionDenied, ValidationFailed."""
    drill = get_drill(actor, drill_id)
    drill_permissions.require_write_drill(actor, drill)
    changes = data.model_dump(exclude_unset=True)
    status = changes.pop("status", None)
    before = _snapshot(drill)
    _apply_changes(actor, drill, changes)
    _move(drill, status)
    db.session.flush()
    old, new = audit.diff(before, _snapshot(drill))
    if new:
        action = {"closed": "drill.close", "open": "drill.reopen"}.get(
            status if "status" in new else "", "drill.update")
        audit.record(actor, action, "drill", drill.id, old, new)
    finish()
    return drill


def _filtered(actor, query: DrillQuery):
    """Drills the caller may read that match the list page's filter (no order, no paging)."""
    stmt = drill_permissions.scope_drills(sa.select(Drill), actor, Drill.county_code)
    if query.year:
        stmt = stmt.where(in_year(Drill.held_on, query.year))
    if query.county_code:
        stmt = stmt.where(drill_in_county(query.county_code))
    if query.organiser_level:
        stmt = stmt.where(Drill.organiser_level == query.organiser_level)
    if query.theme:
        stmt = stmt.where(Drill.theme == query.theme)
    if query.status:
        stmt = stmt.where(Drill.status == query.status)
    if query.enterprise_id:
        stmt = stmt.where(Drill.id.in_(sa.select(drill_enterprises.c.drill_id).where(
            drill_enterprises.c.enterprise_id == query.enterprise_id)))
    return stmt


NEWEST_FIRST = (Drill.held_on.desc(), Drill.id.desc())


def list_drills(actor, query: DrillQuery):
    """A page of drills the caller may read, newest first, with the total."""
    stmt = _filtered(actor, query)
    return page_of(stmt, NEWEST_FIRST, query.page, query.per_page)


def all_drills(actor, query: DrillQuery) -> list[Drill]:
    """Every drill matching ``query`` that the caller may read, unpaginated (exports);
    same filter and order as ``list_drills``."""
    return list(db.session.scalars(_filtered(actor, query).order_by(*NEWEST_FIRST)))


def drill_stats(actor, year: int | None = None) -> dict:
    """The year's drills in the caller's view, by type, theme and organiser level."""
    year = year or local_today().year
    stmt = sa.select(Drill.content_type, Drill.form_type, Drill.legacy_type, Drill.theme,
                     Drill.organiser_level).where(in_year(Drill.held_on, year))
    stmt = drill_permissions.scope_drills(stmt, actor, Drill.county_code)
    by_type: dict[str, int] = {}
    by_theme: dict[str, int] = {}
    by_organiser: dict[str, int] = {}
    total = 0
    for content, form, legacy, theme, level in db.session.execute(stmt):
        total += 1
        key = type_key(content, form, legacy)
        by_type[key] = by_type.get(key, 0) + 1
        by_theme[theme] = by_theme.get(theme, 0) + 1
        by_organiser[level] = by_organiser.get(level, 0) + 1
    return {"year": year, "total": total, "by_type": dict(sorted(by_type.items())),
            "by_theme": dict(sorted(by_theme.items())),
            "by_organiser": dict(sorted(by_organiser.items()))}


def drills_for_agreement(actor, agreement_id: int) -> list[Drill]:
    """The joint drills held under an agreement, newest first (for the agreement page)."""
    stmt = drill_permissions.scope_drills(
        sa.select(Drill).where(Drill.agreement_id == agreement_id), actor, Drill.county_code)
    return list(db.session.scalars(stmt.order_by(Drill.held_on.desc(), Drill.id.desc())))
