"""Demo triage: the demo requests that someone picked up get domains and deadlines,
so that each demo caseworker sees a believable caseload with deadline states."""

from django.db import transaction

from casework.models import Triage, Urgency
from casework.services import help_request_triage
from citizens.models import HelpRequest

LIFE_EVENT_DOMAINS = {
    "money_worries": "debt",
    "caring": "wmo",
    "illness": "wmo",
    "loneliness": "network_only",
    "parenting": "youth",
    "job_loss": "participation",
    "work": "participation",
    "housing": "housing",
    "divorce": "wmo",
    "other": "network_only",
}


@transaction.atomic
def seed() -> None:
    picked_up = HelpRequest.objects.filter(
        contact_person__isnull=False, resident__email__endswith=".buurtkracht.test"
    ).select_related("contact_person")
    for help_request in picked_up:
        if Triage.objects.filter(help_request=help_request).exists():
            continue
        domains = sorted(
            {LIFE_EVENT_DOMAINS[event] for event in help_request.life_events}
        )
        help_request_triage(
            help_request=help_request,
            by=help_request.contact_person,
            domains=domains,
            urgency=Urgency.URGENT if help_request.is_urgent else Urgency.NORMAL,
            team=help_request.contact_person.team,
            debt_threat=bool(help_request.urgent_situations),
        )
