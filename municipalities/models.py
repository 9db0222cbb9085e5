"""Municipalities, their districts (wijken) and neighbourhoods (buurten), and teams.

One installation can serve a regional cooperation of several municipalities; staff
see only their own municipality, which every `visible_to` here enforces. A region
groups municipalities (each in at most one region) for the regional manager, who sees
the aggregate figures of every municipality of their region and nothing else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from socialdomain.lib.compiled import PreparedQuery, write_sql

if TYPE_CHECKING:
    from accounts.models import User


class Region(models.Model):
    """A regional cooperation of municipalities (a municipality is in at most one)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def visible_to(self, user: User) -> MunicipalityQuerySet:
        """The user's own municipality; for a regional manager every municipality of
        their region (whose pages show aggregates only)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.municipality_id is None:
            return self.none()
        if getattr(user, "region_id", None) is not None:
            return self.filter(region_id=user.region_id)
        return self.filter(pk=user.municipality_id)


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("Use the CBS format GM0000."))],
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("region"),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(models.QuerySet["District"]):
    def visible_to(self, user: User) -> DistrictQuerySet:
        return self.filter(municipality__in=Municipality.objects.visible_to(user))


class District(models.Model):
    """A wijk, with its CBS code (WK + municipality code + two digits)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^WK\d{6}$", _("Use the CBS format WK000000."))],
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="district_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class NeighbourhoodQuerySet(models.QuerySet["Neighbourhood"]):
    def visible_to(self, user: User) -> NeighbourhoodQuerySet:
        return self.filter(
            district__municipality__in=Municipality.objects.visible_to(user)
        )


class Neighbourhood(models.Model):
    """A buurt, with its CBS code (BU + district code digits + two digits)."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=100)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^BU\d{8}$", _("Use the CBS format BU00000000."))],
    )
    population = models.PositiveIntegerField(_("population"), default=0)

    objects = NeighbourhoodQuerySet.as_manager()

    class Meta:
        ordering = ["district__name", "name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="neighbourhood_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(models.QuerySet["Team"]):
    def visible_to(self, user: User) -> TeamQuerySet:
        return self.filter(municipality__in=Municipality.objects.visible_to(user))


class Team(models.Model):
    """A wijkteam: generalist caseworkers serving one district."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=100)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="team_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.district_id and self.district.municipality_id != self.municipality_id:
            raise ValidationError(
                {"district": _("The district must lie in the team's municipality.")}
            )


class PostcodeAreaQuerySet(models.QuerySet["PostcodeArea"]):
    def place_of(self, postcode: str) -> Place | None:
        """The neighbourhood (and its municipality) of a Dutch postcode ("1781 AB"),
        by its longest known prefix: the full postcode, then five characters, then
        the four digits. One prepared query."""
        rows = _PLACE_OF.rows(*_prefixes(postcode))
        return Place(*rows[0]) if rows else None

    def place_sql(self, postcode_sql: str) -> tuple[str, list[Any]]:
        """`place_of` as SQL and parameters, for a WITH item of a larger statement
        that computes the postcode itself: `postcode_sql` is an SQL expression of
        one value, the postcode as typed and validated ("1781 AB"; its prefixes are
        made as `_prefixes` makes them). At most one row of (neighbourhood id,
        municipality id), in that order."""
        compact = f"upper(replace({postcode_sql}, ' ', ''))"
        markers = [f"\x00postcode prefix {length}" for length in (6, 5, 4)]
        sql, params = _PLACE_OF.sql(*markers)
        return write_sql(
            sql,
            params,
            {
                markers[0]: compact,
                markers[1]: f"left({compact}, 5)",
                markers[2]: f"left({compact}, 4)",
            },
        )


def _prefixes(postcode: str) -> tuple[str, str, str]:
    compact = postcode.replace(" ", "").upper()
    if not POSTCODE.fullmatch(compact):
        raise ValueError(f"not a postcode: {postcode!r}")
    return compact, compact[:5], compact[:4]


class Place(NamedTuple):
    neighbourhood_id: int
    municipality_id: int


POSTCODE = re.compile(r"\d{4}[A-Z]{2}")


class PostcodeArea(models.Model):
    """Maps postcodes (or their first digits/letters) to the neighbourhood they lie in."""

    prefix = models.CharField(
        _("postcode or prefix"),
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(r"^\d{4}([A-Z]{0,2})$", _("Use 1234, 1234A or 1234AB."))
        ],
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.CASCADE,
        related_name="postcode_areas",
        verbose_name=_("neighbourhood"),
    )

    objects = PostcodeAreaQuerySet.as_manager()

    class Meta:
        ordering = ["prefix"]
        verbose_name = _("postcode area")
        verbose_name_plural = _("postcode areas")

    def __str__(self) -> str:
        return self.prefix


_PLACE_OF = PreparedQuery(
    lambda full, five, four: (
        PostcodeArea.objects.filter(prefix__in=[full, five, four])
        .order_by(Length("prefix").desc())
        .values_list("neighbourhood_id", "neighbourhood__district__municipality_id")[:1]
    ),
    "9999ZZ",
    "9999Z",
    "9999",
)
