"""The pipeline page's mentor filter: a name typed in a field, not a list of every mentor."""

from __future__ import annotations

import pytest


@pytest.fixture
def mentored(make_user, make_project, assign):
    """Two projects, each followed by its own mentor; a third mentor whose name shares a word."""
    amina, karim = make_user("mentor", name="Amina Berrada"), make_user("mentor", name="Karim Alaoui")
    make_user("mentor", name="Amina Tazi")
    followed, other = make_project(name="Atlas Pay"), make_project(name="Souk Cloud")
    assign(followed, amina)
    assign(other, karim)
    return amina, karim


def page(client, query: str) -> str:
    return client.get(f"/pipeline?{query}", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_the_page_lists_no_mentor_until_asked(login_as, manager, mentored):
    body = page(login_as(manager), "")
    assert 'name="mentor_name"' in body and 'value=""' in body
    filters = body[body.index('class="filters"'):]
    assert "<option" in filters and "Amina Berrada" not in filters[:filters.index("</form>")]


def test_a_full_name_filters_by_that_mentor(login_as, manager, mentored):
    body = page(login_as(manager), "mentor_name=amina+berrada")
    assert 'value="Amina Berrada"' in body and 'aria-invalid' not in body
    assert "Atlas Pay" in body and "Souk Cloud" not in body


def test_part_of_a_name_that_one_mentor_has_is_enough(login_as, manager, mentored):
    body = page(login_as(manager), "mentor_name=Alaoui")
    assert 'value="Karim Alaoui"' in body
    assert "Souk Cloud" in body and "Atlas Pay" not in body


def test_an_ambiguous_name_offers_the_mentors_and_filters_nothing(login_as, manager, mentored):
    amina, _ = mentored
    body = page(login_as(manager), "mentor_name=Amina&pole=")
    assert 'aria-invalid="true"' in body and "Several mentors match “Amina”" in body
    assert f'href="/pipeline?mentor={amina.id}"' in body and "Amina Tazi" in body
    assert "Atlas Pay" in body and "Souk Cloud" in body


def test_a_name_nobody_has_says_so(login_as, manager, mentored):
    body = page(login_as(manager), "mentor_name=Zz%25")
    assert "No active mentor&#39;s name contains “Zz%”" in body or "No active mentor's name contains “Zz%”" in body
    assert "Atlas Pay" in body and "Souk Cloud" in body


def test_a_link_with_the_mentor_id_shows_the_name(login_as, manager, mentored):
    _, karim = mentored
    body = page(login_as(manager), f"mentor={karim.id}")
    assert 'value="Karim Alaoui"' in body and "Souk Cloud" in body and "Atlas Pay" not in body
