"""What the axe sweep visits: every route of the project, either as a page (with the
paths to open it for a persona, filled with that persona's own demo objects, and the
states worth checking) or as something that is not a page (a POST action, a redirect,
a download, an htmx fragment), with the kind that the sweep checks it is.

tests/browser/test_axe_sweep.py walks this table for every persona in one browser
context each; test_every_route_is_a_page_or_declared_not_to_be (there) fails for a
route missing here, so a new page cannot go without axe coverage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.db import models
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page as BrowserPage

from accounts.demo import DEMO_DOMAIN
from accounts.models import Role, User
from casework.models import Referral, ReferralStatus
from citizens.models import Attachment, HelpRequest, Status
from citizens.reminders import follow_up_token
from dashboards.models import Report
from networks.models import Match, Organisation, Service, Volunteer
from notifications.models import Notification, OutboxEmail
from pilots.models import Idea, LibraryEntry, Participant, Pilot
from pilots.services import measurement_plan
from tests.test_access_policy import (
    ADMIN,
    ALDERMAN,
    CASEWORKER,
    PARTNER,
    PILOT_OWNER,
    REGIONAL,
    RESIDENT,
    TEAM_LEAD,
)

MUNICIPALITY = "den-helder"
# Public pages are checked as a visitor without an account and as a resident (the
# logged-in people who use them); staff pages by every role the policy lets in.
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Persona:
    role: str | None  # a policy role of tests/test_access_policy.py; None: anonymous
    address: str | None = None  # local part of the demo account's e-mail address

    def user(self) -> User | None:
        if self.address is None:
            return None
        # A bare local part lives in Den Helder's domain; "name@domain" names its own.
        local = (
            self.address if "@" in self.address else f"{self.address}@{MUNICIPALITY}"
        )
        return User.objects.get(email=f"{local}.{DEMO_DOMAIN}")


PERSONAS: dict[str, Persona] = {
    ANONYMOUS: Persona(None),
    "resident": Persona(RESIDENT, "inwoner"),
    # A resident who volunteers: the volunteer pages (there is no volunteer role).
    "volunteer": Persona(RESIDENT, "vrijwilliger"),
    # A resident who has just made an account: the empty lists and pages (the sweep
    # makes this account; the demo has none without requests).
    "new_resident": Persona(RESIDENT, "nieuw"),
    "caseworker": Persona(CASEWORKER, "consulent"),
    "team_lead": Persona(TEAM_LEAD, "teamleider"),
    "partner": Persona(PARTNER, "partner"),
    # A partner at the volunteer organisation: screens volunteers.
    "coordinator": Persona(PARTNER, "coordinator"),
    "pilot_owner": Persona(PILOT_OWNER, "pilothouder"),
    "alderman": Persona(ALDERMAN, "wethouder"),
    "regional_manager": Persona(REGIONAL, "regiomanager@demoregio-kust-en-polder"),
    "functional_admin": Persona(ADMIN, "beheerder"),
}
PUBLIC_VISITORS = frozenset({ANONYMOUS, "resident"})


@dataclass
class Visit:
    """What a path function gets: the persona, its account and the browser page (for
    objects that only exist in the browser's session, like a draft)."""

    name: str
    persona: Persona
    user: User | None
    start_draft: Callable[[], str]  # -> the draft's public_id, started in the browser


# A path, or a path and the status its page answers with (a refused link: 400).
Target = str | tuple[str, int]
Paths = Callable[[Visit], list[Target]]


@dataclass(frozen=True)
class Page:
    paths: Paths
    # Roles of the policy table that the view refuses all the same, with 403 or 404
    # (the policy lists who passes the role check; some views check more narrowly).
    refused: frozenset[str] = frozenset()
    # A state reached from the page (a form sent empty, a filter, a panel opened):
    # selector of the button to press after making the form skip browser validation.
    error_submit: str | None = None
    # The roles whose page has that form (default: every role that opens the page).
    error_roles: frozenset[str] | None = None
    # Who opens a public page: a logged-in resident is sent on from some of them.
    visitors: frozenset[str] = PUBLIC_VISITORS
    # Another state, reached by working the first path's page (axe runs after it).
    interact: Callable[[BrowserPage], str] | None = None


@dataclass(frozen=True)
class NotAPage:
    kind: str  # "post" (GET: 405), "redirect" (3xx), "download" or "fragment"
    paths: Paths | None = None  # for redirects, downloads and fragments
    why: str = field(default="")


def _url(name: str, *args: object) -> str:
    return reverse(name, args=[str(arg) for arg in args])


def _requests(visit: Visit):  # type: ignore[no-untyped-def]
    return HelpRequest.objects.visible_to(visit.user).order_by("pk")


def _own_requests(visit: Visit):  # type: ignore[no-untyped-def]
    return HelpRequest.objects.for_resident(visit.user).order_by("pk")


def _one_per_status(visit: Visit, name: str) -> list[Target]:
    seen: dict[str, str] = {}
    for status, reference in _own_requests(visit).values_list("status", "reference"):
        seen.setdefault(status, reference)
    return [_url(name, reference) for reference in seen.values()]


def _first_case(visit: Visit, name: str) -> list[Target]:
    help_request = _requests(visit).exclude(status=Status.CLOSED).first()
    return [_url(name, help_request.reference)] if help_request else []


def _pilots(visit: Visit):  # type: ignore[no-untyped-def]
    return Pilot.objects.filter(municipality_id=visit.user.municipality_id).order_by(
        "pk"
    )


def _steps(visit: Visit) -> list[Target]:
    draft = visit.start_draft()
    slugs = [
        "for-whom",
        "situation",
        "household",
        "own-strength",
        "urgency",
        "contact",
        "consent",
    ]
    return [_url("citizens:ask_step", draft, slug) for slug in slugs]


def _review(visit: Visit) -> list[Target]:
    return [_url("citizens:ask_review", visit.start_draft())]


def _reset_links(visit: Visit) -> list[Target]:
    resident = PERSONAS["resident"].user()
    uid = urlsafe_base64_encode(force_bytes(resident.pk))
    token = default_token_generator.make_token(resident)
    return [
        # A valid link: Django swaps the token for "set-password", the form shows.
        _url("accounts:password_reset_confirm", uid, token),
        _url("accounts:password_reset_confirm", uid, "no-such-token"),
    ]


def _follow_up(visit: Visit) -> list[Target]:
    closed = (
        HelpRequest.objects.filter(
            municipality__slug=MUNICIPALITY,
            status=Status.CLOSED,
            closed_at__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    token = follow_up_token(
        request_id=str(closed.public_id), closed_at=closed.closed_at.isoformat()
    )
    return [_url("citizens:follow_up", token), (_url("citizens:follow_up", "x"), 404)]


def _measure(visit: Visit) -> list[Target]:
    participant = Participant.objects.filter(
        pilot__municipality__slug=MUNICIPALITY, left_on__isnull=True
    ).first()
    _measurement, token = measurement_plan(
        participant=participant,
        instrument="zrm",
        moment="follow_up",
        due_on=dt.date.today() + dt.timedelta(days=30),
    )
    return [_url("pilots:measure", token), (_url("pilots:measure", "not-a-token"), 404)]


def _neighbourhood_code() -> str:
    pilot = Pilot.objects.filter(
        municipality__slug=MUNICIPALITY, neighbourhoods__isnull=False
    ).first()
    return pilot.neighbourhoods.order_by("cbs_code").first().cbs_code


def _organisation(visit: Visit) -> Organisation:
    if visit.persona.role == PARTNER:
        return visit.user.organisation
    return Organisation.objects.filter(municipality__slug=MUNICIPALITY).first()


def _volunteer(visit: Visit) -> Volunteer | None:
    return Volunteer.objects.filter(user=visit.user).first()


def _filter_the_board(page: BrowserPage) -> str:
    page.get_by_label("Buurt", exact=True).select_option(label="Visbuurt")
    page.wait_for_url(re.compile(r"neighbourhood=\d+"))
    page.get_by_test_id("chart-months").locator("summary").click()
    return "filtered by htmx, a chart's table open"


def _lift_without_reason(page: BrowserPage) -> str:
    page.locator("[data-testid=holds] form button[type=submit]").first.click()
    page.wait_for_selector("#id_lift_reason_error")
    return "a legal hold lifted without a reason"


def _only(*personas: str) -> Callable[[Paths], Paths]:
    """The paths for these personas only (others of the same role have nothing of
    this kind: a resident who does not volunteer, a partner who is no coordinator)."""

    def wrap(paths: Paths) -> Paths:
        return lambda visit: paths(visit) if visit.name in personas else []

    return wrap


def _const(*paths: Target) -> Paths:
    return lambda visit: list(paths)


def _named(name: str, *query: str) -> Paths:
    return lambda visit: [_url(name) + q for q in ("", *query)]


ROUTE_PAGES: dict[str, Page] = {
    "landing": Page(_named("landing"), visitors=frozenset({ANONYMOUS})),
    "privacy": Page(_named("privacy")),
    "accounts:login": Page(
        _named("accounts:login"),
        error_submit="main form button",
        visitors=frozenset({ANONYMOUS}),
    ),
    "accounts:password_reset": Page(
        _named("accounts:password_reset"), error_submit="main form button"
    ),
    "accounts:password_reset_done": Page(_named("accounts:password_reset_done")),
    "accounts:password_reset_confirm": Page(_reset_links),
    "accounts:password_reset_complete": Page(
        _named("accounts:password_reset_complete")
    ),
    "accounts:admin_home": Page(_named("accounts:admin_home")),
    "accounts:account_list": Page(_named("accounts:account_list", "?q=onvindbaar")),
    "accounts:account_detail": Page(
        lambda visit: [
            _url("accounts:account_detail", account.public_id)
            for account in User.objects.visible_to(visit.user)
            .exclude(pk=visit.user.pk)
            .exclude(role=Role.RESIDENT)
            .order_by("pk")[:1]
        ],
    ),
    "accounts:access_log": Page(_named("accounts:access_log")),
    # The role-change and 2FA-reset pages of another staff account (the sweep's
    # window for re-authentication is long enough for the whole sweep).
    "accounts:account_change": Page(
        lambda visit: [
            _url("accounts:account_change", account.public_id)
            for account in User.objects.visible_to(visit.user)
            .exclude(pk=visit.user.pk)
            .exclude(role=Role.RESIDENT)
            .order_by("pk")[:1]
        ],
    ),
    "accounts:account_two_factor_reset": Page(
        lambda visit: [
            _url("accounts:account_two_factor_reset", account.public_id)
            for account in User.objects.visible_to(visit.user)
            .exclude(pk=visit.user.pk)
            .exclude(role=Role.RESIDENT)
            .order_by("pk")[:1]
        ],
    ),
    "accounts:recovery_codes": Page(_named("accounts:recovery_codes")),
    "accounts:recovery_codes_renew": Page(_named("accounts:recovery_codes_renew")),
    "accounts:reauthenticate": Page(
        _named("accounts:reauthenticate"), error_submit="main form button"
    ),
    "accounts:password_change": Page(
        _named("accounts:password_change"), error_submit="main form button"
    ),
    "accounts:password_change_done": Page(_named("accounts:password_change_done")),
    "citizens:home": Page(_named("citizens:home")),
    "citizens:ask_start": Page(_named("citizens:ask_start")),
    "citizens:ask_step": Page(_steps, error_submit="button.btn-primary[name=next]"),
    "citizens:ask_review": Page(_review),
    "citizens:confirm_email": Page(_const(("/help/confirm/not-a-token/", 400))),
    "citizens:accept_invitation": Page(_const(("/help/invitation/not-a-token/", 400))),
    "citizens:ask_sent": Page(
        lambda visit: [
            _url("citizens:ask_sent", r.reference) for r in _own_requests(visit)[:1]
        ],
        refused=frozenset(
            {CASEWORKER, TEAM_LEAD, PARTNER, PILOT_OWNER, ALDERMAN, REGIONAL, ADMIN}
        ),
    ),
    "citizens:follow_up": Page(_follow_up, error_submit="main form button"),
    "citizens:request_list": Page(_named("citizens:request_list")),
    "citizens:request_detail": Page(
        lambda visit: _one_per_status(visit, "citizens:request_detail")
    ),
    "citizens:request_withdraw": Page(
        lambda visit: [
            _url("citizens:request_withdraw", r.reference)
            for r in _own_requests(visit).exclude(status=Status.CLOSED)[:1]
        ]
    ),
    "citizens:my_data": Page(_named("citizens:my_data")),
    "citizens:erase": Page(_named("citizens:erase")),
    "casework:home": Page(_named("casework:home")),
    "casework:queue": Page(
        _named("casework:queue", "?q=onvindbaarwoord", "?status=closed")
    ),
    "casework:bulk_reassign": Page(_named("casework:bulk_reassign")),
    "casework:request_detail": Page(
        lambda visit: _first_case(visit, "casework:request_detail")
    ),
    "casework:household_plan": Page(
        lambda visit: _first_case(visit, "casework:household_plan")
    ),
    "networks:social_map_start": Page(
        _named("networks:social_map_start"), visitors=frozenset({ANONYMOUS})
    ),
    "networks:social_map": Page(
        lambda visit: [
            _url("networks:social_map", MUNICIPALITY) + q
            for q in ("", "?q=basketbal", "?q=onvindbaarwoord")
        ]
    ),
    "networks:organisation_detail": Page(
        lambda visit: [
            _url("networks:organisation_detail", MUNICIPALITY, o.public_id)
            for o in Organisation.objects.filter(municipality__slug=MUNICIPALITY)[:1]
        ]
    ),
    "networks:service_detail": Page(
        lambda visit: [
            _url("networks:service_detail", MUNICIPALITY, s.public_id)
            for s in Service.objects.filter(
                organisation__municipality__slug=MUNICIPALITY
            )[:1]
        ]
    ),
    "networks:neighbourhood_detail": Page(
        lambda visit: [_url("networks:neighbourhood_detail", _neighbourhood_code())]
    ),
    "networks:partner_home": Page(_named("networks:partner_home")),
    "networks:referral_detail": Page(
        _only("partner")(
            lambda visit: [
                _url("networks:referral_detail", r.public_id)
                for r in Referral.objects.filter(
                    organisation=visit.user.organisation, status=ReferralStatus.SENT
                )[:1]
            ]
        )
    ),
    "networks:volunteer_list": Page(_named("networks:volunteer_list")),
    "networks:volunteer_screening": Page(
        lambda visit: (
            [
                _url("networks:volunteer_screening", v.public_id)
                for v in Volunteer.objects.filter(
                    municipality__slug=MUNICIPALITY, status="applied"
                )[:1]
            ]
            if visit.name in ("coordinator", "functional_admin")
            else []
        )
    ),
    "networks:organisation_list": Page(_named("networks:organisation_list")),
    "networks:organisation_create": Page(
        _named("networks:organisation_create"), error_submit="main form button"
    ),
    "networks:organisation_edit": Page(
        lambda visit: [
            _url("networks:organisation_edit", _organisation(visit).public_id)
        ]
    ),
    "networks:service_create": Page(
        lambda visit: [_url("networks:service_create", _organisation(visit).public_id)]
    ),
    "networks:service_edit": Page(
        lambda visit: [
            _url("networks:service_edit", s.public_id)
            for s in Service.objects.filter(
                organisation__municipality__slug=MUNICIPALITY
            )
            .filter(
                organisation=_organisation(visit)
                if visit.persona.role == PARTNER
                else models.Q()
            )
            .order_by("pk")[:1]
        ]
    ),
    "networks:key_contact_create": Page(_named("networks:key_contact_create")),
    "networks:volunteer_home": Page(
        _only("volunteer")(lambda visit: [_url("networks:volunteer_home")])
    ),
    "networks:volunteer_sign_up": Page(
        _only("resident")(lambda visit: [_url("networks:volunteer_sign_up")])
    ),
    "networks:match_detail": Page(
        lambda visit: (
            [
                _url("networks:match_detail", m.public_id)
                for m in Match.objects.filter(volunteer=_volunteer(visit))[:1]
            ]
            if _volunteer(visit)
            else []
        )
    ),
    "networks:case_network": Page(
        lambda visit: _first_case(visit, "networks:case_network")
    ),
    "pilots:home": Page(_named("pilots:home")),
    "pilots:register": Page(_named("pilots:register")),
    "pilots:create": Page(
        lambda visit: (
            [_url("pilots:create")]
            + [
                _url("pilots:create") + f"?idea={idea.public_id}"
                for idea in Idea.objects.filter(municipality__slug=MUNICIPALITY)[:1]
            ]
        ),
        error_submit="form[data-form=pilot] button[type=submit]",
    ),
    "pilots:detail": Page(
        lambda visit: [p.get_absolute_url() for p in _pilots(visit)],
        error_submit="form[data-form=journal] button[type=submit]",
        error_roles=frozenset({PILOT_OWNER, ADMIN}),
    ),
    "pilots:edit": Page(
        lambda visit: [_url("pilots:edit", p.public_id) for p in _pilots(visit)[:1]]
    ),
    "pilots:participant": Page(
        lambda visit: [
            _url("pilots:participant", p.pilot.public_id, p.public_id) + q
            for p in Participant.objects.filter(pilot__in=_pilots(visit))[:1]
            for q in ("", "?instrument=zrm")
        ]
    ),
    "pilots:enrol_from_case": Page(_named("pilots:enrol_from_case")),
    "pilots:measure": Page(_measure, error_submit="main form button[type=submit]"),
    "pilots:library": Page(_named("pilots:library", "?q=geld")),
    "pilots:library_detail": Page(
        lambda visit: [
            _url("pilots:library_detail", e.public_id)
            for e in LibraryEntry.objects.order_by("pk")[:1]
        ]
    ),
    "pilots:neighbourhoods": Page(_named("pilots:neighbourhoods")),
    "pilots:neighbourhood": Page(
        lambda visit: [_url("pilots:neighbourhood", _neighbourhood_code())]
    ),
    "pilots:idea_new": Page(
        lambda visit: [_url("pilots:idea_new", _neighbourhood_code())],
        error_submit="main form[data-form] button[type=submit]",
    ),
    "pilots:idea": Page(
        lambda visit: [
            _url("pilots:idea", i.public_id)
            for i in Idea.objects.filter(municipality__slug=MUNICIPALITY).order_by(
                "pk"
            )[:1]
        ]
    ),
    "pilots:mine": Page(_named("pilots:mine")),
    "dashboards:home": Page(
        lambda visit: [
            _url("dashboards:home"),
            _url("dashboards:home") + "?domain=debt&start=2025-06&end=2026-05",
            # A period that is no month: the board's errors.
            (_url("dashboards:home") + "?start=2026-13", 400),
        ],
        interact=_filter_the_board,
    ),
    "dashboards:reports": Page(_named("dashboards:reports")),
    "dashboards:research_export": Page(
        _named("dashboards:research_export"), error_submit="main form button"
    ),
    "notifications:list": Page(_named("notifications:list")),
    "notifications:preferences": Page(_named("notifications:preferences")),
    "notifications:operations": Page(_named("notifications:operations")),
    "privacy:data_protection": Page(
        _named("privacy:data_protection"),
        error_submit="[data-testid=hold-form] button[type=submit]",
        interact=_lift_without_reason,
    ),
}

_SAMPLE = "5f0c3b9e-0c1d-4f7a-9a43-2b1f6f1c9d10"


def _sample(name: str, *args: object) -> Paths:
    return lambda visit: [_url(name, *args)]


NOT_PAGES: dict[str, NotAPage] = {
    "home": NotAPage("redirect", _sample("home"), "sends each role to its own page"),
    "healthz": NotAPage("download", _sample("healthz"), "JSON for the monitoring"),
    "set_language": NotAPage("post", _sample("set_language")),
    "accounts:logout": NotAPage("post", _sample("accounts:logout")),
    # A verified session is sent on from the second login step and from enrolment;
    # the sweep checks both pages while logging in (test_axe_sweep: the code step
    # for every staff persona, enrolment for the caseworker, who has no app yet).
    "accounts:two_factor_code": NotAPage(
        "redirect", _sample("accounts:two_factor_code"), "the second login step"
    ),
    "accounts:two_factor_enrol": NotAPage(
        "redirect", _sample("accounts:two_factor_enrol"), "setting up the app"
    ),
    "citizens:ask_email": NotAPage("post", _sample("citizens:ask_email", _SAMPLE)),
    "citizens:ask_send": NotAPage("post", _sample("citizens:ask_send", _SAMPLE)),
    "citizens:ask_remind_me": NotAPage(
        "post", _sample("citizens:ask_remind_me", _SAMPLE)
    ),
    "citizens:ask_remove_document": NotAPage(
        "post", _sample("citizens:ask_remove_document", _SAMPLE, _SAMPLE)
    ),
    "citizens:attachment_download": NotAPage(
        "download",
        lambda visit: [
            _url("citizens:attachment_download", a.public_id)
            for a in Attachment.objects.filter(
                help_request__in=_own_requests(visit)
                if visit.persona.role == RESIDENT
                else _requests(visit)
            )[:1]
        ],
    ),
    "citizens:request_rate": NotAPage("post", _sample("citizens:request_rate", "x")),
    "citizens:my_data_export": NotAPage(
        "download", _sample("citizens:my_data_export"), "JSON of all their data"
    ),
    "casework:saved_filter_create": NotAPage(
        "post", _sample("casework:saved_filter_create")
    ),
    "casework:saved_filter_delete": NotAPage(
        "post", _sample("casework:saved_filter_delete", 1)
    ),
    "casework:wmo_application": NotAPage(
        "post", _sample("casework:wmo_application", "x")
    ),
    "casework:wmo_decision": NotAPage("post", _sample("casework:wmo_decision", "x")),
    "casework:triage": NotAPage("post", _sample("casework:triage", "x")),
    "casework:claim": NotAPage("post", _sample("casework:claim", "x")),
    "casework:contact_moment": NotAPage(
        "post", _sample("casework:contact_moment", "x")
    ),
    "casework:assign": NotAPage("post", _sample("casework:assign", "x")),
    "casework:deadline_clock": NotAPage(
        "post", _sample("casework:deadline_clock", "x", 1, "x")
    ),
    "casework:referral": NotAPage("post", _sample("casework:referral", "x")),
    "casework:consent_record": NotAPage(
        "post", _sample("casework:consent_record", "x")
    ),
    "casework:consent_withdraw": NotAPage(
        "post", _sample("casework:consent_withdraw", "x", _SAMPLE)
    ),
    "citizens:consent_withdraw": NotAPage(
        "post", _sample("citizens:consent_withdraw", "x", _SAMPLE)
    ),
    "networks:volunteer_status": NotAPage("post", _sample("networks:volunteer_status")),
    "networks:case_match_stop": NotAPage(
        "post", _sample("networks:case_match_stop", "x", _SAMPLE)
    ),
    "pilots:results_publish": NotAPage(
        "post", _sample("pilots:results_publish", _SAMPLE)
    ),
    "pilots:action": NotAPage("post", _sample("pilots:action", _SAMPLE, "x")),
    "pilots:idea_support": NotAPage("post", _sample("pilots:idea_support", _SAMPLE)),
    "pilots:idea_comment": NotAPage("post", _sample("pilots:idea_comment", _SAMPLE)),
    "pilots:idea_answer": NotAPage("post", _sample("pilots:idea_answer", _SAMPLE)),
    "pilots:interest": NotAPage("post", _sample("pilots:interest", _SAMPLE)),
    "pilots:leave_own": NotAPage("post", _sample("pilots:leave_own", _SAMPLE)),
    "dashboards:csv": NotAPage(
        "download", _sample("dashboards:csv", "months"), "a chart's figures as CSV"
    ),
    "dashboards:report_status": NotAPage(
        "fragment",
        lambda visit: [
            _url("dashboards:report_status", r.public_id)
            for r in Report.objects.filter(owner=visit.user)[:1]
        ],
        "the row of a report, polled by htmx on the reports page",
    ),
    "dashboards:report_download": NotAPage(
        "download", None, "a finished report's PDF or XLSX (made by the worker)"
    ),
    "notifications:read_all": NotAPage("post", _sample("notifications:read_all")),
    "notifications:open": NotAPage(
        "post",
        lambda visit: (
            [
                _url("notifications:open", n.public_id)
                for n in Notification.objects.for_user(visit.user)[:1]
            ]
            or [_url("notifications:open", _SAMPLE)]
        ),
    ),
    "notifications:operations_retry": NotAPage(
        "post",
        lambda visit: (
            [
                _url("notifications:operations_retry", e.public_id)
                for e in OutboxEmail.objects.all()[:1]
            ]
            or [_url("notifications:operations_retry", _SAMPLE)]
        ),
    ),
    "privacy:hold_set": NotAPage("post", _sample("privacy:hold_set")),
    "privacy:hold_lift": NotAPage("post", _sample("privacy:hold_lift", _SAMPLE)),
}

# Pages that are no route of their own: the error pages, as the persona sees them.
ERROR_PAGES: dict[str, list[tuple[str, int]]] = {
    ANONYMOUS: [("/no-such-page/", 404)],
    "caseworker": [("/accounts/administration/", 403), ("/no-such-page/", 404)],
}
