"""Demo accounts: every role in every demo municipality, documented in the README.

All demo accounts share DEMO_PASSWORD. A password is only set when the account is
created, so running the seed again never undoes a password someone changed.
"""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import STAFF_ROLES, Role, User
from accounts.two_factor import DEVICE_NAME
from municipalities.demo import DEMO_REGION
from municipalities.models import Municipality, Region, Team
from networks.models import Organisation

DEMO_PASSWORD = "Buurtkracht-demo-2026"
DEMO_DOMAIN = "buurtkracht.test"
# Every demo staff account has an authenticator app with this key (README: the same
# key in base32, IJ2X K4TU NNZG CY3I OQWW IZLN N4WW WZLZ, to add to an app);
# `manage.py demo_code <email>` prints its current code.
DEMO_TOTP_KEY = b"Buurtkracht-demo-key".hex()

# Local part of the address per role, in Dutch as the users would know it.
ROLE_ADDRESSES: dict[str, str] = {
    Role.RESIDENT: "inwoner",
    Role.CASEWORKER: "consulent",
    Role.TEAM_LEAD: "teamleider",
    Role.PARTNER: "partner",
    Role.PILOT_OWNER: "pilothouder",
    Role.ALDERMAN: "wethouder",
    Role.FUNCTIONAL_ADMIN: "beheerder",
}

# municipality code: {role: full name}
PEOPLE: dict[str, dict[str, str]] = {
    "GM0400": {
        Role.RESIDENT: "Sanne de Vries",
        Role.CASEWORKER: "Mohamed El Amrani",
        Role.TEAM_LEAD: "Ingrid Bakker",
        Role.PARTNER: "Kees Visser",
        Role.PILOT_OWNER: "Fatma Yilmaz",
        Role.ALDERMAN: "Hanneke Dekker",
        Role.FUNCTIONAL_ADMIN: "Anouk Smit",
    },
    "GM0995": {
        Role.RESIDENT: "Jeroen Mulder",
        Role.CASEWORKER: "Esther Jansen",
        Role.TEAM_LEAD: "Rachid Bouzid",
        Role.PARTNER: "Marieke de Groot",
        Role.PILOT_OWNER: "Tom Hendriks",
        Role.ALDERMAN: "Johan Vermeulen",
        Role.FUNCTIONAL_ADMIN: "Linda Peters",
    },
    "GM1930": {
        Role.RESIDENT: "Priya Ramdin",
        Role.CASEWORKER: "Bas van Dijk",
        Role.TEAM_LEAD: "Monique Verbeek",
        Role.PARTNER: "Ahmet Kaya",
        Role.PILOT_OWNER: "Eva Kuipers",
        Role.ALDERMAN: "Wouter Brouwer",
        Role.FUNCTIONAL_ADMIN: "Rob Willems",
    },
}


# The regional manager of the demo region, at home in its first municipality.
REGIONAL_MANAGER = ("Noor Hoekstra", "GM0400")


def regional_manager_email() -> str:
    return f"regiomanager@{DEMO_REGION[1]}.{DEMO_DOMAIN}"


def demo_email(*, role: str, municipality: Municipality) -> str:
    return f"{ROLE_ADDRESSES[role]}@{municipality.slug}.{DEMO_DOMAIN}"


@transaction.atomic
def seed() -> None:
    for code, people in PEOPLE.items():
        municipality = Municipality.objects.get(cbs_code=code)
        # Team roles work in the municipality's first district, where the partner is too.
        team = (
            Team.objects.filter(municipality=municipality)
            .order_by("district__cbs_code")
            .first()
        )
        organisation = (
            Organisation.objects.filter(municipality=municipality)
            .order_by("pk")
            .first()
        )
        for role, full_name in people.items():
            email = demo_email(role=role, municipality=municipality)
            fields = {
                "full_name": full_name,
                "role": role,
                "municipality": municipality,
                "team": team if role in (Role.CASEWORKER, Role.TEAM_LEAD) else None,
                "organisation": organisation if role == Role.PARTNER else None,
            }
            _save(email, fields)
    full_name, code = REGIONAL_MANAGER
    _save(
        regional_manager_email(),
        {
            "full_name": full_name,
            "role": Role.REGIONAL_MANAGER,
            "municipality": Municipality.objects.get(cbs_code=code),
            "region": Region.objects.get(slug=DEMO_REGION[1]),
        },
    )


def _save(email: str, fields: dict[str, object]) -> None:
    user = User.objects.filter(email=email).first()
    if user is None:
        User.objects.create_user(email, DEMO_PASSWORD, **fields)
    else:
        for name, value in fields.items():
            setattr(user, name, value)
        user.full_clean(exclude=["password"])
        user.save()


@transaction.atomic
def seed_two_factor() -> None:
    """A confirmed authenticator app with DEMO_TOTP_KEY for every demo staff account
    that has none (an account that enrolled its own app keeps it)."""
    staff = User.objects.filter(
        role__in=STAFF_ROLES, email__endswith=f".{DEMO_DOMAIN}"
    ).exclude(totpdevice__confirmed=True)
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name=DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
        for user in staff
    )


def is_demo_device(device: TOTPDevice) -> bool:
    return device.key == DEMO_TOTP_KEY


def demo_accounts() -> list[tuple[str, str, str]]:
    """(municipality, role, e-mail) of every demo account, for the start-up banner."""
    labels = dict(Role.choices)
    rows = []
    for municipality in Municipality.objects.filter(cbs_code__in=PEOPLE).order_by(
        "name"
    ):
        for role in PEOPLE[municipality.cbs_code]:
            email = demo_email(role=role, municipality=municipality)
            rows.append((municipality.name, str(labels[role]), email))
    region = Region.objects.filter(slug=DEMO_REGION[1]).first()
    if region is not None:
        rows.append(
            (region.name, str(labels[Role.REGIONAL_MANAGER]), regional_manager_email())
        )
    return rows
