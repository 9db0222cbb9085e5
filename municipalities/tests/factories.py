import factory

from municipalities.models import District, Municipality, Neighbourhood, Region, Team


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.Sequence(lambda n: f"regio-{n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    slug = factory.Sequence(lambda n: f"gemeente-{n}")
    cbs_code = factory.Sequence(lambda n: f"GM9{n % 1000:03d}")
    population = 50000


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")
    cbs_code = factory.LazyAttributeSequence(
        lambda o, n: f"WK{o.municipality.cbs_code[2:]}{n % 100:02d}"
    )


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Buurt {n}")
    cbs_code = factory.LazyAttributeSequence(
        lambda o, n: f"BU{o.district.cbs_code[2:]}{n % 100:02d}"
    )
    population = 2500


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    district = factory.SubFactory(DistrictFactory)
    municipality = factory.SelfAttribute("district.municipality")
    name = factory.Sequence(lambda n: f"Wijkteam {n}")
