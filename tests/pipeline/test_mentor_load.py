"""The pipeline's mentor load lists the busiest mentors, so a request does the same work whatever
the number of mentors (`make bench`: "the Python side must not grow with the data"); the exports
and the mentor filter still list every mentor."""

from __future__ import annotations

import pytest

from app.pipeline import queries as pipeline_queries


@pytest.fixture
def mentors(make_user, make_project, assign):
    """Five mentors; mentor i has i mentees."""
    made = [make_user("mentor", name=f"Mentor {i}") for i in range(5)]
    for i, mentor in enumerate(made):
        for j in range(i):
            assign(make_project(name=f"Project {i}-{j}"), mentor)
    return made


def test_the_api_lists_the_busiest_mentors_and_counts_them_all(monkeypatch, api, manager, mentors):
    monkeypatch.setitem(pipeline_queries.pipeline.__kwdefaults__, "mentor_rows", 2)

    body = api(manager).get("/api/v1/pipeline").get_json()

    assert [m["name"] for m in body["mentor_load"]] == ["Mentor 4", "Mentor 3"]
    assert [m["active"] for m in body["mentor_load"]] == [4, 3]
    assert body["mentors_total"] == 5


def test_the_page_says_how_many_are_left_out_and_the_export_lists_all(monkeypatch, login_as, manager, mentors):
    monkeypatch.setitem(pipeline_queries.pipeline.__kwdefaults__, "mentor_rows", 2)
    client = login_as(manager)

    page = client.get("/pipeline", headers={"Accept-Language": "en"}).get_data(as_text=True)
    load = page[page.index('id="load-title"'):]
    assert "Mentor 4" in load and "Mentor 3" in load and "Mentor 0" not in load[:load.index("</table>")]
    assert "The 2 busiest of 5 mentors." in load
    # the mentor filter finds any of them by name
    found = client.get("/pipeline?mentor_name=mentor+0").get_data(as_text=True)
    assert 'value="Mentor 0"' in found[found.index('class="filters"'):]
    export = client.get("/pipeline.csv").get_data(as_text=True)
    assert all(f"Mentor {i}" in export for i in range(5))
