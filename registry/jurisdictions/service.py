"""Jurisdictions: counties (GB/T 2260) and functional zones with local codes."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from registry import audit, permissions
from registry.errors import Conflict, ValidationFailed
from registry.extensions import db
from registry.models import County


def list_counties(include_retired: bool = False) -> list[County]:
    query = sa.select(County).order_by(County.kind, County.code)
    if not include_retired:
        query = query.where(County.retired.is_(False))
    return list(db.session.scalars(query))


def counties_in_view(actor) -> list[County]:
    """The current counties a filter may offer ``actor``: those it can read."""
    from registry import permissions

    codes = permissions.visible_county_codes(actor)
    return [c for c in list_counties() if codes is None or c.code in codes]


def counties_writable(actor) -> list[County]:
    """The current counties ``actor`` may register records in (a form's county choice)."""
    from registry import permissions

    return [c for c in list_counties() if permissions.can_write_county(actor, c.code)]


def county_names() -> dict[str, str]:
    return {c.code: c.name for c in db.session.scalars(sa.select(County))}


def add_zone(actor, code: str, name: str, longitude=None, latitude=None) -> County:
    """Add a functional zone (e.g. 经济技术开发区) with a local code (admins only)."""
    permissions.require(permissions.can_manage_jurisdictions(actor), actor)
    code, name = (code or "").strip(), (name or "").strip()
    fields = {}
    if not re.fullmatch(r"[0-9A-Za-z]{4,12}", code):
        fields["code"] = [_("A local code has 4 to 12 letters or digits.")]
    if not name or len(name) > 64:
        fields["name"] = [_("Give a name of at most 64 characters.")]
    if fields:
        raise ValidationFailed(fields)
    if db.session.get(County, code) is not None:
        raise Conflict(_("Code %(code)s is already in use.", code=code))
    city = current_app.config["HOME_CITY_CODE"]
    home = db.session.scalar(sa.select(County).where(County.city_code == city).limit(1))
    zone = County(code=code, name=name, city_code=city, city_name=home.city_name if home else "",
                  kind="zone", retired=False, longitude=longitude, latitude=latitude)
    db.session.add(zone)
    audit.record(actor, "county.create", "county", 0, None, {"code": code, "name": name})
    db.session.commit()
    return zone


def home_city_name() -> str:
    """The home city's name as the jurisdiction list spells it (许昌市): the one source for
    the annual report, the agreements and the notification sheet. ``HOME_CITY_CODE`` when
    the jurisdiction has no county of that city."""
    code = current_app.config["HOME_CITY_CODE"]
    name = db.session.scalar(sa.select(County.city_name).where(County.city_code == code).limit(1))
    return name or code
