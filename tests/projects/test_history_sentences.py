"""The history reads as events in the past tense, naming who did them."""

from __future__ import annotations

from html import unescape

from app.projects import services


def test_the_history_says_what_happened_in_the_past_tense(make_user, make_project, login_as, session, now):
    owner = make_user("founder", name="Omar", locale="fr")
    project = make_project(owner=owner)
    services.fire_event(session, project, "hold", actor=owner, now=now, version=project.version,
                        comment="En attente de financement.")
    session.commit()
    client = login_as(owner)

    history = unescape(client.get(f"/projects/{project.id}/history").get_data(as_text=True))
    page = unescape(client.get(f"/projects/{project.id}").get_data(as_text=True))

    assert "Mis en pause par Omar" in history and "Mis en pause par Omar" in page
    assert "Projet créé par Omar" in history
    assert "Mettre en pause</td>" not in history  # the button's label is not the history's


def test_an_event_without_a_sentence_gets_the_generic_one(app):
    import dataclasses

    from app.projects.templating import history_label

    definition = app.extensions["workflow_catalog"].latest("innovation_path")
    plain = dataclasses.replace(definition, events={**definition.events,
                                                    "hold": dataclasses.replace(definition.events["hold"],
                                                                                history_text=None)})
    nadia = type("Person", (), {"name": "Nadia"})()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert history_label(definition, "hold", None) == "Put on hold by someone"
        assert history_label(plain, "hold", nadia) == "Nadia did “Put on hold”"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert history_label(plain, "hold", nadia) == "Nadia a effectué «\u00a0Mettre en pause\u00a0»"
