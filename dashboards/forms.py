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
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.areas = areas
        # Choices from the neighbourhoods the page loaded anyway: no extra queries,
        # and nothing of another municipality validates.
        districts: dict[int, str] = {a.district_id: a.district for a in areas}
        self.fields["district"].choices = [
            ("", _("All districts")),
            *sorted(districts.items(), key=lambda item: item[1]),
        ]
        grouped: dict[str, list[tuple[int, str]]] = {}
        for area in areas:
            grouped.setdefault(area.district, []).append((area.id, area.name))
        self.fields["neighbourhood"].choices = [
            ("", _("All neighbourhoods")),
            *grouped.items(),
        ]
        self.fields["pilot"].choices = [(ALL_PILOTS, _("All requests")), *pilots]

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
        return Scope(
            municipality_id=self.user.municipality_id,
            start=data["start"],
            end=data["end"],
            neighbourhood_ids=ids,
            domain=data.get("domain") or ALL_DOMAINS,
            pilot=data.get("pilot") or ALL_PILOTS,
        )


class ReportForm(PeriodMixin, forms.Form):
    start = MonthField(label=_("From month"))
    end = MonthField(label=_("To month"))
    neighbourhoods = forms.ModelMultipleChoiceField(
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
        self, *args: Any, user: User, pilots: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = Neighbourhood.objects.visible_to(
            user
        ).select_related("district")
        self.fields["pilots"].choices = pilots
        if not pilots:
            self.fields["sections"].choices = [
                c for c in Section.choices if c[0] != Section.PILOTS
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.clean_period(cleaned)
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
