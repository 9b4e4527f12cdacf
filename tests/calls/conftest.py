"""Calls fixtures: calls, applications at any status, reviewers (pole commission members),
real PDF bytes, an uploads folder per test, and the real SMTP server of the check-in tests."""

from __future__ import annotations

import datetime as dt

import pytest
from fpdf import FPDF

from app.auth.models import User
from app.calls import evaluation
from app.calls import services
from app.calls.decks import check_deck
from app.calls.models import Application
from app.calls.models import Call
from app.cluster.models import CommissionMember
from app.cluster.models import Organisation
from app.cluster.models import OrganisationMember
from app.core.time import utcnow
from app.extensions import db as flask_db
from app.scheduling.jobs import deliver_emails
from tests.checkins.conftest import mail_app  # noqa: F401  (fixtures shared with the check-in tests)
from tests.checkins.conftest import smtp_allowed  # noqa: F401
from tests.checkins.conftest import smtp_server  # noqa: F401
from tests.outbox import settle

CRITERIA = [services.CriterionInput("innovation", "Innovation", 3, ("None", "Minor", "Clear", "Strong", "Unique")),
            services.CriterionInput("market", "Market", 2),
            services.CriterionInput("team", "Team", 1)]
QUESTIONS = [services.QuestionInput("q1", "What problem do you solve?"),
             services.QuestionInput("q2", "Who pays?")]
ANSWERS = {"q1": "Payments are slow.", "q2": "Merchants."}


def pdf_bytes(pages: int = 1, text: str = "Pitch deck") -> bytes:
    """A real, small PDF made with fpdf2."""
    pdf = FPDF()
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=16)
        pdf.cell(0, 10, f"{text} {n + 1}")
    return bytes(pdf.output())


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    """Each test stores decks in its own folder."""
    folder = tmp_path / "uploads"
    app.config["UPLOADS_DIR"] = str(folder)
    return folder


@pytest.fixture
def make_call(session, manager, now):
    """Create and commit an open call: `make_call(poles=["multimedia"], closes_in=dt.timedelta(days=10))`."""

    def make(*, title: str = "Call 2026", poles: list[str] | None = None, stage: str = "idea",
             workflow: str = "innovation_path", criteria=None, questions=None, requires_deck: bool = True,
             opens_ago: dt.timedelta = dt.timedelta(days=1), closes_in: dt.timedelta = dt.timedelta(days=10),
             timezone: str = "UTC") -> Call:
        call = services.create_call(
            session, actor=manager, now=now - opens_ago, title=title, description="Bring your project.",
            poles=poles or ["multimedia", "mobile_services"], opens_on=(now - opens_ago).date(),
            closes_on=(now + closes_in).date(), criteria=CRITERIA if criteria is None else criteria,
            questions=QUESTIONS if questions is None else questions, workflow=workflow, stage=stage,
            timezone=timezone, requires_deck=requires_deck)
        session.commit()
        return call

    return make


@pytest.fixture
def attach(session, uploads, now):
    """Attach a real PDF deck to an application through the service."""

    def add(application: Application, actor: User) -> None:
        services.attach_deck(session, application, check_deck(pdf_bytes(), "deck.pdf"), actor=actor, now=now,
                             directory=uploads)
        session.commit()

    return add


@pytest.fixture
def make_application(session, make_user, attach, now):
    """An application by a new founder (or `applicant`), a draft or `submitted=True` with a deck."""

    def make(call: Call, *, applicant: User | None = None, title: str = "Atlas Pay", pole: str = "multimedia",
             submitted: bool = True, partners: list[services.PartnerInput] | None = None) -> Application:
        applicant = applicant or make_user("founder")
        application = services.create_application(session, call, actor=applicant, now=now, title=title,
                                                   summary="We make payments fast.", pole=pole, answers=ANSWERS,
                                                   partners=partners)
        session.commit()
        if submitted:
            attach(application, applicant)
            services.submit_application(session, application, actor=applicant, now=now)
            settle(session)  # the receipt and review requests are tested in tests/notifications
        return application

    return make


@pytest.fixture
def make_reviewer(session, make_user):
    """A user on the commission of `pole` (a mentor by default)."""

    def make(pole: str = "multimedia", role: str = "mentor", name: str | None = None) -> User:
        user = make_user(role, name=name)
        session.add(CommissionMember(pole_key=pole, user_id=user.id))
        session.commit()
        return user

    return make


@pytest.fixture
def make_organisation(session):
    """An organisation, with `members` working for it."""

    def make(name: str, *members: User) -> Organisation:
        organisation = Organisation(name=name, name_key=name.lower(), kind="company", membership_status="member")
        session.add(organisation)
        session.flush()
        for user in members:
            session.add(OrganisationMember(organisation_id=organisation.id, user_id=user.id))
        session.commit()
        return organisation

    return make


@pytest.fixture
def review(session, now):
    """Submit and commit a review: `review(application, reviewer, innovation=5, market=3, team=1)`."""

    def make(application: Application, reviewer: User, *, conflict: bool = False, comment: str = "Solid.",
             **scores: int):
        record = evaluation.submit_review(session, application, actor=reviewer, now=now, conflict=conflict,
                                          scores=scores, comment=comment)
        session.commit()
        return record

    return make


@pytest.fixture
def deliver(mail_app):  # noqa: F811  (the imported fixture, requested by name)
    """Send the email outbox to the test SMTP server, as the scheduler's sweep does."""

    def run(at: dt.datetime | None = None) -> tuple[int, int]:
        with mail_app.app_context():
            result = deliver_emails(at or utcnow())
            flask_db.session.remove()
        return result

    return run
