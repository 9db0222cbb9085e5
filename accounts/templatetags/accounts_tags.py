import math
from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def total_minutes(value: timedelta | None) -> int:
    """Whole minutes, rounded up, so that "try again in N minutes" is never too early."""
    if not value:
        return 0
    return math.ceil(value.total_seconds() / 60)
