"""The answers of a draft in readable form, for the review step."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from citizens.models import HelpRequestDraft
from citizens.steps import STEPS


@dataclass
class Section:
    title: str
    slug: str
    rows: list[tuple[str, str]]


def _display(field: forms.Field, value: Any) -> str:
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, list) and not isinstance(field, forms.ChoiceField):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(field, forms.ChoiceField):
        labels = dict(field.choices)
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in values if v) or "—"
    return str(value).strip() or "—"


def summarise(draft: HelpRequestDraft) -> list[Section]:
    sections = []
    for step in STEPS:
        answers = draft.answers_for(step.slug)
        form = step.form_class(data=answers or None)
        if form.is_bound and form.is_valid():
            # Show what will be saved (e.g. "1779 AB", "12A"), not the raw typing.
            answers = {**answers, **form.cleaned_data}
        rows = [
            (str(field.label), _display(field, answers.get(name, "")))
            for name, field in step.form_class.base_fields.items()
        ]
        sections.append(Section(title=str(step.title), slug=step.slug, rows=rows))
    return sections
