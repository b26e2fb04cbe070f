"""Runs of the scheduled daily jobs, so a scheduler that takes over (or starts after
downtime) can tell a run that did not finish, or never started, and make it up."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.models.base import utcnow


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (sa.Index("ix_job_runs_job_run_for", "job", "run_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(64))
    run_for: Mapped[date]  # the local day the run is for
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    holder: Mapped[str | None] = mapped_column(sa.String(128))
    outcome: Mapped[str | None] = mapped_column(sa.String(300))
