"""A hand-built cluster for the funders' report, every row written directly with its own dates, so each
figure can be checked by hand. The period under test is the year 2030 (UTC)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cluster.models import Funding
from app.cluster.models import Organisation
from app.cluster.models import SupportRequest
from app.kpis.models import KpiReport
from app.kpis.models import KpiValue
from app.mentoring.models import AdviceSession
from app.projects.models import Cohort
from app.projects.models import GateDecision
from app.projects.models import Project
from app.projects.models import ProjectEvent
from app.projects.models import ProjectMember
from tests.mentoring.conftest import web  # noqa: F401  (the signed-in browser fixture)

START, END = dt.date(2030, 1, 1), dt.date(2030, 12, 31)


def at(text: str) -> dt.datetime:
    """`at("2030-03-01")` or `at("2030-03-01T12:00")`, in UTC."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


class World:
    """Builds projects with their histories, and what hangs off them."""

    def __init__(self, session, founder, mentor) -> None:
        self.session, self.founder, self.mentor = session, founder, mentor
        self.projects: dict[str, Project] = {}
        #: One cohort per year of creation ("Cohort 2029"): each project joins its year's.
        self.cohorts: dict[int, Cohort] = {}

    def cohort(self, year: int) -> Cohort:
        if year not in self.cohorts:
            self.cohorts[year] = self.session.scalar(select(Cohort).where(Cohort.name == f"Cohort {year}"))
        if self.cohorts[year] is None:
            self.cohorts[year] = Cohort(name=f"Cohort {year}", workflow_key="innovation_path",
                                        starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31))
            self.session.add(self.cohorts[year])
        return self.cohorts[year]

    def project(self, name: str, created: str, *moves: tuple[str, str, str, str],
                pole: str = "multimedia") -> Project:
        """A project created at `idea`, then `moves` of (when, event, to_stage, to_status), oldest first."""
        project = Project(name=name, summary="", pole_key=pole, workflow_key="innovation_path", workflow_version=1,
                          stage="idea", status="active", created_at=at(created), stage_entered_at=at(created),
                          updated_at=at(created), cohort=self.cohort(at(created).year))
        project.members.append(ProjectMember(user_id=self.founder.id, joined_at=at(created)))
        self.session.add(project)
        self.session.flush()
        self.session.add(ProjectEvent(project_id=project.id, event="create", from_stage=None, to_stage="idea",
                                      from_status=None, to_status="active", at=at(created)))
        for when, event, stage, status in moves:
            record = ProjectEvent(project_id=project.id, event=event, from_stage=project.stage, to_stage=stage,
                                  from_status=project.status, to_status=status, at=at(when))
            self.session.add(record)
            self.session.flush()
            if event in ("approve_gate", "send_back"):
                self.session.add(GateDecision(project_id=project.id, event_id=record.id, stage=project.stage,
                                              decision="go" if event == "approve_gate" else "recycle",
                                              decided_at=at(when)))
            project.stage, project.status = stage, status
        self.session.flush()
        self.projects[name] = project
        return project

    def report(self, project: Project, start: str, end: str, status: str = "submitted", **values: str) -> None:
        report = KpiReport(project_id=project.id, stage="commercialisation", period_start=at(start),
                           period_end=at(end), due_at=at(end) + dt.timedelta(days=14), status=status, metrics=[],
                           submitted_at=at(end) if status == "submitted" else None)
        report.values = [KpiValue(metric_key=key.split("__")[0], value=Decimal(v),
                                  unit=key.split("__")[1] if "__" in key else "") for key, v in values.items()]
        self.session.add(report)

    def funding(self, project: Project, source: str, amount: str, status: str, decided: str | None,
                currency: str = "MAD") -> None:
        self.session.add(Funding(project_id=project.id, source=source, amount=Decimal(amount), currency=currency,
                                 status=status, decided_on=dt.date.fromisoformat(decided) if decided else None))

    def session_held(self, project: Project, held: str, minutes: int) -> None:
        self.session.add(AdviceSession(project_id=project.id, mentor_id=self.mentor.id, stage=project.stage,
                                       held_at=at(held), duration_minutes=minutes, summary="s"))

    def support(self, project: Project, created: str, closed: str | None = None) -> None:
        self.session.add(SupportRequest(project_id=project.id, kind="advice", description="d",
                                        status="closed" if closed else "open", created_at=at(created),
                                        closed_at=at(closed) if closed else None))

    def organisation(self, name: str, status: str, joined: str | None) -> None:
        self.session.add(Organisation(name=name, name_key=name.lower(), kind="company", membership_status=status,
                                      joined_on=dt.date.fromisoformat(joined) if joined else None))


@pytest.fixture
def world(session, founder, mentor) -> World:
    """The cluster described in `test_queries.py`'s docstring, committed."""
    w = World(session, founder, mentor)
    twice = w.project("Twice", "2029-06-01",
                      ("2030-02-28", "approve_gate", "idea", "active"), ("2030-03-01", "advance", "project", "active"),
                      ("2030-08-30", "approve_gate", "project", "active"),
                      ("2030-09-01", "advance", "industrialisation", "active"))
    w.project("Before", "2028-01-10", ("2028-05-31", "approve_gate", "idea", "active"),
              ("2028-06-01", "advance", "project", "active"), ("2028-12-01", "abandon", "project", "abandoned"),
              pole="software_packages")
    new = w.project("New", "2030-05-05")
    w.project("After", "2031-02-01", ("2031-03-01", "advance", "project", "active"))
    w.project("Old survivor", "2027-03-01", ("2027-09-01", "advance", "project", "active"),
              ("2029-09-01", "abandon", "project", "abandoned"))
    back = w.project("Back", "2029-02-01", ("2029-10-01", "advance", "project", "active"),
                     ("2030-06-01", "send_back", "idea", "active"), ("2030-07-01", "hold", "idea", "on_hold"))
    seller = w.project("Seller", "2029-01-05", ("2029-03-01", "advance", "project", "active"),
                       ("2029-06-01", "advance", "industrialisation", "active"),
                       ("2029-11-01", "advance", "commercialisation", "active"), pole="mobile_services")
    w.report(seller, "2029-11-01", "2029-12-01", revenue__MAD="1000", jobs="1")
    w.report(seller, "2029-12-16", "2030-01-15", revenue__MAD="1200.50", jobs="2", customers="3")
    w.report(seller, "2030-12-01T12:00", "2030-12-31T12:00", revenue__MAD="800", jobs="1",
             export_revenue__EUR="50.25")
    w.report(seller, "2030-10-16", "2030-11-15", status="open")
    w.report(seller, "2030-12-02", "2031-01-01", revenue__MAD="999", jobs="9")
    w.funding(twice, "national_fund", "500000.00", "granted", "2030-04-01")
    w.funding(twice, "business_angel", "150000.00", "granted", "2030-12-31")
    w.funding(seller, "business_angel", "100000.00", "granted", "2030-06-01")
    w.funding(seller, "grant", "75000.00", "refused", "2030-05-01")
    w.funding(new, "innovation_fund", "20000.00", "applied", None)
    w.funding(back, "bank_loan", "80000.00", "granted", "2029-12-31")
    w.funding(twice, "grant", "10000.00", "granted", "2030-02-01", currency="EUR")
    w.session_held(twice, "2030-03-10", 90)
    w.session_held(twice, "2029-12-31T23:00", 60)
    w.session_held(new, "2030-12-31T23:30", 30)
    w.session_held(seller, "2031-01-01", 45)
    w.support(twice, "2029-12-20", "2030-01-05")
    w.support(new, "2030-06-01")
    w.support(seller, "2030-02-01", "2030-02-10")
    w.support(back, "2030-11-01", "2031-01-03")
    w.organisation("Old member", "member", "2025-01-01")
    w.organisation("New member", "member", "2030-06-01")
    w.organisation("Future member", "member", "2031-03-01")
    w.organisation("Applicant", "applicant", None)
    w.organisation("Lapsed", "lapsed", "2030-02-01")
    w.organisation("Undated member", "member", None)
    w.session.commit()
    return w
