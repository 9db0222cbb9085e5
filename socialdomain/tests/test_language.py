from django.test import Client

from accounts.models import User


def test_pages_are_dutch_by_default(db: None) -> None:
    page = Client().get("/accounts/login/").content.decode()

    assert '<html lang="nl">' in page
    assert "Inloggen" in page


def test_language_switch_shows_english_and_remembers_it_for_the_user(
    resident: User,
) -> None:
    client = Client()
    client.force_login(resident)

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/resident/"}, follow=True
    )

    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "This is your own page" in page
    resident.refresh_from_db()
    assert resident.language == "en"


def test_language_switch_works_for_anonymous_visitors(db: None) -> None:
    client = Client()

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, follow=True
    )

    assert '<html lang="en">' in response.content.decode()


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(
    resident: User,
) -> None:
    client = Client()
    client.force_login(resident)

    response = client.post(
        "/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    resident.refresh_from_db()
    assert resident.language == "nl"
