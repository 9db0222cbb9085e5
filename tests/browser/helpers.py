"""Shared steps for the browser tests: logging in through the form, as a person does
(staff: then the code of their authenticator app, or first setting one up)."""

from base64 import b32decode
from collections.abc import Callable
from urllib.parse import urlsplit

from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.two_factor import confirmed_totp_device, fresh_code
from tests.fixtures.personas import HOME_PAGES

ROLES = list(HOME_PAGES)

# The visible texts of the login form, per interface language.
LOGIN_TEXTS = {
    "nl": {
        "email": "E-mailadres",
        "password": "Wachtwoord",
        "submit": "Inloggen",
        "code": "Code",
        "continue": "Verder",
        "app_code": "Code uit de app",
        "confirm_enrolment": "Bevestigen en verder",
    },
    "en": {
        "email": "E-mail address",
        "password": "Password",
        "submit": "Log in",
        "code": "Code",
        "continue": "Continue",
        "app_code": "Code from the app",
        "confirm_enrolment": "Confirm and continue",
    },
}
CODE_PATH = "/accounts/two-factor/"
ENROL_PATH = "/accounts/two-factor/set-up/"
RECOVERY_PATH = "/accounts/two-factor/recovery-codes/"

Step = Callable[[Page], None]


def _path(page: Page) -> str:
    return urlsplit(page.url).path


def code_from_key(text_key: str) -> str:
    """The current code for a key as the enrolment page shows it (base32, grouped),
    computed as an authenticator app does."""
    key = b32decode(text_key.replace(" ", ""))
    return f"{totp(key):06d}"


def enter_code(page: Page, user: User, *, language: str = "nl") -> None:
    texts = LOGIN_TEXTS[language]
    page.get_by_label(texts["code"], exact=True).fill(
        fresh_code(confirmed_totp_device(user))
    )
    page.get_by_role("button", name=texts["continue"], exact=True).click()
    page.wait_for_url(lambda url: not urlsplit(url).path.startswith(CODE_PATH))


def enrol(page: Page, *, language: str = "nl") -> list[str]:
    """Set up the authenticator app on the enrolment page: read the text key,
    confirm with its code; the recovery codes shown once."""
    texts = LOGIN_TEXTS[language]
    key = page.get_by_test_id("totp-key").inner_text()
    page.get_by_label(texts["app_code"], exact=True).fill(code_from_key(key))
    page.get_by_role("button", name=texts["confirm_enrolment"], exact=True).click()
    page.wait_for_url(lambda url: urlsplit(url).path == RECOVERY_PATH)
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    page.get_by_role("link", name=texts["continue"], exact=True).click()
    page.wait_for_url(lambda url: not urlsplit(url).path.startswith(CODE_PATH))
    return codes


def log_in(
    page: Page,
    user: User,
    password: str,
    *,
    language: str = "nl",
    at_code_step: Step | None = None,
    at_enrolment: Step | None = None,
) -> None:
    """Log in through the login form (and for staff the code step, or enrolment) and
    wait until the home page shows the user. `at_code_step` / `at_enrolment` run on
    those pages before they are answered (the axe sweep checks them there)."""
    texts = LOGIN_TEXTS[language]
    page.goto("/accounts/login/")
    page.get_by_label(texts["email"], exact=True).fill(user.email)
    page.get_by_label(texts["password"], exact=True).fill(password)
    page.get_by_role("button", name=texts["submit"], exact=True).click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")
    if _path(page) == ENROL_PATH:
        if at_enrolment is not None:
            at_enrolment(page)
        enrol(page, language=language)
    elif _path(page) == CODE_PATH:
        if at_code_step is not None:
            at_code_step(page)
        enter_code(page, user, language=language)
    expect(page.get_by_test_id("current-user")).to_contain_text(user.full_name)
    page.wait_for_load_state()
