"""突发环境事件: incidents, their notifications and timeline, the 24-hour duty roster and
the emergency resources register (应急资源)."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import utcnow


class Incident(db.Model):
    """One incident (or an exercise incident, 演练模式, when ``drill_id`` is set)."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    reported_at: Mapped[datetime] = mapped_column(index=True)  # 接报时间, UTC
    reported_by: Mapped[str | None] = mapped_column(sa.String(100))
    report_channel: Mapped[str] = mapped_column(sa.String(16))  # hotline/enterprise/patrol/monitoring
    enterprise_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="SET NULL"), index=True)
    county_code: Mapped[str] = mapped_column(sa.ForeignKey("counties.code"), index=True)
    longitude: Mapped[float] = mapped_column(sa.Float)
    latitude: Mapped[float] = mapped_column(sa.Float)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    medium: Mapped[str] = mapped_column(sa.String(8))  # water/air/soil
    substance: Mapped[str] = mapped_column(sa.String(200))
    quantity_t: Mapped[float | None] = mapped_column(sa.Float)
    summary: Mapped[str] = mapped_column(sa.Text)
    level: Mapped[str] = mapped_column(sa.String(24))  # general/major/serious/especially_serious
    status: Mapped[str] = mapped_column(sa.String(8), default="open", index=True)
    closed_at: Mapped[datetime | None]
    # The downstream trace and the notifications owed, as computed when it was reported:
    # the record keeps what the duty officer was shown even if layers or agreements change.
    trace: Mapped[dict | None] = mapped_column(sa.JSON)
    notifications_due: Mapped[list] = mapped_column(sa.JSON)
    drill_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drills.id", ondelete="SET NULL"),
                                                 index=True)
    created_by_name: Mapped[str | None] = mapped_column(sa.String(64))
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise = relationship("Enterprise", lazy="joined")
    drill = relationship("Drill", lazy="joined")
    notifications = relationship("IncidentNotification", back_populates="incident",
                                 lazy="selectin", cascade="all, delete-orphan",
                                 order_by="IncidentNotification.id")
    events = relationship("IncidentEvent", back_populates="incident", lazy="selectin",
                          cascade="all, delete-orphan",
                          order_by="(IncidentEvent.at, IncidentEvent.id)")


class IncidentNotification(db.Model):
    """One notice given to a downstream city: an e-mail sent or a call / fax logged."""

    __tablename__ = "incident_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id", ondelete="CASCADE"),
                                             index=True)
    city: Mapped[str] = mapped_column(sa.String(64))
    agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(sa.String(8))  # email/phone/fax
    at: Mapped[datetime]
    due_by: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    recipients: Mapped[list | None] = mapped_column(sa.JSON)  # e-mail addresses
    contact: Mapped[str | None] = mapped_column(sa.String(100))  # whom (phone/fax)
    note: Mapped[str | None] = mapped_column(sa.Text)
    by_name: Mapped[str | None] = mapped_column(sa.String(64))  # who notified

    incident = relationship("Incident", back_populates="notifications")


class IncidentEvent(db.Model):
    """A timeline entry: report, notification, report issued, measure, level change, close."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id", ondelete="CASCADE"),
                                             index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    by_name: Mapped[str | None] = mapped_column(sa.String(64))
    data: Mapped[dict | None] = mapped_column(sa.JSON)

    incident = relationship("Incident", back_populates="events")


class DutyShift(db.Model):
    """24小时值班: who is on duty on a day."""

    __tablename__ = "duty_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    on_date: Mapped[date] = mapped_column(unique=True)
    officer: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.String(200))


class EmergencyResource(db.Model):
    """应急资源: a material, equipment, team or expert that can be called on."""

    __tablename__ = "emergency_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(12), index=True)  # material/equipment/team/expert
    quantity: Mapped[float] = mapped_column(sa.Float)
    unit: Mapped[str] = mapped_column(sa.String(16))
    owner: Mapped[str] = mapped_column(sa.String(200))
    longitude: Mapped[float] = mapped_column(sa.Float)
    latitude: Mapped[float] = mapped_column(sa.Float)
    contact: Mapped[str | None] = mapped_column(sa.String(100))
    last_checked_on: Mapped[date | None]
    # A row of the enterprise's own 应急资源调查 (its survey, one of the five documents);
    # None: the bureau's reserve or a third party's.
    enterprise_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
