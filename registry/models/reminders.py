"""Reminder outbox, per-user reminder preferences, and database leases (scheduler / run lock)."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.base import utcnow

REMINDER_STATUSES = ("pending", "sent", "failed", "skipped", "cancelled")


class Reminder(db.Model):
    """One reminder to one recipient, recorded before it is sent.

    Identity (exactly once): (rule, subject_type, subject_id, milestone, recipient).
    ``recipient`` is the lower-cased e-mail address, or ``user:<id>`` / ``enterprise:<id>``
    for a recipient with no address (recorded as ``skipped``)."""

    __tablename__ = "reminders"
    __table_args__ = (
        sa.UniqueConstraint("rule", "subject_type", "subject_id", "milestone", "recipient",
                            name="uq_reminders_identity"),
        sa.Index("ix_reminders_status_claim", "status", "claimed_until"),
        sa.Index("ix_reminders_rule_milestone_on", "rule", "milestone_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(64))
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int]
    milestone: Mapped[str] = mapped_column(sa.String(32))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    recipient_name: Mapped[str | None] = mapped_column(sa.String(128))
    recipient_user_id: Mapped[int | None]
    locale: Mapped[str] = mapped_column(sa.String(8))
    delivery: Mapped[str] = mapped_column(sa.String(8), default="single")  # single / digest
    county_code: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    subject_label: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date]
    milestone_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(sa.String(255))
    # A run that is delivering this row holds it until then (another run leaves it alone).
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderPreference(db.Model):
    """A user's reminder choice: one daily digest instead of single mails."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    digest: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Lease(db.Model):
    """A named lease held by one process (SQLite; PostgreSQL uses advisory locks)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(128))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
