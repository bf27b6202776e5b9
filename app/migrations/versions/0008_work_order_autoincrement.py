"""work_order ids are never reused on SQLite (AUTOINCREMENT)

Revision ID: 0008_work_order_autoincrement
Revises: 0007_feeds
Create Date: 2026-11-23 10:00:00.000000

Feeds make event UIDs from work-order ids, and regeneration deletes work orders.
Without AUTOINCREMENT, SQLite gives a new row the id of a deleted one when that
one was the highest, so a calendar client would take a new visit for an old one.
SQLite can only add AUTOINCREMENT by rebuilding the table; PostgreSQL's
sequences never hand out an id twice, so there this migration does nothing.

The rebuild drops the old table, which other tables reference (completions,
attachments, repair requests, corrective jobs): with foreign keys enforced, that
drop would be refused (RESTRICT) or would null the links (SET NULL). So foreign
keys are switched off for the rebuild — which SQLite allows only outside a
transaction, hence the autocommit blocks — then checked and switched back on.
"""
from alembic import op
import sqlalchemy as sa

import app.core.db


# revision identifiers, used by Alembic.
revision = '0008_work_order_autoincrement'
down_revision = '0007_feeds'
branch_labels = None
depends_on = None

# The tables whose foreign keys point at work_order, and work_order itself.
CHECKED = ('work_order', 'work_completion', 'work_attachment', 'repair_request')


def _rebuild_work_order(autoincrement):
    """Rebuild work_order on SQLite with (or without) AUTOINCREMENT, keeping every row,
    index and constraint; ids are copied as they are."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    context = op.get_context()
    with context.autocommit_block():
        op.execute('PRAGMA foreign_keys=OFF')
    with op.batch_alter_table(
        'work_order',
        recreate='always',
        table_kwargs={'sqlite_autoincrement': autoincrement},
        # AUTOINCREMENT puts the key inline, unnamed; going back, name it as 0002 did.
        naming_convention={'pk': 'pk_%(table_name)s'},
    ):
        pass
    bind = op.get_bind()
    for table in CHECKED:
        broken = bind.execute(sa.text(f'PRAGMA foreign_key_check({table})')).fetchall()
        if broken:
            raise RuntimeError(f'rebuilding work_order broke foreign keys of {table}: {broken[:5]}')
    with context.autocommit_block():
        op.execute('PRAGMA foreign_keys=ON')


def upgrade():
    _rebuild_work_order(autoincrement=True)


def downgrade():
    _rebuild_work_order(autoincrement=False)
