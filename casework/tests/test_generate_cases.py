"""`manage.py generate_cases`: load-test data that is deterministic, stays within each
municipality's scope, and can be removed again."""

import io
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.demo import demo_email
from accounts.models import Role, User
from casework.management.generator import (
    GENERATED_DOMAIN,
    generated_requests,
    generated_users,
)
from casework.models import ContactMoment, Deadline, Triage
from citizens.models import HelpRequest, ReferenceCounter, Status, StatusChange
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def _generate(**options: object) -> str:
    out = io.StringIO()
    call_command("generate_cases", count=200, stdout=out, **options)
    return out.getvalue()


def _snapshot() -> list[tuple[object, ...]]:
    return sorted(
        generated_requests().values_list(
            "reference",
            "status",
            "neighbourhood__cbs_code",
            "story",
            "resident__email",
            "contact_person__email",
        )
    )


def test_generates_the_requested_number_with_history_and_unique_references() -> None:
    _generate(seed=1)

    requests = generated_requests()
    assert requests.count() == 200
    references = list(requests.values_list("reference", flat=True))
    assert len(set(references)) == 200
    assert all(re.fullmatch(r"HV-\d{4}-\d{6}", reference) for reference in references)
    assert (
        StatusChange.objects.filter(
            help_request__in=requests, from_status="", to_status=Status.RECEIVED
        ).count()
        == 200
    )
    for help_request in requests.prefetch_related("status_changes"):
        assert list(help_request.status_changes.all())[-1].to_status == (
            help_request.status
        )
    worked_on = requests.filter(status_changes__to_status=Status.IN_PROGRESS)
    assert worked_on.exists()
    assert set(worked_on.values_list("pk", flat=True)) == set(
        ContactMoment.objects.filter(
            help_request__in=requests, is_intake=True
        ).values_list("help_request", flat=True)
    )
    assert not requests.filter(search_document__isnull=True).exists()
    assert requests.filter(
        search_document=SearchQuery("schulden", config="dutch")
    ).exists()
    assert Triage.objects.filter(help_request__in=requests).exists()
    assert Deadline.objects.filter(help_request__in=requests).exists()
    for reference in references:
        year, number = (int(part) for part in reference.split("-")[1:])
        assert ReferenceCounter.objects.get(year=year).last_number >= number


def test_the_same_seed_gives_the_same_requests() -> None:
    _generate(seed=7)
    first = _snapshot()
    _generate(delete=True)

    _generate(seed=7)
    assert _snapshot() == first

    _generate(delete=True)
    _generate(seed=8)
    assert _snapshot() != first


def test_requests_and_their_caseworkers_stay_within_one_municipality() -> None:
    _generate(seed=3)

    requests = generated_requests().select_related(
        "neighbourhood__district", "contact_person", "team"
    )
    for help_request in requests:
        district = help_request.neighbourhood.district
        assert district.municipality_id == help_request.municipality_id
        if help_request.team:
            assert help_request.team.district_id == district.pk
        caseworker = help_request.contact_person
        if caseworker:
            assert caseworker.role == Role.CASEWORKER
            assert caseworker.municipality_id == help_request.municipality_id
            assert caseworker.team_id == help_request.team_id
    demo_caseworker = User.objects.get(
        email=demo_email(
            role=Role.CASEWORKER,
            municipality=Municipality.objects.get(slug="den-helder"),
        )
    )
    visible = HelpRequest.objects.visible_to(demo_caseworker)
    assert visible.filter(pk__in=requests.values("pk")).exists()


def test_one_municipality_only_when_asked() -> None:
    _generate(municipality="lelystad")

    assert set(generated_requests().values_list("municipality__slug", flat=True)) == {
        "lelystad"
    }


def test_a_second_run_is_refused_unless_forced() -> None:
    _generate()

    with pytest.raises(CommandError):
        _generate()

    _generate(force=True, seed=2)
    references = list(generated_requests().values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 400


def test_delete_removes_generated_data_and_keeps_the_demo_data() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    requests_before = HelpRequest.objects.count()
    users_before = User.objects.count()
    counters_before = dict(ReferenceCounter.objects.values_list("year", "last_number"))

    _generate()
    assert generated_users().filter(email__endswith=f"@{GENERATED_DOMAIN}").exists()
    _generate(delete=True)

    assert not generated_users().exists()
    assert HelpRequest.objects.count() == requests_before
    assert User.objects.count() == users_before
    counters_after = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    for year, number in counters_before.items():
        assert counters_after[year] == number
