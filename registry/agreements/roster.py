"""Contact rosters (通讯录) and joint meetings (联席会议) of an agreement.

Each change is one unit of work recorded in the agreement's history."""
from __future__ import annotations

from flask_babel import gettext as _

from registry import audit
from registry.unit_of_work import finish, marks_demo
from registry.agreements import permissions
from registry.agreements.schemas import ContactIn, MeetingIn
from registry.agreements.service import get_agreement
from registry.clock import today as local_today
from registry.errors import NotFound, ValidationFailed
from registry.extensions import db
from registry.models import Agreement, AgreementContact, AgreementMeeting, AgreementParty

CONTACT_FIELDS = ("name", "role", "office_phone", "duty_phone", "mobile", "email", "verified_on")


def _party(agreement: Agreement, party_id: int) -> AgreementParty:
    party = next((p for p in agreement.parties if p.id == party_id), None)
    if party is None:
        raise NotFound(_("No party with id %(id)s in this agreement.", id=party_id))
    return party


def get_contact(actor, agreement_id: int, contact_id: int) -> AgreementContact:
    """A contact of one of the agreement's parties. Raises NotFound."""
    agreement = get_agreement(actor, agreement_id)
    for party in agreement.parties:
        for contact in party.contacts:
            if contact.id == contact_id:
                return contact
    raise NotFound(_("No contact with id %(id)s in this agreement.", id=contact_id))


def _label(contact: AgreementContact) -> dict:
    return {"party": contact.party.city_name, "contact": contact.name}


def add_contact(actor, agreement_id: int, party_id: int, data: ContactIn) -> AgreementContact:
    """Put a person on a party's roster. Raises NotFound, PermissionDenied."""
    agreement = get_agreement(actor, agreement_id)
    permissions.require_write(actor)
    party = _party(agreement, party_id)
    contact = AgreementContact(is_demo=False, **data.model_dump(exclude={"id"}))
    party.contacts.append(contact)
    db.session.flush()
    audit.record(actor, "agreement.contact_add", "agreement", agreement.id, None,
                 _label(contact) | audit.snapshot(contact, CONTACT_FIELDS[1:]))
    db.session.commit()
    return contact


def update_contact(actor, agreement_id: int, contact_id: int, data: ContactIn) -> AgreementContact:
    contact = get_contact(actor, agreement_id, contact_id)
    permissions.require_write(actor)
    before = audit.snapshot(contact, CONTACT_FIELDS)
    for key, value in data.model_dump(exclude={"id"}).items():
        setattr(contact, key, value)
    db.session.flush()
    old, new = audit.diff(before, audit.snapshot(contact, CONTACT_FIELDS))
    if new:
        audit.record(actor, "agreement.contact_change", "agreement", agreement_id, old,
                     _label(contact) | new)
    db.session.commit()
    return contact


def remove_contact(actor, agreement_id: int, contact_id: int) -> None:
    contact = get_contact(actor, agreement_id, contact_id)
    permissions.require_write(actor)
    label = _label(contact)
    contact.party.contacts.remove(contact)
    db.session.flush()
    audit.record(actor, "agreement.contact_remove", "agreement", agreement_id, label, None)
    db.session.commit()


def verify_contact(actor, agreement_id: int, contact_id: int) -> AgreementContact:
    """"Verified today" (核实): the contact's details were checked with the person today."""
    contact = get_contact(actor, agreement_id, contact_id)
    permissions.require_write(actor)
    before = contact.verified_on.isoformat() if contact.verified_on else None
    contact.verified_on = local_today()
    audit.record(actor, "agreement.contact_verify", "agreement", agreement_id,
                 {"verified_on": before}, _label(contact) | {"verified_on": contact.verified_on.isoformat()})
    db.session.commit()
    return contact


def add_meeting(actor, agreement_id: int, data: MeetingIn) -> AgreementMeeting:
    """Record a joint meeting. Raises NotFound, PermissionDenied, ValidationFailed (future date)."""
    agreement = get_agreement(actor, agreement_id)
    permissions.require_write(actor)
    if data.held_on > local_today():
        raise ValidationFailed({"held_on": [_("A meeting is recorded after it was held; the date "
                                              "cannot be in the future.")]})
    meeting = AgreementMeeting(is_demo=marks_demo(), **data.model_dump())
    agreement.meetings.append(meeting)
    db.session.flush()
    audit.record(actor, "agreement.meeting", "agreement", agreement.id, None,
                 audit.snapshot(meeting, ("held_on", "place", "participants", "summary")))
    finish()
    return meeting
