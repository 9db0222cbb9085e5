import pytest
from django.core.management import call_command
from django.test import Client

from accounts.demo import DEMO_PASSWORD, PEOPLE, demo_email
from accounts.models import Role, User
from accounts.two_factor import confirmed_totp_device, fresh_code
from municipalities.models import District, Municipality, Neighbourhood, Team
from networks.models import Organisation

COUNTED = [Municipality, District, Neighbourhood, Team, Organisation, User]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_loads_three_municipalities_with_districts_teams_and_every_role(
    db: None,
) -> None:
    call_command("seed_demo")

    assert set(Municipality.objects.values_list("name", flat=True)) == {
        "Den Helder",
        "Lelystad",
        "Nissewaard",
    }
    for municipality in Municipality.objects.all():
        districts = District.objects.filter(municipality=municipality)
        assert districts.count() >= 5
        # A team per district.
        assert set(
            Team.objects.filter(municipality=municipality).values_list(
                "district", flat=True
            )
        ) == set(districts.values_list("pk", flat=True))
        roles = set(
            User.objects.filter(municipality=municipality).values_list(
                "role", flat=True
            )
        )
        # The one regional manager of the demo is at home in Den Helder.
        assert roles - {Role.REGIONAL_MANAGER} == set(Role.values) - {
            Role.REGIONAL_MANAGER
        }
    assert Neighbourhood.objects.filter(
        name="Visbuurt", district__municipality__name="Den Helder"
    ).exists()


def test_seed_demo_twice_changes_nothing(db: None) -> None:
    call_command("seed_demo")
    first = _counts()
    codes = sorted(Neighbourhood.objects.values_list("cbs_code", flat=True))

    call_command("seed_demo")

    assert _counts() == first
    assert sorted(Neighbourhood.objects.values_list("cbs_code", flat=True)) == codes


def test_seed_demo_keeps_a_password_someone_changed(db: None) -> None:
    call_command("seed_demo")
    user = User.objects.get(email="inwoner@den-helder.buurtkracht.test")
    user.set_password("mijn-eigen-geheime-zin")
    user.save()

    call_command("seed_demo")

    user.refresh_from_db()
    assert user.check_password("mijn-eigen-geheime-zin")


@pytest.mark.parametrize("code", sorted(PEOPLE))
def test_every_demo_account_logs_in_with_the_documented_password(
    code: str, db: None
) -> None:
    call_command("seed_demo")
    municipality = Municipality.objects.get(cbs_code=code)
    for role in PEOPLE[code]:
        response = Client().post(
            "/accounts/login/",
            {
                "username": demo_email(role=role, municipality=municipality),
                "password": DEMO_PASSWORD,
            },
            follow=True,
        )
        assert response.status_code == 200
        assert response.context["user"].role == role


def test_the_demo_regional_manager_sees_the_demo_region_on_the_dashboard(
    db: None,
) -> None:
    from accounts.demo import regional_manager_email

    call_command("seed_demo")
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": regional_manager_email(), "password": DEMO_PASSWORD},
        follow=True,
    )
    # Staff give a code of the demo authenticator app first.
    user = User.objects.get(email=regional_manager_email())
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/")
    response = client.post(
        response.redirect_chain[-1][0],
        {"code": fresh_code(confirmed_totp_device(user))},
        follow=True,
    )

    user = response.context["user"]
    assert user.role == Role.REGIONAL_MANAGER
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert set(
        Municipality.objects.visible_to(user).values_list("name", flat=True)
    ) == {"Den Helder", "Lelystad"}
    page = response.content.decode()
    assert "Demoregio Kust en Polder" in page
    assert "Nissewaard" not in page


def test_readme_documents_the_demo_accounts_and_password() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    for address in (
        "inwoner",
        "consulent",
        "teamleider",
        "partner",
        "pilothouder",
        "wethouder",
        "beheerder",
    ):
        assert f"{address}@den-helder.buurtkracht.test" in readme
    assert "regiomanager@demoregio-kust-en-polder.buurtkracht.test" in readme


def test_demo_gives_each_caseworker_a_caseload_with_deadlines(db: None) -> None:
    from casework.models import Deadline
    from citizens.models import HelpRequest, Status

    call_command("seed_demo")

    for caseworker in User.objects.filter(
        role=Role.CASEWORKER, email__endswith=".buurtkracht.test"
    ):
        caseload = HelpRequest.objects.filter(contact_person=caseworker)
        assert caseload.count() >= 3
        assert Deadline.objects.filter(help_request__in=caseload).exists()
        assert set(
            HelpRequest.objects.filter(
                resident__municipality=caseworker.municipality,
                resident__role=Role.RESIDENT,
            ).values_list("status", flat=True)
        ) == set(Status.values)
