"""The emergency resources register as .xlsx, CSV and GeoJSON (``registry.workflows.exports``):
the rows the resources page shows, kinds as the page labels them."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from registry.incidents.labels import RESOURCE_KINDS
from registry.incidents.resources import list_resources
from registry.workflows.exports import Column, ExportSpec, header


class ResourceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["material", "equipment", "team", "expert"] | None = None


RESOURCES = ExportSpec(
    name="resources", title=header("Emergency resources"), query=ResourceQuery,
    rows=lambda actor, query: list_resources(actor, query.kind), locale=None,
    columns=(
        Column(header("Kind (incident)"), lambda r: RESOURCE_KINDS[r.kind]),
        Column(header("Name"), lambda r: r.name),
        Column(header("Quantity"), lambda r: r.quantity),
        Column(header("Unit"), lambda r: r.unit),
        Column(header("Owning unit"), lambda r: r.owner),
        Column(header("Longitude"), lambda r: r.longitude),
        Column(header("Latitude"), lambda r: r.latitude),
        Column(header("Contact details"), lambda r: r.contact),
        Column(header("Last checked on"), lambda r: r.last_checked_on),
    ),
    feature=lambda r: {"id": r.id, "geometry": {"type": "Point",
                                                "coordinates": [r.longitude, r.latitude]}},
)
