"""session version on the user; login throttle per source

Revision ID: 0009_sessions
Revises: 0008_work_order_autoincrement
Create Date: 2026-12-07 02:00:00.000000

Every session and remember cookie carries the user's session version; logout, a
password change and deactivation bump it. Existing rows start at 1. Cookies issued
before this migration carry a bare id and are refused, so everyone logs in once.

login_throttle counts failed logins per address and per address and account, so
guessing slows the guesser down instead of locking the account for everyone.
"""
from alembic import op
import sqlalchemy as sa

import app.core.db


# revision identifiers, used by Alembic.
revision = '0009_sessions'
down_revision = '0008_work_order_autoincrement'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='1', nullable=False)
        )
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('blocked_until', app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seen_at', app.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('trusted_at', app.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_seen_at'), ['seen_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_seen_at'))
    op.drop_table('login_throttle')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
