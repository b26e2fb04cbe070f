from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import utcnow


class Enterprise(db.Model):
    __tablename__ = "enterprises"
    __table_args__ = (
        # The list's order (enterprises.service.LIST_ORDER): a page is read off this index
        # instead of sorting every enterprise; its first column serves county lookups too.
        sa.Index("ix_enterprises_list_order", "county_code", "name", "id"),
        # The small map's bounding box (registry/map/service.py, map_points near=...):
        # a range on longitude with the latitude checked in the index.
        sa.Index("ix_enterprises_lon_lat", "longitude", "latitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)  # 统一社会信用代码
    county_code: Mapped[str] = mapped_column(sa.ForeignKey("counties.code"))
    address: Mapped[str] = mapped_column(sa.String(300))
    # None until placed (a register without coordinates; 位置核查 lists it as 待定位).
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    industry: Mapped[str | None] = mapped_column(sa.String(100))
    contact_name: Mapped[str | None] = mapped_column(sa.String(64))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    cross_region: Mapped[bool] = mapped_column(sa.Boolean, default=False)  # 跨区域
    # 排放口 / 受纳水体: where a spill would enter the water, traced from when known.
    discharge_longitude: Mapped[float | None] = mapped_column(sa.Float)
    discharge_latitude: Mapped[float | None] = mapped_column(sa.Float)
    receiving_water: Mapped[str | None] = mapped_column(sa.String(100))
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    county = relationship("County", lazy="joined")
    plans = relationship("Plan", back_populates="enterprise", order_by="Plan.version.desc()",
                         lazy="select")


class Plan(db.Model):
    """One version of an enterprise's 突发环境事件应急预案 and its filing (备案)."""

    __tablename__ = "plans"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "version", name="uq_plans_enterprise_version"),
        # At most one current version per enterprise (partial unique index on both databases).
        sa.Index("uq_plans_current", "enterprise_id", unique=True,
                 sqlite_where=sa.text("is_current"), postgresql_where=sa.text("is_current")),
        sa.Index("ix_plans_current_due", "is_current", "review_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(300))
    signed_on: Mapped[date]  # 签署发布
    filed_on: Mapped[date]
    filing_number: Mapped[str] = mapped_column(sa.String(64), unique=True)  # 备案编号
    # Parsed parts of the number; None when an officer-typed legacy number did not parse.
    filing_county_code: Mapped[str | None] = mapped_column(sa.String(12))
    filing_year: Mapped[int | None]
    filing_serial: Mapped[int | None]
    filing_number_irregular: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    filing_deadline: Mapped[date]
    deadline_approximate: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    filed_late: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    risk_level: Mapped[str] = mapped_column(sa.String(16), index=True)  # general/major/serious
    risk_notation: Mapped[str | None] = mapped_column(sa.String(120))
    risk_assessment: Mapped[dict | None] = mapped_column(sa.JSON)
    review_due_on: Mapped[date] = mapped_column(index=True)  # 回顾性评估 due date
    is_current: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    superseded_on: Mapped[date | None]
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"))
    revision_required: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    revision_reason: Mapped[str | None] = mapped_column(sa.Text)   # why a revision is required
    revised_because: Mapped[str | None] = mapped_column(sa.Text)   # reason given when filed as a revision
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise = relationship("Enterprise", back_populates="plans", lazy="joined")
    documents = relationship("PlanDocument", back_populates="plan", lazy="selectin",
                             cascade="all, delete-orphan")


class PlanDocument(db.Model):
    """One of the five filing documents: present or not, with an optional uploaded file."""

    __tablename__ = "plan_documents"
    __table_args__ = (sa.UniqueConstraint("plan_id", "kind", name="uq_plan_documents_plan_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    stored_name: Mapped[str | None] = mapped_column(sa.String(80))
    original_name: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None]
    uploaded_at: Mapped[datetime | None]

    plan = relationship("Plan", back_populates="documents")


class PlanDocumentFile(db.Model):
    """A file a plan's document had before it was replaced: kept, and downloadable from the
    plan's page, so a replaced upload never becomes an unreachable file on disk."""

    __tablename__ = "plan_document_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    stored_name: Mapped[str] = mapped_column(sa.String(80))
    original_name: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None]
    uploaded_at: Mapped[datetime | None]
    replaced_at: Mapped[datetime]
    replaced_by: Mapped[str | None] = mapped_column(sa.String(128))


class FilingSerial(db.Model):
    """Last serial issued per county and year: one row, incremented in the filing transaction."""

    __tablename__ = "filing_serials"

    county_code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_serial: Mapped[int] = mapped_column(default=0)


class PlanChange(db.Model):
    """A minor change of a filed plan (contact, typo…), notified to the filing bureau within
    20 working days of the change (环发〔2015〕4号); recorded with a correction."""

    __tablename__ = "plan_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"),
                                         index=True)
    changed_on: Mapped[date]  # when the change happened at the enterprise
    notify_by: Mapped[date]  # the 20th working day after it
    notify_by_approximate: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    notified_on: Mapped[date]  # when the bureau was told (the correction's notice)
    notified_late: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
