"""Uploaded bank versions: a bank uploaded in the interface, its owner and the colleagues it is
shared with, and valid uploads waiting between preview and confirm.

Revision ID: b41f6a0e0de7
Revises: d5a9c3e1f7b2
Create Date: 2026-11-29 22:09:22.581981

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b41f6a0e0de7'
down_revision = 'd5a9c3e1f7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'bank_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank_id', sa.String(length=100), nullable=False),
        sa.Column('version', sa.String(length=50), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('title', sa.JSON(), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['facilitator.id'], name='fk_bank_version_owner_id_facilitator'),
        sa.PrimaryKeyConstraint('id', name='pk_bank_version'),
        sa.UniqueConstraint('bank_id', 'version', name='uq_bank_version_bank_id'),
    )
    with op.batch_alter_table('bank_version') as batch_op:
        batch_op.create_index('ix_bank_version_bank_id', ['bank_id'], unique=False)
        batch_op.create_index('ix_bank_version_owner_id', ['owner_id'], unique=False)
    op.create_table(
        'bank_version_share',
        sa.Column('bank_version_id', sa.Integer(), nullable=False),
        sa.Column('facilitator_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['bank_version_id'], ['bank_version.id'], ondelete='CASCADE',
                                name='fk_bank_version_share_bank_version_id_bank_version'),
        sa.ForeignKeyConstraint(['facilitator_id'], ['facilitator.id'], ondelete='CASCADE',
                                name='fk_bank_version_share_facilitator_id_facilitator'),
        sa.PrimaryKeyConstraint('bank_version_id', 'facilitator_id', name='pk_bank_version_share'),
    )
    with op.batch_alter_table('bank_version_share') as batch_op:
        batch_op.create_index('ix_bank_version_share_facilitator_id', ['facilitator_id'], unique=False)
    op.create_table(
        'bank_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('snapshot', sa.JSON(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['facilitator.id'], name='fk_bank_upload_owner_id_facilitator'),
        sa.PrimaryKeyConstraint('id', name='pk_bank_upload'),
    )
    with op.batch_alter_table('bank_upload') as batch_op:
        batch_op.create_index('ix_bank_upload_owner_id', ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('bank_upload') as batch_op:
        batch_op.drop_index('ix_bank_upload_owner_id')
    op.drop_table('bank_upload')
    with op.batch_alter_table('bank_version_share') as batch_op:
        batch_op.drop_index('ix_bank_version_share_facilitator_id')
    op.drop_table('bank_version_share')
    with op.batch_alter_table('bank_version') as batch_op:
        batch_op.drop_index('ix_bank_version_owner_id')
        batch_op.drop_index('ix_bank_version_bank_id')
    op.drop_table('bank_version')
