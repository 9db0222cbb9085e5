"""Workflows around help requests: drafts, confirming the e-mail address, sending."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.forms import Form
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from citizens import uploads
from citizens.forms import ConsentForm, ContactForm, ForWhomForm
from citizens.models import (
    PURPOSE_OF_RECIPIENT,
    Attachment,
    Consent,
    ConsentMethod,
    ConsentRecipient,
    FollowUpAnswer,
    HelpRequest,
    HelpRequestDraft,
    Message,
    Outcome,
    ReferenceCounter,
    Status,
)
from citizens.reminders import (
    FollowInvitation,
    HelpRequestReceived,
    MessageForContactPerson,
    MessageForResident,
)
from citizens.steps import STEPS, Step
from networks.models import Organisation
from notifications import outbox

CONFIRMATION_SALT = "citizens.draft-email-confirmation"
CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3  # three days


class MessageRefused(Exception):
    pass


class DraftIncomplete(Exception):
    def __init__(self, step: Step) -> None:
        super().__init__(step.slug)
        self.step = step


def bound_form(draft: HelpRequestDraft, step: Step) -> Form:
    return step.form_class(data=draft.answers_for(step.slug) or None)


def first_incomplete_step(draft: HelpRequestDraft) -> Step | None:
    for step in STEPS:
        form = bound_form(draft, step)
        if not form.is_bound or not form.is_valid():
            return step
    return None


def cleaned_answers(draft: HelpRequestDraft) -> dict[str, Any]:
    """All answers, validated again as they would be on the form, and the
    neighbourhood of the postcode; raises DraftIncomplete for the first step that is
    missing or no longer valid."""
    answers: dict[str, Any] = {}
    for step in STEPS:
        form = bound_form(draft, step)
        if not form.is_bound or not form.is_valid():
            raise DraftIncomplete(step)
        answers.update(form.cleaned_data)
        if isinstance(form, ContactForm):
            answers["neighbourhood"] = form.neighbourhood
    return answers


def draft_start(*, owner: User | None) -> HelpRequestDraft:
    return HelpRequestDraft.objects.create(
        owner=owner if owner and owner.is_authenticated else None
    )


def draft_request_confirmation(
    *, draft: HelpRequestDraft, email: str, remind_me: bool, language: str
) -> None:
    """Mail a link that confirms the address and ties the draft to that account."""
    draft.email = email
    draft.remind_me = remind_me
    draft.save(update_fields=["email", "remind_me", "updated_at"])
    token = signing.dumps(
        {"draft": str(draft.public_id), "email": email}, salt=CONFIRMATION_SALT
    )
    from citizens import tasks  # the Celery client only where a task is queued

    tasks.send_draft_confirmation.delay_on_commit(draft.pk, token, language)


def draft_set_reminder(*, draft: HelpRequestDraft, remind_me: bool) -> None:
    """A signed-in resident asks (or stops asking) for a nudge about this draft."""
    draft.remind_me = remind_me
    draft.save(update_fields=["remind_me", "updated_at"])


class FollowUpAlreadyAnswered(Exception):
    pass


def follow_up_answer(
    *, help_request: HelpRequest, answers: dict[str, Any]
) -> FollowUpAnswer:
    """Store the questionnaire once per closed request; a second send is refused."""
    try:
        with transaction.atomic():
            return FollowUpAnswer.objects.create(help_request=help_request, **answers)
    except IntegrityError as error:
        raise FollowUpAlreadyAnswered from error


class ConfirmationRefused(Exception):
    pass


def _resident_for_link(*, email: str, full_name: str, language: str) -> User:
    """The resident account for an address proved by an e-mailed link; made when new.

    Staff log in with their password (and later a second factor), never by link."""
    users = get_user_model().objects
    user = users.filter(email__iexact=email).first()
    if user is None:
        return users.create_user(
            email,
            None,
            full_name=" ".join(full_name.split())[:200],
            role=Role.RESIDENT,
            language=language,
        )
    if user.role != Role.RESIDENT or not user.is_active:
        raise ConfirmationRefused(
            _(
                "This address belongs to an account that cannot log in by link. "
                "Log in with your password."
            )
        )
    return user


def draft_confirm_email(*, token: str, language: str) -> tuple[User, HelpRequestDraft]:
    """Check the link and return the resident (created when new) and their draft."""
    try:
        payload = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ConfirmationRefused(
            _("This link is too old. Ask for a new one on the last step.")
        ) from None
    except signing.BadSignature:
        raise ConfirmationRefused(_("This link is not valid.")) from None
    with transaction.atomic():
        draft = (
            HelpRequestDraft.objects.select_for_update()
            .filter(public_id=payload["draft"], email=payload["email"])
            .first()
        )
        if draft is None:
            raise ConfirmationRefused(_("This link is not valid."))
        if draft.owner_id is not None or draft.submitted_request_id:
            # The link logs in once; after that the resident logs in normally.
            raise ConfirmationRefused(
                _(
                    "This link has been used already. Log in to go on. No password "
                    'yet? Choose one with "Forgot your password?".'
                )
            )
        name = draft.answers_for("contact").get("full_name", "")
        user = _resident_for_link(
            email=payload["email"], full_name=str(name), language=language
        )
        draft.owner = user
        draft.save(update_fields=["owner", "updated_at"])
        Attachment.objects.filter(draft=draft, uploaded_by=None).update(
            uploaded_by=user
        )
    return user, draft


class _AlreadySubmitted(Exception):
    """Another submission of the draft committed first: roll this one back."""


# The draft becomes the request only if no other submission took it first (the
# conditional UPDATE waits for that one's row lock and then sees its result); its
# documents and the first status change go with it, in one statement.
CLAIM_DRAFT_SQL = """
WITH claimed AS (
    UPDATE citizens_helprequestdraft
       SET submitted_request_id = %(request)s, updated_at = %(now)s
     WHERE id = %(draft)s AND submitted_request_id IS NULL
    RETURNING id
), documents AS (
    UPDATE citizens_attachment SET help_request_id = %(request)s
     WHERE draft_id IN (SELECT id FROM claimed)
), history AS (
    INSERT INTO citizens_statuschange
           (help_request_id, from_status, to_status, by_id, note, at)
    SELECT %(request)s, '', %(status)s, %(by)s, '', %(now)s FROM claimed
)
SELECT count(*) FROM claimed
"""


def help_request_submit(*, draft: HelpRequestDraft, user: User) -> HelpRequest:
    """Turn a complete draft into exactly one help request.

    Idempotent: a double click, a resubmitted form or a retried request finds the
    request the draft already became. Two at the same time both write a request,
    but only the first to claim the draft commits (CLAIM_DRAFT_SQL); the other
    rolls back everything it wrote, reference number included, and returns the
    first one's request.
    """
    if draft.submitted_request_id:
        return draft.submitted_request
    answers = cleaned_answers(draft)
    try:
        with transaction.atomic():
            return _write_help_request(draft=draft, user=user, answers=answers)
    except _AlreadySubmitted:
        return HelpRequest.objects.get(draft=draft.pk)


def _write_help_request(
    *, draft: HelpRequestDraft, user: User, answers: dict[str, Any]
) -> HelpRequest:
    neighbourhood = answers["neighbourhood"]
    on_behalf = answers["for_whom"] == ForWhomForm.SOMEONE_ELSE
    now = timezone.now()
    if not user.full_name:
        user.full_name = answers["full_name"]
        user.save(update_fields=["full_name"])
    resident = None if on_behalf else user
    reference = ReferenceCounter.next_reference(timezone.localdate(now).year)
    help_request = HelpRequest.objects.create(
        reference=reference,
        resident=resident,
        filed_by=user if on_behalf else None,
        relationship=answers["relationship"],
        subject_name=answers["subject_name"],
        subject_email=answers["subject_email"],
        subject_consent=answers["subject_consent"],
        municipality_id=neighbourhood.district.municipality_id,
        neighbourhood=neighbourhood,
        life_events=answers["life_events"],
        story=answers["story"],
        adults=answers["adults"],
        children_ages=answers["children_ages"],
        own_strength=answers["own_strength"],
        network_help=answers["network_help"],
        urgent_situations=answers["urgent_situations"],
        is_urgent=bool(answers["urgent_situations"]),
        postcode=answers["postcode"],
        house_number=answers["house_number"],
        contact_methods=answers["contact_methods"],
        phone=answers["phone"],
        contact_times=answers["contact_times"],
        privacy_accepted_at=now,
        submitted_at=now,
        search_document=HelpRequest.search_document_of(
            reference=reference,
            names=[resident.full_name if resident else "", answers["subject_name"]],
            words=[
                answers["story"],
                answers["own_strength"],
                answers["network_help"],
            ],
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_DRAFT_SQL,
            {
                "request": help_request.pk,
                "now": now,
                "draft": draft.pk,
                "status": Status.RECEIVED,
                "by": user.pk,
            },
        )
        if not cursor.fetchone()[0]:
            raise _AlreadySubmitted
    for answer, recipient in ConsentForm.SHARING.items():
        if answers[answer]:
            consent_give(
                help_request=help_request,
                recipient=recipient,
                method=ConsentMethod.ONLINE,
                by=user,
                given_at=now,
            )
    # The e-mails are outbox rows in this transaction: they exist exactly when the
    # request does, and go out even when the broker is down right now.
    outbox.enqueue(
        kind=HelpRequestReceived(),
        object_id=help_request.pk,
        recipient=user,
        municipality_id=help_request.municipality_id,
    )
    if on_behalf and help_request.subject_email:
        outbox.enqueue(
            kind=FollowInvitation(),
            object_id=help_request.pk,
            address=help_request.subject_email,
            municipality_id=help_request.municipality_id,
        )
    return help_request


INVITATION_SALT = "citizens.follow-invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 30


def follow_invitation_token(help_request: HelpRequest) -> str:
    return signing.dumps(
        {"request": str(help_request.public_id), "email": help_request.subject_email},
        salt=INVITATION_SALT,
    )


def help_request_accept_invitation(
    *, token: str, language: str
) -> tuple[User, HelpRequest]:
    """The person a request was filed for takes it over and can follow it."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        raise ConfirmationRefused(_("This link is not valid or too old.")) from None
    with transaction.atomic():
        help_request = (
            HelpRequest.objects.select_for_update()
            .filter(public_id=payload["request"], subject_email=payload["email"])
            .first()
        )
        if help_request is None or help_request.resident_id is not None:
            raise ConfirmationRefused(_("This link is not valid or has been used."))
        user = _resident_for_link(
            email=payload["email"],
            full_name=help_request.subject_name,
            language=language,
        )
        help_request.resident = user
        help_request.save(update_fields=["resident"])
    return user, help_request


def help_request_withdraw(*, help_request: HelpRequest, by: User) -> None:
    """Withdraw an open request; a second click (or a closed request) changes nothing."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if not locked.is_open:
            return
        locked.transition(Status.WITHDRAWN, by=by, note=_("Withdrawn by the resident"))
        locked.outcome = Outcome.WITHDRAWN
        locked.save(update_fields=["outcome"])


def message_post(
    *,
    help_request: HelpRequest,
    author: User,
    body: str,
    for_resident: bool = True,
    document: UploadedFile | None = None,
) -> Message:
    """Add a message, with a document if given. The resident (and whoever filed the
    request) hears of a message for them by e-mail, the contact person of one from
    the resident: outbox rows in the message's transaction, so the notice exists
    exactly when the message does and goes out even when the broker is down. A
    withdrawn request takes no messages."""
    if help_request.status == Status.WITHDRAWN:
        raise MessageRefused(_("This request has been withdrawn."))
    stored = None
    if document is not None:
        content_type = uploads.check_upload(document)
        stored = (content_type, *uploads.store(document))
    with transaction.atomic():
        message = Message.objects.create(
            help_request=help_request,
            author=author,
            body=body,
            for_resident=for_resident,
        )
        if stored is not None:
            content_type, storage_name, size = stored
            Attachment.objects.create(
                help_request=help_request,
                message=message,
                uploaded_by=author,
                original_name=uploads.safe_name(document.name or ""),
                content_type=content_type,
                size=size,
                storage_name=storage_name,
            )
        if author.role != Role.RESIDENT and for_resident:
            kind, recipients = (
                MessageForResident(),
                [
                    help_request.resident,
                    help_request.filed_by,
                ],
            )
        elif author.role == Role.RESIDENT:
            kind, recipients = MessageForContactPerson(), [help_request.contact_person]
        else:
            recipients = []
        for person in {p for p in recipients if p is not None}:
            outbox.enqueue(
                kind=kind,
                object_id=message.pk,
                recipient=person,
                municipality_id=help_request.municipality_id,
            )
    return message


class AlreadyRated(Exception):
    pass


def help_request_rate(
    *, help_request: HelpRequest, by: User, score: int, comment: str, reopen: bool
) -> None:
    """Record the resident's satisfaction once; a low score may reopen the request."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if locked.status != Status.CLOSED or locked.satisfaction_score is not None:
            raise AlreadyRated
        locked.satisfaction_score = score
        locked.satisfaction_comment = comment
        locked.save(update_fields=["satisfaction_score", "satisfaction_comment"])
        if reopen:
            locked.transition(
                Status.IN_REVIEW, by=by, note=_("Reopened at the resident's request")
            )


def consent_give(
    *,
    help_request: HelpRequest,
    recipient: str,
    method: str,
    by: User,
    organisation: Organisation | None = None,
    given_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Consent:
    """Record the resident's consent to share with `recipient` (a kind of recipient,
    or one `organisation`); its purpose follows from the recipient, and it lasts
    CONSENT_VALID_DAYS unless an end is given. A consent given orally goes into the
    case timeline for the team."""
    given_at = given_at or timezone.now()
    consent = Consent.objects.create(
        help_request=help_request,
        purpose=PURPOSE_OF_RECIPIENT[recipient],
        recipient=recipient,
        organisation=organisation
        if recipient == ConsentRecipient.ORGANISATION
        else None,
        method=method,
        given_at=given_at,
        expires_at=expires_at or given_at + timedelta(days=settings.CONSENT_VALID_DAYS),
        recorded_by=by,
    )
    if method == ConsentMethod.ORALLY:
        Message.objects.create(
            help_request=help_request,
            author=by,
            for_resident=False,
            body=_("Consent recorded (given orally): %(recipient)s, until %(until)s.")
            % {
                "recipient": consent.recipient_label(),
                "until": consent.valid_until.strftime("%d-%m-%Y"),
            },
        )
    return consent


def consent_withdraw(*, consent: Consent, by: User) -> bool:
    """Withdraw a consent from now on; False when it was withdrawn already. Partners
    and volunteers stop seeing the resident's details at once (every page checks
    `sharing_consent`); the team reads it in the case timeline."""
    now = timezone.now()
    changed = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=by
    )
    if changed:
        consent.withdrawn_at, consent.withdrawn_by = now, by
        Message.objects.create(
            help_request_id=consent.help_request_id,
            author=by,
            for_resident=False,
            body=_("Consent withdrawn: %(recipient)s. Nothing more is shared.")
            % {"recipient": consent.recipient_label()},
        )
    return bool(changed)
