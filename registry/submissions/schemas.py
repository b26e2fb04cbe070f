"""Submission input: the filing fields of ``registry.plans.schemas`` (same rules), plus
what an application adds."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from registry.plans.schemas import PlanFields
from registry.rules.plan_status import DOCUMENTS

Kind = Literal["new", "revision", "change_notice"]
DocumentKind = Literal[DOCUMENTS]  # type: ignore[valid-type]


class SubmissionIn(PlanFields):
    """Start a submission (draft) for one of the caller's enterprises."""

    enterprise_id: int
    kind: Kind = "new"
    plan_id: int | None = None  # the plan revised or changed (revision, change_notice)
    reason: str | None = Field(None, max_length=1000)
    changed_on: date | None = None  # change_notice: when the minor change happened


class ReturnReason(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    document: DocumentKind | None = None  # None: the application as a whole
    reason: str = Field(min_length=1, max_length=1000)


class ReturnIn(BaseModel):
    """退回补正: every missing or wrong item in one notice, and the date to submit again."""

    model_config = ConfigDict(extra="forbid")

    reasons: list[ReturnReason] = Field(min_length=1, max_length=20)
    resubmit_by: date


class SubmissionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["draft", "submitted", "returned", "accepted", "withdrawn"] | None = None
