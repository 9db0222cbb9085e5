"""A regional manager belongs to a region that holds their own municipality; only
regional managers have a region. The model and the database both enforce it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.homes import home_url_for
from accounts.models import Role, User
from municipalities.models import Municipality, Region
from municipalities.tests.factories import RegionFactory
from tests.fixtures.personas import Place

pytestmark = pytest.mark.django_db


def test_a_regional_manager_without_a_region_is_refused_at_the_field(
    den_helder: Place,
) -> None:
    user = User(
        email="zonder@example.test",
        role=Role.REGIONAL_MANAGER,
        municipality=den_helder.municipality,
    )

    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])

    assert "region" in error.value.message_dict


def test_only_regional_managers_have_a_region(alderman: User, region: Region) -> None:
    alderman.region = region

    with pytest.raises(ValidationError) as error:
        alderman.full_clean(exclude=["password"])

    assert "region" in error.value.message_dict


def test_the_region_must_hold_the_users_municipality(
    lelystad: Place, region: Region
) -> None:
    user = User(
        email="elders@example.test",
        role=Role.REGIONAL_MANAGER,
        municipality=lelystad.municipality,
        region=region,
    )

    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])

    assert error.value.message_dict["region"] == [
        "De regio moet de gemeente van de gebruiker bevatten."
    ]


@pytest.mark.parametrize(
    ("role", "with_region"),
    [(Role.REGIONAL_MANAGER, False), (Role.ALDERMAN, True)],
)
def test_the_database_refuses_a_region_that_does_not_fit_the_role(
    regional_manager: User, alderman: User, role: str, with_region: bool
) -> None:
    user = regional_manager if role == Role.REGIONAL_MANAGER else alderman
    region = regional_manager.region

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(region=region if with_region else None)


def test_a_regional_manager_sees_the_municipalities_of_the_region_only(
    regional_manager: User,
    alderman: User,
    den_helder: Place,
    hollands_kroon: Place,
    lelystad: Place,
) -> None:
    assert set(Municipality.objects.visible_to(regional_manager)) == {
        den_helder.municipality,
        hollands_kroon.municipality,
    }
    assert list(Municipality.objects.visible_to(alderman)) == [den_helder.municipality]


def test_a_region_of_its_own_changes_what_the_manager_sees(
    regional_manager: User, lelystad: Place
) -> None:
    other = RegionFactory(name="Flevoland-test")
    Municipality.objects.filter(pk=lelystad.municipality.pk).update(region=other)

    assert lelystad.municipality not in Municipality.objects.visible_to(
        regional_manager
    )


def test_a_regional_manager_lands_on_the_dashboard(regional_manager: User) -> None:
    assert home_url_for(regional_manager) == "/dashboard/"
