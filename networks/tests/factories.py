import datetime as dt

import factory

from municipalities.tests.factories import MunicipalityFactory, NeighbourhoodFactory
from networks.models import (
    DayPart,
    Need,
    Organisation,
    OrganisationKind,
    Service,
    VogStatus,
    Volunteer,
    VolunteerStatus,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Buurthuis {n}")
    kind = OrganisationKind.COMMUNITY_CENTRE


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Koffieochtend {n}")
    description = "Iedere ochtend koffie en een praatje met buurtbewoners."
    keywords = "koffie, praatje, eenzaam"
    needs = factory.LazyFunction(lambda: [Need.MEETING_PEOPLE])

    @factory.post_generation
    def searchable(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            Service.objects.filter(pk=self.pk).refresh_search_document()


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An active, screened volunteer unless a trait says otherwise."""

    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    municipality = factory.SelfAttribute("neighbourhood.district.municipality")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    offers = factory.LazyFunction(lambda: [Need.SHOPPING, Need.COMPANY])
    availability = factory.LazyFunction(lambda: [DayPart.WEEKDAY_MORNING])
    phone = "06 12345678"
    status = VolunteerStatus.ACTIVE
    vog_status = VogStatus.RECEIVED
    intake_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))

    class Params:
        applied = factory.Trait(
            status=VolunteerStatus.APPLIED,
            vog_status=VogStatus.REQUESTED,
            intake_on=None,
        )
        paused = factory.Trait(status=VolunteerStatus.PAUSED)

    @factory.post_generation
    def helps_in(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.neighbourhoods.set(extracted or [self.neighbourhood])
