"""Facilitator session version: part of every login session's id, so that logging out (or a new
password) ends the sessions issued before. Existing accounts start at 0; sessions from before this
revision carry no version and must log in again.

Revision ID: 69808da39f52
Revises: 24c81076a009
Create Date: 2026-11-29 16:43:36.192806

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '69808da39f52'
down_revision = '24c81076a009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('facilitator', schema=None) as batch_op:
        batch_op.drop_column('session_version')
