"""submissions: a change notice's date of change (its 20-working-day notice clock), and
the risk inventory an application carries with its HJ 941 grade (issue #19).

Revision ID: 0019_submission_change
Revises: 0018_job_runs
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_submission_change"
down_revision = "0018_job_runs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("changed_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("inventory", sa.JSON, nullable=True))
        batch.add_column(sa.Column("grading", sa.JSON, nullable=True))


def downgrade():
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("grading")
        batch.drop_column("inventory")
        batch.drop_column("changed_on")
