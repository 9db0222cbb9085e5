"""The steps of asking for help, in order; each has a slug, a title and a form."""

from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from citizens import forms as step_forms


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    form_class: type[forms.Form]


STEPS: list[Step] = [
    Step("for-whom", _("For whom"), step_forms.ForWhomForm),
    Step("situation", _("What is going on"), step_forms.SituationForm),
    Step("household", _("Your household"), step_forms.HouseholdForm),
    Step("own-strength", _("What you can do yourself"), step_forms.OwnStrengthForm),
    Step("urgency", _("Is it urgent?"), step_forms.UrgencyForm),
    Step("contact", _("Where you live and how we reach you"), step_forms.ContactForm),
    Step("consent", _("Privacy and sharing"), step_forms.ConsentForm),
]
STEP_SLUGS = [step.slug for step in STEPS]


def step_by_slug(slug: str) -> Step | None:
    return next((step for step in STEPS if step.slug == slug), None)


def neighbours(step: Step) -> tuple[Step | None, Step | None]:
    index = STEPS.index(step)
    previous = STEPS[index - 1] if index > 0 else None
    following = STEPS[index + 1] if index + 1 < len(STEPS) else None
    return previous, following
