"""The queue's filter form (a GET form) and the form that saves a filter by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.forms import BoundField
from django.http import QueryDict
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
from socialdomain.lib.choices import KeptChoices
from socialdomain.templatetags.form_controls import form_fields

MAX_DAYS = 60
# Rendered filter fields per worker, keyed by everything they are made of (see
# QueueFilterForm.rendered_fields); a few teams times a few filter combinations.
RENDERED_FIELDS_MAX = 64
_rendered_fields: dict[tuple[Any, ...], SafeString] = {}


@dataclass(frozen=True)
class SavedRow:
    pk: int
    query: str
    name: str


@dataclass(frozen=True)
class FilterChoices:
    """The choices of the four lists that depend on the user (districts,
    neighbourhoods grouped by district, the team's caseworkers, the pilots) and,
    for each, the pk of a chosen value (a CBS code or a public id). Shared by every
    form of the worker that has the same lists rows: read, never changed."""

    districts: KeptChoices
    neighbourhoods: KeptChoices
    caseworkers: KeptChoices
    pilots: KeptChoices
    district_ids: Mapping[str, int]
    neighbourhood_ids: Mapping[str, int]
    caseworker_ids: Mapping[str, int]
    pilot_ids: Mapping[str, int]


# FilterChoices per worker, keyed by the rows they are made of: one entry per team
# (or per set of lists), shared by every language (the labels are the rows' own
# text or lazy). A changed row is a new key, so nothing needs invalidating.
FILTER_CHOICES_MAX = 64
_filter_choices: dict[tuple[tuple[Any, ...], ...], FilterChoices] = {}


def _filter_lists(user: User) -> tuple[tuple[tuple[Any, ...], ...], list[SavedRow]]:
    """The neighbourhoods the user may filter on (with their districts), the team's
    caseworkers and the municipality's pilots with residents from help requests, as
    rows (pk, value, label, kind, district id, code, name), and the user's saved
    filters, in one query: the queue has a fixed query budget (6, with the session,
    the user, the rows, the view counts and the notification badge), and all four
    lists are small."""
    rows = COMPILED.rows(("lists", *user_key(user)), lambda: _lists_query(user))
    saved = sorted(
        (
            SavedRow(pk, query, name)
            for pk, query, name, kind, *_ in rows
            if kind == "saved"
        ),
        key=lambda row: row.name.lower(),
    )
    return tuple(tuple(row) for row in rows if row[3] != "saved"), saved


def filter_choices(rows: tuple[tuple[Any, ...], ...]) -> FilterChoices:
    found = _filter_choices.get(rows)
    if found is None:
        found = _make_filter_choices(rows)
        if len(_filter_choices) >= FILTER_CHOICES_MAX:
            _filter_choices.clear()
        _filter_choices[rows] = found
    return found


def _make_filter_choices(rows: tuple[tuple[Any, ...], ...]) -> FilterChoices:
    by_label = sorted(rows, key=lambda row: row[2].lower())
    members = [
        (pk, value, label)
        for pk, value, label, kind, *_ in by_label
        if kind == "member"
    ]
    pilots = [
        (pk, value, label) for pk, value, label, kind, *_ in by_label if kind == "pilot"
    ]
    # By district, then by name, as the grouped select shows them.
    places = sorted(
        (row for row in rows if row[3] == "neighbourhood"),
        key=lambda row: (row[6], row[2]),
    )
    districts = {code: name for *_, code, name in places}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for _pk, cbs_code, name, _kind, _district, _code, district_name in places:
        grouped.setdefault(district_name, []).append((cbs_code, name))
    return FilterChoices(
        districts=KeptChoices([("", _("Any district")), *districts.items()]),
        neighbourhoods=KeptChoices([("", _("Any neighbourhood")), *grouped.items()]),
        caseworkers=KeptChoices(
            [("", _("Anyone")), *((value, label) for _pk, value, label in members)]
        ),
        pilots=KeptChoices(
            [
                ("", _("Any or no pilot")),
                *((value, label) for _pk, value, label in pilots),
            ]
        ),
        district_ids={code: district for *_, district, code, _name in places},
        neighbourhood_ids={cbs_code: pk for pk, cbs_code, *_ in places},
        caseworker_ids={value: pk for pk, value, _label in members},
        pilot_ids={value: pk for pk, value, _label in pilots},
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


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("View"),
        choices=KeptChoices(View.choices),
        required=False,
        widget=forms.HiddenInput,
    )
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        help_text=_("A reference, a name or words from the request."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=KeptChoices([("", _("Any open status")), *Status.choices]),
        required=False,
    )
    domain = forms.ChoiceField(
        label=_("Domain"),
        choices=KeptChoices([("", _("Any domain")), *Domain.choices]),
        required=False,
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=KeptChoices(
            [
                ("", _("Any open stage")),
                *((v, label) for v, label in Stage.choices if v in OPEN_STAGES),
            ]
        ),
        required=False,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=KeptChoices([("", _("Any urgency")), *Urgency.choices]),
        required=False,
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), required=False)
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        choices=KeptChoices([("", _("Any deadline")), *DeadlineFilter.choices]),
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
    sort = forms.ChoiceField(
        label=_("Order"), choices=KeptChoices(Sort.choices), required=False
    )
    cursor = forms.CharField(
        label=_("Page"), max_length=500, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lists_rows, self.saved_filters = _filter_lists(user)
        choices = filter_choices(self.lists_rows)
        self.district_ids = choices.district_ids
        self.neighbourhood_ids = choices.neighbourhood_ids
        self.caseworker_ids = choices.caseworker_ids
        self.pilot_ids = choices.pilot_ids
        self.fields["district"].choices = choices.districts
        self.fields["neighbourhood"].choices = choices.neighbourhoods
        self.fields["caseworker"].choices = choices.caseworkers
        self.fields["pilot"].choices = choices.pilots

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
        """The visible fields as `form_field` renders them.

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
            return form_fields(fields)
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


def kept_fields(key: tuple[Any, ...], fields: list[BoundField]) -> SafeString:
    """`fields` rendered by `form_fields`, once per worker for each `key`, which
    must hold everything their markup depends on."""
    found = _rendered_fields.get(key)
    if found is None:
        found = form_fields(fields)
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
            return form_fields(fields)
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
