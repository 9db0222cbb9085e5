"""Who may open which draft, request and document. Anything else is a 404."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.models import Role
from citizens.models import (
    AccessPurpose,
    Attachment,
    Consent,
    FileAccess,
    HelpRequest,
    HelpRequestDraft,
)
from socialdomain.lib.compiled import ModelRows, PreparedQuery

SESSION_DRAFTS = "help_request_drafts"

# Every step of asking for help and the send load the draft by its public id: SQL
# compiled once per process (socialdomain/lib/compiled.py), not the ORM each time.
_DRAFTS = ModelRows(HelpRequestDraft)
_DRAFT_BY_PUBLIC_ID = PreparedQuery(
    lambda public_id: HelpRequestDraft.objects.filter(public_id=public_id).values_list(
        *_DRAFTS.columns
    ),
    UUID("5eed0000-0000-4000-8000-00000000d4af"),
)


def remember_draft(request: HttpRequest, draft: HelpRequestDraft) -> None:
    drafts = request.session.get(SESSION_DRAFTS, [])
    if str(draft.public_id) not in drafts:
        request.session[SESSION_DRAFTS] = [*drafts[-9:], str(draft.public_id)]


def get_draft_for_request(request: HttpRequest, public_id: UUID) -> HelpRequestDraft:
    """The owner's draft, or an ownerless draft started in this browser session."""
    rows = _DRAFT_BY_PUBLIC_ID.rows(public_id)
    if not rows:
        raise Http404
    draft: HelpRequestDraft = _DRAFTS.instance(rows[0])
    user = request.user
    if draft.owner_id is not None:
        if user.is_authenticated and draft.owner_id == user.pk:
            return draft
        raise Http404
    if started_in_session(request, draft.public_id):
        return draft
    raise Http404


def started_in_session(request: HttpRequest, public_id: UUID) -> bool:
    """Whether the draft `public_id` was started in this browser session (an
    ownerless draft is only this session's)."""
    return str(public_id) in request.session.get(SESSION_DRAFTS, [])


def get_help_request_for_resident(request: HttpRequest, reference: str) -> HelpRequest:
    help_request = (
        HelpRequest.objects.for_resident(request.user)
        .select_related("contact_person__team", "team", "neighbourhood")
        .filter(reference=reference)
        .first()
    )
    if help_request is None:
        raise Http404
    return help_request


def get_attachment_for_user(request: HttpRequest, public_id: UUID) -> Attachment:
    """The resident of the request, the uploader of a draft document, or staff whose
    scope holds the request may download a document; staff downloads are logged."""
    attachment = (
        Attachment.objects.select_related("help_request", "draft")
        .filter(public_id=public_id)
        .first()
    )
    user = request.user
    if attachment is None or not user.is_authenticated:
        raise Http404
    help_request = attachment.help_request
    if help_request is None:
        if attachment.uploaded_by_id == user.pk:
            return attachment
        raise Http404
    if HelpRequest.objects.for_resident(user).filter(pk=help_request.pk).exists():
        return attachment
    if HelpRequest.objects.visible_to(user).filter(pk=help_request.pk).exists():
        # The same rule as opening the request: outside one's own caseload only with
        # the reason given on the request's page.
        from casework.access import is_own_caseload, remembered_access_reason

        reason = ""
        if not is_own_caseload(user, help_request):
            reason = remembered_access_reason(request, help_request.reference)
            if not reason:
                raise PermissionDenied
        FileAccess.record(
            help_request=help_request,
            user=user,
            purpose=AccessPurpose.DOCUMENT,
            reason=reason,
        )
        return attachment
    raise Http404


def get_consent_for_resident(
    request: HttpRequest, reference: str, public_id: UUID
) -> Consent:
    """A consent of one of the resident's own requests (or one filed for someone)."""
    consent = (
        Consent.objects.visible_to(request.user)
        .filter(help_request__reference=reference, public_id=public_id)
        .select_related("organisation")
        .first()
    )
    if consent is None or request.user.role != Role.RESIDENT:
        raise Http404
    return consent
