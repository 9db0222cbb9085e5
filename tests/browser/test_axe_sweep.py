"""axe-core (vendored from npm, tests/vendor/axe-core) on every page of every role:
no serious or critical violation, on the demo data (seeded once for the sweep).

What "every page" is comes from the URL resolver and the policy table: every route is
declared in tests/browser/axe_pages.py as a page or as something that is not one (and
the sweep checks that it is not: GET answers 405, a redirect, a download); every page
is opened by every role that the policy lets in, with that role's own demo objects,
and also in the states listed there (a form sent empty, an empty search). A route or
role that the sweep did not reach fails the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from functools import cache
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from accounts.models import User
from citizens.models import HelpRequest
from municipalities.models import Municipality
from privacy.models import DeletionRecord, PurgeRun, RecordKind, Rule
from privacy.services import legal_hold_set
from socialdomain.tests.test_security_baseline import PUBLIC, ROUTES
from tests.browser.axe import AXE_PATH, axe
from tests.browser.axe_pages import (
    ANONYMOUS,
    ERROR_PAGES,
    MUNICIPALITY,
    NOT_PAGES,
    PERSONAS,
    PUBLIC_VISITORS,
    ROUTE_PAGES,
    Persona,
    Visit,
)
from tests.browser.helpers import log_in
from tests.test_access_policy import POLICY, ROLES

SAMPLE_PATHS = dict(ROUTES)


def _allowed(name: str, persona_name: str, persona: Persona) -> bool:
    if name in PUBLIC:
        entry = ROUTE_PAGES.get(name)
        return persona_name in (entry.visitors if entry else PUBLIC_VISITORS)
    return persona.role is not None and persona.role in POLICY[name]


def _expected() -> set[tuple[str, str]]:
    """(role, route) pairs the sweep must have opened: a public page as a visitor
    without an account and as a resident; any other page as every role of its policy
    entry that the view does not refuse."""
    expected: set[tuple[str, str]] = set()
    for name, entry in ROUTE_PAGES.items():
        if name in PUBLIC:
            expected |= {
                (PERSONAS[who].role or ANONYMOUS, name) for who in entry.visitors
            }
        else:
            expected |= {(role, name) for role in POLICY[name] - entry.refused}
    return expected


def _route_of(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return f"(no route: {urlsplit(url).path})"


def test_every_route_is_a_page_or_declared_not_to_be() -> None:
    names = {name for name, _ in ROUTES}
    declared = set(ROUTE_PAGES) | set(NOT_PAGES)

    assert sorted(names - declared) == [], "routes the axe sweep does not know"
    assert sorted(declared - names) == [], "axe sweep entries for no route"
    assert set(ROUTE_PAGES) & set(NOT_PAGES) == set()
    assert set(ROLES) <= {persona.role for persona in PERSONAS.values()}
    # Each role may open pages, so the sweep has something to prove for each.
    assert {role for role, _ in _expected()} == set(ROLES) | {ANONYMOUS}


# Pages of the login itself, checked while logging in (not reachable afterwards).
LOGIN_PAGES = {"accounts:two_factor_code", "accounts:two_factor_enrol"}


@pytest.fixture
def demo(transactional_db: None, settings) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo")
    # One session per persona for the whole sweep: exports and the role-change page
    # must not ask to re-authenticate halfway (the live server shares the settings).
    settings.REAUTHENTICATION_MINUTES = 60
    # The caseworker has not set up an authenticator app yet: the sweep enrols it
    # (and so checks the enrolment page); every other staff persona enters a code.
    TOTPDevice.objects.filter(user=PERSONAS["caseworker"].user()).delete()
    User.objects.create_user(
        f"{PERSONAS['new_resident'].address}@{MUNICIPALITY}.{DEMO_DOMAIN}",
        DEMO_PASSWORD,
        full_name="Noor Bakker",
        municipality=Municipality.objects.get(slug=MUNICIPALITY),
    )
    # The data-protection page with a legal hold and the counts of a purge run.
    admin = PERSONAS["functional_admin"].user()
    help_request = HelpRequest.objects.filter(
        municipality_id=admin.municipality_id
    ).first()
    legal_hold_set(
        help_request=help_request,
        by=admin,
        reason="Beroep bij de rechtbank loopt nog",
        until=timezone.localdate() + dt.timedelta(days=180),
    )
    run = PurgeRun.objects.create(finished_at=timezone.now())
    DeletionRecord.objects.create(
        run=run,
        municipality_id=admin.municipality_id,
        rule=Rule.OTHER,
        kind=RecordKind.HELP_REQUEST,
        count=12,
    )


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer
) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _start_draft(page: Page) -> str:
    page.goto("/help/")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(lambda url: _route_of(url) == "citizens:ask_step")
    return urlsplit(page.url).path.split("/")[2]


def _send_empty(page: Page, selector: str, where: str) -> list[str]:
    """Send the form of `selector` as it is, past the browser's own checks, and run
    axe on the answer (the form with its error messages)."""
    button = page.locator(selector).first
    if not button.count():
        return [f"{where}: no {selector} to send the form with"]
    page.evaluate("() => { for (const form of document.forms) form.noValidate = true }")
    with page.expect_navigation():
        button.click()
    return axe(page, f"{where} (sent as it was: {_route_of(page.url)})")


def _check_not_a_page(
    context: BrowserContext, name: str, visit: Visit, who: str
) -> list[str]:
    entry = NOT_PAGES[name]
    if entry.paths is None:
        return []
    problems = []
    for path in entry.paths(visit):
        response = context.request.get(path, max_redirects=0)
        kind, status = entry.kind, response.status
        content_type = response.headers.get("content-type", "")
        fine = {
            # 403: the view's own role check, narrower than the policy, comes first.
            "post": status in (403, 405),
            "redirect": 300 <= status < 400,
            "download": "text/html" not in content_type,
            "fragment": status == 200 and "<html" not in response.text(),
        }[kind]
        if not fine:
            problems.append(f"{who} GET {path}: {status} {content_type}, not a {kind}")
    return problems


def _sweep(
    context: BrowserContext,
    persona_name: str,
    visited: set[tuple[str, str]],
    opened: list[str],
    login_pages: set[str] | None = None,
) -> list[str]:
    persona = PERSONAS[persona_name]
    user = persona.user()
    page = context.new_page()
    page.set_default_timeout(15_000)
    role = persona.role or ANONYMOUS
    problems: list[str] = []

    def check_login_page(current: Page) -> None:
        name = _route_of(current.url)
        where = f"{persona_name} {urlsplit(current.url).path}"
        if login_pages is not None:
            login_pages.add(name)
        opened.append(current.url)
        problems.extend(axe(current, where))
        problems.extend(_send_empty(current, "main form button", where))

    if user is not None:
        log_in(
            page,
            user,
            DEMO_PASSWORD,
            at_code_step=check_login_page,
            at_enrolment=check_login_page,
        )
    draft = cache(lambda: _start_draft(page))
    visit = Visit(persona_name, persona, user, draft)

    for name, entry in ROUTE_PAGES.items():
        if not _allowed(name, persona_name, persona):
            continue
        if persona.role in entry.refused:
            status = context.request.get(SAMPLE_PATHS[name], max_redirects=0).status
            if status not in (403, 404):
                problems.append(f"{persona_name} {name}: {status}, not refused")
            continue
        for number, target in enumerate(entry.paths(visit)):
            path, status = target if isinstance(target, tuple) else (target, 200)
            where = f"{persona_name} {path}"
            response = page.goto(path)
            answered = response.status if response else None
            if answered != status or _route_of(page.url) != name:
                problems.append(
                    f"{where}: answered {answered} at {_route_of(page.url)}, "
                    f"expected {status} at {name}"
                )
                continue
            visited.add((role, name))
            opened.append(path)
            problems += axe(page, where)
            if entry.interact and number == 0:
                problems += axe(page, f"{where} ({entry.interact(page)})")
                page.goto(path)
            if (
                entry.error_submit
                and number == 0
                and (entry.error_roles is None or persona.role in entry.error_roles)
            ):
                problems += _send_empty(page, entry.error_submit, where)

    for name in NOT_PAGES:
        if _allowed(name, persona_name, persona):
            problems += _check_not_a_page(context, name, visit, persona_name)

    for path, status in ERROR_PAGES.get(persona_name, []):
        response = page.goto(path)
        if response is None or response.status != status:
            problems.append(f"{persona_name} {path}: expected the {status} page")
        problems += axe(page, f"{persona_name} {path} ({status} page)")
    page.close()
    return problems


@pytest.mark.browser
def test_axe_finds_no_serious_violation_on_any_page_of_any_role(
    demo: None,
    browser: Browser,
    live_server: LiveServer,
    new_context: list[BrowserContext],
) -> None:
    visited: set[tuple[str, str]] = set()
    opened: list[str] = []
    problems: list[str] = []
    login_pages: set[str] = set()
    for persona_name in PERSONAS:
        # axe is injected as a script, which the portal's CSP rightly forbids.
        context = browser.new_context(
            base_url=live_server.url, locale="nl-NL", bypass_csp=True
        )
        new_context.append(context)
        context.add_init_script(path=AXE_PATH)
        problems += _sweep(context, persona_name, visited, opened, login_pages)
        context.close()
        new_context.remove(context)

    not_reached = sorted(_expected() - visited)
    assert problems == [], "\n".join(problems)
    # Several states of a page and several roles per page: more paths than pairs.
    assert len(opened) > len(_expected()), opened
    assert not_reached == [], f"pages no persona of the role opened: {not_reached}"
    assert login_pages == LOGIN_PAGES, login_pages


@pytest.mark.browser
def test_the_check_catches_a_real_violation(page: Page) -> None:
    page.context.add_init_script(path=AXE_PATH)
    page.goto("/")
    page.evaluate(
        """() => {
            const p = document.createElement('p');
            p.textContent = 'Lichtgrijze tekst';
            p.style.color = '#dddddd';
            document.querySelector('main').appendChild(p);
            const input = document.createElement('input');
            document.querySelector('main').appendChild(input);
        }"""
    )

    problems = axe(page, "/ with planted problems")

    assert any("color-contrast" in problem for problem in problems)
    assert any("label" in problem for problem in problems)


def test_the_vendored_axe_is_the_npm_package_its_note_names() -> None:
    note = (AXE_PATH.parent / "FETCHED.md").read_text()
    version = re.search(r"^# axe-core (\S+)", note, re.MULTILINE).group(1)
    for name in ("axe.min.js", "LICENSE"):
        digest = hashlib.sha256((AXE_PATH.parent / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in note, f"{name} is not the file FETCHED.md names"
    assert AXE_PATH.read_text().startswith(f"/*! axe v{version}\n")
    assert (
        "Mozilla Public License, version 2.0"
        in (AXE_PATH.parent / "LICENSE").read_text()
    )
