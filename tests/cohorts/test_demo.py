"""The demo cluster's cohorts: spring (over) and autumn (running, its demo day ahead), the demo
projects spread across them, and the demo call feeding autumn (its labelled project is in it)."""

from __future__ import annotations

from sqlalchemy import select

from app.calls.demo import LABELLED_PROJECT
from app.calls.models import Call
from app.core.time import utcnow
from app.projects.models import Cohort
from app.projects.models import Project


def test_the_demo_spreads_its_projects_across_two_cohorts(runner, session):
    assert runner.invoke(args=["demo"]).exit_code == 0  # (loading twice changes nothing: tests/test_cli.py)

    today = utcnow().date()
    cohorts = {c.name: c for c in session.scalars(select(Cohort))}
    autumn, spring = cohorts["Cohorte automne 2026"], cohorts["Cohorte printemps 2026"]
    members = {name: cohort for name, cohort in session.execute(select(Project.name, Project.cohort_id))}

    assert len(cohorts) == 2
    assert autumn.starts_on <= today <= autumn.ends_on and today < autumn.demo_day
    assert spring.ends_on < today
    assert members[LABELLED_PROJECT[0]] == autumn.id
    assert {n for n, c in members.items() if c == autumn.id} == {"PayMobile", "AtlasTV", "AgriSMS", "StreamKids"}
    assert {n for n, c in members.items() if c == spring.id} == {"SoukERP", "Darija Voice", "SecureID"}
    assert session.scalars(select(Call.cohort_id)).all() == [autumn.id]
