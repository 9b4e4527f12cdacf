"""Server-side records of browser sessions, so that signing out ends a session

A copy of the session cookie taken before `POST /logout` kept opening pages: the cookie alone
decided. Each sign-in now records a row (the sha256 of a random secret the cookie carries); the
user loader requires it and signing out deletes it. Cookies from before this migration carry no
secret: their holders sign in once more.

Revision ID: 7c1f0e2ab4d3
Revises: e839b2a46122
Create Date: 2026-11-28 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1f0e2ab4d3'
down_revision = 'e839b2a46122'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_user_sessions_secret_hash')),
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
