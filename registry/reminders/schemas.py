"""Inputs of the reminders area (the outbox filters and the digest preference)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from registry.fields import Page
from registry.models.reminders import REMINDER_STATUSES

Status = Literal[REMINDER_STATUSES]  # type: ignore[valid-type]


class ReminderQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    status: Status | None = None
    rule: str | None = Field(None, max_length=64)
    county_code: str | None = Field(None, max_length=12)
    q: str | None = Field(None, max_length=100)  # recipient or subject contains
    page: Page = 1
    per_page: int = Field(50, ge=1, le=200)


class PreviewPageQuery(BaseModel):
    page: Page = 1
    per_page: int = Field(100, ge=1, le=500)


class PreferenceIn(BaseModel):
    digest: bool = False
