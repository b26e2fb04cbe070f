"""Corrective actions (整改, the HSEEP improvement plan): record, move along
open → in progress → done → verified, list across drills.

Rules: a verified action cannot be verified by its own owner; "done" needs evidence;
an action flagged "plan needs revision" puts the exercised plan version into
``revision_required`` until a new version is filed (revision trigger 5, domain.md §2).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _

from registry import audit, permissions
from registry.unit_of_work import finish, marks_demo
from registry.paging import page_of
from registry.clock import today as local_today
from registry.drills import permissions as drill_permissions
from registry.drills.rules import OPEN_STATUSES, TRANSITIONS, can_transition
from registry.drills.schemas import ActionIn, ActionPatch, ActionQuery
from registry.drills.queries import drill_in_county, in_year
from registry.drills.service import get_drill
from registry.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from registry.extensions import db
from registry.models import CorrectiveAction, Drill, Incident, Plan, User

AUDITED = ("description", "category", "owner_name", "owner_unit", "owner_user_id", "due_on",
           "status", "evidence", "done_on", "done_by_name", "verified_by_name", "verified_on",
           "plan_needs_revision", "plan_id")
EDITABLE = ("description", "category", "owner_name", "owner_unit", "owner_user_id", "due_on",
            "evidence")


def _check_owner_account(user_id: int | None) -> None:
    if user_id is not None and db.session.get(User, user_id) is None:
        raise ValidationFailed({"owner_user_id": [_("No user with id %(id)s.", id=user_id)]})


def _exercised_plan(drill: Drill, plan_id: int) -> Plan:
    plan = next((p for p in drill.plans if p.id == plan_id), None)
    if plan is None:
        raise ValidationFailed({"plan_id": [
            _("Plan %(id)s was not exercised in this drill.", id=plan_id)]})
    return plan


def _flagged_plan(drill: Drill, plan_id: int | None) -> Plan:
    """The exercised plan an action flags for revision; it must be the current version."""
    if plan_id is None:
        if len(drill.plans) != 1:
            message = (_("This drill exercised no plan; name the enterprises and plans first.")
                       if not drill.plans else _("Choose which exercised plan needs revision."))
            raise ValidationFailed({"plan_id": [message]})
        plan = drill.plans[0]
    else:
        plan = _exercised_plan(drill, plan_id)
    if not plan.is_current:
        raise ValidationFailed({"plan_id": [
            _("Plan %(number)s is already superseded by a newer version.",
              number=plan.filing_number)]})
    return plan


def revision_reason(action: CorrectiveAction) -> str:
    """The text the plan page shows (stored in Chinese, the language of the record)."""
    if action.drill is None:  # an incident's finding (revision trigger 5: an incident)
        from registry.incidents.service import local

        incident = action.incident
        return (f"{local(incident.reported_at):%Y-%m-%d} 突发环境事件（{incident.substance}）"
                f"暴露问题需修订预案：{action.description}")
    drill = action.drill
    return (f"{drill.held_on.isoformat()} 应急演练“{drill.title}”发现问题需修订预案："
            f"{action.description}")


def _sync_plan(actor, plan: Plan) -> None:
    """Set or clear the plan's revision flag from the actions that flag it; audit it.
    A superseded version is left alone: its successor answered the revision."""
    if not plan.is_current:
        return
    db.session.flush()
    flagging = list(db.session.scalars(sa.select(CorrectiveAction).where(
        CorrectiveAction.plan_id == plan.id, CorrectiveAction.plan_needs_revision)
        .order_by(CorrectiveAction.id)))
    before = {"revision_required": plan.revision_required, "reason": plan.revision_reason}
    if flagging:
        plan.revision_required = True
        plan.revision_reason = "；".join(revision_reason(a) for a in flagging)
    elif plan.revision_required:
        plan.revision_required = False
        plan.revision_reason = None
    after = {"revision_required": plan.revision_required, "reason": plan.revision_reason}
    if after != before:
        permissions.require_write_county(actor, plan.enterprise.county_code)
        old, new = audit.diff(before, after)
        audit.record(actor, "plan.revision_flag", "plan", plan.id, old, new)


def add_action(actor, drill_id: int, data: ActionIn) -> CorrectiveAction:
    """Record a corrective action for a drill.

    Raises NotFound, PermissionDenied, ValidationFailed, Conflict (the drill is closed)."""
    drill = get_drill(actor, drill_id)
    drill_permissions.require_write_drill(actor, drill)
    if drill.status == "closed":
        raise Conflict(_("The drill is closed; reopen it to add a corrective action."))
    _check_owner_account(data.owner_user_id)
    plan = None
    if data.plan_needs_revision:
        plan = _flagged_plan(drill, data.plan_id)
    elif data.plan_id is not None:
        plan = _exercised_plan(drill, data.plan_id)
    action = CorrectiveAction(
        drill=drill, status="open", is_demo=marks_demo(), plan=plan,
        plan_needs_revision=data.plan_needs_revision,
        **{k: getattr(data, k) for k in EDITABLE})
    db.session.add(action)
    db.session.flush()
    audit.record(actor, "action.create", "action", action.id, None,
                 audit.snapshot(action, AUDITED) | {"drill": drill.title})
    if plan is not None and action.plan_needs_revision:
        _sync_plan(actor, plan)
    finish()
    return action


def get_action(actor, action_id: int) -> CorrectiveAction:
    action = db.session.get(CorrectiveAction, action_id)
    if action is None:
        raise NotFound(_("No corrective action with id %(id)s.", id=action_id))
    if action.incident_id is not None:
        from registry.incidents.service import get_incident

        get_incident(actor, action.incident_id)
    else:
        get_drill(actor, action.drill_id)
    return action


def add_incident_action(actor, incident, data: ActionIn) -> CorrectiveAction:
    """A corrective action for a problem an incident exposed (the caller has checked the
    right to write the incident; never commits). "Plan needs revision" flags the current
    plan of the incident's enterprise."""
    _check_owner_account(data.owner_user_id)
    plan = None
    if data.plan_needs_revision:
        plan = _incident_plan(incident)
    action = CorrectiveAction(
        incident=incident, status="open", is_demo=incident.is_demo, plan=plan,
        plan_needs_revision=data.plan_needs_revision,
        **{k: getattr(data, k) for k in EDITABLE})
    db.session.add(action)
    db.session.flush()
    audit.record(actor, "action.create", "action", action.id, None,
                 audit.snapshot(action, AUDITED) | {"incident": incident.id})
    if plan is not None:
        _sync_plan(actor, plan)
    return action


def _incident_plan(incident) -> Plan:
    """The current plan of the incident's enterprise (the one an incident's finding flags)."""
    plan = None
    if incident.enterprise_id is not None:
        plan = db.session.scalar(sa.select(Plan).where(Plan.enterprise_id == incident.enterprise_id,
                                                       Plan.is_current))
    if plan is None:
        raise ValidationFailed({"plan_needs_revision": [
            _("This incident has no enterprise with a filed plan to flag for revision.")]})
    return plan


def _require_write(actor, action: CorrectiveAction) -> None:
    if action.incident_id is not None:
        from registry.incidents.permissions import require_write

        require_write(actor, action.incident)
    else:
        drill_permissions.require_write_drill(actor, action.drill)


def is_owner(actor, action: CorrectiveAction) -> bool:
    """The actor is the action's owner: their account, or their name given as owner."""
    if action.owner_user_id is not None and getattr(actor, "id", None) == action.owner_user_id:
        return True
    names = {getattr(actor, "username", None), getattr(actor, "display_name", None)}
    return bool(action.owner_name) and action.owner_name in names - {None, ""}


def marked_done_by(actor, action: CorrectiveAction) -> bool:
    """The actor is who marked the action done (by account)."""
    return action.done_by_id is not None and getattr(actor, "id", None) == action.done_by_id


def _actor_name(actor) -> str:
    return getattr(actor, "display_name", None) or getattr(actor, "username", None) or "system"


def _transition(actor, action: CorrectiveAction, new: str, today: date) -> None:
    if not can_transition(action.status, new):
        from registry.drills.labels import ACTION_STATUSES as names

        allowed = "、".join(str(names[s]) for s in TRANSITIONS[action.status]) or "—"
        raise ValidationFailed({"status": [_(
            "A corrective action cannot go from %(old)s to %(new)s; allowed next: %(allowed)s.",
            old=names[action.status], new=names.get(new, new), allowed=allowed)]})
    if new == "done" and not (action.evidence or action.attachments):
        raise ValidationFailed({"evidence": [
            _("Describe or attach the evidence before marking the action done.")]})
    if new == "verified":
        if is_owner(actor, action):
            raise PermissionDenied(_("A corrective action cannot be verified by its own owner."))
        if marked_done_by(actor, action):
            raise PermissionDenied(_("You marked this corrective action done: another person "
                                     "must verify it."))
        action.verified_by_id = getattr(actor, "id", None)
        action.verified_by_name = _actor_name(actor)
        action.verified_on = today
    if new == "done":
        action.done_on = today
        action.done_by_id, action.done_by_name = getattr(actor, "id", None), _actor_name(actor)
    if new in OPEN_STATUSES:
        action.done_on = None
        action.done_by_id = action.done_by_name = None
    action.status = new


def _check_changes(action: CorrectiveAction, changes: dict) -> None:
    if action.status == "verified" and changes:
        raise Conflict(_("A verified corrective action can no longer be changed."))
    for key in ("description", "category"):
        if key in changes and changes[key] is None:
            raise ValidationFailed({key: [_("This field is required.")]})
    if action.drill is not None and action.drill.status == "closed":
        cleared = [k for k in ("owner_name", "owner_unit", "due_on")
                   if k in changes and not changes[k]]
        if cleared:
            raise ValidationFailed({k: [_("The drill is closed: an action keeps its owner and "
                                          "due date.")] for k in cleared})
    _check_owner_account(changes.get("owner_user_id"))


def _apply_changes(action: CorrectiveAction, changes: dict) -> None:
    """Set the edited fields, and the plan the action flags for revision."""
    drill = action.drill
    for key in EDITABLE:
        if key in changes:
            setattr(action, key, changes[key])
    flag = bool(changes.get("plan_needs_revision", action.plan_needs_revision))
    plan_id = changes.get("plan_id", action.plan_id)
    if (flag, plan_id) == (action.plan_needs_revision, action.plan_id):
        return
    if drill is None:  # an incident's action: its enterprise's current plan
        action.plan = _incident_plan(action.incident) if flag or plan_id else None
    elif flag:
        action.plan = _flagged_plan(drill, plan_id)
    else:
        action.plan = _exercised_plan(drill, plan_id) if plan_id else None
    action.plan_needs_revision = flag


STATUS_FIELDS = {"status", "done_on", "done_by_name", "verified_by_name", "verified_on"}


@contextmanager
def _recorded(actor, action: CorrectiveAction) -> Iterator[None]:
    """One change record for what the block changed (``action.status`` when only the
    status moved), the flagged plans kept in step, then ``finish``."""
    before = audit.snapshot(action, AUDITED)
    old_plan = action.plan if action.plan_needs_revision else None
    yield
    db.session.flush()
    old, new = audit.diff(before, audit.snapshot(action, AUDITED))
    if new:
        name = "action.status" if set(new) <= STATUS_FIELDS else "action.update"
        audit.record(actor, name, "action", action.id, old, new)
    for plan in {p for p in (old_plan, action.plan if action.plan_needs_revision else None) if p}:
        _sync_plan(actor, plan)
    finish()


def _writable(actor, action_id: int) -> CorrectiveAction:
    action = get_action(actor, action_id)
    _require_write(actor, action)
    return action


def change_action(actor, action_id: int, data: ActionPatch) -> CorrectiveAction:
    """The edit form: change an action's fields (description, owner, due date, evidence,
    the plan it flags); its status moves only with ``move_action``.

    Raises NotFound, PermissionDenied, Conflict (verified), ValidationFailed."""
    action = _writable(actor, action_id)
    changes = data.model_dump(exclude_unset=True)
    if "status" in changes:
        raise ValidationFailed({"status": [_("Change the status with the status buttons.")]})
    _check_changes(action, changes)
    with _recorded(actor, action):
        _apply_changes(action, changes)
    return action


def move_action(actor, action_id: int, status: str, evidence: str | None = None, *,
                today: date | None = None) -> CorrectiveAction:
    """Move an action one allowed step (open → in progress → done → verified, or back),
    with the evidence given on the way to done.

    Raises NotFound, PermissionDenied (incl. verifying one's own action), ValidationFailed."""
    if not status:
        raise ValidationFailed({"status": [_("This field is required.")]})
    action = _writable(actor, action_id)
    changes = {"evidence": evidence} if evidence else {}
    _check_changes(action, changes)
    with _recorded(actor, action):
        _apply_changes(action, changes)
        if status != action.status:
            _transition(actor, action, status, today or local_today())
    return action


def update_action(actor, action_id: int, data: ActionPatch, *,
                  today: date | None = None) -> CorrectiveAction:
    """The API's PATCH: a field change and/or one status step, recorded as one change.

    Raises NotFound, PermissionDenied (incl. verifying one's own action), ValidationFailed."""
    action = _writable(actor, action_id)
    changes = data.model_dump(exclude_unset=True)
    status = changes.pop("status", None)
    _check_changes(action, changes)
    with _recorded(actor, action):
        _apply_changes(action, changes)
        if status and status != action.status:
            _transition(actor, action, status, today or local_today())
    return action


def _scoped(stmt, actor):
    """Actions the caller may read: a drill's by the drill's county (city-wide drills to
    every officer), an incident's by the incident's county (issue #21: both are 整改)."""
    if not getattr(actor, "is_authenticated", False):
        return stmt.where(sa.false())
    codes = permissions.visible_county_codes(actor)
    if codes is None:
        return stmt
    codes = sorted(codes)
    return stmt.where(sa.or_(
        sa.and_(CorrectiveAction.drill_id.is_not(None),
                sa.or_(Drill.county_code.is_(None), Drill.county_code.in_(codes))),
        sa.and_(CorrectiveAction.incident_id.is_not(None), Incident.county_code.in_(codes))))


def _filtered(actor, query: ActionQuery, today: date):
    stmt = (sa.select(CorrectiveAction)
            .outerjoin(Drill, Drill.id == CorrectiveAction.drill_id)
            .outerjoin(Incident, Incident.id == CorrectiveAction.incident_id))
    stmt = _scoped(stmt, actor)
    if query.status:
        stmt = stmt.where(CorrectiveAction.status == query.status)
    if query.overdue is not None:
        late = sa.and_(CorrectiveAction.due_on < today,
                       CorrectiveAction.status.in_(OPEN_STATUSES))
        stmt = stmt.where(late if query.overdue else sa.not_(late))
    if query.county_code:
        stmt = stmt.where(sa.or_(drill_in_county(query.county_code),
                                 Incident.county_code == query.county_code))
    if query.category:
        stmt = stmt.where(CorrectiveAction.category == query.category)
    if query.closed_year:
        stmt = stmt.where(CorrectiveAction.status == "verified",
                          in_year(CorrectiveAction.verified_on, query.closed_year))
    if query.drill_id:
        stmt = stmt.where(CorrectiveAction.drill_id == query.drill_id)
    if query.owner:
        like = "%" + query.owner.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(CorrectiveAction.owner_name.like(like, escape="\\"),
                                 CorrectiveAction.owner_unit.like(like, escape="\\")))
    return stmt


# Grouped by owner (unit, person), then due date; no owner or no date last.
BY_OWNER = (CorrectiveAction.owner_unit.is_(None), CorrectiveAction.owner_unit,
            CorrectiveAction.owner_name, CorrectiveAction.due_on.is_(None),
            CorrectiveAction.due_on, CorrectiveAction.id)


def list_actions(actor, query: ActionQuery, today: date | None = None):
    """A page of actions across drills, grouped by owner (unit, person), then due date."""
    today = today or local_today()
    stmt = _filtered(actor, query, today)
    return page_of(stmt, BY_OWNER, query.page, query.per_page)


def all_actions(actor, query: ActionQuery, today: date | None = None) -> list[CorrectiveAction]:
    """Every action matching ``query`` that the caller may read, unpaginated (exports);
    same filter and order as ``list_actions``."""
    stmt = _filtered(actor, query, today or local_today())
    # The drills in one go: each row shows its drill, and a drill loads its own lists.
    stmt = stmt.options(selectinload(CorrectiveAction.drill))
    return list(db.session.scalars(stmt.order_by(*BY_OWNER)))


def open_by_owner(actor, query: ActionQuery, today: date | None = None) -> list[dict]:
    """Unverified actions per owner (unit, person) with how many are overdue."""
    today = today or local_today()
    sub = _filtered(actor, query, today).where(CorrectiveAction.status != "verified").subquery()
    late = sa.case((sa.and_(sub.c.due_on < today, sub.c.status.in_(OPEN_STATUSES)), 1), else_=0)
    rows = db.session.execute(
        sa.select(sub.c.owner_unit, sub.c.owner_name, sa.func.count(), sa.func.sum(late))
        .group_by(sub.c.owner_unit, sub.c.owner_name)
        .order_by(sa.func.count().desc(), sub.c.owner_unit, sub.c.owner_name))
    return [{"owner_unit": u, "owner_name": n, "open": c, "overdue": int(o or 0)}
            for u, n, c, o in rows]
