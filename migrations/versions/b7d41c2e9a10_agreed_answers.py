"""Agreed answers: a consensus can hold the group's agreed answer to any question (a closure
review's continuation questions, a fact, a psv's overall assessment), stored as JSON like a
participant's answer. Indicators keep their grade; existing rows get no value.

Revision ID: b7d41c2e9a10
Revises: 69808da39f52
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c2e9a10'
down_revision = '69808da39f52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consensus', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('consensus', schema=None) as batch_op:
        batch_op.drop_column('value')
