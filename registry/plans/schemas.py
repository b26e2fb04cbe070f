from __future__ import annotations

from datetime import date
from typing import Literal

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from registry.fields import Id, Page, RiskLevel, RiskNotation
from registry.validation import FieldError

DocumentName = Literal["filing_form", "plan", "risk_assessment", "resource_survey", "expert_review"]


class MediumIn(BaseModel):
    """One medium of the HJ 941-2018 breakdown: Q = Σq/Q, M score, E class."""

    model_config = ConfigDict(extra="forbid")

    q: float = Field(ge=0)
    m: float = Field(0, ge=0, le=100)
    e: Literal["E1", "E2", "E3"] = "E3"


class RiskAssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    air: MediumIn
    water: MediumIn
    # Penalised in the last 3 years for illegal discharge / hazardous waste: one level up.
    penalised: bool = False


class PlanFields(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    signed_on: date
    filed_on: date | None = None
    risk_level: RiskLevel | None = None
    risk_assessment: RiskAssessmentIn | None = None
    # A legacy HJ 941 notation, e.g. 较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]; kept canonical.
    risk_notation: RiskNotation | None = None
    documents: list[DocumentName] = Field(default_factory=list)
    # A legacy number typed in from an old record; new filings leave it empty.
    filing_number: str | None = Field(None, max_length=64)

    @model_validator(mode="after")
    def _level_given(self):
        if self.risk_level is None and self.risk_assessment is None and self.risk_notation is None:
            raise FieldError(_("Give the risk level or the HJ 941 breakdown (or both)."))
        if self.filed_on is not None and self.filed_on < self.signed_on:
            raise FieldError(_("The filing date cannot be before the signing date."))
        return self


class PlanIn(PlanFields):
    """File a plan (first version) for an enterprise."""

    enterprise_id: Id


class RevisionIn(PlanFields):
    """A major revision: a new version with a new filing number and a new 3-year clock."""

    reason: str | None = Field(None, max_length=1000)
    # Documents of the current version that stay valid for the new one, each chosen
    # explicitly (a revision starts with none); their files are kept, the choice audited.
    carried_over: list[DocumentName] = Field(default_factory=list)


class CorrectionIn(BaseModel):
    """A minor correction: same filing number and clock."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=300)
    filed_on: date | None = None
    documents: list[DocumentName] | None = None
    note: str | None = Field(None, max_length=1000)
    # A minor change at the enterprise (contact, address…) to notify within 20 working days:
    # when it happened, and when the bureau was told (default: today).
    changed_on: date | None = None
    notified_on: date | None = None
    # Named so the refusal can say why: these changes are major revisions.
    signed_on: date | None = None
    risk_level: str | None = None
    risk_assessment: dict | None = None

    @field_validator("signed_on", "risk_level", "risk_assessment")
    @classmethod
    def _major_change(cls, value):
        if value is not None:
            raise FieldError(_("Changing this is a major revision: file a revision (new version, "
                               "new filing number) instead of a correction."))
        return value


class PlanQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    status: Literal["filed", "due_soon", "overdue", "superseded", "revision_required"] | None = None
    county_code: str | None = None
    risk_level: Literal["general", "major", "serious"] | None = None
    enterprise_id: Id | None = None
    current: bool = False  # current versions only (the dashboard's figures)
    overdue: bool | None = None  # past the review date, whether or not revision is also required
    due_within_days: int | None = Field(None, ge=1, le=3650)  # review due in the next N days
    page: Page = 1
    per_page: int = Field(20, ge=1, le=200)


def nested_form(data: dict) -> dict:
    """Turn the form's flat ``air_q``/``water_e``… inputs into ``risk_assessment``."""
    media = {}
    for medium in ("air", "water"):
        part = {k: data.pop(f"{medium}_{k}", None) for k in ("q", "m", "e")}
        if any(v not in (None, "") for v in part.values()):
            media[medium] = {k: v for k, v in part.items() if v not in (None, "")}
    penalised = data.pop("penalised", False)
    if media:
        media.setdefault("air", {"q": 0})
        media.setdefault("water", {"q": 0})
        data["risk_assessment"] = {**media, "penalised": bool(penalised)}
    return data


class DeadlineQuery(BaseModel):
    """``GET /api/v1/calendar/filing-deadline?signed_on=YYYY-MM-DD``."""

    model_config = ConfigDict(extra="forbid")

    # The calendars (chinese_calendar, holidays) reach 1950–2100; a plan is signed in between.
    signed_on: date = Field(ge=date(1950, 1, 1), le=date(2099, 12, 31))
