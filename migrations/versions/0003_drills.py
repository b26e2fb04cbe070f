"""drills and corrective actions (应急演练, 整改)

agreement_id has no foreign key yet: the agreements table lives on another branch
and the key is added when both are merged.

Revision ID: 0003_drills
Revises: 0002_reminders
Create Date: 2026-11-27 03:03:42.303115

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_drills'
down_revision = "0002_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('duration_hours', sa.Float(), nullable=False),
    sa.Column('county_code', sa.String(length=12), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('organiser_level', sa.String(length=16), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=True),
    sa.Column('content_type', sa.String(length=16), nullable=True),
    sa.Column('form_type', sa.String(length=16), nullable=True),
    sa.Column('legacy_type', sa.String(length=16), nullable=True),
    sa.Column('theme', sa.String(length=32), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('scenario_substance', sa.String(length=200), nullable=True),
    sa.Column('scenario_pathway', sa.String(length=16), nullable=True),
    sa.Column('participating_bodies', sa.JSON(), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('evaluation', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['county_code'], ['counties.code'], name=op.f('fk_drills_county_code_counties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drills'))
    )
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drills_county_code'), ['county_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_drills_held_on'), ['held_on'], unique=False)

    op.create_table('drill_enterprises',
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_enterprises_drill_id_drills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_drill_enterprises_enterprise_id_enterprises')),
    sa.PrimaryKeyConstraint('drill_id', 'enterprise_id', name=op.f('pk_drill_enterprises'))
    )
    with op.batch_alter_table('drill_enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_enterprises_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('owner_name', sa.String(length=64), nullable=True),
    sa.Column('owner_unit', sa.String(length=200), nullable=True),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_by_name', sa.String(length=64), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('plan_needs_revision', sa.Boolean(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_corrective_actions_drill_id_drills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_user_id'], ['users.id'], name=op.f('fk_corrective_actions_owner_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_corrective_actions_plan_id_plans')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_corrective_actions_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions'))
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_actions_drill_id'), ['drill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_verified_on'), ['verified_on'], unique=False)

    op.create_table('drill_plans',
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_plans_drill_id_drills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_drill_plans_plan_id_plans')),
    sa.PrimaryKeyConstraint('drill_id', 'plan_id', name=op.f('pk_drill_plans'))
    )
    with op.batch_alter_table('drill_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_plans_plan_id'), ['plan_id'], unique=False)

    op.create_table('drill_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_actions.id'], name=op.f('fk_drill_attachments_action_id_corrective_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_attachments_drill_id_drills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_attachments'))
    )
    with op.batch_alter_table('drill_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_attachments_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drill_attachments_drill_id'), ['drill_id'], unique=False)



def downgrade():
    with op.batch_alter_table('drill_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_attachments_drill_id'))
        batch_op.drop_index(batch_op.f('ix_drill_attachments_action_id'))

    op.drop_table('drill_attachments')
    with op.batch_alter_table('drill_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_plans_plan_id'))

    op.drop_table('drill_plans')
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_actions_verified_on'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_status'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_plan_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_due_on'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_drill_id'))

    op.drop_table('corrective_actions')
    with op.batch_alter_table('drill_enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_enterprises_enterprise_id'))

    op.drop_table('drill_enterprises')
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drills_held_on'))
        batch_op.drop_index(batch_op.f('ix_drills_county_code'))

    op.drop_table('drills')
