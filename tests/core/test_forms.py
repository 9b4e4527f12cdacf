"""`one_write`: the one way a page calls a service: commit, or roll back and show the refusal."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.exceptions import Forbidden as HttpForbidden
from wtforms import StringField

from app.auth import services as auth_services
from app.auth.models import User
from app.core.errors import Forbidden
from app.core.errors import ValidationFailed
from app.core.forms import one_write
from app.extensions import db


class ScoreForm(FlaskForm):
    score_x = StringField()


def add_user(email: str) -> None:
    auth_services.create_user(db.session, email=email, name="N", role="founder", password="correct-horse-battery")
    db.session.flush()


def emails(session) -> set[str]:
    session.expire_all()
    return set(session.scalars(select(User.email)))


def test_a_write_that_returns_is_committed(app, session):
    with app.test_request_context(method="POST"), one_write() as write:
        add_user("kept@example.org")

    assert write.ok and write.status == 200
    assert "kept@example.org" in emails(session)


def test_a_refused_write_leaves_nothing_and_shows_the_errors_on_the_form(app, session):
    with app.test_request_context(method="POST"):
        form = ScoreForm(meta={"csrf": False})
        with one_write(form, field_names=lambda k: k.replace("scores.", "score_")) as write:
            add_user("lost@example.org")
            raise ValidationFailed("Bad scores.", **{"scores.x": ["Between 1 and 5."]})

    assert not write.ok and write.status == 422
    assert form.score_x.errors == ["Between 1 and 5."]
    assert "lost@example.org" not in emails(session)


def test_statuses_to_abort_on_answer_with_the_error_page(app, session):
    with app.test_request_context(method="POST"), pytest.raises(HttpForbidden):
        with one_write(abort_on=(403,)):
            add_user("nope@example.org")
            raise Forbidden("Not yours.")

    assert "nope@example.org" not in emails(session)
