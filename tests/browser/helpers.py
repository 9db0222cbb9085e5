"""Shared steps for the browser tests: logging in through the form, as a person does."""

from playwright.sync_api import Page, expect

from accounts.models import User
from tests.fixtures.personas import HOME_PAGES

ROLES = list(HOME_PAGES)

# The visible texts of the login form, per interface language.
LOGIN_TEXTS = {
    "nl": {"email": "E-mailadres", "password": "Wachtwoord", "submit": "Inloggen"},
    "en": {"email": "E-mail address", "password": "Password", "submit": "Log in"},
}


def log_in(page: Page, user: User, password: str, *, language: str = "nl") -> None:
    """Log in through the login form and wait until the home page shows the user."""
    texts = LOGIN_TEXTS[language]
    page.goto("/accounts/login/")
    page.get_by_label(texts["email"], exact=True).fill(user.email)
    page.get_by_label(texts["password"], exact=True).fill(password)
    page.get_by_role("button", name=texts["submit"], exact=True).click()
    expect(page.get_by_test_id("current-user")).to_contain_text(user.full_name)
    page.wait_for_load_state()
