"""Proposal uid and proposal uploads: every proposal gets a stable id that travels in the workbook,
so an edited workbook updates its proposals instead of adding copies (a carried copy keeps its
origin's id); an uploaded workbook is kept in proposal_upload between its preview and apply.
Existing proposals get a fresh id each, and carried copies their origin's.

Revision ID: 06a3171d6efb
Revises: b7d41c2e9a10
Create Date: 2026-11-29 19:07:11.437432

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '06a3171d6efb'
down_revision = 'b7d41c2e9a10'
branch_labels = None
depends_on = None


def _fill_uids():
    """A fresh uid per proposal; a copy takes its origin's, unless its session has that uid already."""
    proposal = sa.table('proposal', sa.column('id', sa.Integer), sa.column('session_id', sa.Integer),
                        sa.column('origin_id', sa.Integer), sa.column('uid', sa.String))
    connection = op.get_bind()
    uids, taken = {}, set()
    rows = connection.execute(sa.select(proposal.c.id, proposal.c.session_id, proposal.c.origin_id)
                              .order_by(proposal.c.id)).all()
    for proposal_id, session_id, origin_id in rows:
        uid = uids.get(origin_id)
        if uid is None or (session_id, uid) in taken:
            uid = secrets.token_hex(16)
        uids[proposal_id] = uid
        taken.add((session_id, uid))
        connection.execute(proposal.update().where(proposal.c.id == proposal_id).values(uid=uid))


def upgrade():
    op.create_table('proposal_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['review_session.id'], name=op.f('fk_proposal_upload_session_id_review_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_upload'))
    )
    with op.batch_alter_table('proposal_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_upload_session_id'), ['session_id'], unique=False)

    # Added with a default, filled, then made unique by an index: no table copy on SQLite, whose
    # copy would trip over the proposals that refer to others (origin_id).
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sa.String(length=32), server_default='', nullable=False))
    _fill_uids()
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_session_id_uid', ['session_id', 'uid'], unique=True)


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_session_id_uid')
    op.drop_column('proposal', 'uid')  # SQLite 3.35+ drops a column in place, no table copy

    with op.batch_alter_table('proposal_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_upload_session_id'))

    op.drop_table('proposal_upload')
