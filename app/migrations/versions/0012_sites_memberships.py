"""site_membership: which sites each user may see (NULL site: every site)

Revision ID: 0012_sites
Revises: 0011_imports
Create Date: 2026-12-07 05:00:00.000000

Every existing user gets a membership of all sites, so an upgrade changes nobody's
access; an administrator then narrows people to their sites.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_sites'
down_revision = '0011_imports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_membership',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'site_id'),
    )
    with op.batch_alter_table('site_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_membership_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_membership_user_id'), ['user_id'], unique=False)
    op.execute(
        "INSERT INTO site_membership (user_id, site_id) SELECT id, NULL FROM user_account"
    )


def downgrade():
    with op.batch_alter_table('site_membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_site_membership_site_id'))
    op.drop_table('site_membership')
