"""Demo geography: three municipalities with real district and neighbourhood names.

The names are real places; the CBS codes follow the CBS form (GM/WK/BU) with the real
municipality codes, but district and neighbourhood numbers are assigned for the demo.
Check them against the CBS "Wijk- en Buurtkaart" before loading real data.
"""

from django.db import transaction

from municipalities.models import (
    District,
    Municipality,
    Neighbourhood,
    PostcodeArea,
    Region,
    Team,
)

# First four-digit postcode per municipality; each demo neighbourhood gets the next one.
# They start in the municipality's real postcode range, but which postcode belongs to
# which neighbourhood is made up for the demo: load the real table before going live.
FIRST_POSTCODE = {"GM0400": 1779, "GM0995": 8211, "GM1930": 3201}

# municipality: (slug, CBS code, population, {district: [(neighbourhood, population)]})
GEOGRAPHY: dict[str, tuple[str, str, int, dict[str, list[tuple[str, int]]]]] = {
    "Den Helder": (
        "den-helder",
        "GM0400",
        56200,
        {
            "Stad binnen de Linie": [
                ("Visbuurt", 2900),
                ("Centrum", 3400),
                ("Willemsoord", 600),
            ],
            "Nieuw Den Helder": [
                ("Nieuw Den Helder-Noord", 6100),
                ("Nieuw Den Helder-Zuid", 5800),
            ],
            "De Schooten": [("De Schooten", 7200), ("Tuindorp", 3100)],
            "Julianadorp": [("Julianadorp-Oost", 8400), ("Julianadorp-West", 7500)],
            "Huisduinen": [("Huisduinen", 1900), ("Duinzoom", 9300)],
        },
    ),
    "Lelystad": (
        "lelystad",
        "GM0995",
        81200,
        {
            "Stadshart": [("Stadshart", 4300), ("Bolder", 5200)],
            "Atolwijk": [("Atol", 6100), ("Karveel", 5400)],
            "Boswijk": [("Boswijk", 9800), ("Punter", 4700)],
            "Zuiderzeewijk": [("Zuiderzeewijk", 11200), ("Tjalk", 4100)],
            "Waterwijk": [("Waterwijk", 10300), ("Botter", 3900)],
            "Lelystad-Haven": [("Lelystad-Haven", 3600), ("Warande", 12600)],
        },
    ),
    "Nissewaard": (
        "nissewaard",
        "GM1930",
        85800,
        {
            "Spijkenisse-Centrum": [("Centrum", 6800), ("Hoogwerf", 4900)],
            "Maaswijk": [("Maaswijk", 9100)],
            "Waterland": [("Waterland", 8700), ("Schiekamp", 4300)],
            "Groenewoud": [("Groenewoud", 11600), ("De Akkers", 10400)],
            "Dorpen": [
                ("Heenvliet", 3700),
                ("Zuidland", 4600),
                ("Geervliet", 2300),
                ("Abbenbroek", 1700),
            ],
        },
    ),
}


# A made-up region for the demo (these three municipalities do not work together in
# reality): Den Helder on the coast and Lelystad in the polder; Nissewaard stays out,
# so the demo shows that a regional manager sees nothing beyond the region.
DEMO_REGION = ("Demoregio Kust en Polder", "demoregio-kust-en-polder")
DEMO_REGION_MUNICIPALITIES = ("GM0400", "GM0995")


@transaction.atomic
def seed() -> None:
    for municipality_name, (slug, code, population, districts) in GEOGRAPHY.items():
        municipality, _ = Municipality.objects.update_or_create(
            cbs_code=code,
            defaults={
                "name": municipality_name,
                "slug": slug,
                "population": population,
            },
        )
        number = code[2:]
        postcode = FIRST_POSTCODE[code]
        for district_index, (district_name, neighbourhoods) in enumerate(
            districts.items(), start=1
        ):
            district_code = f"WK{number}{district_index:02d}"
            district, _ = District.objects.update_or_create(
                cbs_code=district_code,
                defaults={"municipality": municipality, "name": district_name},
            )
            for index, (name, people) in enumerate(neighbourhoods, start=1):
                neighbourhood, _ = Neighbourhood.objects.update_or_create(
                    cbs_code=f"BU{number}{district_index:02d}{index:02d}",
                    defaults={"district": district, "name": name, "population": people},
                )
                PostcodeArea.objects.update_or_create(
                    prefix=str(postcode), defaults={"neighbourhood": neighbourhood}
                )
                postcode += 1
            Team.objects.update_or_create(
                municipality=municipality,
                name=f"Wijkteam {district_name}",
                defaults={"district": district},
            )
    name, slug = DEMO_REGION
    region, _ = Region.objects.update_or_create(slug=slug, defaults={"name": name})
    Municipality.objects.filter(cbs_code__in=DEMO_REGION_MUNICIPALITIES).update(
        region=region
    )
