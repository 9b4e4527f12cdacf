"""Personal data (law 09-08): the privacy notice, a person's download and erasure request, and the
managers' page of deletion requests. The account page shows the `privacy` block provided here."""

from __future__ import annotations

import json

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from app.auth.decorators import role_required
from app.core import blocks
from app.core.errors import NotFound
from app.core.forms import one_write
from app.core.time import utcnow
from app.extensions import db
from app.privacy import queries
from app.privacy import services
from app.privacy.models import DELETION_STATUSES

bp = Blueprint("privacy", __name__)
blocks.provide(bp, "privacy", lambda session, user: queries.latest_deletion_request(session, user))


@bp.get("/privacy")
def notice():
    """What is kept, why, for how long, and who to ask: readable by anyone, signed in or not."""
    return render_template("privacy/notice.html", contact=current_app.config["PRIVACY_CONTACT"],
                           version=current_app.config["PRIVACY_NOTICE_VERSION"])


@bp.get("/account/data.json")
@login_required
def download_data():
    data = queries.personal_data(db.session, current_user, now=utcnow())
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="parcours-data-{current_user.id}.json"'
    return response


@bp.post("/account/deletion-request")
@login_required
def request_deletion():
    if request.form.get("confirm") != "y":
        flash(_("Tick the box to confirm that you ask for your account to be erased."), "error")
        return redirect(url_for("account.settings", _anchor="privacy"), code=303)
    with one_write() as write:
        services.request_deletion(db.session, current_user, now=utcnow(), reason=request.form.get("reason", ""))
    flash(_("Your request is recorded; the cluster's team will carry it out and you will see the answer here.")
          if write.ok else write.error.text, "success" if write.ok else "error")
    return redirect(url_for("account.settings", _anchor="privacy"), code=303)


@bp.get("/privacy/requests")
@role_required("manager")
def deletion_requests():
    status = request.args.get("status") or "requested"
    if status not in (*DELETION_STATUSES, "all"):
        abort(400, _("Unknown status."))
    page = db.paginate(queries.select_deletion_requests(status=None if status == "all" else status), per_page=30,
                       error_out=False)
    return render_template("privacy/requests.html", page=page, status=status)


@bp.post("/privacy/requests/<int:request_id>")
@role_required("manager")
def handle_deletion(request_id: int):
    try:
        found = queries.get_deletion_request(db.session, request_id)
    except NotFound:
        abort(404)
    with one_write(abort_on=(403,)) as write:
        if request.form.get("action") == "anonymise" and request.form.get("confirm") == "y":
            user = services.carry_out_deletion(db.session, found, actor=current_user, now=utcnow())
            message = _("The account is anonymised: it now shows as “%(name)s”.", name=user.name)
        elif request.form.get("action") == "refuse":
            services.refuse_deletion(db.session, found, actor=current_user, now=utcnow(),
                                     answer=request.form.get("answer", ""))
            message = _("Request refused; the person reads your answer on their account page.")
        else:
            flash(_("Tick the box to confirm the anonymisation, or refuse with an answer."), "error")
            return redirect(url_for("privacy.deletion_requests"), code=303)
    flash(message if write.ok else " ".join([write.error.text, *[m for ms in write.error.field_errors().values()
                                                                   for m in ms]]),
          "success" if write.ok else "error")
    return redirect(url_for("privacy.deletion_requests"), code=303)
