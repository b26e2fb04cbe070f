"""The 风险物质 export (issue #20): every substance held by the enterprises in view, one row
each, in the columns an import sheet of inventories would carry (credit code, substance or
CAS, maximum quantity)."""
from __future__ import annotations

import sqlalchemy as sa

from registry import permissions
from registry.enterprises.schemas import EnterpriseQuery
from registry.enterprises.service import filtered
from registry.extensions import db
from registry.models import Enterprise, RiskInventory, RiskInventoryItem, Substance
from registry.workflows.exports import Column, ExportSpec, header


def held_rows(actor, query: EnterpriseQuery) -> list:
    """(enterprise, substance, item) for every substance held by an enterprise matching
    ``query`` in the caller's jurisdiction, by county, enterprise and substance name."""
    permissions.require(getattr(actor, "is_authenticated", False), actor)
    ids = sa.select(filtered(actor, query).subquery().c.id)
    stmt = (sa.select(Enterprise, Substance, RiskInventoryItem)
            .join(RiskInventory, RiskInventory.enterprise_id == Enterprise.id)
            .join(RiskInventoryItem, RiskInventoryItem.inventory_id == RiskInventory.id)
            .join(Substance, Substance.id == RiskInventoryItem.substance_id)
            .where(Enterprise.id.in_(ids))
            .order_by(Enterprise.county_code, Enterprise.name, Enterprise.id, Substance.name))
    return list(db.session.execute(stmt).all())


RISK_SUBSTANCES = ExportSpec(
    name="risk_substances", title=header("Risk substances held"), query=EnterpriseQuery,
    rows=held_rows,
    columns=(
        Column(header("Unified social credit code"), lambda r: r[0].credit_code),
        Column(header("Enterprise name"), lambda r: r[0].name),
        Column(header("Substance"), lambda r: r[1].name),
        Column(header("CAS number"), lambda r: r[1].cas),
        Column(header("Maximum quantity (t)"), lambda r: r[2].max_quantity_t),
        Column(header("Critical quantity (t)"), lambda r: r[1].critical_quantity_t),
        Column(header("Where stored"), lambda r: r[2].storage),
    ),
)
