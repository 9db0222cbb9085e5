"""The neighbourhood network: the social map (organisations and their services, key
contacts), volunteers, and matches of volunteers to help requests."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality, Neighbourhood

if TYPE_CHECKING:
    from accounts.models import User


class OrganisationKind(models.TextChoices):
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    WELFARE = "welfare", _("Welfare organisation")
    SPORTS_CLUB = "sports_club", _("Sports club")
    CULTURAL = "cultural", _("Cultural association")
    CARE = "care", _("Care institution")
    SCHOOL = "school", _("School")
    GP_PRACTICE = "gp_practice", _("GP practice")
    DEBT_HELP = "debt_help", _("Debt help")
    VOLUNTEER_ORGANISATION = "volunteer_organisation", _("Volunteer organisation")
    INFORMAL_GROUP = "informal_group", _("Informal group of residents")


# Kinds that count as formal care when the dashboards split "close to home" help.
FORMAL_KINDS = frozenset({OrganisationKind.CARE})


class Need(models.TextChoices):
    """What a resident needs, in plain words; services and volunteers are tagged with
    the needs they meet."""

    SHOPPING = "shopping", _("Shopping and errands")
    TRANSPORT = "transport", _("Transport")
    ODD_JOBS = "odd_jobs", _("Odd jobs in and around the house")
    COMPANY = "company", _("Company and visits")
    PAPERWORK = "paperwork", _("Forms and paperwork")
    LANGUAGE = "language", _("Language help")
    MENTORING = "mentoring", _("Mentoring")
    SPORTS = "sports", _("Sports and exercise")
    MONEY = "money", _("Money and debts")
    PARENTING = "parenting", _("Parenting and youth")
    HEALTH = "health", _("Health and care")
    MEETING_PEOPLE = "meeting_people", _("Meeting people")
    WORK = "work", _("Work and daytime activities")
    HOUSING = "housing", _("Housing")


# What a volunteer can offer is a subset of the needs.
VOLUNTEER_OFFERS = [
    Need.SHOPPING,
    Need.TRANSPORT,
    Need.ODD_JOBS,
    Need.COMPANY,
    Need.PAPERWORK,
    Need.LANGUAGE,
    Need.MENTORING,
    Need.SPORTS,
]


class TargetGroup(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    PARENTS = "parents", _("Parents")
    ADULTS = "adults", _("Adults")
    OLDER_PEOPLE = "older_people", _("Older people")
    INFORMAL_CARERS = "informal_carers", _("Informal carers")
    NEWCOMERS = "newcomers", _("Newcomers")
    DISABILITY = "disability", _("People with a disability")


class DayPart(models.TextChoices):
    WEEKDAY_MORNING = "weekday_morning", _("Weekday mornings")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekday afternoons")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND = "weekend", _("Weekends")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        return self.filter(municipality__in=Municipality.objects.visible_to(user))

    def published(self) -> OrganisationQuerySet:
        return self.filter(is_published=True)

    def serving(self, neighbourhood: Neighbourhood) -> OrganisationQuerySet:
        """Organisations in or serving the neighbourhood, or the whole municipality."""
        from municipalities.models import District

        municipality = District.objects.filter(pk=neighbourhood.district_id).values(
            "municipality_id"
        )
        served = Organisation.neighbourhoods_served.through.objects.filter(
            neighbourhood_id=neighbourhood.pk
        ).values("organisation_id")
        return self.filter(municipality_id=models.Subquery(municipality)).filter(
            models.Q(serves_whole_municipality=True)
            | models.Q(neighbourhood_id=neighbourhood.pk)
            | models.Q(pk__in=served)
        )


class Organisation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind)
    description = models.TextField(
        _("what we do"), blank=True, help_text=_("In plain words, for residents.")
    )
    # Where it is; None for an organisation without a building in the municipality.
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("neighbourhood"),
    )
    neighbourhoods_served = models.ManyToManyField(
        Neighbourhood,
        blank=True,
        related_name="organisations_serving",
        verbose_name=_("neighbourhoods served"),
    )
    serves_whole_municipality = models.BooleanField(
        _("serves the whole municipality"), default=False
    )
    domains = ArrayField(
        models.CharField(max_length=30),
        default=list,
        blank=True,
        verbose_name=_("domains"),
    )
    target_groups = ArrayField(
        models.CharField(max_length=30, choices=TargetGroup),
        default=list,
        blank=True,
        verbose_name=_("target groups"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    is_published = models.BooleanField(_("shown on the social map"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="organisation_unique_name"
            )
        ]
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_formal_care(self) -> bool:
        return self.kind in FORMAL_KINDS


class ServiceQuerySet(models.QuerySet["Service"]):
    def visible_to(self, user: User) -> ServiceQuerySet:
        return self.filter(
            organisation__municipality__in=Municipality.objects.visible_to(user)
        )

    def published(self) -> ServiceQuerySet:
        return self.filter(is_published=True, organisation__is_published=True)

    def refresh_search_document(self) -> int:
        """Recompute the Dutch full-text document: name and needs weigh most."""
        return self.update(
            search_document=SearchVector("name", weight="A", config="dutch")
            + SearchVector("keywords", weight="A", config="dutch")
            + SearchVector("description", weight="B", config="dutch")
        )


class Service(models.Model):
    """Something an organisation offers, e.g. 'basketball clinic for young people' or
    'walk-in for money matters'."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it is"))
    # Plain words residents use ("boodschappen", "eenzaam", "rekeningen").
    keywords = models.CharField(
        _("words residents use"),
        max_length=300,
        blank=True,
        help_text=_("Separate with commas, for example: bills, debts, letters."),
    )
    needs = ArrayField(
        models.CharField(max_length=30, choices=Need),
        default=list,
        blank=True,
        verbose_name=_("needs it meets"),
    )
    target_groups = ArrayField(
        models.CharField(max_length=30, choices=TargetGroup),
        default=list,
        blank=True,
        verbose_name=_("for whom"),
    )
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    how_to_apply = models.TextField(_("how to take part"), blank=True)
    when = models.CharField(_("when"), max_length=200, blank=True)
    is_published = models.BooleanField(_("shown on the social map"), default=True)
    search_document = SearchVectorField(null=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_document"], name="service_search_idx"),
            GinIndex(fields=["needs"], name="service_needs_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def need_labels(self) -> list[str]:
        return [str(Need(value).label) for value in self.needs]

    def target_group_labels(self) -> list[str]:
        return [str(TargetGroup(value).label) for value in self.target_groups]


class KeyContact(models.Model):
    """A person residents of a neighbourhood can turn to (a community worker, a
    neighbourhood coach, a resident who knows everyone); shown publicly on purpose."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="key_contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_contacts",
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("Signed up, waiting for screening")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


VOLUNTEER_TRANSITIONS: dict[str, frozenset[str]] = {
    VolunteerStatus.APPLIED: frozenset(
        {VolunteerStatus.ACTIVE, VolunteerStatus.STOPPED}
    ),
    VolunteerStatus.ACTIVE: frozenset(
        {VolunteerStatus.PAUSED, VolunteerStatus.STOPPED}
    ),
    VolunteerStatus.PAUSED: frozenset(
        {VolunteerStatus.ACTIVE, VolunteerStatus.STOPPED}
    ),
    VolunteerStatus.STOPPED: frozenset(),
}


class VogStatus(models.TextChoices):
    """Verklaring Omtrent het Gedrag (certificate of conduct)."""

    NOT_REQUESTED = "not_requested", _("Not requested")
    REQUESTED = "requested", _("Requested")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def visible_to(self, user: User) -> VolunteerQuerySet:
        """Staff of the municipality (coordinators, caseworkers, admins)."""
        return self.filter(municipality__in=Municipality.objects.visible_to(user))

    def matchable(self) -> VolunteerQuerySet:
        return self.filter(status=VolunteerStatus.ACTIVE)


class Volunteer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="volunteers"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("where you live"),
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood,
        related_name="volunteers_helping",
        verbose_name=_("where you want to help"),
    )
    offers = ArrayField(
        models.CharField(max_length=30, choices=Need), verbose_name=_("what you offer")
    )
    availability = ArrayField(
        models.CharField(max_length=30, choices=DayPart),
        verbose_name=_("when you are available"),
    )
    about = models.TextField(_("about you"), blank=True)
    phone = models.CharField(_("phone number"), max_length=20)
    status = models.CharField(
        max_length=20, choices=VolunteerStatus, default=VolunteerStatus.APPLIED
    )
    # Screening by a coordinator before the first match.
    vog_status = models.CharField(
        _("certificate of conduct (VOG)"),
        max_length=20,
        choices=VogStatus,
        default=VogStatus.NOT_REQUESTED,
    )
    intake_on = models.DateField(_("intake conversation on"), null=True, blank=True)
    screening_note = models.TextField(_("screening note"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            GinIndex(fields=["offers"], name="volunteer_offers_idx"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def offer_labels(self) -> list[str]:
        return [str(Need(value).label) for value in self.offers]

    def availability_labels(self) -> list[str]:
        return [str(DayPart(value).label) for value in self.availability]

    @property
    def is_screened(self) -> bool:
        return self.vog_status == VogStatus.RECEIVED and self.intake_on is not None


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


MATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.PROPOSED: frozenset(
        {MatchStatus.ACCEPTED, MatchStatus.DECLINED, MatchStatus.STOPPED}
    ),
    MatchStatus.ACCEPTED: frozenset({MatchStatus.ACTIVE, MatchStatus.STOPPED}),
    MatchStatus.ACTIVE: frozenset({MatchStatus.COMPLETED, MatchStatus.STOPPED}),
    MatchStatus.DECLINED: frozenset(),
    MatchStatus.COMPLETED: frozenset(),
    MatchStatus.STOPPED: frozenset(),
}
OPEN_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.ACTIVE)


class MatchQuerySet(models.QuerySet["Match"]):
    def for_volunteer(self, user: User) -> MatchQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(volunteer__user=user)

    def open(self) -> MatchQuerySet:
        return self.filter(status__in=OPEN_MATCH_STATUSES)


class Match(models.Model):
    """A volunteer helping with one help request. The volunteer sees only the
    resident's first name, the neighbourhood and the task."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    help_request = models.ForeignKey(
        "citizens.HelpRequest", on_delete=models.CASCADE, related_name="matches"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="matches"
    )
    task = models.TextField(_("the task, for the volunteer"))
    need = models.CharField(_("kind of help"), max_length=30, choices=Need)
    # Copied when proposed, so the volunteer never reads the request itself.
    first_name = models.CharField(max_length=100)
    status = models.CharField(
        max_length=20, choices=MatchStatus, default=MatchStatus.PROPOSED
    )
    reason = models.TextField(_("reason"), blank=True)
    appointment_at = models.DateTimeField(_("first appointment"), null=True, blank=True)
    feedback = models.TextField(_("how it went"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("matches")
        indexes = [
            models.Index(fields=["volunteer", "status"]),
            models.Index(fields=["help_request", "-created_at"]),
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["appointment_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["help_request", "volunteer"],
                condition=models.Q(status__in=["proposed", "accepted", "active"]),
                name="match_one_open_per_volunteer_and_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.help_request_id} ↔ {self.volunteer_id}"


class MatchChange(models.Model):
    """History of a match: who moved it, from what, to what, and why."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=20, choices=MatchStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=MatchStatus)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.from_status} → {self.to_status}"
