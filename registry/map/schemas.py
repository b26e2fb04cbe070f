"""Inputs of the map pages and API (one schema for both)."""
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from registry.fields import Id, Latitude, Longitude


class MapQuery(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    county_code: str | None = Field(None, max_length=12)
    risk_level: Literal["general", "major", "serious"] | None = None
    status: Literal["filed", "due_soon", "overdue", "revision_required"] | None = None
    substance_id: Id | None = None  # holders of this risk substance only (issue #20)


class PlaceIn(BaseModel):
    """Place an enterprise that has no coordinates yet (待定位), or move one."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    longitude: Longitude
    latitude: Latitude


class DownstreamQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_km: float | None = Field(None, gt=0, le=1000)


class UpstreamQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    km: float = Field(10, gt=0, le=500)
    substance_id: Id | None = None  # only the holders of this risk substance, summed (#20)
