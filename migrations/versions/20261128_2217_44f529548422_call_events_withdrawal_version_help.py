"""Call events, withdrawal, version, criterion help, typed questions

A manager edits a call while it is a draft (not open yet) and extends, closes early or withdraws
it once open: each change is a `call_events` row. Criteria get a help text; every question of
`calls.questions` (JSON) gets a `kind` (the old ones were free text: `long_text`), a `help` and
`options`.

Revision ID: 44f529548422
Revises: cb28677356fd
Create Date: 2026-11-28 22:17:39.572297

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '44f529548422'
down_revision = 'cb28677356fd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('call_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('closes_on_before', sa.Date(), nullable=True),
    sa.Column('closes_on_after', sa.Date(), nullable=True),
    sa.CheckConstraint("kind IN ('edited', 'extended', 'closed', 'withdrawn')", name=op.f('ck_call_events_kind_known')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_call_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_events_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_events'))
    )
    with op.batch_alter_table('call_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_events_call_id'), ['call_id'], unique=False)

    with op.batch_alter_table('call_criteria', schema=None) as batch_op:
        batch_op.add_column(sa.Column('help_text', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    _reshape_questions(lambda q: {"kind": "long_text", "help": "", "options": [], **q})


def _reshape_questions(change):
    calls = sa.table('calls', sa.column('id', sa.Integer), sa.column('questions', sa.JSON))
    bind = op.get_bind()
    for call_id, questions in bind.execute(sa.select(calls.c.id, calls.c.questions)).all():
        bind.execute(calls.update().where(calls.c.id == call_id)
                     .values(questions=[change(dict(q)) for q in questions or []]))


def downgrade():
    _reshape_questions(lambda q: {"key": q["key"], "text": q["text"]})
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('withdrawn_at')

    with op.batch_alter_table('call_criteria', schema=None) as batch_op:
        batch_op.drop_column('help_text')

    with op.batch_alter_table('call_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_events_call_id'))

    op.drop_table('call_events')
