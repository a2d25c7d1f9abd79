"""Viewers: an account's role (facilitator or viewer), read-only programme grants, and read-only
access to every programme of a county.

Revision ID: d5a9c3e1f7b2
Revises: c4e1a7d2b9f3
Create Date: 2026-12-10 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a9c3e1f7b2'
down_revision = 'c4e1a7d2b9f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('facilitator') as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), nullable=False,
                                      server_default='facilitator'))
    with op.batch_alter_table('programme_access') as batch_op:
        batch_op.add_column(sa.Column('read_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'county_access',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('facilitator_id', sa.Integer(), nullable=False),
        sa.Column('county', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'],
                                name='fk_county_access_facilitator_id_facilitator'),
        sa.PrimaryKeyConstraint('id', name='pk_county_access'),
        sa.UniqueConstraint('facilitator_id', 'county', name='uq_county_access_facilitator_id'),
    )
    with op.batch_alter_table('county_access') as batch_op:
        batch_op.create_index('ix_county_access_facilitator_id', ['facilitator_id'], unique=False)


def downgrade():
    with op.batch_alter_table('county_access') as batch_op:
        batch_op.drop_index('ix_county_access_facilitator_id')
    op.drop_table('county_access')
    with op.batch_alter_table('programme_access') as batch_op:
        batch_op.drop_column('read_only')
    with op.batch_alter_table('facilitator') as batch_op:
        batch_op.drop_column('role')
