"""Enterprise accounts (issue #19): one-time set-password links, and self-registration
requests decided by the county's officers.

Revision ID: 0012_enrolment
Revises: 0011_domain
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_enrolment"
down_revision = "0011_domain"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("used_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_account_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_links_token_hash")),
    )
    op.create_index(op.f("ix_account_links_user_id"), "account_links", ["user_id"])
    op.create_table(
        "enrolment_requests",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("county_code", sa.String(12), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("enterprise_name", sa.String(200), nullable=False),
        sa.Column("contact_name", sa.String(64), nullable=False),
        sa.Column("contact_phone", sa.String(32), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision_reason", sa.Text, nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("remote_addr", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.ForeignKeyConstraint(["county_code"], ["counties.code"],
                                name=op.f("fk_enrolment_requests_county_code_counties")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_enrolment_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_requests")),
    )
    op.create_index(op.f("ix_enrolment_requests_county_code"), "enrolment_requests", ["county_code"])
    op.create_index(op.f("ix_enrolment_requests_credit_code"), "enrolment_requests", ["credit_code"])
    op.create_index(op.f("ix_enrolment_requests_status"), "enrolment_requests", ["status"])


def downgrade():
    op.drop_table("enrolment_requests")
    op.drop_table("account_links")
