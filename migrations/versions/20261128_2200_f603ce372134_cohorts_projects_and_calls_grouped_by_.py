"""Cohorts: projects and calls grouped by programme

A cohort (name, workflow, dates, demo day) groups projects; a call may name the cohort its
labelled projects join. Both links are nullable and set to NULL when a cohort goes.

Revision ID: f603ce372134
Revises: 36d198f868f7
Create Date: 2026-11-28 22:00:42.004976

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f603ce372134'
down_revision = '36d198f868f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('workflow_key', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('demo_day', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('demo_day IS NULL OR (demo_day >= starts_on AND demo_day <= ends_on)', name=op.f('ck_cohorts_demo_day_within')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_cohorts_ends_after_start')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts')),
    sa.UniqueConstraint('name', name=op.f('uq_cohorts_name'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_calls_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_calls_cohort_id_cohorts'), 'cohorts', ['cohort_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_projects_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_projects_cohort_id_cohorts'), 'cohorts', ['cohort_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_cohort_id_cohorts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_projects_cohort_id'))
        batch_op.drop_column('cohort_id')

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_calls_cohort_id_cohorts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_calls_cohort_id'))
        batch_op.drop_column('cohort_id')

    op.drop_table('cohorts')
