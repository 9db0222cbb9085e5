"""The household page: linked requests, coordinator, ZRM scores and the support plan."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.models import Role
from casework.access import get_help_request_for_staff
from casework.forms_plan import (
    ActionForm,
    CoordinatorForm,
    GoalForm,
    LinkRequestForm,
    ZrmForm,
)
from casework.models import PlanAction, PlanGoal
from casework.services import (
    household_ensure,
    household_link,
    zrm_change,
    zrm_record,
)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def household_plan(request: HttpRequest, reference: str) -> HttpResponse:
    help_request = get_help_request_for_staff(request, reference)
    household = household_ensure(help_request=help_request, by=request.user)
    goals = PlanGoal.objects.filter(household=household)
    forms = {
        "link_form": LinkRequestForm(user=request.user, help_request=help_request),
        "coordinator_form": CoordinatorForm(
            user=request.user, initial={"coordinator": household.coordinator_id}
        ),
        "zrm_form": ZrmForm(),
        "goal_form": GoalForm(),
        "action_form": ActionForm(goals=goals, auto_id="action_%s"),
    }
    if request.method == "POST":
        name = request.POST.get("form", "")
        data = request.POST
        if name == "link":
            form = LinkRequestForm(data, user=request.user, help_request=help_request)
            if form.is_valid():
                household_link(
                    household=household,
                    help_request=form.cleaned_data["reference"],
                    by=request.user,
                )
        elif name == "coordinator":
            form = CoordinatorForm(data, user=request.user)
            if form.is_valid():
                household.coordinator = form.cleaned_data["coordinator"]
                household.save(update_fields=["coordinator"])
        elif name == "zrm":
            form = ZrmForm(data)
            if form.is_valid():
                zrm_record(
                    help_request=help_request,
                    moment=form.cleaned_data["moment"],
                    scores=form.scores(),
                    by=request.user,
                )
        elif name == "goal":
            form = GoalForm(data)
            if form.is_valid():
                PlanGoal.objects.create(household=household, **form.cleaned_data)
        elif name == "action":
            form = ActionForm(data, goals=goals, auto_id="action_%s")
            if form.is_valid():
                PlanAction.objects.create(**form.cleaned_data)
        elif name == "done":
            action = get_object_or_404(
                PlanAction, pk=data.get("action"), goal__household=household
            )
            action.done_at = action.done_at or timezone.now()
            action.save(update_fields=["done_at"])
            return redirect("casework:household_plan", reference)
        else:
            return redirect("casework:household_plan", reference)
        if form.is_valid():
            messages.success(request, _("Saved."))
            return redirect("casework:household_plan", reference)
        forms[f"{name}_form"] = form
    context = {
        "help_request": help_request,
        "household": household,
        "members": household.memberships.select_related(
            "help_request__resident", "help_request__contact_person"
        ),
        "goals": goals.prefetch_related("actions"),
        "zrm_rows": zrm_change(help_request),
        **forms,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "casework/household_plan.html", context, status=status)
