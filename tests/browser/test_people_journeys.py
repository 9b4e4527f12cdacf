"""People and teams in a real browser, in French and in English: a manager invites a mentor, who
follows the emailed link, chooses a password and lands on their mentees; a manager deactivates an
account, whose next sign-in is refused with words that say so."""

from __future__ import annotations

import itertools
import re

import pytest
import sqlalchemy as sa

from app.notifications.models import OutgoingEmail
from tests.browser.conftest import BROWSER_LOCALES
from tests.browser.conftest import PASSWORD
from tests.browser.conftest import PHONE
from tests.browser.conftest import describe_violations
from tests.browser.conftest import expect
from tests.browser.conftest import expect_flashes
from tests.browser.conftest import langs
from tests.browser.conftest import run_axe
from tests.browser.conftest import sign_in

LINK = re.compile(r"https?://[^/\s]+(/invitations/[A-Za-z0-9_\-]+)")
_numbers = itertools.count(1)


def emailed_link(live_server, address: str) -> str:
    """The invitation link of the latest email the outbox holds for `address`."""
    with live_server.session() as session:
        body = session.scalars(sa.select(OutgoingEmail.body).where(OutgoingEmail.to_address == address)
                               .order_by(OutgoingEmail.id.desc())).first()
    (path,) = LINK.findall(body)
    return path


def assert_accessible(page) -> None:
    violations = run_axe(page)
    fatal = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not fatal, describe_violations(fatal)


@pytest.mark.parametrize("lang", langs("fr"))
def test_an_invited_mentor_sets_a_password_and_lands_on_their_mentees(browser, open_page, live_server, t,
                                                                      screenshots, request, lang):
    address = f"invited-mentor-{lang}-{next(_numbers)}@browser.example.org"
    manager = open_page(lang)
    sign_in(manager, live_server.make_user("manager", lang).email, lang, t)

    manager.get_by_role("navigation", name=t(lang, "Main")).get_by_role("link", name=t(lang, "People")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(t(lang, "People"))
    manager.get_by_role("link", name=t(lang, "Invite someone")).click()
    manager.get_by_label(t(lang, "Email"), exact=True).fill(address)
    manager.get_by_label(t(lang, "Role"), exact=True).select_option("mentor")
    manager.get_by_label(t(lang, "Language of the email")).select_option(lang)
    manager.get_by_role("button", name=t(lang, "Send the invitation")).click()

    expect_flashes(manager, [t(lang, "Invitation sent to %(email)s.", email=address)])
    expect(manager.locator(f'tr[data-invitation="{address}"]')).to_contain_text(t(lang, "mentor"))
    screenshots.take(manager, "invitation-sent", lang)

    # The invited person opens the emailed link in their own browser (axe is injected: no CSP for it).
    context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[lang], viewport=PHONE,
                                  bypass_csp=True)
    request.addfinalizer(context.close)
    newcomer = context.new_page()
    newcomer.goto(emailed_link(live_server, address))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(t(lang, "Join Parcours"))
    expect(newcomer.locator("main")).to_contain_text(address)
    assert_accessible(newcomer)
    screenshots.take(newcomer, "invitation-accept", lang)
    name = f"Ines Alaoui {lang.upper()}"
    newcomer.get_by_label(t(lang, "Full name")).fill(name)
    newcomer.get_by_label(t(lang, "Password"), exact=True).fill(PASSWORD)
    newcomer.get_by_label(t(lang, "Password, again")).fill(PASSWORD)
    newcomer.get_by_label(t(lang, "I have read the privacy notice and agree that the cluster keeps my data for its "
                                  "programme")).check()
    newcomer.get_by_role("button", name=t(lang, "Create my account")).click()

    expect(newcomer).to_have_url(re.compile(r"/mentees$"))
    expect_flashes(newcomer, [t(lang, "Welcome to Parcours, %(name)s.", name=name)])
    # The link worked once.
    newcomer.goto(emailed_link(live_server, address))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(t(lang, "Invitation no longer valid"))


@pytest.mark.parametrize("lang", langs("en"))
def test_a_deactivated_account_is_refused(open_page, live_server, t, lang):
    founder = live_server.make_user("founder", lang)
    manager = open_page(lang)
    sign_in(manager, live_server.make_user("manager", lang).email, lang, t)

    manager.goto("/people")
    manager.get_by_label(t(lang, "Name or email")).fill(founder.email)
    manager.get_by_role("button", name=t(lang, "Apply", "apply filters")).click()
    row = manager.locator(f'tr[data-user="{founder.email}"]')
    row.get_by_text(t(lang, "Deactivate…")).click()
    row.get_by_label(t(lang, "%(name)s can no longer sign in (their history stays)", name=founder.name)).check()
    row.get_by_role("button", name=t(lang, "Deactivate"), exact=True).click()

    expect_flashes(manager, [
        t(lang, "%(name)s is deactivated: they can no longer sign in.", name=founder.name)])
    expect(manager.locator(f'tr[data-user="{founder.email}"]')).to_contain_text(t(lang, "Deactivated"))

    person = open_page(lang)
    person.goto("/login")
    person.get_by_label(t(lang, "Email"), exact=True).fill(founder.email)
    person.get_by_label(t(lang, "Password"), exact=True).fill(PASSWORD)
    person.locator("main").get_by_role("button", name=t(lang, "Sign in")).click()

    expect(person).to_have_url(re.compile(r"/login$"))
    expect(person.locator("main")).to_contain_text(
        t(lang, "A deactivated account cannot sign in: if yours was deactivated, ask the cluster's team to "
                "reactivate it."))
