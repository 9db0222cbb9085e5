from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.models import Preference
from notifications.registry import kinds_for_role


class PreferencesForm(forms.Form):
    """One checkbox per optional kind of the user's role: checked means "send me
    this". Mandatory kinds are listed on the page but are not fields."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        off = set(Preference.objects.filter(user=user).values_list("kind", flat=True))
        self.mandatory = []
        for kind in kinds_for_role(user.role):
            if kind.mandatory:
                self.mandatory.append(kind)
                continue
            self.fields[self.field_name(kind.key)] = forms.BooleanField(
                label=kind.label, required=False, initial=kind.key not in off
            )

    @staticmethod
    def field_name(key: str) -> str:
        return "kind_" + key.replace(".", "__")

    def switched_off(self) -> set[str]:
        return {
            name.removeprefix("kind_").replace("__", ".")
            for name, value in self.cleaned_data.items()
            if not value
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unknown = set(self.data) - set(self.fields) - {"csrfmiddlewaretoken"}
        if unknown:
            raise forms.ValidationError(
                _("This form was changed outside the page. Please try again.")
            )
        return cleaned
