"""The risk-substance reference table (HJ 941-2018 Appendix A): search, register, change
and import — administrators write, every bureau user reads; each change audited."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from registry import audit, permissions
from registry.unit_of_work import finish
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.extensions import db
from registry.models import Substance
from registry.substances.schemas import SubstanceIn, SubstancePatch, SubstanceQuery

AUDITED = ("name", "cas", "aliases", "critical_quantity_t", "counts_air", "counts_water",
           "part", "category", "source")
ALIAS_SEPARATOR = "、"


def _columns(data: dict) -> dict:
    """Schema fields as columns: aliases joined, media as two flags."""
    columns = {k: v for k, v in data.items() if k not in ("aliases", "media")}
    if "aliases" in data:
        columns["aliases"] = ALIAS_SEPARATOR.join(data["aliases"]) if data["aliases"] else None
    if data.get("media") is not None:
        columns["counts_air"] = "air" in data["media"]
        columns["counts_water"] = "water" in data["media"]
    return columns


def require_admin(actor) -> None:
    permissions.require(permissions.can_manage_users(actor), actor,
                        _("Only an administrator may change the risk-substance table."))


def _check_name_free(name: str, own_id: int | None = None) -> None:
    found = db.session.scalar(sa.select(Substance.id).where(Substance.name == name))
    if found is not None and found != own_id:
        raise Conflict(_("A substance named %(name)s is already in the table.", name=name))


def create_substance(actor, data: SubstanceIn) -> Substance:
    """Add a substance. Raises PermissionDenied, Conflict (name taken)."""
    require_admin(actor)
    _check_name_free(data.name)
    substance = Substance(**_columns(data.model_dump()))
    db.session.add(substance)
    db.session.flush()
    audit.record(actor, "substance.create", "substance", substance.id, None,
                 audit.snapshot(substance, AUDITED))
    finish()
    return substance


def require_reader(actor) -> None:
    """Every logged-in bureau user reads the table (enterprise accounts are fenced out)."""
    permissions.require(getattr(actor, "is_authenticated", False)
                        and not permissions.is_enterprise_user(actor), actor)


def get_substance(actor, substance_id: int) -> Substance:
    """One substance. Raises Unauthorized, PermissionDenied, NotFound."""
    require_reader(actor)
    substance = db.session.get(Substance, substance_id)
    if substance is None:
        raise NotFound(_("No substance with id %(id)s.", id=substance_id))
    return substance


def update_substance(actor, substance_id: int, data: SubstancePatch) -> Substance:
    """Change the given fields, audited. Raises PermissionDenied, NotFound, Conflict,
    ValidationFailed (a required field emptied)."""
    require_admin(actor)
    substance = get_substance(actor, substance_id)
    changes = data.model_dump(exclude_unset=True)
    empty = {k: [_("This field is required.")] for k in ("name", "critical_quantity_t", "media")
             if k in changes and changes[k] is None}
    if empty:
        raise ValidationFailed(empty)
    if "name" in changes:
        _check_name_free(changes["name"], substance.id)
    before = audit.snapshot(substance, AUDITED)
    for key, value in _columns(changes).items():
        setattr(substance, key, value)
    old, new = audit.diff(before, audit.snapshot(substance, AUDITED))
    if new:
        audit.record(actor, "substance.update", "substance", substance.id, old, new)
    db.session.commit()
    return substance


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(actor, query: SubstanceQuery, limit: int = 500) -> list[Substance]:
    """Substances whose name, an alias or the CAS number contains ``query.q`` (all when
    blank), by name. Readable by every logged-in user: HJ 941's reference table holds
    nothing of any enterprise, and an enterprise filing online picks its substances from it."""
    permissions.require(getattr(actor, "is_authenticated", False), actor)
    stmt = sa.select(Substance).order_by(Substance.name, Substance.id).limit(limit)
    if query.q:
        like = _like(query.q)
        stmt = stmt.where(sa.or_(Substance.name.like(like, escape="\\"),
                                 Substance.aliases.like(like, escape="\\"),
                                 Substance.cas.like(like, escape="\\")))
    return list(db.session.scalars(stmt))


def by_ids(ids) -> dict[int, Substance]:
    """The substances of ``ids`` (an inventory's lines name them by id), by id; unknown ids
    are left out. No permission check: the table holds nothing of any enterprise."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(sa.select(Substance).where(Substance.id.in_(ids)))}


def media(substance: Substance) -> list[str]:
    return [m for m, flag in (("air", substance.counts_air), ("water", substance.counts_water))
            if flag]


def to_dict(substance: Substance) -> dict:
    return {"id": substance.id, "name": substance.name, "cas": substance.cas,
            "aliases": substance.aliases.split(ALIAS_SEPARATOR) if substance.aliases else [],
            "critical_quantity_t": substance.critical_quantity_t, "media": media(substance),
            "part": substance.part, "category": substance.category, "source": substance.source}
