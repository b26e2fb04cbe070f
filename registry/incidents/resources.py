"""The emergency resources register (应急资源): 物资/装备/队伍/专家, and the nearest ones to
a point by straight-line distance in the metric CRS."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, permissions
from registry.unit_of_work import finish, marks_demo
from registry.errors import NotFound, ValidationFailed
from registry.extensions import db
from registry.incidents import permissions as incident_permissions
from registry.incidents.schemas import NearestQuery, ResourceIn, SurveyResourceIn
from registry.models import EmergencyResource

FIELDS = ("name", "kind", "quantity", "unit", "owner", "longitude", "latitude", "contact",
          "last_checked_on")


def add_resource(actor, data: ResourceIn) -> EmergencyResource:
    """Register a resource. Raises PermissionDenied."""
    permissions.require(incident_permissions.can_write_resources(actor), actor)
    return _create(actor, **data.model_dump())


def _create(actor, **columns) -> EmergencyResource:
    resource = EmergencyResource(is_demo=marks_demo(), **columns)
    db.session.add(resource)
    db.session.flush()
    audit.record(actor, "resource.create", "resource", resource.id, None,
                 audit.snapshot(resource, FIELDS))
    finish()
    return resource


def _enterprise(actor, enterprise_id: int, *, write: bool = False):
    """The enterprise whose survey rows are read or written: an officer's or
    administrator's of their counties (another county: PermissionDenied), or an
    enterprise user's own (another enterprise: NotFound — its existence is not disclosed)."""
    from registry.enterprises.service import get_enterprise
    from registry.models import Enterprise

    if permissions.is_enterprise_user(actor):
        enterprise = db.session.get(Enterprise, enterprise_id)
        if enterprise is None or not permissions.can_see_enterprise(actor, enterprise):
            raise NotFound(_("No such record."))
        return enterprise
    enterprise = get_enterprise(actor, enterprise_id)
    if write:
        permissions.require_write_county(actor, enterprise.county_code)
    return enterprise


def add_survey_row(actor, enterprise_id: int, data: SurveyResourceIn) -> EmergencyResource:
    """Enter a row of the enterprise's 应急资源调查 (an officer of its county, an
    administrator, or the enterprise itself in its portal): owned by the enterprise, at its
    location unless a place is given. Raises NotFound, PermissionDenied, ValidationFailed
    (no place for an enterprise without coordinates)."""
    enterprise = _enterprise(actor, enterprise_id, write=True)
    values = data.model_dump()
    if values["longitude"] is None or values["latitude"] is None:
        if enterprise.longitude is None or enterprise.latitude is None:
            raise ValidationFailed({"longitude": [_(
                "The enterprise has no location yet: give the resource's longitude and latitude.")]})
        values.update(longitude=enterprise.longitude, latitude=enterprise.latitude)
    return _create(actor, owner=enterprise.name, enterprise_id=enterprise.id, **values)


def remove_survey_row(actor, enterprise_id: int, resource_id: int) -> None:
    """Delete a row of the enterprise's survey (audited). Raises NotFound, PermissionDenied."""
    enterprise = _enterprise(actor, enterprise_id, write=True)
    resource = db.session.get(EmergencyResource, resource_id)
    if resource is None or resource.enterprise_id != enterprise.id:
        raise NotFound(_("No such record."))
    audit.record(actor, "resource.delete", "resource", resource.id,
                 audit.snapshot(resource, FIELDS), None)
    db.session.delete(resource)
    finish()


def enterprise_resources(actor, enterprise_id: int) -> list[EmergencyResource]:
    """The enterprise's own resources (its survey rows), by kind and name. Raises NotFound,
    PermissionDenied (an enterprise the caller may not read)."""
    enterprise = _enterprise(actor, enterprise_id)
    return list(db.session.scalars(
        sa.select(EmergencyResource).where(EmergencyResource.enterprise_id == enterprise.id)
        .order_by(EmergencyResource.kind, EmergencyResource.name, EmergencyResource.id)))


def list_resources(actor, kind: str | None = None) -> list[EmergencyResource]:
    incident_permissions.require_read_any(actor)
    stmt = sa.select(EmergencyResource).order_by(EmergencyResource.kind, EmergencyResource.name)
    if kind:
        stmt = stmt.where(EmergencyResource.kind == kind)
    return list(db.session.scalars(stmt))


def to_dict(r: EmergencyResource) -> dict:
    return {"id": r.id, "name": r.name, "kind": r.kind, "quantity": r.quantity, "unit": r.unit,
            "owner": r.owner, "longitude": r.longitude, "latitude": r.latitude,
            "contact": r.contact, "enterprise_id": r.enterprise_id,
            "last_checked_on": r.last_checked_on.isoformat() if r.last_checked_on else None,
            "is_demo": r.is_demo}


# What is brought to a sluice or a dam to stop a spill: materials, equipment and teams.
INTERCEPT_KINDS = ("material", "equipment", "team")


def at_intercepts(actor, points: list[dict], limit: int = 3) -> list[dict]:
    """``points`` (intercept points with ``lon``/``lat``, as ``incidents.service.intercepts``
    gives them), each with ``nearest_resources``: the ``limit`` nearest materials,
    equipment and teams, with ``distance_km`` (the register read once for all)."""
    from geodata.nearest import nearest as by_distance

    if not points:
        return []
    rows = [to_dict(r) for r in list_resources(actor) if r.kind in INTERCEPT_KINDS]
    crs = current_app.config["METRIC_CRS"]
    return [dict(p, nearest_resources=by_distance(p["lon"], p["lat"], rows, crs, limit=limit))
            for p in points]


def nearest(actor, query: NearestQuery) -> list[dict]:
    """The resources nearest to (longitude, latitude), of ``kind`` if given, nearest first,
    each with ``distance_km``."""
    from geodata.nearest import nearest as by_distance

    rows = [to_dict(r) for r in list_resources(actor, query.kind)]
    return by_distance(query.longitude, query.latitude, rows, current_app.config["METRIC_CRS"],
                       limit=query.limit)
