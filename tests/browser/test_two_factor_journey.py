"""A caseworker sets up an authenticator app and logs in with its codes; the
functional administrator changes a role after confirming their identity."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts import two_factor
from accounts.models import Role, SecurityEvent, SecurityEventKind, User
from accounts.sessions import SessionStore
from accounts.tests.factories import UserFactory
from tests.browser.helpers import code_from_key, enter_code, log_in
from tests.fixtures.personas import Place

pytestmark = pytest.mark.browser


def _log_in_with_password(page: Page, user: User, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres", exact=True).fill(user.email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def test_a_caseworker_sets_up_the_app_and_logs_in_with_a_code(
    page: Page, live_server: LiveServer, den_helder: Place, password: str
) -> None:
    user = UserFactory(
        caseworker=True,
        team=den_helder.team,
        full_name="Yara Bos",
        email="yara@example.test",
        totp_device=False,
    )
    _log_in_with_password(page, user, password)

    # Not set up yet: enrolment, and nothing else opens.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tweestapsverificatie instellen"
    )
    expect(page.locator("main svg.qr-code")).to_be_visible()
    page.goto("/casework/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))

    key = page.get_by_test_id("totp-key").inner_text()
    page.get_by_label("Code uit de app", exact=True).fill("000000")
    page.get_by_role("button", name="Bevestigen en verder", exact=True).click()
    expect(page.locator("#id_code_error")).to_contain_text("niet goed")
    two_factor.pending_totp_device(user).throttle_reset()

    page.get_by_label("Code uit de app", exact=True).fill(code_from_key(key))
    page.get_by_role("button", name="Bevestigen en verder", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/recovery-codes/"))
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Verder", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/casework/")
    expect(page.get_by_test_id("current-user")).to_contain_text("Yara Bos")

    page.get_by_role("button", name="Uitloggen", exact=True).click()
    _log_in_with_password(page, user, password)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
    page.goto("/casework/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
    enter_code(page, user)
    expect(page).to_have_url(f"{live_server.url}/casework/")

    # A recovery code instead of the app, once.
    page.get_by_role("button", name="Uitloggen", exact=True).click()
    _log_in_with_password(page, user, password)
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Verder", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/casework/")
    assert two_factor.recovery_codes_left(user) == 9


def _age_the_login(page: Page, minutes: int) -> None:
    """As if the administrator logged in `minutes` ago."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[two_factor.AUTHENTICATED_AT] -= minutes * 60
    session.save()


def test_the_admin_changes_a_role_after_confirming_their_identity(
    page: Page,
    live_server: LiveServer,
    functional_admin: User,
    caseworker: User,
    den_helder: Place,
    password: str,
) -> None:
    log_in(page, functional_admin, password)
    _age_the_login(page, 10)
    page.goto(f"/accounts/administration/accounts/{caseworker.public_id}/")
    page.get_by_role("link", name="Rol of team wijzigen", exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-identity/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig dat u het bent")
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_label("Code uit de app", exact=True).fill(
        two_factor.fresh_code(two_factor.confirmed_totp_device(functional_admin))
    )
    page.get_by_role("button", name="Bevestigen", exact=True).click()

    expect(page).to_have_url(re.compile(r"/change/$"))
    page.get_by_label("Rol", exact=True).select_option(Role.TEAM_LEAD.value)
    page.get_by_label("Team", exact=True).select_option(str(den_helder.other_team.pk))
    page.get_by_role("button", name="Wijzigingen opslaan", exact=True).click()

    expect(page).to_have_url(
        f"{live_server.url}/accounts/administration/accounts/{caseworker.public_id}/"
    )
    expect(page.get_by_text("Het account is gewijzigd.")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("Rol of team gewijzigd")
    caseworker.refresh_from_db()
    assert caseworker.role == Role.TEAM_LEAD
    assert caseworker.team == den_helder.other_team
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.ROLE_CHANGED, actor=functional_admin
    ).exists()
