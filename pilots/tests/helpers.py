"""Submit a form as the page rendered it: its fields and their current values, with
what the test types on top (what a person would do in the browser)."""

from html.parser import HTMLParser
from typing import Any

from django.http import HttpResponse
from django.test import Client


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {"attrs": a, "fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                fields.setdefault(name, [])
                if "checked" in a:
                    fields[name].append(a.get("value", "on"))
            elif kind != "submit":
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            fields[name] = None
        elif tag == "option" and self._select:
            # Without a selected option the browser sends the first one.
            if "selected" in a or fields[self._select] is None:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, *, match: str) -> tuple[str, dict[str, Any]]:
    """The action and fields of the first form whose action or data-form contains
    `match`."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        attrs = form["attrs"]
        if match in attrs.get("action", "") or match == attrs.get("data-form"):
            return attrs.get("action", ""), form["fields"]
    raise AssertionError(f"no form matching {match!r} on the page")


def submit(client: Client, page: str, *, match: str, **typed: Any) -> HttpResponse:
    """Open `page`, fill in `typed` over the rendered form and send it."""
    response = client.get(page)
    assert response.status_code == 200, response.status_code
    action, fields = form_fields(response.content.decode(), match=match)
    data = {key: value for key, value in fields.items() if value != []}
    data.update(typed)
    return client.post(action or page, data)
