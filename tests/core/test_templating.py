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
