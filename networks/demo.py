"""Demo organisations: at least one partner per municipality for the partner accounts."""

from django.db import transaction

from municipalities.models import Municipality, Neighbourhood
from networks.models import Organisation, OrganisationKind

# municipality code: [(name, kind, neighbourhood CBS code)]
ORGANISATIONS: dict[str, list[tuple[str, str, str]]] = {
    "GM0400": [
        ("Buurthuis De Visbuurt", OrganisationKind.COMMUNITY_CENTRE, "BU04000101"),
        ("Vrijwilligerspunt Den Helder", OrganisationKind.VOLUNTEER_ORGANISATION, ""),
        ("Basketbalclub Den Helder Suns", OrganisationKind.SPORTS_CLUB, "BU04000301"),
    ],
    "GM0995": [
        ("Buurthuis Atol", OrganisationKind.COMMUNITY_CENTRE, "BU09950201"),
        ("Schuldhulp Lelystad", OrganisationKind.DEBT_HELP, ""),
    ],
    "GM1930": [
        ("Buurthuis Maaswijk", OrganisationKind.COMMUNITY_CENTRE, "BU19300201"),
        ("Welzijn Nissewaard", OrganisationKind.WELFARE, ""),
    ],
}


@transaction.atomic
def seed() -> None:
    for code, organisations in ORGANISATIONS.items():
        municipality = Municipality.objects.get(cbs_code=code)
        for name, kind, neighbourhood_code in organisations:
            neighbourhood = (
                Neighbourhood.objects.get(cbs_code=neighbourhood_code)
                if neighbourhood_code
                else None
            )
            Organisation.objects.update_or_create(
                municipality=municipality,
                name=name,
                defaults={"kind": kind, "neighbourhood": neighbourhood},
            )
