"""Presenter view: the indicator the facilitator shows on the wall (none: the join screen).

Revision ID: c3f1a7e2b8d4
Revises: 06a3171d6efb
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f1a7e2b8d4'
down_revision = '06a3171d6efb'
branch_labels = None
depends_on = None


# Plain ADD and DROP COLUMN, as in b7d41c2e9a10: batch mode would copy the table.
def upgrade():
    op.add_column('review_session', sa.Column('presented_question', sa.String(length=100), nullable=True))


def downgrade():
    op.drop_column('review_session', 'presented_question')
