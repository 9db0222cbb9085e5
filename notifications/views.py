from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import STAFF_ROLES, Role
from notifications.access import get_notification_for_user, get_outbox_email_for_admin
from notifications.forms import PreferencesForm
from notifications.jobs import periodic_task_names
from notifications.models import (
    Delivery,
    DeliveryState,
    EmailState,
    JobRun,
    Notification,
    OutboxEmail,
)
from notifications.registry import REGISTRY, Message
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    outbox_retry,
    preferences_save,
)

PAGE_SIZE = 30
STAFF = tuple(STAFF_ROLES)


def message_for(notification: Notification) -> Message | None:
    kind = REGISTRY.get(notification.kind)
    return kind.message(notification.params) if kind else None


@require_GET
@role_required(*STAFF)
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user).order_by(
        "-created_at", "-pk"
    )
    before = request.GET.get("before", "")
    if before:
        moment, _sep, pk = before.rpartition("_")
        at = parse_datetime(moment)
        if at is None or not pk.isdigit():
            return HttpResponseBadRequest()
        notifications = notifications.filter(
            Q(created_at__lt=at) | Q(created_at=at, pk__lt=int(pk))
        )
    page = list(notifications[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    items = [{"notification": n, "message": message_for(n)} for n in page]
    older = f"{page[-1].created_at.isoformat()}_{page[-1].pk}" if more else ""
    return render(
        request,
        "notifications/list.html",
        {
            "items": items,
            "older": older,
            "unread_here": any(not n.read_at for n in page),
        },
    )


@require_POST
@role_required(*STAFF)
def notification_open(request: HttpRequest, public_id: UUID) -> HttpResponse:
    notification = get_notification_for_user(request, public_id)
    notification_mark_read(notification=notification)
    message = message_for(notification)
    if message is None or not message.link:
        return redirect("notifications:list")
    return redirect(message.link)


@require_POST
@role_required(*STAFF)
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST":
        if form.is_valid():
            preferences_save(user=request.user, switched_off=form.switched_off())
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
        return render(
            request, "notifications/preferences.html", {"form": form}, status=400
        )
    return render(request, "notifications/preferences.html", {"form": form})


def _label(key: str) -> str:
    kind = REGISTRY.get(key)
    return str(kind.label) if kind else key


@require_GET
@role_required(Role.FUNCTIONAL_ADMIN)
def operations(request: HttpRequest) -> HttpResponse:
    municipality_id = request.user.municipality_id
    names = periodic_task_names()
    runs = {run.name: run for run in JobRun.objects.filter(name__in=names)}
    jobs = [
        {"entry": entry, "task": task, "run": runs.get(task)}
        for task, entry in sorted(names.items(), key=lambda item: item[1])
    ]
    deliveries = Delivery.objects.filter(municipality_id=municipality_id)
    emails = OutboxEmail.objects.filter(municipality_id=municipality_id)
    delivery_counts = deliveries.aggregate(
        pending=Count("pk", filter=Q(state=DeliveryState.PENDING)),
        claimed=Count("pk", filter=Q(state=DeliveryState.CLAIMED)),
    )
    email_counts = emails.aggregate(
        queued=Count("pk", filter=Q(state=EmailState.QUEUED)),
        sending=Count("pk", filter=Q(state=EmailState.SENDING)),
        failed=Count("pk", filter=Q(state=EmailState.FAILED)),
    )
    pending = list(
        deliveries.filter(state__in=[DeliveryState.PENDING, DeliveryState.CLAIMED])
        .select_related("recipient")
        .order_by("due_at", "pk")[:PAGE_SIZE]
    )
    failed = list(
        emails.filter(state__in=[EmailState.FAILED, EmailState.QUEUED])
        .exclude(state=EmailState.QUEUED, attempts=0)
        .select_related("delivery__recipient")
        .order_by("-created_at", "-pk")[:PAGE_SIZE]
    )
    for row in pending:
        row.label = _label(row.kind)
    for email in failed:
        email.label = _label(email.delivery.kind)
    return render(
        request,
        "notifications/operations.html",
        {
            "jobs": jobs,
            "delivery_counts": delivery_counts,
            "email_counts": email_counts,
            "pending": pending,
            "failed": failed,
        },
    )


@require_POST
@role_required(Role.FUNCTIONAL_ADMIN)
def operations_retry(request: HttpRequest, public_id: UUID) -> HttpResponse:
    email = get_outbox_email_for_admin(request, public_id)
    if outbox_retry(email=email):
        messages.success(request, _("The e-mail will be sent again."))
    else:
        messages.info(request, _("This e-mail is not waiting for a retry."))
    return redirect("notifications:operations")
