"""The status timeline in plain words, as a resident sees it."""

from dataclasses import dataclass
from datetime import datetime

from citizens.models import HelpRequest, Status

# The steps every request passes, in order; withdrawn replaces the rest.
PATH = [
    Status.RECEIVED,
    Status.IN_REVIEW,
    Status.APPOINTMENT_PLANNED,
    Status.IN_PROGRESS,
    Status.CLOSED,
]


@dataclass
class Moment:
    status: Status
    label: str
    reached_at: datetime | None
    current: bool


def timeline_for(help_request: HelpRequest) -> list[Moment]:
    reached: dict[str, datetime] = {}
    for change in help_request.status_changes.all():
        reached[change.to_status] = change.at
    statuses = list(PATH)
    if help_request.status == Status.WITHDRAWN:
        statuses = [s for s in PATH if s in reached] + [Status.WITHDRAWN]
    return [
        Moment(
            status=status,
            label=str(Status(status).label),
            reached_at=reached.get(status),
            current=status == help_request.status,
        )
        for status in statuses
    ]
