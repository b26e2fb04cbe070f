"""HJ 941-2018 risk substances (突发环境事件风险物质, Appendix A) and each enterprise's risk
inventory (issue #20): the data the Q, M and E of the grading are computed from."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import utcnow


class Substance(db.Model):
    """One row of the reference table: a substance (or a hazard category for substances
    not listed) with its critical quantity (临界量, t) and the media it counts in."""

    __tablename__ = "substances"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    cas: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    aliases: Mapped[str | None] = mapped_column(sa.String(500))  # joined by "、"
    critical_quantity_t: Mapped[float] = mapped_column(sa.Float)
    counts_air: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    counts_water: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    part: Mapped[int | None]  # Appendix A part 1–8
    category: Mapped[str | None] = mapped_column(sa.String(200))  # hazard category row
    source: Mapped[str | None] = mapped_column(sa.String(500))  # where the value comes from
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RiskInventory(db.Model):
    """An enterprise's declared inventory: the M sheet and E per medium (``air``/``water``
    as given: process units, control score or items, E given or its override reason,
    population for air) and the penalty flag; the substances are its items."""

    __tablename__ = "risk_inventories"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"), unique=True)
    air: Mapped[dict] = mapped_column(sa.JSON)
    water: Mapped[dict] = mapped_column(sa.JSON)
    penalised: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # The computation when last saved (level, notation, each medium's figures): lists
    # (分级核查) read it instead of tracing every enterprise's discharge point again.
    result: Mapped[dict] = mapped_column(sa.JSON)
    level: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    items = relationship("RiskInventoryItem", back_populates="inventory", lazy="selectin",
                         cascade="all, delete-orphan", order_by="RiskInventoryItem.id")


class RiskInventoryItem(db.Model):
    """A substance held: its maximum quantity on site (t) and where it is stored."""

    __tablename__ = "risk_inventory_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(
        sa.ForeignKey("risk_inventories.id", ondelete="CASCADE"), index=True)
    substance_id: Mapped[int] = mapped_column(sa.ForeignKey("substances.id"), index=True)
    max_quantity_t: Mapped[float] = mapped_column(sa.Float)
    storage: Mapped[str | None] = mapped_column(sa.String(200))

    inventory = relationship("RiskInventory", back_populates="items")
    substance = relationship("Substance", lazy="joined")


class RiskInventoryVersion(db.Model):
    """Each saved state of an enterprise's risk inventory — its inputs (substances by name
    and id, the M sheet and E per medium, the penalty) and the grade computed from them —
    so that a plan version that has been superseded is checked against the inventory of its
    own time (issue #20: inventories versioned with the plans)."""

    __tablename__ = "risk_inventory_versions"
    __table_args__ = (sa.Index("ix_risk_inventory_versions_enterprise_saved",
                               "enterprise_id", "saved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    level: Mapped[str] = mapped_column(sa.String(16))
    result: Mapped[dict] = mapped_column(sa.JSON)
    inputs: Mapped[dict] = mapped_column(sa.JSON)


class ControlItem(db.Model):
    """One item of the standard's risk-control assessment for a medium (HJ 941-2018's tables
    of 环境风险防控措施 with their points), loaded by an administrator from the official text
    (``flask --app registry substances import-control-items FILE``): the inventory form then
    lists them and the score given to each is checked against its points. The repository
    ships none (no public copy of the tables could be cited)."""

    __tablename__ = "control_items"
    __table_args__ = (sa.UniqueConstraint("medium", "name", name="uq_control_items_medium_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    medium: Mapped[str] = mapped_column(sa.String(8))  # air / water
    name: Mapped[str] = mapped_column(sa.String(200))
    max_score: Mapped[float] = mapped_column(sa.Float)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    source: Mapped[str | None] = mapped_column(sa.String(500))
