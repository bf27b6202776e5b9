"""calendar_feed.token_salt: a feed's link can be shown again to its owner

Revision ID: 0010_feed_token_salt
Revises: 0009_sessions
Create Date: 2026-12-07 02:00:00.000000

The token is derived from this salt and the server's key (HMAC), so the owner can
see and scan their link again instead of making another live one, while the
database alone still reveals no link. Older rows have no salt: their link is
shown only when renewed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_feed_token_salt'
down_revision = '0009_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_salt', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_column('token_salt')
