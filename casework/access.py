"""Staff access to help requests: only within their team scope; 404 otherwise.

Within the scope, a request outside one's own caseload opens only after the user has
said why (NEN 7513: every look is logged with who, when, which request and why).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import TEAM_ROLES, Role, User
from citizens.models import AccessPurpose, FileAccess, HelpRequest
from socialdomain.lib.compiled import PreparedModels

SESSION_ACCESS_REASONS = "casework_access_reasons"
ACCESS_REASON_VALID_FOR = timedelta(minutes=30)
MAX_REMEMBERED_REASONS = 50


@dataclass(frozen=True)
class AccessReasonNeeded:
    """The request lies in the user's scope but outside their caseload: ask why."""

    reference: str


def is_own_caseload(user: User, help_request: HelpRequest) -> bool:
    """For a request already in the user's scope: theirs when they are its contact
    person or nobody has taken it yet (the team's shared intake); for a team lead
    also when it belongs to their team."""
    if help_request.contact_person_id in (None, user.pk):
        return True
    if user.role != Role.TEAM_LEAD:
        return False
    if help_request.team_id is not None:
        return help_request.team_id == user.team_id
    return help_request.contact_person.team_id == user.team_id


def _by_reference(user: User, reference: str) -> QuerySet[HelpRequest]:
    return (
        HelpRequest.objects.visible_to(user)
        .select_related(
            "resident",
            "filed_by",
            "neighbourhood",
            "contact_person",
            "team",
            "case_state",
            # The triage form and the network page read it.
            "triage",
        )
        .filter(reference=reference)
        .order_by()[:1]
    )


def _team_member_lookup(role: str) -> PreparedModels:
    """The lookup of a team member of `role` (caseworker or team lead of a team
    in a municipality), compiled once per process: its SQL depends only on the
    role, the two ids and the reference (HelpRequestQuerySet.visible_to), and
    every page and form of a request runs it."""
    return PreparedModels(
        lambda reference, municipality_id, team_id: _by_reference(
            User(role=role, municipality_id=municipality_id, team_id=team_id),
            reference,
        ),
        "prepared:reference",
        -7_310_443,
        -7_310_444,
    )


_TEAM_MEMBER_LOOKUPS = {role: _team_member_lookup(role) for role in TEAM_ROLES}


def _in_scope(user: User, reference: str) -> HelpRequest:
    lookup = _TEAM_MEMBER_LOOKUPS.get(user.role)
    if lookup is not None and user.municipality_id and user.team_id:
        found = lookup.instances(reference, user.municipality_id, user.team_id)
    else:
        found = list(_by_reference(user, reference))
    if not found:
        raise Http404
    return found[0]


def remembered_access_reason(request: HttpRequest, reference: str) -> str:
    entry = request.session.get(SESSION_ACCESS_REASONS, {}).get(reference)
    if not entry or entry["until"] <= timezone.now().timestamp():
        return ""
    return entry["reason"]


def give_access_reason(request: HttpRequest, reference: str, reason: str) -> None:
    """Remember why the user opens a request outside their caseload, for 30 minutes,
    so that reloads and the forms on its page do not ask again. 404 outside the
    scope. Nothing is logged here: the look is logged when the request is opened."""
    help_request = _in_scope(request.user, reference)
    if is_own_caseload(request.user, help_request):
        return
    now = timezone.now().timestamp()
    reasons = {
        key: entry
        for key, entry in request.session.get(SESSION_ACCESS_REASONS, {}).items()
        if entry["until"] > now and key != help_request.reference
    }
    reasons[help_request.reference] = {
        "reason": reason,
        "until": now + ACCESS_REASON_VALID_FOR.total_seconds(),
    }
    request.session[SESSION_ACCESS_REASONS] = dict(
        list(reasons.items())[-MAX_REMEMBERED_REASONS:]
    )


def open_help_request_for_staff(
    request: HttpRequest, reference: str
) -> HelpRequest | AccessReasonNeeded:
    """The request if it lies in the user's scope (404 otherwise), with the look
    logged. Outside the user's own caseload only with a reason given in the last
    30 minutes; without one, AccessReasonNeeded and nothing is logged or shown."""
    user = request.user
    help_request = _in_scope(user, reference)
    reason = ""
    if is_own_caseload(user, help_request):
        purpose = (
            AccessPurpose.TEAM_OVERVIEW
            if user.role == Role.TEAM_LEAD
            else AccessPurpose.HANDLE
        )
    else:
        reason = remembered_access_reason(request, help_request.reference)
        if not reason:
            return AccessReasonNeeded(reference=help_request.reference)
        purpose = AccessPurpose.OUTSIDE_CASELOAD
    FileAccess.record(
        help_request=help_request, user=user, purpose=purpose, reason=reason
    )
    return help_request


def get_help_request_for_staff(request: HttpRequest, reference: str) -> HelpRequest:
    """The request if it lies in the user's scope; every look is logged. For the
    forms on the request's page: outside the caseload without a remembered reason
    it is 403, since only the page itself asks for the reason."""
    opened = open_help_request_for_staff(request, reference)
    if isinstance(opened, AccessReasonNeeded):
        raise PermissionDenied(
            _(
                "This request is not in your own caseload. Open it first and say "
                "why you need it."
            )
        )
    return opened


def get_help_request_to_claim(request: HttpRequest, reference: str) -> HelpRequest:
    """A request in the user's scope, for claiming: nothing of it is shown, so no
    reason is asked, and a colleague who was a second faster gets a clear message
    instead of a refusal."""
    return _in_scope(request.user, reference)
