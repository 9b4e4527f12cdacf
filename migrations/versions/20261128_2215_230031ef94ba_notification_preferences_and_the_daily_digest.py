"""Notification preferences per person and kind, and the daily digest

`users.wants_email_reminders` (one switch for the emails of check-in and KPI reminders) becomes
preference rows: a person who had turned it off keeps those two kinds' emails off. The outbox
gains the kind and link of each email and two statuses: `held` (waiting for the person's daily
digest) and `digested` (listed in one, never sent alone).

Revision ID: 230031ef94ba
Revises: f603ce372134
Create Date: 2026-11-28 22:15:41.795546

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '230031ef94ba'
down_revision = 'f603ce372134'
branch_labels = None
depends_on = None

#: The kinds `wants_email_reminders` switched (the others always emailed).
REMINDER_KINDS = ("checkin_reminder", "kpi_report_due")
STATUSES_BEFORE = "status IN ('pending', 'sending', 'sent', 'failed')"
STATUSES_AFTER = "status IN ('pending', 'sending', 'sent', 'failed', 'held', 'digested')"

users = sa.table("users", sa.column("id", sa.Integer), sa.column("wants_email_reminders", sa.Boolean))
preferences = sa.table("notification_preferences", sa.column("user_id", sa.Integer), sa.column("kind", sa.String),
                       sa.column("in_app", sa.Boolean), sa.column("email", sa.Boolean))


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_preferences_user_id_kind'))
    )
    for kind in REMINDER_KINDS:
        op.execute(preferences.insert().from_select(
            ["user_id", "kind", "in_app", "email"],
            sa.select(users.c.id, sa.literal(kind), sa.true(), sa.false()).where(users.c.wants_email_reminders.is_(sa.false()))))

    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('link', sa.String(length=300), nullable=False, server_default=''))
        batch_op.drop_constraint(op.f('ck_outgoing_emails_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outgoing_emails_status_known'), STATUSES_AFTER)
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)
        batch_op.alter_column('link', server_default=None)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_digest', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('digest_sent_on', sa.Date(), nullable=True))
        batch_op.drop_column('wants_email_reminders')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email_digest', server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wants_email_reminders', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.drop_column('digest_sent_on')
        batch_op.drop_column('email_digest')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('wants_email_reminders', server_default=None)
    opted_out = sa.select(preferences.c.user_id).where(preferences.c.kind == REMINDER_KINDS[0],
                                                       preferences.c.email.is_(sa.false()))
    op.execute(users.update().where(users.c.id.in_(opted_out)).values(wants_email_reminders=sa.false()))

    # Held emails go out one by one again; the digested ones were already told of.
    outgoing = sa.table("outgoing_emails", sa.column("status", sa.String))
    op.execute(outgoing.update().where(outgoing.c.status == "held").values(status="pending"))
    op.execute(outgoing.update().where(outgoing.c.status == "digested").values(status="sent"))
    with op.batch_alter_table('outgoing_emails', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outgoing_emails_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outgoing_emails_status_known'), STATUSES_BEFORE)
        batch_op.drop_column('link')
        batch_op.drop_column('kind')

    op.drop_table('notification_preferences')
