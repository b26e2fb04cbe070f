"""Online filing (issue #19): an enterprise's submission and its uploaded documents."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.models.base import utcnow

SUBMISSION_STATUSES = ("draft", "submitted", "returned", "accepted", "withdrawn")
SUBMISSION_KINDS = ("new", "revision", "change_notice")


class Submission(db.Model):
    """One filing application (备案申请) from draft to acceptance (予以备案)."""

    __tablename__ = "submissions"
    __table_args__ = (sa.Index("ix_submissions_status_due", "status", "reply_due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    title: Mapped[str] = mapped_column(sa.String(300))
    signed_on: Mapped[date]
    risk_level: Mapped[str | None] = mapped_column(sa.String(16))
    risk_notation: Mapped[str | None] = mapped_column(sa.String(120))
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"))  # revised/changed
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # change_notice: when the minor change happened (the bureau is told within 20 working
    # days of it, 环发〔2015〕4号).
    changed_on: Mapped[date | None]
    # The risk inventory (registry.substances InventoryIn, as JSON) and its HJ 941 grade
    # as computed when it was saved; filed with the plan at acceptance.
    inventory: Mapped[dict | None] = mapped_column(sa.JSON)
    grading: Mapped[dict | None] = mapped_column(sa.JSON)
    first_received_on: Mapped[date | None]  # judges filed_late
    received_on: Mapped[date | None]
    reply_due_on: Mapped[date | None]
    resubmit_by: Mapped[date | None]
    return_reasons: Mapped[list | None] = mapped_column(sa.JSON)  # [{document, reason}]
    # The last return or acceptance: its date and its number (the notice mail's identity).
    decided_on: Mapped[date | None] = mapped_column(index=True)
    notice_seq: Mapped[int] = mapped_column(default=0)
    accepted_plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"))
    verify_code: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    enterprise = relationship("Enterprise", lazy="joined")
    documents = relationship("SubmissionDocument", back_populates="submission", lazy="selectin",
                             order_by="SubmissionDocument.id", cascade="all, delete-orphan")

    @property
    def current_documents(self) -> dict:
        """Kind → the latest upload of that kind (earlier uploads stay as history)."""
        latest = {}
        for doc in self.documents:
            latest[doc.kind] = doc
        return latest


class SubmissionDocument(db.Model):
    """One uploaded file of a submission; a replacement is a new row (history kept)."""

    __tablename__ = "submission_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    stored_name: Mapped[str] = mapped_column(sa.String(80))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission = relationship("Submission", back_populates="documents")
