"""session version on the user, so logout ends every session

Revision ID: 0009_sessions
Revises: 0008_work_order_autoincrement
Create Date: 2026-12-07 02:00:00.000000

Every session and remember cookie carries the user's session version; logout, a
password change and deactivation bump it. Existing rows start at 1. Cookies issued
before this migration carry a bare id and are refused, so everyone logs in once.
"""
from alembic import op
import sqlalchemy as sa


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


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
