"""Applicant role for self-registered accounts

A sign-up creates an `applicant`: it applies to calls and becomes a `founder` when an
application is labelled. Accounts that exist keep their role.

Revision ID: a1f3c9d27e64
Revises: 7c1f0e2ab4d3
Create Date: 2026-11-28 19:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a1f3c9d27e64'
down_revision = '7c1f0e2ab4d3'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('founder', 'mentor', 'manager', 'admin')"
ROLES_AFTER = "role IN ('applicant', 'founder', 'mentor', 'manager', 'admin')"


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role_known'), ROLES_AFTER)


def downgrade():
    # Applicants had no place before: they become founders (what a sign-up created then).
    op.execute("UPDATE users SET role = 'founder' WHERE role = 'applicant'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role_known'), ROLES_BEFORE)
