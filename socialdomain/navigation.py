"""What the navigation of the site header shows for the logged-in user's role."""

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from accounts.homes import ROLE_NAVIGATION
from notifications.models import unread_count


@cache
def _url(name: str, prefix: str) -> str:
    return reverse(name)


def url(name: str) -> str:
    """reverse() of an argument-free URL, once per worker: the header's links are
    the same on every page (the script prefix is part of the key, so a portal
    served under a sub-path gets its own)."""
    return _url(name, get_script_prefix())


def navigation_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The role's items: label, URL, whether it is the current page, and for the
    notifications item a callable `badge` (one indexed COUNT, run only when the
    header shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = request.path
    items = []
    for label, url_name in ROLE_NAVIGATION.get(user.role, []):
        link = url(url_name)
        item: dict[str, Any] = {"label": label, "url": link, "current": current == link}
        if url_name == "notifications:list":
            item["badge"] = unread_count(user)
        items.append(item)
    return items
