"""JSON API for agreements and the notification sheet (same error contract as the core)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from registry.agreements import roster, service, sheet
from registry.agreements.schemas import (AgreementIn, AgreementPatch, AgreementQuery, RiverRole,
                                         SheetQuery, Status)
from registry.api import bp
from registry.api.routing import operation


class ContactOut(BaseModel):
    id: int
    name: str
    role: str
    office_phone: str | None
    duty_phone: str | None
    mobile: str | None
    email: str | None
    verified_on: str | None
    stale: bool
    is_demo: bool


class RiverRoleOut(BaseModel):
    river: str
    role: RiverRole


class PartyOut(BaseModel):
    id: int
    city_name: str
    city_code: str | None
    environment_department: str
    water_department: str | None
    river_roles: list[RiverRoleOut]
    contacts: list[ContactOut]


class SectionOut(BaseModel):
    id: int
    name: str
    river: str
    counterpart_city: str
    longitude: float
    latitude: float
    monitored_by: str
    layer_key: str | None


class MeetingOut(BaseModel):
    id: int
    held_on: str
    place: str
    participants: str | None
    summary: str


class AgreementOut(BaseModel):
    id: int
    title: str
    rivers: list[str]
    signed_on: str
    term_years: int | None
    expires_on: str
    renewal_on: str | None
    status: Status
    notification_triggers: str
    notification_channel: str
    notification_limit_hours: float | None
    joint_monitoring: str | None
    meeting_cadence: str | None
    parties: list[PartyOut]
    sections: list[SectionOut]
    meetings: list[MeetingOut]
    document: str | None
    is_demo: bool
    elements: dict[str, dict] = Field(description="The eight elements of 环应急〔2020〕5号: "
                                                  "{cooperation, risk_warning, interception, "
                                                  "notification, joint_monitoring, "
                                                  "joint_response, dispute_resolution, support}"
                                                  ", each {text, covered, …parts}")
    element_texts: dict[str, str] | None


class AgreementList(BaseModel):
    items: list[AgreementOut]
    total: int
    by_status: dict[str, int]


class NotificationSheetOut(BaseModel):
    origin: dict
    home_city: str
    generated_on: str
    destinations: list[dict]
    # The home city's own drinking-water intakes the spill reaches (name, river,
    # distance_m, arrival_hours, is_demo): not cities to notify.
    own_intakes: list[dict] = []


@operation(bp, "/agreements", "GET", "List agreements (upstream–downstream joint response)",
           "agreements", query=AgreementQuery, response=AgreementList, errors=(401, 422))
def list_agreements(user, query):
    rows = service.list_agreements(user, query)
    return {"items": [service.to_dict(a) for a, _s in rows], "total": len(rows),
            "by_status": service.status_counts(user)}


@operation(bp, "/agreements", "POST", "Register an agreement", "agreements", body=AgreementIn,
           response=AgreementOut, status=201, errors=(401, 403, 422))
def create_agreement(user, body):
    return service.to_dict(service.create_agreement(user, body))


@operation(bp, "/agreements/{agreement_id}", "GET", "One agreement with its rosters and meetings",
           "agreements", response=AgreementOut, errors=(401, 404))
def get_agreement(user, agreement_id):
    return service.to_dict(service.get_agreement(user, agreement_id))


@operation(bp, "/agreements/{agreement_id}", "PATCH", "Amend or renew an agreement", "agreements",
           body=AgreementPatch, response=AgreementOut, errors=(401, 403, 404, 422))
def update_agreement(user, agreement_id, body):
    return service.to_dict(service.update_agreement(user, agreement_id, body))


@operation(bp, "/agreements/{agreement_id}/contacts/{contact_id}/verify", "POST",
           "Mark a contact verified today", "agreements", response=ContactOut,
           errors=(401, 403, 404))
def verify_contact(user, agreement_id, contact_id):
    return service.contact_dict(roster.verify_contact(user, agreement_id, contact_id))


@operation(bp, "/notification-sheet", "GET",
           "Notification sheet for an incident at an enterprise or a point", "agreements",
           query=SheetQuery, response=NotificationSheetOut, errors=(401, 403, 404, 422, 503))
def notification_sheet(user, query):
    return sheet.notification_sheet(user, query)
