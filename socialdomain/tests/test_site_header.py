"""The site header of every page (socialdomain/templatetags/layout.py): the role's
navigation, the language form and who is logged in, escaped, with working forms."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from accounts.models import User
from tests.fixtures.personas import client_for

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def header(page: str) -> str:
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def test_anonymous_visitors_get_the_login_link_and_the_language_form() -> None:
    page = Client().get("/accounts/login/?next=/resident/").content.decode()
    top = header(page)

    assert 'href="/accounts/login/">Inloggen</a>' in top
    assert 'data-testid="current-user"' not in top
    assert '<option value="nl" lang="nl" selected>Nederlands</option>' in top
    assert '<option value="en" lang="en">English</option>' in top
    # Back to the same page, query included, after changing the language.
    assert 'name="next" type="hidden" value="/accounts/login/?next=/resident/"' in top


def test_the_caseworker_sees_their_navigation_with_the_current_page_marked(
    caseworker: User,
) -> None:
    top = header(client_for(caseworker).get("/casework/queue/").content.decode())

    assert '<a class="nav-link" href="/casework/">Mijn werk</a>' in top
    assert (
        '<a class="nav-link" href="/casework/queue/" aria-current="page">Werkvoorraad</a>'
        in top
    )
    assert top.count('aria-current="page"') == 1
    assert caseworker.full_name in top
    assert '<span class="role-badge">Consulent</span>' in top


def test_the_english_header_is_english(resident: User) -> None:
    resident.language = "en"
    resident.save(update_fields=["language"])
    client = client_for(resident)
    client.post("/i18n/setlang/", {"language": "en", "next": "/resident/"})

    top = header(client.get("/resident/").content.decode())

    assert ">My help requests</a>" in top
    assert ">Log out</button>" in top
    assert '<option value="en" lang="en" selected>English</option>' in top


def test_names_are_escaped(resident: User) -> None:
    resident.full_name = '<script>alert("x")</script> Jansen'
    resident.save(update_fields=["full_name"])

    top = header(client_for(resident).get("/resident/").content.decode())

    assert "<script>" not in top
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Jansen" in top


def test_its_forms_carry_a_token_that_the_csrf_check_accepts(resident: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    page = client.get("/resident/").content.decode()
    tokens = TOKEN.findall(header(page))
    assert len(tokens) == 2  # the language form and logging out

    changed = client.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/resident/", "csrfmiddlewaretoken": tokens[0]},
    )
    logged_out = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]})

    assert changed.status_code == 302
    assert logged_out.status_code == 302
    assert client.get("/resident/").status_code == 302  # to the login page


def test_a_page_rendered_without_a_request_gets_the_anonymous_header() -> None:
    with translation.override("nl"):
        page = render_to_string("base.html")

    assert 'href="/accounts/login/">Inloggen</a>' in header(page)
    assert "csrfmiddlewaretoken" not in header(page)
