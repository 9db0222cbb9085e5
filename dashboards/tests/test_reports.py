"""Reports: built by a real Celery worker on the reports queue, downloadable by their
owner only, kept for the configured number of days."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from io import BytesIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from citizens.tests.factories import HelpRequestFactory
from dashboards import reports as report_files
from dashboards.models import Report, ReportStatus, Section
from dashboards.refresh import refresh
from dashboards.tasks import build_report
from tests.fixtures.personas import Place, client_for
from tests.fixtures.worker import Worker


def _form(client: Client, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "start": "2026-01",
        "end": "2026-11",
        "sections": [s for s, _label in Section.choices if s != Section.PILOTS],
    }
    data.update(changes)
    return data


def _wait_until_finished(report: Report, timeout: float = 30) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report still {report.status} at {report.progress}%")


@pytest.mark.worker
def test_a_report_is_built_by_the_worker_and_downloaded_by_its_owner(
    celery_worker: Worker, alderman: User, lelystad_alderman: User, den_helder: Place
) -> None:
    for _ in range(7):
        HelpRequestFactory(neighbourhood=den_helder.neighbourhood, history=False)
    refresh(full=True)
    client = client_for(alderman)

    response = client.post(
        "/dashboard/reports/",
        _form(client, neighbourhoods=[den_helder.neighbourhood.pk]),
    )

    assert response.status_code == 302
    report = _wait_until_finished(Report.objects.get(owner=alderman))
    assert report.status == ReportStatus.READY and report.progress == 100
    row = client.get(f"/dashboard/reports/{report.public_id}/status/")
    assert "hx-trigger" not in row.content.decode()
    pdf = client.get(f"/dashboard/reports/{report.public_id}/pdf/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(f"/dashboard/reports/{report.public_id}/xlsx/")
    content = b"".join(xlsx.streaming_content)
    with zipfile.ZipFile(BytesIO(content)) as book:
        sheets = "".join(
            book.read(name).decode()
            for name in book.namelist()
            if name.startswith("xl/worksheets/")
        )
    assert "Visbuurt" in sheets
    # Not for anyone else, not even an alderman of another municipality.
    other = client_for(lelystad_alderman)
    for path in ("status/", "pdf/", "xlsx/"):
        assert (
            other.get(f"/dashboard/reports/{report.public_id}/{path}").status_code
            == 404
        )
    assert (
        str(report.public_id) not in other.get("/dashboard/reports/").content.decode()
    )


def test_reports_are_routed_to_the_reports_queue() -> None:
    from socialdomain.celery import app

    route = app.amqp.router.route({}, build_report.name)

    assert route["queue"].name == "reports"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": "2026-99"}, "start"),
        ({"start": ""}, "start"),
        ({"start": "2026-06", "end": "2026-02"}, "end"),
        ({"sections": []}, "sections"),
        ({"sections": ["people"]}, "sections"),
        ({"neighbourhoods": ["999999"]}, "neighbourhoods"),
        ({"pilots": ["12"]}, "pilots"),
    ],
)
def test_bad_report_requests_get_a_message_at_the_field(
    alderman: User, changes: dict[str, object], field: str
) -> None:
    client = client_for(alderman)

    response = client.post("/dashboard/reports/", _form(client, **changes))

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_neighbourhood_of_another_municipality_cannot_go_into_a_report(
    alderman: User, lelystad: Place
) -> None:
    client = client_for(alderman)

    response = client.post(
        "/dashboard/reports/", _form(client, neighbourhoods=[lelystad.neighbourhood.pk])
    )

    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_report_is_enqueued_only_after_commit(
    alderman: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(alderman)

    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/dashboard/reports/", _form(client))

    assert len(callbacks) == 1
    assert Report.objects.get().status == ReportStatus.QUEUED


@pytest.mark.django_db
def test_a_vanished_or_already_claimed_report_is_left_alone(
    alderman: User, den_helder: Place
) -> None:
    build_report.run(987654)  # no such report: nothing happens

    report = Report.objects.create(
        owner=alderman,
        municipality=den_helder.municipality,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 1),
        sections=[Section.REQUESTS],
        status=ReportStatus.RUNNING,
    )
    build_report.run(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and not report.pdf_name


@pytest.mark.django_db
def test_expired_reports_and_their_files_are_removed(
    alderman: User, den_helder: Place, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    report = Report.objects.create(
        owner=alderman,
        municipality=den_helder.municipality,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 1),
        sections=[Section.REQUESTS, Section.OUTCOMES],
    )
    build_report.run(report.pk)
    report.refresh_from_db()
    files = [
        report_files.report_path(report.pdf_name),
        report_files.report_path(report.xlsx_name),
    ]
    assert all(path.exists() for path in files)
    kept = Report.objects.create(
        owner=alderman,
        municipality=den_helder.municipality,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 1),
        sections=[Section.REQUESTS],
    )
    assert (kept.expires_at - timezone.now()).days in (
        settings.DASHBOARD_REPORT_RETENTION_DAYS - 1,
        settings.DASHBOARD_REPORT_RETENTION_DAYS,
    )

    Report.objects.filter(pk=report.pk).update(expires_at=timezone.now())
    client = client_for(alderman)
    assert client.get(f"/dashboard/reports/{report.public_id}/pdf/").status_code == 404
    call_command("clear_expired_reports")
    call_command("clear_expired_reports")

    assert not any(path.exists() for path in files)
    assert list(Report.objects.all()) == [kept]


@pytest.mark.django_db
def test_the_report_list_runs_a_fixed_number_of_queries(
    alderman: User, den_helder: Place
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(alderman)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/reports/").status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            Report.objects.create(
                owner=alderman,
                municipality=den_helder.municipality,
                start=dt.date(2026, 1, 1),
                end=dt.date(2026, 3, 1),
                sections=[Section.REQUESTS],
            )

    add(1)
    client.get("/dashboard/reports/")
    one = count()
    add(5)

    assert count() == one <= 7
