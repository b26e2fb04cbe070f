"""Agreements: register, amend/renew, read and list by status (domain.md §6).

Statuses: *expired* after ``expires_on``; *expiring* within ``AGREEMENT_EXPIRING_DAYS``
(60) of it; otherwise *active*. Every change goes into the audit trail under the
agreement, so its history shows amendments, renewals, roster changes and meetings.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _

from registry import audit
from registry.unit_of_work import finish, marks_demo
from registry.agreements import permissions
from registry.agreements.schemas import (AgreementIn, AgreementPatch, AgreementQuery, ContactIn,
                                         PartyIn, SectionIn)
from registry.clock import today as local_today
from registry.errors import NotFound, ValidationFailed
from registry.extensions import db
from registry.jurisdictions.service import home_city_name
from registry.models import (Agreement, AgreementContact, AgreementParty, AgreementSection)
from registry.validation import validate

SCALARS = ("title", "rivers", "signed_on", "term_years", "expires_on", "renewal_on",
           "notification_triggers", "notification_channel", "notification_limit_hours",
           "joint_monitoring", "meeting_cadence")
ROLE_WORDS = {"upstream": "上游", "downstream": "下游", "both": "上下游"}


# --- reading ---------------------------------------------------------------------------

def status_of(agreement: Agreement, today: date | None = None) -> str:
    today = today or local_today()
    if agreement.expires_on < today:
        return "expired"
    if agreement.expires_on <= today + timedelta(days=current_app.config["AGREEMENT_EXPIRING_DAYS"]):
        return "expiring"
    return "active"


def contact_stale(contact: AgreementContact, today: date | None = None) -> bool:
    """Not verified for ``CONTACT_STALE_MONTHS`` (6) months, or never."""
    today = today or local_today()
    if contact.verified_on is None:
        return True
    return contact.verified_on <= today - relativedelta(months=current_app.config["CONTACT_STALE_MONTHS"])


def stale_count(agreement: Agreement, today: date | None = None) -> int:
    return sum(contact_stale(c, today) for p in agreement.parties for c in p.contacts)


def get_agreement(actor, agreement_id: int) -> Agreement:
    """One agreement (any logged-in user may read). Raises Unauthorized, NotFound."""
    permissions.require_read(actor)
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound(_("No agreement with id %(id)s.", id=agreement_id))
    return agreement


def list_agreements(actor, query: AgreementQuery, today: date | None = None):
    """[(agreement, status)] soonest expiry first, filtered by status and counterpart city."""
    permissions.require_read(actor)
    stmt = sa.select(Agreement).order_by(Agreement.expires_on, Agreement.id)
    if query.city:
        stmt = stmt.where(Agreement.parties.any(AgreementParty.city_name == query.city))
    rows = [(a, status_of(a, today)) for a in db.session.scalars(stmt)]
    return [(a, s) for a, s in rows if query.status is None or s == query.status]


def status_counts(actor, today: date | None = None) -> dict[str, int]:
    counts = {"active": 0, "expiring": 0, "expired": 0}
    for _a, status in list_agreements(actor, AgreementQuery(), today):
        counts[status] += 1
    return counts


# --- the rules that span fields --------------------------------------------------------

def check_agreement(data: AgreementIn) -> AgreementIn:
    """Cross-field rules, each error under the field it concerns. Fills ``expires_on``
    from ``term_years``. Raises ValidationFailed."""
    fields: dict[str, list[str]] = {}

    def fail(field, message):
        fields.setdefault(field, []).append(message)

    today = local_today()
    if data.signed_on > today:
        fail("signed_on", _("The signing date cannot be in the future."))
    if data.expires_on is None and data.term_years is not None:
        data.expires_on = data.signed_on + relativedelta(years=data.term_years) - timedelta(days=1)
    if data.expires_on is None:
        fail("expires_on", _("Give the expiry date or the term in years."))
    elif data.expires_on <= data.signed_on:
        fail("expires_on", _("The expiry date must be after the signing date (%(date)s).",
                             date=data.signed_on.isoformat()))
    if data.renewal_on is not None and data.renewal_on <= data.signed_on:
        fail("renewal_on", _("The renewal date must be after the signing date (%(date)s).",
                             date=data.signed_on.isoformat()))
    rivers = set(data.rivers)
    if len(rivers) != len(data.rivers):
        fail("rivers", _("A river is listed twice."))
    home, seen = home_city_name(), set()
    for i, party in enumerate(data.parties):
        if party.city_name == home or party.city_code == current_app.config["HOME_CITY_CODE"]:
            fail(f"parties.{i}.city_name", _("%(city)s is the home city and signs every agreement; "
                                             "list only the neighbouring cities.", city=home))
        if party.city_name in seen:
            fail(f"parties.{i}.city_name", _("%(city)s is listed as a party twice.", city=party.city_name))
        seen.add(party.city_name)
        for j, rr in enumerate(party.river_roles):
            if rr.river not in rivers:
                fail(f"parties.{i}.river_roles.{j}.river", _(
                    "“%(river)s” is not among the rivers the agreement covers.", river=rr.river))
    for i, section in enumerate(data.sections):
        if section.river not in rivers:
            fail(f"sections.{i}.river", _("“%(river)s” is not among the rivers the agreement covers.",
                                          river=section.river))
        if section.counterpart_city not in seen:
            fail(f"sections.{i}.counterpart_city", _("“%(city)s” is not a party to the agreement.",
                                                     city=section.counterpart_city))
    if fields:
        raise ValidationFailed(fields)
    return data


# --- writing ---------------------------------------------------------------------------

def snapshot(agreement: Agreement) -> dict:
    """What the history shows: the scalar fields, parties with roles, sections, roster."""
    snap = audit.snapshot(agreement, SCALARS)
    snap["parties"] = [party_line(p) for p in agreement.parties]
    snap["sections"] = [f"{s.name}（{s.river}）" for s in agreement.sections]
    snap["elements"] = dict(agreement.elements or {})
    snap["contacts"] = [f"{p.city_name} {c.name} {c.role}" for p in agreement.parties
                        for c in p.contacts]
    return snap


def party_line(party: AgreementParty) -> str:
    """漯河市（颍河下游、清潩河下游）漯河市生态环境局、漯河市水利局"""
    roles = "、".join(r["river"] + ROLE_WORDS[r["role"]] for r in party.river_roles)
    departments = "、".join(d for d in (party.environment_department, party.water_department) if d)
    return f"{party.city_name}（{roles}）{departments}"


def _apply_contacts(party: AgreementParty, contacts: list[ContactIn], is_demo: bool) -> None:
    by_id = {c.id: c for c in party.contacts}
    keep = []
    for data in contacts:
        contact = by_id.get(data.id) if data.id is not None else None
        if contact is None:
            contact = AgreementContact(is_demo=is_demo)
        for key, value in data.model_dump(exclude={"id"}).items():
            setattr(contact, key, value)
        keep.append(contact)
    party.contacts = keep


def _apply_parties(agreement: Agreement, parties: list[PartyIn]) -> None:
    by_id = {p.id: p for p in agreement.parties}
    keep = []
    for data in parties:
        party = by_id.get(data.id) if data.id is not None else None
        if party is None:
            party = AgreementParty()
        party.city_name, party.city_code = data.city_name, data.city_code
        party.environment_department = data.environment_department
        party.water_department = data.water_department
        party.river_roles = [rr.model_dump() for rr in data.river_roles]
        if data.contacts is not None:
            _apply_contacts(party, data.contacts, agreement.is_demo)
        keep.append(party)
    removed = [p for p in agreement.parties if p not in keep]
    agreement.parties = keep
    if removed:
        # A city that leaves and another that takes its name in the same change: let the
        # delete reach the database before the insert (unique agreement + city).
        db.session.flush()


def _apply_sections(agreement: Agreement, sections: list[SectionIn]) -> None:
    by_id = {s.id: s for s in agreement.sections}
    keep = []
    for data in sections:
        section = by_id.get(data.id) if data.id is not None else None
        if section is None:
            section = AgreementSection()
        for key, value in data.model_dump(exclude={"id"}).items():
            setattr(section, key, value)
        keep.append(section)
    agreement.sections = keep


def _apply(agreement: Agreement, data: AgreementIn) -> None:
    for key in SCALARS:
        setattr(agreement, key, getattr(data, key))
    texts = data.elements.model_dump() if data.elements else {}
    agreement.elements = {k: v for k, v in texts.items() if v} or None
    _apply_parties(agreement, data.parties)
    _apply_sections(agreement, data.sections)


def create_agreement(actor, data: AgreementIn) -> Agreement:
    """Register an agreement. Raises PermissionDenied, ValidationFailed."""
    permissions.require_write(actor)
    data = check_agreement(data)
    agreement = Agreement(is_demo=marks_demo())
    db.session.add(agreement)
    _apply(agreement, data)
    db.session.flush()
    audit.record(actor, "agreement.create", "agreement", agreement.id, None, snapshot(agreement))
    finish()
    return agreement


def as_input(agreement: Agreement) -> dict:
    """The agreement as an ``AgreementIn`` payload (ids kept), for amendments and forms."""
    data = {k: getattr(agreement, k) for k in SCALARS}
    data["elements"] = dict(agreement.elements) if agreement.elements else None
    data["parties"] = [{
        "id": p.id, "city_name": p.city_name, "city_code": p.city_code,
        "environment_department": p.environment_department, "water_department": p.water_department,
        "river_roles": [dict(r) for r in p.river_roles]} for p in agreement.parties]
    data["sections"] = [{
        "id": s.id, "name": s.name, "river": s.river, "counterpart_city": s.counterpart_city,
        "longitude": s.longitude, "latitude": s.latitude, "monitored_by": s.monitored_by,
        "layer_key": s.layer_key} for s in agreement.sections]
    return data


def update_agreement(actor, agreement_id: int, patch: AgreementPatch) -> Agreement:
    """Amend (修订) or renew (续签: a later expiry date) an agreement; the whole result is
    checked again as if newly registered. Raises NotFound, PermissionDenied, ValidationFailed."""
    agreement = get_agreement(actor, agreement_id)
    permissions.require_write(actor)
    changes = patch.model_dump(exclude_unset=True)
    note = changes.pop("note", None)
    merged = as_input(agreement)
    merged.update(changes)
    if "term_years" in changes and "expires_on" not in changes:
        merged["expires_on"] = None  # a new term recomputes the expiry
    data = check_agreement(validate(AgreementIn, _plain(merged)))
    before = snapshot(agreement)
    old_expiry = agreement.expires_on
    _apply(agreement, data)
    db.session.flush()
    old, new = audit.diff(before, snapshot(agreement))
    if new or note:
        if note:
            new["note"] = note
        action = "agreement.renew" if agreement.expires_on > old_expiry else "agreement.amend"
        audit.record(actor, action, "agreement", agreement.id, old, new)
    db.session.commit()
    return agreement


def _plain(value):
    """Re-validate a merged payload: dates and nested models back to plain JSON values."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def elements_of(agreement: Agreement) -> dict[str, dict]:
    """The eight elements of 环应急〔2020〕5号, each ``{"text", "covered", …parts}``: an
    element is covered by its text or by its structured parts (notification: the triggers;
    joint monitoring: its field; interception: the sections; support: joint drills)."""
    from registry.agreements.schemas import ELEMENTS
    from registry.models import Drill

    texts = agreement.elements or {}
    drills = [{"id": d.id, "held_on": d.held_on.isoformat(), "title": d.title}
              for d in db.session.scalars(sa.select(Drill).where(
                  Drill.agreement_id == agreement.id).order_by(Drill.held_on))]
    parts = {
        "notification": {"triggers": agreement.notification_triggers,
                         "channel": agreement.notification_channel,
                         "limit_hours": agreement.notification_limit_hours},
        "joint_monitoring": {"arrangement": agreement.joint_monitoring,
                             "meeting_cadence": agreement.meeting_cadence},
        "interception": {"sections": [s.name for s in agreement.sections]},
        "support": {"drills": drills},
    }
    structured = {"notification": bool(agreement.notification_triggers),
                  "joint_monitoring": bool(agreement.joint_monitoring),
                  "interception": bool(agreement.sections), "support": bool(drills)}
    return {key: {"text": texts.get(key), "covered": bool(texts.get(key)) or structured.get(key, False),
                  **parts.get(key, {})} for key in ELEMENTS}


def to_dict(agreement: Agreement, today: date | None = None) -> dict:
    today = today or local_today()
    data = _plain(as_input(agreement))
    data["element_texts"] = data.pop("elements")
    data["elements"] = elements_of(agreement)
    for party, out in zip(agreement.parties, data["parties"]):
        out["contacts"] = [contact_dict(c, today) for c in party.contacts]
    data.update(id=agreement.id, status=status_of(agreement, today), is_demo=agreement.is_demo,
                document=agreement.document_original_name,
                meetings=[{"id": m.id, "held_on": m.held_on.isoformat(), "place": m.place,
                           "participants": m.participants, "summary": m.summary}
                          for m in agreement.meetings])
    return data


def contact_dict(contact: AgreementContact, today: date | None = None) -> dict:
    return {"id": contact.id, "name": contact.name, "role": contact.role,
            "office_phone": contact.office_phone, "duty_phone": contact.duty_phone,
            "mobile": contact.mobile, "email": contact.email,
            "verified_on": contact.verified_on.isoformat() if contact.verified_on else None,
            "stale": contact_stale(contact, today), "is_demo": contact.is_demo}
