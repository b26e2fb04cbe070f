"""An enterprise's risk inventory (风险物质、M 值、E 值) and the HJ 941-2018 grade computed
from it: read by whoever may read the enterprise, written by the officers of its county
and administrators; every save audited with the inputs before and after."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, permissions
from registry.clock import local_time
from registry.unit_of_work import finish
from registry.enterprises.service import get_enterprise
from registry.errors import NotFound, ValidationFailed
from registry.extensions import db
from registry.models import (Enterprise, RiskInventory, RiskInventoryItem, RiskInventoryVersion,
                             Substance)
from registry.rules import RuleViolation
from registry.substances import control_items, grading
from registry.substances.service import by_ids, media as service_media
from registry.substances.schemas import InventoryIn
from registry.validation import rule_message


def water_suggestion(enterprise: Enterprise) -> tuple[str | None, list[dict]]:
    """Water E from a downstream trace at the discharge point (its location when none is
    recorded), on the receiving water when named. (None, []) without river layers."""
    from registry.map import service as map_service

    try:
        # The bare trace: the areas' trace additions (agreements' sheet…) are not needed.
        trace = map_service.network().trace(*map_service.trace_origin(enterprise),
                                            max_snap_m=map_service.max_snap_m(),
                                            river=enterprise.receiving_water).to_dict()
    except (KeyError, ValueError):  # no river network loaded / unknown receiving water
        return None, []
    except ValidationFailed:  # not placed yet (待定位): nothing to trace from
        return None, []
    e, reasons = grading.water_e(trace, enterprise.county_code)
    return e, reasons


def _substances(data: InventoryIn) -> dict[int, Substance]:
    found = by_ids(line.substance_id for line in data.substances)
    errors = {f"substances.{i}.substance_id": [_("No substance with id %(id)s.",
                                                 id=line.substance_id)]
              for i, line in enumerate(data.substances) if line.substance_id not in found}
    seen: dict[int, int] = {}
    for i, line in enumerate(data.substances):
        if line.substance_id in seen:
            errors[f"substances.{i}.substance_id"] = [_(
                "This substance is already on line %(line)s: give its largest quantity once.",
                line=seen[line.substance_id] + 1)]
        seen.setdefault(line.substance_id, i)
    if errors:
        raise ValidationFailed(errors)
    return found


def _medium(name: str, data: InventoryIn, substances: dict[int, Substance],
            suggestion: tuple[str | None, list]) -> tuple[grading.MediumResult, list]:
    medium = getattr(data, name)
    flag = "counts_air" if name == "air" else "counts_water"
    items = [(line.max_quantity_t, substances[line.substance_id].critical_quantity_t)
             for line in data.substances if getattr(substances[line.substance_id], flag)]
    suggested, reasons = suggestion
    if medium.e is not None and suggested is not None and medium.e != suggested \
            and not medium.e_reason:
        raise ValidationFailed({f"{name}.e_reason": [_(
            "E %(given)s differs from the suggested %(suggested)s: give the reason.",
            given=medium.e, suggested=suggested)]})
    try:
        result = grading.grade_medium(items, medium.process_units.listed,
                                      medium.process_units.other, medium.control_total(),
                                      medium.e, suggested)
    except RuleViolation as exc:
        field = f"{name}.e" if exc.rule == "hj941.e" else f"{name}.control_score"
        message = (_("Q is %(q)s (at least 1): give E (E1–E3); none could be suggested.",
                     q=round(grading.q_ratio(items), 4))
                   if exc.rule == "hj941.e" else rule_message(exc))
        raise ValidationFailed({field: [message]}) from None
    return result, reasons


def compute(enterprise: Enterprise, data: InventoryIn, *, check_items: bool = True,
            trace_below_q1: bool = True) -> dict:
    """The grade for ``data`` as the API answers it. ``check_items``: hold given
    ``control_items`` to the loaded ones (off for M inputs kept as recorded, e.g. by the
    register's 风险物质 sheet, which changes only the substances). ``trace_below_q1``
    False: no downstream trace for the water E when water's Q < 1 (the medium is 一般
    whatever E is; a trace is ~20 ms, the sheet grades thousands). Raises ValidationFailed."""
    substances = _substances(data)
    if check_items:
        loaded = control_items.table()
        errors = control_items.check("air", data.air.control_items, loaded) | \
            control_items.check("water", data.water.control_items, loaded)
        if errors:
            raise ValidationFailed(errors)
    air_s = grading.air_e(data.air.population_5km, data.air.population_500m)
    air_suggestion = (air_s[0], [{"rule": "population", "detail": air_s[1]}]) if air_s else (None, [])
    air, air_reasons = _medium("air", data, substances, air_suggestion)
    water_q = grading.q_ratio((line.max_quantity_t, substances[line.substance_id].critical_quantity_t)
                              for line in data.substances if substances[line.substance_id].counts_water)
    suggestion = water_suggestion(enterprise) if trace_below_q1 or water_q >= 1 else (None, [])
    water, water_reasons = _medium("water", data, substances, suggestion)
    result = grading.grade_inventory(air, water, data.penalised)

    def out(r: grading.MediumResult, reasons) -> dict:
        return {"q": round(r.q, 6), "q_class": r.q_class, "m": r.m, "m_class": r.m_class,
                "e": r.e, "e_suggested": r.e_suggested, "e_reasons": reasons,
                "level": r.level, "process_score": r.process_score,
                "control_score": r.control_score}

    return {"air": out(air, air_reasons), "water": out(water, water_reasons),
            "level": result.level, "notation": result.notation, "penalised": result.penalised}


def _inventory(enterprise_id: int) -> RiskInventory | None:
    return db.session.scalar(sa.select(RiskInventory)
                             .where(RiskInventory.enterprise_id == enterprise_id))


def inputs(inventory: RiskInventory) -> dict:
    return {"substances": [{"substance_id": i.substance_id, "max_quantity_t": i.max_quantity_t,
                            "storage": i.storage} for i in inventory.items],
            "air": inventory.air, "water": inventory.water, "penalised": inventory.penalised}


def _audited(inventory: RiskInventory) -> dict:
    """The inputs as the change record shows them: each substance as “name q t”."""
    found = by_ids(i.substance_id for i in inventory.items)
    return inputs(inventory) | {"substances": [
        f"{found[i.substance_id].name if i.substance_id in found else i.substance_id} "
        f"{i.max_quantity_t:g} t" for i in inventory.items]}


def _keep_version(inventory: RiskInventory) -> None:
    """Add the inventory as saved now to its versions (the substances named as well: the
    table may be edited later)."""
    found = by_ids(i.substance_id for i in inventory.items)
    stored = inputs(inventory)
    for line in stored["substances"]:
        substance = found.get(line["substance_id"])
        line["name"] = substance.name if substance else None
    latest = db.session.scalar(
        sa.select(RiskInventoryVersion).where(
            RiskInventoryVersion.enterprise_id == inventory.enterprise_id)
        .order_by(RiskInventoryVersion.saved_at.desc(), RiskInventoryVersion.id.desc()).limit(1))
    if latest is not None and latest.inputs == stored and latest.result == inventory.result:
        return  # saved again unchanged (a nightly sync): no new version
    db.session.add(RiskInventoryVersion(enterprise_id=inventory.enterprise_id,
                                        level=inventory.level, result=inventory.result,
                                        inputs=stored))


def versions(actor, enterprise_id: int) -> list[RiskInventoryVersion]:
    """Every saved state of the enterprise's inventory, newest first. Raises NotFound,
    PermissionDenied."""
    get_enterprise(actor, enterprise_id)
    return list(db.session.scalars(
        sa.select(RiskInventoryVersion).where(RiskInventoryVersion.enterprise_id == enterprise_id)
        .order_by(RiskInventoryVersion.saved_at.desc(), RiskInventoryVersion.id.desc())))


def version_to_dict(version: RiskInventoryVersion) -> dict:
    return {"saved_at": local_time(version.saved_at).isoformat(timespec="seconds"),
            "level": version.level, "notation": version.result.get("notation"),
            "result": version.result, "inputs": version.inputs}


def put_inventory(actor, enterprise_id: int, data: InventoryIn) -> dict:
    """Replace the enterprise's inventory with ``data`` and grade it (committed, or part
    of the caller's ``unit_of_work``, e.g. an accepted submission's).
    Raises NotFound, PermissionDenied, ValidationFailed (nothing written)."""
    enterprise = get_enterprise(actor, enterprise_id)
    permissions.require_write_county(actor, enterprise.county_code)
    result = compute(enterprise, data)
    inventory = store(actor, enterprise.id, data, result, _inventory(enterprise.id))
    finish()
    return result | {"inputs": inputs(inventory)}


def store(actor, enterprise_id: int, data: InventoryIn, result: dict,
          inventory: RiskInventory | None) -> RiskInventory:
    """Write ``data`` and its grade ``result`` (from ``compute``) over ``inventory`` (None:
    a new one) and audit the change; flushed, not committed. The caller checked the
    permission (``put_inventory``, the register import's 风险物质 sheet)."""
    before = (_audited(inventory) | {"level": inventory.level,
                                    "notation": inventory.result["notation"]}
              if inventory is not None else None)
    if inventory is None:
        inventory = RiskInventory(enterprise_id=enterprise_id)
        db.session.add(inventory)
    inventory.air = data.air.model_dump(exclude_none=True)
    inventory.water = data.water.model_dump(exclude_none=True)
    inventory.penalised = data.penalised
    inventory.result, inventory.level = result, result["level"]
    inventory.items = [RiskInventoryItem(substance_id=line.substance_id,
                                         max_quantity_t=line.max_quantity_t,
                                         storage=line.storage) for line in data.substances]
    db.session.flush()
    _keep_version(inventory)
    after = _audited(inventory) | {"level": result["level"], "notation": result["notation"]}
    if before is None:
        audit.record(actor, "risk_inventory.create", "enterprise", enterprise_id, None, after)
    else:
        old, new = audit.diff(before, after)
        if new:
            audit.record(actor, "risk_inventory.update", "enterprise", enterprise_id, old, new)
    return inventory


def get_inventory(actor, enterprise_id: int) -> dict:
    """The stored inputs and the grade as last saved. Raises NotFound (no enterprise, or
    no inventory yet), PermissionDenied."""
    enterprise = get_enterprise(actor, enterprise_id)
    inventory = _inventory(enterprise.id)
    if inventory is None:
        raise NotFound(_("No risk inventory has been recorded for this enterprise."))
    return inventory.result | {"inputs": inputs(inventory)}


def find_inventory(actor, enterprise_id: int) -> RiskInventory | None:
    """The inventory row (None when there is none) for an enterprise the caller may read."""
    get_enterprise(actor, enterprise_id)
    return _inventory(enterprise_id)


def grading_mismatches(actor, county_code: str | None = None) -> list[dict]:
    """分级核查: current plans in the caller's counties whose filed level differs from the
    level computed from the enterprise's risk inventory, by county and name."""
    from registry.models import Plan

    stmt = (sa.select(Enterprise, Plan, RiskInventory)
            .join(Plan, sa.and_(Plan.enterprise_id == Enterprise.id, Plan.is_current))
            .join(RiskInventory, RiskInventory.enterprise_id == Enterprise.id)
            .where(RiskInventory.level != Plan.risk_level)
            .order_by(Enterprise.county_code, Enterprise.name, Enterprise.id))
    if county_code:
        stmt = stmt.where(Enterprise.county_code == county_code)
    stmt = permissions.scope(stmt, actor, Enterprise.county_code)
    return [{"enterprise": e, "plan": p, "inventory": i}
            for e, p, i in db.session.execute(stmt).all()]


def held_substances(actor, enterprise_id: int) -> list[dict]:
    """What the enterprise declares it holds (its risk inventory), largest share of the
    critical quantity first: ``name``, ``cas``, ``max_quantity_t``, ``storage``,
    ``critical_quantity_t``, ``media``. Empty without an inventory. Raises NotFound,
    PermissionDenied (an enterprise the caller may not read)."""
    inventory = find_inventory(actor, enterprise_id)
    if inventory is None:
        return []
    found = by_ids(i.substance_id for i in inventory.items)
    rows = []
    for item in inventory.items:
        substance = found.get(item.substance_id)
        if substance is None:
            continue
        rows.append({"name": substance.name, "cas": substance.cas,
                     "max_quantity_t": item.max_quantity_t, "storage": item.storage,
                     "critical_quantity_t": substance.critical_quantity_t,
                     "media": service_media(substance)})
    return sorted(rows, key=lambda r: -(r["max_quantity_t"] / r["critical_quantity_t"]
                                        if r["critical_quantity_t"] else 0))
