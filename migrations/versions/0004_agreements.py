"""agreements: register, parties, sections, contacts, meetings

Revision ID: 0004_agreements
Revises: 0003_drills
Create Date: 2026-11-27 03:06:03.015629

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_agreements'
down_revision = "0003_drills"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('rivers', sa.JSON(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('term_years', sa.Integer(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('renewal_on', sa.Date(), nullable=True),
    sa.Column('notification_triggers', sa.Text(), nullable=False),
    sa.Column('notification_channel', sa.String(length=200), nullable=False),
    sa.Column('notification_limit_hours', sa.Float(), nullable=True),
    sa.Column('joint_monitoring', sa.Text(), nullable=True),
    sa.Column('meeting_cadence', sa.String(length=200), nullable=True),
    sa.Column('document_stored_name', sa.String(length=80), nullable=True),
    sa.Column('document_original_name', sa.String(length=255), nullable=True),
    sa.Column('document_content_type', sa.String(length=100), nullable=True),
    sa.Column('document_size', sa.Integer(), nullable=True),
    sa.Column('document_uploaded_at', sa.DateTime(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_expires_on'), ['expires_on'], unique=False)

    op.create_table('agreement_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('participants', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_meetings_agreement_id_agreements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_meetings'))
    )
    with op.batch_alter_table('agreement_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_meetings_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('agreement_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('city_name', sa.String(length=64), nullable=False),
    sa.Column('city_code', sa.String(length=12), nullable=True),
    sa.Column('environment_department', sa.String(length=200), nullable=False),
    sa.Column('water_department', sa.String(length=200), nullable=True),
    sa.Column('river_roles', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_parties_agreement_id_agreements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_parties')),
    sa.UniqueConstraint('agreement_id', 'city_name', name='uq_agreement_parties_agreement_city')
    )
    with op.batch_alter_table('agreement_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_parties_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_parties_city_name'), ['city_name'], unique=False)

    op.create_table('agreement_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('river', sa.String(length=100), nullable=False),
    sa.Column('counterpart_city', sa.String(length=64), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('monitored_by', sa.String(length=16), nullable=False),
    sa.Column('layer_key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_sections_agreement_id_agreements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_sections'))
    )
    with op.batch_alter_table('agreement_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_sections_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('agreement_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.Column('office_phone', sa.String(length=32), nullable=True),
    sa.Column('duty_phone', sa.String(length=32), nullable=True),
    sa.Column('mobile', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['agreement_parties.id'], name=op.f('fk_agreement_contacts_party_id_agreement_parties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_contacts'))
    )
    with op.batch_alter_table('agreement_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_contacts_party_id'), ['party_id'], unique=False)



def downgrade():
    with op.batch_alter_table('agreement_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_contacts_party_id'))

    op.drop_table('agreement_contacts')
    with op.batch_alter_table('agreement_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_sections_agreement_id'))

    op.drop_table('agreement_sections')
    with op.batch_alter_table('agreement_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_parties_city_name'))
        batch_op.drop_index(batch_op.f('ix_agreement_parties_agreement_id'))

    op.drop_table('agreement_parties')
    with op.batch_alter_table('agreement_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_meetings_agreement_id'))

    op.drop_table('agreement_meetings')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_expires_on'))

    op.drop_table('agreements')
