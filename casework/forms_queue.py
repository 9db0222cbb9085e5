"""The queue's filter form (a GET form) and the form that saves a filter by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.forms import BoundField
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import TEAM_ROLES, User
from casework.models import Domain, SavedFilter, Urgency
from casework.queue import (
    COMPILED,
    DeadlineFilter,
    InvalidCursor,
    QueueQuery,
    Sort,
    View,
    decode_cursor,
    query_string,
    user_key,
)
from casework.stages import OPEN_STAGES, Stage
from citizens.models import Status
from municipalities.models import Neighbourhood
from pilots.models import Participant, Pilot

MAX_DAYS = 60
# Rendered filter fields per worker, keyed by everything they are made of (see
# QueueFilterForm.rendered_fields); a few teams times a few filter combinations.
RENDERED_FIELDS_MAX = 64
_rendered_fields: dict[tuple[Any, ...], SafeString] = {}


Choice = tuple[int, str, str]


@dataclass(frozen=True)
class SavedRow:
    pk: int
    query: str
    name: str


@dataclass(frozen=True)
class NeighbourhoodRow:
    pk: int
    cbs_code: str
    name: str
    district_id: int
    district_code: str
    district_name: str


@dataclass(frozen=True)
class FilterLists:
    neighbourhoods: list[NeighbourhoodRow]
    members: list[Choice]
    pilots: list[Choice]
    saved: list[SavedRow]
    # The rows the three choice lists were made of (not the saved filters): with
    # the language, everything the filter fields' choices depend on.
    rows: tuple[tuple[Any, ...], ...]


def _filter_lists(user: User) -> FilterLists:
    """The neighbourhoods the user may filter on (with their districts), the team's
    caseworkers and the municipality's pilots with residents from help requests, as
    (pk, public id, label), and the user's saved filters, in one query: the queue
    has a fixed query budget (6, with the session, the user, the rows, the view
    counts and the notification badge), and all four lists are small."""
    found: dict[str, list[Choice]] = {"member": [], "pilot": [], "saved": []}
    places: list[NeighbourhoodRow] = []
    rows = COMPILED.rows(("lists", *user_key(user)), lambda: _lists_query(user))
    for pk, value, label, kind, *district in sorted(
        rows, key=lambda row: row[2].lower()
    ):
        if kind == "neighbourhood":
            places.append(NeighbourhoodRow(pk, value, label, *district))
        else:
            found[kind].append((pk, value, label))
    # By district, then by name, as the grouped select shows them.
    places.sort(key=lambda n: (n.district_name, n.name))
    return FilterLists(
        neighbourhoods=places,
        members=found["member"],
        pilots=found["pilot"],
        saved=[SavedRow(pk, query, name) for pk, query, name in found["saved"]],
        rows=tuple(row for row in rows if row[3] != "saved"),
    )


def _lists_query(user: User) -> QuerySet[Any]:
    # Every arm has the same seven columns: pk, value, label, kind, and for a
    # neighbourhood its district (id, CBS code, name).
    none_id = Value(0)
    none_text = Value("")
    neighbourhoods = Neighbourhood.objects.visible_to(user).values_list(
        "pk",
        "cbs_code",
        "name",
        Value("neighbourhood"),
        "district_id",
        "district__cbs_code",
        "district__name",
    )
    members = User.objects.filter(
        team_id=user.team_id, role__in=TEAM_ROLES, is_active=True
    ).values_list(
        "pk",
        Cast("public_id", models.CharField()),
        Coalesce(
            NullIf("full_name", Value("")), "email", output_field=models.CharField()
        ),
        Value("member"),
        none_id,
        none_text,
        none_text,
    )
    pilots = (
        Pilot.objects.filter(municipality_id=user.municipality_id)
        .filter(
            Exists(
                Participant.objects.filter(
                    pilot=OuterRef("pk"), help_request__isnull=False
                )
            )
        )
        .values_list(
            "pk",
            Cast("public_id", models.CharField()),
            "title",
            Value("pilot"),
            none_id,
            none_text,
            none_text,
        )
    )
    saved = SavedFilter.objects.filter(user=user).values_list(
        "pk", "query", "name", Value("saved"), none_id, none_text, none_text
    )
    return neighbourhoods.union(members, pilots, saved, all=True)


class FixedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are fixed in the form class. Every form made
    deep-copies its fields, and ChoiceField copies its choices with every lazy
    label in them; a form's copy of this field shares the class's list instead
    (nothing changes a list of choices in place: setting `choices` makes a new
    one). The queue makes this form on every request."""

    def __deepcopy__(self, memo: dict[int, Any]) -> FixedChoiceField:
        return forms.Field.__deepcopy__(self, memo)  # type: ignore[return-value]


class QueueFilterForm(forms.Form):
    view = FixedChoiceField(
        label=_("View"), choices=View.choices, required=False, widget=forms.HiddenInput
    )
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        help_text=_("A reference, a name or words from the request."),
    )
    status = FixedChoiceField(
        label=_("Status"),
        choices=[("", _("Any open status")), *Status.choices],
        required=False,
    )
    domain = FixedChoiceField(
        label=_("Domain"),
        choices=[("", _("Any domain")), *Domain.choices],
        required=False,
    )
    stage = FixedChoiceField(
        label=_("Stage"),
        choices=[
            ("", _("Any open stage")),
            *((value, label) for value, label in Stage.choices if value in OPEN_STAGES),
        ],
        required=False,
    )
    urgency = FixedChoiceField(
        label=_("Urgency"),
        choices=[("", _("Any urgency")), *Urgency.choices],
        required=False,
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), required=False)
    deadline = FixedChoiceField(
        label=_("Deadline"),
        choices=[("", _("Any deadline")), *DeadlineFilter.choices],
        required=False,
    )
    days = forms.IntegerField(
        label=_("Number of days"),
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        help_text=_("Between 1 and 60, with “Due within”."),
    )
    caseworker = forms.ChoiceField(label=_("Contact person"), required=False)
    pilot = forms.ChoiceField(label=_("Pilot"), required=False)
    sort = FixedChoiceField(label=_("Order"), choices=Sort.choices, required=False)
    cursor = forms.CharField(
        label=_("Page"), max_length=500, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lists = _filter_lists(user)
        neighbourhoods = lists.neighbourhoods
        self.district_ids = {n.district_code: n.district_id for n in neighbourhoods}
        self.neighbourhood_ids = {n.cbs_code: n.pk for n in neighbourhoods}
        districts = {n.district_code: n.district_name for n in neighbourhoods}
        self.fields["district"].choices = [
            ("", _("Any district")),
            *districts.items(),
        ]
        grouped: dict[str, list[tuple[str, str]]] = {}
        for neighbourhood in neighbourhoods:
            grouped.setdefault(neighbourhood.district_name, []).append(
                (neighbourhood.cbs_code, neighbourhood.name)
            )
        self.fields["neighbourhood"].choices = [
            ("", _("Any neighbourhood")),
            *grouped.items(),
        ]
        members, pilots = lists.members, lists.pilots
        self.saved_filters = lists.saved
        self.lists_rows = lists.rows
        self.caseworker_ids = {public_id: pk for pk, public_id, _l in members}
        self.fields["caseworker"].choices = [
            ("", _("Anyone")),
            *((public_id, label) for _pk, public_id, label in members),
        ]
        self.pilot_ids = {public_id: pk for pk, public_id, _l in pilots}
        self.fields["pilot"].choices = [
            ("", _("Any or no pilot")),
            *((public_id, label) for _pk, public_id, label in pilots),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        wants_days = cleaned.get("deadline") == DeadlineFilter.DUE_WITHIN
        if wants_days and cleaned.get("days") is None and not self.has_error("days"):
            self.add_error("days", _("Give a number of days between 1 and 60."))
        cursor = cleaned.get("cursor")
        if cursor and "sort" in cleaned:
            try:
                cleaned["after"] = decode_cursor(cursor, cleaned["sort"] or Sort.NEWEST)
            except InvalidCursor:
                self.add_error(
                    "cursor",
                    _("This page link is not valid. Start again at the first page."),
                )
        return cleaned

    def rendered_fields(self) -> SafeString:
        """The visible fields as includes/field.html renders them.

        Rendering the selects' widgets costs more than the rest of the page, and the
        result is the same for every request with the same inputs, so it is kept per
        worker under a key holding all of them: the language, the rows the lists
        were made of (the other choices are fixed), and each field's value. Two
        users share an entry only when their lists are equal, so no one sees
        another's, and a changed list is a new key, so there is nothing to
        invalidate. Forms with errors are rendered each time.
        """
        fields = self.visible_fields()
        if self.errors:
            return render_to_string(FIELDS_TEMPLATE, {"fields": fields})
        return kept_fields(
            (
                "filters",
                get_language(),
                self.lists_rows,
                *((field.name, repr(field.value())) for field in fields),
            ),
            fields,
        )

    def queue_query(self) -> QueueQuery:
        data = self.cleaned_data
        return QueueQuery(
            view=data["view"] or View.TEAM,
            q=data["q"].strip(),
            status=data["status"],
            domain=data["domain"],
            urgency=data["urgency"],
            district_id=self.district_ids.get(data["district"]),
            neighbourhood_id=self.neighbourhood_ids.get(data["neighbourhood"]),
            deadline=data["deadline"],
            days=data["days"],
            caseworker_id=self.caseworker_ids.get(data["caseworker"]),
            stage=data["stage"],
            pilot_id=self.pilot_ids.get(data["pilot"]),
            sort=data["sort"] or Sort.NEWEST,
            after=data.get("after"),
        )


FIELDS_TEMPLATE = "casework/queue_filter_fields.html"


def kept_fields(key: tuple[Any, ...], fields: list[BoundField]) -> SafeString:
    """`fields` rendered by FIELDS_TEMPLATE, once per worker for each `key`, which
    must hold everything their markup depends on."""
    found = _rendered_fields.get(key)
    if found is None:
        found = render_to_string(FIELDS_TEMPLATE, {"fields": fields})
        if len(_rendered_fields) >= RENDERED_FIELDS_MAX:
            _rendered_fields.clear()
        _rendered_fields[key] = found
    return found


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name of this filter"), max_length=80)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def rendered_fields(self) -> SafeString:
        """Its fields (the name, and the filters as a hidden value) as the queue's
        filter fields are rendered: kept per worker by language and values, made
        again when there are errors to show."""
        fields = [*self.hidden_fields(), *self.visible_fields()]
        if self.errors:
            return render_to_string(FIELDS_TEMPLATE, {"fields": fields})
        return kept_fields(
            ("save", get_language(), *(repr(field.value()) for field in fields)),
            fields,
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if SavedFilter.objects.filter(user=self.user, name=name).exists():
            raise forms.ValidationError(
                _("You already have a filter with this name."), code="unique"
            )
        return name

    def clean_query(self) -> str:
        params = QueryDict(self.cleaned_data["query"])
        if not QueueFilterForm(params, user=self.user).is_valid():
            raise forms.ValidationError(_("These filters are not valid."))
        known = QueryDict(mutable=True)
        for key in QueueFilterForm.base_fields:
            if key in params:
                known.setlist(key, params.getlist(key))
        return query_string(known)
