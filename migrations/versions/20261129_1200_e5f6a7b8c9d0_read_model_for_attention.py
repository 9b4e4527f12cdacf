"""Read model for the attention list and the pipeline's remaining aggregates (issue #19)

Indexes on `pipeline_entries` for the attention list's first stalled projects and first projects
without a mentor; a mentor's first open assignment read from the index alone.

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-11-29 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5f6a7b8c9d0'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.create_index('ix_pipeline_entries_too_long', ['stage_entered_at', 'project_id'], unique=False,
                              sqlite_where=sa.text('is_too_long IS 1'), postgresql_where=sa.text('is_too_long'))
        batch_op.create_index('ix_pipeline_entries_waiting', ['status', 'has_mentor', 'stage_entered_at',
                                                              'project_id'], unique=False)
    with op.batch_alter_table('mentor_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_assignments_mentor_started', ['mentor_id', 'ended_at', 'started_at'],
                              unique=False)
        batch_op.drop_index('ix_mentor_assignments_mentor_active')


def downgrade():
    with op.batch_alter_table('mentor_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_assignments_mentor_active', ['mentor_id', 'ended_at'], unique=False)
        batch_op.drop_index('ix_mentor_assignments_mentor_started')
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_entries_waiting')
        batch_op.drop_index('ix_pipeline_entries_too_long')
