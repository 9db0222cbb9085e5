from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework.models import (
    DOMAIN_DEADLINES,
    REFERRAL_TRANSITIONS,
    CaseState,
    ContactMoment,
    Deadline,
    DeadlineKind,
    Domain,
    Household,
    HouseholdMembership,
    Referral,
    ReferralStatus,
    StageChange,
    Triage,
    Urgency,
    ZrmAssessment,
    ZrmDomain,
    ZrmMoment,
    compute_due,
)
from casework.stages import (
    Stage,
    allowed_stages,
    effective_stage,
    resident_status_for,
)
from citizens.models import (
    OPEN_STATUSES,
    HelpRequest,
    InvalidTransition,
    Message,
    Outcome,
    sharing_consent,
)
from municipalities.models import Team
from networks.models import Organisation


class EditConflict(Exception):
    """The request changed since the form was shown."""


def _check_version(locked: HelpRequest, version: int | None) -> None:
    if version is not None and version != locked.version:
        raise EditConflict
    locked.version = locked.version + 1


def stored_stage(help_request: HelpRequest) -> str:
    """The request's stage (see casework.stages); no query when it was loaded with
    select_related("case_state")."""
    state = getattr(help_request, "case_state", None)
    return effective_stage(state.stage if state else None, help_request.status)


def _move_stage(locked: HelpRequest, to: str, *, by: User, reason: str = "") -> None:
    """Move a locked request to stage `to` along the stage table, with a history row;
    the resident's status follows. Waiting for the resident stops the clock of the
    running deadlines; going back to work starts it again with the days left."""
    current = stored_stage(locked)
    if to == current:
        return
    if to not in allowed_stages(current, locked.status):
        raise InvalidTransition(
            _("A case cannot go from the stage %(from)s to %(to)s.")
            % {"from": Stage(current).label, "to": Stage(to).label}
        )
    status = resident_status_for(to, current=locked.status)
    if status != locked.status:
        # The reason is for colleagues; the resident's history gets no note.
        locked.transition(status, by=by)
    now = timezone.now()
    locked.case_state, _created = CaseState.objects.update_or_create(
        help_request=locked, defaults={"stage": to, "since": now}
    )
    StageChange.objects.create(
        help_request=locked,
        from_stage=current,
        to_stage=to,
        by=by,
        reason=reason,
        at=now,
    )
    today = timezone.localdate(now)
    if to == Stage.WAITING_FOR_RESIDENT:
        for deadline in locked.deadlines.filter(
            met_at__isnull=True, suspended_since__isnull=True
        ):
            deadline.suspend(today)
    elif current == Stage.WAITING_FOR_RESIDENT and to not in (
        Stage.CLOSED,
        Stage.WITHDRAWN,
    ):
        for deadline in locked.deadlines.filter(
            met_at__isnull=True, suspended_since__isnull=False
        ):
            deadline.resume(today)


def help_request_update_progress(
    *,
    help_request: HelpRequest,
    by: User,
    stage: str,
    next_step: str,
    next_step_date: date | None,
    reason: str = "",
    outcome: str = "",
    version: int | None = None,
) -> None:
    """Record the next step and, when it changes, the stage (with its history row;
    the resident's status follows). Whoever records progress becomes the resident's
    contact person if there is none."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        _check_version(locked, version)
        _move_stage(locked, stage, by=by, reason=reason)
        locked.next_step = next_step
        locked.next_step_date = next_step_date
        fields = ["next_step", "next_step_date", "version"]
        if stage == Stage.CLOSED and outcome:
            locked.outcome = outcome
            fields.append("outcome")
        elif stage == Stage.WITHDRAWN:
            locked.outcome = Outcome.WITHDRAWN
            fields.append("outcome")
        if locked.contact_person_id is None:
            locked.contact_person = by
            locked.team_id = by.team_id
            fields += ["contact_person", "team"]
        locked.save(update_fields=fields)


def help_request_triage(
    *,
    help_request: HelpRequest,
    by: User,
    domains: list[str],
    urgency: str,
    team: Team,
    debt_threat: bool,
    version: int | None = None,
) -> None:
    """Set domains, urgency and team, and the statutory deadlines that follow.

    Deadlines count from the day the request came in (the melding / aanvraag).
    Re-triage recomputes open deadlines and drops those of removed domains; a met or
    suspended deadline is left as it is."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        _check_version(locked, version)
        Triage.objects.update_or_create(
            help_request=locked,
            defaults={
                "domains": domains,
                "urgency": urgency,
                "debt_threat": debt_threat,
                "triaged_by": by,
                "triaged_at": timezone.now(),
            },
        )
        locked.team = team
        locked.is_urgent = bool(locked.urgent_situations) or urgency != Urgency.NORMAL
        locked.save(update_fields=["team", "is_urgent", "version"])
        start = timezone.localdate(locked.submitted_at)
        wanted = {
            kind for domain in domains for kind in DOMAIN_DEADLINES.get(domain, [])
        }
        # The decision deadline comes with the application, not with the triage.
        kept = wanted | (
            {DeadlineKind.WMO_DECISION} if Domain.WMO in domains else set()
        )
        for kind in wanted:
            in_working_days = (
                kind == DeadlineKind.DEBT_FIRST_CONVERSATION and debt_threat
            )
            due = compute_due(kind, start, in_working_days=in_working_days)
            deadline = Deadline.objects.filter(help_request=locked, kind=kind).first()
            if deadline is None:
                Deadline.objects.create(
                    help_request=locked,
                    kind=kind,
                    start=start,
                    due=due,
                    in_working_days=in_working_days,
                )
            elif deadline.met_at is None and deadline.suspended_since is None:
                deadline.due = due
                deadline.in_working_days = in_working_days
                deadline.save(update_fields=["due", "in_working_days"])
        Deadline.objects.filter(help_request=locked, met_at__isnull=True).exclude(
            kind__in=kept
        ).delete()
        if stored_stage(locked) == Stage.NEW:
            _move_stage(locked, Stage.TRIAGE, by=by, reason=_("Triaged"))


def help_request_claim(*, help_request: HelpRequest, by: User) -> bool:
    """Make `by` the contact person of an unassigned request. Exactly one of many
    simultaneous claims wins: the UPDATE only matches while nobody has it."""
    with transaction.atomic():
        won = HelpRequest.objects.filter(
            pk=help_request.pk, contact_person__isnull=True
        ).update(contact_person=by, team=by.team)
        if won:
            locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
            if stored_stage(locked) == Stage.NEW:
                _move_stage(locked, Stage.TRIAGE, by=by, reason=_("Claimed"))
    return bool(won)


def help_request_assign(*, help_request: HelpRequest, by: User, to: User) -> None:
    """A team lead gives a request to a caseworker of their team."""
    HelpRequest.objects.filter(pk=help_request.pk).update(
        contact_person=to, team=to.team
    )


def help_requests_reassign(
    *,
    by: User,
    to_user: User,
    from_user: User | None = None,
    references: list[str] | None = None,
) -> int:
    """Give open requests to `to_user` (a caseworker leaves or is ill): every open
    request of `from_user`, or the chosen `references`; only those in the team lead's
    scope. Returns how many moved."""
    if from_user is None and references is None:
        raise ValueError("Say whose requests or which requests to reassign.")
    requests = HelpRequest.objects.visible_to(by).filter(status__in=OPEN_STATUSES)
    if from_user is not None:
        requests = requests.filter(contact_person=from_user)
    if references is not None:
        requests = requests.filter(reference__in=references)
    return requests.exclude(contact_person=to_user).update(
        contact_person=to_user, team=to_user.team
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def wmo_application_record(
    *, help_request: HelpRequest, by: User, filed_on: date
) -> Deadline:
    """The resident filed a formal Wmo application (aanvraag) on `filed_on`: the
    decision is due 2 weeks later (Algemene termijnenwet: off weekends and public
    holidays). The application ends the investigation, so its deadline is met."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        deadline = Deadline.objects.create(
            help_request=locked,
            kind=DeadlineKind.WMO_DECISION,
            start=filed_on,
            due=compute_due(DeadlineKind.WMO_DECISION, filed_on),
        )
        Deadline.objects.filter(
            help_request=locked,
            kind=DeadlineKind.WMO_INVESTIGATION,
            met_at__isnull=True,
        ).update(met_at=_start_of(filed_on), suspended_since=None)
        Message.objects.create(
            help_request=locked,
            author=by,
            for_resident=False,
            body=_("Wmo application received on %(date)s; decision due on %(due)s.")
            % {"date": filed_on.isoformat(), "due": deadline.due.isoformat()},
        )
    return deadline


def wmo_decision_record(
    *, help_request: HelpRequest, by: User, decided_on: date
) -> None:
    """The decision (beschikking) on the Wmo application was made on `decided_on`;
    it meets the decision deadline."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        Deadline.objects.filter(
            help_request=locked, kind=DeadlineKind.WMO_DECISION
        ).update(met_at=_start_of(decided_on), suspended_since=None)
        Message.objects.create(
            help_request=locked,
            author=by,
            for_resident=False,
            body=_("Wmo decision made on %(date)s.") % {"date": decided_on.isoformat()},
        )


def deadline_suspend(*, deadline: Deadline, by: User) -> None:
    with transaction.atomic():
        Deadline.objects.select_for_update().get(pk=deadline.pk).suspend(
            timezone.localdate()
        )


def deadline_resume(*, deadline: Deadline, by: User) -> None:
    with transaction.atomic():
        Deadline.objects.select_for_update().get(pk=deadline.pk).resume(
            timezone.localdate()
        )


def contact_moment_add(
    *,
    help_request: HelpRequest,
    by: User,
    kind: str,
    happened_on: date,
    summary: str,
    is_intake: bool,
) -> ContactMoment:
    """Record a contact; an intake moves a new or reviewed request to "working on it"."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        moment = ContactMoment.objects.create(
            help_request=locked,
            kind=kind,
            happened_on=happened_on,
            summary=summary,
            is_intake=is_intake,
            by=by,
        )
        if is_intake and stored_stage(locked) in (
            Stage.NEW,
            Stage.TRIAGE,
            Stage.INTAKE_PLANNED,
        ):
            _move_stage(locked, Stage.INTAKE_DONE, by=by, reason=_("Intake held"))
    return moment


def household_of(help_request: HelpRequest) -> Household | None:
    link = HouseholdMembership.objects.filter(help_request=help_request).first()
    return link.household if link else None


def household_ensure(*, help_request: HelpRequest, by: User) -> Household:
    """The request's household; a household of one is made the first time."""
    with transaction.atomic():
        HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        household = household_of(help_request)
        if household is None:
            household = Household.objects.create(
                municipality_id=help_request.municipality_id,
                coordinator=help_request.contact_person or by,
            )
            HouseholdMembership.objects.create(
                household=household, help_request=help_request
            )
    return household


def household_link(
    *, household: Household, help_request: HelpRequest, by: User
) -> None:
    """Add another request of the same household (1 gezin, 1 plan)."""
    HouseholdMembership.objects.create(household=household, help_request=help_request)


def zrm_record(
    *, help_request: HelpRequest, moment: str, scores: dict[str, int], by: User
) -> ZrmAssessment:
    assessment, _ = ZrmAssessment.objects.update_or_create(
        help_request=help_request,
        moment=moment,
        defaults={"scores": scores, "by": by, "at": timezone.now()},
    )
    return assessment


def zrm_change(help_request: HelpRequest) -> list[dict[str, object]]:
    """Per ZRM domain: the intake score, the evaluation score and the change."""
    by_moment = {a.moment: a.scores for a in help_request.zrm_assessments.all()}
    intake = by_moment.get(ZrmMoment.INTAKE, {})
    evaluation = by_moment.get(ZrmMoment.EVALUATION, {})
    rows = []
    for value, label in ZrmDomain.choices:
        before, after = intake.get(value), evaluation.get(value)
        change = after - before if before is not None and after is not None else None
        rows.append(
            {"domain": label, "intake": before, "evaluation": after, "change": change}
        )
    return rows


class NoConsent(Exception):
    """The resident has no valid consent for this sharing."""


def referral_send(
    *, help_request: HelpRequest, by: User, organisation: Organisation, question: str
) -> Referral:
    """Refer the request to an organisation: only under a valid consent of the
    resident for it (the form says so at the field; checked again here)."""
    if sharing_consent(help_request, organisation=organisation) is None:
        raise NoConsent(organisation.pk)
    return Referral.objects.create(
        help_request=help_request,
        organisation=organisation,
        question=question,
        created_by=by,
    )


class InvalidReferralAnswer(Exception):
    pass


def referral_answer(*, referral: Referral, by: User, status: str, answer: str) -> None:
    """The partner accepts, declines or completes; it lands in the case timeline as an
    internal note, for the caseworker."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if status not in REFERRAL_TRANSITIONS[locked.status]:
            raise InvalidReferralAnswer(status)
        locked.status = status
        if status == ReferralStatus.COMPLETED:
            locked.feedback = answer
            locked.completed_at = timezone.now()
        else:
            locked.answer = answer
            locked.answered_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "answer",
                "answered_at",
                "feedback",
                "completed_at",
            ]
        )
        Message.objects.create(
            help_request=locked.help_request,
            author=by,
            for_resident=False,
            body=_("Referral to %(organisation)s: %(status)s. %(answer)s")
            % {
                "organisation": locked.organisation.name,
                "status": ReferralStatus(status).label,
                "answer": answer,
            },
        )
