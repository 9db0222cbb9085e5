"""axe-core on every page of the neighbourhood network, for every role that uses it:
no serious or critical WCAG 2.1 A/AA violations (demo data)."""

import pytest
from playwright.sync_api import BrowserContext

from casework.models import Referral, ReferralStatus
from citizens.models import HelpRequest
from networks.models import Match, MatchStatus, Organisation, Service, Volunteer
from tests.browser.test_axe import (  # noqa: F401 - fixtures
    DOMAIN,
    _log_in,
    _violations,
    context,
    demo,
)

pytestmark = pytest.mark.browser


def test_public_social_map_and_neighbourhood_pages(
    demo: None,  # noqa: F811
    context: BrowserContext,  # noqa: F811
) -> None:
    organisation = Organisation.objects.get(name="Basketbalclub Den Helder Suns")
    service = Service.objects.get(name="Basketbalclinics voor jongeren")
    page = context.new_page()
    paths = [
        "/networks/social-map/",
        "/networks/social-map/den-helder/",
        "/networks/social-map/den-helder/?q=basketbal",
        "/networks/social-map/den-helder/?q=onvindbaarwoord",
        f"/networks/social-map/den-helder/organisations/{organisation.public_id}/",
        f"/networks/social-map/den-helder/services/{service.public_id}/",
        "/networks/neighbourhoods/BU04000101/",
    ]
    problems = [problem for path in paths for problem in _violations(page, path)]
    assert problems == [], "\n".join(problems)


def test_partner_coordinator_volunteer_caseworker_and_admin_pages(
    demo: None,  # noqa: F811
    context: BrowserContext,  # noqa: F811
) -> None:
    referral = Referral.objects.filter(
        status=ReferralStatus.SENT,
        organisation__municipality__slug="den-helder",
        organisation__staff__email=f"partner@{DOMAIN}",
    ).first()
    assert referral is not None
    volunteer = Volunteer.objects.get(user__email=f"vrijwilliger@{DOMAIN}")
    match = Match.objects.filter(volunteer=volunteer, status=MatchStatus.ACTIVE).get()
    applied = Volunteer.objects.filter(
        municipality__slug="den-helder", status="applied"
    ).first()
    organisation = Organisation.objects.filter(municipality__slug="den-helder").first()
    help_request = HelpRequest.objects.get(pk=match.help_request_id)
    pages_per_person = {
        f"partner@{DOMAIN}": [
            "/networks/partner/",
            f"/networks/partner/referrals/{referral.public_id}/",
            f"/networks/map/organisations/{organisation.public_id}/",
            f"/networks/map/organisations/{organisation.public_id}/services/new/",
        ],
        f"coordinator@{DOMAIN}": [
            "/networks/volunteers/",
            f"/networks/volunteers/{applied.public_id}/screening/",
        ],
        f"vrijwilliger@{DOMAIN}": [
            "/networks/volunteer/",
            f"/networks/volunteer/matches/{match.public_id}/",
        ],
        f"inwoner@{DOMAIN}": ["/networks/volunteer/sign-up/"],
        f"consulent@{DOMAIN}": [f"/networks/cases/{help_request.reference}/"],
        f"beheerder@{DOMAIN}": [
            "/networks/map/organisations/",
            "/networks/map/organisations/new/",
            "/networks/map/key-contacts/new/",
        ],
    }
    problems: list[str] = []
    for email, paths in pages_per_person.items():
        context.clear_cookies()
        page = context.new_page()
        _log_in(page, email)
        problems += [problem for path in paths for problem in _violations(page, path)]
        page.close()
    assert problems == [], "\n".join(problems)
