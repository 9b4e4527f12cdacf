"""`among`: a list of ids bound as one value, the same rows as `IN (…)`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.core.idlists import among


@pytest.mark.parametrize("pick", [[], [0], [0, 2], [2, 0, 2], "all"])
def test_among_selects_the_rows_in_selects(session, make_user, pick):
    users = [make_user("mentor") for _ in range(3)]
    ids = [u.id for u in users] if pick == "all" else [users[i].id for i in pick]
    dialect = session.get_bind().dialect.name
    found = set(session.scalars(select(User.id).where(among(User.id, ids, dialect))))
    assert found == set(session.scalars(select(User.id).where(User.id.in_(ids))))
    assert found == set(ids)


def test_the_statement_is_the_same_whatever_the_number_of_ids(session):
    dialect = session.get_bind().dialect.name
    texts = {str(select(User.id).where(among(User.id, ids, dialect)).compile(session.get_bind()))
             for ids in ([1], list(range(1000)))}
    assert len(texts) == 1
