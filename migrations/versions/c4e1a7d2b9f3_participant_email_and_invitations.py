"""Participant e-mail and invitations: a participant may have an address (from a pasted list), and
each invitation e-mail the server accepted is recorded (to, when, language).

Revision ID: c4e1a7d2b9f3
Revises: c3f1a7e2b8d4
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a7d2b9f3'
down_revision = 'c3f1a7e2b8d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participant') as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name='fk_invitation_participant_id_participant'),
        sa.PrimaryKeyConstraint('id', name='pk_invitation'),
    )
    with op.batch_alter_table('invitation') as batch_op:
        batch_op.create_index('ix_invitation_participant_id', ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitation') as batch_op:
        batch_op.drop_index('ix_invitation_participant_id')
    op.drop_table('invitation')
    with op.batch_alter_table('participant') as batch_op:
        batch_op.drop_column('email')
