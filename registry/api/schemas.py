"""Response shapes, for the OpenAPI document (and for tests to check against)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from registry.drills.schemas_out import DrillStats

Level = Literal["general", "major", "serious"]
Status = Literal["filed", "due_soon", "overdue", "superseded", "revision_required"]


class ErrorBody(BaseModel):
    code: Literal["validation_failed", "unauthorized", "forbidden", "not_found", "conflict",
                  "bad_request", "method_not_allowed", "payload_too_large", "server_error"]
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody


class EnterpriseOut(BaseModel):
    id: int
    name: str
    credit_code: str
    county_code: str
    county_name: str | None
    address: str
    longitude: float | None  # None until placed (位置核查, 待定位)
    latitude: float | None
    industry: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    cross_region: bool
    is_demo: bool
    discharge_longitude: float | None = None
    discharge_latitude: float | None = None
    receiving_water: str | None = None


class FieldWarning(BaseModel):
    """Saved, but it looks wrong: the field, the rule and what to check (never a refusal)."""
    field: str
    rule: str
    message: str


class EnterpriseDetail(EnterpriseOut):
    """One enterprise as registered, changed or read, with what looks wrong in it."""
    warnings: list[FieldWarning]


class CurrentPlanSummary(BaseModel):
    id: int
    filing_number: str
    risk_level: Level
    review_due_on: str
    status: Status


class EnterpriseListItem(EnterpriseOut):
    current_plan: CurrentPlanSummary | None


class EnterprisePage(BaseModel):
    items: list[EnterpriseListItem]
    total: int
    page: int
    per_page: int


class PlanOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    version: int
    title: str
    signed_on: str
    filed_on: str
    filing_number: str
    filing_number_irregular: bool
    risk_level: Level
    risk_notation: str | None
    risk_assessment: dict | None
    filing_deadline: str
    deadline_approximate: bool
    filed_late: bool
    review_due_on: str
    status: Status
    is_current: bool
    revision_required: bool
    overdue: bool
    revision_reason: str | None
    reason: str | None  # the reason given when this version was filed as a major revision
    superseded_by_id: int | None
    documents: list[str]
    complete: bool
    missing_documents: list[str]
    documents_status: Literal["complete", "missing_documents"]
    is_demo: bool
    grading_check: Literal["agrees", "mismatch", "no_inventory"] = Field(
        description="The filed level against the level computed from the enterprise's risk "
                    "inventory (HJ 941-2018, issue #20); no_inventory without one")


class PlanPage(BaseModel):
    items: list[PlanOut]
    total: int
    page: int
    per_page: int


class PlanStats(BaseModel):
    total: int
    by_risk_level: dict[str, int]
    by_county: dict[str, int]
    by_status: dict[str, int]
    overdue_total: int


class StatsOut(BaseModel):
    plans: PlanStats
    drills: DrillStats


class StatsQuery(BaseModel):
    year: int | None = Field(None, ge=1990, le=2100)


# Risk map ------------------------------------------------------------------------------

class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: list[float]


class EnterprisePointProperties(BaseModel):
    id: int
    name: str
    credit_code: str
    county_code: str
    filing_number: str
    plan_id: int
    risk_level: Level
    notation: str
    review_due_on: str
    status: Status


class EnterprisePoint(BaseModel):
    type: Literal["Feature"]
    id: int
    geometry: PointGeometry
    properties: EnterprisePointProperties


class EnterprisePoints(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[EnterprisePoint]


class LayerFeature(BaseModel):
    type: Literal["Feature"]
    geometry: dict | None
    properties: dict


class Layer(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[LayerFeature]


class UpstreamItem(BaseModel):
    id: int
    name: str
    credit_code: str
    county_code: str
    filing_number: str
    risk_level: Level
    status: Status
    river: str | None
    distance_upstream_m: float
    distance_to_river_m: float
    quantity_t: float | None = Field(None, description="With substance_id: the maximum "
                                                      "quantity of it on site (t)")


class UpstreamOut(BaseModel):
    items: list[UpstreamItem]
    lon: float
    lat: float
    km: float
    substance_id: int | None = None
    total_t: float | None = Field(None, description="With substance_id: the sum of the "
                                                   "items' quantity_t")


class MisplacedItem(BaseModel):
    id: int
    name: str
    declared_code: str
    declared_name: str | None
    actual_code: str | None
    actual_name: str | None
    lon: float
    lat: float


class MisplacedOut(BaseModel):
    items: list[MisplacedItem]


class DownstreamEnterprise(BaseModel):
    id: int
    name: str
    county_code: str


class DownstreamOut(BaseModel):
    """The trace's details (river segments, receptors reached, arrival times) vary with the
    layers; the document fixes the parts every answer has."""

    enterprise: DownstreamEnterprise
    flow_speed_mps_default: float
    river_near: bool = Field(description="False when no river lies within TRACE_MAX_SNAP_KM: "
                                         "nothing traced; river and distance_to_river_m name "
                                         "the nearest")
    river: str
    distance_to_river_m: float


class DeadlineOut(BaseModel):
    signed_on: str
    deadline: str
    approximate: bool = Field(description="True when a year without an official calendar was "
                                          "involved: statutory holidays only, no 调休")
    working_days: int


class PlanChangeItem(BaseModel):
    id: int
    changed_on: str
    notify_by: str
    notify_by_approximate: bool
    notified_on: str
    notified_late: bool
    summary: str | None


class PlanChangeOut(BaseModel):
    items: list[PlanChangeItem]
