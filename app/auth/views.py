"""Signing in and out, signing up, confirming an address, resetting a password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from app.auth import links
from app.auth import services
from app.auth.forms import LoginForm
from app.auth.forms import NewPasswordForm
from app.auth.forms import ResetRequestForm
from app.auth.forms import SignupForm
from app.auth.notify import link_lifetimes
from app.auth.notify import request_reset_after_response
from app.auth.notify import send_link
from app.auth.services import LOCALES
from app.auth.session import sign_in
from app.auth.session import sign_out
from app.auth.throttle import account_requests_throttled
from app.auth.throttle import sign_in_throttled
from app.core.forms import one_write
from app.core.locale import LOCALE_COOKIE
from app.core.locale import accepted_language
from app.core.locale import cookie_locale
from app.core.locale import note_user
from app.core.locale import select_locale
from app.core.time import utcnow
from app.extensions import db
from app.notifications import outbox

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only follow `next` to a path on this site, never to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@sign_in_throttled
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None and not user.is_verified:
            # Only the holder of the password learns this, so it reveals nothing about the address.
            form.email.errors.append(_("Confirm your email address first: follow the link we emailed you."))
        elif user is not None:
            sign_in(user)
            services.adopt_browser_locale(db.session, user, picked=cookie_locale(),
                                          browser=accepted_language())
            db.session.commit()
            note_user(user)
            refresh()  # greet them in their own language, not the browser's
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("core.home"))
        else:
            # One answer for an unknown address, a wrong password and a deactivated account: the page
            # tells neither whether the address has an account nor whether the password was right.
            form.password.errors.append(_("Wrong email or password."))
            form.password.errors.append(_("A deactivated account cannot sign in: if yours was deactivated, "
                                          "ask the cluster's team to reactivate it."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/language")
def switch_language():
    """The language switcher of every page: remembered in a cookie, and on the account when signed in."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        flash(_("Choose one of: %(locales)s.", locales=", ".join(LOCALES)), "error")
        return redirect(_safe_next(request.form.get("next")) or url_for("core.home"), code=303)
    if current_user.is_authenticated:
        services.choose_locale(db.session, current_user, locale)
        db.session.commit()
    response = redirect(_safe_next(request.form.get("next")) or url_for("core.home"), code=303)
    response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response


@bp.post("/logout")
def logout():
    sign_out()  # the cookie's session ends on the server too: a copy of it opens nothing now
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/logout")
def logout_page():
    """A confirmation page: signing out changes state, so it takes a POST with CSRF."""
    return render_template("auth/logout.html")


def _link_sent() -> str:
    """The one answer to any sign-up or reset request, whether or not the address has an account."""
    return _("If this address can be used, we have sent it a link. Check your inbox (and the spam folder).")


def _signup_lifetimes() -> dict:
    lifetimes = link_lifetimes()
    return {"ttl": lifetimes["verify"], "reset_ttl": lifetimes["reset"]}


@bp.route("/signup", methods=["GET", "POST"])
@account_requests_throttled
def signup():
    """Anyone may create an applicant account (it applies to calls); it signs in once its address is confirmed."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignupForm()
    if form.validate_on_submit():
        now = utcnow()
        with one_write(form) as write:
            request_ = links.sign_up(db.session, email=form.email.data, name=form.name.data,
                                     password=form.password.data, locale=select_locale() or "fr", now=now,
                                     secret=current_app.secret_key, **_signup_lifetimes(),
                                     consent_notice=current_app.config["PRIVACY_NOTICE_VERSION"])
            key = send_link(db.session, request_, now=now)
        if write.ok:
            outbox.deliver_after_response([key])
            flash(_link_sent(), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.get("/verify/<token>")
def verify(token: str):
    try:
        user = links.verify_email(db.session, token, now=utcnow(), secret=current_app.secret_key,
                                  ttl=link_lifetimes()["verify"])
    except links.LinkInvalid as exc:
        db.session.rollback()
        flash(exc.text, "error")
        return redirect(url_for("auth.request_reset"), code=303)
    db.session.commit()
    flash(_("Thank you, %(name)s: your address is confirmed. You can sign in.", name=user.name), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password-reset", methods=["GET", "POST"])
@account_requests_throttled
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_reset_after_response(form.email.data)
        flash(_link_sent(), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form), 422 if form.errors else 200


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password; opening the page does not use the link up, saving does."""
    options = {"now": utcnow(), "secret": current_app.secret_key, "ttl": link_lifetimes()["reset"]}
    try:
        user = links.check_link(db.session, token, links.PASSWORD_RESET, **options)
    except links.LinkInvalid as exc:
        flash(exc.text, "error")
        return redirect(url_for("auth.request_reset"), code=303)
    form = NewPasswordForm()
    if form.validate_on_submit():
        with one_write(form) as write:
            links.reset_password(db.session, token, form.password.data, **options)
            sign_out()
        if write.ok:
            flash(_("Your password is changed; every other session was signed out. Sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user), 422 if form.errors else 200
