"""The privacy lifecycle: purge or anonymise what passed its retention period, and
legal holds that stop it for one case.

Help requests are anonymised, not deleted: the dashboards' figures (status, dates,
neighbourhood, life events, outcome) must survive. Messages, documents (with their
files), drafts and free text go. Redis holds no personal data (Celery messages carry
ids only; sessions and the cache live elsewhere), so there is nothing to remove there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from accounts.models import Role, SecurityEvent, User
from casework.models import Household, PlanAction, PlanGoal
from citizens import uploads
from citizens.models import (
    Attachment,
    Consent,
    FileAccess,
    HelpRequest,
    HelpRequestDraft,
    Message,
    Status,
)
from networks.models import (
    OPEN_MATCH_STATUSES,
    Match,
    MatchChange,
    MatchStatus,
    Volunteer,
    VolunteerStatus,
)
from notifications.models import Delivery
from notifications.registry import REGISTRY
from pilots.models import Participant
from privacy.models import (
    Anonymisation,
    DeletionRecord,
    LegalHold,
    PurgeRun,
    RecordKind,
    Rule,
)

BATCH_SIZE = 500
# Statutory files, longest period first: a case under two laws keeps the longer one.
DOMAIN_RULES = (Rule.YOUTH, Rule.WMO, Rule.PARTICIPATION)
# Related rows that keep their text: the access log is append-only and has its own
# period; the privacy app's own rows hold no resident's data.
KEEP_RELATED = {FileAccess, Anonymisation, LegalHold, Message, Attachment}
BLANKED_FIELDS = {
    "story": "",
    "own_strength": "",
    "network_help": "",
    "phone": "",
    "house_number": "",
    "contact_times": "",
    "subject_name": "",
    "subject_email": "",
    "satisfaction_comment": "",
    "next_step": "",
    "children_ages": [],
    "resident": None,
    "filed_by": None,
}


def retention(rule: str) -> timedelta:
    return timedelta(days=settings.PRIVACY_RETENTION_DAYS[rule])


def rule_for(help_request: HelpRequest) -> str:
    """The legal basis of a closed request: the triage's domains, else `other`."""
    triage = getattr(help_request, "triage", None)
    domains = set(triage.domains) if triage is not None else set()
    matching = [rule for rule in DOMAIN_RULES if rule in domains]
    if not matching:
        return Rule.OTHER
    return max(matching, key=lambda rule: settings.PRIVACY_RETENTION_DAYS[rule])


@dataclass
class PurgeResult:
    # (municipality id or None, rule, kind) -> number of records
    counts: Counter[tuple[int | None, str, str]] = field(default_factory=Counter)

    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        by_kind: Counter[str] = Counter()
        for (_municipality, rule, kind), count in self.counts.items():
            by_kind[f"{rule}/{kind}"] += count
        if not by_kind:
            return "nothing due"
        return ", ".join(f"{key}: {count}" for key, count in sorted(by_kind.items()))


def _held_request_ids(today: date) -> models.QuerySet[LegalHold]:
    return LegalHold.objects.active_on(today).values("help_request_id")


def _expired_requests(now: datetime) -> dict[tuple[int, str], list[int]]:
    """Closed or withdrawn requests past their period, not held, not yet anonymised."""
    shortest = min(
        settings.PRIVACY_RETENTION_DAYS[rule] for rule in (*DOMAIN_RULES, Rule.OTHER)
    )
    candidates = (
        HelpRequest.objects.filter(
            status__in=(Status.CLOSED, Status.WITHDRAWN),
            closed_at__lte=now - timedelta(days=shortest),
            anonymisation__isnull=True,
        )
        .exclude(pk__in=_held_request_ids(timezone.localdate(now)))
        .select_related("triage")
        .only("pk", "municipality_id", "closed_at", "triage__domains")
    )
    due: dict[tuple[int, str], list[int]] = defaultdict(list)
    for help_request in candidates.iterator(chunk_size=2000):
        rule = rule_for(help_request)
        if help_request.closed_at + retention(rule) <= now:
            due[(help_request.municipality_id, rule)].append(help_request.pk)
    return due


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.primary_key
        and not f.unique
    ]


# How far the walk goes from a request: the rows hanging off it, and the rows hanging
# off those (a match's history, a pilot participation's measurements).
RELATION_DEPTH = 2


def _blank_case_text(ids: list[int]) -> tuple[int, dict[type[models.Model], list]]:
    """Erase the free text of every row hanging off these requests (contact moments,
    referrals, status notes, follow-up comments, matches...) and off those rows
    (match history...), found through the relations, so that a model added later is
    covered too. Returns the count and the rows reached per model."""
    blanked = 0
    reached: dict[type[models.Model], list] = {HelpRequest: list(ids)}
    level: list[tuple[type[models.Model], list]] = [(HelpRequest, list(ids))]
    for _depth in range(RELATION_DEPTH):
        following = []
        for parent, parent_ids in level:
            for relation in parent._meta.related_objects:
                model = relation.related_model
                if (
                    model in KEEP_RELATED
                    or model is HelpRequest
                    or relation.many_to_many
                ):
                    continue
                pks = list(
                    model._default_manager.filter(
                        **{f"{relation.field.name}__in": parent_ids}
                    ).values_list("pk", flat=True)
                )
                if not pks:
                    continue
                fields = _text_fields(model)
                if fields:
                    blanked += model._default_manager.filter(pk__in=pks).update(
                        **dict.fromkeys(fields, "")
                    )
                reached.setdefault(model, []).extend(pks)
                following.append((model, pks))
        level = following
    return blanked, reached


def _delete_reminders(reached: dict[type[models.Model], list]) -> int:
    """Reminders (deliveries, with their notification and e-mail rows) about these
    objects: their params copy names (a volunteer's reminder holds the resident's
    first name) and an address without account."""
    wanted = models.Q()
    for kind in REGISTRY.values():
        pks = reached.get(kind.model) if kind.model is not None else None
        if pks:
            wanted |= models.Q(kind=kind.key, object_id__in=[str(pk) for pk in pks])
    if not wanted:
        return 0
    _count, per_model = Delivery.objects.filter(wanted).delete()
    return sum(per_model.values())


def _blank_household_plans(ids: list[int]) -> int:
    """Erase the plan of every household of these requests once all its members are
    anonymised: the plan speaks of the whole household, so it stays while any member's
    case is still kept."""
    households = Household.objects.filter(memberships__help_request_id__in=ids).exclude(
        memberships__help_request__anonymisation__isnull=True
    )
    blanked = PlanAction.objects.filter(goal__household__in=households).update(
        **dict.fromkeys(_text_fields(PlanAction), "")
    )
    return blanked + PlanGoal.objects.filter(household__in=households).update(
        **dict.fromkeys(_text_fields(PlanGoal), "")
    )


def _delete_attachments(attachments: models.QuerySet[Attachment]) -> int:
    names = list(attachments.values_list("storage_name", flat=True))
    count, _ = attachments.delete()
    transaction.on_commit(lambda: _delete_files(names))
    return len(names) if count else 0


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        uploads.path_for(name).unlink(missing_ok=True)


def _anonymise(ids: list[int], rule: str, now: datetime) -> Counter[str]:
    """Call inside a transaction: the row locks let an overlapping run skip these."""
    counts: Counter[str] = Counter()
    ids = list(
        HelpRequest.objects.filter(pk__in=ids, anonymisation__isnull=True)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )
    if not ids:
        return counts
    drafts = HelpRequestDraft.objects.filter(submitted_request_id__in=ids)
    draft_ids = list(drafts.values_list("pk", flat=True))
    counts[RecordKind.ATTACHMENT] += _delete_attachments(
        Attachment.objects.filter(
            models.Q(help_request_id__in=ids) | models.Q(draft__in=drafts)
        )
    )
    counts[RecordKind.MESSAGE] += (
        Message.objects.filter(help_request_id__in=ids)
        .delete()[1]
        .get(Message._meta.label, 0)
    )
    counts[RecordKind.DRAFT] += drafts.delete()[1].get(HelpRequestDraft._meta.label, 0)
    blanked, reached = _blank_case_text(ids)
    counts[RecordKind.CASE_TEXT] += blanked
    reached[HelpRequestDraft] = draft_ids
    counts[RecordKind.CASE_TEXT] += _delete_reminders(reached)
    # Who gave or withdrew a consent would tie the anonymised request to an account.
    Consent.objects.filter(help_request_id__in=ids).update(
        recorded_by=None, withdrawn_by=None
    )
    requests = HelpRequest.objects.filter(pk__in=ids)
    counts[RecordKind.HELP_REQUEST] += requests.update(
        postcode=Substr("postcode", 1, 4), **BLANKED_FIELDS
    )
    requests.refresh_search_document()
    Anonymisation.objects.bulk_create(
        [Anonymisation(help_request_id=pk, rule=rule, at=now) for pk in ids]
    )
    counts[RecordKind.CASE_TEXT] += _blank_household_plans(ids)
    return counts


def _count_anonymise(ids: list[int]) -> Counter[str]:
    drafts = HelpRequestDraft.objects.filter(submitted_request_id__in=ids)
    return Counter(
        {
            RecordKind.HELP_REQUEST: len(ids),
            RecordKind.MESSAGE: Message.objects.filter(help_request_id__in=ids).count(),
            RecordKind.ATTACHMENT: Attachment.objects.filter(
                models.Q(help_request_id__in=ids) | models.Q(draft__in=drafts)
            ).count(),
            RecordKind.DRAFT: drafts.count(),
        }
    )


def _expired_drafts(now: datetime) -> models.QuerySet[HelpRequestDraft]:
    return HelpRequestDraft.objects.filter(
        submitted_request__isnull=True, updated_at__lte=now - retention(Rule.DRAFT)
    )


def _expired_accesses(now: datetime) -> models.QuerySet[FileAccess]:
    return FileAccess.objects.filter(at__lte=now - retention(Rule.ACCESS_LOG)).exclude(
        help_request_id__in=_held_request_ids(timezone.localdate(now))
    )


def _delete_accesses(accesses: models.QuerySet[FileAccess]) -> int:
    """The access log refuses UPDATE and DELETE (model guards and a database
    trigger); its `purge()` is the one way out, and only this job calls it."""
    return accesses.purge()


ANONYMOUS_EMAIL_DOMAIN = "removed.invalid"


def _expired_resident_accounts(now: datetime) -> models.QuerySet[User]:
    """Residents' accounts with no request left (each was anonymised under its own
    rule, which unlinks the account; a held or kept case keeps its account) and no
    login for the period, counted from joining when they never logged in."""
    return (
        User.objects.filter(role=Role.RESIDENT)
        .exclude(email__endswith=f"@{ANONYMOUS_EMAIL_DOMAIN}")
        .alias(last_seen=Coalesce("last_login", "date_joined"))
        .filter(last_seen__lte=now - retention(Rule.RESIDENT_ACCOUNT))
        .exclude(help_requests__isnull=False)
        .exclude(help_requests_filed__isnull=False)
        .exclude(help_request_drafts__isnull=False)
    )


def _stop_volunteering(user_ids: list[int]) -> None:
    """A volunteer's row goes with the account: stopped, their open matches ended
    (with a history row), the phone, the text about them and the screening note
    erased. The row stays: its matches belong to the cases of the residents helped."""
    now = timezone.now()
    volunteers = Volunteer.objects.filter(user_id__in=user_ids)
    open_matches = list(
        Match.objects.filter(volunteer__in=volunteers, status__in=OPEN_MATCH_STATUSES)
        .select_for_update()
        .only("pk", "status")
    )
    MatchChange.objects.bulk_create(
        [
            MatchChange(
                match=match, from_status=match.status, to_status=MatchStatus.STOPPED
            )
            for match in open_matches
        ]
    )
    Match.objects.filter(pk__in=[m.pk for m in open_matches]).update(
        status=MatchStatus.STOPPED, status_changed_at=now
    )
    volunteers.exclude(status=VolunteerStatus.STOPPED).update(
        status=VolunteerStatus.STOPPED, status_changed_at=now
    )
    volunteers.update(**dict.fromkeys(_text_fields(Volunteer), ""))


def _orphan_households() -> models.QuerySet[Household]:
    """Households none of whose requests exist any more (deleted requests take their
    membership along): nobody can reach their plan, and no case keeps it."""
    return Household.objects.filter(memberships__isnull=True)


def _plan_rows_per_municipality(
    households: models.QuerySet[Household],
) -> dict[int, int]:
    rows: Counter[int] = Counter()
    for municipality_id, count in (
        PlanGoal.objects.filter(household__in=households)
        .values_list("household__municipality_id")
        .annotate(n=models.Count("pk"))
        .order_by()
    ):
        rows[municipality_id] += count
    for municipality_id, count in (
        PlanAction.objects.filter(goal__household__in=households)
        .values_list("goal__household__municipality_id")
        .annotate(n=models.Count("pk"))
        .order_by()
    ):
        rows[municipality_id] += count
    return rows


def _anonymise_accounts(ids: list[int]) -> int:
    """Call inside a transaction. The row is kept (the municipality and the history
    rows it signed stay countable); everything that names the person goes."""
    users = list(
        User.objects.filter(pk__in=ids)
        .exclude(email__endswith=f"@{ANONYMOUS_EMAIL_DOMAIN}")
        .select_for_update(skip_locked=True)
    )
    _stop_volunteering([user.pk for user in users])
    # Pilot participations enrolled through the account (not through a request,
    # which the walk from expired requests blanks): the name and the texts go, the
    # row stays countable for the pilot's figures.
    Participant.objects.filter(resident_id__in=[user.pk for user in users]).update(
        **dict.fromkeys(_text_fields(Participant), "")
    )
    for user in users:
        user.email = f"{user.public_id}@{ANONYMOUS_EMAIL_DOMAIN}"
        user.full_name = ""
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()
    User.objects.bulk_update(
        users, ["email", "full_name", "is_active", "last_login", "password"]
    )
    return len(users)


def purge_personal_data(
    *, now: datetime | None = None, dry_run: bool = False
) -> PurgeResult:
    """Anonymise or remove everything past its retention period, except what is under
    a legal hold, and write the counts to the deletion register. `dry_run` counts
    only. Running twice changes nothing the second time."""
    now = now or timezone.now()
    result = PurgeResult()
    run = None if dry_run else PurgeRun.objects.create(started_at=now, dry_run=False)

    for (municipality_id, rule), ids in _expired_requests(now).items():
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            if dry_run:
                counts = _count_anonymise(batch)
            else:
                with transaction.atomic():
                    counts = _anonymise(batch, rule, now)
            for kind, count in counts.items():
                result.counts[(municipality_id, rule, kind)] += count

    drafts = _expired_drafts(now)
    if dry_run:
        result.counts[(None, Rule.DRAFT, RecordKind.DRAFT)] += drafts.count()
    else:
        with transaction.atomic():
            draft_ids = list(drafts.select_for_update().values_list("pk", flat=True))
            _delete_attachments(Attachment.objects.filter(draft_id__in=draft_ids))
            reminders = _delete_reminders({HelpRequestDraft: draft_ids})
            if reminders:
                result.counts[(None, Rule.DRAFT, RecordKind.CASE_TEXT)] += reminders
            deleted = HelpRequestDraft.objects.filter(pk__in=draft_ids).delete()[1]
            result.counts[(None, Rule.DRAFT, RecordKind.DRAFT)] += deleted.get(
                HelpRequestDraft._meta.label, 0
            )

    accesses = _expired_accesses(now)
    per_municipality = accesses.values_list("help_request__municipality_id").annotate(
        n=models.Count("pk")
    )
    for municipality_id, count in per_municipality.order_by():
        result.counts[(municipality_id, Rule.ACCESS_LOG, RecordKind.ACCESS_LOG)] += (
            count
        )
    if not dry_run:
        with transaction.atomic():
            _delete_accesses(_expired_accesses(now))

    events = SecurityEvent.objects.filter(at__lte=now - retention(Rule.SECURITY_LOG))
    for municipality_id, count in (
        events.values_list("municipality_id").annotate(n=models.Count("pk")).order_by()
    ):
        result.counts[
            (municipality_id, Rule.SECURITY_LOG, RecordKind.SECURITY_EVENT)
        ] += count
    if not dry_run:
        with transaction.atomic():
            events.purge()

    accounts = _expired_resident_accounts(now)
    per_municipality_accounts: dict[int | None, list[int]] = defaultdict(list)
    for pk, municipality_id in accounts.values_list("pk", "municipality_id"):
        per_municipality_accounts[municipality_id].append(pk)
    for municipality_id, account_ids in per_municipality_accounts.items():
        key = (municipality_id, Rule.RESIDENT_ACCOUNT, RecordKind.ACCOUNT)
        if dry_run:
            result.counts[key] += len(account_ids)
        else:
            with transaction.atomic():
                result.counts[key] += _anonymise_accounts(account_ids)

    # Counted under "other": an orphaned plan has no statutory file left to follow.
    with transaction.atomic():
        orphans = _orphan_households()
        for municipality_id, count in _plan_rows_per_municipality(orphans).items():
            result.counts[(municipality_id, Rule.OTHER, RecordKind.CASE_TEXT)] += count
        if not dry_run:
            orphans.delete()

    if run is not None:
        DeletionRecord.objects.bulk_create(
            [
                DeletionRecord(
                    run=run,
                    municipality_id=municipality_id,
                    rule=rule,
                    kind=kind,
                    count=count,
                    at=now,
                )
                for (municipality_id, rule, kind), count in sorted(
                    result.counts.items(), key=lambda item: str(item[0])
                )
                if count
            ]
        )
        PurgeRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    return result


def legal_hold_set(
    *, help_request: HelpRequest, by: User, reason: str, until: date
) -> LegalHold:
    """Stop the purge of one request until `until` (inclusive)."""
    return LegalHold.objects.create(
        help_request=help_request, set_by=by, reason=reason, until=until
    )


def legal_hold_lift(*, hold: LegalHold, by: User, reason: str) -> None:
    """Lift a hold early; the purge takes the request on its next run."""
    LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_by=by, lifted_at=timezone.now(), lift_reason=reason
    )
