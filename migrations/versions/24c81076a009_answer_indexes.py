"""Answer indexes: one on (participant_id, updated_at), from which the live dashboard reads whether
anything changed without touching the table; drop the one on participant_id (the unique constraint
on (participant_id, question_id) serves those lookups) and the one on updated_at (nothing reads
it, and every saved answer had to update it).

Revision ID: 24c81076a009
Revises: 5e4e76c56ba4
Create Date: 2026-11-23 22:32:37.306151

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '24c81076a009'
down_revision = '5e4e76c56ba4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_participant_id'))
        batch_op.drop_index(batch_op.f('ix_answer_updated_at'))
        batch_op.create_index('ix_answer_participant_id_updated_at', ['participant_id', 'updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_participant_id_updated_at')
        batch_op.create_index(batch_op.f('ix_answer_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_participant_id'), ['participant_id'], unique=False)
