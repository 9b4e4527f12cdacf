"""Ranking mentors for a project, on crafted loads: every factor moves the rank and says why."""

from __future__ import annotations

from app.mentoring import suggestions
from app.mentoring.suggestions import rank
from app.mentoring.suggestions import score

POLE = "multimedia"
STAGE = "idea"


def ranked(loads, *, past: set[int] | None = None, assigned: set[int] | None = None):
    return rank(loads, pole=POLE, pole_name="Multimedia", stage=STAGE, stage_label="Idea",
                past_mentor_ids=past or set(), assigned_ids=assigned or set())


def names(result) -> list[str]:
    return [s.load.mentor.name for s in result]


def scored(load, *, knows_project: bool = False):
    return score(load, pole=POLE, pole_name="Multimedia", stage=STAGE, stage_label="Idea",
                 knows_project=knows_project)


def test_pole_fit_beats_no_fit(make_load):
    result = ranked([make_load(1, "Aya"), make_load(2, "Badr", poles=[POLE])])

    assert names(result) == ["Badr", "Aya"]
    assert result[0].score - result[1].score == suggestions.POLE_FIT
    assert "Expert in Multimedia." in result[0].reasons
    assert not any("Expert" in r for r in result[1].reasons)


def test_pole_fit_on_another_pole_counts_for_nothing(make_load):
    result = ranked([make_load(1, "Aya", poles=["software_packages"]), make_load(2, "Badr")])

    assert result[0].score == result[1].score


def test_stage_fit_beats_no_fit(make_load):
    result = ranked([make_load(1, "Aya", stages=["project"]), make_load(2, "Badr", stages=[STAGE])])

    assert names(result) == ["Badr", "Aya"]
    assert result[0].score - result[1].score == suggestions.STAGE_FIT
    assert "Covers the Idea stage." in result[0].reasons
    assert not any("Covers" in r for r in result[1].reasons)


def test_continuity_from_an_earlier_stage_earns_a_bonus(make_load):
    result = ranked([make_load(1, "Aya"), make_load(2, "Badr")], past={2})

    assert names(result) == ["Badr", "Aya"]
    assert result[0].score - result[1].score == suggestions.CONTINUITY
    assert "Already knows the project from an earlier stage." in result[0].reasons
    assert not any("knows" in r for r in result[1].reasons)


def test_a_full_mentor_is_ranked_last_with_the_at_capacity_reason(make_load):
    """Even a perfect fit who knows the project comes after a mentor with no fit but a free place."""
    full = make_load(1, "Aya", poles=[POLE], stages=[STAGE], capacity=2, active=2)
    tight = make_load(2, "Badr", capacity=5, active=4)
    roomy = make_load(3, "Chama", capacity=5)

    result = ranked([full, tight, roomy], past={1})

    assert names(result) == ["Chama", "Badr", "Aya"]
    last = result[-1]
    assert last.is_full
    assert "At capacity (2 of 2 mentees)." in last.reasons
    assert not any("free place" in r for r in last.reasons)
    assert not any(s.is_full for s in result[:-1])


def test_an_overloaded_mentor_counts_as_full(make_load):
    """Assigned past capacity on purpose: still no free place, never a negative one."""
    result = ranked([make_load(1, "Aya", capacity=1, active=3), make_load(2, "Badr")])

    assert names(result) == ["Badr", "Aya"]
    assert result[-1].load.free == 0
    assert "At capacity (3 of 1 mentees)." in result[-1].reasons


def test_assigned_mentors_are_excluded(make_load):
    result = ranked([make_load(1, "Aya", poles=[POLE]), make_load(2, "Badr"), make_load(3, "Chama")], assigned={1, 3})

    assert names(result) == ["Badr"]


def test_ties_are_broken_by_free_capacity(make_load):
    less_room = make_load(1, "Aya", capacity=10, active=4)
    more_room = make_load(2, "Badr", capacity=10, active=2)

    result = ranked([less_room, more_room])

    assert result[0].score == result[1].score
    assert names(result) == ["Badr", "Aya"]


def test_ties_on_score_and_room_are_broken_by_name_ignoring_case(make_load):
    result = ranked([make_load(1, "chama"), make_load(2, "Badr"), make_load(3, "aya")])

    assert names(result) == ["aya", "Badr", "chama"]


def test_more_free_room_scores_higher(make_load):
    plenty = scored(make_load(1, "Aya", capacity=4, active=2))
    some = scored(make_load(2, "Badr", capacity=4, active=3))

    assert plenty.score - some.score == suggestions.PLENTY_OF_ROOM
    assert "2 free place(s) of 4." in plenty.reasons
    assert "1 free place(s) of 4." in some.reasons


def test_every_factor_gives_its_reason(make_load):
    suggestion = scored(make_load(1, "Aya", poles=[POLE], stages=[STAGE], capacity=4, active=1), knows_project=True)

    assert suggestion.reasons == (
        "Expert in Multimedia.",
        "Covers the Idea stage.",
        "Already knows the project from an earlier stage.",
        "3 free place(s) of 4.",
    )
    expected = (suggestions.POLE_FIT + suggestions.STAGE_FIT + suggestions.CONTINUITY + suggestions.HAS_ROOM
                + suggestions.PLENTY_OF_ROOM)
    assert suggestion.score == expected


def test_a_mentor_with_no_fit_still_gets_a_reason(make_load):
    suggestion = scored(make_load(1, "Aya", capacity=3, active=0))

    assert suggestion.reasons == ("3 free place(s) of 3.",)
    assert not suggestion.is_full


def test_no_mentors_no_suggestions():
    assert ranked([]) == []
