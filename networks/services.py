"""Workflows of the neighbourhood network: volunteers, matches and the partner's side
of referrals. Every change lands in the case timeline (internal) and, in plain words,
with the resident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import User
from casework.models import Referral, ReferralStatus
from casework.services import InvalidReferralAnswer, referral_answer
from citizens.models import HelpRequest, Message, sharing_consent
from municipalities.models import Municipality, Neighbourhood
from networks.models import (
    MATCH_TRANSITIONS,
    VOLUNTEER_TRANSITIONS,
    Match,
    MatchChange,
    MatchStatus,
    Need,
    Organisation,
    Service,
    VogStatus,
    Volunteer,
    VolunteerStatus,
)


class NotAllowed(Exception):
    """A change the rules do not allow; the message says why, for the user."""


NO_CONSENT_FOR_VOLUNTEERS = gettext_lazy(
    "The resident has no valid consent for sharing with volunteers (never given, "
    "expired or withdrawn). Ask them first and record their consent."
)
CONSENT_ENDED = gettext_lazy(
    "The resident's consent for sharing their details has ended, so this cannot go "
    "ahead now. The caseworker will contact you."
)


# ---------------------------------------------------------------- volunteers


def volunteer_sign_up(
    *,
    user: User,
    municipality: Municipality,
    neighbourhood: Neighbourhood,
    neighbourhoods: list[Neighbourhood],
    offers: list[str],
    availability: list[str],
    phone: str,
    about: str,
) -> Volunteer:
    """A resident offers help; nobody is matched with them before screening."""
    with transaction.atomic():
        volunteer = Volunteer.objects.create(
            user=user,
            municipality=municipality,
            neighbourhood=neighbourhood,
            offers=offers,
            availability=availability,
            phone=phone,
            about=about,
        )
        volunteer.neighbourhoods.set(neighbourhoods)
    return volunteer


def volunteer_screen(
    *,
    volunteer: Volunteer,
    by: User,
    vog_status: str,
    intake_on: object,
    screening_note: str,
    approve: bool,
) -> Volunteer:
    """The coordinator records the certificate of conduct and the intake; approving
    makes the volunteer matchable, and needs both."""
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        locked.vog_status = vog_status
        locked.intake_on = intake_on
        locked.screening_note = screening_note
        locked.screened_by = by
        fields = ["vog_status", "intake_on", "screening_note", "screened_by"]
        if approve:
            if not locked.is_screened:
                raise NotAllowed(
                    _(
                        "A volunteer can only start after the certificate of conduct "
                        "has been received and the intake conversation took place."
                    )
                )
            if locked.status == VolunteerStatus.APPLIED:
                locked.status = VolunteerStatus.ACTIVE
                locked.status_changed_at = timezone.now()
                fields += ["status", "status_changed_at"]
        elif (
            vog_status == VogStatus.REFUSED and locked.status != VolunteerStatus.STOPPED
        ):
            locked.status = VolunteerStatus.STOPPED
            locked.status_changed_at = timezone.now()
            fields += ["status", "status_changed_at"]
        locked.save(update_fields=fields)
    return locked


def volunteer_set_status(*, volunteer: Volunteer, status: str) -> Volunteer:
    """The volunteer pauses, resumes or stops. Resuming needs the screening; stopping
    ends the open matches so nobody waits for help that will not come."""
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if status not in VOLUNTEER_TRANSITIONS[locked.status]:
            raise NotAllowed(_("That change is not possible now."))
        if status == VolunteerStatus.ACTIVE and not locked.is_screened:
            raise NotAllowed(_("The coordinator first has to finish your screening."))
        locked.status = status
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_changed_at"])
        if status == VolunteerStatus.STOPPED:
            for match in locked.matches.open():
                _move_match(
                    match,
                    to=MatchStatus.STOPPED,
                    by=locked.user,
                    reason=_("The volunteer stopped volunteering."),
                )
    return locked


# ---------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class Suggestion:
    item: Volunteer | Organisation
    score: int
    reasons: list[str]


def volunteer_suggestions(
    *, help_request: HelpRequest, need: str, limit: int = 10
) -> list[Suggestion]:
    """Active volunteers of the municipality who offer this kind of help, ranked:
    helping in the request's neighbourhood first, then those living there, then the
    least busy. Two queries whatever the number of volunteers."""
    volunteers = (
        Volunteer.objects.matchable()
        .filter(municipality_id=help_request.municipality_id, offers__contains=[need])
        .exclude(
            matches__help_request=help_request,
            matches__status__in=["proposed", "accepted", "active"],
        )
        .select_related("user", "neighbourhood")
        .annotate(
            helps_here=Count(
                "neighbourhoods",
                filter=Q(neighbourhoods=help_request.neighbourhood_id),
                distinct=True,
            ),
            open_matches=Count(
                "matches",
                filter=Q(matches__status__in=["proposed", "accepted", "active"]),
                distinct=True,
            ),
        )
    )
    suggestions = []
    for volunteer in volunteers:
        score, reasons = 0, [str(Need(need).label)]
        if volunteer.helps_here:
            score += 4
            reasons.append(_("helps in this neighbourhood"))
        if volunteer.neighbourhood_id == help_request.neighbourhood_id:
            score += 2
            reasons.append(_("lives in this neighbourhood"))
        if volunteer.open_matches == 0:
            score += 2
            reasons.append(_("available now"))
        else:
            reasons.append(
                _("already helps %(count)d resident(s)")
                % {"count": volunteer.open_matches}
            )
        score -= volunteer.open_matches
        suggestions.append(Suggestion(volunteer, score, reasons))
    suggestions.sort(key=lambda s: (-s.score, s.item.pk))
    return suggestions[:limit]


def organisation_suggestions(
    *, help_request: HelpRequest, need: str, domains: list[str], limit: int = 10
) -> list[Suggestion]:
    """Published organisations ranked by the need their services meet, the domains
    they work in and whether they serve the request's neighbourhood."""
    neighbourhood = help_request.neighbourhood
    serving = set(
        Organisation.objects.serving(neighbourhood).values_list("pk", flat=True)
    )
    organisations = (
        Organisation.objects.published()
        .filter(municipality_id=help_request.municipality_id)
        .annotate(
            meets_need=Count(
                "services",
                filter=Q(services__needs__contains=[need], services__is_published=True),
            )
        )
    )
    suggestions = []
    for organisation in organisations:
        score, reasons = 0, []
        if organisation.meets_need:
            score += 4
            reasons.append(str(Need(need).label))
        shared = set(organisation.domains) & set(domains)
        if shared:
            score += 2 * len(shared)
            reasons.append(_("works in the same domain"))
        if organisation.pk in serving:
            score += 2
            reasons.append(_("serves this neighbourhood"))
        if organisation.is_formal_care:
            reasons.append(_("formal care"))
        if score:
            suggestions.append(Suggestion(organisation, score, reasons))
    suggestions.sort(key=lambda s: (-s.score, s.item.name))
    return suggestions[:limit]


# ---------------------------------------------------------------- matches


def _tell_resident(help_request: HelpRequest, text_for: object) -> None:
    """A plain-words message in the resident's conversation, in their language."""
    language = help_request.resident.language or "nl"
    with override(language):
        Message.objects.create(
            help_request=help_request, author=None, for_resident=True, body=text_for()
        )


def _note(help_request: HelpRequest, by: User | None, body: str) -> None:
    Message.objects.create(
        help_request=help_request, author=by, for_resident=False, body=body
    )


def match_propose(
    *, help_request: HelpRequest, volunteer: Volunteer, need: str, task: str, by: User
) -> Match:
    """Propose a volunteer for a request. Only with the resident's consent to share
    with volunteers, and only with an active, screened volunteer of the same
    municipality; the volunteer will see the first name, neighbourhood and task
    while the consent holds."""
    if sharing_consent(help_request, organisation=None) is None:
        raise NotAllowed(NO_CONSENT_FOR_VOLUNTEERS)
    if (
        volunteer.municipality_id != help_request.municipality_id
        or volunteer.status != VolunteerStatus.ACTIVE
        or not volunteer.is_screened
    ):
        raise NotAllowed(_("This volunteer cannot be matched now."))
    try:
        with transaction.atomic():
            match = Match.objects.create(
                help_request=help_request,
                volunteer=volunteer,
                need=need,
                task=task,
                first_name=help_request.first_name or _("the resident"),
                proposed_by=by,
            )
            MatchChange.objects.create(
                match=match, to_status=MatchStatus.PROPOSED, by=by
            )
            _note(
                help_request,
                by,
                _("Volunteer %(name)s proposed for: %(need)s.")
                % {"name": volunteer.user.full_name, "need": Need(need).label},
            )
    except IntegrityError:
        raise NotAllowed(
            _("This volunteer already has an open match with this request.")
        ) from None
    return match


_RESIDENT_TEXT = {
    MatchStatus.ACCEPTED: lambda m: _(
        "Good news: %(name)s, a volunteer from the neighbourhood, will help you with: "
        "%(need)s. They will contact you."
    ),
    MatchStatus.ACTIVE: lambda m: _(
        "The help from %(name)s with %(need)s has started."
    ),
    MatchStatus.COMPLETED: lambda m: _(
        "The help from %(name)s with %(need)s has been completed. Thank you for "
        "letting us know how it went."
    ),
    MatchStatus.STOPPED: lambda m: _(
        "The help from %(name)s with %(need)s has stopped. Your contact person will "
        "look at what else is possible."
    ),
}


def _move_match(match: Match, *, to: str, by: User | None, reason: str = "") -> None:
    """Move a locked match and record it everywhere; the caller holds the lock."""
    if to not in MATCH_TRANSITIONS[match.status]:
        raise NotAllowed(_("That change is not possible now."))
    from_status = match.status
    match.status = to
    match.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if reason:
        if to == MatchStatus.COMPLETED:
            match.feedback = reason
            fields.append("feedback")
        else:
            match.reason = reason
            fields.append("reason")
    match.save(update_fields=fields)
    MatchChange.objects.create(
        match=match, from_status=from_status, to_status=to, by=by, note=reason
    )
    volunteer_name = match.volunteer.user.full_name
    _note(
        match.help_request,
        by,
        _("Match with volunteer %(name)s: %(status)s. %(reason)s")
        % {
            "name": volunteer_name,
            "status": MatchStatus(to).label,
            "reason": reason,
        },
    )
    text = _RESIDENT_TEXT.get(to)
    if text is not None and not (
        to == MatchStatus.STOPPED and from_status == MatchStatus.PROPOSED
    ):
        first = volunteer_name.split(" ")[0]
        _tell_resident(
            match.help_request,
            lambda: text(match) % {"name": first, "need": Need(match.need).label},
        )


def match_answer(
    *,
    match: Match,
    by: User,
    to: str,
    reason: str = "",
    appointment_at: datetime | None = None,
) -> Match:
    """The volunteer accepts (with the first appointment, if agreed), declines (with
    a reason), starts, completes (with feedback) or stops (with a reason)."""
    with transaction.atomic():
        locked = (
            Match.objects.select_for_update(of=("self",))
            .select_related("volunteer__user", "help_request__resident")
            .get(pk=match.pk)
        )
        if to in (MatchStatus.DECLINED, MatchStatus.STOPPED) and not reason.strip():
            raise NotAllowed(_("Say why, so the caseworker can look further."))
        if to == MatchStatus.COMPLETED and not reason.strip():
            raise NotAllowed(_("Write briefly how it went."))
        if to in (MatchStatus.ACCEPTED, MatchStatus.ACTIVE) and (
            sharing_consent(locked.help_request, organisation=None) is None
        ):
            raise NotAllowed(CONSENT_ENDED)
        if appointment_at is not None:
            locked.appointment_at = appointment_at
            locked.save(update_fields=["appointment_at"])
        _move_match(locked, to=to, by=by, reason=reason)
    return locked


def match_set_appointment(*, match: Match, appointment_at: datetime) -> Match:
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status not in (MatchStatus.ACCEPTED, MatchStatus.ACTIVE):
            raise NotAllowed(_("That change is not possible now."))
        locked.appointment_at = appointment_at
        locked.save(update_fields=["appointment_at"])
    return locked


# ---------------------------------------------------------------- referrals


def referral_respond(*, referral: Referral, by: User, to: str, text: str) -> None:
    """The partner accepts, declines (with a reason) or reports back and completes.
    The caseworker sees it in the timeline; the resident hears it in plain words."""
    if to == ReferralStatus.DECLINED and not text.strip():
        raise NotAllowed(_("Say why, so the caseworker can look further."))
    if to == ReferralStatus.COMPLETED and not text.strip():
        raise NotAllowed(_("Report back briefly what was done."))
    if to == ReferralStatus.ACCEPTED and (
        sharing_consent(referral.help_request, organisation=referral.organisation)
        is None
    ):
        raise NotAllowed(CONSENT_ENDED)
    with transaction.atomic():
        try:
            referral_answer(referral=referral, by=by, status=to, answer=text)
        except InvalidReferralAnswer:
            raise NotAllowed(_("That change is not possible now.")) from None
        help_request = referral.help_request
        name = referral.organisation.name
        if to == ReferralStatus.ACCEPTED:
            _tell_resident(
                help_request,
                lambda: (
                    _("%(organisation)s will help you. They will contact you.")
                    % {"organisation": name}
                ),
            )
        elif to == ReferralStatus.COMPLETED:
            _tell_resident(
                help_request,
                lambda: (
                    _("%(organisation)s has finished helping you.")
                    % {"organisation": name}
                ),
            )


def services_matching(
    *, municipality_id: int, query: str, need: str, neighbourhood: Neighbourhood | None
) -> QuerySet[Service]:
    """The social map search: plain words (Dutch full-text search, prefix matching on
    the last word so 'boodsch' finds 'boodschappen') and/or a need, within the
    neighbourhood when chosen."""
    services = Service.objects.published().filter(
        organisation__municipality_id=municipality_id
    )
    if need:
        services = services.filter(needs__contains=[need])
    if neighbourhood is not None:
        services = services.filter(
            organisation__in=Organisation.objects.serving(neighbourhood)
        )
    words = [word for word in query.replace(":", " ").split() if word.isalnum()]
    if words:
        raw = " & ".join(f"{word}:*" for word in words)
        search = SearchQuery(raw, search_type="raw", config="dutch")
        # The organisation's own name counts too ("buurthuis", "suns").
        services = services.filter(
            Q(search_document=search) | Q(organisation__name__icontains=query.strip())
        ).annotate(rank=SearchRank(F("search_document"), search))
        return services.select_related("organisation").order_by("-rank", "name")
    return services.select_related("organisation").order_by("name")
