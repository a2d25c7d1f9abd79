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


# Plain ADD and DROP COLUMN, which SQLite (3.35 and later) and PostgreSQL both do in place: batch
# mode would copy the table, and SQLite's foreign keys (consensus_change -> consensus) refuse that.
def upgrade():
    op.add_column('consensus', sa.Column('value', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('consensus', 'value')
