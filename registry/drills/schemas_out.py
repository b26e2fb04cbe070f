"""Response shapes of the drill API (for the OpenAPI document and the tests)."""
from __future__ import annotations

from pydantic import BaseModel


class NamedRef(BaseModel):
    id: int
    name: str


class ExercisedPlan(BaseModel):
    id: int
    filing_number: str
    version: int
    is_current: bool
    revision_required: bool


class AttachmentOut(BaseModel):
    id: int
    kind: str
    name: str
    size: int


class EvidenceFile(BaseModel):
    id: int
    name: str


class ActionOut(BaseModel):
    id: int
    drill_id: int | None  # None: the action belongs to an incident
    drill_title: str | None
    incident_id: int | None
    description: str
    category: str
    owner_name: str | None
    owner_unit: str | None
    owner_user_id: int | None
    due_on: str | None
    status: str
    overdue: bool
    evidence: str | None
    done_on: str | None
    done_by: str | None
    verified_by: str | None
    verified_on: str | None
    plan_needs_revision: bool
    plan_id: int | None
    evidence_files: list[EvidenceFile]
    is_demo: bool


class ActionPage(BaseModel):
    items: list[ActionOut]
    total: int
    page: int
    per_page: int


class DrillOut(BaseModel):
    id: int
    title: str
    held_on: str
    duration_hours: float
    organiser_level: str
    organiser: str | None
    county_code: str | None
    county_name: str | None
    place: str | None
    longitude: float
    latitude: float
    content_type: str | None
    form_type: str | None
    legacy_type: str | None
    type: str
    theme: str
    agreement_id: int | None
    enterprises: list[NamedRef]
    plans: list[ExercisedPlan]
    scenario_substance: str | None
    scenario_pathway: str | None
    participating_bodies: list[str]
    headcount: int | None
    evaluation: str | None
    status: str
    closed_on: str | None
    attachments: list[AttachmentOut]
    actions: list[ActionOut]
    all_actions_verified: bool
    is_demo: bool


class DrillPage(BaseModel):
    items: list[DrillOut]
    total: int
    page: int
    per_page: int


class LastDrill(BaseModel):
    id: int
    title: str
    held_on: str


class DrillStatusOut(BaseModel):
    enterprise_id: int
    enterprise_name: str
    drill_count: int
    last_drill: LastDrill | None
    risk_level: str | None
    interval_months: int | None
    next_due_on: str | None
    overdue: bool
    has_current_plan: bool


class DrillStats(BaseModel):
    year: int
    total: int
    by_type: dict[str, int]
    by_theme: dict[str, int]
    by_organiser: dict[str, int]
