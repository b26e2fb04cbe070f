"""One schema per input of incident mode (forms and API)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from registry.fields import Id, Latitude, Longitude, Page
from registry.validation import FieldError


def _plausible(value: datetime) -> datetime:
    """A time of this registry's era: converting year 1 or 9999 between zones overflows."""
    if not 2000 <= value.year <= 2100:
        raise FieldError(_("Give a time between the years 2000 and 2100."))
    return value


Moment = Annotated[datetime, AfterValidator(_plausible)]

Level = Literal["general", "major", "serious", "especially_serious"]
Medium = Literal["water", "air", "soil"]
Channel = Literal["hotline", "enterprise", "patrol", "monitoring", "other"]
Stage = Literal["initial", "followup", "final"]
ResourceKind = Literal["material", "equipment", "team", "expert"]
Category = Literal["plan", "organisation", "equipment", "training", "coordination"]


class IncidentIn(BaseModel):
    """Report an incident (接报): at an enterprise, or at a point (longitude, latitude)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    reported_at: Moment  # without a zone: local time (TIMEZONE)
    enterprise_id: Id | None = None
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    place: str | None = Field(None, max_length=300)
    medium: Medium
    substance: str = Field(min_length=1, max_length=200)
    quantity_t: float | None = Field(None, ge=0, le=1_000_000)
    summary: str = Field(min_length=1, max_length=5000)
    level: Level = "general"
    reported_by: str | None = Field(None, max_length=100)
    report_channel: Channel = "hotline"
    drill_id: Id | None = None  # 演练模式: an exercise incident for this drill


class NotificationIn(BaseModel):
    """Notify a downstream city: by e-mail to the agreement's contacts, or log a call/fax."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    city: str = Field(min_length=1, max_length=64)
    channel: Literal["email", "phone", "fax"]
    contact: str | None = Field(None, max_length=100)  # whom (phone/fax)
    note: str | None = Field(None, max_length=2000)
    at: Moment | None = None  # when the call was made (phone/fax); default now


class EntryIn(BaseModel):
    """A timeline entry: a measure taken (关闭XX闸, 投放吸附棉) or a level change."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    text: str | None = Field(None, max_length=2000)
    level: Level | None = None
    at: Moment | None = None


class FindingIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    description: str = Field(min_length=1, max_length=5000)
    category: Category
    plan_needs_revision: bool = False
    owner_name: str | None = Field(None, max_length=64)
    owner_unit: str | None = Field(None, max_length=200)
    due_on: date | None = None


class CloseIn(BaseModel):
    """Close an incident; each finding becomes a corrective action (整改)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    findings: list[FindingIn] = Field(default_factory=list, max_length=100)
    summary: str | None = Field(None, max_length=5000)


class ReportIn(BaseModel):
    """The contents of a report (初报/续报/处理结果报告), prefilled from the record and
    editable before download."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    stage: Stage = "initial"
    time: str | None = Field(None, max_length=200)
    place: str | None = Field(None, max_length=300)
    source: str | None = Field(None, max_length=2000)
    pollutant: str | None = Field(None, max_length=500)
    casualties: str | None = Field(None, max_length=2000)
    affected: str | None = Field(None, max_length=5000)
    trend: str | None = Field(None, max_length=5000)
    measures: str | None = Field(None, max_length=5000)
    next_steps: str | None = Field(None, max_length=5000)


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage = "initial"


class IncidentQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "closed"] | None = None
    page: Page = 1


class DutyIn(BaseModel):
    """One day of the 24-hour duty roster (24小时值班)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    on_date: date
    officer: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=3, max_length=32)
    note: str | None = Field(None, max_length=200)


class ResourceIn(BaseModel):
    """An emergency resource (应急资源): 物资/装备/队伍/专家."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: ResourceKind
    quantity: float = Field(ge=0, le=1e9)
    unit: str = Field(min_length=1, max_length=16)
    owner: str = Field(min_length=1, max_length=200)
    longitude: Longitude
    latitude: Latitude
    contact: str | None = Field(None, max_length=100)
    last_checked_on: date | None = None


class SurveyResourceIn(BaseModel):
    """A row of an enterprise's 应急资源调查: what it holds itself; the owning unit is the
    enterprise, the place its location unless given."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: ResourceKind
    quantity: float = Field(ge=0, le=1e9)
    unit: str = Field(min_length=1, max_length=16)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    contact: str | None = Field(None, max_length=100)
    last_checked_on: date | None = None


class NearestQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    longitude: Longitude
    latitude: Latitude
    kind: ResourceKind | None = None
    limit: int = Field(10, ge=1, le=100)
