"""Users: whether the language was chosen (else pages follow the browser)

Accounts carried the cluster's default language from creation, so an English browser signed in and
landed in French. `has_chosen_locale` tells a choice from a default. Existing values are kept; an
account whose language differs from the default `fr` chose it (or signed up in it), so it stays.

Revision ID: b7c1e0f4a9d2
Revises: c60c0780b0a0
Create Date: 2026-11-28 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1e0f4a9d2'
down_revision = 'c60c0780b0a0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_chosen_locale', sa.Boolean(), server_default=sa.false(), nullable=False))
    users = sa.table('users', sa.column('locale', sa.String), sa.column('has_chosen_locale', sa.Boolean))
    op.execute(users.update().where(users.c.locale != 'fr').values(has_chosen_locale=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('has_chosen_locale')
