"""Saved queue filters: per user, by a unique name, never visible to anyone else."""

import html
import re

import pytest
from django.core import signing
from django.test import Client

from accounts.models import User
from casework.models import SavedFilter
from casework.queue import CURSOR_SALT
from tests.fixtures.personas import client_for

QUEUE = "/casework/queue/"
SAVE = "/casework/queue/saved/"


def save_form_fields(client: Client, query: str) -> dict[str, str]:
    """The hidden fields of the rendered "save these filters" form."""
    page = client.get(f"{QUEUE}?{query}").content.decode()
    form = page.split('data-testid="save-filter"')[1].split("</form>")[0]
    return {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="(\w+)" value="([^"]*)"', form
        )
    }


def test_saving_the_current_filters_lists_them_as_a_link(caseworker: User) -> None:
    client = client_for(caseworker)
    fields = save_form_fields(client, "view=mine&domain=debt&q=&sort=deadline")

    response = client.post(SAVE, {**fields, "name": "Mijn schuldhulp"})

    assert response.status_code == 302
    assert response.url == f"{QUEUE}?view=mine&domain=debt&sort=deadline"
    saved = SavedFilter.objects.get(user=caseworker)
    assert (saved.name, saved.query) == (
        "Mijn schuldhulp",
        "view=mine&domain=debt&sort=deadline",
    )
    page = client.get(QUEUE).content.decode()
    listing = page.split('data-testid="saved-filters"')[1].split("</ul>")[0]
    assert (
        'href="?view=mine&amp;domain=debt&amp;sort=deadline">Mijn schuldhulp</a>'
        in (listing)
    )


def test_the_page_cursor_and_unknown_parameters_are_not_saved(
    caseworker: User,
) -> None:
    cursor = signing.dumps(
        {"s": "newest", "v": ["2026-06-10T10:00:00+00:00", 1]}, salt=CURSOR_SALT
    )
    query = f"urgency=urgent&utm_source=mail&cursor={cursor}&view=team"

    response = client_for(caseworker).post(SAVE, {"name": "Urgent", "query": query})

    assert response.status_code == 302
    assert SavedFilter.objects.get(user=caseworker).query == "view=team&urgency=urgent"


def test_a_name_used_before_is_refused_at_the_field(caseworker: User) -> None:
    client = client_for(caseworker)
    client.post(SAVE, {"name": "Nieuw", "query": "view=unassigned"})

    response = client.post(SAVE, {"name": "Nieuw", "query": "view=mine"})

    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert SavedFilter.objects.get(user=caseworker).query == "view=unassigned"


def test_two_users_may_use_the_same_name(caseworker: User, team_lead: User) -> None:
    for user in (caseworker, team_lead):
        response = client_for(user).post(SAVE, {"name": "Nieuw", "query": ""})
        assert response.status_code == 302

    assert SavedFilter.objects.filter(name="Nieuw").count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "query": "view=mine"},
        {"name": "x" * 81, "query": "view=mine"},
        {"name": "Fout", "query": "status=lost"},
        {"name": "Fout", "query": "cursor=forged"},
        {"name": "Lang", "query": "q=" + "a" * 1000},
    ],
    ids=["no name", "long name", "bad filter", "forged cursor", "long query"],
)
def test_a_bad_saved_filter_is_refused_without_saving(
    caseworker: User, data: dict[str, str]
) -> None:
    response = client_for(caseworker).post(SAVE, data)

    assert response.status_code == 400
    assert not SavedFilter.objects.exists()


def test_nobody_else_sees_or_deletes_a_saved_filter(
    caseworker: User, team_lead: User, lelystad_caseworker: User
) -> None:
    saved = SavedFilter.objects.create(
        user=caseworker, name="Privé overzicht", query="view=mine"
    )

    for other in (team_lead, lelystad_caseworker):
        client = client_for(other)
        assert "Privé overzicht" not in client.get(QUEUE).content.decode()
        response = client.post(f"/casework/queue/saved/{saved.pk}/delete/")
        assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_the_owner_deletes_a_saved_filter_by_post_only(caseworker: User) -> None:
    saved = SavedFilter.objects.create(user=caseworker, name="Weg", query="")
    client = client_for(caseworker)
    url = f"/casework/queue/saved/{saved.pk}/delete/"

    assert client.get(url).status_code == 405
    response = client.post(url)

    assert response.status_code == 302
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("role", ["resident", "partner", "alderman"])
def test_other_roles_cannot_save_or_delete_filters(
    everyone: dict[str, User], caseworker: User, role: str
) -> None:
    saved = SavedFilter.objects.create(user=caseworker, name="Werk", query="")
    client = client_for(everyone[role])

    assert client.post(SAVE, {"name": "Mijn", "query": ""}).status_code == 403
    assert client.post(f"/casework/queue/saved/{saved.pk}/delete/").status_code == 403
    assert SavedFilter.objects.count() == 1
