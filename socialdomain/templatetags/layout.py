"""The site header of base.html (brand, the role's navigation, language form, who
is logged in), made in Python.

Every page renders it, so it is the cost every page pays before doing anything of
its own. Through the template engine it cost more than the session, user and badge
queries together (its loops, URL tags and lookups); made here with format_html it
costs a fraction (bench: the layout floor of `make bench`). Everything in it is
escaped by format_html; the markup is the one the template had, which the browser
and accessibility tests read.
"""

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from socialdomain.navigation import navigation_items, url

register = template.Library()


def _navigation(request: HttpRequest | None) -> SafeString:
    if request is None:
        return SafeString("")
    items = []
    for item in navigation_items(request):
        badge = item.get("badge")
        count = badge() if badge else 0
        items.append(
            format_html(
                '<li class="nav-item"><a class="nav-link" href="{}"{}>{}{}</a></li>',
                item["url"],
                SafeString(' aria-current="page"') if item["current"] else "",
                item["label"],
                format_html(
                    ' <span class="badge rounded-pill text-bg-light"'
                    ' data-testid="unread-count">{}<span class="visually-hidden">'
                    " {}</span></span>",
                    count,
                    _("unread"),
                )
                if count
                else "",
            )
        )
    return SafeString("".join(items))


def _language_form(request: HttpRequest | None, csrf_input: SafeString) -> SafeString:
    current = get_language()
    options = format_html_join(
        "",
        '<option value="{}" lang="{}"{}>{}</option>',
        (
            (
                code,
                code,
                SafeString(" selected") if code == current else "",
                capfirst(get_language_info(code)["name_local"]),
            )
            for code, _name in settings.LANGUAGES
        ),
    )
    return format_html(
        '<form action="{}" method="post" class="language-form d-flex'
        ' align-items-center gap-1 my-2 my-md-0">'
        "{}"
        '<input name="next" type="hidden" value="{}">'
        '<label for="language-select" class="visually-hidden">{}</label>'
        '<select name="language" id="language-select"'
        ' class="form-select form-select-sm">{}</select>'
        '<button type="submit" class="btn btn-outline-light btn-sm">{}</button>'
        "</form>",
        url("set_language"),
        csrf_input,
        request.get_full_path() if request is not None else "",
        _("Language"),
        options,
        _("Change language"),
    )


def _account(request: HttpRequest | None, csrf_input: SafeString) -> SafeString:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return format_html(
            '<a class="btn btn-light btn-sm" href="{}">{}</a>',
            url("accounts:login"),
            _("Log in"),
        )
    return format_html(
        '<p class="navbar-text mb-0 me-1" data-testid="current-user">'
        '<span class="visually-hidden">{}</span> {} <span class="role-badge">{}</span>'
        "</p>"
        '<a class="nav-link d-inline-block" href="{}">{}</a>'
        '<form method="post" action="{}" class="d-inline">'
        "{}"
        '<button type="submit" class="btn btn-outline-light btn-sm">{}</button>'
        "</form>",
        _("Logged in as"),
        user.full_name,
        user.get_role_display(),
        url("accounts:password_change"),
        _("Password"),
        url("accounts:logout"),
        csrf_input,
        _("Log out"),
    )


@register.simple_tag(takes_context=True)
def site_header(context: dict[str, Any]) -> SafeString:
    # A template rendered without a request (no context processors) gets the
    # anonymous header, as the template engine would have made it.
    request = context.get("request")
    csrf_input = (
        format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">',
            get_token(request),
        )
        if request is not None
        else SafeString("")
    )
    return format_html(
        '<header class="site-header">'
        '<nav class="navbar navbar-expand-md" aria-label="{}">'
        '<div class="container">'
        '<a class="navbar-brand" href="{}">Buurtkracht</a>'
        '<button class="navbar-toggler" type="button" data-bs-toggle="collapse"'
        ' data-bs-target="#site-nav" aria-controls="site-nav" aria-expanded="false"'
        ' aria-label="{}"><span class="navbar-toggler-icon"></span></button>'
        '<div class="collapse navbar-collapse" id="site-nav">'
        '<ul class="navbar-nav me-auto">{}</ul>'
        '<div class="d-md-flex align-items-center gap-3">{}{}</div>'
        "</div></div></nav></header>",
        _("Main navigation"),
        url("landing"),
        _("Show or hide the menu"),
        _navigation(request),
        _language_form(request, csrf_input),
        _account(request, csrf_input),
    )
