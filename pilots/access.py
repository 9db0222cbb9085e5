"""Access to pilots: staff of the pilot's municipality only (404 otherwise); readers
(aldermen) get 403 on anything that changes a pilot."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Role
from pilots.models import MANAGER_ROLES, Idea, Participant, Pilot


def get_pilot_for_user(
    request: HttpRequest, public_id: UUID, *, write: bool = False
) -> Pilot:
    pilot = get_object_or_404(
        Pilot.objects.visible_to(request.user).select_related(
            "owner", "idea", "municipality"
        ),
        public_id=public_id,
    )
    if write and request.user.role not in MANAGER_ROLES:
        raise PermissionDenied
    return pilot


def get_participant_for_user(
    request: HttpRequest, pilot: Pilot, public_id: UUID
) -> Participant:
    return get_object_or_404(pilot.participants.all(), public_id=public_id)


def get_idea_to_answer(request: HttpRequest, public_id: UUID) -> Idea:
    """An idea of the user's municipality, for pilot owners and functional admins."""
    user = request.user
    if user.role not in MANAGER_ROLES:
        raise PermissionDenied
    return get_object_or_404(
        Idea.objects.select_related("neighbourhood"),
        public_id=public_id,
        municipality_id=user.municipality_id,
    )


def get_own_participation(request: HttpRequest, public_id: UUID) -> Participant:
    """A resident's own participation; anyone else's is 404."""
    if request.user.role != Role.RESIDENT:
        raise Http404
    return get_object_or_404(
        Participant.objects.of_resident(request.user).select_related("pilot"),
        public_id=public_id,
    )
