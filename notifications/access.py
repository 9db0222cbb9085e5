"""Who may open which notification and which outbox e-mail. Anything else is 404."""

from uuid import UUID

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from notifications.models import Notification, OutboxEmail


def get_notification_for_user(request: HttpRequest, public_id: UUID) -> Notification:
    """Only the recipient's own notification."""
    return get_object_or_404(
        Notification.objects.for_user(request.user), public_id=public_id
    )


def get_outbox_email_for_admin(request: HttpRequest, public_id: UUID) -> OutboxEmail:
    """An e-mail of the functional admin's own municipality (the role is checked by
    the view)."""
    return get_object_or_404(
        OutboxEmail.objects.filter(municipality_id=request.user.municipality_id),
        public_id=public_id,
    )
