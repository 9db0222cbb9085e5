import factory

from municipalities.tests.factories import MunicipalityFactory
from networks.models import Organisation, OrganisationKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Buurthuis {n}")
    kind = OrganisationKind.COMMUNITY_CENTRE
