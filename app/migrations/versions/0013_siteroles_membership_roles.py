"""site_membership.role: roles are held per site; user_role goes

Revision ID: 0013_siteroles
Revises: 0012_sites
Create Date: 2026-12-07 11:30:00.000000

A user's role was global (user_role) and their sites separate (site_membership), so a
supervisor of one site was a supervisor wherever they could see. Now each membership
carries a role: one row per site and role. Upgrading gives every existing membership
each of the user's current roles, so nobody's access changes; a user without a role
keeps their memberships with a NULL role (they stay on their sites' staff lists).
Downgrading gives each user the union of their roles again and one row per site.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_siteroles'
down_revision = '0012_sites'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('site_membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=32), nullable=True))
        batch_op.drop_constraint('uq_site_membership_user_id_site_id', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_site_membership_user_id_site_id_role'), ['user_id', 'site_id', 'role']
        )
    # the first role on the existing row, every further role on a row of its own
    op.execute(
        "UPDATE site_membership SET role = (SELECT MIN(user_role.role) FROM user_role"
        " WHERE user_role.user_id = site_membership.user_id)"
    )
    op.execute(
        "INSERT INTO site_membership (user_id, site_id, role)"
        " SELECT m.user_id, m.site_id, r.role FROM site_membership m"
        " JOIN user_role r ON r.user_id = m.user_id WHERE r.role <> m.role"
    )
    with op.batch_alter_table('site_membership', schema=None) as batch_op:
        batch_op.create_index(
            'uq_site_membership_company_role', ['user_id', 'role'], unique=True,
            sqlite_where=sa.text('site_id IS NULL'),
            postgresql_where=sa.text('site_id IS NULL'),
        )
    op.drop_table('user_role')


def downgrade():
    op.create_table(
        'user_role',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_user_role_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role')),
    )
    op.execute(
        "INSERT INTO user_role (user_id, role) SELECT DISTINCT user_id, role"
        " FROM site_membership WHERE role IS NOT NULL"
    )
    # one row per user and site again: keep the first
    op.execute(
        "DELETE FROM site_membership WHERE id NOT IN (SELECT MIN(id) FROM site_membership"
        " GROUP BY user_id, site_id)"
    )
    with op.batch_alter_table('site_membership', schema=None) as batch_op:
        batch_op.drop_index('uq_site_membership_company_role')
        batch_op.drop_constraint('uq_site_membership_user_id_site_id_role', type_='unique')
        batch_op.drop_column('role')
        batch_op.create_unique_constraint(
            batch_op.f('uq_site_membership_user_id_site_id'), ['user_id', 'site_id']
        )
