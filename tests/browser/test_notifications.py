"""A caseworker's notification centre shows a deadline reminder that the real Celery
worker produced, with the unread count in the navigation, and leads to the case."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from casework.models import Deadline, DeadlineKind
from notifications.models import Notification
from notifications.tasks import scan_reminders
from socialdomain.lib.workdays import add_working_days
from tests.fixtures.personas import Place
from tests.fixtures.worker import Worker

from .helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]


def test_the_caseworker_reads_a_deadline_reminder_made_by_the_worker(
    celery_worker: Worker,
    page: Page,
    den_helder: Place,
    caseworker: User,
    team_lead: User,
    password: str,
) -> None:
    from django.utils import timezone

    from citizens.tests.factories import HelpRequestFactory

    request = HelpRequestFactory(
        neighbourhood=den_helder.neighbourhood,
        team=den_helder.team,
        contact_person=caseworker,
        in_progress=True,
    )
    # Two working days from now: the "3 working days before" moment has passed.
    due = add_working_days(timezone.localdate(), 2)
    Deadline.objects.create(
        help_request=request,
        kind=DeadlineKind.WMO_INVESTIGATION,
        start=request.submitted_at.date(),
        due=due,
    )
    scan_reminders.delay_on_commit()  # autocommit here: enqueued at once
    deadline = time.monotonic() + 30
    while not Notification.objects.filter(recipient=caseworker).exists():
        assert time.monotonic() < deadline, celery_worker.log.read_text()[-3000:]
        time.sleep(0.2)
    assert celery_worker.wait_for_emails(2)  # the caseworker and the team lead

    log_in(page, caseworker, password)
    expect(page.get_by_test_id("unread-count")).to_contain_text("1")
    page.get_by_role("link", name="Meldingen").click()

    item = page.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"Termijn verloopt binnenkort: {request.reference}")
    expect(item).to_contain_text("Wmo")
    item.get_by_role("button", name="Open de hulpvraag").click()
    expect(page).to_have_url(re.compile(rf"/casework/requests/{request.reference}/$"))
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
