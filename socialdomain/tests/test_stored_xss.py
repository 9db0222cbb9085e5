"""The stored-XSS corpus in every free-text field, on every page that renders it:
shown as text, never as markup."""

from __future__ import annotations

from django.test import Client

from accounts.models import User
from socialdomain.tests.xss_corpus import (
    pages,
    plant_corpus,
    shown_as_text,
    unescaped,
)
from tests.fixtures.personas import Place, client_for


def test_every_page_shows_the_planted_payloads_as_text(
    den_helder: Place, everyone: dict[str, User]
) -> None:
    poisoned = plant_corpus(
        den_helder,
        resident=everyone["resident"],
        caseworker=everyone["caseworker"],
        partner=everyone["partner"],
        pilot_owner=everyone["pilot_owner"],
        functional_admin=everyone["functional_admin"],
    )
    problems = []
    for persona, path in pages(poisoned, den_helder.municipality.slug):
        client = Client() if persona == "anonymous" else client_for(everyone[persona])
        response = client.get(path)
        html = response.content.decode()
        if response.status_code != 200:
            problems.append(f"{persona} {path}: status {response.status_code}")
        elif unescaped(html):
            problems.append(f"{persona} {path}: unescaped {unescaped(html)}")
        elif not shown_as_text(html):
            problems.append(f"{persona} {path}: payload not on the page at all")
    assert problems == []


def test_the_check_detects_an_unescaped_payload() -> None:
    # The control: a page that did render the payload raw is caught.
    assert unescaped("<p><img src=x onerror=alert('xss-img')></p>")
    assert not shown_as_text("<p>nothing here</p>")
