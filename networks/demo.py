"""Demo social map, neighbourhood networks, volunteers and matches for the three demo
municipalities. Names of organisations are made up but typical; every step is
idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from accounts.models import Role, User
from casework.models import Referral
from citizens.models import ConsentMethod, ConsentRecipient, HelpRequest, Status
from citizens.services import consent_give
from municipalities.models import Municipality, Neighbourhood
from networks.models import (
    KeyContact,
    Match,
    MatchChange,
    MatchStatus,
    Need,
    Organisation,
    OrganisationKind,
    Service,
    VogStatus,
    Volunteer,
    VolunteerStatus,
)

K = OrganisationKind
N = Need

# (name, kind, located in (CBS code or ""), serves (CBS codes, or "all"), domains,
#  target groups, description, address, phone, opening hours,
#  [(service, description, words residents use, needs, target groups, when, cost)])
Org = tuple
ORGANISATIONS: dict[str, list[Org]] = {
    "GM0400": [
        # The first organisation of each municipality is the demo partner's.
        (
            "Buurthuis De Visbuurt",
            K.COMMUNITY_CENTRE,
            "BU04000101",
            ["BU04000101", "BU04000102", "BU04000103"],
            ["network_only"],
            ["everyone"],
            "Een huiskamer voor de buurt: koffie, eten, activiteiten en hulp bij "
            "vragen. Hier komt het netwerk van de Visbuurt samen.",
            "Visstraat 12, Den Helder",
            "0223 612 340",
            "Maandag tot en met vrijdag 9.00–17.00 uur, donderdag ook 's avonds",
            [
                (
                    "Buurtmaaltijd op donderdag",
                    "Samen eten met buurtbewoners voor een "
                    "klein bedrag. Ook fijn als u weinig mensen ziet.",
                    "eten, eenzaam, samen, maaltijd, contact",
                    [N.MEETING_PEOPLE, N.COMPANY],
                    ["everyone"],
                    "Donderdag 17.30 uur",
                    "€ 4",
                ),
                (
                    "Formulierenhulp",
                    "Vrijwilligers helpen met brieven, formulieren en "
                    "DigiD. Zonder afspraak.",
                    "brieven, formulieren, DigiD, toeslagen, post",
                    [N.PAPERWORK],
                    ["adults", "older_people"],
                    "Dinsdag 10.00–12.00 uur",
                    "Gratis",
                ),
            ],
        ),
        (
            "Vrijwilligerspunt Den Helder",
            K.VOLUNTEER_ORGANISATION,
            "",
            "all",
            ["network_only"],
            ["everyone"],
            "Brengt vrijwilligers en inwoners die een handje hulp kunnen gebruiken bij "
            "elkaar, en begeleidt de vrijwilligers.",
            "Middenweg 2, Den Helder",
            "0223 600 900",
            "Werkdagen 9.00–16.00 uur",
            [
                (
                    "Vrijwillige hulp bij u thuis",
                    "Een vrijwilliger helpt met "
                    "boodschappen, een klusje of komt op bezoek.",
                    "boodschappen, klusje, bezoek, vervoer, eenzaam",
                    [N.SHOPPING, N.ODD_JOBS, N.COMPANY, N.TRANSPORT],
                    ["older_people", "disability"],
                    "In overleg",
                    "Gratis",
                ),
            ],
        ),
        (
            "Basketbalclub Den Helder Suns",
            K.SPORTS_CLUB,
            "BU04000301",
            "all",
            ["youth", "education"],
            ["youth"],
            "Basketbalclub die samen met de jeugdhulp gratis clinics geeft aan jongeren "
            "in de wijk: sporten, erbij horen en een vertrouwd gezicht.",
            "Sportlaan 5, Den Helder",
            "0223 620 110",
            "Trainingen door de week na 16.00 uur",
            [
                (
                    "Basketbalclinics voor jongeren",
                    "Gratis clinics voor jongeren van 10 "
                    "tot 18 jaar, samen met een jeugdhulpverlener. Gewoon komen meedoen.",
                    "sport, basketbal, zoon, dochter, jongeren, verveling",
                    [N.SPORTS, N.PARENTING, N.MEETING_PEOPLE],
                    ["youth"],
                    "Woensdag 15.30–17.00 uur",
                    "Gratis",
                ),
            ],
        ),
        (
            "Huisartsenpraktijk Nieuw Den Helder",
            K.GP_PRACTICE,
            "BU04000201",
            ["BU04000201", "BU04000202"],
            ["youth", "health"],
            ["children", "youth", "parents"],
            "Huisartsenpraktijk met een praktijkondersteuner jeugd (POH-jeugd): snel "
            "hulp voor kinderen en ouders, zonder wachtlijst.",
            "Marsdiepstraat 200, Den Helder",
            "0223 630 200",
            "Werkdagen 8.00–17.00 uur",
            [
                (
                    "Praktijkondersteuner jeugd",
                    "Gesprekken met kinderen, jongeren en "
                    "ouders over zorgen, somberheid of opvoeden. Via de huisarts.",
                    "somber, angst, opvoeden, kind, puber, slapen",
                    [N.PARENTING, N.HEALTH],
                    ["children", "youth", "parents"],
                    "Op afspraak",
                    "Gratis (basisverzekering)",
                ),
            ],
        ),
        (
            "Schuldhulp Kop van Noord-Holland",
            K.DEBT_HELP,
            "",
            "all",
            ["debt"],
            ["adults"],
            "Hulp bij geldzorgen en schulden: samen overzicht maken, "
            "regelingen treffen, afsluiting of ontruiming voorkomen.",
            "Keizerstraat 80, Den Helder",
            "0223 640 400",
            "Werkdagen 9.00–17.00 uur",
            [
                (
                    "Inloop geldzaken",
                    "Loop binnen met uw post en rekeningen. We kijken "
                    "samen wat er moet gebeuren.",
                    "rekeningen, schulden, geld, post, aanmaning, deurwaarder",
                    [N.MONEY, N.PAPERWORK],
                    ["adults"],
                    "Maandag 13.00–15.00 uur",
                    "Gratis",
                ),
            ],
        ),
        (
            "Buurtgroep Tuindorp Samen",
            K.INFORMAL_GROUP,
            "BU04000302",
            ["BU04000302"],
            ["network_only"],
            ["everyone"],
            "Bewoners die elkaar helpen: een "
            "appgroep, een buurtmoestuin en koffie op zaterdag.",
            "",
            "",
            "Zaterdag 10.00–12.00 uur in de moestuin",
            [],
        ),
    ],
    "GM0995": [
        (
            "Buurthuis Atol",
            K.COMMUNITY_CENTRE,
            "BU09950201",
            ["BU09950101", "BU09950102", "BU09950201", "BU09950202"],
            ["network_only"],
            ["everyone"],
            "Ontmoeten, leren en elkaar helpen in Atolwijk.",
            "Atolplein 3, Lelystad",
            "0320 210 300",
            "Werkdagen 9.00–21.00 uur",
            [
                (
                    "Taalcafé",
                    "Nederlands oefenen in een gesprek, met vrijwilligers.",
                    "taal, Nederlands, praten, inburgeren",
                    [N.LANGUAGE, N.MEETING_PEOPLE],
                    ["newcomers"],
                    "Woensdag 19.00 uur",
                    "Gratis",
                ),
            ],
        ),
        (
            "Schuldhulp Lelystad",
            K.DEBT_HELP,
            "",
            "all",
            ["debt"],
            ["adults"],
            "Hulp bij schulden en geldzorgen.",
            "Stationsplein 10, Lelystad",
            "0320 220 100",
            "Werkdagen 9.00–17.00 uur",
            [
                (
                    "Geldcoach",
                    "Een getrainde vrijwilliger helpt u een jaar lang met uw "
                    "administratie.",
                    "geld, administratie, rekeningen, schulden",
                    [N.MONEY, N.PAPERWORK],
                    ["adults"],
                    "In overleg",
                    "Gratis",
                ),
            ],
        ),
        (
            "Vrijwilligerscentrale Lelystad",
            K.VOLUNTEER_ORGANISATION,
            "",
            "all",
            ["network_only"],
            ["everyone"],
            "Vrijwilligers voor inwoners, en begeleiding van vrijwilligers.",
            "Agorabaan 4, Lelystad",
            "0320 230 500",
            "Werkdagen 9.00–16.00 uur",
            [
                (
                    "Maatjes",
                    "Een vast maatje voor een wandeling, een kop koffie of een uitje.",
                    "eenzaam, maatje, wandelen, bezoek",
                    [N.COMPANY, N.MENTORING],
                    ["older_people", "adults"],
                    "In overleg",
                    "Gratis",
                ),
            ],
        ),
        (
            "Gezondheidscentrum Boswijk",
            K.GP_PRACTICE,
            "BU09950301",
            ["BU09950301", "BU09950302"],
            ["youth", "health"],
            ["children", "parents"],
            "Huisartsen met een praktijkondersteuner jeugd.",
            "Boswijkplein 1, Lelystad",
            "0320 240 600",
            "Werkdagen 8.00–17.00 uur",
            [
                (
                    "Praktijkondersteuner jeugd",
                    "Snel een gesprek over zorgen om uw kind, "
                    "zonder verwijzing naar dure zorg.",
                    "kind, zorgen, opvoeden, somber",
                    [N.PARENTING, N.HEALTH],
                    ["children", "parents"],
                    "Op afspraak",
                    "Gratis",
                ),
            ],
        ),
    ],
    "GM1930": [
        (
            "Buurthuis Maaswijk",
            K.COMMUNITY_CENTRE,
            "BU19300201",
            ["BU19300201"],
            ["network_only"],
            ["everyone"],
            "Het huis van de wijk Maaswijk.",
            "Maasboulevard 20, Spijkenisse",
            "0181 610 200",
            "Werkdagen 9.00–17.00 uur",
            [
                (
                    "Koffieochtend",
                    "Iedere ochtend koffie en een praatje.",
                    "koffie, praatje, eenzaam, mensen ontmoeten",
                    [N.MEETING_PEOPLE],
                    ["everyone"],
                    "Werkdagen 10.00–12.00 uur",
                    "Gratis",
                ),
            ],
        ),
        (
            "Welzijn Nissewaard",
            K.WELFARE,
            "",
            "all",
            ["wmo", "network_only"],
            ["everyone"],
            "Welzijnswerk: ouderenadvies, mantelzorgondersteuning en opbouwwerk.",
            "Raadhuisplein 5, Spijkenisse",
            "0181 620 300",
            "Werkdagen 9.00–17.00 uur",
            [
                (
                    "Mantelzorgondersteuning",
                    "Advies en even op adem komen voor wie voor een ander zorgt.",
                    "mantelzorg, zorgen voor, moe, overbelast",
                    [N.HEALTH, N.COMPANY],
                    ["informal_carers"],
                    "Op afspraak",
                    "Gratis",
                ),
            ],
        ),
        (
            "Openbare Basisschool De Akker",
            K.SCHOOL,
            "BU19300402",
            ["BU19300402"],
            ["education", "youth"],
            ["children", "parents"],
            "Basisschool met lessen in geluk en een ouderkamer.",
            "Akkerweg 8, Spijkenisse",
            "0181 630 400",
            "Schooldagen 8.15–15.00 uur",
            [
                (
                    "Ouderkamer",
                    "Koffie en vragen over school en opvoeden.",
                    "school, opvoeden, ouders, kind",
                    [N.PARENTING, N.MEETING_PEOPLE],
                    ["parents"],
                    "Vrijdag 8.30 uur",
                    "Gratis",
                ),
            ],
        ),
    ],
}

KEY_CONTACTS = {
    "BU04000101": [("Marloes Kok", "Opbouwwerker Visbuurt", "0223 612 341")],
    "BU04000302": [("Henk Schouten", "Bewoner, aanspreekpunt buurtgroep", "")],
    "BU09950201": [("Samira Aziz", "Wijkcoach Atolwijk", "0320 210 301")],
    "BU19300201": [("Dirk de Wit", "Opbouwwerker Maaswijk", "0181 610 201")],
}

# (first name, last name, lives in, helps in, offers, status, VOG)
VOLUNTEERS = {
    "GM0400": [
        (
            "Gerrit",
            "Boon",
            "BU04000101",
            ["BU04000101", "BU04000102"],
            [N.SHOPPING, N.COMPANY],
            VolunteerStatus.ACTIVE,
            VogStatus.RECEIVED,
        ),
        (
            "Yasmina",
            "Haddou",
            "BU04000102",
            ["BU04000101", "BU04000102", "BU04000103"],
            [N.PAPERWORK, N.LANGUAGE],
            VolunteerStatus.ACTIVE,
            VogStatus.RECEIVED,
        ),
        (
            "Pieter",
            "Zwart",
            "BU04000301",
            ["BU04000101"],
            [N.ODD_JOBS, N.TRANSPORT],
            VolunteerStatus.ACTIVE,
            VogStatus.RECEIVED,
        ),
        (
            "Lotte",
            "Vos",
            "BU04000201",
            ["BU04000201"],
            [N.SPORTS, N.MENTORING],
            VolunteerStatus.APPLIED,
            VogStatus.REQUESTED,
        ),
        (
            "Ria",
            "Prins",
            "BU04000103",
            ["BU04000103"],
            [N.COMPANY],
            VolunteerStatus.PAUSED,
            VogStatus.RECEIVED,
        ),
    ],
    "GM0995": [
        (
            "Erik",
            "Mol",
            "BU09950101",
            ["BU09950101", "BU09950102"],
            [N.SHOPPING, N.TRANSPORT],
            VolunteerStatus.ACTIVE,
            VogStatus.RECEIVED,
        ),
        (
            "Naima",
            "Ouali",
            "BU09950201",
            ["BU09950201"],
            [N.LANGUAGE, N.PAPERWORK],
            VolunteerStatus.ACTIVE,
            VogStatus.RECEIVED,
        ),
        (
            "Joost",
            "Kramer",
            "BU09950301",
            ["BU09950301"],
            [N.MENTORING],
            VolunteerStatus.APPLIED,
            VogStatus.NOT_REQUESTED,
        ),
    ],
    "GM1930": [
        (
            "Corrie",
            "Dam",
            "BU19300101",
            ["BU19300101", "BU19300102"],
            [N.COMPANY, N.SHOPPING],
            VolunteerStatus.ACTIVE,
            VogStatus.RECEIVED,
        ),
        (
            "Sem",
            "Hoekstra",
            "BU19300201",
            ["BU19300201"],
            [N.SPORTS, N.ODD_JOBS],
            VolunteerStatus.ACTIVE,
            VogStatus.RECEIVED,
        ),
    ],
}

VOLUNTEER_ADDRESS = "vrijwilliger"
COORDINATOR_ADDRESS = "coordinator"


def _neighbourhoods(codes: object) -> list[Neighbourhood]:
    return list(Neighbourhood.objects.filter(cbs_code__in=codes))


@transaction.atomic
def seed() -> None:
    """The social map: organisations, services and key contacts."""
    for code, organisations in ORGANISATIONS.items():
        municipality = Municipality.objects.get(cbs_code=code)
        for (
            name,
            kind,
            located,
            serves,
            domains,
            groups,
            description,
            address,
            phone,
            hours,
            services,
        ) in organisations:
            organisation, _ = Organisation.objects.update_or_create(
                municipality=municipality,
                name=name,
                defaults={
                    "kind": kind,
                    "neighbourhood": Neighbourhood.objects.filter(
                        cbs_code=located
                    ).first(),
                    "serves_whole_municipality": serves == "all",
                    "domains": domains,
                    "target_groups": groups,
                    "description": description,
                    "address": address,
                    "phone": phone,
                    "opening_hours": hours,
                    "email": f"info@{municipality.slug}.{DEMO_DOMAIN}",
                },
            )
            if serves != "all":
                organisation.neighbourhoods_served.set(_neighbourhoods(serves))
            for service_name, text, words, needs, targets, when, cost in services:
                Service.objects.update_or_create(
                    organisation=organisation,
                    name=service_name,
                    defaults={
                        "description": text,
                        "keywords": words,
                        "needs": needs,
                        "target_groups": targets,
                        "when": when,
                        "cost": cost,
                        "how_to_apply": "Bel of loop binnen; aanmelden mag ook via "
                        "uw contactpersoon van het wijkteam.",
                    },
                )
    Service.objects.all().refresh_search_document()
    for cbs_code, contacts in KEY_CONTACTS.items():
        neighbourhood = Neighbourhood.objects.get(cbs_code=cbs_code)
        for name, role, phone in contacts:
            KeyContact.objects.update_or_create(
                neighbourhood=neighbourhood,
                name=name,
                defaults={"role": role, "phone": phone},
            )


def _account(email: str, full_name: str, **fields: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create_user(
            email, DEMO_PASSWORD, full_name=full_name, **fields
        )
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_name = full_name
    user.save()
    return user


@transaction.atomic
def seed_volunteers() -> None:
    """Volunteers in every state, a coordinator account at each volunteer
    organisation, and on the demo resident's running request a volunteer match and a
    referral (the demo resident agreed to share with both)."""
    now = timezone.now()
    for code, volunteers in VOLUNTEERS.items():
        municipality = Municipality.objects.get(cbs_code=code)
        volunteer_organisation = Organisation.objects.filter(
            municipality=municipality, kind=K.VOLUNTEER_ORGANISATION
        ).first()
        if volunteer_organisation is not None:
            _account(
                f"{COORDINATOR_ADDRESS}@{municipality.slug}.{DEMO_DOMAIN}",
                "Coördinator " + volunteer_organisation.name,
                role=Role.PARTNER,
                municipality=municipality,
                organisation=volunteer_organisation,
            )
        created = []
        for index, (first, last, lives, helps, offers, status, vog) in enumerate(
            volunteers
        ):
            address = (
                VOLUNTEER_ADDRESS if index == 0 else f"{VOLUNTEER_ADDRESS}{index + 1}"
            )
            user = _account(
                f"{address}@{municipality.slug}.{DEMO_DOMAIN}",
                f"{first} {last}",
                role=Role.RESIDENT,
                municipality=municipality,
            )
            volunteer, _ = Volunteer.objects.update_or_create(
                user=user,
                defaults={
                    "municipality": municipality,
                    "neighbourhood": Neighbourhood.objects.get(cbs_code=lives),
                    "offers": offers,
                    "availability": ["weekday_morning", "weekday_afternoon"],
                    "phone": "06 1234 5678",
                    "status": status,
                    "vog_status": vog,
                    "intake_on": (now - timedelta(days=40)).date()
                    if vog == VogStatus.RECEIVED
                    else None,
                },
            )
            volunteer.neighbourhoods.set(_neighbourhoods(helps))
            created.append(volunteer)
        _seed_matches(municipality, created[0], now)


def _seed_matches(
    municipality: Municipality, volunteer: Volunteer, now: object
) -> None:
    help_request = (
        HelpRequest.objects.filter(
            municipality=municipality,
            resident__role=Role.RESIDENT,
            resident__email__startswith="inwoner@",
            status=Status.IN_PROGRESS,
        )
        .order_by("submitted_at")
        .first()
    )
    if help_request is None or help_request.matches.exists():
        return
    for recipient in (
        ConsentRecipient.VOLUNTEERS,
        ConsentRecipient.LOCAL_ORGANISATIONS,
    ):
        consent_give(
            help_request=help_request,
            recipient=recipient,
            method=ConsentMethod.ONLINE,
            by=help_request.resident,
            given_at=now - timedelta(days=12),
        )
    name = help_request.first_name
    match = Match.objects.create(
        help_request=help_request,
        volunteer=volunteer,
        need=volunteer.offers[0],
        task="Eén keer per week samen boodschappen doen en een kop koffie drinken.",
        first_name=name,
        status=MatchStatus.ACTIVE,
        appointment_at=now + timedelta(days=1),
        proposed_by=help_request.contact_person,
        created_at=now - timedelta(days=10),
    )
    for from_status, to_status in (
        ("", MatchStatus.PROPOSED),
        (MatchStatus.PROPOSED, MatchStatus.ACCEPTED),
        (MatchStatus.ACCEPTED, MatchStatus.ACTIVE),
    ):
        MatchChange.objects.create(
            match=match, from_status=from_status, to_status=to_status
        )
    organisation = (
        Organisation.objects.filter(municipality=municipality)
        .exclude(kind__in=[K.COMMUNITY_CENTRE, K.VOLUNTEER_ORGANISATION])
        .order_by("pk")
        .first()
    )
    partner_organisation = (
        Organisation.objects.filter(municipality=municipality).order_by("pk").first()
    )
    if organisation is not None:
        Referral.objects.create(
            help_request=help_request,
            organisation=organisation,
            question="Kunt u samen met de bewoner kijken naar de rekeningen die "
            "openstaan?",
            created_by=help_request.contact_person,
            created_at=now - timedelta(days=6),
        )
    if partner_organisation is not None:
        Referral.objects.create(
            help_request=help_request,
            organisation=partner_organisation,
            question="Graag een plek bij de buurtmaaltijd op donderdag.",
            created_by=help_request.contact_person,
            created_at=now - timedelta(days=2),
        )
