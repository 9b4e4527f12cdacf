"""`GET /attention`: what waits for the signed-in person, as the cockpit and their pages show it."""

from __future__ import annotations

from flask import url_for

from app.api import attention_schemas as schemas
from app.api import bp
from app.api.auth import authenticated
from app.api.auth import current_user
from app.api.spec import doc
from app.attention.queries import attention
from app.core.time import utcnow
from app.extensions import db


@bp.get("/attention")
@doc("What waits for the signed-in user, by kind in priority order", response=schemas.AttentionOut,
     tag="attention")
@authenticated
def get_attention():
    kinds = attention(db.session, current_user(), now=utcnow())
    return schemas.AttentionOut(kinds=[
        {"kind": k.kind, "count": k.count, "items": [
            {"project_id": i.project_id, "application_id": i.application_id, "call_id": i.call_id, "title": i.title,
             "since": i.since, "link": url_for(i.endpoint, **i.args), "due": i.due, "detail": i.detail}
            for i in k.items]}
        for k in kinds]).model_dump(mode="json")
