"""The caseworker's queue and their saved filters."""

from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import role_required
from accounts.models import Role
from casework.forms_queue import QueueFilterForm, SavedFilterForm
from casework.models import SavedFilter
from casework.queue import QueueRow, View, query_string, queue_page, view_counts
from citizens.models import Status

# As the template's `date` filter formats them, in the active language.
DATE_FORMAT = "j M Y"


@dataclass(frozen=True)
class ShownRow:
    """One row of the table, with its texts made once here: the template loop then
    only prints them (per-row URL tags, filters and lookups cost more than the
    query)."""

    reference: str
    url: str
    urgency_rank: int
    status: str
    neighbourhood: str
    due: str
    deadline_state: str
    deadline_label: str
    contact_person: str
    submitted: str


def _shown(row: QueueRow, statuses: dict[str, str], url_prefix: str) -> ShownRow:
    state = row.deadline_state
    return ShownRow(
        reference=row.reference,
        # The reference is URL-safe (HV-2026-000123); reverse() once per page.
        url=f"{url_prefix}{row.reference}/",
        urgency_rank=row.urgency_rank,
        status=statuses.get(row.status, row.status),
        neighbourhood=row.neighbourhood,
        due=dateformat.format(row.due, DATE_FORMAT) if row.due else "",
        deadline_state=state.value if state else "",
        deadline_label=state.label if state else "",
        contact_person=row.contact_person or "—",
        submitted=dateformat.format(timezone.localtime(row.submitted_at), DATE_FORMAT),
    )


def _rows_html(rows: list[ShownRow], *, can_reassign: bool) -> SafeString:
    """The table body. Made here rather than in a template loop: 25 rows of a
    dozen cells each cost the template engine more than the page's queries."""
    crisis, urgent = _("crisis"), _("urgent")
    html = []
    for row in rows:
        choose = (
            format_html(
                '<td><input type="checkbox" class="form-check-input" name="requests"'
                ' value="{0}" form="bulk-reassign" id="choose-{0}"><label'
                ' class="visually-hidden" for="choose-{0}">{1}</label></td>',
                row.reference,
                _("Choose %(reference)s") % {"reference": row.reference},
            )
            if can_reassign
            else ""
        )
        badge = (
            format_html(' <span class="badge text-bg-danger">{}</span>', crisis)
            if row.urgency_rank == 2
            else format_html(' <span class="badge text-bg-danger">{}</span>', urgent)
            if row.urgency_rank == 1
            else ""
        )
        due = (
            format_html(
                '{} <span class="badge deadline-{}" data-state="{}">{}</span>',
                row.due,
                row.deadline_state,
                row.deadline_state,
                row.deadline_label,
            )
            if row.due
            else "—"
        )
        html.append(
            format_html(
                '<tr data-reference="{}">{}<th scope="row"><a href="{}">{}</a>{}</th>'
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                row.reference,
                choose,
                row.url,
                row.reference,
                badge,
                row.status,
                row.neighbourhood,
                due,
                row.contact_person,
                row.submitted,
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every part went through format_html


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
    statuses = dict(Status.choices)
    url_prefix = reverse("casework:request_detail", args=["-"])[:-2]
    rows = [_shown(row, statuses, url_prefix) for row in page.rows] if page else []
    can_reassign = user.role == Role.TEAM_LEAD
    context = {
        "form": form,
        "page": page,
        "rows_html": _rows_html(rows, can_reassign=can_reassign),
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
