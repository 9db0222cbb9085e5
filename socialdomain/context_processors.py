from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.homes import ROLE_NAVIGATION
from notifications.models import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = request.path
    items = []
    for label, url_name in ROLE_NAVIGATION.get(user.role, []):
        url = reverse(url_name)
        item = {"label": label, "url": url, "current": current == url}
        if url_name == "notifications:list":
            # One indexed COUNT, and only when the template shows the badge.
            item["badge"] = cache(unread_count(user))
        items.append(item)
    return {"navigation": items}
