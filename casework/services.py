from datetime import date

from django.db import transaction

from accounts.models import User
from citizens.models import HelpRequest


def help_request_update_progress(
    *,
    help_request: HelpRequest,
    by: User,
    status: str,
    next_step: str,
    next_step_date: date | None,
) -> None:
    """Record the next step and, when it changes, the status (with its history row).
    Whoever records progress becomes the resident's contact person if there is none."""
    with transaction.atomic():
        locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if status != locked.status:
            locked.transition(status, by=by)
        locked.next_step = next_step
        locked.next_step_date = next_step_date
        fields = ["next_step", "next_step_date"]
        if locked.contact_person_id is None:
            locked.contact_person = by
            locked.team_id = by.team_id
            fields += ["contact_person", "team"]
        locked.save(update_fields=fields)
