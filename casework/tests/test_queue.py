"""The caseworker's queue: views and their counts, filters, refusals and scope."""

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from accounts.models import User
from casework.forms_queue import QueueFilterForm
from casework.models import Deadline, DeadlineKind, Triage, Urgency
from casework.queue import view_counts
from citizens.models import HelpRequest, Status
from citizens.tests.factories import HelpRequestFactory
from municipalities.models import Neighbourhood
from tests.fixtures.personas import Place, client_for

QUEUE = "/casework/queue/"
TODAY = date(2026, 6, 10)  # a Wednesday


@pytest.fixture
def frozen() -> Iterator[None]:
    with freeze_time("2026-06-10 10:00:00"):
        yield


def queue_request(place: Place, *, story: str = "", **fields: object) -> HelpRequest:
    """A request in `place`'s team district (unless `neighbourhood` is given), with
    its search document, as the services leave it."""
    fields.setdefault("neighbourhood", place.neighbourhood)
    if story:
        fields["story"] = story
    help_request = HelpRequestFactory(municipality=place.municipality, **fields)
    help_request.refresh_search_document()
    return help_request


def add_deadline(help_request: HelpRequest, due: date, **fields: object) -> Deadline:
    return Deadline.objects.create(
        help_request=help_request,
        kind=fields.pop("kind", DeadlineKind.WMO_INVESTIGATION),
        start=due - timedelta(weeks=6),
        due=due,
        **fields,
    )


def references(response: object) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)"', response.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def world(
    frozen: None,
    den_helder: Place,
    lelystad: Place,
    caseworker: User,
    team_lead: User,
    other_team_caseworker: User,
) -> dict[str, HelpRequest]:
    """Requests with one distinguishing trait each; all but the last three are in
    the caseworker's scope."""
    elsewhere = Neighbourhood.objects.get(district=den_helder.other_district)
    crisis = queue_request(
        den_helder,
        status=Status.IN_REVIEW,
        is_urgent=True,
        contact_person=caseworker,
        team=den_helder.team,
    )
    Triage.objects.create(help_request=crisis, domains=["debt"], urgency=Urgency.CRISIS)
    add_deadline(
        crisis, TODAY + timedelta(days=2), kind=DeadlineKind.DEBT_FIRST_CONVERSATION
    )
    wmo = queue_request(
        den_helder,
        status=Status.APPOINTMENT_PLANNED,
        contact_person=team_lead,
        team=den_helder.team,
    )
    Triage.objects.create(help_request=wmo, domains=["wmo"], urgency=Urgency.NORMAL)
    add_deadline(wmo, TODAY - timedelta(days=3))
    # Assigned to the team although it lies in the other district.
    assigned_elsewhere = queue_request(
        den_helder,
        neighbourhood=elsewhere,
        status=Status.IN_PROGRESS,
        contact_person=caseworker,
        team=den_helder.team,
    )
    add_deadline(assigned_elsewhere, TODAY + timedelta(days=30))
    suspended = queue_request(
        den_helder,
        status=Status.IN_REVIEW,
        contact_person=caseworker,
        team=den_helder.team,
    )
    add_deadline(suspended, TODAY - timedelta(days=10), suspended_since=TODAY)
    return {
        "plain": queue_request(den_helder),
        "urgent": queue_request(den_helder, is_urgent=True),
        "crisis": crisis,
        "wmo": wmo,
        "assigned_elsewhere": assigned_elsewhere,
        "suspended": suspended,
        "closed": queue_request(
            den_helder,
            status=Status.CLOSED,
            contact_person=caseworker,
            team=den_helder.team,
        ),
        # Out of scope: the other team's district, and another municipality.
        "other_team": queue_request(
            den_helder,
            neighbourhood=elsewhere,
            contact_person=other_team_caseworker,
            team=den_helder.other_team,
        ),
        "other_team_unassigned": queue_request(den_helder, neighbourhood=elsewhere),
        "lelystad": queue_request(lelystad),
    }


OPEN_IN_SCOPE = {"plain", "urgent", "crisis", "wmo", "assigned_elsewhere", "suspended"}


def names(world: dict[str, HelpRequest], response: object) -> set[str]:
    by_reference = {r.reference: name for name, r in world.items()}
    return {by_reference[reference] for reference in references(response)}


@pytest.mark.parametrize(
    "role", ["resident", "partner", "alderman", "pilot_owner", "functional_admin"]
)
def test_only_caseworkers_and_team_leads_may_open_the_queue(
    everyone: dict[str, User], role: str
) -> None:
    assert client_for(everyone[role]).get(QUEUE).status_code == 403


def test_team_lead_opens_the_queue(team_lead: User) -> None:
    assert client_for(team_lead).get(QUEUE).status_code == 200


def test_the_team_view_is_the_default_and_shows_the_open_requests_in_scope(
    caseworker: User, world: dict[str, HelpRequest]
) -> None:
    response = client_for(caseworker).get(QUEUE)

    assert response.status_code == 200
    assert names(world, response) == OPEN_IN_SCOPE
    assert re.search(r'data-view="team" aria-current="page"', response.content.decode())


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("unassigned", {"plain", "urgent"}),
        ("mine", {"crisis", "assigned_elsewhere", "suspended"}),
        ("team", OPEN_IN_SCOPE),
        ("overdue", {"wmo"}),
    ],
)
def test_each_view_lists_its_requests_and_its_tab_shows_the_count(
    caseworker: User, world: dict[str, HelpRequest], view: str, expected: set[str]
) -> None:
    response = client_for(caseworker).get(QUEUE, {"view": view})

    page = response.content.decode()
    assert names(world, response) == expected
    tabs = page.split('data-testid="queue-views"')[1].split("</ul>")[0]
    assert f'data-view="{view}" aria-current="page"' in tabs
    assert tabs.count('aria-current="page"') == 1
    counts = dict(re.findall(r'data-testid="count-(\w+)">(\d+)<', page))
    assert counts == {"unassigned": "2", "mine": "3", "team": "6", "overdue": "1"}


def test_the_view_counts_are_one_aggregate_query(
    caseworker: User, world: dict[str, HelpRequest]
) -> None:
    with CaptureQueriesContext(connection) as queries:
        counts = view_counts(user=caseworker, today=TODAY)

    assert len(queries) == 1
    assert counts == {"unassigned": 2, "mine": 3, "team": 6, "overdue": 1}


def test_mine_is_the_team_leads_own_caseload(
    team_lead: User, world: dict[str, HelpRequest]
) -> None:
    response = client_for(team_lead).get(QUEUE, {"view": "mine"})

    assert names(world, response) == {"wmo"}


FILTERS: list[tuple[str, Callable[[Place, User, User], dict[str, str]], set[str]]] = [
    ("closed", lambda p, c, t: {"status": "closed"}, {"closed"}),
    ("in review", lambda p, c, t: {"status": "in_review"}, {"crisis", "suspended"}),
    ("debt domain", lambda p, c, t: {"domain": "debt"}, {"crisis"}),
    ("wmo domain", lambda p, c, t: {"domain": "wmo"}, {"wmo"}),
    ("crisis", lambda p, c, t: {"urgency": "crisis"}, {"crisis"}),
    ("urgent", lambda p, c, t: {"urgency": "urgent"}, {"urgent"}),
    (
        "normal",
        lambda p, c, t: {"urgency": "normal"},
        {"plain", "wmo", "assigned_elsewhere", "suspended"},
    ),
    (
        "other district",
        lambda p, c, t: {"district": p.other_district.cbs_code},
        {"assigned_elsewhere"},
    ),
    (
        "team district",
        lambda p, c, t: {"district": p.district.cbs_code},
        {"plain", "urgent", "crisis", "wmo", "suspended"},
    ),
    (
        "neighbourhood",
        lambda p, c, t: {"neighbourhood": p.neighbourhood.cbs_code},
        {"plain", "urgent", "crisis", "wmo", "suspended"},
    ),
    ("overdue", lambda p, c, t: {"deadline": "overdue"}, {"wmo"}),
    (
        "due within 7 days",
        lambda p, c, t: {"deadline": "due_within", "days": "7"},
        {"crisis"},
    ),
    (
        "due within 60 days",
        lambda p, c, t: {"deadline": "due_within", "days": "60"},
        {"crisis", "assigned_elsewhere"},
    ),
    (
        "caseworker",
        lambda p, c, t: {"caseworker": str(c.public_id)},
        {"crisis", "assigned_elsewhere", "suspended"},
    ),
    ("team lead", lambda p, c, t: {"caseworker": str(t.public_id)}, {"wmo"}),
    (
        "combined",
        lambda p, c, t: {"view": "mine", "deadline": "due_within", "days": "60"},
        {"crisis", "assigned_elsewhere"},
    ),
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [(params, expected) for _name, params, expected in FILTERS],
    ids=[name for name, _params, _expected in FILTERS],
)
def test_each_filter_narrows_the_queue(
    caseworker: User,
    team_lead: User,
    den_helder: Place,
    world: dict[str, HelpRequest],
    params: Callable[[Place, User, User], dict[str, str]],
    expected: set[str],
) -> None:
    response = client_for(caseworker).get(
        QUEUE, params(den_helder, caseworker, team_lead)
    )

    assert response.status_code == 200
    assert names(world, response) == expected


def test_rows_show_the_nearest_running_deadline_with_its_state(
    caseworker: User, world: dict[str, HelpRequest]
) -> None:
    add_deadline(
        world["crisis"],
        TODAY + timedelta(days=40),
        kind=DeadlineKind.PARTICIPATION_DECISION,
    )
    page = client_for(caseworker).get(QUEUE).content.decode()

    def row(name: str) -> str:
        reference = world[name].reference
        return page.split(f'data-reference="{reference}"')[1].split("</tr>")[0]

    assert 'data-state="due_soon"' in row("crisis")
    assert "12 jun 2026" in row("crisis").lower()
    assert 'data-state="overdue"' in row("wmo")
    assert 'data-state="on_track"' in row("assigned_elsewhere")
    assert "data-state" not in row("plain")
    # A suspended clock is not the next deadline to watch.
    assert "data-state" not in row("suspended")
    assert f'href="/casework/requests/{world["crisis"].reference}/"' in row("crisis")
    assert "badge text-bg-danger" in row("crisis")
    assert world["crisis"].contact_person.full_name in row("crisis")


BAD_VALUES: list[tuple[str, Callable[[Place, Place, User], dict[str, str]]]] = [
    ("status", lambda p, other, u: {"status": "lost"}),
    ("domain", lambda p, other, u: {"domain": "astrology"}),
    ("urgency", lambda p, other, u: {"urgency": "extreme"}),
    ("district", lambda p, other, u: {"district": other.district.cbs_code}),
    ("district", lambda p, other, u: {"district": "1"}),
    (
        "neighbourhood",
        lambda p, other, u: {"neighbourhood": other.neighbourhood.cbs_code},
    ),
    ("deadline", lambda p, other, u: {"deadline": "yesterday"}),
    ("days", lambda p, other, u: {"deadline": "due_within", "days": "0"}),
    ("days", lambda p, other, u: {"deadline": "due_within", "days": "61"}),
    ("days", lambda p, other, u: {"deadline": "due_within", "days": "soon"}),
    ("days", lambda p, other, u: {"deadline": "due_within"}),
    ("caseworker", lambda p, other, u: {"caseworker": str(u.public_id)}),
    ("caseworker", lambda p, other, u: {"caseworker": "not-a-uuid"}),
    ("sort", lambda p, other, u: {"sort": "random"}),
    ("q", lambda p, other, u: {"q": "x" * 201}),
    ("q", lambda p, other, u: {"q": "schuld\x00"}),
]


@pytest.mark.parametrize(
    ("field", "params"),
    BAD_VALUES,
    ids=[f"{field}-{index}" for index, (field, _p) in enumerate(BAD_VALUES)],
)
def test_a_bad_filter_value_is_refused_at_its_field(
    caseworker: User,
    other_team_caseworker: User,
    den_helder: Place,
    lelystad: Place,
    field: str,
    params: Callable[[Place, Place, User], dict[str, str]],
) -> None:
    response = client_for(caseworker).get(
        QUEUE, params(den_helder, lelystad, other_team_caseworker)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_error"' in page or (
        f'aria-describedby="id_{field}_help id_{field}_error"' in page
    )
    assert 'data-testid="queue-rows"' not in page


def test_a_number_of_days_out_of_range_gets_one_message(caseworker: User) -> None:
    form = QueueFilterForm(QueryDict("deadline=due_within&days=99"), user=caseworker)

    assert not form.is_valid()
    assert len(form.errors["days"]) == 1


def test_an_unknown_view_is_refused(caseworker: User) -> None:
    response = client_for(caseworker).get(QUEUE, {"view": "everything"})

    assert response.status_code == 400
    assert 'data-view="team" aria-current="page"' in response.content.decode()


def test_a_district_with_two_teams_lists_each_request_once(
    caseworker: User, den_helder: Place
) -> None:
    from municipalities.tests.factories import TeamFactory

    TeamFactory(district=den_helder.district, name="Wijkteam Visbuurt Oost")
    assigned = queue_request(
        den_helder,
        status=Status.IN_REVIEW,
        contact_person=caseworker,
        team=den_helder.team,
    )

    response = client_for(caseworker).get(QUEUE)

    assert references(response) == [assigned.reference]
    assert 'data-testid="count-team">1<' in response.content.decode()


def test_the_navigation_links_to_the_queue(caseworker: User, team_lead: User) -> None:
    for user in (caseworker, team_lead):
        page = client_for(user).get("/casework/").content.decode()
        assert f'href="{QUEUE}"' in page
        assert 'href="/casework/"' in page


def test_the_filter_form_works_without_javascript(
    caseworker: User, world: dict[str, HelpRequest]
) -> None:
    page = client_for(caseworker).get(QUEUE, {"view": "mine"}).content.decode()
    form = page.split('data-testid="queue-filters"')[1].split("</form>")[0]

    assert 'method="get"' in page.split('data-testid="queue-filters"')[0][-200:]
    assert '<input type="hidden" name="view" value="mine">' in form
    for field in ("q", "status", "domain", "urgency", "district", "neighbourhood"):
        assert f'name="{field}"' in form
    for field in ("deadline", "days", "caseworker", "sort"):
        assert f'name="{field}"' in form
    assert 'name="cursor"' not in form
    assert "<script" not in page.split("</main>")[0]


def test_kept_filter_fields_never_show_another_teams_lists(
    caseworker: User, den_helder: Place
) -> None:
    from accounts.tests.factories import UserFactory

    other = UserFactory(
        caseworker=True,
        team=den_helder.other_team,
        full_name="Sanne de Vries",
        email="sanne@example.test",
    )
    UserFactory(caseworker=True, team=den_helder.team, full_name="Kees Smit")

    # Each twice, in turn, in one process: the second of each comes from the kept
    # rendering.
    for _ in range(2):
        mine = client_for(caseworker).get(QUEUE).content.decode()
        theirs = client_for(other).get(QUEUE).content.decode()
        assert ">Kees Smit</option>" in mine
        assert "Sanne de Vries" not in mine
        assert ">Kees Smit</option>" not in theirs
        assert ">Sanne de Vries</option>" in theirs


def test_fixed_choices_are_shared_and_a_forms_change_stays_its_own(
    caseworker: User,
) -> None:
    from casework.forms_queue import QueueFilterForm

    first = QueueFilterForm({}, user=caseworker)
    second = QueueFilterForm({}, user=caseworker)
    assert first.fields["status"] is not second.fields["status"]
    assert first.fields["status"].choices is second.fields["status"].choices

    first.fields["status"].choices = [("", "x")]

    assert (
        second.fields["status"].choices == QueueFilterForm.base_fields["status"].choices
    )
    assert len(second.fields["status"].choices) > 1
    assert second.fields["status"].widget is not first.fields["status"].widget
