"""Who may touch what in the neighbourhood network; 404 outside one's relation.

- A partner edits only its own organisation and sees only referrals addressed to it,
  and of those only the open ones (sent or accepted).
- A volunteer coordinator is a partner of a volunteer organisation: they screen the
  volunteers of their municipality.
- A volunteer sees only their own matches, and of a closed match nothing personal.
- The functional admin maintains the social map of their municipality.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from casework.models import Referral, ReferralStatus
from networks.models import (
    OPEN_MATCH_STATUSES,
    Match,
    Organisation,
    OrganisationKind,
    Service,
    Volunteer,
)

OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


def is_coordinator(user: User) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.PARTNER
        and user.organisation is not None
        and user.organisation.kind == OrganisationKind.VOLUNTEER_ORGANISATION
    )


def is_map_maintainer(user: User) -> bool:
    return user.is_authenticated and user.role in (Role.FUNCTIONAL_ADMIN, Role.PARTNER)


def editable_organisations(user: User):  # noqa: ANN201 - a queryset
    """A partner: only its own organisation; the functional admin: their municipality."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.role == Role.PARTNER:
        return Organisation.objects.filter(pk=user.organisation_id)
    if user.role == Role.FUNCTIONAL_ADMIN:
        return Organisation.objects.visible_to(user)
    return Organisation.objects.none()


def get_organisation_to_edit(request: HttpRequest, public_id: UUID) -> Organisation:
    if not is_map_maintainer(request.user):
        raise PermissionDenied
    return get_object_or_404(
        editable_organisations(request.user).select_related("municipality"),
        public_id=public_id,
    )


def get_service_to_edit(request: HttpRequest, public_id: UUID) -> Service:
    if not is_map_maintainer(request.user):
        raise PermissionDenied
    return get_object_or_404(
        Service.objects.filter(
            organisation__in=editable_organisations(request.user)
        ).select_related("organisation"),
        public_id=public_id,
    )


def get_referral_for_partner(request: HttpRequest, public_id: UUID) -> Referral:
    """An open referral addressed to the partner's organisation; a closed one is no
    longer theirs to read."""
    user = request.user
    if user.role != Role.PARTNER:
        raise PermissionDenied
    return get_object_or_404(
        Referral.objects.select_related(
            "organisation", "help_request__neighbourhood", "help_request__resident"
        ),
        public_id=public_id,
        organisation_id=user.organisation_id,
        status__in=OPEN_REFERRAL_STATUSES,
    )


def get_volunteer_to_screen(request: HttpRequest, public_id: UUID) -> Volunteer:
    user = request.user
    if not (is_coordinator(user) or user.role == Role.FUNCTIONAL_ADMIN):
        raise PermissionDenied
    return get_object_or_404(
        Volunteer.objects.filter(municipality_id=user.municipality_id).select_related(
            "user", "neighbourhood"
        ),
        public_id=public_id,
    )


def get_own_volunteer(request: HttpRequest) -> Volunteer | None:
    user = request.user
    if user.role != Role.RESIDENT:
        raise PermissionDenied
    return Volunteer.objects.filter(user=user).select_related("neighbourhood").first()


def get_match_for_volunteer(request: HttpRequest, public_id: UUID) -> Match:
    """One of the volunteer's own open matches."""
    if request.user.role != Role.RESIDENT:
        raise PermissionDenied
    match = (
        Match.objects.for_volunteer(request.user)
        .filter(public_id=public_id, status__in=OPEN_MATCH_STATUSES)
        .select_related("help_request__neighbourhood", "volunteer__user")
        .first()
    )
    if match is None:
        raise Http404
    return match
