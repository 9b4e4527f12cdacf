"""RFC 9457 problem details for the JSON API."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response
from flask import g
from flask import has_request_context
from flask import jsonify

PROBLEM_TYPE_BASE = "https://parcours.example.org/problems/"


def problem(status: int, detail: str = "", *, title: str | None = None, type_: str | None = None,
            errors: dict[str, list[str]] | None = None, headers: dict | None = None, **extra) -> Response:
    """Build an `application/problem+json` answer."""
    phrase = HTTPStatus(status).phrase
    body = {
        "type": type_ or PROBLEM_TYPE_BASE + phrase.lower().replace(" ", "-"),
        "title": title or phrase,
        "status": status,
        "detail": detail or phrase,
    }
    if errors:
        body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
    body.update(extra)
    request_id = g.get("request_id") if has_request_context() else None
    if request_id:
        body["request_id"] = request_id  # quote it to support: it finds the request's log line
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
