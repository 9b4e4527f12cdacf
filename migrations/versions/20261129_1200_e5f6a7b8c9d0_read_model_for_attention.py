"""Read model for the attention list and the pipeline's remaining aggregates (issue #19)

Indexes on `pipeline_entries` for the attention list's first stalled projects and first projects
without a mentor; a mentor's first open assignment read from the index alone; `mentor_loads`
(open assignments per mentor) and `pipeline_funding` (financing per source, status, currency,
workflow, stage and pole), with what each entry adds to them; users by role and name (the
mentor filter read from the index alone); `pipeline_late_reports` (open KPI
reports counted late, flagged on the report by the sweep); then the read model is rebuilt.

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
        batch_op.add_column(sa.Column('mentors', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('funding', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'mentor_loads',
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_mentor_loads_mentor_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('mentor_id', name=op.f('pk_mentor_loads')),
    )
    with op.batch_alter_table('mentor_loads', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_loads_n', ['n'], unique=False)
    op.create_table(
        'pipeline_late_reports',
        sa.Column('workflow_key', sa.String(length=64), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('workflow_key', 'stage', name=op.f('pk_pipeline_late_reports')),
    )
    with op.batch_alter_table('kpi_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_counted_late', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_kpi_reports_late', ['status', 'is_counted_late', 'due_at'], unique=False)
    op.create_table(
        'pipeline_funding',
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('workflow_key', sa.String(length=64), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('pole_key', sa.String(length=64), nullable=False),
        sa.Column('cents', sa.BigInteger(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('source', 'status', 'currency', 'workflow_key', 'stage', 'pole_key',
                                name=op.f('pk_pipeline_funding')),
    )
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.create_index('ix_pipeline_entries_too_long', ['stage_entered_at', 'project_id'], unique=False,
                              sqlite_where=sa.text('is_too_long IS 1'), postgresql_where=sa.text('is_too_long IS true'))
        batch_op.create_index('ix_pipeline_entries_waiting', ['status', 'has_mentor', 'stage_entered_at',
                                                              'project_id'], unique=False)
        batch_op.create_index('ix_pipeline_entries_oldest', ['status', 'stage_entered_at', 'project_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_role_name', ['role', 'is_disabled', 'name', 'id'], unique=False)
        batch_op.drop_index('ix_users_role')
    with op.batch_alter_table('mentor_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_assignments_mentor_started', ['mentor_id', 'ended_at', 'started_at'],
                              unique=False)
        batch_op.drop_index('ix_mentor_assignments_mentor_active')
    _fill()


def _fill():
    """Fill the read model's new columns and tables (what `flask pipeline rebuild` does)."""
    from sqlalchemy.orm import Session

    from app.core.time import utcnow
    from app.pipeline import readmodel
    from app.workflow import catalog

    session = Session(bind=op.get_bind())
    try:
        catalog.catalog_of(session)
    except LookupError:  # migrations run without the app: the definitions of the default directory
        from config import Config

        session.info[catalog.SESSION_KEY] = catalog.Catalog.from_directory(Config.WORKFLOWS_DIR)
    readmodel.rebuild(session, now=utcnow())
    session.flush()


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_role', ['role'], unique=False)
        batch_op.drop_index('ix_users_role_name')
    op.drop_table('pipeline_funding')
    with op.batch_alter_table('kpi_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_reports_late')
        batch_op.drop_column('is_counted_late')
    op.drop_table('pipeline_late_reports')
    with op.batch_alter_table('mentor_loads', schema=None) as batch_op:
        batch_op.drop_index('ix_mentor_loads_n')
    op.drop_table('mentor_loads')
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.drop_column('funding')
        batch_op.drop_column('mentors')
    with op.batch_alter_table('mentor_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_assignments_mentor_active', ['mentor_id', 'ended_at'], unique=False)
        batch_op.drop_index('ix_mentor_assignments_mentor_started')
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_pipeline_entries_oldest')
        batch_op.drop_index('ix_pipeline_entries_waiting')
        batch_op.drop_index('ix_pipeline_entries_too_long')
