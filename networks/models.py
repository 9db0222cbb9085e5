"""Organisations in the neighbourhood network (the social map grows from here)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import models
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


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User) -> OrganisationQuerySet:
        return self.filter(municipality__in=Municipality.objects.visible_to(user))


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
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("neighbourhood"),
    )

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

    def __str__(self) -> str:
        return self.name
