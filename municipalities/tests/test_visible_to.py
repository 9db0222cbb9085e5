"""Staff of one municipality see nothing of another, whatever the model."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from municipalities.models import District, Municipality, Neighbourhood, Team
from networks.models import Organisation
from tests.fixtures.personas import Place

SCOPED_MODELS = [Municipality, District, Neighbourhood, Team, Organisation]

STAFF = [
    "caseworker",
    "team_lead",
    "partner",
    "pilot_owner",
    "alderman",
    "functional_admin",
]


def _municipality_of(obj) -> Municipality:  # type: ignore[no-untyped-def]
    if isinstance(obj, Municipality):
        return obj
    if isinstance(obj, Neighbourhood):
        return obj.district.municipality
    return obj.municipality


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", STAFF)
def test_staff_see_only_their_own_municipality(
    model,
    persona: str,
    everyone: dict[str, User],
    lelystad: Place,  # type: ignore[no-untyped-def]
) -> None:
    user = everyone[persona]

    visible = list(model.objects.visible_to(user))

    assert visible, f"{persona} sees no {model.__name__} at all"
    assert {_municipality_of(obj) for obj in visible} == {user.municipality}
    assert all(_municipality_of(obj) != lelystad.municipality for obj in visible)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_a_regional_manager_sees_the_municipalities_of_the_region_only(
    model,
    everyone: dict[str, User],
    den_helder: Place,
    hollands_kroon: Place,
    lelystad: Place,  # type: ignore[no-untyped-def]
) -> None:
    visible = list(model.objects.visible_to(everyone["regional_manager"]))

    assert {_municipality_of(obj) for obj in visible} == {
        den_helder.municipality,
        hollands_kroon.municipality,
    }


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_lelystad_staff_see_nothing_of_den_helder(
    model,
    everyone: dict[str, User],
    den_helder: Place,  # type: ignore[no-untyped-def]
) -> None:
    for persona in ("lelystad_caseworker", "lelystad_admin", "lelystad_alderman"):
        visible = model.objects.visible_to(everyone[persona])
        assert all(_municipality_of(obj) != den_helder.municipality for obj in visible)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_anonymous_visitors_see_nothing(model, den_helder: Place) -> None:  # type: ignore[no-untyped-def]
    assert model.objects.visible_to(AnonymousUser()).count() == 0


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_residents_see_only_the_municipality_they_live_in(
    model,
    resident: User,
    lelystad: Place,  # type: ignore[no-untyped-def]
) -> None:
    visible = list(model.objects.visible_to(resident))

    assert visible
    assert {_municipality_of(obj) for obj in visible} == {resident.municipality}


def test_user_accounts_visible_to_each_role(everyone: dict[str, User]) -> None:
    def visible(persona: str) -> set[str]:
        return {u.email for u in User.objects.visible_to(everyone[persona])}

    assert visible("resident") == {everyone["resident"].email}
    assert visible("caseworker") == {everyone["caseworker"].email}
    assert visible("team_lead") == {
        everyone["team_lead"].email,
        everyone["caseworker"].email,
    }
    assert visible("functional_admin") == {
        everyone[p].email
        for p in (
            "caseworker",
            "team_lead",
            "other_team_caseworker",
            "partner",
            "pilot_owner",
            "alderman",
            # At home in Den Helder: its administrator manages the account.
            "regional_manager",
            "functional_admin",
        )
    }
    assert visible("regional_manager") == {everyone["regional_manager"].email}
    assert visible("lelystad_admin") == {
        everyone["lelystad_caseworker"].email,
        everyone["lelystad_admin"].email,
        everyone["lelystad_alderman"].email,
    }
