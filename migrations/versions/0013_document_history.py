"""Plan documents keep the files they replace (issues #16 §5, #17.10): plan_document_files.

Revision ID: 0013_document_history
Revises: 0012_enrolment
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_document_history"
down_revision = "0012_enrolment"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_document_files",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("plan_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("stored_name", sa.String(80), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=True),
        sa.Column("content_type", sa.String(100), nullable=True),
        sa.Column("size", sa.Integer, nullable=True),
        sa.Column("uploaded_at", sa.DateTime, nullable=True),
        sa.Column("replaced_at", sa.DateTime, nullable=False),
        sa.Column("replaced_by", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE",
                                name=op.f("fk_plan_document_files_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_document_files")),
    )
    op.create_index(op.f("ix_plan_document_files_plan_id"), "plan_document_files", ["plan_id"])


def downgrade():
    op.drop_table("plan_document_files")
