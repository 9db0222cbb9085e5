from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.homes import ROLE_NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = request.path
    items = []
    for label, url_name in ROLE_NAVIGATION.get(user.role, []):
        url = reverse(url_name)
        items.append({"label": label, "url": url, "current": current == url})
    return {"navigation": items}
