"""Workflows of pilots: creating from an idea, phases, enrolment, measurements, ideas
and publishing to the shared library."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from citizens.models import HelpRequest
from pilots.models import (
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaSupport,
    Interest,
    InvalidTransition,
    LibraryEntry,
    Measurement,
    MeasurementMoment,
    Participant,
    Phase,
    PhaseChange,
    Pilot,
)
from pilots.models.participation import EnrolledVia, hash_token
from pilots.outcomes import pilot_outcome


class AlreadyEnrolled(Exception):
    pass


@transaction.atomic
def pilot_create(
    *,
    by: User,
    fields: dict[str, Any],
    neighbourhoods: Any = (),
    partners: Any = (),
    idea: Idea | None = None,
) -> Pilot:
    """A new pilot in the creator's municipality, in the idea phase, with the first
    row of its phase history. Made from an idea, the idea is answered 'adopted'."""
    pilot = Pilot.objects.create(
        municipality_id=by.municipality_id, phase=Phase.IDEA, idea=idea, **fields
    )
    pilot.neighbourhoods.set(neighbourhoods)
    pilot.partners.set(partners)
    PhaseChange.objects.create(
        pilot=pilot, from_phase="", to_phase=Phase.IDEA, on=timezone.localdate(), by=by
    )
    if idea is not None:
        idea.status = IdeaStatus.ADOPTED
        idea.answer = idea.answer or _("We are turning this idea into a pilot.")
        idea.answered_at = timezone.now()
        idea.answered_by = by
        idea.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return pilot


@transaction.atomic
def pilot_change_phase(
    *,
    pilot: Pilot,
    to: str,
    by: User,
    on: dt.date,
    note: str = "",
    stop_reason: str = "",
    lessons: str = "",
) -> PhaseChange:
    """Move the pilot to its next phase. Stopping needs why and what was learned;
    a stopped pilot keeps all its data, as a result."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    if to == Phase.STOPPED and not (stop_reason.strip() and lessons.strip()):
        raise InvalidTransition(
            _("Say why the pilot stops and what was learned from it.")
        )
    change = pilot.transition(to, by=by, on=on, note=note)
    if to == Phase.STOPPED:
        pilot.stop_reason = stop_reason
        pilot.lessons = lessons
        pilot.save(update_fields=["stop_reason", "lessons"])
    return change


def participant_enrol(
    *,
    pilot: Pilot,
    by: User,
    name: str,
    consent_note: str,
    joined_on: dt.date,
    resident: User | None = None,
    help_request: HelpRequest | None = None,
) -> Participant:
    """Enrol someone who gave consent; once per resident and per help request."""
    try:
        with transaction.atomic():
            return Participant.objects.create(
                pilot=pilot,
                name=name,
                resident=resident,
                help_request=help_request,
                enrolled_via=EnrolledVia.HELP_REQUEST
                if help_request
                else EnrolledVia.OWNER,
                enrolled_by=by,
                consent_at=timezone.now(),
                consent_note=consent_note,
                joined_on=joined_on,
            )
    except IntegrityError as error:
        raise AlreadyEnrolled from error


def participant_enrol_from_help_request(
    *, pilot: Pilot, help_request: HelpRequest, by: User, consent_note: str
) -> Participant:
    """A caseworker enrols the resident of a request in their scope."""
    resident = help_request.resident
    name = (
        (resident.full_name or resident.email)
        if resident
        else help_request.subject_name or help_request.reference
    )
    return participant_enrol(
        pilot=pilot,
        by=by,
        name=name,
        consent_note=consent_note,
        joined_on=timezone.localdate(),
        resident=resident,
        help_request=help_request,
    )


def participant_leave(*, participant: Participant, on: dt.date, reason: str) -> None:
    """The participant leaves; their measurements stay in the (anonymous) outcome."""
    Participant.objects.filter(pk=participant.pk, left_on__isnull=True).update(
        left_on=on, leave_reason=reason
    )


@transaction.atomic
def measurement_record(
    *,
    participant: Participant,
    instrument: str,
    moment: str,
    taken_on: dt.date,
    scores: dict[str, int],
    by: User | None,
) -> Measurement:
    """Record filled-in scores. A planned measurement of the same instrument and
    moment is completed (the earliest due first) instead of adding another; a second
    baseline replaces the first."""
    planned = (
        Measurement.objects.select_for_update()
        .pending()
        .filter(participant=participant, instrument=instrument, moment=moment)
        .order_by("due_on", "pk")
        .first()
    )
    if planned is None and moment == MeasurementMoment.BASELINE:
        planned = Measurement.objects.filter(
            participant=participant, instrument=instrument, moment=moment
        ).first()
    measurement = planned or Measurement(
        participant=participant, instrument=instrument, moment=moment
    )
    measurement.taken_on = taken_on
    measurement.scores = scores
    measurement.entered_by = by
    measurement.entered_by_resident = False
    measurement.token_hash = None
    measurement.save()
    return measurement


def measurement_plan(
    *,
    participant: Participant,
    instrument: str,
    moment: str,
    due_on: dt.date,
) -> tuple[Measurement, str]:
    """Plan a measurement and return it with the token of the resident's single-use
    link (the token itself is not stored)."""
    try:
        with transaction.atomic():
            measurement = Measurement.objects.create(
                participant=participant,
                instrument=instrument,
                moment=moment,
                due_on=due_on,
            )
    except IntegrityError as error:
        raise InvalidTransition(
            _("This participant already has a baseline for this instrument.")
        ) from error
    return measurement, measurement.issue_link_token()


def measurement_for_token(token: str) -> Measurement | None:
    """The planned measurement a link is for; None when used, unknown or left."""
    return (
        Measurement.objects.pending()
        .select_related("participant__pilot")
        .filter(
            token_hash=hash_token(token),
            participant__left_on__isnull=True,
        )
        .first()
    )


def measurement_record_by_link(*, token: str, scores: dict[str, int]) -> bool:
    """The resident fills in their measurement. Single use: the conditional UPDATE
    succeeds once, so a double submit or a reused link records nothing."""
    updated = (
        Measurement.objects.pending()
        .filter(token_hash=hash_token(token), participant__left_on__isnull=True)
        .update(
            taken_on=timezone.localdate(),
            scores=scores,
            entered_by_resident=True,
            token_hash=None,
        )
    )
    return updated == 1


@dataclass(frozen=True)
class FollowUpDue:
    """A follow-up measurement waiting to be filled in."""

    object_id: uuid.UUID
    due_on: dt.date
    owner: User
    pilot_id: uuid.UUID
    pilot_title: str
    instrument: str


def follow_ups_due(until: dt.date) -> list[FollowUpDue]:
    """The follow-up measurements due on or before `until` that nobody has filled in.

    For the reminders capability. Each item carries:
    - `object_id`: the measurement's public UUID, stable for its whole life, so a
      reminder "sent" record keyed on it is never sent twice;
    - `due_on`: the date the follow-up is due;
    - `owner`: the pilot owner (a `User`) to remind; the participant's name is not
      included on purpose, so a reminder e-mail can carry no personal data;
    - `pilot_id` / `pilot_title`: the pilot's public UUID and title, for the link and
      the text; `instrument`: the `Instrument` value.
    Only participants who have not left and pilots that are running or in
    evaluation count. Ordered by due date, then measurement; one query. An item
    drops out of the list once the measurement is completed.
    """
    measurements = (
        Measurement.objects.follow_ups_due(until)
        .select_related("participant__pilot__owner")
        .order_by("due_on", "pk")
    )
    return [
        FollowUpDue(
            object_id=measurement.public_id,
            due_on=measurement.due_on,
            owner=measurement.participant.pilot.owner,
            pilot_id=measurement.participant.pilot.public_id,
            pilot_title=measurement.participant.pilot.title,
            instrument=measurement.instrument,
        )
        for measurement in measurements
    ]


def idea_submit(*, by: User, neighbourhood: Any, title: str, description: str) -> Idea:
    return Idea.objects.create(
        municipality_id=neighbourhood.district.municipality_id,
        neighbourhood=neighbourhood,
        title=title,
        description=description,
        submitted_by=by,
        organisation_id=by.organisation_id if by.role == Role.PARTNER else None,
    )


def idea_support(*, idea: Idea, by: User) -> bool:
    """Support an idea once; True when this was new support."""
    with transaction.atomic():
        _support, created = IdeaSupport.objects.get_or_create(idea=idea, user=by)
        if created:
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    return created


def idea_comment(*, idea: Idea, by: User, body: str) -> IdeaComment:
    return IdeaComment.objects.create(
        idea=idea,
        author=by,
        organisation_id=by.organisation_id if by.role == Role.PARTNER else None,
        from_municipality=by.role in (Role.PILOT_OWNER, Role.FUNCTIONAL_ADMIN),
        body=body,
    )


def idea_answer(*, idea: Idea, by: User, status: str, answer: str) -> None:
    """The municipality's public answer. Adopting happens by making a pilot of it."""
    if idea.status == IdeaStatus.ADOPTED:
        raise InvalidTransition(_("This idea has already become a pilot."))
    Idea.objects.filter(pk=idea.pk).update(
        status=status, answer=answer, answered_at=timezone.now(), answered_by=by
    )


def interest_register(*, pilot: Pilot, resident: User, note: str = "") -> bool:
    _interest, created = Interest.objects.get_or_create(
        pilot=pilot, resident=resident, defaults={"note": note}
    )
    return created


@transaction.atomic
def library_publish(
    *, pilot: Pilot, by: User, approach: str, lessons: str
) -> LibraryEntry:
    """Publish (or republish) the pilot to the shared library: its text and only the
    aggregate results with n >= 5. Nothing that points to a person is copied."""
    results = [row.as_public_dict() for row in pilot_outcome(pilot)]
    entry, _created = LibraryEntry.objects.update_or_create(
        pilot=pilot,
        defaults={
            "municipality_name": pilot.municipality.name,
            "title": pilot.title,
            "theme": pilot.theme,
            "phase": pilot.phase,
            "description": pilot.description,
            "approach": approach,
            "lessons": lessons,
            "results": results,
            "published_at": timezone.now(),
            "published_by": by,
        },
    )
    Pilot.objects.filter(pk=pilot.pk).update(approach=approach, lessons=lessons)
    LibraryEntry.objects.filter(pk=entry.pk).update(
        search_document=SearchVector("title", weight="A", config="dutch")
        + SearchVector("municipality_name", weight="B", config="dutch")
        + SearchVector("description", "approach", "lessons", weight="C", config="dutch")
    )
    return entry


def pilot_publish_results(*, pilot: Pilot) -> None:
    """Show the current aggregate results (n >= 5 only) on the neighbourhood pages."""
    Pilot.objects.filter(pk=pilot.pk).update(
        public_results=[row.as_public_dict() for row in pilot_outcome(pilot)],
        results_published_at=timezone.now(),
    )
