"""Exchange rates a manager records (totals in MAD convert at the latest rate valid on the day)

Revision ID: 8a51be52fe2c
Revises: 5963dc96a1a3
Create Date: 2026-11-28 22:56:46.427574

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a51be52fe2c'
down_revision = '5963dc96a1a3'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate_to_mad', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('valid_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("currency <> 'MAD'", name=op.f('ck_exchange_rates_not_mad')),
    sa.CheckConstraint('rate_to_mad > 0', name=op.f('ck_exchange_rates_rate_positive')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_exchange_rates_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('currency', 'valid_on', name=op.f('uq_exchange_rates_currency_valid_on'))
    )



def downgrade():

    op.drop_table('exchange_rates')

