"""Enterprise accounts (企业用户, issue #19), made where the county works: an officer of the
enterprise's county (or an administrator) makes an account from the enterprise page, or
approves an enterprise's own request (企业用户注册申请, made without log-in at
``/portal/register``). Either way the account gets no password from the officer: its owner
chooses one through a one-time link mailed to them (``registry.auth.links``).

A request names a county and a credit code. It is approved only for an enterprise already
in the register of that county (the officer registers a new one first), and answers the
requester the same whatever the register holds, so the form tells a stranger nothing."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, field_validator

from registry import audit, permissions
from registry.auth import links
from registry.auth import service as auth
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.extensions import db
from registry.fields import CreditCode, Name, Phone
from registry.fields import Email as EmailField
from registry.hardening.text import has_control
from registry.models import County, EnrolmentRequest, Enterprise, User
from registry.models.accounts import user_enterprises
from registry.models.base import utcnow

ENROLMENT_STATUS_LABELS = {"pending": _l("Pending"), "approved": _l("Approved"),
                           "refused": _l("Refused")}
FIELD_LABELS = {"username": _l("User name"), "display_name": _l("Name"), "email": _l("E-mail"),
                "county_code": _l("County"), "credit_code": _l("Unified social credit code"),
                "enterprise_name": _l("Enterprise name"), "contact_name": _l("Contact person"),
                "contact_phone": _l("Contact phone"), "reason": _l("Reason")}
# Open requests one credit code may have at a time: the public form cannot fill the
# county's queue with copies.
MAX_PENDING_PER_CREDIT_CODE = 3


class TooManyRequests(auth.TooManyAttempts):
    """Too many requests from one address in an hour: 429."""

    def __init__(self):
        super().__init__(3600)
        self.message = _("Too many requests from this address. Try again in an hour.")


class _UserName(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")


class AccountIn(_UserName):
    """An enterprise account made by an officer: the link goes to ``email``."""

    display_name: str | None = Field(None, max_length=64)
    email: EmailField

    @field_validator("email")
    @classmethod
    def _required(cls, value):
        if not value:
            raise ValueError(_("An e-mail address is required: the link to set the password "
                               "is sent there."))
        return value


class EnrolmentIn(_UserName):
    """The public request form."""

    county_code: str = Field(min_length=6, max_length=12, pattern=r"^\d+$")
    credit_code: CreditCode
    enterprise_name: Name
    contact_name: str = Field(min_length=1, max_length=64)
    contact_phone: Phone
    email: EmailField

    @field_validator("email", "contact_phone")
    @classmethod
    def _present(cls, value):
        if not value:
            raise ValueError(_("This field is required."))
        return value

    @field_validator("enterprise_name", "contact_name", "display_name", check_fields=False)
    @classmethod
    def _one_line(cls, value):
        if value and has_control(value):
            raise ValueError(_("At most one line of text."))
        return value


class DecisionIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


# Who ------------------------------------------------------------------------------------

def can_manage_accounts(actor, county_code: str) -> bool:
    """An officer who may write the county, or an administrator."""
    return (not permissions.is_enterprise_user(actor)
            and permissions.can_write_county(actor, county_code))


def _enterprise(actor, enterprise_id: int, write: bool = False) -> Enterprise:
    ent = db.session.get(Enterprise, enterprise_id)
    if ent is None or permissions.is_enterprise_user(actor):
        raise NotFound(_("No such record."))
    if write:
        permissions.require_write_county(actor, ent.county_code)
    else:
        permissions.require_read_county(actor, ent.county_code)
    return ent


# Accounts of an enterprise -----------------------------------------------------------------

def accounts_of(actor, enterprise_id: int) -> list[dict]:
    """The enterprise's accounts, for its page: name, e-mail, active, waiting for the owner
    to set the password."""
    ent = _enterprise(actor, enterprise_id)
    users = list(db.session.scalars(
        sa.select(User).join(user_enterprises, user_enterprises.c.user_id == User.id)
        .where(user_enterprises.c.enterprise_id == ent.id).order_by(User.username)))
    waiting = links.pending_user_ids(u.id for u in users)
    return [{"id": u.id, "username": u.username, "display_name": u.display_name,
             "email": u.email, "active": u.active, "link_pending": u.id in waiting,
             "created_at": u.created_at} for u in users]


def _taken(username: str) -> bool:
    return db.session.scalar(sa.select(User.id).where(User.username == username)) is not None


def _new_account(actor, ent: Enterprise, username: str, email: str,
                 display_name: str | None) -> User:
    if _taken(username):
        raise ValidationFailed({"username": [_("User name %(name)s is taken.", name=username)]})
    user = User(username=username, role="enterprise", password_hash=links.unusable_password(),
                email=email, display_name=display_name or None, enterprises=[ent])
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, None,
                 {"username": username, "role": "enterprise", "email": email,
                  "enterprises": [ent.credit_code]})
    return user


def create_account(actor, enterprise_id: int, data: AccountIn) -> User:
    """Make an account for the enterprise and mail its owner the link. Nothing is kept if
    the mail cannot be sent (the officer is told and may try again)."""
    ent = _enterprise(actor, enterprise_id, write=True)
    user = _new_account(actor, ent, data.username, data.email, data.display_name)
    token = links.issue(actor, user)
    links.send(user, token, "submissions/mail/account_link", enterprise=ent, approved=False)
    db.session.commit()
    return user


def _account_of(actor, enterprise_id: int, user_id: int) -> tuple[Enterprise, User]:
    ent = _enterprise(actor, enterprise_id, write=True)
    user = db.session.get(User, user_id)
    if user is None or user.role != "enterprise" or ent not in user.enterprises:
        raise NotFound(_("No such record."))
    return ent, user


def resend_link(actor, enterprise_id: int, user_id: int) -> User:
    """A new link (the old one stops working), e.g. when the first expired or got lost."""
    ent, user = _account_of(actor, enterprise_id, user_id)
    if not user.active:
        raise Conflict(_("This account is deactivated."))
    if not user.email:
        raise Conflict(_("This account has no e-mail address."))
    token = links.issue(actor, user)
    audit.record(actor, "user.link_sent", "user", user.id, None, {"email": user.email})
    links.send(user, token, "submissions/mail/account_link", enterprise=ent, approved=False)
    db.session.commit()
    return user


def set_active(actor, enterprise_id: int, user_id: int, active: bool) -> User:
    """Deactivate (sessions end, tokens revoked, links closed) or reactivate an account of
    an enterprise of the officer's county. An account that also acts for an enterprise of
    another county is left to an administrator."""
    _ent, user = _account_of(actor, enterprise_id, user_id)
    if any(not permissions.can_write_county(actor, e.county_code) for e in user.enterprises):
        permissions.require(False, actor, _("This account also acts for an enterprise outside "
                                            "your jurisdiction; ask an administrator."))
    return auth.set_active(actor, user, active)


# Self-registration ---------------------------------------------------------------------------

def request_enrolment(data: EnrolmentIn, remote_addr: str | None) -> None:
    """Record a request (no log-in). Refused when the county is unknown, and throttled per
    address (``ENROLMENT_MAX_PER_HOUR``); a credit code with too many open requests adds
    none. The answer is the same whether the enterprise is registered or not."""
    from flask import current_app

    if db.session.get(County, data.county_code) is None:
        raise ValidationFailed({"county_code": [_("Unknown county code %(code)s.",
                                                  code=data.county_code)]})
    address = (remote_addr or "unknown")[:64]
    limit = current_app.config.get("ENROLMENT_MAX_PER_HOUR", 5)
    if auth.count_attempt(f"enrol:{address}", timedelta(hours=1)) > limit:
        db.session.commit()
        raise TooManyRequests()
    open_requests = db.session.scalar(
        sa.select(sa.func.count()).select_from(EnrolmentRequest)
        .where(EnrolmentRequest.credit_code == data.credit_code,
               EnrolmentRequest.status == "pending"))
    if open_requests < MAX_PENDING_PER_CREDIT_CODE:
        row = EnrolmentRequest(county_code=data.county_code, credit_code=data.credit_code,
                               enterprise_name=data.enterprise_name,
                               contact_name=data.contact_name,
                               contact_phone=data.contact_phone, email=data.email,
                               username=data.username, status="pending",
                               remote_addr=address)
        db.session.add(row)
        db.session.flush()
        audit.record(None, "enrolment.request", "enrolment", row.id, None,
                     {"credit_code": data.credit_code, "county_code": data.county_code,
                      "username": data.username})
    db.session.commit()


def list_requests(actor, status: str | None = "pending") -> list[EnrolmentRequest]:
    """Requests of the counties the caller may read (an administrator: all); deciding one
    needs the right to write its county."""
    permissions.require(permissions.visible_county_codes(actor) != set()
                        and not permissions.is_enterprise_user(actor), actor)
    stmt = sa.select(EnrolmentRequest).order_by(EnrolmentRequest.created_at,
                                                 EnrolmentRequest.id)
    if status:
        stmt = stmt.where(EnrolmentRequest.status == status)
    stmt = permissions.scope(stmt, actor, EnrolmentRequest.county_code)
    return list(db.session.scalars(stmt.limit(500)))


def get_request(actor, request_id: int) -> EnrolmentRequest:
    row = db.session.get(EnrolmentRequest, request_id)
    if row is None or permissions.is_enterprise_user(actor):
        raise NotFound(_("No such record."))
    permissions.require_write_county(actor, row.county_code)
    return row


def match(row: EnrolmentRequest) -> Enterprise | None:
    """The registered enterprise the request names (its credit code, in its county)."""
    return db.session.scalar(sa.select(Enterprise).where(
        Enterprise.credit_code == row.credit_code, Enterprise.county_code == row.county_code))


def _decide(actor, row: EnrolmentRequest, status: str, reason: str | None) -> None:
    if row.status != "pending":
        raise Conflict(_("This request has already been decided."))
    row.status, row.decision_reason = status, reason
    row.decided_by = getattr(actor, "username", None)
    row.decided_at = utcnow()
    audit.record(actor, f"enrolment.{'approve' if status == 'approved' else 'refuse'}",
                 "enrolment", row.id, {"status": "pending"},
                 {"status": status, "reason": reason})


def approve(actor, request_id: int) -> User:
    """Make the account the request asks for, bound to the registered enterprise, and mail
    the link to the requester."""
    row = get_request(actor, request_id)
    ent = match(row)
    if ent is None:
        raise Conflict(_("No enterprise with credit code %(code)s is registered in this "
                         "county. Register the enterprise first, or refuse the request.",
                         code=row.credit_code))
    _decide(actor, row, "approved", None)
    user = _new_account(actor, ent, row.username, row.email, row.contact_name)
    row.user_id = user.id
    token = links.issue(actor, user)
    links.send(user, token, "submissions/mail/account_link", enterprise=ent, approved=True)
    db.session.commit()
    return user


def refuse(actor, request_id: int, data: DecisionIn) -> EnrolmentRequest:
    """Refuse with a reason, which is mailed to the requester."""
    row = get_request(actor, request_id)
    _decide(actor, row, "refused", data.reason)
    links.send_mail(row.email, row.contact_name, "submissions/mail/enrolment_refused",
                    enrolment=row)
    db.session.commit()
    return row
