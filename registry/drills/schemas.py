"""One schema per input: drills, corrective actions and their queries (forms and API)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from registry.fields import Id, Latitude, Longitude, Page

Level = Literal["enterprise", "county", "city", "joint"]
Content = Literal["comprehensive", "single"]
Form = Literal["live", "tabletop"]
Legacy = Literal["tabletop", "functional", "full_scale"]
Theme = Literal["environmental", "counter_terrorism", "heavy_pollution_weather",
                "water_pollution", "hazardous_chemicals", "other"]
Pathway = Literal["air", "water", "both"]
Category = Literal["plan", "organisation", "equipment", "training", "coordination"]
ActionStatus = Literal["open", "in_progress", "done", "verified"]


class DrillIn(BaseModel):
    """Record a drill (应急演练). Cross-field rules (type axes, agreement only for joint
    drills, county) are checked by the service, which names the field at fault."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    held_on: date
    duration_hours: float = Field(gt=0, le=240)
    organiser_level: Level
    county_code: str | None = Field(None, max_length=12)
    organiser: str | None = Field(None, max_length=200)
    place: str | None = Field(None, max_length=300)
    longitude: Longitude
    latitude: Latitude
    content_type: Content | None = None
    form_type: Form | None = None
    legacy_type: Legacy | None = None
    theme: Theme
    enterprise_ids: list[Id] = Field(default_factory=list)
    # None: the current plans of the enterprises exercised.
    plan_ids: list[Id] | None = None
    agreement_id: Id | None = None
    scenario_substance: str | None = Field(None, max_length=200)
    scenario_pathway: Pathway | None = None
    participating_bodies: list[str] = Field(default_factory=list)
    headcount: int | None = Field(None, ge=0, le=100000)
    evaluation: str | None = Field(None, max_length=20000)


class DrillPatch(BaseModel):
    """Change some fields of a drill, or close / reopen it (``status``)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=300)
    held_on: date | None = None
    duration_hours: float | None = Field(None, gt=0, le=240)
    organiser_level: Level | None = None
    county_code: str | None = Field(None, max_length=12)
    organiser: str | None = Field(None, max_length=200)
    place: str | None = Field(None, max_length=300)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    content_type: Content | None = None
    form_type: Form | None = None
    legacy_type: Legacy | None = None
    theme: Theme | None = None
    enterprise_ids: list[Id] | None = None
    plan_ids: list[Id] | None = None
    agreement_id: Id | None = None
    scenario_substance: str | None = Field(None, max_length=200)
    scenario_pathway: Pathway | None = None
    participating_bodies: list[str] | None = None
    headcount: int | None = Field(None, ge=0, le=100000)
    evaluation: str | None = Field(None, max_length=20000)
    status: Literal["open", "closed"] | None = None


class DrillQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    year: int | None = Field(None, ge=1990, le=2100)
    county_code: str | None = None
    organiser_level: Level | None = None
    theme: Theme | None = None
    enterprise_id: Id | None = None
    status: Literal["open", "closed"] | None = None
    page: Page = 1
    per_page: int = Field(20, ge=1, le=200)


class ActionIn(BaseModel):
    """A corrective action (整改措施) for a problem the drill exposed."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    description: str = Field(min_length=1, max_length=5000)
    category: Category
    owner_name: str | None = Field(None, max_length=64)
    owner_unit: str | None = Field(None, max_length=200)
    owner_user_id: int | None = None
    due_on: date | None = None
    evidence: str | None = Field(None, max_length=5000)
    plan_needs_revision: bool = False
    # The exercised plan to revise; may be left out when the drill exercised one plan.
    plan_id: int | None = None


class ActionPatch(BaseModel):
    """Change an action, move it along open → in progress → done → verified."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    description: str | None = Field(None, min_length=1, max_length=5000)
    category: Category | None = None
    owner_name: str | None = Field(None, max_length=64)
    owner_unit: str | None = Field(None, max_length=200)
    owner_user_id: int | None = None
    due_on: date | None = None
    evidence: str | None = Field(None, max_length=5000)
    plan_needs_revision: bool | None = None
    plan_id: int | None = None
    status: ActionStatus | None = None


class ActionQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    status: ActionStatus | None = None
    overdue: bool | None = None
    county_code: str | None = None
    category: Category | None = None
    # Actions verified (closed) in this year.
    closed_year: int | None = Field(None, ge=1990, le=2100)
    drill_id: Id | None = None
    owner: str | None = Field(None, max_length=100)
    page: Page = 1
    per_page: int = Field(50, ge=1, le=500)


class ScheduleQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    county_code: str | None = None
    overdue: bool | None = None
    page: Page = 1
    per_page: int = Field(50, ge=1, le=500)
