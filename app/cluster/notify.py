"""Messages the cluster area sends (rendered at the boundary, in the recipient's language)."""

from __future__ import annotations

from flask import current_app

from app.cluster.models import SupportRequest
from app.notifications.render import render_message
from app.notifications.services import Message


def support_closed_message(request: SupportRequest) -> Message:
    """Tell the founder who asked that their support request has an answer."""
    link = f"/projects/{request.project_id}/partners#support"
    params = {"request_id": request.id, "answer": request.answer, "kind": request.kind}
    subject, body = render_message("support_closed", request.requester,
                                   {**params, "link": current_app.config["BASE_URL"].rstrip("/") + link})
    return Message(user=request.requester, kind="support_closed", params=params, link=link,
                   dedupe_key=f"support:{request.id}:closed", subject=subject, body=body)
