"""JSON API of incident mode (contract: issue #21)."""
from __future__ import annotations

import io

from flask import send_file
from pydantic import BaseModel

from registry.api import bp
from registry.api.routing import operation
from registry.incidents import closing, notify, reports, resources, service
from registry.incidents.schemas import (CloseIn, EntryIn, IncidentIn, IncidentQuery,
                                        NearestQuery, NotificationIn, ReportQuery, ResourceIn)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Contact(BaseModel):
    name: str
    role: str
    duty_phone: str | None
    phone: str | None
    email: str | None


class NotificationDue(BaseModel):
    city: str
    agreement_id: int | None
    due_by: str
    limit_hours: float
    arrival_hours: float
    distance_km: float
    contacts: list[Contact]
    notified_at: str | None
    late: bool
    remaining_seconds: int | None
    missed: bool = False


class ReportDue(BaseModel):
    stage: str
    due_by: str | None
    hours: float | None
    issued_at: str | None
    late: bool
    remaining_seconds: int | None
    missed: bool = False


class NotificationOut(BaseModel):
    city: str
    channel: str
    at: str
    late: bool
    recipients: list[str] | None
    contact: str | None


class TimelineEntry(BaseModel):
    at: str
    kind: str
    text: str
    by: str | None


class IncidentOut(BaseModel):
    id: int
    status: str
    exercise: bool
    reported_at: str
    county_code: str
    enterprise_id: int | None
    longitude: float
    latitude: float
    medium: str
    substance: str
    quantity_t: float | None
    summary: str
    level: str
    trace: dict | None
    intercepts: list[dict]
    notifications_due: list[NotificationDue]
    reports_due: list[ReportDue]
    timeline: list[TimelineEntry]
    notifications: list[NotificationOut]
    action_ids: list[int]


class IncidentList(BaseModel):
    items: list[IncidentOut]
    total: int


class SentOut(BaseModel):
    city: str
    channel: str
    sent_at: str
    at: str
    late: bool
    recipients: list[str]


class ClosedOut(BaseModel):
    status: str
    action_ids: list[int]


class ResourceOut(BaseModel):
    id: int
    name: str
    kind: str
    quantity: float
    unit: str
    owner: str
    longitude: float
    latitude: float
    contact: str | None
    last_checked_on: str | None


class NearestItem(ResourceOut):
    distance_km: float


class NearestOut(BaseModel):
    items: list[NearestItem]


class ResourceList(BaseModel):
    items: list[ResourceOut]


@operation(bp, "/incidents", "POST", "Report an incident: trace it downstream, owe the "
           "notifications and reports", "incidents", body=IncidentIn, response=IncidentOut,
           status=201, errors=(401, 403, 404, 422, 503))
def create_incident(user, body):
    return service.to_dict(service.create_incident(user, body))


@operation(bp, "/incidents", "GET", "Incidents in the caller's counties", "incidents",
           query=IncidentQuery, response=IncidentList, errors=(401, 422))
def list_incidents(user, query):
    rows, total = service.list_incidents(user, query)
    return {"items": [service.to_dict(i) for i in rows], "total": total}


@operation(bp, "/incidents/{incident_id}", "GET", "One incident with its clocks, timeline and "
           "notifications", "incidents", response=IncidentOut, errors=(401, 403, 404))
def get_incident(user, incident_id):
    return service.to_dict(service.get_incident(user, incident_id))


@operation(bp, "/incidents/{incident_id}/notifications", "POST",
           "Notify a downstream city (e-mail to the agreement's contacts, or a logged call/fax)",
           "incidents", body=NotificationIn, response=SentOut, status=201,
           errors=(401, 403, 404, 409, 422, 503))
def notify_city(user, incident_id, body):
    row = notify.notify(user, incident_id, body)
    return {"city": row.city, "channel": row.channel, "sent_at": service.iso(row.at),
            "at": service.iso(row.at), "late": row.late, "recipients": row.recipients or []}


@operation(bp, "/incidents/{incident_id}/entries", "POST",
           "Add a measure taken or a level change to the timeline", "incidents", body=EntryIn,
           response=IncidentOut, status=201, errors=(401, 403, 404, 409, 422))
def add_entry(user, incident_id, body):
    return service.to_dict(service.add_entry(user, incident_id, body))


@operation(bp, "/incidents/{incident_id}/report.docx", "GET",
           "初报 / 续报 / 处理结果报告 (.docx) generated from the record", "incidents",
           query=ReportQuery, errors=(401, 403, 404, 422), media=DOCX)
def report_docx(user, incident_id, query):
    content, name = reports.report_for(user, incident_id, query.stage)
    return send_file(io.BytesIO(content), mimetype=DOCX, as_attachment=True,
                     download_name=name), 200


@operation(bp, "/incidents/{incident_id}/close", "POST",
           "Close an incident; each finding becomes a corrective action", "incidents",
           body=CloseIn, response=ClosedOut, errors=(401, 403, 404, 409, 422))
def close_incident(user, incident_id, body):
    incident, actions = closing.close_incident(user, incident_id, body)
    return {"status": incident.status, "action_ids": [a.id for a in actions]}


@operation(bp, "/resources", "POST", "Register an emergency resource (应急资源)", "incidents",
           body=ResourceIn, response=ResourceOut, status=201, errors=(401, 403, 422))
def add_resource(user, body):
    return resources.to_dict(resources.add_resource(user, body))


@operation(bp, "/resources", "GET", "The emergency resources register", "incidents",
           response=ResourceList, errors=(401,))
def list_resources(user):
    return {"items": [resources.to_dict(r) for r in resources.list_resources(user)]}


@operation(bp, "/resources/nearest", "GET", "Emergency resources nearest a point, by kind "
           "(straight-line distance, metric CRS)", "incidents", query=NearestQuery,
           response=NearestOut, errors=(401, 422))
def nearest_resources(user, query):
    return {"items": resources.nearest(user, query)}
