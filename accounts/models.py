"""Users log in with their e-mail address and have exactly one role.

Staff belong to one municipality and see only its data. Caseworkers and team leads
also belong to a team; partners to an organisation; a regional manager to a region
(that holds their own municipality) and sees the aggregate figures of its
municipalities. The database enforces this.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    CASEWORKER = "caseworker", _("Caseworker")
    TEAM_LEAD = "team_lead", _("Team lead")
    PARTNER = "partner", _("Partner")
    PILOT_OWNER = "pilot_owner", _("Pilot owner")
    ALDERMAN = "alderman", _("Alderman or manager")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functional administrator")


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT}
TEAM_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_LEAD})
# Roles that read the dashboards (aggregates only, never a person).
DASHBOARD_ROLES = frozenset({Role.ALDERMAN, Role.REGIONAL_MANAGER})


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: User) -> UserQuerySet:
        """Accounts a user may see: their own, and staff of their scope."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.role == Role.FUNCTIONAL_ADMIN:
            return self.filter(municipality_id=user.municipality_id).exclude(
                role=Role.RESIDENT
            )
        if user.role == Role.TEAM_LEAD:
            return self.filter(
                Q(pk=user.pk) | Q(team_id=user.team_id, role__in=TEAM_ROLES)
            )
        return self.filter(pk=user.pk)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(
        self, email: str, password: str | None = None, **fields: Any
    ) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # Addresses are stored in lower case; people type them in any case.
        return self.get(email__iexact=username or "")

    def create_superuser(self, email: str, password: str, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("role", Role.FUNCTIONAL_ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role, default=Role.RESIDENT
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
    )
    team = models.ForeignKey(
        "municipalities.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    organisation = models.ForeignKey(
        "networks.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        "municipalities.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managers",
        verbose_name=_("region"),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Access to Django's admin site only; portal access follows from the role.
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Raised when the second factor is reset; part of the session auth hash, so that
    # every session of the user ends (accounts.two_factor.reset_second_factor).
    two_factor_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["municipality", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.RESIDENT) | Q(municipality__isnull=False),
                name="user_staff_has_municipality",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=TEAM_ROLES) | Q(team__isnull=False),
                name="user_team_role_has_team",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.PARTNER) | Q(organisation__isnull=False),
                name="user_partner_has_organisation",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role=Role.REGIONAL_MANAGER, region__isnull=False)
                    | (~Q(role=Role.REGIONAL_MANAGER) & Q(region__isnull=True))
                ),
                name="user_region_iff_regional_manager",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        base = super().get_session_auth_hash()
        if not self.two_factor_epoch:
            return base
        return f"{base}.{self.two_factor_epoch}"

    @property
    def is_portal_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()
        errors: dict[str, Any] = {}
        if self.role != Role.RESIDENT and self.municipality_id is None:
            errors["municipality"] = _("Staff belong to a municipality.")
        if self.role in TEAM_ROLES and self.team_id is None:
            errors["team"] = _("Caseworkers and team leads belong to a team.")
        if self.role == Role.PARTNER and self.organisation_id is None:
            errors["organisation"] = _("Partners belong to an organisation.")
        if self.role == Role.REGIONAL_MANAGER and self.region_id is None:
            errors["region"] = _("Regional managers belong to a region.")
        if self.role != Role.REGIONAL_MANAGER and self.region_id is not None:
            errors["region"] = _("Only regional managers belong to a region.")
        if (
            self.region_id
            and self.municipality_id
            and self.municipality.region_id != self.region_id
        ):
            errors["region"] = _("The region must hold the user's municipality.")
        if self.team_id and self.team.municipality_id != self.municipality_id:
            errors["team"] = _("The team must belong to the user's municipality.")
        if (
            self.organisation_id
            and self.organisation.municipality_id != self.municipality_id
        ):
            errors["organisation"] = _(
                "The organisation must belong to the user's municipality."
            )
        if errors:
            raise ValidationError(errors)

    def set_language(self, language: str) -> None:
        if language in dict(settings.LANGUAGES) and language != self.language:
            self.language = language
            self.save(update_fields=["language"])


class SecurityEventKind(models.TextChoices):
    ROLE_CHANGED = "role_changed", _("Role or team changed")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor authentication reset")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Authenticator app set up")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Recovery codes renewed")


class SecurityEventQuerySet(models.QuerySet["SecurityEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Security events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Security events cannot be deleted.")

    def purge(self) -> int:
        """Delete these events: for the retention purge only
        (`privacy.services.purge_personal_data`)."""
        deleted, _rows = models.QuerySet.delete(self)
        return deleted


# What a role change records, with the words the administrator reads.
CHANGE_LABELS = {
    "role": _("Role"),
    "team": _("Team"),
    "organisation": _("Organisation"),
}


class SecurityEvent(models.Model):
    """Who changed what about whose account, and when (role and team changes,
    second-factor resets and enrolments). Append-only for the application; `details`
    holds the old and new values (role codes and team names, never personal data
    beyond the accounts involved)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=30, choices=SecurityEventKind)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="security_actions",
        verbose_name=_("by"),
    )
    subject = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="security_events",
        verbose_name=_("account"),
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    details = models.JSONField(default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Security events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Security events cannot be deleted.")

    def changes(self) -> list[tuple[str, str, str]]:
        """(what, before, after) of a role change, roles by their label."""

        def shown(key: str, value: str) -> str:
            if key == "role" and value in Role.values:
                return str(Role(value).label)
            return value

        return [
            (str(CHANGE_LABELS.get(key, key)), shown(key, old), shown(key, new))
            for key, (old, new) in self.details.items()
        ]


class LoginSession(AbstractBaseSession):
    """Django's database session with the id of its logged-in user as a column
    (written from the session's data whenever it is saved), so that the one query
    that loads the session brings the user's row with it (accounts/sessions.py).
    Deleting a user ends their sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        from accounts.sessions import SessionStore

        return SessionStore
