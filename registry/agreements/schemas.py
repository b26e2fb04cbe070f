"""One schema per input, shared by the HTML forms and the JSON API.

Rules that need more than one field (expiry after signing, a section's river among the
agreement's rivers, the home city not a party…) are checked in ``service.check_agreement``
so the error can name the exact field (``parties.1.city_name``)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from registry.fields import (MOBILE, Email, Id, Latitude, Longitude, Phone, halfwidth,
                             normalise_phone)
from registry.validation import FieldError

RiverRole = Literal["upstream", "downstream", "both"]
MonitoredBy = Literal["home", "counterpart", "joint"]
Status = Literal["active", "expiring", "expired"]
Text = Annotated[str, Field(min_length=1, max_length=200)]


def _mobile(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    compact = normalise_phone(value)
    if not MOBILE.match(compact):
        raise FieldError(_("Mobile number “%(value)s” must have 11 digits and start with 1.",
                           value=value))
    return compact


Mobile = Annotated[str | None, BeforeValidator(halfwidth), AfterValidator(_mobile)]


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class RiverRoleIn(_In):
    river: Annotated[str, Field(min_length=1, max_length=100)]
    role: RiverRole


class ContactIn(_In):
    """One person on a party's roster; at least one telephone number."""

    id: int | None = None
    name: Annotated[str, Field(min_length=1, max_length=64)]
    role: Annotated[str, Field(min_length=1, max_length=100)]
    office_phone: Phone = None
    duty_phone: Phone = None  # 24-hour duty phone (24小时值班电话)
    mobile: Mobile = None
    email: Email = None
    verified_on: date | None = None

    @model_validator(mode="after")
    def _reachable(self):
        if not (self.office_phone or self.duty_phone or self.mobile):
            raise FieldError(_("Give at least one telephone number (office, 24-hour duty or mobile)."))
        return self


class PartyIn(_In):
    """A neighbouring city that is party to the agreement. ``contacts`` left out keeps the
    roster as it is (PATCH); given, it replaces it (contacts matched by ``id``)."""

    id: int | None = None
    city_name: Annotated[str, Field(min_length=1, max_length=64)]
    city_code: Annotated[str | None, Field(pattern=r"^\d{6}$")] = None
    environment_department: Text
    water_department: Annotated[str | None, Field(max_length=200)] = None
    river_roles: Annotated[list[RiverRoleIn], Field(min_length=1)]
    contacts: list[ContactIn] | None = None


class SectionIn(_In):
    """A boundary section (跨界断面): from the sections layer (``layer_key``) or a new point."""

    id: int | None = None
    name: Text
    river: Annotated[str, Field(min_length=1, max_length=100)]
    counterpart_city: Annotated[str, Field(min_length=1, max_length=64)]
    longitude: Longitude
    latitude: Latitude
    monitored_by: MonitoredBy
    layer_key: Annotated[str | None, Field(max_length=200)] = None


ElementText = Annotated[str | None, Field(max_length=4000)]

# The eight elements of an upstream–downstream agreement (环应急〔2020〕5号), in its order.
ELEMENTS = ("cooperation", "risk_warning", "interception", "notification", "joint_monitoring",
            "joint_response", "dispute_resolution", "support")


class ElementsIn(_In):
    """The text of each element; the structured parts are the agreement's own fields."""

    cooperation: ElementText = None          # 协作机制
    risk_warning: ElementText = None         # 研判预警
    interception: ElementText = None         # 污染拦截 (with the sections)
    notification: ElementText = None         # 信息通报 (with triggers, channel, time limit)
    joint_monitoring: ElementText = None     # 联合监测
    joint_response: ElementText = None       # 协同处置
    dispute_resolution: ElementText = None   # 纠纷调处
    support: ElementText = None              # 应急资源保障 / 联合演练 (with the drills)


class AgreementIn(_In):
    """Register an agreement (上下游突发水污染事件联防联控协议)."""

    title: Annotated[str, Field(min_length=1, max_length=300)]
    rivers: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(min_length=1)]
    signed_on: date
    term_years: Annotated[int | None, Field(ge=1, le=50)] = None
    expires_on: date | None = None  # computed from term_years when left out
    renewal_on: date | None = None
    notification_triggers: Annotated[str, Field(min_length=1, max_length=4000)]
    notification_channel: Text
    notification_limit_hours: Annotated[float | None, Field(gt=0, le=720)] = None
    joint_monitoring: Annotated[str | None, Field(max_length=4000)] = None
    meeting_cadence: Annotated[str | None, Field(max_length=200)] = None
    elements: ElementsIn | None = None
    parties: Annotated[list[PartyIn], Field(min_length=1)]
    sections: list[SectionIn] = Field(default_factory=list)


class AgreementPatch(_In):
    """Amend or renew: only the fields given change; lists given replace the old ones
    (entries carrying an ``id`` are updated in place). ``note`` is kept in the history."""

    title: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    rivers: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]] | None,
                      Field(min_length=1)] = None
    signed_on: date | None = None
    term_years: Annotated[int | None, Field(ge=1, le=50)] = None
    expires_on: date | None = None
    renewal_on: date | None = None
    notification_triggers: Annotated[str | None, Field(min_length=1, max_length=4000)] = None
    notification_channel: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    notification_limit_hours: Annotated[float | None, Field(gt=0, le=720)] = None
    joint_monitoring: Annotated[str | None, Field(max_length=4000)] = None
    meeting_cadence: Annotated[str | None, Field(max_length=200)] = None
    elements: ElementsIn | None = None
    parties: Annotated[list[PartyIn] | None, Field(min_length=1)] = None
    sections: list[SectionIn] | None = None
    note: Annotated[str | None, Field(max_length=1000)] = None


class MeetingIn(_In):
    """A joint meeting (联席会议) held under the agreement."""

    held_on: date
    place: Text
    participants: Annotated[str | None, Field(max_length=2000)] = None
    summary: Annotated[str, Field(min_length=1, max_length=4000)]


class AgreementQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    status: Status | None = None
    city: str | None = None


class SheetQuery(BaseModel):
    """Where the incident is: an enterprise, or a WGS-84 point (checked in ``sheet.incident``
    so the message names the missing field)."""

    model_config = ConfigDict(extra="forbid")

    enterprise_id: Id | None = None
    lon: Longitude | None = None
    lat: Latitude | None = None
