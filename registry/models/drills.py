"""Drills (应急演练) and the corrective actions (整改) they expose."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import utcnow

drill_enterprises = sa.Table(
    "drill_enterprises",
    db.metadata,
    sa.Column("drill_id", sa.ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("enterprise_id", sa.ForeignKey("enterprises.id"), primary_key=True, index=True),
)

drill_plans = sa.Table(
    "drill_plans",
    db.metadata,
    sa.Column("drill_id", sa.ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("plan_id", sa.ForeignKey("plans.id"), primary_key=True, index=True),
)


class Drill(db.Model):
    """One exercise: when, where, who organised it, what kind, what it exercised, how it went."""

    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    held_on: Mapped[date] = mapped_column(index=True)
    duration_hours: Mapped[float] = mapped_column(sa.Float)
    # None for city-wide and joint drills that belong to no single county.
    county_code: Mapped[str | None] = mapped_column(sa.ForeignKey("counties.code"), index=True)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    longitude: Mapped[float] = mapped_column(sa.Float)
    latitude: Mapped[float] = mapped_column(sa.Float)
    organiser_level: Mapped[str] = mapped_column(sa.String(16))  # enterprise/county/city/joint
    organiser: Mapped[str | None] = mapped_column(sa.String(200))
    content_type: Mapped[str | None] = mapped_column(sa.String(16))  # 综合/单项
    form_type: Mapped[str | None] = mapped_column(sa.String(16))  # 实战/桌面
    legacy_type: Mapped[str | None] = mapped_column(sa.String(16))  # 桌面/功能/全面
    theme: Mapped[str] = mapped_column(sa.String(32))
    # 上下游联防联控协议 of a joint drill (migration 0005 added the foreign key).
    agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="SET NULL"), index=True)
    scenario_substance: Mapped[str | None] = mapped_column(sa.String(200))
    scenario_pathway: Mapped[str | None] = mapped_column(sa.String(16))  # air/water/both
    participating_bodies: Mapped[list | None] = mapped_column(sa.JSON)
    headcount: Mapped[int | None]
    evaluation: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open/closed
    closed_on: Mapped[date | None]
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    county = relationship("County", lazy="joined")
    enterprises = relationship("Enterprise", secondary=drill_enterprises, lazy="selectin",
                               order_by="Enterprise.name")
    plans = relationship("Plan", secondary=drill_plans, lazy="selectin", order_by="Plan.id")
    actions = relationship("CorrectiveAction", back_populates="drill", lazy="selectin",
                           order_by="CorrectiveAction.id", cascade="all, delete-orphan")
    attachments = relationship("DrillAttachment", back_populates="drill", lazy="selectin",
                               order_by="DrillAttachment.id", cascade="all, delete-orphan")


class CorrectiveAction(db.Model):
    """A problem a drill (or an incident, 突发环境事件) exposed and its fix (HSEEP
    improvement plan item). It belongs to exactly one of the two."""

    __tablename__ = "corrective_actions"
    __table_args__ = (sa.CheckConstraint("(drill_id IS NULL) <> (incident_id IS NULL)",
                                         name="drill_or_incident"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drills.id", ondelete="CASCADE"),
                                                 index=True)
    incident_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(16))  # plan/organisation/equipment/...
    owner_name: Mapped[str | None] = mapped_column(sa.String(64))
    owner_unit: Mapped[str | None] = mapped_column(sa.String(200))
    # The owner's account, when they have one: they may not verify their own action.
    owner_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    done_on: Mapped[date | None]
    # Who marked it done: that person may not verify it too (four-eyes, #16 §3).
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    done_by_name: Mapped[str | None] = mapped_column(sa.String(64))
    verified_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    verified_by_name: Mapped[str | None] = mapped_column(sa.String(64))
    verified_on: Mapped[date | None] = mapped_column(index=True)
    # "Plan needs revision": the exercised plan version flagged revision_required.
    plan_needs_revision: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    drill = relationship("Drill", back_populates="actions")
    incident = relationship("Incident", lazy="joined")
    plan = relationship("Plan", lazy="joined")
    attachments = relationship("DrillAttachment", back_populates="action", lazy="selectin",
                               order_by="DrillAttachment.id")


class DrillAttachment(db.Model):
    """An uploaded file: a drill's evaluation report or photo, or an action's evidence."""

    __tablename__ = "drill_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(sa.ForeignKey("drills.id", ondelete="CASCADE"),
                                          index=True)
    action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # report/photo/evidence/other
    stored_name: Mapped[str] = mapped_column(sa.String(80))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    drill = relationship("Drill", back_populates="attachments")
    action = relationship("CorrectiveAction", back_populates="attachments")
