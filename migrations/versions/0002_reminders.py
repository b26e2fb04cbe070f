"""reminders: outbox, preferences, leases

Revision ID: 0002_reminders
Revises: 0001
Create Date: 2026-11-27 03:07:17.644859

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_reminders'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('leases',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('acquired_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_leases'))
    )
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('milestone', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('recipient_name', sa.String(length=128), nullable=True),
    sa.Column('recipient_user_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('delivery', sa.String(length=8), nullable=False),
    sa.Column('county_code', sa.String(length=12), nullable=True),
    sa.Column('subject_label', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('milestone_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('message_id', sa.String(length=255), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('rule', 'subject_type', 'subject_id', 'milestone', 'recipient', name='uq_reminders_identity')
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_county_code'), ['county_code'], unique=False)
        batch_op.create_index('ix_reminders_rule_milestone_on', ['rule', 'milestone_on'], unique=False)
        batch_op.create_index('ix_reminders_status_claim', ['status', 'claimed_until'], unique=False)

    op.create_table('reminder_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_preferences'))
    )


def downgrade():
    op.drop_table('reminder_preferences')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_status_claim')
        batch_op.drop_index('ix_reminders_rule_milestone_on')
        batch_op.drop_index(batch_op.f('ix_reminders_county_code'))

    op.drop_table('reminders')
    op.drop_table('leases')
