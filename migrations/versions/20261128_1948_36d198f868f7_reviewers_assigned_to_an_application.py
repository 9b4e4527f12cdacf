"""Reviewers assigned to an application

A declared partner can exclude every member of the pole's commission (they work for it): a
manager assigns another reviewer to that one application.

Revision ID: 36d198f868f7
Revises: a1f3c9d27e64
Create Date: 2026-11-28 19:48:10.599004

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '36d198f868f7'
down_revision = 'a1f3c9d27e64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_reviewers',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_reviewers_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_application_reviewers_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_application_reviewers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'user_id', name=op.f('pk_application_reviewers'))
    )
    with op.batch_alter_table('application_reviewers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_reviewers_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('application_reviewers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_reviewers_user_id'))

    op.drop_table('application_reviewers')
