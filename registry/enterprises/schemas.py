from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from registry.fields import (CreditCode, Email, Id, Latitude, Longitude, Name, Page, Phone,
                             halfwidth)

Code = Annotated[str, BeforeValidator(halfwidth), Field(min_length=1, max_length=12)]


class EnterpriseIn(BaseModel):
    """Register an enterprise (form, API and import)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: Name
    credit_code: CreditCode
    county_code: Code
    address: str = Field(min_length=1, max_length=300)
    # Both or neither: without them the enterprise stays off the map, 待定位 on 位置核查.
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    industry: str | None = Field(None, max_length=100)
    contact_name: str | None = Field(None, max_length=64)
    contact_phone: Phone = None
    contact_email: Email = None
    cross_region: bool = False
    discharge_longitude: Longitude | None = None
    discharge_latitude: Latitude | None = None
    receiving_water: str | None = Field(None, max_length=100)


class EnterprisePatch(BaseModel):
    """Change some fields of an enterprise; absent fields stay as they are."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: Name | None = None
    credit_code: CreditCode | None = None
    county_code: Code | None = None
    address: str | None = Field(None, min_length=1, max_length=300)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    industry: str | None = Field(None, max_length=100)
    contact_name: str | None = Field(None, max_length=64)
    contact_phone: Phone = None
    contact_email: Email = None
    cross_region: bool | None = None
    discharge_longitude: Longitude | None = None
    discharge_latitude: Latitude | None = None
    receiving_water: str | None = Field(None, max_length=100)


class EnterpriseQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    q: str | None = Field(None, max_length=100)
    county_code: str | None = None
    risk_level: Literal["general", "major", "serious"] | None = None
    status: Literal["filed", "due_soon", "overdue", "revision_required", "none"] | None = None
    substance_id: Id | None = None  # holds this risk substance (its risk inventory, #20)
    page: Page = 1
    per_page: int = Field(20, ge=1, le=200)
