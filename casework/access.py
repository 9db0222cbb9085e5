"""Staff access to help requests: only within their team scope; 404 otherwise."""

from django.http import Http404, HttpRequest

from accounts.models import Role
from citizens.models import AccessPurpose, FileAccess, HelpRequest


def get_help_request_for_staff(request: HttpRequest, reference: str) -> HelpRequest:
    """The request if it lies in the user's scope; every look is logged."""
    help_request = (
        HelpRequest.objects.visible_to(request.user)
        .select_related(
            "resident", "filed_by", "neighbourhood", "contact_person", "team"
        )
        .filter(reference=reference)
        .first()
    )
    if help_request is None:
        raise Http404
    FileAccess.objects.create(
        help_request=help_request,
        user=request.user,
        role=request.user.role,
        purpose=(
            AccessPurpose.TEAM_OVERVIEW
            if request.user.role == Role.TEAM_LEAD
            else AccessPurpose.HANDLE
        ),
    )
    return help_request
