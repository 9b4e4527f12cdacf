"""Privacy (law 09-08): consent recorded on accounts, anonymised accounts, deletion requests

Revision ID: c60c0780b0a0
Revises: 8a51be52fe2c
Create Date: 2026-11-28 23:04:50.507401

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c60c0780b0a0'
down_revision = '8a51be52fe2c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deletion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.CheckConstraint("status = 'requested' OR handled_at IS NOT NULL", name=op.f('ck_deletion_requests_handled_has_date')),
    sa.CheckConstraint("status IN ('requested', 'done', 'refused')", name=op.f('ck_deletion_requests_status_known')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_deletion_requests_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deletion_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_requests'))
    )
    with op.batch_alter_table('deletion_requests', schema=None) as batch_op:
        batch_op.create_index('ix_deletion_requests_status', ['status', 'requested_at'], unique=False)
        batch_op.create_index('uq_deletion_requests_pending', ['user_id'], unique=True, sqlite_where=sa.text("status = 'requested'"), postgresql_where=sa.text("status = 'requested'"))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consented_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('consent_notice_version', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('consent_notice_version')
        batch_op.drop_column('consented_at')

    with op.batch_alter_table('deletion_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_deletion_requests_pending', sqlite_where=sa.text("status = 'requested'"), postgresql_where=sa.text("status = 'requested'"))
        batch_op.drop_index('ix_deletion_requests_status')

    op.drop_table('deletion_requests')
