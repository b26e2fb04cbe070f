"""上下游突发水污染事件联防联控协议: agreements between the home city and its neighbours,
their parties, boundary sections, contact rosters and joint meetings (domain.md §6)."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import utcnow


class Agreement(db.Model):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    rivers: Mapped[list] = mapped_column(sa.JSON)  # river names covered, e.g. ["颍河", "清潩河"]
    signed_on: Mapped[date]
    term_years: Mapped[int | None]
    expires_on: Mapped[date] = mapped_column(index=True)
    renewal_on: Mapped[date | None]  # date set for renewal talks / the last renewal
    # Notification protocol (相互通报): what triggers a notice, how, and how fast.
    notification_triggers: Mapped[str] = mapped_column(sa.Text)
    notification_channel: Mapped[str] = mapped_column(sa.String(200))
    notification_limit_hours: Mapped[float | None] = mapped_column(sa.Float)
    joint_monitoring: Mapped[str | None] = mapped_column(sa.Text)  # 联合监测
    meeting_cadence: Mapped[str | None] = mapped_column(sa.String(200))  # 联席会议
    # The texts of the eight elements of 环应急〔2020〕5号 ({element: text}); the structured
    # parts live in their own fields (notification_*, sections, drills).
    elements: Mapped[dict | None] = mapped_column(sa.JSON)
    # The signed document (same upload rules as filing documents).
    document_stored_name: Mapped[str | None] = mapped_column(sa.String(80))
    document_original_name: Mapped[str | None] = mapped_column(sa.String(255))
    document_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    document_size: Mapped[int | None]
    document_uploaded_at: Mapped[datetime | None]
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parties = relationship("AgreementParty", back_populates="agreement", lazy="selectin",
                           cascade="all, delete-orphan", order_by="AgreementParty.id")
    sections = relationship("AgreementSection", back_populates="agreement", lazy="selectin",
                            cascade="all, delete-orphan", order_by="AgreementSection.id")
    meetings = relationship("AgreementMeeting", back_populates="agreement", lazy="selectin",
                            cascade="all, delete-orphan",
                            order_by="(AgreementMeeting.held_on.desc(), AgreementMeeting.id.desc())")


class AgreementParty(db.Model):
    """A neighbouring city that signed, with its departments and its role on each river."""

    __tablename__ = "agreement_parties"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "city_name",
                                          name="uq_agreement_parties_agreement_city"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"),
                                              index=True)
    city_name: Mapped[str] = mapped_column(sa.String(64), index=True)
    city_code: Mapped[str | None] = mapped_column(sa.String(12))
    environment_department: Mapped[str] = mapped_column(sa.String(200))
    water_department: Mapped[str | None] = mapped_column(sa.String(200))
    # [{"river": "颍河", "role": "downstream"}, …]; role: upstream / downstream / both.
    river_roles: Mapped[list] = mapped_column(sa.JSON)

    agreement = relationship("Agreement", back_populates="parties")
    contacts = relationship("AgreementContact", back_populates="party", lazy="selectin",
                            cascade="all, delete-orphan", order_by="AgreementContact.id")


class AgreementSection(db.Model):
    """A boundary section (跨界断面) the agreement covers."""

    __tablename__ = "agreement_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"),
                                              index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    river: Mapped[str] = mapped_column(sa.String(100))
    counterpart_city: Mapped[str] = mapped_column(sa.String(64))
    longitude: Mapped[float] = mapped_column(sa.Float)
    latitude: Mapped[float] = mapped_column(sa.Float)
    monitored_by: Mapped[str] = mapped_column(sa.String(16))  # home / counterpart / joint
    layer_key: Mapped[str | None] = mapped_column(sa.String(200))  # name in the sections layer

    agreement = relationship("Agreement", back_populates="sections")


class AgreementContact(db.Model):
    """One person on a party's roster (通讯录)."""

    __tablename__ = "agreement_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement_parties.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(100))
    office_phone: Mapped[str | None] = mapped_column(sa.String(32))
    duty_phone: Mapped[str | None] = mapped_column(sa.String(32))  # 24-hour duty phone
    mobile: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    verified_on: Mapped[date | None]
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    party = relationship("AgreementParty", back_populates="contacts")


class AgreementMeeting(db.Model):
    """A joint meeting (联席会议) held under the agreement."""

    __tablename__ = "agreement_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"),
                                              index=True)
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(200))
    participants: Mapped[str | None] = mapped_column(sa.Text)
    summary: Mapped[str] = mapped_column(sa.Text)
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement = relationship("Agreement", back_populates="meetings")
