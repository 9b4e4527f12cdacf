"""Pipeline read model: counters kept in the transaction of every write (issue #19)

`pipeline_entries` (one row per project), `pipeline_counts`, `pipeline_histograms` and
`stage_passages`, filled from the history by `app.pipeline.readmodel.rebuild` (the same as
`flask pipeline rebuild`; since revision e5f6a7b8c9d0 that revision fills them). Indexes on
projects for the board's first cards per stage, the oldest stalled projects and the projects
list's first page.

Revision ID: d4e5f6a7b8c9
Revises: d4a7e2c91b35
Create Date: 2026-11-29 09:00:00

"""
import sqlalchemy as sa
from alembic import op

from app.core.models import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'd4a7e2c91b35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pipeline_entries',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('workflow_key', sa.String(length=64), nullable=False),
        sa.Column('workflow_version', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('pole_key', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('stage_entered_at', UTCDateTime(), nullable=False),
        sa.Column('stall_at', UTCDateTime(), nullable=True),
        sa.Column('is_too_long', sa.Boolean(), nullable=False),
        sa.Column('is_overdue', sa.Boolean(), nullable=False),
        sa.Column('has_mentor', sa.Boolean(), nullable=False),
        sa.Column('reached', sa.Text(), nullable=False),
        sa.Column('passages', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_pipeline_entries_project_id_projects'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', name=op.f('pk_pipeline_entries')),
    )
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.create_index('ix_pipeline_entries_walk', ['workflow_key', 'stage', 'status', 'stage_entered_at'],
                              unique=False)
        batch_op.create_index('ix_pipeline_entries_stall', ['is_too_long', 'stall_at'], unique=False)
    op.create_table(
        'pipeline_counts',
        sa.Column('workflow_key', sa.String(length=64), nullable=False),
        sa.Column('workflow_version', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('pole_key', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('is_too_long', sa.Boolean(), nullable=False),
        sa.Column('is_overdue', sa.Boolean(), nullable=False),
        sa.Column('has_mentor', sa.Boolean(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('workflow_key', 'workflow_version', 'stage', 'pole_key', 'status', 'cohort_id',
                                'is_too_long', 'is_overdue', 'has_mentor', name=op.f('pk_pipeline_counts')),
    )
    op.create_table(
        'pipeline_histograms',
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('workflow_key', sa.String(length=64), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('bucket', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'workflow_key', 'stage', 'bucket', name=op.f('pk_pipeline_histograms')),
    )
    op.create_table(
        'stage_passages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('workflow_key', sa.String(length=64), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('entered_at', UTCDateTime(), nullable=False),
        sa.Column('left_at', UTCDateTime(), nullable=False),
        sa.Column('days', sa.Float(), nullable=False),
        sa.Column('bucket', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_stage_passages_project_id_projects'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_passages')),
    )
    with op.batch_alter_table('stage_passages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_passages_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_stage_passages_walk', ['workflow_key', 'stage', 'bucket', 'days'], unique=False)
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('ix_projects_board', ['workflow_key', 'stage', 'stage_entered_at', 'id'], unique=False)
        batch_op.create_index('ix_projects_stage_entered', ['stage_entered_at', 'id'], unique=False)
        batch_op.create_index('ix_projects_created_id', ['created_at', 'id'], unique=False)
    # Filled by the rebuild of the next revision (e5f6a7b8c9d0), which runs the current code: the
    # read model's tables grew since, and a rebuild here would write columns that do not exist yet.


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_created_id')
        batch_op.drop_index('ix_projects_stage_entered')
        batch_op.drop_index('ix_projects_board')
    with op.batch_alter_table('stage_passages', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_passages_walk')
        batch_op.drop_index(batch_op.f('ix_stage_passages_project_id'))
    op.drop_table('stage_passages')
    op.drop_table('pipeline_histograms')
    op.drop_table('pipeline_counts')
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_entries_stall')
        batch_op.drop_index('ix_pipeline_entries_walk')
    op.drop_table('pipeline_entries')
