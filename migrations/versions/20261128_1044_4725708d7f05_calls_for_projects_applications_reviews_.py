"""Calls for projects: calls, criteria, applications, partners, pitch decks, reviews, labels

Revision ID: 4725708d7f05
Revises: 5b1e2c7d9a01
Create Date: 2026-11-28 10:43:41.753434

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4725708d7f05'
down_revision = '5b1e2c7d9a01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('requires_deck', sa.Boolean(), nullable=False),
    sa.Column('workflow_key', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_calls_deadline_after_opening')),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_calls_closes_after_opening')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calls_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index('ix_calls_open', ['opens_at', 'closes_at'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('pole_key', sa.String(length=64), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('more_info_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_comment', sa.Text(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status <> 'more_info' OR more_info_requested_at IS NOT NULL", name=op.f('ck_applications_more_info_has_date')),
    sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name=op.f('ck_applications_submitted_has_date')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'more_info', 'labelled', 'rejected')", name=op.f('ck_applications_status_known')),
    sa.CheckConstraint("status NOT IN ('labelled', 'rejected') OR decided_at IS NOT NULL", name=op.f('ck_applications_decided_has_date')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_applications_version_positive')),
    sa.ForeignKeyConstraint(['applicant_id'], ['users.id'], name=op.f('fk_applications_applicant_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_applications_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_applications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pole_key'], ['poles.key'], name=op.f('fk_applications_pole_key_poles')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_applications_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('project_id', name=op.f('uq_applications_project_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index('ix_applications_call_status', ['call_id', 'status'], unique=False)

    op.create_table('call_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('descriptors', sa.JSON(), nullable=False),
    sa.CheckConstraint('weight BETWEEN 1 AND 100', name=op.f('ck_call_criteria_weight_range')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_criteria_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_criteria')),
    sa.UniqueConstraint('call_id', 'key', name=op.f('uq_call_criteria_call_id_key'))
    )
    op.create_table('call_poles',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('pole_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_poles_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pole_key'], ['poles.key'], name=op.f('fk_call_poles_pole_key_poles')),
    sa.PrimaryKeyConstraint('call_id', 'pole_key', name=op.f('pk_call_poles'))
    )
    with op.batch_alter_table('call_poles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_poles_pole_key'), ['pole_key'], unique=False)

    op.create_table('application_partners',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.CheckConstraint("role IN ('lead', 'industrial_partner', 'research_partner', 'customer_pilot', 'other')", name=op.f('ck_application_partners_role_known')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_partners_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_application_partners_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'organisation_id', name=op.f('pk_application_partners'))
    )
    with op.batch_alter_table('application_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_partners_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('labelled_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_labels_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_labels_call_id_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_labels_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labels')),
    sa.UniqueConstraint('application_id', name=op.f('uq_labels_application_id')),
    sa.UniqueConstraint('number', name=op.f('uq_labels_number')),
    sa.UniqueConstraint('project_id', name=op.f('uq_labels_project_id'))
    )
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labels_call_id'), ['call_id'], unique=False)

    op.create_table('pitch_decks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_pitch_decks_size_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_pitch_decks_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_pitch_decks_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_decks')),
    sa.UniqueConstraint('application_id', name=op.f('uq_pitch_decks_application_id')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_pitch_decks_storage_name'))
    )
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('is_conflict', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_reviews_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_reviews_reviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name=op.f('uq_reviews_application_id_reviewer_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('review_scores',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_review_scores_score_range')),
    sa.ForeignKeyConstraint(['criterion_id'], ['call_criteria.id'], name=op.f('fk_review_scores_criterion_id_call_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_scores_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'criterion_id', name=op.f('pk_review_scores'))
    )


def downgrade():
    op.drop_table('review_scores')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_reviewer_id'))

    op.drop_table('reviews')
    op.drop_table('pitch_decks')
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labels_call_id'))

    op.drop_table('labels')
    with op.batch_alter_table('application_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_partners_organisation_id'))

    op.drop_table('application_partners')
    with op.batch_alter_table('call_poles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_poles_pole_key'))

    op.drop_table('call_poles')
    op.drop_table('call_criteria')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_call_status')
        batch_op.drop_index(batch_op.f('ix_applications_applicant_id'))

    op.drop_table('applications')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_open')

    op.drop_table('calls')
