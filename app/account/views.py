"""The signed-in user's own settings: language, time zone, reminders, calendar link."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from wtforms import SelectChoice

from app.account.forms import PasswordForm
from app.account.forms import SettingsForm
from app.account.forms import notifications_form
from app.auth import services
from app.auth.urls import calendar_url
from app.core import blocks
from app.core.dates import zone_name
from app.core.forms import one_write
from app.core.locale import note_user
from app.core.locale import select_locale
from app.core.time import utcnow
from app.extensions import db
from app.notifications import kinds as notification_kinds
from app.notifications import services as notifications

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = select_locale() or current_user.locale  # the language the pages are in
    if current_user.timezone not in {choice.value for choice in form.timezone.choices}:
        form.timezone.choices.append(SelectChoice(current_user.timezone))
    # Named the reader's way ("heure : Maroc"); the IANA key stays the value sent.
    form.timezone.choices = [SelectChoice(c.value, zone_name(c.value)) for c in form.timezone.choices]
    if form.validate_on_submit():
        with one_write(form) as write:
            services.update_preferences(db.session, current_user, locale=form.locale.data,
                                        timezone=form.timezone.data)
        if write.ok:
            note_user(current_user)  # the request noted the old language and zone when it loaded the user
            refresh()  # the new language applies to this very response
            flash(_("Settings saved."), "success")
            return redirect(url_for("account.settings"))
    status = 422 if request.method == "POST" else 200
    return _settings_page(form, _notifications_form()), status


def _notifications_form():
    chosen = notifications.get_preferences(db.session, current_user)
    return notifications_form(notification_kinds.listed_for(current_user.role), chosen.kinds, chosen.digest)


def _settings_page(form, notices):
    return render_template("account/settings.html", form=form, notices=notices,
                           kinds=notification_kinds.listed_for(current_user.role),
                           calendar_url=calendar_url(current_user),
                           deletion=blocks.build("privacy", db.session, current_user))


@bp.post("/notifications")
@login_required
def update_notifications():
    """Save the person's notification switches (the kinds of their role) and the digest choice."""
    notices = _notifications_form()
    if notices.validate_on_submit():
        kinds = {kind.key: {"in_app": notices[f"in_app__{kind.key}"].data, "email": notices[f"email__{kind.key}"].data}
                 for kind in notification_kinds.listed_for(current_user.role)}
        with one_write(notices) as write:
            notifications.update_preferences(db.session, current_user, kinds=kinds,
                                             digest=notices.email_digest.data)
        if write.ok:
            flash(_("Notification choices saved."), "success")
            return redirect(url_for("account.settings", _anchor="notifications"))
    return _settings_page(SettingsForm(obj=current_user, formdata=None), notices), 422


@bp.post("/calendar-token")
@login_required
def regenerate_calendar():
    services.regenerate_calendar_token(db.session, current_user)
    db.session.commit()
    flash(_("Your calendar link has changed; the old one no longer works."), "success")
    return redirect(url_for("account.settings", _anchor="calendar"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        with one_write(form) as write:
            services.change_password(db.session, current_user, current=form.current_password.data,
                                     new=form.new_password.data, now=utcnow())
        if write.ok:
            login_user(current_user, fresh=True)  # this session carries the new epoch; the others end
            flash(_("Password changed. Your other sessions and API tokens were signed out."), "success")
            return redirect(url_for("account.settings"))
    return render_template("account/password.html", form=form), 422 if form.errors else 200
