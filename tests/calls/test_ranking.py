"""The ranking, computed in SQL, against hand-computed cases: weights, ties, a missing review, a
declared conflict and a reviewer conflicted through an organisation.

The grid weighs innovation 3, market 2, team 1 (total 6): a review's score is
(3·innovation + 2·market + team) / 6, and an application's is the mean of its valid reviews.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.calls import queries
from app.calls.models import Application
from app.calls.models import Review
from app.calls.models import ReviewScore
from app.cluster.models import OrganisationMember


@pytest.fixture
def call(make_call):
    return make_call()


@pytest.fixture
def board(make_reviewer):
    """Two reviewers on the multimedia commission."""
    return [make_reviewer("multimedia", name="R1"), make_reviewer("multimedia", name="R2")]


def submitted_at(session, application: Application, at: dt.datetime) -> None:
    session.execute(update(Application).where(Application.id == application.id).values(submitted_at=at)
                    .execution_options(synchronize_session=False))
    session.commit()


def rows_by_title(session, call):
    session.expire_all()
    return {r.application.title: r for r in queries.ranking(session, call)}


def test_weighted_averages_spread_and_ties(session, call, board, make_application, review, now):
    r1, r2 = board
    a = make_application(call, title="A")
    b = make_application(call, title="B")
    c = make_application(call, title="C")
    review(a, r1, innovation=5, market=5, team=5)  # 5
    review(a, r2, innovation=3, market=3, team=3)  # 3
    review(b, r1, innovation=4, market=4, team=4)  # 4
    review(b, r2, innovation=4, market=4, team=4)  # 4
    review(c, r1, innovation=5, market=2, team=2)  # 21/6 = 3.5
    review(c, r2, innovation=4, market=3, team=1)  # 19/6 = 3.1666…
    # B was submitted before A: with equal scores, it is listed first.
    submitted_at(session, b, now - dt.timedelta(hours=2))
    submitted_at(session, a, now - dt.timedelta(hours=1))

    rows = queries.ranking(session, call)

    assert [(r.application.title, r.rank) for r in rows] == [("B", 1), ("A", 1), ("C", 3)]
    by = {r.application.title: r for r in rows}
    assert (by["A"].score, by["A"].low, by["A"].high, by["A"].reviews) == (4.0, 3.0, 5.0, 2)
    assert (by["B"].score, by["B"].low, by["B"].high) == (4.0, 4.0, 4.0)
    assert by["C"].score == pytest.approx(40 / 12, abs=1e-6)
    assert (by["C"].low, by["C"].high) == (pytest.approx(19 / 6, abs=1e-6), 3.5)
    assert all(r.missing == 0 and r.conflicts == 0 for r in rows)


def test_ties_that_floats_would_break_still_tie(session, call, board, make_application, review):
    """1/3 + 1/3 + 1/3 in floating point is not 1: the SQL compares exact integers (millionths)."""
    r1, r2 = board
    x = make_application(call, title="X")
    y = make_application(call, title="Y")
    review(x, r1, innovation=1, market=4, team=5)  # 3 + 8 + 5 = 16 → 16/6
    review(x, r2, innovation=4, market=1, team=2)  # 12 + 2 + 2 = 16 → 16/6
    review(y, r1, innovation=2, market=4, team=2)  # 6 + 8 + 2 = 16 → 16/6
    review(y, r2, innovation=3, market=2, team=3)  # 9 + 4 + 3 = 16 → 16/6

    rows = queries.ranking(session, call)

    assert [r.rank for r in rows] == [1, 1]
    assert rows[0].score == rows[1].score == pytest.approx(16 / 6, abs=1e-6)
    assert [r.application.title for r in rows] == ["X", "Y"]  # same submission instant: by id


def test_a_missing_review_is_counted_and_the_average_uses_the_reviews_there_are(session, call, board,
                                                                                make_application, review):
    r1, _ = board
    one = make_application(call, title="One review")
    make_application(call, title="No review")
    draft = make_application(call, title="Draft", submitted=False)
    review(one, r1, innovation=2, market=2, team=2)

    by = rows_by_title(session, call)

    assert (by["One review"].score, by["One review"].reviews, by["One review"].missing) == (2.0, 1, 1)
    assert (by["No review"].score, by["No review"].rank, by["No review"].missing) == (None, None, 2)
    assert "Draft" not in by and draft.status == "draft"
    assert [r.application.title for r in queries.ranking(session, call)] == ["One review", "No review"]


def test_a_declared_conflict_neither_scores_nor_counts_as_missing(session, call, board, make_application, review):
    r1, r2 = board
    a = make_application(call, title="A")
    review(a, r1, innovation=5, market=5, team=5)
    review(a, r2, conflict=True, comment="I advise this start-up.")

    (row,) = queries.ranking(session, call)

    assert (row.score, row.reviews, row.missing, row.conflicts) == (5.0, 1, 0, 1)


def test_a_reviewer_conflicted_through_an_organisation_is_ignored(session, call, board, make_application, review,
                                                                   make_organisation, make_user):
    """The link to the applicant's company came after the review: the ranking ignores that review."""
    r1, r2 = board
    applicant = make_user("founder")
    a = make_application(call, title="A", applicant=applicant)
    review(a, r1, innovation=4, market=4, team=4)
    review(a, r2, innovation=1, market=1, team=1)
    make_organisation("Atlas SARL", applicant, r2)

    (row,) = queries.ranking(session, call)

    assert (row.score, row.low, row.high, row.reviews, row.missing, row.conflicts) == (4.0, 4.0, 4.0, 1, 0, 1)
    assert queries.criterion_spread(session, a) == {c.id: (4.0, 4, 4, 1) for c in call.criteria}


def test_a_reviewer_from_a_partner_organisation_is_conflicted_and_not_counted_missing(
        session, call, board, make_application, make_organisation):
    r1, r2 = board
    partner = make_organisation("Telecom Partner", r2)
    from app.calls.services import PartnerInput

    make_application(call, title="A", partners=[PartnerInput(partner.id, "industrial_partner")])

    (row,) = queries.ranking(session, call)

    assert (row.missing, row.conflicts) == (1, 1)  # r1 has not reviewed; r2 cannot


def test_reviews_of_another_call_or_pole_do_not_leak(session, make_call, board, make_reviewer, make_application,
                                                     review):
    r1, _ = board
    first, second = make_call(title="First"), make_call(title="Second")
    mobile = make_reviewer("mobile_services")
    a = make_application(first, title="A")
    b = make_application(second, title="B")
    m = make_application(first, title="M", pole="mobile_services")
    review(a, r1, innovation=5, market=5, team=5)
    review(b, r1, innovation=1, market=1, team=1)
    review(m, mobile, innovation=2, market=2, team=2)

    by = rows_by_title(session, first)

    assert set(by) == {"A", "M"}
    assert (by["A"].score, by["A"].missing) == (5.0, 1)
    assert (by["M"].score, by["M"].missing) == (2.0, 0)


def test_the_ranking_keeps_the_scores_of_a_stored_review_exactly(session, call, board, make_application):
    """Scores are stored as rows; a hand-inserted review with a criterion missing still averages by weight."""
    r1, _ = board
    a = make_application(call, title="A")
    criteria = {c.key: c for c in call.criteria}
    record = Review(application_id=a.id, reviewer_id=r1.id, comment="partial")
    record.scores = [ReviewScore(criterion_id=criteria["innovation"].id, score=5),
                     ReviewScore(criterion_id=criteria["team"].id, score=1)]
    session.add(record)
    session.commit()

    (row,) = queries.ranking(session, call)

    assert row.score == pytest.approx((15 + 1) / 4, abs=1e-6)


def test_membership_rows_are_what_makes_a_conflict(session, call, board, make_application, make_organisation,
                                                  make_user):
    r1, _ = board
    applicant = make_user("founder")
    a = make_application(call, title="A", applicant=applicant)
    organisation = make_organisation("Atlas SARL", applicant)
    session.add(OrganisationMember(organisation_id=organisation.id, user_id=r1.id))
    session.commit()

    assert queries.relations(session, a, r1) >= {"reviewer", "conflicted"}
