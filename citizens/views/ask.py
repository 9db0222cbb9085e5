"""Asking for help: one question per step, answers kept on the server at every step."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.backends import BACKEND
from accounts.models import Role
from citizens import uploads
from citizens.access import (
    get_draft_for_request,
    get_help_request_for_resident,
    remember_draft,
    started_in_session,
)
from citizens.forms import EmailForm, RemindMeForm, SendForm
from citizens.models import Attachment, HelpRequestDraft, UrgentSituation
from citizens.services import (
    ConfirmationRefused,
    DraftIncomplete,
    draft_confirm_email,
    draft_request_confirmation,
    draft_save_step,
    draft_set_reminder,
    draft_start,
    first_incomplete_step,
    help_request_accept_invitation,
    help_request_send,
    help_request_submit,
)
from citizens.steps import STEPS, Step, neighbours, step_by_slug

MAX_ANSWER_LENGTH = 10_000
UPLOAD_STEP = "situation"


def _raw_answers(form_class: type[forms.Form], data: QueryDict) -> dict[str, Any]:
    """What was typed, valid or not, so that nothing is lost when going back."""
    answers: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        # PostgreSQL's JSON cannot hold NUL characters; nobody types them.
        if isinstance(field, forms.MultipleChoiceField):
            answers[name] = [
                value[:100].replace("\x00", "") for value in data.getlist(name)
            ][:20]
        elif isinstance(field, forms.BooleanField):
            answers[name] = "on" if data.get(name) else ""
        else:
            answers[name] = data.get(name, "")[:MAX_ANSWER_LENGTH].replace("\x00", "")
    return answers


def _step_url(draft: HelpRequestDraft, step: Step) -> str:
    return reverse("citizens:ask_step", args=[draft.public_id, step.slug])


def _review_url(draft: HelpRequestDraft) -> str:
    return reverse("citizens:ask_review", args=[draft.public_id])


def _is_unsafe(draft: HelpRequestDraft) -> bool:
    situations = draft.answers_for("urgency").get("urgent_situations", [])
    return UrgentSituation.UNSAFE in situations


def _may_file(request: HttpRequest) -> bool:
    return not request.user.is_authenticated or request.user.role == Role.RESIDENT


# The unfinished requests offered to go on with, the last saved first: a list of
# every one was as long as the drafts an account had started (the bench's demo
# resident: 28,549, 3.4 s).
DRAFTS_SHOWN = 10


@login_not_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not _may_file(request):
        return render(request, "citizens/ask_staff.html", status=403)
    if request.method == "POST":
        draft = draft_start(owner=request.user)
        remember_draft(request, draft)
        return redirect(_step_url(draft, STEPS[0]))
    drafts = (
        list(
            HelpRequestDraft.objects.filter(
                owner=request.user, submitted_request=None
            ).order_by("-updated_at", "-pk")[: DRAFTS_SHOWN + 1]
        )
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "citizens/ask_start.html",
        {
            "drafts": drafts[:DRAFTS_SHOWN],
            "more_drafts": len(drafts) > DRAFTS_SHOWN,
            "drafts_shown": DRAFTS_SHOWN,
            "steps": STEPS,
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, public_id: UUID, slug: str) -> HttpResponse:
    draft = get_draft_for_request(request, public_id)
    if draft.submitted_request_id:
        return redirect("citizens:request_detail", draft.submitted_request.reference)
    current = step_by_slug(slug)
    if current is None:
        return redirect(_step_url(draft, STEPS[0]))
    previous, following = neighbours(current)
    upload_error = ""
    if request.method == "POST":
        answers = _raw_answers(current.form_class, request.POST)
        draft_save_step(draft=draft, step=current, raw=answers)
        upload = request.FILES.get("document")
        if current.slug == UPLOAD_STEP and upload:
            upload_error = _add_document(request, draft, upload)
        if "back" in request.POST and not upload_error:
            return redirect(
                _step_url(draft, previous) if previous else "citizens:ask_start"
            )
        if "stay" in request.POST and not upload_error:
            return redirect(_step_url(draft, current))
        # Validate what was sent (a NUL character gets its field error), keep the
        # cleaned-up answers.
        form = current.form_class(data=request.POST)
        if upload_error:
            form = current.form_class(initial=answers)
        elif form.is_valid():
            return redirect(
                _step_url(draft, following) if following else _review_url(draft)
            )
    else:
        form = current.form_class(initial=draft.answers_for(current.slug))
    context = {
        "draft": draft,
        "form": form,
        "step": current,
        "number": STEPS.index(current) + 1,
        "total": len(STEPS) + 1,
        "previous": previous,
        "unsafe": _is_unsafe(draft),
        "upload_step": current.slug == UPLOAD_STEP,
        "upload_error": upload_error,
        "attachments": draft.attachments.all() if current.slug == UPLOAD_STEP else [],
        "max_documents": uploads.MAX_PER_DRAFT,
    }
    rejected = upload_error or (form.is_bound and form.errors)
    return render(
        request, "citizens/ask_step.html", context, status=400 if rejected else 200
    )


def _add_document(request: HttpRequest, draft: HelpRequestDraft, upload: Any) -> str:
    if draft.attachments.count() >= uploads.MAX_PER_DRAFT:
        return _("You can add at most %(count)s documents.") % {
            "count": uploads.MAX_PER_DRAFT
        }
    try:
        content_type = uploads.check_upload(upload)
        storage_name, size = uploads.store(upload)
    except ValidationError as error:
        return " ".join(error.messages)
    Attachment.objects.create(
        draft=draft,
        uploaded_by=request.user if request.user.is_authenticated else None,
        original_name=uploads.safe_name(upload.name or ""),
        content_type=content_type,
        size=size,
        storage_name=storage_name,
    )
    messages.success(request, _("Your document has been added."))
    return ""


@login_not_required
@require_POST
def remove_document(
    request: HttpRequest, public_id: UUID, attachment_id: UUID
) -> HttpResponse:
    draft = get_draft_for_request(request, public_id)
    attachment = draft.attachments.filter(public_id=attachment_id).first()
    if attachment is not None and not draft.submitted_request_id:
        uploads.path_for(attachment.storage_name).unlink(missing_ok=True)
        attachment.delete()
    return redirect(_step_url(draft, step_by_slug(UPLOAD_STEP)))


@login_not_required
@require_http_methods(["GET"])
def review(request: HttpRequest, public_id: UUID) -> HttpResponse:
    draft = get_draft_for_request(request, public_id)
    if draft.submitted_request_id:
        return redirect("citizens:request_detail", draft.submitted_request.reference)
    return _render_review(request, draft)


def _render_review(
    request: HttpRequest,
    draft: HelpRequestDraft,
    email_form: EmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    from citizens.summary import summarise

    context = {
        "draft": draft,
        "summary": summarise(draft),
        "incomplete": first_incomplete_step(draft),
        "number": len(STEPS) + 1,
        "total": len(STEPS) + 1,
        "previous": STEPS[-1],
        "unsafe": _is_unsafe(draft),
        "attachments": draft.attachments.all(),
        "email_form": email_form or EmailForm(initial={"email": draft.email}),
        "email_action": reverse("citizens:ask_email", args=[draft.public_id]),
        "send_form": SendForm(),
    }
    return render(request, "citizens/ask_review.html", context, status=status)


@login_not_required
@require_POST
def request_confirmation(request: HttpRequest, public_id: UUID) -> HttpResponse:
    draft = get_draft_for_request(request, public_id)
    form = EmailForm(request.POST)
    if not form.is_valid():
        return _render_review(request, draft, email_form=form, status=400)
    draft_request_confirmation(
        draft=draft,
        email=form.cleaned_data["email"],
        remind_me=form.cleaned_data["remind_me"],
        language=get_language(),
    )
    return render(request, "citizens/ask_check_email.html", {"draft": draft})


@login_not_required
@require_http_methods(["GET"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, draft = draft_confirm_email(token=token, language=get_language())
    except ConfirmationRefused as refusal:
        return render(
            request,
            "citizens/ask_link_refused.html",
            {"reason": str(refusal)},
            status=400,
        )
    if request.user != user:
        login(request, user, backend=BACKEND)
    messages.success(request, _("Thank you, your e-mail address is confirmed."))
    return redirect(_review_url(draft))


@login_not_required
@require_http_methods(["GET"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, help_request = help_request_accept_invitation(
            token=token, language=get_language()
        )
    except ConfirmationRefused as refusal:
        return render(
            request,
            "citizens/ask_link_refused.html",
            {"reason": str(refusal)},
            status=400,
        )
    if request.user != user:
        login(request, user, backend=BACKEND)
    return redirect("citizens:request_detail", help_request.reference)


@require_POST
def send(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = request.user
    if user.role == Role.RESIDENT:
        # Most sends are of a resident's own, complete draft: one statement.
        help_request = help_request_send(
            public_id=public_id,
            user=user,
            in_session=started_in_session(request, public_id),
        )
        if help_request is not None:
            return redirect("citizens:ask_sent", help_request.reference)
    draft = get_draft_for_request(request, public_id)
    if request.user.role != Role.RESIDENT:
        return render(request, "citizens/ask_staff.html", status=403)
    try:
        help_request = help_request_submit(draft=draft, user=request.user)
    except HelpRequestDraft.DoesNotExist:  # removed while it was being sent
        raise Http404 from None
    except DraftIncomplete as incomplete:
        messages.error(request, _("One step is not complete yet. Check it and go on."))
        return redirect(_step_url(draft, incomplete.step))
    return redirect("citizens:ask_sent", help_request.reference)


@require_http_methods(["GET"])
def sent(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_resident(request, reference)
    return render(request, "citizens/ask_sent.html", {"help_request": help_request})


@require_POST
def remind_me(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A signed-in resident switches the nudge about an unfinished draft on or off."""
    draft = get_draft_for_request(request, public_id)
    if draft.owner_id != request.user.pk or draft.submitted_request_id:
        raise Http404
    form = RemindMeForm(request.POST)
    form.is_valid()  # a checkbox: absent or anything else means off
    draft_set_reminder(draft=draft, remind_me=bool(form.cleaned_data.get("remind_me")))
    if draft.remind_me:
        messages.success(
            request, _("We will remind you if you have not sent it in 3 days.")
        )
    else:
        messages.success(request, _("We will not remind you about this request."))
    return redirect(_review_url(draft))
