"""Poles: their Arabic names (Arabic is the third shipped language)

The poles are data seeded by the initial migration with an English and a French name; an Arabic
page showed the French one. `name_ar` is added and filled for the four seeded poles; a pole added
later without it reads in French (the label fallback), never as its key.

Revision ID: d4a7e2c91b35
Revises: b7c1e0f4a9d2
Create Date: 2026-11-29 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a7e2c91b35'
down_revision = 'b7c1e0f4a9d2'
branch_labels = None
depends_on = None

ARABIC = {
    "mobile_services": "الخدمات المتنقلة",
    "security_payment_digital_rights": "الأمن والأداء الإلكتروني والحقوق الرقمية",
    "multimedia": "الوسائط المتعددة",
    "software_packages": "حزم البرمجيات",
}


def upgrade():
    with op.batch_alter_table('poles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_ar', sa.String(length=120), server_default='', nullable=False))
    poles = sa.table('poles', sa.column('key', sa.String), sa.column('name_ar', sa.String))
    for key, name in ARABIC.items():
        op.execute(poles.update().where(poles.c.key == key).values(name_ar=name))
    with op.batch_alter_table('poles', schema=None) as batch_op:
        batch_op.alter_column('name_ar', server_default=None)


def downgrade():
    with op.batch_alter_table('poles', schema=None) as batch_op:
        batch_op.drop_column('name_ar')
