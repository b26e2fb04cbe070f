"""Incidents (突发环境事件): report one, trace it downstream, owe the downstream cities
their notifications and the government its reports, keep the timeline, close it.

Each public function is one unit of work (commits or raises). Times are stored in UTC
(naive); an input without a zone is local time (``TIMEZONE``)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, permissions
from registry.paging import page_of
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.extensions import db
from registry.incidents import permissions as incident_permissions, rules
from registry.incidents.schemas import EntryIn, IncidentIn, IncidentQuery
from registry.models import Agreement, County, DutyShift, Incident, IncidentEvent
from registry.unit_of_work import finish, marks_demo

LEVEL_NAMES = {"general": "一般", "major": "较大", "serious": "重大", "especially_serious": "特别重大"}
STAGE_NAMES = {"initial": "初报", "followup": "续报", "final": "处理结果报告"}
MEDIUM_NAMES = {"water": "水", "air": "大气", "soil": "土壤"}
EXERCISE = "【演练】"


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_utc(value: datetime) -> datetime:
    """An input time as stored: aware → UTC; naive → local time (TIMEZONE) → UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return value.astimezone(UTC).replace(tzinfo=None)


def local(value: datetime | None) -> datetime | None:
    """A stored (UTC) time in local time, for pages, mails and reports."""
    from registry.clock import local_time

    return None if value is None else local_time(value)


def iso(value: datetime | None) -> str | None:
    return local(value).isoformat() if value else None


def actor_name(actor) -> str:
    return getattr(actor, "display_name", None) or getattr(actor, "username", None) or "system"


def report_hours() -> dict[str, float]:
    return {**rules.DEFAULT_INITIAL_REPORT_HOURS,
            **(current_app.config.get("INCIDENT_INITIAL_REPORT_HOURS") or {})}


# --- where ---------------------------------------------------------------------------

def _place(actor, data: IncidentIn) -> dict:
    """The incident's enterprise (its discharge point when known) or point, and county.
    Raises ValidationFailed naming the field, NotFound, PermissionDenied."""
    from registry.map.service import current_layers, trace_origin
    from geodata import analysis

    if data.enterprise_id is not None:
        if data.longitude is not None or data.latitude is not None:
            raise ValidationFailed({"enterprise_id": [
                _("Give enterprise_id or longitude/latitude, not both.")]})
        from registry.enterprises.service import get_enterprise

        enterprise = get_enterprise(actor, data.enterprise_id)
        lon, lat = trace_origin(enterprise)
        return {"enterprise": enterprise, "lon": lon, "lat": lat,
                "county_code": analysis.LEGACY_COUNTY_CODES.get(enterprise.county_code,
                                                                enterprise.county_code),
                "river": enterprise.receiving_water,
                "place": data.place or enterprise.address}
    missing = {k: [_("Give enterprise_id, or both longitude and latitude of the incident.")]
               for k in ("longitude", "latitude") if getattr(data, k) is None}
    if missing:
        raise ValidationFailed(missing)
    found = analysis.county_at(data.longitude, data.latitude, current_layers()["counties"])
    code = found and found["code"]
    if not code or db.session.get(County, code) is None:
        where = found["name"] if found else _("no county of the map")
        raise ValidationFailed({"longitude": [_(
            "The point lies outside the jurisdiction (in %(where)s): report it to that "
            "bureau, or check the coordinates.", where=where)]})
    return {"enterprise": None, "lon": data.longitude, "lat": data.latitude,
            "county_code": code, "river": None, "place": data.place}


def _contacts(agreement: Agreement | None, city: str) -> list[dict]:
    """The party's contacts, those with a 24-hour duty phone first."""
    if agreement is None:
        return []
    party = next((p for p in agreement.parties if p.city_name == city), None)
    if party is None:
        return []
    people = sorted(party.contacts, key=lambda c: (not c.duty_phone, c.id))
    return [{"name": c.name, "role": c.role, "duty_phone": c.duty_phone,
             "phone": c.mobile or c.office_phone, "email": c.email} for c in people]


def _notifications_due(trace: dict, reported_at: datetime) -> list[dict]:
    """One notification owed per downstream city the trace reaches (agreements.sheet's
    matching), due by reported_at + the agreement's time limit or the default."""
    from registry.agreements.sheet import build_sheet, hits_from_trace
    from registry.jurisdictions.service import home_city_name

    sheet = build_sheet(None, hits_from_trace(trace.get("hits", []), home_city_name()),
                        {"kind": "incident"}, check_access=False)
    default = float(current_app.config["INCIDENT_NOTIFY_DEFAULT_HOURS"])
    owed = []
    for d in sheet["destinations"]:
        agreement = db.session.get(Agreement, d["agreement"]["id"]) if d["agreement"] else None
        due_by, hours, from_agreement = rules.notification_due(reported_at, d["limit_hours"],
                                                               default)
        owed.append({"city": d["city"], "agreement_id": agreement.id if agreement else None,
                     "agreement_title": agreement.title if agreement else None,
                     "due_by": due_by.isoformat(), "limit_hours": hours,
                     "limit_from_agreement": from_agreement,
                     "arrival_hours": round(d["arrival_hours"], 2),
                     "distance_km": round(d["distance_m"] / 1000, 1),
                     "rivers": d["rivers"], "sections": [s["name"] for s in d["sections"]],
                     "contacts": _contacts(agreement, d["city"]),
                     "warnings": [str(w) for w in d.get("warnings", [])]})
    return owed


def _check_time(field: str, at: datetime) -> None:
    if at > now_utc() + timedelta(minutes=5):
        raise ValidationFailed({field: [_("This time is in the future.")]})


def record_event(incident: Incident, kind: str, text: str, actor, at: datetime | None = None,
           data: dict | None = None) -> IncidentEvent:
    event = IncidentEvent(kind=kind, text=text, by_name=actor_name(actor), at=at or now_utc(),
                          data=data)
    incident.events.append(event)
    return event


def create_incident(actor, data: IncidentIn) -> Incident:
    """Record a reported incident, trace it downstream and owe the downstream cities
    their notifications. Raises ValidationFailed, NotFound, PermissionDenied,
    agreements.sheet.TraceUnavailable."""
    from registry.map.service import max_snap_m, network

    permissions.require(incident_permissions.can_report_incident(actor), actor)
    place = _place(actor, data)
    permissions.require_write_county(actor, place["county_code"])
    reported_at = to_utc(data.reported_at)
    _check_time("reported_at", reported_at)
    drill = None
    if data.drill_id is not None:
        from registry.drills.service import get_drill

        drill = get_drill(actor, data.drill_id)
    # The risk map's trace itself (not downstream_of: its area extensions build page
    # links, and the agreements that apply are matched here, per city).
    trace = network().trace(place["lon"], place["lat"], max_snap_m=max_snap_m(),
                            river=place["river"]).to_dict()
    incident = Incident(
        reported_at=reported_at, reported_by=data.reported_by, report_channel=data.report_channel,
        enterprise=place["enterprise"], county_code=place["county_code"],
        longitude=place["lon"], latitude=place["lat"], place=place["place"],
        medium=data.medium, substance=data.substance, quantity_t=data.quantity_t,
        summary=data.summary, level=data.level, status="open", trace=trace,
        notifications_due=_notifications_due(trace, reported_at), drill=drill,
        created_by_name=actor_name(actor), is_demo=marks_demo())
    db.session.add(incident)
    record_event(incident, "report", _("Incident reported: %(summary)s", summary=data.summary), actor,
           at=reported_at, data={"level": data.level})
    db.session.flush()
    audit.record(actor, "incident.create", "incident", incident.id, None,
                 {"county_code": incident.county_code, "level": incident.level,
                  "substance": incident.substance, "exercise": drill is not None})
    finish()
    return incident


def get_incident(actor, incident_id: int) -> Incident:
    """Raises NotFound, PermissionDenied (another county's incident)."""
    incident = db.session.get(Incident, incident_id)
    if incident is None or permissions.is_enterprise_user(actor):
        raise NotFound(_("No incident with id %(id)s.", id=incident_id))
    incident_permissions.require_read(actor, incident)
    return incident


def get_for_write(actor, incident_id: int, *, open_only: bool = True) -> Incident:
    incident = get_incident(actor, incident_id)
    incident_permissions.require_write(actor, incident)
    if open_only and incident.status == "closed":
        raise Conflict(_("The incident is closed."))
    return incident


def list_incidents(actor, query: IncidentQuery) -> tuple[list[Incident], int]:
    permissions.require(not permissions.is_enterprise_user(actor), actor)
    stmt = permissions.scope(sa.select(Incident), actor, Incident.county_code)
    if query.status:
        stmt = stmt.where(Incident.status == query.status)
    return page_of(stmt, (Incident.reported_at.desc(), Incident.id.desc()), query.page,
                   current_app.config["PER_PAGE"])


def add_entry(actor, incident_id: int, data: EntryIn):
    """A measure taken (free text) and/or a level change, on the timeline."""
    incident = get_for_write(actor, incident_id)
    if not data.text and not data.level:
        raise ValidationFailed({"text": [_("Describe the measure taken, or choose a new level.")]})
    at = to_utc(data.at) if data.at else now_utc()
    _check_time("at", at)
    if data.level and data.level != incident.level:
        old = incident.level
        incident.level = data.level
        record_event(incident, "level", _("Level changed from %(old)s to %(new)s.",
                                    old=LEVEL_NAMES[old], new=LEVEL_NAMES[data.level])
               + (f" {data.text}" if data.text else ""), actor, at, {"old": old, "new": data.level})
        audit.record(actor, "incident.level", "incident", incident.id, {"level": old},
                     {"level": data.level})
    elif data.text:
        record_event(incident, "measure", data.text, actor, at)
    finish()
    return incident


# --- what the record shows -----------------------------------------------------------

def duty_today(today=None) -> DutyShift | None:
    from registry.clock import today as local_today

    return db.session.scalar(sa.select(DutyShift).where(DutyShift.on_date == (today or local_today())))


def _clock_time(incident: Incident, now: datetime | None) -> tuple[datetime, bool]:
    """The moment the incident's clocks read, and whether they have stopped: a closed
    incident's clocks stop at its closing (nothing more is owed after the response ends;
    a duty still unmet then stays on record as missed, late if its time had passed)."""
    if incident.status == "closed" and incident.closed_at:
        return incident.closed_at, True
    return now or now_utc(), False


def notification_clocks(incident: Incident, now: datetime | None = None) -> list[dict]:
    """Each owed notification with its state: notified (first notice, late?), the time
    remaining (negative: overdue), or — the incident closed — missed (``missed``)."""
    now, stopped = _clock_time(incident, now)
    out = []
    for owed in incident.notifications_due:
        due_by = datetime.fromisoformat(owed["due_by"])
        given = [n for n in incident.notifications if n.city == owed["city"]]
        first = min(given, key=lambda n: n.at) if given else None
        remaining = None if first or stopped else rules.remaining_seconds(due_by, now)
        out.append({**owed, "due_by": iso(due_by), "due_by_local": local(due_by),
                    "notified_at": iso(first.at) if first else None,
                    "missed": stopped and not first,
                    "late": rules.is_late(first.at if first else now, due_by),
                    "remaining_seconds": remaining,
                    "remaining_text": rules.duration_text(remaining) if remaining is not None else None,
                    "channels": sorted({n.channel for n in given})})
    return out


def report_clocks(incident: Incident, now: datetime | None = None) -> list[dict]:
    """初报 (due by level), 续报 and 处理结果报告 (no fixed clock), with when each was issued;
    a closed incident's clocks stopped at its closing (``missed``: due and never issued)."""
    now, stopped = _clock_time(incident, now)
    due, hours = rules.initial_report_due(incident.reported_at, incident.level, report_hours())
    issued = {}
    for e in incident.events:
        if e.kind == "report_issued" and e.data:
            issued.setdefault(e.data.get("stage"), e.at)
    out = []
    for stage in rules.STAGES:
        due_by = due if stage == "initial" else None
        at = issued.get(stage)
        remaining = rules.remaining_seconds(due_by, now) if due_by and not at and not stopped else None
        out.append({"stage": stage, "name": STAGE_NAMES[stage],
                    "to": ["本级人民政府", "上一级生态环境主管部门"],
                    "hours": hours if stage == "initial" else None,
                    "due_by": iso(due_by), "due_by_local": local(due_by), "issued_at": iso(at),
                    "missed": stopped and bool(due_by) and not at,
                    "late": bool(due_by) and rules.is_late(at or now, due_by),
                    "remaining_seconds": remaining,
                    "remaining_text": rules.duration_text(remaining) if remaining is not None else None})
    return out


def intercepts(incident: Incident) -> list[dict]:
    """Intercept points (sluices, dams) on the traced path, in order, each marked whether it
    lies between the spill and the first drinking-water intake reached
    (``before_first_intake``), with an arrival estimate."""
    from geodata.nearest import points_along
    from registry.map.service import current_layers

    trace = incident.trace or {}
    if not trace.get("path"):
        return []
    frame = current_layers().get("intercepts")
    if frame is None or frame.empty:
        return []
    found = points_along(trace["path"], frame, current_app.config["METRIC_CRS"])
    intakes = [h["distance_along_river_m"] for h in trace.get("hits", [])
               if h["kind"] == "drinking_water_intake"]
    limit = min(intakes) if intakes else None
    return [dict(f, before_first_intake=limit is None or f["distance_along_path_m"] <= limit,
                 arrival_hours=_arrival(trace, f["distance_along_path_m"])) for f in found]


def _arrival(trace: dict, distance_m: float) -> float | None:
    """Arrival at a distance along the path, from the trace's hits around it (linear)."""
    points = sorted((h["distance_along_river_m"], h["arrival_hours"]) for h in trace.get("hits", []))
    points = [(0.0, 0.0), *points]
    for (d0, h0), (d1, h1) in zip(points, points[1:]):
        if d0 <= distance_m <= d1 and d1 > d0:
            return round(h0 + (h1 - h0) * (distance_m - d0) / (d1 - d0), 1)
    return None


def timeline(incident: Incident) -> list[dict]:
    return [{"at": iso(e.at), "kind": e.kind, "text": e.text, "by": e.by_name}
            for e in incident.events]


def to_dict(incident: Incident, now: datetime | None = None) -> dict:
    now = now or now_utc()
    return {
        "id": incident.id, "status": incident.status, "exercise": incident.drill_id is not None,
        "drill_id": incident.drill_id, "reported_at": iso(incident.reported_at),
        "reported_by": incident.reported_by, "report_channel": incident.report_channel,
        "enterprise_id": incident.enterprise_id,
        "enterprise_name": incident.enterprise.name if incident.enterprise else None,
        "county_code": incident.county_code, "longitude": incident.longitude,
        "latitude": incident.latitude, "place": incident.place, "medium": incident.medium,
        "substance": incident.substance, "quantity_t": incident.quantity_t,
        "summary": incident.summary, "level": incident.level,
        "closed_at": iso(incident.closed_at), "is_demo": incident.is_demo,
        "trace": incident.trace,
        "intercepts": intercepts(incident),
        "notifications_due": [{k: v for k, v in c.items() if k != "due_by_local"}
                              for c in notification_clocks(incident, now)],
        "reports_due": [{k: v for k, v in c.items() if k != "due_by_local"}
                        for c in report_clocks(incident, now)],
        "timeline": timeline(incident),
        "notifications": [{"city": n.city, "channel": n.channel, "at": iso(n.at),
                           "due_by": iso(n.due_by), "late": n.late, "recipients": n.recipients,
                           "contact": n.contact, "note": n.note, "by": n.by_name}
                          for n in incident.notifications],
        "action_ids": [a.id for a in incident_actions(incident)],
    }


def incident_actions(incident: Incident) -> list:
    from registry.models import CorrectiveAction

    return list(db.session.scalars(sa.select(CorrectiveAction).where(
        CorrectiveAction.incident_id == incident.id).order_by(CorrectiveAction.id)))


def title(incident: Incident) -> str:
    """e.g. 【演练】禹州市 2026-06-15 颍河 柴油泄漏 (the record's language)."""
    prefix = EXERCISE if incident.drill_id else ""
    where = incident.enterprise.name if incident.enterprise else (incident.place or "")
    return f"{prefix}{local(incident.reported_at):%Y-%m-%d %H:%M} {where} {incident.substance}".strip()


def held_at(actor, incident: Incident) -> list[dict]:
    """At an enterprise's incident, what the enterprise declares it holds (its risk
    inventory), each marked ``reported`` when it is the substance reported (by name)."""
    if incident.enterprise_id is None:
        return []
    from registry.substances.inventory import held_substances

    return [dict(row, reported=row["name"] == incident.substance)
            for row in held_substances(actor, incident.enterprise_id)]
