"""Gate reviews and deliverable evidence: a project's pending review request, the history's
subject (a deliverable), a mentor's assignment carried over to the next stage, the evidence a gate decision saw, and the evidence rows themselves.

Revision ID: cb28677356fd
Revises: 4f8ead2d4305
Create Date: 2026-11-28 22:01:01.922483

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cb28677356fd'
down_revision = '4f8ead2d4305'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deliverable_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('deliverable_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('storage_name', sa.String(length=64), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=120), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'file' AND storage_name IS NOT NULL AND url IS NULL) OR (kind = 'link' AND url IS NOT NULL AND storage_name IS NULL)", name=op.f('ck_deliverable_evidence_file_or_link')),
    sa.CheckConstraint("kind IN ('file', 'link')", name=op.f('ck_deliverable_evidence_kind_known')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_deliverable_evidence_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_deliverable_evidence_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliverable_evidence')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_deliverable_evidence_storage_name'))
    )
    with op.batch_alter_table('deliverable_evidence', schema=None) as batch_op:
        batch_op.create_index('ix_deliverable_evidence_project_stage', ['project_id', 'stage', 'deliverable_key'], unique=False)

    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.alter_column('evidence', server_default=None)

    with op.batch_alter_table('mentor_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_over_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_mentor_assignments_carried_over_from_id_mentor_assignments'),
                                    'mentor_assignments', ['carried_over_from_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('project_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=64), nullable=True))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_request_event_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_projects_review_requested_at', ['review_requested_at'], unique=False)
        batch_op.create_check_constraint(
            op.f('ck_projects_review_request_complete'), '(review_requested_at IS NULL) = (review_request_event_id IS NULL)')



def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_projects_review_request_complete'), type_='check')
        batch_op.drop_index('ix_projects_review_requested_at')
        batch_op.drop_column('review_request_event_id')
        batch_op.drop_column('review_requested_at')

    with op.batch_alter_table('project_events', schema=None) as batch_op:
        batch_op.drop_column('subject')

    with op.batch_alter_table('mentor_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_mentor_assignments_carried_over_from_id_mentor_assignments'),
                                 type_='foreignkey')
        batch_op.drop_column('carried_over_from_id')

    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.drop_column('evidence')

    with op.batch_alter_table('deliverable_evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_deliverable_evidence_project_stage')

    op.drop_table('deliverable_evidence')
