"""Mijn hulpvragen: a resident follows their requests and talks to their contact."""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.models import Role
from citizens.access import get_consent_for_resident, get_help_request_for_resident
from citizens.forms import MessageForm, SatisfactionForm
from citizens.models import HelpRequest
from citizens.services import (
    AlreadyRated,
    MessageRefused,
    consent_withdraw,
    help_request_rate,
    help_request_withdraw,
    message_post,
)
from citizens.timeline import timeline_for


@role_required(Role.RESIDENT)
@require_http_methods(["GET"])
def request_list(request: HttpRequest) -> HttpResponse:
    requests = HelpRequest.objects.for_resident(request.user).select_related(
        "neighbourhood"
    )
    page = Paginator(requests, 20).get_page(request.GET.get("page"))
    return render(
        request, "citizens/request_list.html", {"requests": page, "page": page}
    )


@role_required(Role.RESIDENT)
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_resident(request, reference)
    form = MessageForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                message_post(
                    help_request=help_request,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    document=form.cleaned_data["document"],
                )
            except MessageRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Your message has been sent."))
                return redirect("citizens:request_detail", reference)
    return _render_detail(
        request,
        help_request,
        form=form,
        satisfaction_form=SatisfactionForm(),
        status=400 if form.is_bound and form.errors else 200,
    )


def _render_detail(
    request: HttpRequest,
    help_request: HelpRequest,
    *,
    form: MessageForm,
    satisfaction_form: SatisfactionForm,
    status: int,
) -> HttpResponse:
    context = {
        "help_request": help_request,
        "timeline": timeline_for(help_request),
        "conversation": help_request.messages.filter(for_resident=True).select_related(
            "author"
        ),
        "attachments": help_request.attachments.all(),
        "consents": help_request.consents.select_related("organisation"),
        "form": form,
        "satisfaction_form": satisfaction_form,
    }
    return render(request, "citizens/request_detail.html", context, status=status)


@role_required(Role.RESIDENT)
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_resident(request, reference)
    if not help_request.is_open:
        messages.info(request, _("This request is already closed."))
        return redirect("citizens:request_detail", reference)
    if request.method == "POST":
        help_request_withdraw(help_request=help_request, by=request.user)
        messages.success(request, _("Your request has been withdrawn."))
        return redirect("citizens:request_detail", reference)
    return render(
        request, "citizens/request_withdraw.html", {"help_request": help_request}
    )


@role_required(Role.RESIDENT)
@require_http_methods(["POST"])
def request_rate(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_resident(request, reference)
    form = SatisfactionForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request,
            help_request,
            form=MessageForm(),
            satisfaction_form=form,
            status=400,
        )
    try:
        help_request_rate(
            help_request=help_request, by=request.user, **form.cleaned_data
        )
    except AlreadyRated:
        messages.info(request, _("You have already given a score for this request."))
    else:
        messages.success(request, _("Thank you for your score."))
    return redirect("citizens:request_detail", reference)


@role_required(Role.RESIDENT)
@require_http_methods(["POST"])
def consent_withdraw_view(
    request: HttpRequest, reference: str, public_id: UUID
) -> HttpResponse:
    consent = get_consent_for_resident(request, reference, public_id)
    if consent_withdraw(consent=consent, by=request.user):
        messages.success(
            request,
            _(
                "Your consent has been withdrawn. From now on nobody receives your "
                "details for this."
            ),
        )
    else:
        messages.info(request, _("You had already withdrawn this consent."))
    return redirect("citizens:request_detail", reference)
