"""The registry of notification kinds: one place says what each kind is and who may switch it off.

A kind is the `kind` of a `Message` (and of its `Notification` row and email template,
`templates/emails/<kind>.txt`). `queue()` reads the registry to honour each person's choices;
the account page and `GET /api/v1/me/notification-preferences` list the switchable kinds.
Emails about the account itself (sign-up confirmation, password reset) are never switchable:
they are registered with `switchable=False` and never listed.

A kind emitted but missing here is treated as not switchable (it always goes, in the app and
by email): register every new kind with `register` below so people can choose.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.i18n import _l

ALL_ROLES = ("applicant", "founder", "mentor", "manager", "admin")
MANAGERS = ("manager", "admin")


@dataclass(frozen=True)
class Kind:
    """What a notification kind is, whom it concerns, and its defaults."""

    key: str
    #: Lazy label, rendered in the reader's language (the account page, the API, the digest).
    label: object
    #: The roles it concerns: the account page shows a person the kinds of their role.
    roles: tuple[str, ...] = ALL_ROLES
    in_app: bool = True
    email: bool = True
    #: False: always delivered (account and security emails); never listed for choice.
    switchable: bool = True


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (once: a second registration of a key is a programming error)."""
    if kind.key in KINDS:
        raise ValueError(f"notification kind {kind.key!r} is registered twice")
    if len(kind.key) > 32:
        raise ValueError(f"notification kind {kind.key!r} is longer than the 32 characters stored")
    KINDS[kind.key] = kind
    return kind


def get(key: str) -> Kind | None:
    """The registered kind named `key`, or None."""
    return KINDS.get(key)


def switchable() -> list[Kind]:
    """Every kind a person may switch on or off, in the registry's order."""
    return [kind for kind in KINDS.values() if kind.switchable]


def listed_for(role: str) -> list[Kind]:
    """The switchable kinds that concern a person of this role (the account page's rows)."""
    return [kind for kind in switchable() if role in kind.roles]


FOUNDERS = ("applicant", "founder")
MENTORS_AND_MANAGERS = ("mentor", "manager", "admin")

for _kind in (
    Kind("gate_review_requested", _l("Gate review requested"), roles=MENTORS_AND_MANAGERS),
    Kind("gate_decided", _l("Gate approved or sent back"), roles=("founder", "mentor")),
    Kind("mentor_assigned", _l("Mentor assigned"), roles=("founder", "mentor")),
    Kind("mentor_ended", _l("Mentoring ended"), roles=("founder", "mentor")),
    Kind("session_logged", _l("Advice session logged"), roles=("founder",)),
    Kind("action_item_due", _l("Action item due tomorrow"), roles=("founder", "mentor")),
    Kind("checkin_reminder", _l("Check-in reminder"), roles=("founder", "mentor")),
    Kind("checkin_overdue", _l("Overdue check-ins"), roles=MANAGERS),
    Kind("kpi_report_due", _l("Figures due"), roles=("founder",)),
    Kind("support_closed", _l("Support request answered"), roles=("founder",)),
    Kind("application_received", _l("Application received"), roles=FOUNDERS),
    Kind("application_outcome", _l("Application decided"), roles=FOUNDERS),
    Kind("review_requested", _l("Review of an application requested"), roles=MENTORS_AND_MANAGERS),
    Kind("call_closing", _l("Call closing soon"), roles=FOUNDERS),
    Kind("call_changed", _l("Call extended, closed or withdrawn"), roles=FOUNDERS),
    Kind("invitation", _l("Invitation to a team")),
    Kind("booking_confirmed", _l("Office hours booked"), roles=("founder", "mentor")),
    Kind("booking_cancelled", _l("Office hours cancelled"), roles=("founder", "mentor")),
    Kind("booking_reminder", _l("Office hours reminder"), roles=("founder", "mentor")),
    # Account and security emails: always sent, never listed.
    Kind("verify_email", _l("Email address confirmation"), switchable=False),
    Kind("password_reset", _l("Password reset"), switchable=False),
    Kind("account_exists", _l("Account already exists"), switchable=False),
    Kind("confirm_and_choose", _l("Confirm your address"), switchable=False),
):
    register(_kind)
