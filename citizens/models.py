"""Help requests (hulpvragen) from residents, their drafts and their history."""

from __future__ import annotations

import operator
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import cache, reduce
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialdomain.lib.compiled import bound, slots_of, write_in, write_sql

if TYPE_CHECKING:
    from accounts.models import User
    from municipalities.models import Neighbourhood
    from networks.models import Organisation


class LifeEvent(models.TextChoices):
    DIVORCE = "divorce", _("Divorce or separation")
    ILLNESS = "illness", _("Illness")
    JOB_LOSS = "job_loss", _("Job loss")
    MONEY_WORRIES = "money_worries", _("Money worries or debts")
    LONELINESS = "loneliness", _("Loneliness")
    CARING = "caring", _("Caring for someone")
    PARENTING = "parenting", _("Parenting or youth")
    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work or daytime activity")
    OTHER = "other", _("Something else")


class UrgentSituation(models.TextChoices):
    EVICTION = "eviction", _("I may have to leave my home soon")
    CUT_OFF = "cut_off", _("My energy or water will be cut off")
    NO_FOOD = "no_food", _("I have no money for food")
    UNSAFE = "unsafe", _("I do not feel safe at home")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By e-mail")
    HOME_VISIT = "home_visit", _("A visit at home")


class Relationship(models.TextChoices):
    NEIGHBOUR = "neighbour", _("Neighbour")
    INFORMAL_CARER = "informal_carer", _("Informal carer")
    FAMILY = "family", _("Family member")
    PROFESSIONAL = "professional", _("Professional")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("Someone is looking at it")
    APPOINTMENT_PLANNED = "appointment_planned", _("Appointment planned")
    IN_PROGRESS = "in_progress", _("Working on it with you")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    # An intake can happen right away (a walk-in), hence received -> in progress.
    Status.RECEIVED: frozenset(
        {
            Status.IN_REVIEW,
            Status.APPOINTMENT_PLANNED,
            Status.IN_PROGRESS,
            Status.CLOSED,
            Status.WITHDRAWN,
        }
    ),
    Status.IN_REVIEW: frozenset(
        {
            Status.APPOINTMENT_PLANNED,
            Status.IN_PROGRESS,
            Status.CLOSED,
            Status.WITHDRAWN,
        }
    ),
    Status.APPOINTMENT_PLANNED: frozenset(
        {Status.IN_PROGRESS, Status.CLOSED, Status.WITHDRAWN}
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.APPOINTMENT_PLANNED, Status.CLOSED, Status.WITHDRAWN}
    ),
    # A closed request can be reopened (for example after a low satisfaction score).
    Status.CLOSED: frozenset({Status.IN_REVIEW}),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = frozenset(
    {Status.RECEIVED, Status.IN_REVIEW, Status.APPOINTMENT_PLANNED, Status.IN_PROGRESS}
)


class Outcome(models.TextChoices):
    OWN_NETWORK = "own_network", _("Solved with own network")
    NEIGHBOURHOOD_NETWORK = (
        "neighbourhood_network",
        _("Solved with the neighbourhood network or a volunteer"),
    )
    LOCAL_ORGANISATION = "local_organisation", _("Solved by a local organisation")
    FORMAL_PROVISION = (
        "formal_provision",
        _("Formal provision (maatwerkvoorziening or benefit)"),
    )
    REFERRED = "referred", _("Referred elsewhere")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NO_HELP_NEEDED = "no_help_needed", _("No help needed")


class InvalidTransition(ValidationError):
    pass


class HelpRequestDraft(models.Model):
    """What a resident has typed so far, kept on the server between steps.

    Anonymous drafts are bound to the browser session that started them; once the
    e-mail address is confirmed, the draft belongs to the resident's account.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: the (owner, -updated_at) index below leads with it.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="help_request_drafts",
        db_index=False,
    )
    answers = models.JSONField(default=dict, blank=True)
    # Per step, the values its answers were found valid with and a stamp of the
    # rules that found them so (citizens/services.py `draft_save_step`): sending
    # takes these instead of validating every step again. Written only together
    # with that step's answers (`save_answers`), so they are always of them.
    checked = models.JSONField(default=dict, blank=True)
    email = models.EmailField(blank=True)
    remind_me = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_request = models.OneToOneField(
        "HelpRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-updated_at"]),
            # The draft nudge's scan: unsent drafts of residents who asked for it.
            models.Index(
                fields=["updated_at"],
                name="draft_reminder_due",
                condition=models.Q(remind_me=True, submitted_request__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)

    def answers_for(self, step: str) -> dict[str, Any]:
        return dict(self.answers.get(step, {}))

    def save_answers(
        self, step: str, data: dict[str, Any], checked: dict[str, Any] | None = None
    ) -> None:
        """Keep a step's answers; `checked` is what they were found valid with (see
        `checked`), None when they were not checked or not valid."""
        self.answers = {**self.answers, step: data}
        self.checked = {
            key: value for key, value in self.checked.items() if key != step
        }
        if checked is not None:
            self.checked[step] = checked
        self.save(update_fields=["answers", "checked", "updated_at"])


class ReferenceCounter(models.Model):
    """The last help-request number handed out per year (HV-2026-000123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def counting_sql(cls, *, source: str = "", year_sql: str = "%s") -> str:
        """`INSERT ... RETURNING reference`: the next number of the year (its one
        parameter, or `year_sql`), counted on the year's row (made when new) and
        formatted as the reference, once per row of `source` (a WITH item) when
        given. The row lock, held until commit, serialises concurrent senders."""
        table = cls._meta.db_table
        number = "counter.last_number::text"
        return (
            f"INSERT INTO {table} AS counter (year, last_number) "
            f"SELECT {year_sql}, 1{f' FROM {source}' if source else ''} "
            "ON CONFLICT (year) DO UPDATE SET last_number = counter.last_number + 1 "
            f"RETURNING 'HV-' || counter.year || '-' || "
            f"lpad({number}, greatest(6, length({number})), '0') AS reference"
        )

    @classmethod
    def next_reference(cls, year: int) -> str:
        """Call inside a transaction (see `counting_sql`)."""
        with connection.cursor() as cursor:
            cursor.execute(cls.counting_sql(), [year])
            return cursor.fetchone()[0]


class EqualsAny(models.Func):
    """`expression = ANY(array)`, a condition for filter() and Q()."""

    output_field = models.BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        value, array = self.get_source_expressions()
        value_sql, value_params = compiler.compile(value)
        array_sql, array_params = compiler.compile(array)
        return f"({value_sql} = ANY({array_sql}))", (*value_params, *array_params)


# The index in HelpRequestQuerySet.visible_parts of the half not yet given to a team.
UNTEAMED_PART = 1


class HelpRequestQuerySet(models.QuerySet["HelpRequest"]):
    def visible_to(self, user: User) -> HelpRequestQuerySet:
        """Staff scope: caseworkers and team leads see the requests of their team's
        district and those assigned to their team. Other roles see none here."""
        conditions = self._scope_conditions(user)
        if not conditions:
            return self.none()
        return self.filter(municipality_id=user.municipality_id).filter(
            reduce(operator.or_, conditions)
        )

    def visible_parts(self, user: User) -> list[HelpRequestQuerySet]:
        """`visible_to` as two disjoint querysets (the team's own requests; those
        not yet given to a team in its district, at UNTEAMED_PART), for pages that
        count or cut a page from each half on its own index and combine them
        (casework.queue): under one OR, PostgreSQL can only read both halves' rows
        from the table. Empty for roles that see no requests here."""
        return [
            self.filter(municipality_id=user.municipality_id).filter(condition)
            for condition in self._scope_conditions(user)
        ]

    @staticmethod
    def team_district_neighbourhoods(user: User) -> models.QuerySet[Neighbourhood]:
        """The neighbourhoods of the district of the user's team: where the
        requests of the unteamed half of `visible_parts` lie."""
        from municipalities.models import Neighbourhood, Team

        team_district = Team.objects.filter(pk=user.team_id).values("district_id")
        return Neighbourhood.objects.filter(district_id__in=team_district).order_by()

    @staticmethod
    def _scope_conditions(user: User) -> list[models.Q]:
        from accounts.models import TEAM_ROLES

        if not user.is_authenticated or user.role not in TEAM_ROLES:
            return []
        # A subquery, not a join over the district's teams: a district with two teams
        # must not list a request twice.
        #
        # The district's neighbourhoods as an array computed once (an InitPlan):
        # `neighbourhood_id = ANY(...)` can be an index condition under the OR, so
        # both halves are bitmap index scans (the team index and the partial
        # help_request_open_unteamed below). `neighbourhood__district_id IN
        # (subquery)` could only be a per-row filter after reading every open request
        # of the municipality (EXPLAIN ANALYZE: 41 ms -> 5 ms with 12,000 open
        # requests in the municipality, docs/performance.md).
        district_neighbourhoods = ArraySubquery(
            HelpRequestQuerySet.team_district_neighbourhoods(user).values("pk")
        )
        return [
            models.Q(team_id=user.team_id),
            models.Q(
                models.Q(team__isnull=True),
                EqualsAny(F("neighbourhood_id"), district_neighbourhoods),
            ),
        ]

    def for_resident(self, user: User) -> HelpRequestQuerySet:
        """The requests a resident may see: their own, and those filed for them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(models.Q(resident=user) | models.Q(filed_by=user))

    def refresh_search_document(self) -> int:
        """Recompute the full-text document (Dutch configuration) in one UPDATE:
        reference and names weigh most, then the resident's own words."""
        from accounts.models import User

        names = User.objects.filter(pk=models.OuterRef("resident_id"))
        resident_name = models.Subquery(names.values("full_name")[:1])
        return self.update(
            search_document=SearchVector("reference", weight="A", config="dutch")
            + SearchVector(resident_name, "subject_name", weight="A", config="dutch")
            + SearchVector(
                "story", "own_strength", "network_help", weight="B", config="dutch"
            )
        )


# Foreign keys of HelpRequest without an index of their own: an index of
# Meta.indexes begins with each of them and serves their lookups, and the checks of
# their constraints when a user or team is deleted, as well. Each index is written
# with every request sent; tests/test_foreign_key_indexes.py checks that
# every one of these stays covered.
NO_OWN_INDEX = ("resident", "municipality", "filed_by", "contact_person", "team")


class HelpRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_requests",
        verbose_name=_("resident"),
        db_index=False,  # see NO_OWN_INDEX
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        related_name="help_requests",
        db_index=False,  # see NO_OWN_INDEX
    )
    neighbourhood = models.ForeignKey(
        "municipalities.Neighbourhood",
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status, default=Status.RECEIVED
    )
    # What is going on, in the resident's own words.
    life_events = ArrayField(
        models.CharField(max_length=30, choices=LifeEvent),
        verbose_name=_("life events"),
    )
    story = models.TextField(_("story"))
    adults = models.PositiveSmallIntegerField(_("adults in the household"), default=1)
    children_ages = ArrayField(
        models.PositiveSmallIntegerField(), default=list, blank=True
    )
    own_strength = models.TextField(_("what you can do yourself"))
    network_help = models.TextField(_("help from people around you"), blank=True)
    urgent_situations = ArrayField(
        models.CharField(max_length=20, choices=UrgentSituation),
        default=list,
        blank=True,
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    postcode = models.CharField(_("postcode"), max_length=7)
    house_number = models.CharField(_("house number"), max_length=10)
    contact_methods = ArrayField(
        models.CharField(max_length=20, choices=ContactMethod),
        verbose_name=_("contact methods"),
    )
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    contact_times = models.CharField(
        _("best times to contact"), max_length=200, blank=True
    )
    privacy_accepted_at = models.DateTimeField()
    # Consent to share with partners and volunteers: `Consent` rows, per purpose and
    # recipient, each with its own end date.
    # Filed on behalf of someone else.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests_filed",
        db_index=False,  # see NO_OWN_INDEX
    )
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=Relationship, blank=True
    )
    subject_name = models.CharField(
        _("name of the person concerned"), max_length=200, blank=True
    )
    subject_email = models.EmailField(_("e-mail of the person concerned"), blank=True)
    subject_consent = models.BooleanField(default=False)
    # Follow-up, set by the caseworker.
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests_as_contact",
        db_index=False,  # see NO_OWN_INDEX
    )
    team = models.ForeignKey(
        "municipalities.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="help_requests",
        db_index=False,  # see NO_OWN_INDEX
    )
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_date = models.DateField(
        _("expected date of the next step"), null=True, blank=True
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    satisfaction_score = models.PositiveSmallIntegerField(null=True, blank=True)
    satisfaction_comment = models.TextField(blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome, blank=True)
    # Raised by every staff edit; a form sent with an older version is refused, so
    # two caseworkers cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1, db_default=1)
    # Full-text search (Dutch configuration) over reference, names and text; kept
    # current by the services that change those fields.
    search_document = SearchVectorField(null=True, editable=False)
    # The earliest due date of the request's running deadlines (not met, not
    # suspended); NULL when none runs. Kept by a trigger on casework_deadline
    # (migration 0010), whatever writes the deadlines, so that the queue counts and
    # sorts on it from its indexes instead of a subquery per request.
    next_due = models.DateField(null=True, editable=False)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [
            models.Index(fields=["resident", "-submitted_at"]),
            models.Index(fields=["filed_by", "-submitted_at"]),
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["contact_person", "status"]),
            models.Index(fields=["team", "status", "-submitted_at"]),
            # The two halves of a team's scope (visible_parts), open requests only:
            # those given to the team, and those not yet given to a team, by
            # neighbourhood. The closed history (most of the table) never enters
            # them. In the queue's order and covering what its counts read, so the
            # counts and the first page are index-only scans.
            models.Index(
                fields=["team", "-submitted_at", "-id"],
                name="help_request_open_team",
                include=["municipality", "contact_person", "next_due"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
            ),
            models.Index(
                fields=["municipality", "neighbourhood", "-submitted_at", "-id"],
                name="help_request_open_unteamed",
                include=["contact_person", "next_due"],
                condition=models.Q(team__isnull=True, status__in=sorted(OPEN_STATUSES)),
            ),
            GinIndex(fields=["search_document"], name="help_request_search"),
            # The follow-up questionnaire's scan: closed requests by closing time.
            models.Index(
                fields=["closed_at"],
                name="help_request_closed_at",
                condition=models.Q(status="closed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction_score__isnull=True)
                | models.Q(satisfaction_score__gte=1, satisfaction_score__lte=10),
                name="help_request_satisfaction_1_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(filed_by__isnull=True) | ~models.Q(relationship=""),
                name="help_request_on_behalf_has_relationship",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        # next_due belongs to the deadline trigger: a full save of an instance read
        # before a deadline changed must not write its old value back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = SAVED_FIELDS
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def refresh_search_document(self) -> None:
        HelpRequest.objects.filter(pk=self.pk).refresh_search_document()

    @staticmethod
    def search_document_sql(
        *, reference_sql: str, names_sql: Sequence[str], words_sql: Sequence[str]
    ) -> str:
        """SQL of the document `refresh_search_document` computes, from the
        reference, names and words given as SQL (columns of the caller's statement):
        written with the INSERT of a new request instead of an UPDATE after it.
        Compiled once per reference and count of values, with all else written in."""
        sql, params, slots = _search_document_template(
            reference_sql, len(names_sql), len(words_sql)
        )
        expressions = [*names_sql, *words_sql]
        markers = [f"\x00search document value {i}" for i in range(len(expressions))]
        sql, rest = write_sql(
            sql,
            bound(params, slots, markers),
            dict(zip(markers, expressions, strict=True)),
        )
        assert not rest, rest
        return sql

    @property
    def first_name(self) -> str:
        """The first name of the person the request is about (the person filed for,
        or the resident); empty when unknown. All a volunteer or partner is told."""
        name = self.subject_name or (self.resident.full_name if self.resident else "")
        return name.split(" ")[0] if name else ""

    def life_event_labels(self) -> list[str]:
        return [str(LifeEvent(value).label) for value in self.life_events]

    def urgent_situation_labels(self) -> list[str]:
        return [str(UrgentSituation(value).label) for value in self.urgent_situations]

    def contact_method_labels(self) -> list[str]:
        return [str(ContactMethod(value).label) for value in self.contact_methods]

    def transition(self, to: str, *, by: User | None, note: str = "") -> None:
        """Change the status along ALLOWED_TRANSITIONS, with a history row."""
        if to not in Status.values or to not in ALLOWED_TRANSITIONS[self.status]:
            raise InvalidTransition(
                _("A request cannot go from %(from)s to %(to)s.")
                % {"from": self.get_status_display(), "to": to}
            )
        StatusChange.objects.create(
            help_request=self, from_status=self.status, to_status=to, by=by, note=note
        )
        self.status = to
        self.closed_at = (
            timezone.now() if to in (Status.CLOSED, Status.WITHDRAWN) else None
        )
        self.save(update_fields=["status", "closed_at"])


# Every column a full save of a HelpRequest writes: all but the primary key and
# next_due (kept by the database).
SAVED_FIELDS = [
    field.name
    for field in HelpRequest._meta.concrete_fields
    if not field.primary_key and field.name != "next_due"
]


class StatusChange(models.Model):
    # No index of its own: the (help_request, at) index leads with it.
    help_request = models.ForeignKey(
        HelpRequest,
        on_delete=models.CASCADE,
        related_name="status_changes",
        db_index=False,
    )
    from_status = models.CharField(max_length=30, choices=Status, blank=True)
    to_status = models.CharField(max_length=30, choices=Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["help_request", "at"])]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class Message(models.Model):
    """A message on a help request; internal notes are never shown to the resident."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    for_resident = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["help_request", "created_at"])]

    def __str__(self) -> str:
        return f"{self.help_request_id}: {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A document stored outside the public paths under a random name."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    draft = models.ForeignKey(
        HelpRequestDraft,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    help_request = models.ForeignKey(
        HelpRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=64, unique=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ConsentPurpose(models.TextChoices):
    REFERRAL = "referral", _("Referral: an organisation gets my question to help me")
    VOLUNTEER_HELP = "volunteer_help", _("Help from a volunteer")


class ConsentRecipient(models.TextChoices):
    COMMUNITY_CENTRES = "community_centres", _("Community centres")
    VOLUNTEERS = (
        "volunteers",
        _("Volunteers of the neighbourhood network and their volunteer organisations"),
    )
    LOCAL_ORGANISATIONS = (
        "local_organisations",
        _("Other local organisations of the social map"),
    )
    ORGANISATION = "organisation", _("One organisation")


class ConsentMethod(models.TextChoices):
    ONLINE = "online", _("Online, by the resident")
    ORALLY = "orally", _("Orally, to the caseworker")


# What a consent for a kind of recipient is for: the community centres and other
# organisations receive a referral, the volunteer network a match or a referral to a
# volunteer organisation that finds one.
PURPOSE_OF_RECIPIENT: dict[str, str] = {
    ConsentRecipient.COMMUNITY_CENTRES: ConsentPurpose.REFERRAL,
    ConsentRecipient.VOLUNTEERS: ConsentPurpose.VOLUNTEER_HELP,
    ConsentRecipient.LOCAL_ORGANISATIONS: ConsentPurpose.REFERRAL,
    ConsentRecipient.ORGANISATION: ConsentPurpose.REFERRAL,
}


def recipient_for_kind(kind: str) -> str:
    """The kind of recipient an organisation of this kind falls under."""
    from networks.models import OrganisationKind

    if kind == OrganisationKind.COMMUNITY_CENTRE:
        return ConsentRecipient.COMMUNITY_CENTRES
    if kind == OrganisationKind.VOLUNTEER_ORGANISATION:
        return ConsentRecipient.VOLUNTEERS
    return ConsentRecipient.LOCAL_ORGANISATIONS


def default_consent_expiry(given_at: datetime | None = None) -> datetime:
    """When a consent given at `given_at` (default: now) expires."""
    return (given_at or timezone.now()) + timedelta(days=settings.CONSENT_VALID_DAYS)


class ConsentQuerySet(models.QuerySet["Consent"]):
    def valid_at(self, at: datetime | None = None) -> ConsentQuerySet:
        """Given, not withdrawn and not yet expired at `at` (default: now)."""
        at = at or timezone.now()
        return self.filter(
            withdrawn_at__isnull=True, given_at__lte=at, expires_at__gt=at
        )

    def covering(self, *, organisation: Organisation | None) -> ConsentQuerySet:
        """The consents under which the resident's details may go to `organisation`
        (a referral) or, without one, to a volunteer (a match). The one rule for
        every place where data leaves for a partner or volunteer."""
        if organisation is None:
            return self.filter(
                purpose=ConsentPurpose.VOLUNTEER_HELP,
                recipient=ConsentRecipient.VOLUNTEERS,
            )
        kind = recipient_for_kind(organisation.kind)
        return self.filter(
            models.Q(recipient=kind, purpose=PURPOSE_OF_RECIPIENT[kind])
            | models.Q(
                recipient=ConsentRecipient.ORGANISATION,
                organisation_id=organisation.pk,
                purpose=ConsentPurpose.REFERRAL,
            )
        )

    def visible_to(self, user: User) -> ConsentQuerySet:
        """Residents: the consents of their own requests (and those filed for
        someone); team roles: those of the requests in their scope."""
        from accounts.models import TEAM_ROLES, Role

        if not user.is_authenticated:
            return self.none()
        if user.role == Role.RESIDENT:
            requests = HelpRequest.objects.for_resident(user)
        elif user.role in TEAM_ROLES:
            requests = HelpRequest.objects.visible_to(user)
        else:
            return self.none()
        return self.filter(help_request__in=requests.values("pk"))


class Consent(models.Model):
    """The resident's consent to share their details with one kind of recipient (or
    one organisation) for one purpose, until `expires_at` or until withdrawn.

    The data subject is the request's resident (or the person it was filed for).
    Sharing is allowed only under a valid consent: `sharing_consent()`."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of its own: the (help_request, purpose, recipient) index leads with it.
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="consents", db_index=False
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose)
    recipient = models.CharField(
        _("recipient"), max_length=30, choices=ConsentRecipient
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("organisation"),
    )
    method = models.CharField(
        _("how it was given"), max_length=10, choices=ConsentMethod
    )
    given_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_consent_expiry)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [
            models.Index(fields=["help_request", "purpose", "recipient"]),
            models.Index(fields=["expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    recipient=ConsentRecipient.ORGANISATION,
                    organisation__isnull=False,
                )
                | (
                    ~models.Q(recipient=ConsentRecipient.ORGANISATION)
                    & models.Q(organisation__isnull=True)
                ),
                name="consent_organisation_only_for_one_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("given_at")),
                name="consent_expires_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.help_request_id} {self.purpose} {self.recipient}"

    @property
    def resident(self) -> User | None:
        return self.help_request.resident

    def state_at(self, at: datetime | None = None) -> str:
        at = at or timezone.now()
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at <= at:
            return "expired"
        return "valid"

    @property
    def state(self) -> str:
        return self.state_at()

    @property
    def valid_until(self) -> date:
        """The last day the consent holds (it ends at the start of the next)."""
        return timezone.localdate(self.expires_at - timedelta(microseconds=1))

    def recipient_label(self) -> str:
        if self.recipient == ConsentRecipient.ORGANISATION and self.organisation:
            return self.organisation.name
        return str(self.get_recipient_display())


def sharing_consent(
    help_request: HelpRequest,
    *,
    organisation: Organisation | None,
    at: datetime | None = None,
) -> Consent | None:
    """The valid consent under which the request's details may go to `organisation`
    (None: to a volunteer), or None: then nothing is shared. One query."""
    return (
        Consent.objects.filter(help_request_id=help_request.pk)
        .valid_at(at)
        .covering(organisation=organisation)
        .order_by("-expires_at")
        .first()
    )


def consented_subquery(
    help_request_ref: str, *, organisation: Organisation | None
) -> models.Exists:
    """For lists: whether the row's request (at `help_request_ref`, an OuterRef
    path) may be shared with `organisation` (None: a volunteer) now."""
    return models.Exists(
        Consent.objects.valid_at()
        .covering(organisation=organisation)
        .filter(help_request_id=models.OuterRef(help_request_ref))
    )


class AccessPurpose(models.TextChoices):
    HANDLE = "handle", _("Handling the request")
    TEAM_OVERVIEW = "team_overview", _("Team lead oversight")
    OUTSIDE_CASELOAD = "outside_caseload", _("Helping a colleague (reason given)")
    DOCUMENT = "document", _("Reading a document")
    EXPORT = "export", _("Export")


class AppendOnlyError(Exception):
    """The access log is append-only for the application."""


class FileAccessQuerySet(models.QuerySet["FileAccess"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(_("The access log cannot be changed."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(_("The access log cannot be deleted from."))

    def purge(self) -> int:
        """Delete these entries: for the retention purge only
        (`privacy.services.purge_personal_data`). Call inside a transaction: the
        database trigger lets a DELETE through only in a transaction that set
        `privacy.purge`, and SET LOCAL ends with it."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL privacy.purge = 'on'")
        try:
            deleted, _rows = models.QuerySet.delete(self)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL privacy.purge = 'off'")
        return deleted


class FileAccess(models.Model):
    """Who looked at a help request, when, on whose behalf and why (NEN 7513-style
    access log). Append-only: the model refuses changes and deletes, and a database
    trigger (privacy migration 0002) refuses UPDATE and DELETE except for the purge.

    The data subject is the request's resident (or the person it was filed for).
    Residents see the date, role and purpose of every look; never the name."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    role = models.CharField(max_length=20)
    # On whose behalf: the user's team (team roles), organisation (partners) and
    # municipality, as they were at the look. PROTECT: a team or organisation with
    # log entries is not deleted (the log cannot be changed to unlink it).
    acting_for_municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    acting_for_team = models.ForeignKey(
        "municipalities.Team", on_delete=models.PROTECT, null=True, related_name="+"
    )
    acting_for_organisation = models.ForeignKey(
        "networks.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    purpose = models.CharField(max_length=20, choices=AccessPurpose)
    # Given when someone opens a request outside their own caseload.
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = FileAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["help_request", "-at"]),
            models.Index(fields=["user", "-at"]),
            # The administrator's search, newest first, a page at a time.
            models.Index(fields=["-at", "-id"], name="fileaccess_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.help_request_id} {self.role} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(_("The access log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(_("The access log cannot be deleted from."))

    @property
    def data_subject(self) -> User | None:
        return self.help_request.resident

    def on_behalf_of(self) -> str:
        """The team, organisation or municipality the user acted for (loaded with
        select_related by the search)."""
        for unit in (
            self.acting_for_team,
            self.acting_for_organisation,
            self.acting_for_municipality,
        ):
            if unit is not None:
                return unit.name
        return ""

    @classmethod
    def record(
        cls, *, help_request: HelpRequest, user: User, purpose: str, reason: str = ""
    ) -> FileAccess:
        return cls.objects.create(
            help_request=help_request,
            user=user,
            role=user.role,
            acting_for_municipality_id=user.municipality_id,
            acting_for_team_id=user.team_id,
            acting_for_organisation_id=user.organisation_id,
            purpose=purpose,
            reason=reason,
        )


class AgreementScale(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, _("Not at all")
    DISAGREE = 2, _("Not really")
    NEUTRAL = 3, _("Somewhat")
    AGREE = 4, _("Mostly")
    STRONGLY_AGREE = 5, _("Completely")


class FollowUpAnswer(models.Model):
    """The resident's answers to the follow-up questionnaire, three months after the
    request was closed: life satisfaction (1-10) and self-reliance statements (1-5).
    The outcome figures read these; one answer per closed request."""

    help_request = models.OneToOneField(
        HelpRequest, on_delete=models.CASCADE, related_name="follow_up"
    )
    life_satisfaction = models.PositiveSmallIntegerField(
        _("How satisfied are you with your life at the moment?")
    )
    manages_daily_life = models.PositiveSmallIntegerField(
        _("I can manage my daily life"), choices=AgreementScale
    )
    knows_where_to_go = models.PositiveSmallIntegerField(
        _("I know where to go when I need help"), choices=AgreementScale
    )
    has_people_around = models.PositiveSmallIntegerField(
        _("I have people around me I can count on"), choices=AgreementScale
    )
    situation_improved = models.PositiveSmallIntegerField(
        _("My situation is better than when I asked for help"),
        choices=AgreementScale,
    )
    comment = models.TextField(_("Anything else you want to tell us?"), blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(life_satisfaction__gte=1, life_satisfaction__lte=10),
                name="follow_up_life_satisfaction_1_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    manages_daily_life__range=(1, 5),
                    knows_where_to_go__range=(1, 5),
                    has_people_around__range=(1, 5),
                    situation_improved__range=(1, 5),
                ),
                name="follow_up_scales_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["answered_at"])]

    def __str__(self) -> str:
        return f"{self.help_request_id}: {self.life_satisfaction}"


@cache
def _search_document_template(
    reference_sql: str, names: int, words: int
) -> tuple[str, tuple[Any, ...], tuple[int | None, ...]]:
    stand_ins = [f"\x00search document value {i}" for i in range(names + words)]
    document = (
        SearchVector(
            RawSQL(reference_sql, (), output_field=models.TextField()),
            weight="A",
            config="dutch",
        )
        + SearchVector(
            *map(models.Value, stand_ins[:names]), weight="A", config="dutch"
        )
        + SearchVector(
            *map(models.Value, stand_ins[names:]), weight="B", config="dutch"
        )
    )
    query = Query(HelpRequest)
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.compile(document.resolve_expression(query))
    # The configuration, the weights and COALESCE's empty text are the same every
    # time: written in, so only the values are parameters.
    sql, kept = write_in(sql, params, slots_of(params, stand_ins))
    return sql, tuple(param for param, _ in kept), tuple(slot for _, slot in kept)
