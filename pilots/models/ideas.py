"""Co-creation (ideas from residents and organisations, support, comments and the
municipality's public answer), interest in a pilot, and the shared library."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.models.register import Pilot, Theme


class IdeaStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    ADOPTED = "adopted", _("Adopted as a pilot")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


# The answers the municipality gives in public; adoption happens by creating a pilot.
ANSWER_STATUSES = (IdeaStatus.UNDER_CONSIDERATION, IdeaStatus.NOT_ADOPTED)


class Idea(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="ideas"
    )
    neighbourhood = models.ForeignKey(
        "municipalities.Neighbourhood",
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("neighbourhood"),
    )
    title = models.CharField(_("your idea in a few words"), max_length=200)
    description = models.TextField(_("tell us more"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="pilot_ideas",
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pilot_ideas",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=IdeaStatus, default=IdeaStatus.SUBMITTED
    )
    answer = models.TextField(_("answer of the municipality"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    support_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "status", "-created_at"]),
            models.Index(fields=["neighbourhood", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def author_label(self) -> str:
        """Who submitted it, as shown in public: an organisation's name, never a
        resident's."""
        if self.organisation_id:
            return self.organisation.name
        return str(_("A resident"))


class IdeaSupport(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "user"], name="idea_support_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} {self.user_id}"


class IdeaComment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_municipality = models.BooleanField(default=False)
    body = models.TextField(_("your reaction"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"])]

    def __str__(self) -> str:
        return f"{self.idea_id} {self.created_at:%Y-%m-%d}"

    @property
    def author_label(self) -> str:
        if self.from_municipality:
            return str(_("The municipality"))
        if self.organisation_id:
            return self.organisation.name
        return str(_("A resident"))


class Interest(models.Model):
    """A resident who wants to join a pilot; the owner follows up."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="interests")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("anything we should know?"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["resident"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "resident"], name="interest_once_per_resident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pilot_id} {self.resident_id}"


class LibraryEntryQuerySet(models.QuerySet["LibraryEntry"]):
    def visible_to(self, user: object) -> LibraryEntryQuerySet:
        """Every member of staff of the installation may read the shared library."""
        if not getattr(user, "is_authenticated", False) or not user.is_portal_staff:
            return self.none()
        return self.all()


class LibraryEntry(models.Model):
    """A pilot published to the shared library: a snapshot of text and anonymised
    aggregates, never a link to participants, so no personal data crosses over."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pilot = models.OneToOneField(
        Pilot, on_delete=models.CASCADE, related_name="library_entry"
    )
    municipality_name = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=30, choices=Theme)
    phase = models.CharField(_("phase"), max_length=20)
    description = models.TextField(_("description"))
    approach = models.TextField(_("approach"))
    lessons = models.TextField(_("lessons"))
    # [{"instrument", "domain", "n", "change", "shown"}]: only aggregates, n >= 5.
    results = models.JSONField(default=list)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    search_document = SearchVectorField(null=True, editable=False)

    objects = LibraryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            GinIndex(fields=["search_document"], name="library_entry_search"),
            models.Index(fields=["theme", "-published_at"]),
        ]

    def __str__(self) -> str:
        return self.title
