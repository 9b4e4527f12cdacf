"""Invitations by email (only the sha256 of the link's secret is stored)

Revision ID: 4f8ead2d4305
Revises: 2591761b174a
Create Date: 2026-11-28 22:00:38.253766

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f8ead2d4305'
down_revision = '2591761b174a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resent_count', sa.Integer(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("project_id IS NULL OR role = 'founder'", name=op.f('ck_invitations_team_invitations_are_founders')),
    sa.CheckConstraint("role IN ('founder', 'mentor', 'manager', 'admin')", name=op.f('ck_invitations_role_known')),
    sa.CheckConstraint('accepted_at IS NULL OR revoked_at IS NULL', name=op.f('ck_invitations_accepted_or_revoked')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_invitations_expires_after_creation')),
    sa.CheckConstraint('resent_count >= 0', name=op.f('ck_invitations_resent_count_positive')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_invitations_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('ix_invitations_email', ['email'], unique=False)
        batch_op.create_index('ix_invitations_invited_by_created', ['invited_by_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_project_id'), ['project_id'], unique=False)



def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_project_id'))
        batch_op.drop_index('ix_invitations_invited_by_created')
        batch_op.drop_index('ix_invitations_email')

    op.drop_table('invitations')
