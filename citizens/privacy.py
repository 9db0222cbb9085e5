"""A resident's rights over their data: see it all, take it along, have it erased."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from citizens import uploads
from citizens.models import (
    OPEN_STATUSES,
    Attachment,
    Consent,
    HelpRequest,
    HelpRequestDraft,
    Message,
    Status,
    consented_subquery,
)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about the resident, in a machine-readable form."""
    requests = HelpRequest.objects.for_resident(user).prefetch_related(
        "status_changes",
        "attachments",
        "accesses",
        Prefetch("consents", queryset=Consent.objects.select_related("organisation")),
        Prefetch(
            "messages",
            queryset=Message.objects.filter(for_resident=True),
            to_attr="resident_messages",
        ),
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "help_requests": [
            {
                "reference": help_request.reference,
                "status": help_request.status,
                "submitted_at": _iso(help_request.submitted_at),
                "closed_at": _iso(help_request.closed_at),
                "life_events": help_request.life_events,
                "story": help_request.story,
                "adults": help_request.adults,
                "children_ages": help_request.children_ages,
                "own_strength": help_request.own_strength,
                "network_help": help_request.network_help,
                "urgent_situations": help_request.urgent_situations,
                "postcode": help_request.postcode,
                "house_number": help_request.house_number,
                "contact_methods": help_request.contact_methods,
                "phone": help_request.phone,
                "contact_times": help_request.contact_times,
                "consent": {
                    "privacy_accepted_at": _iso(help_request.privacy_accepted_at),
                    "sharing": [
                        {
                            "purpose": consent.purpose,
                            "recipient": consent.recipient,
                            "organisation": consent.organisation.name
                            if consent.organisation
                            else "",
                            "method": consent.method,
                            "given_at": _iso(consent.given_at),
                            "expires_at": _iso(consent.expires_at),
                            "withdrawn_at": _iso(consent.withdrawn_at),
                        }
                        for consent in help_request.consents.all()
                    ],
                },
                "filed_for_someone_else": bool(help_request.filed_by_id)
                and help_request.filed_by_id == user.pk,
                "relationship": help_request.relationship,
                "subject_name": help_request.subject_name,
                "next_step": help_request.next_step,
                "next_step_date": _iso(help_request.next_step_date),
                "satisfaction_score": help_request.satisfaction_score,
                "satisfaction_comment": help_request.satisfaction_comment,
                "status_history": [
                    {"status": change.to_status, "at": _iso(change.at)}
                    for change in help_request.status_changes.all()
                ],
                "messages": [
                    {
                        "from_me": message.author_id == user.pk,
                        "at": _iso(message.created_at),
                        "text": message.body,
                    }
                    for message in help_request.resident_messages
                ],
                "documents": [
                    {
                        "name": attachment.original_name,
                        "type": attachment.content_type,
                        "size": attachment.size,
                    }
                    for attachment in help_request.attachments.all()
                ],
                "looked_at_by": [
                    {
                        "at": _iso(access.at),
                        "role": access.role,
                        "purpose": access.purpose,
                    }
                    for access in help_request.accesses.all()
                ],
            }
            for help_request in requests
        ],
        "volunteering": _volunteering(user),
        "pilot_participations": _participations(user),
        "unsent_drafts": [
            {"started_at": _iso(draft.created_at), "answers": draft.answers}
            for draft in HelpRequestDraft.objects.filter(
                owner=user, submitted_request=None
            )
        ],
    }


def _volunteering(user: User) -> dict[str, Any] | None:
    """The resident's own volunteer record and their matches, each as the volunteer
    sees it: the task, the kind of help and the first name of the resident helped
    (nothing more of them), the status and the appointment. Without a valid consent
    of that resident the task and first name are withheld, as on the match's page.
    The staff's screening note and their reasons are the team's, not the
    volunteer's, view."""
    from networks.models import Match, Volunteer

    volunteer = (
        Volunteer.objects.filter(user=user)
        .select_related("neighbourhood")
        .prefetch_related(
            "neighbourhoods",
            Prefetch(
                "matches",
                queryset=Match.objects.annotate(
                    shared=consented_subquery("help_request_id", organisation=None)
                ).order_by("created_at"),
            ),
        )
        .first()
    )
    if volunteer is None:
        return None
    return {
        "status": volunteer.status,
        "neighbourhood": volunteer.neighbourhood.name
        if volunteer.neighbourhood
        else "",
        "neighbourhoods": [n.name for n in volunteer.neighbourhoods.all()],
        "offers": list(volunteer.offers),
        "availability": list(volunteer.availability),
        "about": volunteer.about,
        "phone": volunteer.phone,
        "certificate_of_conduct": volunteer.vog_status,
        "intake_on": _iso(volunteer.intake_on),
        "matches": [
            {
                "need": match.need,
                "task": match.task if match.shared else "",
                "resident_first_name": match.first_name if match.shared else "",
                "status": match.status,
                "appointment_at": _iso(match.appointment_at),
                "how_it_went": match.feedback,
                "proposed_at": _iso(match.created_at),
            }
            for match in volunteer.matches.all()
        ],
    }


def _participations(user: User) -> list[dict[str, Any]]:
    """The resident's pilot participations (through their account or one of their
    help requests) with their own measurements."""
    from pilots.models import Participant

    participants = (
        Participant.objects.filter(
            Q(resident=user)
            | Q(help_request__in=HelpRequest.objects.for_resident(user))
        )
        .select_related("pilot")
        .prefetch_related("measurements")
        .distinct()
    )
    return [
        {
            "pilot": participant.pilot.title,
            "name": participant.name,
            "joined_on": _iso(participant.joined_on),
            "left_on": _iso(participant.left_on),
            "reason_for_leaving": participant.leave_reason,
            "consent_at": _iso(participant.consent_at),
            "consent_note": participant.consent_note,
            "measurements": [
                {
                    "instrument": m.instrument,
                    "moment": m.moment,
                    "due_on": _iso(m.due_on),
                    "taken_on": _iso(m.taken_on),
                    "scores": m.scores,
                }
                for m in participant.measurements.all()
            ],
        }
        for participant in participants
    ]


def what_is_kept() -> list[str]:
    """What erasure keeps, and why: shown before and after erasing."""
    return [
        _(
            "The reference number, the dates, the neighbourhood, the kind of "
            "situation and the status of your requests, without your name, address, "
            "story or contact details. The municipality must be able to account for "
            "its work (Archiefwet) and uses these figures for statistics."
        ),
        _(
            "The record of who looked at a request and when. The law requires the "
            "municipality to keep this record to prove that your data was handled "
            "with care. It no longer leads to you."
        ),
    ]


def _delete_files(attachments: Any) -> None:
    for attachment in attachments:
        uploads.path_for(attachment.storage_name).unlink(missing_ok=True)


def resident_erase(*, user: User) -> None:
    """Close the account and remove or anonymise the resident's data."""
    with transaction.atomic():
        drafts = HelpRequestDraft.objects.filter(owner=user)
        draft_files = list(
            Attachment.objects.filter(draft__in=drafts, help_request=None)
        )
        requests = list(HelpRequest.objects.filter(resident=user).select_for_update())
        request_files = list(Attachment.objects.filter(help_request__in=requests))
        for help_request in requests:
            if help_request.status in OPEN_STATUSES:
                help_request.transition(
                    Status.WITHDRAWN, by=None, note=_("The resident's data was erased")
                )
        HelpRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
            resident=None,
            story="",
            own_strength="",
            network_help="",
            phone="",
            house_number="",
            contact_times="",
            subject_name="",
            subject_email="",
            satisfaction_comment="",
            children_ages=[],
        )
        HelpRequest.objects.filter(
            pk__in=[r.pk for r in requests]
        ).refresh_search_document()
        for help_request in requests:
            # Keep only the four digits: enough for neighbourhood figures.
            HelpRequest.objects.filter(pk=help_request.pk).update(
                postcode=help_request.postcode[:4]
            )
        Message.objects.filter(help_request__in=requests).update(body="")
        Attachment.objects.filter(
            pk__in=[a.pk for a in draft_files + request_files]
        ).delete()
        # Requests this person filed for someone else stay with that person.
        HelpRequest.objects.filter(filed_by=user).update(filed_by=None)
        drafts.delete()
        user.email = f"erased-{uuid.uuid4().hex}@invalid"
        user.full_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        transaction.on_commit(lambda: _delete_files(draft_files + request_files))
