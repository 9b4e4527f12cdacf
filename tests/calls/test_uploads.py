"""Pitch deck uploads: checked by content (not name), size-limited, stored under a random name outside
the web root whatever the file name tries, and served only to those who may read the application."""

from __future__ import annotations

import io
import re

import pytest

from app.calls import decks
from app.calls.models import PitchDeck
from app.core.errors import NotFound
from app.core.errors import ValidationFailed
from app.core.problems import http_status
from tests.api.conftest import check_problem
from tests.calls.conftest import pdf_bytes

STORED = re.compile(r"[0-9a-f]{32}\.pdf")


def upload(client, application_id: int, data: bytes, filename: str = "deck.pdf"):
    return client.post(f"/applications/{application_id}/deck", data={"deck": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", headers={"Accept-Language": "en"})


def flashed(client) -> list[str]:
    with client.session_transaction() as state:
        return [m for _, m in state.pop("_flashes", [])]


@pytest.fixture
def draft(make_call, make_application):
    return make_application(make_call(), submitted=False)


@pytest.fixture
def author(login_as, draft):
    client = login_as(draft.applicant)
    flashed(client)  # the welcome message: each test reads only its own flashes
    return client


def stored_files(uploads) -> list[str]:
    return sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []


def deck_row(session, draft) -> PitchDeck | None:
    session.expire_all()
    return session.query(PitchDeck).filter_by(application_id=draft.id).one_or_none()


def test_a_pdf_is_stored_under_a_random_name_outside_static(author, draft, session, uploads, app):
    response = upload(author, draft.id, pdf_bytes(3), "Our deck (final).pdf")

    assert response.status_code == 302
    row = deck_row(session, draft)
    assert STORED.fullmatch(row.storage_name) and row.filename == "Our deck (final).pdf"
    assert stored_files(uploads) == [row.storage_name]
    assert (uploads / row.storage_name).read_bytes()[:5] == b"%PDF-"


def test_decks_live_in_the_instance_folder_not_under_static_by_default(app):
    from pathlib import Path

    from app.calls.params import deck_directory

    app.config["UPLOADS_DIR"] = None
    with app.test_request_context():
        folder = deck_directory().resolve()

    assert folder == (Path(app.instance_path) / "uploads").resolve()
    assert Path(app.static_folder).resolve() not in (folder, *folder.parents)


@pytest.mark.parametrize("content", [
    b"<html><script>alert(1)</script></html>",
    b"MZ\x90\x00\x03 an executable",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    b"%PDF-1.7\n this is only the signature, no document",
    b"",
])
def test_anything_but_a_readable_pdf_is_refused_even_named_pdf(author, draft, session, uploads, content):
    response = upload(author, draft.id, content, "deck.pdf")

    assert response.status_code == 303
    assert deck_row(session, draft) is None and stored_files(uploads) == []
    (message,) = flashed(author)
    assert "not a PDF" in message or "cannot be read" in message or "empty" in message or "Choose" in message


def test_a_pdf_under_another_name_is_accepted_and_renamed(author, draft, session):
    assert upload(author, draft.id, pdf_bytes(), "deck.exe").status_code == 302

    assert deck_row(session, draft).filename == "deck.exe.pdf"


def test_a_deck_over_the_limit_is_refused(app, author, draft, session, uploads):
    app.config["CALL_DECK_MAX_BYTES"] = 20_000
    big = pdf_bytes(1) + b"%" + b"x" * 30_000  # a PDF with a long trailing comment

    response = upload(author, draft.id, big)

    assert response.status_code == 303
    assert deck_row(session, draft) is None and stored_files(uploads) == []
    assert any("too large" in m for m in flashed(author))


def test_a_deck_well_over_the_limit_sent_with_the_answers_is_refused_and_the_answers_stay_typed(
        app, author, draft, session, uploads):
    """Without the page's script, an oversized deck still reaches the form: the body limit is a few times the
    deck's (spooled to disk), so the page refuses the deck itself and shows the answers as they were typed."""
    app.config["CALL_DECK_MAX_BYTES"] = 20_000
    big = pdf_bytes(1) + b"%" + b"x" * 100_000  # past the deck limit plus the multipart allowance
    answers = {f"answer_{q['key']}": f"Typed answer {i}" for i, q in enumerate(draft.call.questions)}

    response = author.post(f"/applications/{draft.id}", data={
        "title": "Typed title", "summary": "Typed summary", "pole": draft.pole_key, "version": draft.version,
        **answers, "deck": (io.BytesIO(big), "big.pdf")}, content_type="multipart/form-data",
        headers={"Accept-Language": "en"})

    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "too large" in page
    assert "Typed title" in page and all(f"Typed answer {i}" in page for i in range(len(answers)))
    session.refresh(draft)
    assert draft.title != "Typed title" and deck_row(session, draft) is None and stored_files(uploads) == []


def test_the_deck_limit_is_independent_of_the_small_form_limit(app, author, draft, session):
    """MAX_CONTENT_LENGTH guards every other form; a deck above it still fits the deck limit.

    (Scaled down: 100 KB and 300 KB stand for 2 MB and a 3 MB deck, under the size at which the test
    client spools its request body to a temporary file it never closes.)"""
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    pages = pdf_bytes(1)
    large = pages + b"%" + b"x" * (300 * 1024)
    assert author.post(f"/applications/{draft.id}/partners", data={"role": "x" * (200 * 1024)}).status_code == 413

    assert upload(author, draft.id, large).status_code == 302
    assert deck_row(session, draft).size_bytes == len(large)


@pytest.mark.parametrize("filename", [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\evil.pdf",
    "/etc/cron.d/job.pdf",
    "....//....//x.pdf",
    "deck.pdf\x00.sh",
    "%2e%2e%2fescape.pdf",
])
def test_file_names_never_reach_the_file_system(author, draft, session, uploads, tmp_path, filename):
    before = sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.parent != uploads)

    response = upload(author, draft.id, pdf_bytes(), filename)

    assert response.status_code == 302
    row = deck_row(session, draft)
    assert stored_files(uploads) == [row.storage_name] and STORED.fullmatch(row.storage_name)
    assert "/" not in row.filename and "\\" not in row.filename and "\x00" not in row.filename
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.parent != uploads) == before


def test_replacing_the_deck_deletes_the_old_file(author, draft, session, uploads):
    upload(author, draft.id, pdf_bytes(1))
    first = deck_row(session, draft).storage_name
    upload(author, draft.id, pdf_bytes(2))

    second = deck_row(session, draft).storage_name
    assert first != second and stored_files(uploads) == [second]


def test_the_applicant_downloads_it_strangers_get_404(author, draft, login_as, make_user, make_reviewer, app):
    upload(author, draft.id, pdf_bytes())

    own = author.get(f"/applications/{draft.id}/deck")
    own.close()  # send_file streams from the open file
    stranger = app.test_client()
    login_as_stranger = stranger.post("/login", data={"email": make_user("founder").email,
                                                      "password": "correct-horse-battery"})
    assert login_as_stranger.status_code == 302

    assert own.status_code == 200 and own.mimetype == "application/pdf"
    assert "attachment" in own.headers["Content-Disposition"]
    assert stranger.get(f"/applications/{draft.id}/deck").status_code == 404
    assert app.test_client().get(f"/applications/{draft.id}/deck").status_code == 302  # sign in first


def test_reviewers_download_submitted_decks_of_their_pole_only(api, make_call, make_application, make_reviewer):
    application = make_application(make_call())

    with api(make_reviewer("multimedia")).get(f"/api/v1/applications/{application.id}/deck") as response:
        assert response.status_code == 200 and response.get_data()[:5] == b"%PDF-"
    assert api(make_reviewer("software_packages")).get(
        f"/api/v1/applications/{application.id}/deck").status_code == 404


def test_only_the_applicant_uploads(api, draft, manager, make_user):
    for other in (manager, make_user("founder")):
        response = api(other).put(f"/api/v1/applications/{draft.id}/deck", data=pdf_bytes(),
                                  headers={"Content-Type": "application/pdf"})
        assert response.status_code in (403, 404)


# Through the API --------------------------------------------------------------------------------


def test_the_api_takes_the_pdf_as_the_body(api, draft, session):
    response = api(draft.applicant).put(f"/api/v1/applications/{draft.id}/deck?filename=pitch.pdf", data=pdf_bytes(),
                                        headers={"Content-Type": "application/pdf"})

    assert response.status_code == 200, response.get_json()
    deck = response.get_json()["deck"]
    assert deck["filename"] == "pitch.pdf" and deck["url"] == f"/api/v1/applications/{draft.id}/deck"


def test_the_api_refuses_a_fake_pdf_with_422_and_a_large_one_with_413(api, app, draft):
    client = api(draft.applicant)
    fake = client.put(f"/api/v1/applications/{draft.id}/deck", data=b"<?php system($_GET['c']); ?>",
                      headers={"Content-Type": "application/pdf"})
    app.config["CALL_DECK_MAX_BYTES"] = 1000
    large = client.put(f"/api/v1/applications/{draft.id}/deck", data=pdf_bytes() + b"x" * 2000,
                       headers={"Content-Type": "application/pdf"})

    assert "deck" in check_problem(fake, 422)["errors"]
    check_problem(large, 413)


# The storage helpers themselves -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["../parcours.db", "/etc/passwd", "x.pdf", "A" * 32 + ".pdf", "", "..",
                                  "0123456789abcdef0123456789abcdef.pdf/../../x"])
def test_stored_names_are_checked_before_any_path_is_built(tmp_path, name):
    with pytest.raises(NotFound):
        decks.path_of(tmp_path, name)


@pytest.mark.parametrize("given, shown", [
    ("../../etc/passwd", "passwd.pdf"),
    ("C:\\Users\\me\\deck.PDF", "deck.PDF"),
    ("  ..  ", "deck.pdf"),
    ('"quoted"<name>.pdf', "quotedname.pdf"),
    (None, "deck.pdf"),
])
def test_clean_filename(given, shown):
    assert decks.clean_filename(given) == shown


def test_size_is_checked_before_parsing():
    with pytest.raises(decks.DeckTooLarge) as refused:
        decks.check_deck(pdf_bytes(), "deck.pdf", max_bytes=10)

    assert refused.value.code == "deck_too_large" and http_status(refused.value) == 413


def test_a_truncated_pdf_is_refused():
    with pytest.raises(ValidationFailed):
        decks.check_deck(pdf_bytes()[:200], "deck.pdf")


def test_with_csrf_on_a_deck_above_the_form_limit_needs_and_accepts_the_token(app, author, draft, session):
    """CSRFProtect reads the body before the view: the deck view checks the token itself, after raising the limit."""
    app.config.update(WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=100 * 1024)
    large = pdf_bytes(1) + b"%" + b"x" * (300 * 1024)
    page = author.get(f"/applications/{draft.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    without = author.post(f"/applications/{draft.id}/deck", data={"deck": (io.BytesIO(large), "deck.pdf")},
                          content_type="multipart/form-data")
    with_token = author.post(f"/applications/{draft.id}/deck",
                             data={"deck": (io.BytesIO(large), "deck.pdf"), "csrf_token": token},
                             content_type="multipart/form-data")

    assert without.status_code == 400
    assert with_token.status_code == 302
    assert deck_row(session, draft).size_bytes == len(large)
