"""Index project events by kind (pending gate review requests)

The attention list finds the pending `request_review` events across every project; without an
index on the event name that was a scan of the whole history.

Revision ID: 2591761b174a
Revises: 230031ef94ba
Create Date: 2026-11-28 22:21:40.799393

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2591761b174a'
down_revision = '230031ef94ba'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project_events', schema=None) as batch_op:
        batch_op.create_index('ix_project_events_event', ['event', 'project_id'], unique=False)



def downgrade():
    with op.batch_alter_table('project_events', schema=None) as batch_op:
        batch_op.drop_index('ix_project_events_event')

