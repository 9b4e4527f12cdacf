"""A person's own data through the API: download it, ask for its erasure (law 09-08)."""

from __future__ import annotations

from app.api import bp
from app.api import privacy_schemas as schemas
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.auth import json_body
from app.api.spec import doc
from app.core.time import utcnow
from app.extensions import db
from app.privacy import queries
from app.privacy import services


@bp.get("/me/data")
@doc("Everything the cluster holds that is yours (profile, memberships, events, sessions, notifications…)",
     response=schemas.PersonalDataOut, tag="auth")
@authenticated
def my_data():
    return queries.personal_data(db.session, current_user(), now=utcnow())


@bp.post("/me/deletion-request")
@doc("Ask for your account to be erased; a manager anonymises it (409 while a request is pending)",
     body=schemas.DeletionRequestIn, response=schemas.DeletionRequestOut, status=202, errors=(409,), tag="auth")
@authenticated
def request_my_deletion():
    data = json_body(schemas.DeletionRequestIn)
    request = services.request_deletion(db.session, current_user(), now=utcnow(), reason=data.reason)
    db.session.commit()
    return schemas.DeletionRequestOut(id=request.id, status=request.status, reason=request.reason,
                                      requested_at=request.requested_at, handled_at=request.handled_at,
                                      answer=request.answer).model_dump(mode="json"), 202
