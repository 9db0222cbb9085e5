"""E-mails about help requests. Each task takes ids and does nothing when its row
has gone; mail-server hiccups are retried with back-off."""

import logging

from django.urls import reverse

from socialdomain.celery import app
from socialdomain.lib.email import TRANSIENT_MAIL_ERRORS, render_email, send_email

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 30,
    "retry_jitter": True,
    "max_retries": 8,
}


@app.task(**RETRY)
def send_draft_confirmation(draft_id: int, token: str, language: str) -> None:
    """Mail the link that confirms the address of a resident who started anonymously."""
    from citizens.models import HelpRequestDraft

    draft = HelpRequestDraft.objects.filter(pk=draft_id, submitted_request=None).first()
    if draft is None or not draft.email:
        return
    send_email(
        template="help_request_confirm_email",
        context={"confirm_path": reverse("citizens:confirm_email", args=[token])},
        language=language,
        to=[draft.email],
    )


def help_request_confirmation_email(help_request_id: int):  # type: ignore[no-untyped-def]
    """The receipt of a sent request, to the person who sent it, in their language;
    None when the request or an active sender is gone."""
    from citizens.models import HelpRequest

    help_request = (
        HelpRequest.objects.select_related("resident", "filed_by")
        .filter(pk=help_request_id)
        .first()
    )
    if help_request is None:
        return None
    sender = help_request.filed_by or help_request.resident
    if sender is None or not sender.is_active:
        return None
    return _about_request("help_request_received", help_request, sender)


def _about_request(
    template: str, help_request, person, *, page: str = "citizens:request_detail"
):  # type: ignore[no-untyped-def]
    """An e-mail about a help request to one person, in their language, with the
    link to the request's page (the resident's, or `page`)."""
    return render_email(
        template=template,
        context={
            "help_request": help_request,
            "user": person,
            "detail_path": reverse(page, args=[help_request.reference]),
        },
        language=person.language,
        to=[person.email],
    )


def follow_invitation_email(help_request_id: int):  # type: ignore[no-untyped-def]
    """The invitation to the person a request was filed for to follow it
    themselves; None when there is nobody to invite or they took it over."""
    from citizens.models import HelpRequest

    help_request = (
        HelpRequest.objects.select_related("filed_by")
        .filter(pk=help_request_id)
        .first()
    )
    if (
        help_request is None
        or not help_request.subject_email
        or help_request.resident_id
    ):
        return None
    from citizens.services import follow_invitation_token

    token = follow_invitation_token(help_request)
    return render_email(
        template="help_request_follow_invitation",
        context={
            "help_request": help_request,
            "accept_path": reverse("citizens:accept_invitation", args=[token]),
        },
        language="nl",
        to=[help_request.subject_email],
    )


# The submission writes these two into the outbox (citizens.reminders); the tasks
# remain for messages that were queued before, and send the same e-mails.
@app.task(**RETRY)
def send_help_request_confirmation(help_request_id: int) -> None:
    """Confirm a sent request to the person who sent it, in their language."""
    message = help_request_confirmation_email(help_request_id)
    if message is not None:
        message.send()


@app.task(**RETRY)
def send_follow_invitation(help_request_id: int) -> None:
    """Invite the person a request was filed for to follow it themselves."""
    message = follow_invitation_email(help_request_id)
    if message is not None:
        message.send()


def message_for_resident_email(message_id: int, person_id: int):  # type: ignore[no-untyped-def]
    """The notice that a message waits in the portal (the text stays there), to the
    resident or the person who filed the request; None when the message is not for
    the resident (any more), or the person is inactive or no longer on the request."""
    from citizens.models import Message

    message = (
        Message.objects.select_related(
            "help_request__resident", "help_request__filed_by"
        )
        .filter(pk=message_id, for_resident=True)
        .first()
    )
    if message is None:
        return None
    help_request = message.help_request
    people = {p.pk: p for p in (help_request.resident, help_request.filed_by) if p}
    person = people.get(person_id)
    if person is None or not person.is_active:
        return None
    return _about_request("help_request_new_message", help_request, person)


def message_for_contact_person_email(message_id: int, person_id: int):  # type: ignore[no-untyped-def]
    """The notice to the contact person that the resident wrote; None when the
    message is gone or `person_id` is no longer the request's active contact."""
    from citizens.models import Message

    message = (
        Message.objects.select_related("help_request__contact_person")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return None
    contact = message.help_request.contact_person
    if contact is None or contact.pk != person_id or not contact.is_active:
        return None
    return _about_request(
        "help_request_resident_message",
        message.help_request,
        contact,
        page="casework:request_detail",
    )


# The two tasks below are no longer queued (message_post writes these notices into
# the outbox); they stay for tasks queued before that change and send the same.
@app.task(**RETRY)
def notify_resident_of_message(message_id: int) -> None:
    """Tell the resident a new message waits; the message itself stays in the portal."""
    from citizens.models import Message

    help_request = (
        Message.objects.select_related("help_request")
        .filter(pk=message_id)
        .values_list("help_request__resident_id", "help_request__filed_by_id")
        .first()
    )
    for person_id in set(help_request or ()) - {None}:
        email = message_for_resident_email(message_id, person_id)
        if email is not None:
            email.send()


@app.task(**RETRY)
def notify_contact_person_of_message(message_id: int) -> None:
    """Tell the contact person that the resident wrote; the text stays in the portal."""
    from citizens.models import Message

    contact_id = (
        Message.objects.filter(pk=message_id)
        .values_list("help_request__contact_person_id", flat=True)
        .first()
    )
    if contact_id is not None:
        email = message_for_contact_person_email(message_id, contact_id)
        if email is not None:
            email.send()


@app.task
def refresh_search_documents() -> str:
    """Rebuild the full-text search document of every help request, so that a
    renamed resident is found under the new name (`manage.py
    refresh_search_documents` does the same)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("refresh_search_documents", stdout=out)
    return out.getvalue().strip()
