"""A small world for the authorization tests, built through the services.

Two founders (A owns the project "Atlas" with mentor M assigned, B owns "Borealis"), a mentor X
assigned to nothing, a manager, an admin and a self-registered applicant; on Atlas: an advice
session with an action item, an open check-in, a funding line, a partner organisation, a support
request, a readiness assessment and an open KPI report; a call with a labelled application of founder A (and its label).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.models import User
from app.calls import evaluation
from app.calls import services as call_services
from app.calls.decks import check_deck
from app.calls.models import Label
from app.checkins.services import open_checkin
from app.cluster import services as cluster_services
from app.cohorts import services as cohort_services
from app.kpis import sweep as kpi_sweep
from app.kpis.models import KpiReport
from app.mentoring import services as mentoring_services
from app.mentoring.models import ActionItem
from app.officehours import services as officehours_services
from app.people import services as people_services
from app.privacy import services as privacy_services
from app.projects import evidence as project_evidence
from app.projects import services as project_services
from app.readiness import services as readiness_services
from app.readiness.queries import scale_of
from tests.calls.conftest import CRITERIA
from tests.calls.conftest import QUESTIONS
from tests.calls.conftest import pdf_bytes
from tests.conftest import PASSWORD

#: Who calls, in the order the policy lists its outcomes.
PERSONAS = ("anon", "founder_a", "founder_b", "mentor_m", "mentor_x", "manager", "admin", "applicant")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    #: Ids and keys the policy's URL arguments refer to by name.
    ids: dict[str, object] = field(default_factory=dict)
    #: API bearer tokens per persona.
    tokens: dict[str, str] = field(default_factory=dict)
    #: Secrets of each persona's server-side web session (the cookie's `sid`).
    web_sessions: dict[str, str] = field(default_factory=dict)


def build_world(session: Session, *, now: dt.datetime, uploads: Path) -> World:
    world = World()
    for persona, role in (("founder_a", "founder"), ("founder_b", "founder"), ("mentor_m", "mentor"),
                          ("mentor_x", "mentor"), ("manager", "manager"), ("admin", "admin"),
                          ("applicant", "applicant")):
        world.users[persona] = auth_services.create_user(session, email=f"{persona}@example.org",
                                                         name=persona.replace("_", " ").title(), role=role,
                                                         password=PASSWORD, locale="en")
    session.flush()
    u = world.users
    manager = u["manager"]
    start = now - dt.timedelta(days=60)

    def project(name: str, owner: User):
        record = project_services.create_project(session, name=name, summary="A test project.", pole="multimedia",
                                                 workflow="innovation_path", default_workflow="innovation_path",
                                                 actor=owner, now=start)
        while record.stage != "commercialisation":
            project_services.fire_event(session, record, "advance", actor=manager, now=start,
                                        version=record.version, comment="test setup", override=True)
        return record

    atlas, borealis = project("Atlas", u["founder_a"]), project("Borealis", u["founder_b"])
    mentoring_services.ensure_profile(session, u["mentor_m"])
    mentoring_services.ensure_profile(session, u["mentor_x"])
    assignment = mentoring_services.assign_mentor(session, atlas, u["mentor_m"], actor=manager, now=start,
                                                  override=True)
    advice = mentoring_services.log_session(
        session, atlas, actor=u["mentor_m"], now=now - dt.timedelta(days=3), held_at=now - dt.timedelta(days=3),
        duration_minutes=60, summary="Market and pricing.", notes="Private notes.",
        action_items=[mentoring_services.ActionItemInput("Call three customers", owner_id=u["founder_a"].id)])
    item = session.scalars(select(ActionItem).where(ActionItem.session_id == advice.id)).one()
    checkin = open_checkin(session, atlas)

    today = now.date()
    organisation = cluster_services.save_organisation(session, None, actor=manager, today=today, name="Tanger Media",
                                                      kind="company", membership_status="member")
    session.flush()
    cluster_services.set_partner(session, atlas, organisation, "industrial_partner", actor=manager)
    funding = cluster_services.save_funding(session, atlas, None, actor=u["founder_a"], now=now,
                                            source="innovation_fund", amount="100000", status="planned")
    support = cluster_services.create_support_request(session, atlas, actor=u["founder_a"], now=now, kind="advice",
                                                      description="Help with a partnership contract.")
    scale = scale_of(session, atlas)
    readiness_services.log_assessment(session, atlas, actor=u["founder_a"], now=now,
                                      scores={d.key: 3 for d in scale.dimensions})
    kpi_sweep.open_due(session, now=now, grace=dt.timedelta(days=14))
    report = session.scalars(select(KpiReport).where(KpiReport.project_id == atlas.id)).first()

    cohort = cohort_services.create_cohort(session, cohort_services.CohortInput(
        "Autumn cohort", "innovation_path", now.date(), (now + dt.timedelta(days=120)).date()), actor=manager, now=now)
    call = call_services.create_call(
        session, actor=manager, now=now - dt.timedelta(days=20), title="Call 2026", description="Bring your project.",
        poles=["multimedia"], opens_on=(now - dt.timedelta(days=20)).date(),
        closes_on=(now + dt.timedelta(days=20)).date(), criteria=CRITERIA, questions=QUESTIONS,
        workflow="innovation_path", stage="idea", timezone="UTC", requires_deck=True)
    application = call_services.create_application(
        session, call, actor=u["founder_a"], now=now - dt.timedelta(days=10), title="Atlas Pay", summary="Payments.",
        pole="multimedia", answers={"q1": "Slow payments.", "q2": "Merchants."})
    call_services.attach_deck(session, application, check_deck(pdf_bytes(), "deck.pdf"), actor=u["founder_a"],
                              now=now - dt.timedelta(days=10), directory=uploads)
    call_services.submit_application(session, application, actor=u["founder_a"], now=now - dt.timedelta(days=10))
    evaluation.submit_review(session, application, actor=manager, now=now - dt.timedelta(days=5),
                             scores={"innovation": 4, "market": 4, "team": 3}, comment="Solid.")
    evaluation.decide(session, application, "labelled", actor=manager, now=now - dt.timedelta(days=2),
                      comment="Welcome.")
    label = session.scalars(select(Label).where(Label.application_id == application.id)).one()
    deliverable = project_services.definition_of(session, atlas).stage(atlas.stage).deliverables[0].key
    evidence_file = project_evidence.add_file(session, atlas, deliverable, data=pdf_bytes(), filename="plan.pdf",
                                              comment="", actor=u["founder_a"], now=now,
                                              directory=uploads / "evidence")
    evidence_link = project_evidence.add_link(session, atlas, deliverable, url="https://example.org/plan",
                                              comment="", actor=u["founder_a"], now=now)

    invitation = people_services.create_invitation(
        session, actor=u["founder_a"], email="cofounder@example.org", role="founder", project=atlas,
        relations=frozenset({"member"}), now=now - dt.timedelta(days=2)).invitation  # re-sendable by founders

    officehours_services.update_availability(session, u["mentor_m"], officehours_services.AvailabilityInput(
        "Africa/Casablanca", windows=[{"weekday": d, "start": "09:00", "end": "12:00"} for d in range(7)]),
        actor=u["mentor_m"], now=now)
    slot = officehours_services.free_slots(session, u["mentor_m"].id, now=now)[0]
    booking = officehours_services.book_slot(session, actor=u["founder_a"], mentor=u["mentor_m"], project=atlas,
                                             starts_at=slot.starts_at, topic="Pricing", now=now)
    leaver = auth_services.create_user(session, email="leaver@example.org", name="Leaver", role="founder",
                                       password=PASSWORD)
    deletion = privacy_services.request_deletion(session, leaver, now=now)

    for persona, user in u.items():
        world.tokens[persona], _ = auth_services.issue_token(session, user, now=now, ttl=dt.timedelta(hours=24))
    session.commit()
    world.ids.update(
        project=atlas.id, other_project=borealis.id, assignment=assignment.id, advice_session=advice.id,
        action_item=item.id, checkin=checkin.id if checkin else None, organisation=organisation.id,
        funding=funding.id, support=support.id, kpi_report=report.id, call=call.id, application=application.id,
        label=label.number, deliverable=deliverable, cohort=cohort.id, mentor=u["mentor_m"].id, pole="multimedia",
        evidence_file=evidence_file.id, evidence_link=evidence_link.id,
        workflow="innovation_path", calendar_token=u["founder_a"].calendar_token, link_token="not-a-real-token",
        invitation=invitation.id, founder_a=u["founder_a"].id, booking=booking.id, deletion=deletion.id)
    return world
