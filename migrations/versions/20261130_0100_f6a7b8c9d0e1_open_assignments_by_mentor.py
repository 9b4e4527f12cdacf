"""Open mentor assignments by mentor and start (a mentor's first open assignment in one probe)

The attention list orders mentors without office hours by their first open assignment; PostgreSQL
walked all of a mentor's open assignments in `ix_mentor_assignments_mentor_started` for it.

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-11-30 01:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f6a7b8c9d0e1'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_mentor_assignments_open_by_mentor', 'mentor_assignments', ['mentor_id', 'started_at'],
                    unique=False, postgresql_where=sa.text('ended_at IS NULL'),
                    sqlite_where=sa.text('ended_at IS NULL'))


def downgrade():
    op.drop_index('ix_mentor_assignments_open_by_mentor', table_name='mentor_assignments')
