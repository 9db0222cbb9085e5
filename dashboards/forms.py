"""The dashboard's filters and the report builder."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.models import Domain
from dashboards.figures import Scope, add_months, month_span
from dashboards.models import ALL_DOMAINS, ALL_PILOTS, Section
from dashboards.tables import Area
from municipalities.models import Neighbourhood
from socialdomain.lib.choices import ModelMultipleChoiceField

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 36


def _month(value: str) -> date:
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise forms.ValidationError(_("Enter a month as YYYY-MM, for example 2026-03."))
    return date(int(match.group(1)), int(match.group(2)), 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def to_python(self, value: Any) -> date | None:
        value = super().to_python(value)
        return _month(value) if value else None

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, date) else value


def default_period() -> tuple[date, date]:
    end = timezone.localdate().replace(day=1)
    return add_months(end, -11), end


class PeriodMixin:
    def clean_period(self, cleaned: dict[str, Any]) -> None:
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error(
                    "end", _("The end month must not lie before the start month.")
                )
            elif month_span(start, end) > MAX_MONTHS:
                self.add_error(
                    "end",
                    _("Choose a period of at most %(n)d months.") % {"n": MAX_MONTHS},
                )


class DashboardFilterForm(PeriodMixin, forms.Form):
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)
    municipality = forms.TypedChoiceField(
        label=_("Municipality"), coerce=int, required=False, empty_value=None
    )
    district = forms.TypedChoiceField(
        label=_("District"), coerce=int, required=False, empty_value=None
    )
    neighbourhood = forms.TypedChoiceField(
        label=_("Neighbourhood"), coerce=int, required=False, empty_value=None
    )
    domain = forms.ChoiceField(
        label=_("Domain"),
        choices=[(ALL_DOMAINS, _("All domains")), *Domain.choices],
        required=False,
    )
    pilot = forms.TypedChoiceField(
        label=_("Pilot"),
        coerce=int,
        choices=[(ALL_PILOTS, _("All requests"))],
        required=False,
        empty_value=ALL_PILOTS,
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        areas: list[Area],
        pilots: list[tuple[int, str]],
        municipalities: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`municipalities`: those of a regional manager's region, to choose from;
        `areas` are the neighbourhoods of all of them."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.municipality_ids = tuple(m for m, _name in municipalities or ()) or (
            user.municipality_id,
        )
        if len(self.municipality_ids) > 1:
            self.fields["municipality"].choices = [
                ("", _("The whole region")),
                *(municipalities or ()),
            ]
            # District and neighbourhood choices narrow to the chosen municipality.
            chosen = self._chosen_municipality()
            if chosen is not None:
                areas = [a for a in areas if a.municipality_id == chosen]
        else:
            del self.fields["municipality"]
        self.areas = areas
        in_region = len({a.municipality_id for a in areas}) > 1

        def place(area: Area) -> str:
            return (
                f"{area.municipality} – {area.district}" if in_region else area.district
            )

        # Choices from the neighbourhoods the page loaded anyway: no extra queries,
        # and nothing of another municipality validates.
        districts: dict[int, str] = {a.district_id: place(a) for a in areas}
        self.fields["district"].choices = [
            ("", _("All districts")),
            *sorted(districts.items(), key=lambda item: item[1]),
        ]
        grouped: dict[str, list[tuple[int, str]]] = {}
        for area in areas:
            grouped.setdefault(place(area), []).append((area.id, area.name))
        self.fields["neighbourhood"].choices = [
            ("", _("All neighbourhoods")),
            *grouped.items(),
        ]
        self.fields["pilot"].choices = [(ALL_PILOTS, _("All requests")), *pilots]

    def _chosen_municipality(self) -> int | None:
        value = self.data.get("municipality") if self.is_bound else None
        try:
            chosen = int(value) if value else None
        except (TypeError, ValueError):
            return None
        return chosen if chosen in self.municipality_ids else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = default_period()
        cleaned["start"] = cleaned.get("start") or start
        cleaned["end"] = cleaned.get("end") or end
        self.clean_period(cleaned)
        district, nbh = cleaned.get("district"), cleaned.get("neighbourhood")
        if district and nbh:
            area = next(a for a in self.areas if a.id == nbh)
            if area.district_id != district:
                self.add_error(
                    "neighbourhood", _("This neighbourhood lies in another district.")
                )
        return cleaned

    def scope(self) -> Scope:
        data = self.cleaned_data
        ids = None
        if data.get("neighbourhood"):
            ids = (data["neighbourhood"],)
        elif data.get("district"):
            ids = tuple(a.id for a in self.areas if a.district_id == data["district"])
        chosen = data.get("municipality")
        return Scope(
            municipality_ids=(chosen,) if chosen else self.municipality_ids,
            start=data["start"],
            end=data["end"],
            neighbourhood_ids=ids,
            domain=data.get("domain") or ALL_DOMAINS,
            pilot=data.get("pilot") or ALL_PILOTS,
        )


class ReportForm(PeriodMixin, forms.Form):
    start = MonthField(label=_("From month"))
    end = MonthField(label=_("To month"))
    municipality = forms.TypedChoiceField(
        label=_("Municipality"), coerce=int, required=False, empty_value=None
    )
    neighbourhoods = ModelMultipleChoiceField(
        label=_("Neighbourhoods"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        help_text=_("None chosen: the whole municipality."),
        widget=forms.CheckboxSelectMultiple,
    )
    pilots = forms.TypedMultipleChoiceField(
        label=_("Pilots"),
        coerce=int,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        pilots: list[tuple[int, str]],
        municipalities: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`municipalities`: those of a regional manager's region, to choose from."""
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.visible_to(
            user
        ).select_related("district__municipality")
        if municipalities and len(municipalities) > 1:
            self.fields["municipality"].choices = [
                ("", _("The whole region")),
                *municipalities,
            ]
            self.fields["neighbourhoods"].help_text = _(
                "None chosen: the whole region or the chosen municipality."
            )
            self.fields["neighbourhoods"].label_from_instance = lambda n: (
                f"{n.district.municipality.name}: {n.name}"
            )
        else:
            del self.fields["municipality"]
        self.fields["pilots"].choices = pilots
        if not pilots:
            self.fields["sections"].choices = [
                c for c in Section.choices if c[0] != Section.PILOTS
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_period(cleaned)
        chosen = cleaned.get("municipality")
        if chosen and any(
            n.district.municipality_id != chosen
            for n in cleaned.get("neighbourhoods") or []
        ):
            self.add_error(
                "neighbourhoods",
                _("Choose only neighbourhoods of the chosen municipality."),
            )
        return cleaned


class ResearchExportForm(PeriodMixin, forms.Form):
    purpose = forms.CharField(
        label=_("Purpose of this export"),
        help_text=_(
            "Which research question, for whom, and on what legal ground. It is "
            "logged with your name."
        ),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    start = MonthField(label=_("From month"))
    end = MonthField(label=_("To month"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_period(cleaned)
        return cleaned
