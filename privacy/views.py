"""The data-protection page of the functional administrator: retention periods, the
last purge and its counts, legal holds, the consent overview and the way to the
access log. Only the administrator's own municipality is shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.models import Role
from citizens.models import Consent, ConsentMethod, ConsentPurpose, ConsentRecipient
from privacy import services
from privacy.forms import LegalHoldForm, LiftHoldForm
from privacy.models import DeletionRecord, LegalHold, PurgeRun, Rule

# Consents ending within this many days are "ending soon" on the overview.
CONSENT_SOON_DAYS = 30


def consent_overview(municipality_id: int | None) -> list[dict[str, Any]]:
    """Per purpose and kind of recipient, how many consents of the municipality's
    requests are valid, end soon, have expired or were withdrawn; one query, counts
    only."""
    now = timezone.now()
    open_ = Q(withdrawn_at__isnull=True)
    rows = (
        Consent.objects.filter(help_request__municipality_id=municipality_id)
        .values("purpose", "recipient")
        .annotate(
            valid=Count("pk", filter=open_ & Q(expires_at__gt=now)),
            ending_soon=Count(
                "pk",
                filter=open_
                & Q(
                    expires_at__gt=now,
                    expires_at__lte=now + timedelta(days=CONSENT_SOON_DAYS),
                ),
            ),
            expired=Count("pk", filter=open_ & Q(expires_at__lte=now)),
            withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False)),
            orally=Count("pk", filter=Q(method=ConsentMethod.ORALLY)),
        )
        .order_by("purpose", "recipient")
    )
    purposes, recipients = dict(ConsentPurpose.choices), dict(ConsentRecipient.choices)
    return [
        {
            **row,
            "purpose_label": purposes.get(row["purpose"], row["purpose"]),
            "recipient_label": recipients.get(row["recipient"], row["recipient"]),
        }
        for row in rows
    ]


def _page(
    request: HttpRequest,
    *,
    hold_form: LegalHoldForm | None = None,
    lift_error: tuple[UUID, LiftHoldForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    municipality_id = request.user.municipality_id
    last_run = PurgeRun.objects.filter(dry_run=False, finished_at__isnull=False).first()
    records = (
        list(
            DeletionRecord.objects.filter(
                run=last_run, municipality_id=municipality_id
            ).order_by("rule", "kind")
        )
        if last_run
        else []
    )
    holds = list(
        LegalHold.objects.active_on(timezone.localdate())
        .filter(help_request__municipality_id=municipality_id)
        .select_related("help_request", "set_by")
        .only(
            "public_id",
            "reason",
            "until",
            "set_at",
            "help_request__reference",
            "set_by__full_name",
        )
    )
    context: dict[str, Any] = {
        "consent_overview": consent_overview(municipality_id),
        "consent_soon_days": CONSENT_SOON_DAYS,
        "retention": [
            (Rule(rule).label, days)
            for rule, days in settings.PRIVACY_RETENTION_DAYS.items()
        ],
        "last_run": last_run,
        "records": records,
        "holds": holds,
        "hold_form": hold_form or LegalHoldForm(admin=request.user),
        "lift_error": lift_error,
    }
    return render(request, "privacy/data_protection.html", context, status=status)


@role_required(Role.FUNCTIONAL_ADMIN)
@require_GET
def data_protection(request: HttpRequest) -> HttpResponse:
    return _page(request)


@role_required(Role.FUNCTIONAL_ADMIN)
@require_POST
def hold_set(request: HttpRequest) -> HttpResponse:
    form = LegalHoldForm(request.POST, admin=request.user)
    if not form.is_valid():
        return _page(request, hold_form=form, status=400)
    services.legal_hold_set(
        help_request=form.cleaned_data["reference"],
        by=request.user,
        reason=form.cleaned_data["reason"],
        until=form.cleaned_data["until"],
    )
    messages.success(request, _("The legal hold is set."))
    return redirect("privacy:data_protection")


@role_required(Role.FUNCTIONAL_ADMIN)
@require_POST
def hold_lift(request: HttpRequest, public_id: UUID) -> HttpResponse:
    hold = get_object_or_404(
        LegalHold.objects.filter(
            help_request__municipality_id=request.user.municipality_id,
            lifted_at__isnull=True,
        ),
        public_id=public_id,
    )
    form = LiftHoldForm(request.POST)
    if not form.is_valid():
        return _page(request, lift_error=(hold.public_id, form), status=400)
    services.legal_hold_lift(
        hold=hold, by=request.user, reason=form.cleaned_data["lift_reason"]
    )
    messages.success(request, _("The legal hold is lifted."))
    return redirect("privacy:data_protection")
