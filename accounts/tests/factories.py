import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import STAFF_ROLES, Role, User
from municipalities.tests.factories import MunicipalityFactory, TeamFactory
from networks.tests.factories import OrganisationFactory

PASSWORD = "correct horse battery staple"
# Every staff account made by the factory has a confirmed authenticator app with this
# key (hex, as django-otp stores it); tests compute its codes
# (accounts.two_factor.fresh_code). Pass `totp_device=False` for a staff member who
# has not enrolled yet.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


class UserFactory(factory.django.DjangoModelFactory):
    """A resident by default; traits give every other role its required relations."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    role = Role.RESIDENT
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        caseworker = factory.Trait(
            role=Role.CASEWORKER,
            team=factory.SubFactory(TeamFactory),
            municipality=factory.SelfAttribute("team.municipality"),
        )
        team_lead = factory.Trait(
            role=Role.TEAM_LEAD,
            team=factory.SubFactory(TeamFactory),
            municipality=factory.SelfAttribute("team.municipality"),
        )
        partner = factory.Trait(
            role=Role.PARTNER,
            organisation=factory.SubFactory(OrganisationFactory),
            municipality=factory.SelfAttribute("organisation.municipality"),
        )
        pilot_owner = factory.Trait(role=Role.PILOT_OWNER)
        alderman = factory.Trait(role=Role.ALDERMAN)
        functional_admin = factory.Trait(role=Role.FUNCTIONAL_ADMIN)
        # Give `region`; the municipality defaults to the region's first one.
        regional_manager = factory.Trait(
            role=Role.REGIONAL_MANAGER,
            municipality=factory.LazyAttribute(
                lambda o: o.region.municipalities.order_by("pk").first()
            ),
        )

    @factory.post_generation
    def totp_device(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
        if not create or extracted is False or obj.role not in STAFF_ROLES:
            return
        TOTPDevice.objects.create(
            user=obj, name="authenticator", key=TEST_TOTP_KEY, confirmed=True
        )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        if create:
            instance.save()
