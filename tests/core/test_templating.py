"""Templates translate through a gettext family bound once per render (app/core/templating.py)."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

TEMPLATE = ('{{ _("Show all") }}|{{ pgettext("rate a session", "Rate") }}|{{ pgettext("survival rate", "Rate") }}|'
            '{{ _("Assign %(name)s", name="<b>") }}')


def test_the_bound_gettext_follows_the_locale_of_the_render(app):
    with app.test_request_context():
        with force_locale("fr"):
            french = render_template_string(TEMPLATE)
        with force_locale("en"):
            english = render_template_string(TEMPLATE)

    assert french == "Tout afficher|Noter|Taux|Affecter &lt;b&gt;"
    assert english == "Show all|Rate|Rate|Assign &lt;b&gt;"  # placeholders are escaped, as Jinja's own do


PLURALS = ('{{ ngettext("%(num)s unread", "%(num)s unread", 2) }}|'
           '{{ npgettext("navigation", "%(num)s item", "%(num)s items", 1) }}|'
           '{{ pgettext("navigation", "Support") }}|{{ _("Assign %(name)s", name=who) }}')


def test_the_bound_plurals_and_contexts_fill_num_and_escape_values(app):
    with app.test_request_context():
        with force_locale("en"):
            english = render_template_string(PLURALS, who="<i>")

    assert english == "2 unread|1 item|Support|Assign &lt;i&gt;"


def test_templates_translate_without_private_jinja_helpers(app):
    """The bound family is built from public names (a Jinja release may drop its private helpers)."""
    import inspect

    from app.core import templating

    assert "_make_new" not in inspect.getsource(templating)


def test_the_unread_count_reaches_templates_as_a_number(app, session, make_user):
    """Templates show the count, they don't query it: a number in the context, read once per request."""
    from flask_login import login_user

    from app.notifications.models import Notification

    user = make_user("founder")
    session.add(Notification(user_id=user.id, kind="support_closed", dedupe_key="t:1"))
    session.commit()
    with app.test_request_context():
        login_user(user)
        context: dict = {}
        app.update_template_context(context)

    assert context["unread_notifications"] == 1


def test_templates_rendered_outside_a_request_need_no_reader(app):
    """Emails are rendered by the scheduler, with no request and nobody signed in."""
    with app.app_context():
        context: dict = {}
        app.update_template_context(context)

    assert "unread_notifications" not in context
