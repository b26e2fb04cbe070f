"""JSON API: the risk-substance table and an enterprise's risk inventory (issue #20)."""
from __future__ import annotations

from pydantic import BaseModel

from registry.api import bp
from registry.api.routing import operation
from registry.substances import inventory, service
from registry.substances.schemas import InventoryIn, Medium, SubstanceIn, SubstanceQuery


class SubstanceOut(BaseModel):
    id: int
    name: str
    cas: str | None
    aliases: list[str]
    critical_quantity_t: float
    media: list[Medium]
    part: int | None
    category: str | None
    source: str | None


class SubstanceList(BaseModel):
    items: list[SubstanceOut]


class MediumOut(BaseModel):
    q: float
    q_class: str
    m: float
    m_class: str
    e: str | None
    e_suggested: str | None = None
    e_reasons: list[dict]
    level: str
    process_score: int
    control_score: float


class InventoryOut(BaseModel):
    air: MediumOut
    water: MediumOut
    level: str
    notation: str
    penalised: bool
    inputs: dict


class InventoryVersionOut(BaseModel):
    saved_at: str  # local time with its offset
    level: str
    notation: str | None
    result: dict   # as InventoryOut without the inputs
    inputs: dict   # substances (with their names then), air, water, penalised


class InventoryVersions(BaseModel):
    items: list[InventoryVersionOut]


@operation(bp, "/substances", "POST", "Add a risk substance (HJ 941-2018 Appendix A; admin)",
           "substances", body=SubstanceIn, response=SubstanceOut, status=201,
           errors=(401, 403, 409, 422))
def create_substance(user, body):
    return service.to_dict(service.create_substance(user, body))


@operation(bp, "/substances", "GET", "Search the risk substances by name, alias or CAS",
           "substances", query=SubstanceQuery, response=SubstanceList, errors=(401, 403, 422),
           enterprise=True)  # the reference table an enterprise picks its inventory from
def list_substances(user, query):
    return {"items": [service.to_dict(s) for s in service.search(user, query)]}


@operation(bp, "/enterprises/{enterprise_id}/risk-inventory", "PUT",
           "Record an enterprise's risk inventory and grade it (HJ 941-2018)", "substances",
           body=InventoryIn, response=InventoryOut, errors=(401, 403, 404, 422))
def put_risk_inventory(user, enterprise_id, body):
    return inventory.put_inventory(user, enterprise_id, body)


@operation(bp, "/enterprises/{enterprise_id}/risk-inventory", "GET",
           "An enterprise's risk inventory: the stored inputs and the grade", "substances",
           response=InventoryOut, errors=(401, 403, 404))
def get_risk_inventory(user, enterprise_id):
    return inventory.get_inventory(user, enterprise_id)


@operation(bp, "/enterprises/{enterprise_id}/risk-inventory/versions", "GET",
           "Every saved state of an enterprise's risk inventory, newest first", "substances",
           response=InventoryVersions, errors=(401, 403, 404))
def risk_inventory_versions(user, enterprise_id):
    return {"items": [inventory.version_to_dict(v)
                      for v in inventory.versions(user, enterprise_id)]}
