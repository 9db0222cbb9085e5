"""The caseworker's queue and their saved filters."""

from collections.abc import Callable
from datetime import date
from html import escape

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import role_required
from accounts.models import Role
from casework.forms_queue import QueueFilterForm, SavedFilterForm
from casework.models import SavedFilter
from casework.queue import QueueRow, View, query_string, queue_page, view_counts
from citizens.models import Status


def _dates() -> Callable[[date], str]:
    """Dates as the template's `date:"j M Y"` shows them in the active language
    (dateformat's M is MONTHS_3 in title case), with the month names looked up
    once per page instead of once per cell."""
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    return lambda day: f"{day.day} {months[day.month]} {day.year:04d}"


def _rows_html(rows: list[QueueRow], *, can_reassign: bool) -> SafeString:
    """The table body. Made here in one pass rather than in a template loop: 25
    rows of a dozen cells each cost the template engine (and format_html's lazy
    checks per value) more than the page's queries. Every value goes through the
    standard library's html.escape, which is what Django's escape() runs."""
    shown = _dates()
    statuses = {value: str(label) for value, label in Status.choices}
    # The reference is URL-safe (HV-2026-000123); reverse() once per page.
    url_prefix = reverse("casework:request_detail", args=["-"])[:-2]
    badges = {
        2: f' <span class="badge text-bg-danger">{escape(_("crisis"))}</span>',
        1: f' <span class="badge text-bg-danger">{escape(_("urgent"))}</span>',
        0: "",
    }
    choose_label = _("Choose %(reference)s")
    html = []
    for row in rows:
        reference = escape(row.reference)
        choose = (
            '<td><input type="checkbox" class="form-check-input" name="requests"'
            f' value="{reference}" form="bulk-reassign" id="choose-{reference}">'
            f'<label class="visually-hidden" for="choose-{reference}">'
            f"{escape(choose_label % {'reference': row.reference})}</label></td>"
            if can_reassign
            else ""
        )
        state = row.deadline_state
        due = (
            f"{shown(row.due)} <span"
            f' class="badge deadline-{state.value}" data-state="{state.value}">'
            f"{escape(str(state.label))}</span>"
            if row.due and state
            else "—"
        )
        html.append(
            f'<tr data-reference="{reference}">{choose}<th scope="row">'
            f'<a href="{escape(url_prefix)}{reference}/">{reference}</a>'
            f"{badges[row.urgency_rank]}</th>"
            f"<td>{escape(statuses.get(row.status, row.status))}</td>"
            f"<td>{escape(row.neighbourhood)}</td><td>{due}</td>"
            f"<td>{escape(row.contact_person or '—')}</td>"
            f"<td>{shown(timezone.localtime(row.submitted_at))}</td></tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value went through html.escape


def _render_queue(
    request: HttpRequest,
    params: QueryDict,
    *,
    save_form: SavedFilterForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    form = QueueFilterForm(params, user=user)
    page = None
    if form.is_valid():
        query = form.queue_query()
        page = queue_page(query, user=user, today=today)
        active = query.view
    else:
        status = 400
        active = params.get("view") if params.get("view") in View.values else View.TEAM
    counts = view_counts(user=user, today=today)
    can_reassign = user.role == Role.TEAM_LEAD
    context = {
        "form": form,
        "page": page,
        "rows_html": _rows_html(page.rows if page else [], can_reassign=can_reassign),
        "active_view": active,
        "tabs": [
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "active": value == active,
                "query": query_string(params, view=value),
            }
            for value, label in View.choices
        ],
        "next_query": query_string(params, cursor=page.next_cursor)
        if page and page.next_cursor
        else "",
        "first_page_query": query_string(params),
        "clear_query": query_string(QueryDict(), view=active),
        "saved_filters": form.saved_filters,
        "can_reassign": can_reassign,
        "save_form": save_form
        or SavedFilterForm(user=user, initial={"query": query_string(params)}),
    }
    return render(request, "casework/queue.html", context, status=status)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    return _render_queue(request, request.GET)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            # The unique constraint settles a double click that passed the form check.
            with transaction.atomic():
                saved = SavedFilter.objects.create(
                    user=request.user, **form.cleaned_data
                )
        except IntegrityError:
            form.add_error("name", _("You already have a filter with this name."))
        else:
            messages.success(request, _("The filter has been saved."))
            return redirect(f"{reverse('casework:queue')}?{saved.query}")
    params = QueryDict(request.POST.get("query", "")[:1000])
    return _render_queue(request, params, save_form=form, status=400)


@role_required(Role.CASEWORKER, Role.TEAM_LEAD)
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Only one's own filters exist for this lookup: anyone else's is a 404.
    saved = get_object_or_404(request.user.saved_filters, pk=pk)
    saved.delete()
    messages.success(request, _("The saved filter has been deleted."))
    return redirect("casework:queue")
