"""Workflows around help requests: drafts, confirming the e-mail address, sending."""

from __future__ import annotations

import hashlib
import inspect
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import django
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, JSONField, Value
from django.db.models.expressions import CombinedExpression
from django.forms import Form
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from citizens import uploads
from citizens.forms import ConsentForm, ContactForm, ContactFormAtSend, ForWhomForm
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
    StatusChange,
    default_consent_expiry,
)
from citizens.reminders import (
    FollowInvitation,
    HelpRequestReceived,
    MessageForContactPerson,
    MessageForResident,
)
from citizens.steps import STEPS, Step, step_by_slug
from municipalities.models import PostcodeArea
from networks.models import Organisation
from notifications import outbox
from socialdomain.lib.compiled import literal, numbered, preparing_cursor
from socialdomain.lib.inserts import Literal, insert_values, new_instance
from socialdomain.lib.validation import validating

CONFIRMATION_SALT = "citizens.draft-email-confirmation"
CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3  # three days


class MessageRefused(Exception):
    pass


class DraftIncomplete(Exception):
    def __init__(self, step: Step) -> None:
        super().__init__(step.slug)
        self.step = step


def bound_form(
    draft: HelpRequestDraft, step: Step, form_class: type[Form] | None = None
) -> Form:
    """The step's form (or `form_class`) bound to the draft's answers, for
    validating only (it shares the class's fields: socialdomain/lib/validation.py)."""
    form_class = form_class or step.form_class
    return validating(form_class, draft.answers_for(step.slug) or None)


def first_incomplete_step(draft: HelpRequestDraft) -> Step | None:
    for step in STEPS:
        form = bound_form(draft, step)
        if not form.is_bound or not form.is_valid():
            return step
    return None


# The send checks the contact step without looking up the postcode's place: its
# one statement does (`_submission`).
_AT_SEND = {ContactForm: ContactFormAtSend}


def _rules_stamp() -> str:
    """What the steps' cleaned values depend on besides the answers: the forms'
    code, the values their choices allow and Django's version. Values checked
    under another stamp (before a deploy that changed any of these) are checked
    again at send. The same in every process of one release."""
    digest = hashlib.sha256(django.get_version().encode())
    digest.update(Path(inspect.getfile(ForWhomForm)).read_bytes())
    for step in STEPS:
        for name, field in step.form_class.base_fields.items():
            choices = [str(value) for value, _label in getattr(field, "choices", ())]
            digest.update(
                repr((step.slug, name, type(field).__name__, choices)).encode()
            )
    return digest.hexdigest()[:16]


RULES = _rules_stamp()


def _checked(step: Step, raw: dict[str, Any]) -> dict[str, Any] | None:
    """The step's answers `raw` validated as the send validates them: the cleaned
    values with the rules' stamp, or None when they are not valid."""
    form = validating(_AT_SEND.get(step.form_class, step.form_class), raw or None)
    if not form.is_bound or not form.is_valid():
        return None
    return {"rules": RULES, "values": form.cleaned_data}


def draft_save_step(
    *, draft: HelpRequestDraft, step: Step, raw: dict[str, Any]
) -> None:
    """Keep what was typed in a step, valid or not, and what it is valid with."""
    draft.save_answers(step.slug, raw, checked=_checked(step, raw))


def checked_steps(answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The `checked` of a draft holding `answers` (per step slug), as
    `draft_save_step` keeps it step by step: for drafts made at once (the bench)."""
    checked = {step.slug: _checked(step, answers.get(step.slug, {})) for step in STEPS}
    return {slug: values for slug, values in checked.items() if values is not None}


def checked_again(draft: HelpRequestDraft) -> dict[str, Any]:
    """The `checked` of each step of `draft` that has no values checked under the
    current rules (saved before a deploy that changed them, or not through
    `draft_save_step`), checked now; raises DraftIncomplete for the first step that
    is missing or no longer valid. A step saved through `draft_save_step` under the
    current rules keeps the values it was checked with then (validating the seven
    steps again was a fifth of a submission's time)."""
    fresh: dict[str, Any] = {}
    for step in STEPS:
        checked = draft.checked.get(step.slug)
        if checked is None or checked.get("rules") != RULES:
            checked = _checked(step, draft.answers_for(step.slug))
            if checked is None:
                raise DraftIncomplete(step)
            fresh[step.slug] = checked
    return fresh


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


def help_request_send(
    *, public_id: UUID, user: User, in_session: bool
) -> HelpRequest | None:
    """Send the draft `public_id` as `help_request_submit` does, without loading it
    first: the one statement reads the values the steps were checked with from the
    draft itself. Only a draft of `user`, or an ownerless one started in this
    browser session (`in_session`). None when it wrote nothing: the draft is not
    theirs or not there, was sent already, has a step not checked under the
    current rules, or its postcode has no place; `help_request_submit` tells which
    (and checks such steps again)."""
    return _send(public_id=public_id, user=user, in_session=in_session, access=False)


def help_request_submit(*, draft: HelpRequestDraft, user: User) -> HelpRequest:
    """Turn a complete draft into exactly one help request, with its reference
    number at once.

    One statement (`_submission`), so atomic without a transaction of its own: the
    draft is claimed only if no other submission took it first (the conditional
    UPDATE waits for that one's row lock and then sees its result), and everything
    else is written from the claimed row and the values its steps were checked
    with: the year's next reference number, the request, its documents, its first
    status change, the consents, the resident's name, the receipt and invitation
    e-mails in the outbox (so they go out even when the broker is down right now)
    and the NOTIFY that wakes a worker at commit. Steps not checked under the
    current rules are checked again first (`checked_again`) and kept so.

    Idempotent: a double click, a resubmitted form or a retried request finds the
    request the draft already became; a submission that lost the race wrote
    nothing, not even a reference number.
    """
    if draft.submitted_request_id:
        return draft.submitted_request
    fresh = checked_again(draft)
    if fresh:  # kept with the draft (these steps only): the statement reads them
        HelpRequestDraft.objects.filter(pk=draft.pk).update(
            checked=CombinedExpression(
                F("checked"), "||", Value(fresh, output_field=JSONField())
            )
        )
    help_request = _send(public_id=draft.public_id, user=user, access=True)
    if help_request is not None:
        return help_request
    # Sent already, deleted meanwhile, or no place for the postcode.
    sent = HelpRequest.objects.filter(draft=draft.pk).first()
    if sent is not None:
        return sent
    if not HelpRequestDraft.objects.filter(pk=draft.pk).exists():
        raise HelpRequestDraft.DoesNotExist
    contact = step_by_slug("contact")
    assert contact is not None
    raise DraftIncomplete(contact)


def _send(
    *, public_id: UUID, user: User, in_session: bool = False, access: bool
) -> HelpRequest | None:
    """Run the submission; `access` when the caller has checked that the user may
    send the draft (else only their own, or an ownerless one `in_session`)."""
    now = timezone.now()
    inputs = {
        "public_id": public_id,
        "access": access,
        "in_session": in_session,
        "user_id": user.pk,
        "user_name": user.full_name,
        "now": now,
        "year": timezone.localdate(now).year,
        "consent_expires": default_consent_expiry(now),
        "channel": outbox.WAKE_CHANNEL,
    }
    with preparing_cursor(raw=True) as cursor:
        cursor.execute(
            _submission(named=bool(user.full_name)), [inputs[name] for name in INPUT]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    names = _returned()
    # The search document (computed by the database) is deferred: read when asked.
    help_request = new_instance(
        HelpRequest,
        {},
        dict(zip(names, row[: len(names)], strict=True)),
        computed=("search_document",),
    )
    HelpRequest._meta.get_field(
        "resident" if help_request.resident_id else "filed_by"
    ).set_cached_value(help_request, user)
    if not user.full_name:
        user.full_name = row[len(names)]
    return help_request


# What changes from one send to the next, in the order `_send` gives it: the
# columns of the submission's `input` item (its only parameters) and their types.
INPUT = {
    "public_id": "uuid",
    "access": "boolean",
    "in_session": "boolean",
    "user_id": "bigint",
    "user_name": "text",
    "now": "timestamptz",
    "year": "integer",
    "consent_expires": "timestamptz",
    "channel": "text",  # of the NOTIFY that wakes a worker
}

# The answers a help request keeps as they were checked, by column: each is the
# form field of the same name.
ANSWERED = (
    "relationship",
    "subject_name",
    "subject_email",
    "subject_consent",
    "life_events",
    "story",
    "adults",
    "children_ages",
    "own_strength",
    "network_help",
    "urgent_situations",
    "postcode",
    "house_number",
    "contact_methods",
    "phone",
    "contact_times",
)


@cache
def _returned() -> tuple[str, ...]:
    """What the submission returns of the new request: every column but the search
    document, by attname (the column's name for these fields)."""
    return tuple(
        field.attname
        for field in HelpRequest._meta.concrete_fields
        if field.attname != "search_document"
    )


@cache
def _submission(*, named: bool) -> str:
    """The one statement of `help_request_submit`, numbered for a raw cursor: the
    same text for every send (one for a resident who has a name, one for one who
    has not), run with the `INPUT` values. It returns the `_returned` columns of
    the new request and the name typed in the form, or no row when it wrote
    nothing (see `help_request_send`).

    `draft`: the unsent draft by public id, only the user's (unless access was
    checked) and only when every step was checked under the current rules.
    `answer`: one row of its checked values, all steps' together, typed as the
    request's columns, and what follows from them: resident or filed by, the name
    in the search document, urgent, whether the person filed for is invited. Every
    WITH item after `claimed` writes once per row of it, which holds the new
    request's id when this send took the draft, and is empty when another one did
    or when `place` (the neighbourhood and municipality of the postcode) is empty;
    the consents and the invitation only when the answers ask for them."""
    drafts = HelpRequestDraft._meta.db_table
    stamps = literal(json.dumps({step.slug: {"rules": RULES} for step in STEPS}))
    values = " || ".join(
        f"(draft.checked -> {literal(step.slug)} -> 'values')" for step in STEPS
    )
    columns = [
        *(
            f"{name} {HelpRequest._meta.get_field(name).db_type(connection)}"
            for name in ANSWERED
        ),
        "for_whom text",
        "full_name text",
        *(f"{name} boolean" for name in ConsentForm.SHARING),
    ]
    someone_else = f"answer.for_whom = {literal(ForWhomForm.SOMEONE_ELSE)}"
    parts: list[tuple[str, str]] = [
        ("input", f"SELECT {', '.join(f'%s::{t} AS {n}' for n, t in INPUT.items())}"),
        (
            "request_id",
            "SELECT nextval(pg_get_serial_sequence("
            f"{literal(HelpRequest._meta.db_table)}, 'id')) AS id",
        ),
        (
            "draft",
            f"SELECT draft.id, draft.checked FROM {drafts} AS draft, input "
            "WHERE draft.public_id = input.public_id "
            "AND draft.submitted_request_id IS NULL AND (input.access "
            "OR draft.owner_id = input.user_id "
            "OR (draft.owner_id IS NULL AND input.in_session)) "
            f"AND draft.checked @> {stamps}::jsonb",
        ),
        (
            "answer",
            "SELECT answer.*, "
            f"CASE WHEN {someone_else} THEN NULL ELSE input.user_id END "
            "AS resident_id, "
            f"CASE WHEN {someone_else} THEN input.user_id END AS filed_by_id, "
            f"CASE WHEN {someone_else} THEN '' ELSE "
            "coalesce(nullif(input.user_name, ''), answer.full_name) END "
            "AS resident_name, "
            "cardinality(answer.urgent_situations) > 0 AS is_urgent, "
            f"{someone_else} AND answer.subject_email <> '' AS invites "
            f"FROM draft, input, jsonb_to_record({values}) "
            f"AS answer({', '.join(columns)})",
        ),
        (
            "place (neighbourhood_id, municipality_id)",
            _without_params(
                *PostcodeArea.objects.place_sql("(SELECT postcode FROM answer)")
            ),
        ),
        (
            "claimed",
            f"UPDATE {drafts} AS claiming "
            "SET submitted_request_id = request_id.id, updated_at = input.now "
            "FROM request_id, place, draft, input "
            "WHERE claiming.id = draft.id AND claiming.submitted_request_id IS NULL "
            "RETURNING request_id.id, claiming.id AS draft_id",
        ),
        (
            "number",
            ReferenceCounter.counting_sql(
                source="claimed, input", year_sql="input.year"
            ),
        ),
    ]
    document = HelpRequest.search_document_sql(
        reference_sql="number.reference",
        names_sql=["answer.resident_name", "answer.subject_name"],
        words_sql=["answer.story", "answer.own_strength", "answer.network_help"],
    )
    from_answer = ("resident_id", "filed_by_id", "is_urgent", *ANSWERED)
    request = _without_params(
        *insert_values(
            HelpRequest,
            {},
            sql={
                "id": "claimed.id",
                "public_id": "gen_random_uuid()",
                "reference": "number.reference",
                "search_document": document,
                "municipality_id": "place.municipality_id",
                "neighbourhood_id": "place.neighbourhood_id",
                "privacy_accepted_at": "input.now",
                "submitted_at": "input.now",
                **{name: f"answer.{name}" for name in from_answer},
            },
            source="claimed, number, place, answer, input",
        )
    )
    parts.append(("request", f"{request} RETURNING {', '.join(_returned())}"))
    parts.append(
        (
            "documents",
            f"UPDATE {Attachment._meta.db_table} AS document "
            "SET help_request_id = claimed.id "
            "FROM claimed WHERE document.draft_id = claimed.draft_id",
        )
    )
    history = {
        "from_status": Literal(""),
        "to_status": Literal(Status.RECEIVED),
        "note": Literal(""),
    }
    by_user_now = {"help_request_id": "claimed.id", "by_id": "input.user_id"}
    parts.append(
        (
            "history",
            _without_params(
                *insert_values(
                    StatusChange,
                    history,
                    sql={**by_user_now, "at": "input.now"},
                    source="claimed, input",
                )
            ),
        )
    )
    for answer, recipient in ConsentForm.SHARING.items():
        consent = {
            "purpose": Literal(PURPOSE_OF_RECIPIENT[recipient]),
            "recipient": Literal(recipient),
            "organisation_id": Literal(None),
            "method": Literal(ConsentMethod.ONLINE),
        }
        given = {
            "public_id": "gen_random_uuid()",
            "help_request_id": "claimed.id",
            "recorded_by_id": "input.user_id",
            "given_at": "input.now",
            "expires_at": "input.consent_expires",
        }
        parts.append(
            (
                f"consent_{recipient}",
                _without_params(
                    *insert_values(
                        Consent,
                        consent,
                        sql=given,
                        source=f"claimed JOIN answer ON answer.{answer} "
                        "CROSS JOIN input",
                    )
                ),
            )
        )
    if not named:
        users = User._meta.db_table
        parts.append(
            (
                "named",
                f"UPDATE {users} SET full_name = answer.full_name "
                "FROM claimed, answer, input "
                f"WHERE {users}.id = input.user_id AND {users}.full_name = ''",
            )
        )
    mails = [
        outbox.transactional_parts(
            name="receipt",
            kind=HelpRequestReceived(),
            object_id_sql="claimed.id::varchar",
            recipient_id_sql="input.user_id",
            municipality_id_sql="place.municipality_id",
            source="claimed, place, input",
            now_sql="input.now",
        ),
        outbox.transactional_parts(
            name="invitation",
            kind=FollowInvitation(),
            object_id_sql="claimed.id::varchar",
            address_sql="answer.subject_email",
            municipality_id_sql="place.municipality_id",
            source="claimed JOIN answer ON answer.invites CROSS JOIN place, input",
            now_sql="input.now",
        ),
    ]
    items = [
        *(f"{name} AS ({sql})" for name, sql in parts),
        *(_without_params(*mail) for mail in mails),
    ]
    return numbered(
        f"WITH {', '.join(items)} "
        f"SELECT {', '.join(f'request.{name}' for name in _returned())}, "
        "answer.full_name, pg_notify(input.channel, '') FROM request, answer, input"
    )


def _without_params(sql: str, params: list[Any]) -> str:
    """A part of the submission, which has no parameters but `INPUT`."""
    assert not params, params
    return sql


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
    consent = Consent(
        help_request=help_request,
        **_consent_values(
            recipient=recipient,
            method=method,
            by=by,
            organisation=organisation,
            given_at=given_at,
            expires_at=expires_at,
        ),
    )
    # The related rows at hand, so that reading them costs no query.
    consent.recorded_by = by
    if consent.organisation_id is not None:
        consent.organisation = organisation
    consent.save(force_insert=True)
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


def _consent_values(
    *,
    recipient: str,
    method: str,
    by: User,
    organisation: Organisation | None = None,
    given_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> dict[str, Any]:
    """A new consent's values by attname (for `consent_give`, and for the
    submission's statement, which writes them without an instance)."""
    given_at = given_at or timezone.now()
    return {
        "purpose": PURPOSE_OF_RECIPIENT[recipient],
        "recipient": recipient,
        "organisation_id": organisation.pk
        if organisation is not None and recipient == ConsentRecipient.ORGANISATION
        else None,
        "method": method,
        "given_at": given_at,
        "expires_at": expires_at or default_consent_expiry(given_at),
        "recorded_by_id": by.pk,
    }


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
