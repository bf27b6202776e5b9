"""equipment.registration_code: the 20-digit 注册代码, apart from the 使用登记证号

Revision ID: 0011_imports
Revises: 0010_feed_token_salt
Create Date: 2026-12-07 05:10:00.000000

An elevator has two numbers: the registration certificate no. (使用登记证号, e.g.
梯11沪A0001(18)) and the registration code (注册代码, 20 digits). Only the first had
a field, which the UI labelled 注册代码. Existing values stay where they are.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_imports'
down_revision = '0010_feed_token_salt'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('registration_code', sa.String(length=20), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('equipment', schema=None) as batch_op:
        batch_op.drop_column('registration_code')
