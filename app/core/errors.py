"""Domain errors raised by services and the engine; boundaries map them to answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause; `message` is meant for humans."""

    status = 422

    def __init__(self, message: str = "", **fields: list[str]) -> None:
        super().__init__(message)
        self.message = message
        #: field name -> messages, shown next to form fields and in problem+json `errors`.
        self.errors: dict[str, list[str]] = dict(fields)


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class ValidationFailed(DomainError):
    status = 422


class ConcurrentEdit(DomainError):
    """Someone else changed the record since the client read it."""

    status = 409


class Conflict(DomainError):
    """The write conflicts with existing data (a duplicate, a full capacity…)."""

    status = 409


class TransitionNotAllowed(DomainError):
    """The event cannot be fired now; `reasons` say why, in words."""

    status = 422

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message, event=reasons)
        self.reasons = reasons


class EventForbidden(TransitionNotAllowed):
    """The actor holds no role that may fire this event (403, not a guard failure)."""

    status = 403


class GateAlreadyApproved(TransitionNotAllowed):
    """The gate of the current stage visit is already approved: a second approval would be counted twice."""

    status = 409
