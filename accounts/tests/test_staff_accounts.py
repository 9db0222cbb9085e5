import uuid

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import UserFactory


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_functional_admin_lists_staff_of_own_municipality_only(
    everyone: dict[str, User],
) -> None:
    page = _client(everyone["functional_admin"]).get(
        "/accounts/administration/accounts/"
    )

    html = page.content.decode()
    for persona in ("caseworker", "team_lead", "partner", "alderman", "pilot_owner"):
        assert everyone[persona].full_name in html
    for persona in ("resident", "lelystad_caseworker", "lelystad_admin"):
        assert everyone[persona].full_name not in html


def test_functional_admin_opens_a_staff_account_of_own_municipality(
    everyone: dict[str, User],
) -> None:
    caseworker = everyone["caseworker"]

    response = _client(everyone["functional_admin"]).get(
        f"/accounts/administration/accounts/{caseworker.public_id}/"
    )

    assert response.status_code == 200
    assert caseworker.email in response.content.decode()
    assert caseworker.team.name in response.content.decode()


@pytest.mark.parametrize(
    "target", ["lelystad_caseworker", "lelystad_admin", "resident"]
)
def test_functional_admin_gets_404_for_accounts_outside_their_scope(
    target: str, everyone: dict[str, User]
) -> None:
    response = _client(everyone["functional_admin"]).get(
        f"/accounts/administration/accounts/{everyone[target].public_id}/"
    )

    assert response.status_code == 404


def test_unknown_account_id_is_404(everyone: dict[str, User]) -> None:
    response = _client(everyone["functional_admin"]).get(
        f"/accounts/administration/accounts/{uuid.uuid4()}/"
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "persona", ["resident", "caseworker", "team_lead", "partner", "alderman"]
)
def test_other_roles_cannot_open_account_pages(
    persona: str, everyone: dict[str, User]
) -> None:
    client = _client(everyone[persona])
    target = everyone["caseworker"].public_id

    assert client.get("/accounts/administration/accounts/").status_code == 403
    assert client.get(f"/accounts/administration/accounts/{target}/").status_code == 403


def test_account_list_is_paginated_with_a_fixed_number_of_queries(
    functional_admin: User,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    UserFactory.create_batch(
        60, pilot_owner=True, municipality=functional_admin.municipality
    )
    client = _client(functional_admin)
    client.get("/accounts/administration/accounts/")

    with django_assert_max_num_queries(6):
        first = client.get("/accounts/administration/accounts/")
    with django_assert_max_num_queries(6):
        second = client.get("/accounts/administration/accounts/?page=2")

    assert first.context["page"].paginator.count == 61
    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 11
    assert client.get("/accounts/administration/accounts/?page=abc").status_code == 200
