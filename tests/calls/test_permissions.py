"""Who sees and does what, both ways: the pure predicates over every status, and the queries that
scope lists and pages (applicants see only theirs; reviewers only their pole's, never their conflicts;
nobody but managers reads reviews before submitting their own or before the decision)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.auth.models import User
from app.calls import permissions
from app.calls import queries
from app.calls.models import APPLICATION_STATUSES
from app.calls.models import Application
from app.calls.models import Call
from app.core.errors import NotFound

ALL = APPLICATION_STATUSES


NOW = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)


def app_in(status: str, *, closes_at: dt.datetime = NOW + dt.timedelta(days=1)) -> Application:
    return Application(status=status, call=Call(closes_at=closes_at))


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("relations, expected", [
    ({"applicant"}, set(ALL)),
    ({"manager"}, set(ALL)),
    ({"reviewer"}, set(ALL) - {"draft"}),
    ({"reviewer", "conflicted"}, set()),
    ({"reviewer", "conflicted", "reviewed"}, set()),
    (set(), set()),
])
def test_who_may_view(relations, expected, status):
    assert permissions.can_view(frozenset(relations), app_in(status)) is (status in expected)


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("relations, expected", [
    ({"applicant"}, {"draft", "more_info"}),
    ({"manager"}, set()),
    ({"reviewer"}, set()),
])
def test_only_the_applicant_edits_and_only_drafts_or_after_more_info(relations, expected, status):
    assert permissions.can_edit(frozenset(relations), app_in(status), NOW) is (status in expected)


@pytest.mark.parametrize("status, expected", [("draft", False), ("more_info", True), ("submitted", False)])
def test_past_the_deadline_only_an_application_sent_back_for_more_info_is_edited(status, expected):
    application = app_in(status, closes_at=NOW - dt.timedelta(seconds=1))

    assert permissions.can_edit(frozenset({"applicant"}), application, NOW) is expected


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("relations, expected", [
    ({"reviewer"}, {"submitted"}),
    ({"manager"}, {"submitted"}),
    ({"reviewer", "reviewed"}, set()),
    ({"reviewer", "conflicted"}, set()),
    ({"manager", "conflicted"}, set()),
    ({"applicant"}, set()),
    ({"applicant", "reviewer", "conflicted"}, set()),
])
def test_who_may_review(relations, expected, status):
    assert permissions.can_review(frozenset(relations), app_in(status)) is (status in expected)


@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("relations, expected", [
    ({"manager"}, set(ALL)),
    ({"reviewer"}, {"labelled", "rejected"}),
    ({"reviewer", "reviewed"}, set(ALL)),
    ({"reviewer", "conflicted", "reviewed"}, set()),
    ({"applicant"}, set()),
    ({"applicant", "reviewer", "conflicted"}, set()),
])
def test_who_may_read_the_reviews(relations, expected, status):
    assert permissions.can_see_reviews(frozenset(relations), app_in(status)) is (status in expected)


@pytest.mark.parametrize("status", ALL)
def test_only_managers_decide_a_submitted_application(status):
    assert permissions.can_decide(frozenset({"manager"}), app_in(status)) is (status == "submitted")
    assert permissions.can_decide(frozenset({"reviewer", "reviewed"}), app_in(status)) is False


def test_only_confirmed_founders_apply():
    assert permissions.can_apply(User(role="founder", email_verified_at=None)) is False
    from app.core.time import utcnow

    assert permissions.can_apply(User(role="founder", email_verified_at=utcnow())) is True
    assert permissions.can_apply(User(role="mentor", email_verified_at=utcnow())) is False


# Queries: the lists and pages ------------------------------------------------------------------


@pytest.fixture
def cast(make_call, make_application, make_reviewer, make_user, make_organisation):
    """Two founders' applications in multimedia, one draft, one in mobile services; reviewers of each pole,
    one of them conflicted through the first applicant's company."""
    call = make_call()
    amal, badr = make_user("founder", name="Amal"), make_user("founder", name="Badr")
    media, mobile, conflicted = (make_reviewer("multimedia"), make_reviewer("mobile_services"),
                                 make_reviewer("multimedia"))
    make_organisation("Amal SARL", amal, conflicted)
    return {
        "call": call, "amal": amal, "badr": badr, "media": media, "mobile": mobile, "conflicted": conflicted,
        "a1": make_application(call, applicant=amal, title="Amal media"),
        "b1": make_application(call, applicant=badr, title="Badr media"),
        "b_draft": make_application(call, applicant=badr, title="Badr draft", submitted=False),
        "b_mobile": make_application(call, applicant=badr, title="Badr mobile", pole="mobile_services"),
    }


def titles(session, user: User, call=None) -> set[str]:
    return {a.title for a in session.scalars(queries.select_applications(user, call=call))}


def test_applicants_see_only_their_applications(session, cast):
    assert titles(session, cast["amal"]) == {"Amal media"}
    assert titles(session, cast["badr"]) == {"Badr media", "Badr draft", "Badr mobile"}
    with pytest.raises(NotFound):
        queries.get_visible_application(session, cast["b1"].id, cast["amal"])


def test_reviewers_see_their_poles_submitted_applications_never_drafts(session, cast):
    assert titles(session, cast["media"]) == {"Amal media", "Badr media"}
    assert titles(session, cast["mobile"]) == {"Badr mobile"}
    with pytest.raises(NotFound):
        queries.get_visible_application(session, cast["b_draft"].id, cast["media"])
    with pytest.raises(NotFound):
        queries.get_visible_application(session, cast["a1"].id, cast["mobile"])


def test_reviewers_never_see_their_conflicts(session, cast, review):
    assert titles(session, cast["conflicted"]) == {"Badr media"}  # Amal's company is theirs
    review(cast["b1"], cast["media"], conflict=True, comment="I mentor Badr.")

    assert titles(session, cast["media"]) == {"Amal media"}
    with pytest.raises(NotFound):
        queries.get_visible_application(session, cast["b1"].id, cast["media"])


def test_managers_see_everything(session, cast, manager):
    assert titles(session, manager) == {"Amal media", "Badr media", "Badr draft", "Badr mobile"}


def test_people_outside_the_commission_see_nothing(session, cast, make_user):
    assert titles(session, make_user("mentor")) == set()
    assert titles(session, make_user("founder")) == set()


def test_a_reviewer_reads_others_reviews_only_after_sending_theirs(session, cast, make_reviewer, review):
    first, second = cast["media"], make_reviewer("multimedia")
    application = cast["b1"]
    review(application, first, innovation=5, market=5, team=5)

    before = queries.relations(session, application, second)
    review(application, second, innovation=2, market=2, team=2)
    after = queries.relations(session, application, second)

    assert permissions.can_see_reviews(before, application) is False
    assert permissions.can_see_reviews(after, application) is True
    assert permissions.can_see_reviews(queries.relations(session, application, cast["badr"]), application) is False


def test_calls_list_publicly_only_while_open(session, make_call, manager, make_reviewer, now):
    import datetime as dt

    open_call = make_call(title="Open")
    later = make_call(title="Later", opens_ago=dt.timedelta(days=-5), closes_in=dt.timedelta(days=20))
    software = make_call(title="Software only", poles=["software_packages"], opens_ago=dt.timedelta(days=-5))
    reviewer = make_reviewer("software_packages")

    public = {c.title for c in session.scalars(queries.select_calls(None, now))}
    for_manager = {c.title for c in session.scalars(queries.select_calls(manager, now, open_only=False))}
    for_reviewer = {c.title for c in session.scalars(queries.select_calls(reviewer, now, open_only=False))}

    assert public == {"Open"}
    assert for_manager == {"Open", "Later", "Software only"}
    assert for_reviewer == {"Open", "Software only"}
    with pytest.raises(NotFound):
        queries.get_visible_call(session, later.id, None, now)
    assert queries.get_visible_call(session, open_call.id, None, now) == open_call
    assert queries.get_visible_call(session, software.id, reviewer, now) == software
