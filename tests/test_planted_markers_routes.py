"""The routes WITH path parameters show nothing of another municipality or another
resident either: each is requested as every Den Helder role (and anonymously), with
the parameters of objects of Den Helder that the role may see (its own request,
referral, match, pilot, report, notification ...), plainly and with a search term,
while the markers of `tests/test_planted_markers.py` are planted. Answers are read as
HTML, CSV, JSON, XLSX (unzipped) and PDF (streams inflated).

Parameter values come from `BY_KWARG` (an unambiguous URL kwarg name -> own objects)
or, where a name means different objects on different routes (`public_id`, `token`,
`pk`, `key`, `kind`, `action`), from `BY_ROUTE`. A new route with a parameter that
neither knows fails `test_every_parameterised_route_has_parameter_values`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from casework.models import Deadline, DeadlineKind, Referral, SavedFilter
from citizens.models import HelpRequest, HelpRequestDraft, Relationship
from citizens.reminders import follow_up_token
from citizens.services import CONFIRMATION_SALT, follow_invitation_token
from citizens.steps import STEP_SLUGS
from citizens.tests.factories import HelpRequestFactory, complete_answers
from dashboards.models import Report, ReportStatus, Section
from dashboards.refresh import refresh
from dashboards.tasks import build_report
from networks.models import Match, MatchStatus, Need, Service, Volunteer
from networks.tests.factories import ServiceFactory, VolunteerFactory
from notifications.models import (
    Delivery,
    DeliveryState,
    EmailState,
    Notification,
    OutboxEmail,
)
from pilots.models import Idea, LibraryEntry, Participant, Phase, Pilot
from pilots.models.participation import Instrument, Measurement, MeasurementMoment
from pilots.services import library_publish
from pilots.tests.factories import IdeaFactory, ParticipantFactory, PilotFactory
from pilots.views.register import ACTIONS as PILOT_ACTIONS
from privacy.models import LegalHold
from privacy.tests.helpers import write_document
from socialdomain.tests.test_security_baseline import PARAMETER, PUBLIC
from tests.fixtures.personas import Place, client_for
from tests.test_access_policy import POLICY, ROLES
from tests.test_planted_markers import (
    MUNICIPALITY_MARKER,
    leaks_at,
    markers_for,
    plant_markers,
)

CLIENTS = (*ROLES, "anonymous")
CSV_LINK = re.compile(r"/dashboard/data/([\w-]+)\.csv")


def _parameterised_routes() -> dict[str, tuple[str, ...]]:
    """Route name -> its URL kwarg names, for every named route with parameters
    (policy table and public routes alike; Django's admin left out)."""
    routes: dict[str, tuple[str, ...]] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                space = (
                    f"{namespace}{pattern.namespace}:"
                    if pattern.namespace
                    else namespace
                )
                walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names = tuple(
                    m.group("name")
                    for m in PARAMETER.finditer(prefix + str(pattern.pattern))
                )
                if names:
                    routes[namespace + pattern.name] = names

    walk(get_resolver().url_patterns, "", "")
    return routes


ROUTES = _parameterised_routes()


class World:
    """Den Helder's own objects, made when a route first asks for them."""

    def __init__(self, everyone: dict[str, User], den_helder: Place) -> None:
        self.everyone = everyone
        self.place = den_helder

    @cached_property
    def request(self) -> HelpRequest:
        """The resident's own running request, handled by the caseworker's team."""
        help_request = HelpRequestFactory(
            in_progress=True,
            resident=self.everyone["resident"],
            neighbourhood=self.place.neighbourhood,
            team=self.place.team,
            contact_person=self.everyone["caseworker"],
            subject_email="",
            share_with_community_centre=True,
            share_with_volunteers=True,
            share_with_local_organisations=True,
        )
        help_request.refresh_search_document()
        return help_request

    @cached_property
    def closed_request(self) -> HelpRequest:
        return HelpRequestFactory(
            closed=True,
            resident=self.everyone["resident"],
            neighbourhood=self.place.neighbourhood,
            team=self.place.team,
        )

    @cached_property
    def invited_request(self) -> HelpRequest:
        """Filed by the resident for someone who has no account yet."""
        return HelpRequestFactory(
            resident=None,
            filed_by=self.everyone["resident"],
            relationship=Relationship.FAMILY,
            subject_name="Opa de Vries",
            subject_email="opa@example.test",
            neighbourhood=self.place.neighbourhood,
            team=self.place.team,
        )

    @cached_property
    def deadline(self) -> Deadline:
        return Deadline.objects.create(
            help_request=self.request,
            kind=DeadlineKind.WMO_INVESTIGATION,
            start=timezone.localdate(),
            due=timezone.localdate() + dt.timedelta(weeks=6),
        )

    @cached_property
    def referral(self) -> Referral:
        return Referral.objects.create(
            help_request=self.request,
            organisation=self.place.organisation,
            question="Kan iemand helpen met de administratie?",
            created_by=self.everyone["caseworker"],
        )

    @cached_property
    def volunteer(self) -> Volunteer:
        """The resident volunteers too."""
        return VolunteerFactory(
            user=self.everyone["resident"], neighbourhood=self.place.neighbourhood
        )

    @cached_property
    def match(self) -> Match:
        """The resident, as volunteer, helps a third resident of Den Helder."""
        neighbour = HelpRequestFactory(
            in_progress=True,
            neighbourhood=self.place.neighbourhood,
            team=self.place.team,
            contact_person=self.everyone["caseworker"],
            share_with_volunteers=True,
        )
        return Match.objects.create(
            help_request=neighbour,
            volunteer=self.volunteer,
            task="Samen boodschappen doen",
            need=Need.SHOPPING,
            first_name="Lotte",
            status=MatchStatus.ACCEPTED,
            appointment_at=timezone.now() + dt.timedelta(days=2),
            proposed_by=self.everyone["caseworker"],
        )

    @cached_property
    def service(self) -> Service:
        return ServiceFactory(organisation=self.place.organisation)

    @cached_property
    def draft(self) -> HelpRequestDraft:
        return HelpRequestDraft.objects.create(
            owner=self.everyone["resident"], answers=complete_answers()
        )

    @cached_property
    def pilot(self) -> Pilot:
        pilot = PilotFactory(
            municipality=self.place.municipality,
            owner=self.everyone["pilot_owner"],
            phase=Phase.RUNNING,
        )
        pilot.neighbourhoods.add(self.place.neighbourhood)
        return pilot

    @cached_property
    def participant(self) -> Participant:
        """The resident takes part in the pilot."""
        return ParticipantFactory(
            pilot=self.pilot, resident=self.everyone["resident"], name="Sanne de Vries"
        )

    @cached_property
    def measurement_token(self) -> str:
        measurement = Measurement.objects.create(
            participant=self.participant,
            instrument=Instrument.LIFE_SATISFACTION,
            moment=MeasurementMoment.FOLLOW_UP,
            due_on=timezone.localdate(),
        )
        return measurement.issue_link_token()

    @cached_property
    def library_entry(self) -> LibraryEntry:
        return library_publish(
            pilot=self.pilot,
            by=self.everyone["pilot_owner"],
            approach="Samen met de buurt.",
            lessons="Vroeg beginnen.",
        )

    @cached_property
    def idea(self) -> Idea:
        return IdeaFactory(
            neighbourhood=self.place.neighbourhood,
            submitted_by=self.everyone["resident"],
        )

    @cached_property
    def report(self) -> Report:
        """A ready report of the alderman, built by the real task (run eagerly)."""
        refresh(full=True)
        today = timezone.localdate()
        report = Report.objects.create(
            owner=self.everyone["alderman"],
            municipality=self.place.municipality,
            start=(today.replace(day=1) - dt.timedelta(days=200)).replace(day=1),
            end=today.replace(day=1),
            sections=list(Section.values),
        )
        build_report.apply(args=[report.pk])
        report.refresh_from_db()
        assert report.status == ReportStatus.READY
        return report

    def notification(self, role: str) -> Notification:
        """A notification of `role`'s own (the caseworker's for anonymous)."""
        return self.notified.get(role) or self.notified["caseworker"]

    @cached_property
    def notified(self) -> dict[str, Notification]:
        result = {}
        for role in ROLES:
            user = self.everyone[role]
            delivery = Delivery.objects.create(
                kind="casework.deadline_soon",
                object_id=str(self.deadline.pk),
                due_at=timezone.now(),
                recipient=user,
                recipient_key=f"u{user.pk}",
                municipality=self.place.municipality,
                params={
                    "reference": self.request.reference,
                    "deadline": self.deadline.kind,
                    "due": self.deadline.due.isoformat(),
                },
                state=DeliveryState.SENT,
            )
            result[role] = Notification.objects.create(
                delivery=delivery,
                recipient=user,
                kind=delivery.kind,
                params=delivery.params,
            )
        return result

    @cached_property
    def failed_email(self) -> OutboxEmail:
        notification = self.notification("caseworker")
        return OutboxEmail.objects.create(
            delivery=notification.delivery,
            municipality=self.place.municipality,
            state=EmailState.FAILED,
        )

    @cached_property
    def hold(self) -> LegalHold:
        return LegalHold.objects.create(
            help_request=self.closed_request,
            reason="Bezwaarprocedure loopt",
            until=timezone.localdate() + dt.timedelta(days=30),
            set_by=self.everyone["functional_admin"],
        )

    def chart_keys(self) -> list[str]:
        """The keys of the CSV downloads offered on the alderman's dashboard."""
        refresh(full=True)
        html = client_for(self.everyone["alderman"]).get("/dashboard/").content
        keys = sorted(set(CSV_LINK.findall(html.decode())))
        assert len(keys) >= 5, keys
        return keys


Values = Callable[[World, str], list[Any]]

# URL kwarg names that mean the same kind of object on every route.
BY_KWARG: dict[str, Values] = {
    "reference": lambda w, role: [w.request.reference],
    "pilot_id": lambda w, role: [w.pilot.public_id],
    "participant_id": lambda w, role: [w.participant.public_id],
    "idea_id": lambda w, role: [w.idea.public_id],
    "entry_id": lambda w, role: [w.library_entry.public_id],
    "cbs_code": lambda w, role: [w.place.neighbourhood.cbs_code],
    "municipality": lambda w, role: [w.place.municipality.slug],
    "slug": lambda w, role: STEP_SLUGS,
}

Kwargs = Callable[[World, str], list[dict[str, Any]]]


def _draft(w: World, role: str) -> list[dict[str, Any]]:
    return [{"public_id": w.draft.public_id}]


def _confirm_token(w: World, role: str) -> list[dict[str, Any]]:
    draft = HelpRequestDraft.objects.create(
        answers=complete_answers(), email=f"nieuw-{role}@example.test"
    )
    token = signing.dumps(
        {"draft": str(draft.public_id), "email": draft.email}, salt=CONFIRMATION_SALT
    )
    return [{"token": token}]


def _attachment(w: World, role: str) -> list[dict[str, Any]]:
    document = write_document(w.request, "Eigen brief")
    return [{"public_id": document.public_id}]


def _draft_document(w: World, role: str) -> list[dict[str, Any]]:
    document = write_document(None, "Concept brief", draft=w.draft)
    return [{"public_id": w.draft.public_id, "attachment_id": document.public_id}]


def _saved_filter(w: World, role: str) -> list[dict[str, Any]]:
    user = w.everyone[role] if role in ("caseworker", "team_lead") else None
    owner = user or w.everyone["caseworker"]
    saved = SavedFilter.objects.create(
        user=owner, name=f"Mijn filter ({role})", query="q=a"
    )
    return [{"pk": saved.pk}]


def _consent(w: World, role: str) -> list[dict[str, Any]]:
    """A consent of the resident's own request (POST-only routes: a GET must show
    nothing either)."""
    consent = w.request.consents.first()
    assert consent is not None
    return [{"reference": w.request.reference, "public_id": consent.public_id}]


BY_ROUTE: dict[str, Kwargs] = {
    "casework:consent_withdraw": _consent,
    "citizens:consent_withdraw": _consent,
    "accounts:password_reset_confirm": lambda w, role: [
        {
            "uidb64": urlsafe_base64_encode(force_bytes(w.everyone["resident"].pk)),
            "token": default_token_generator.make_token(w.everyone["resident"]),
        }
    ],
    "accounts:account_detail": lambda w, role: [
        {"public_id": w.everyone["caseworker"].public_id}
    ],
    "accounts:account_change": lambda w, role: [
        {"public_id": w.everyone["caseworker"].public_id}
    ],
    "accounts:account_two_factor_reset": lambda w, role: [
        {"public_id": w.everyone["caseworker"].public_id}
    ],
    "citizens:ask_review": _draft,
    "citizens:ask_email": _draft,
    "citizens:ask_send": _draft,
    "citizens:ask_remind_me": _draft,
    "citizens:ask_step": lambda w, role: [
        {"public_id": w.draft.public_id, "slug": slug} for slug in STEP_SLUGS
    ],
    "citizens:ask_remove_document": _draft_document,
    "citizens:confirm_email": _confirm_token,
    "citizens:accept_invitation": lambda w, role: [
        {"token": follow_invitation_token(w.invited_request)}
    ],
    "citizens:follow_up": lambda w, role: [
        {
            "token": follow_up_token(
                request_id=str(w.closed_request.public_id),
                closed_at=w.closed_request.closed_at.isoformat(),
            )
        }
    ],
    "citizens:attachment_download": _attachment,
    "casework:saved_filter_delete": _saved_filter,
    "casework:deadline_clock": lambda w, role: [
        {"reference": w.request.reference, "pk": w.deadline.pk, "action": action}
        for action in ("suspend", "resume")
    ],
    "networks:organisation_detail": lambda w, role: [
        {
            "municipality": w.place.municipality.slug,
            "public_id": w.place.organisation.public_id,
        }
    ],
    "networks:service_detail": lambda w, role: [
        {"municipality": w.place.municipality.slug, "public_id": w.service.public_id}
    ],
    "networks:referral_detail": lambda w, role: [{"public_id": w.referral.public_id}],
    "networks:volunteer_screening": lambda w, role: [
        {"public_id": w.volunteer.public_id}
    ],
    "networks:organisation_edit": lambda w, role: [
        {"public_id": w.place.organisation.public_id}
    ],
    "networks:service_create": lambda w, role: [
        {"public_id": w.place.organisation.public_id}
    ],
    "networks:service_edit": lambda w, role: [{"public_id": w.service.public_id}],
    "networks:match_detail": lambda w, role: [{"public_id": w.match.public_id}],
    "networks:case_match_stop": lambda w, role: [
        {
            "reference": w.match.help_request.reference,
            "public_id": w.match.public_id,
        }
    ],
    "pilots:action": lambda w, role: [
        {"pilot_id": w.pilot.public_id, "action": action} for action in PILOT_ACTIONS
    ],
    "pilots:measure": lambda w, role: [{"token": w.measurement_token}],
    "dashboards:csv": lambda w, role: [{"key": key} for key in w.chart_keys()],
    "dashboards:report_status": lambda w, role: [{"public_id": w.report.public_id}],
    "dashboards:report_download": lambda w, role: [
        {"public_id": w.report.public_id, "kind": kind} for kind in ("pdf", "xlsx")
    ],
    "notifications:open": lambda w, role: [
        {"public_id": w.notification(role).public_id}
    ],
    "notifications:operations_retry": lambda w, role: [
        {"public_id": w.failed_email.public_id}
    ],
    "privacy:hold_lift": lambda w, role: [{"public_id": w.hold.public_id}],
}


def parameters(name: str, world: World, role: str) -> list[dict[str, Any]]:
    if name in BY_ROUTE:
        return BY_ROUTE[name](world, role)
    kwargs = ROUTES[name]
    missing = [kwarg for kwarg in kwargs if kwarg not in BY_KWARG]
    assert not missing, f"{name}: no own-object values for {missing}"
    choices = [BY_KWARG[kwarg](world, role) for kwarg in kwargs]
    return [
        dict(zip(kwargs, values, strict=True)) for values in itertools.product(*choices)
    ]


def sweep(name: str, world: World, clients: dict[str, Client]) -> tuple[list[str], int]:
    """(leaks, number of 200 answers) of `name` for every client."""
    leaks, ok = [], 0
    for role, client in clients.items():
        for kwargs in parameters(name, world, role):
            path = reverse(name, kwargs=kwargs)
            leaks += leaks_at(client, role, path, markers_for(role))
            ok += client.get(path).status_code == 200
    return leaks, ok


@pytest.fixture
def private_media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path


def _clients(everyone: dict[str, User]) -> dict[str, Client]:
    clients = {role: client_for(everyone[role]) for role in ROLES}
    clients["anonymous"] = Client()
    return clients


def test_every_parameterised_route_has_parameter_values() -> None:
    missing = sorted(
        f"{name} {sorted(set(kwargs) - set(BY_KWARG))}"
        for name, kwargs in ROUTES.items()
        if name not in BY_ROUTE and not set(kwargs) <= set(BY_KWARG)
    )
    assert missing == [], f"routes without own-object parameter values: {missing}"
    assert set(BY_ROUTE) <= set(ROUTES), set(BY_ROUTE) - set(ROUTES)
    # Every parameterised route is in the policy table or public.
    assert set(ROUTES) <= set(POLICY) | PUBLIC


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_parameterised_route_shows_another_municipalitys_or_residents_marker(
    name: str,
    everyone: dict[str, User],
    den_helder: Place,
    lelystad: Place,
    private_media: Path,
) -> None:
    plant_markers(everyone, den_helder, lelystad)
    world = World(everyone, den_helder)

    leaks, _ok = sweep(name, world, _clients(everyone))

    assert leaks == []


# Routes whose own-object pages must answer 200 to some role: a sweep that only met
# 403/404 would prove nothing.
MUST_OPEN = [
    "accounts:account_detail",
    "accounts:account_change",
    "accounts:account_two_factor_reset",
    "casework:request_detail",
    "casework:household_plan",
    "networks:case_network",
    "networks:referral_detail",
    "networks:match_detail",
    "networks:volunteer_screening",
    "networks:organisation_edit",
    "networks:service_edit",
    "citizens:request_detail",
    "citizens:attachment_download",
    "citizens:ask_review",
    "pilots:detail",
    "pilots:participant",
    "pilots:library_detail",
    "pilots:idea",
    "pilots:neighbourhood",
    "networks:neighbourhood_detail",
    "networks:social_map",
    "dashboards:csv",
    "dashboards:report_download",
]


def test_the_own_objects_open_for_the_roles_that_may_see_them(
    everyone: dict[str, User], den_helder: Place, private_media: Path
) -> None:
    world = World(everyone, den_helder)
    clients = _clients(everyone)
    closed = [name for name in MUST_OPEN if sweep(name, world, clients)[1] == 0]
    assert closed == []


def test_the_sweep_finds_a_marker_on_a_parameterised_page_and_in_report_files(
    everyone: dict[str, User], den_helder: Place, private_media: Path
) -> None:
    # Markers the roles may see: their own municipality's request and pilot.
    world = World(everyone, den_helder)
    HelpRequest.objects.filter(pk=world.request.pk).update(
        story=f"{MUNICIPALITY_MARKER} eigen verhaal"
    )
    Pilot.objects.filter(pk=world.pilot.pk).update(
        title=f"{MUNICIPALITY_MARKER} eigen pilot"
    )
    clients = _clients(everyone)

    case_leaks, _ = sweep("casework:request_detail", world, clients)
    file_leaks, _ = sweep("dashboards:report_download", world, clients)

    assert any(leak.startswith("caseworker ") for leak in case_leaks)
    assert any("/pdf/" in leak for leak in file_leaks)
    assert any("/xlsx/" in leak for leak in file_leaks)


def test_a_route_without_parameter_values_fails_the_sweep(
    everyone: dict[str, User], den_helder: Place
) -> None:
    ROUTES["casework:imaginary"] = ("reference", "widget_id")
    try:
        with pytest.raises(AssertionError, match="widget_id"):
            parameters("casework:imaginary", World(everyone, den_helder), "caseworker")
    finally:
        del ROUTES["casework:imaginary"]
