"""job_runs: each scheduled daily run, started and finished (issue #17.8), so a standby
that takes over resumes a run that did not finish and a run missed by downtime is made up.

Revision ID: 0018_job_runs
Revises: 0017_scale
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_job_runs"
down_revision = "0017_scale"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("run_for", sa.Date, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("holder", sa.String(128), nullable=True),
        sa.Column("outcome", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
    )
    op.create_index("ix_job_runs_job_run_for", "job_runs", ["job", "run_for"])


def downgrade():
    op.drop_table("job_runs")
