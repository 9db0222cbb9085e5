"""The consent overview on the data-protection page: per purpose and recipient how
many consents are valid, end soon, expired or were withdrawn; own municipality only,
counts only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from accounts.models import User
from citizens.models import ConsentMethod, ConsentRecipient
from citizens.tests.factories import ConsentFactory, HelpRequestFactory
from tests.fixtures.personas import Place, client_for

URL = "/data-protection/"


def _counts(html: str, recipient: str) -> dict[str, int]:
    row = re.search(
        rf'<tr data-purpose="[^"]+" data-recipient="{recipient}">(.*?)</tr>', html, re.S
    )
    assert row, f"no row for {recipient}"
    return {
        name: int(value)
        for name, value in re.findall(r'data-count="(\w+)">(\d+)<', row.group(1))
    }


def test_the_overview_counts_each_state_of_the_own_municipality(
    functional_admin: User, den_helder: Place, lelystad: Place
) -> None:
    now = timezone.now()
    own = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood,
        resident__full_name="Zqxconsentnaam Inwoner",
    )
    ConsentFactory(help_request=own, recipient=ConsentRecipient.VOLUNTEERS)
    ConsentFactory(
        help_request=own,
        recipient=ConsentRecipient.VOLUNTEERS,
        expires_at=now + dt.timedelta(days=10),
        method=ConsentMethod.ORALLY,
    )
    ConsentFactory(
        help_request=own,
        recipient=ConsentRecipient.VOLUNTEERS,
        given_at=now - dt.timedelta(days=100),
        expires_at=now - dt.timedelta(days=1),
    )
    ConsentFactory(
        help_request=own, recipient=ConsentRecipient.VOLUNTEERS, withdrawn_at=now
    )
    ConsentFactory(help_request=own, recipient=ConsentRecipient.COMMUNITY_CENTRES)
    elsewhere = HelpRequestFactory(neighbourhood=lelystad.neighbourhood)
    for _ in range(3):
        ConsentFactory(help_request=elsewhere, recipient=ConsentRecipient.VOLUNTEERS)
    ConsentFactory(
        help_request=elsewhere, recipient=ConsentRecipient.LOCAL_ORGANISATIONS
    )

    response = client_for(functional_admin).get(URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert _counts(html, "volunteers") == {
        "valid": 2,
        "ending_soon": 1,
        "expired": 1,
        "withdrawn": 1,
        "orally": 1,
    }
    assert _counts(html, "community_centres")["valid"] == 1
    # Lelystad's consents are neither counted nor listed; no names appear.
    assert 'data-recipient="local_organisations"' not in html
    assert "Zqxconsentnaam" not in html


def test_lelystads_admin_counts_only_lelystad(
    lelystad_admin: User, den_helder: Place, lelystad: Place
) -> None:
    ConsentFactory(
        help_request=HelpRequestFactory(neighbourhood=den_helder.neighbourhood)
    )
    html = client_for(lelystad_admin).get(URL).content.decode()
    assert 'data-testid="no-consents"' in html
    assert 'data-testid="consent-overview"' not in html


def test_the_page_offers_the_access_log_search(functional_admin: User) -> None:
    html = client_for(functional_admin).get(URL).content.decode()
    assert 'data-testid="access-log-search"' in html
    assert 'action="/accounts/administration/access-log/"' in html


def test_the_overview_costs_one_query_whatever_the_number_of_consents(
    functional_admin: User,
    den_helder: Place,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(functional_admin)
    client.get(URL)
    with django_assert_max_num_queries(8) as before:
        client.get(URL)
    for recipient in ConsentRecipient.values[:3]:
        for _ in range(3):
            ConsentFactory(
                help_request=HelpRequestFactory(neighbourhood=den_helder.neighbourhood),
                recipient=recipient,
            )
    with django_assert_max_num_queries(len(before)):
        client.get(URL)
