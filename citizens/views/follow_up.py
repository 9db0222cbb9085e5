"""The follow-up questionnaire, opened from the e-mailed link without logging in."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from citizens.forms import FollowUpForm
from citizens.models import FollowUpAnswer
from citizens.reminders import follow_up_from_token
from citizens.services import FollowUpAlreadyAnswered, follow_up_answer


@login_not_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    help_request = follow_up_from_token(token)
    if help_request is None:
        return render(request, "citizens/follow_up_refused.html", status=404)
    if FollowUpAnswer.objects.filter(help_request=help_request).exists():
        return render(request, "citizens/follow_up_thanks.html", {"already": True})
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                follow_up_answer(help_request=help_request, answers=form.cleaned_data)
            except FollowUpAlreadyAnswered:
                return render(
                    request, "citizens/follow_up_thanks.html", {"already": True}
                )
            return render(request, "citizens/follow_up_thanks.html", {})
        status = 400
    else:
        status = 200
    return render(
        request,
        "citizens/follow_up.html",
        {"form": form, "reference": help_request.reference},
        status=status,
    )
