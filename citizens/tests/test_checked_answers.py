"""Each step keeps the values its answers were found valid with; the send takes
them instead of validating all seven steps again, and validates a step again
whenever those values are missing or were checked under other rules."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from citizens.models import HelpRequest, HelpRequestDraft
from citizens.services import (
    RULES,
    DraftIncomplete,
    checked_again,
    checked_steps,
    help_request_submit,
)
from citizens.steps import STEPS
from citizens.tests.factories import HelpRequestDraftFactory, complete_answers
from citizens.tests.helpers import fill_steps, send_url, start_draft, step_url
from municipalities.models import PostcodeArea
from tests.fixtures.personas import client_for

ROOT = Path(__file__).resolve().parents[2]


def cleaned_answers(draft: HelpRequestDraft) -> dict:
    """All answers as the send takes them: the kept values, and the steps checked
    again where those are missing or stale (`checked_again`)."""
    checked = {**draft.checked, **checked_again(draft)}
    answers: dict = {}
    for step in STEPS:
        answers.update(checked[step.slug]["values"])
    return answers


def _validated_again(draft: HelpRequestDraft) -> dict:
    """What the send would clean from the raw answers alone."""
    return cleaned_answers(HelpRequestDraft(answers=draft.answers, checked={}))


def test_each_step_keeps_the_values_it_was_valid_with_and_the_send_takes_them(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    client = client_for(resident)
    draft = start_draft(client)
    fill_steps(client, draft)
    draft.refresh_from_db()

    assert sorted(draft.checked) == sorted(step.slug for step in STEPS)
    assert {entry["rules"] for entry in draft.checked.values()} == {RULES}
    answers = cleaned_answers(draft)
    # The same values, of the same types, as validating every step again gives.
    assert answers == _validated_again(draft)
    assert [type(answers[name]) for name in ("adults", "children_ages")] == [int, list]
    assert answers["children_ages"] == [4, 9]
    assert answers["postcode"] == "1781 AB"

    response = client.post(send_url(draft))

    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert help_request.children_ages == [4, 9]
    assert help_request.adults == 2


def test_a_step_typed_again_and_no_longer_valid_loses_its_values_and_stops_the_send(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    client = client_for(resident)
    draft = start_draft(client)
    fill_steps(client, draft)
    household = {"adults": "twee", "children_ages": "4, 9", "back": "1"}

    client.post(step_url(draft, "household"), household)
    draft.refresh_from_db()
    assert "household" not in draft.checked
    assert draft.answers["household"]["adults"] == "twee"  # kept as typed

    response = client.post(send_url(draft))

    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "household")
    assert not HelpRequest.objects.exists()


def test_values_checked_under_other_rules_are_not_taken(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    answers = complete_answers()
    stale = checked_steps(answers)
    stale["situation"] = {
        "rules": "before-a-deploy",
        "values": {"life_events": ["not-a-choice"], "story": "oud"},
    }
    draft = HelpRequestDraftFactory(owner=resident, answers=answers, checked=stale)

    assert cleaned_answers(draft)["story"] == answers["situation"]["story"]

    answers["situation"]["life_events"] = []  # not valid under the current rules
    draft = HelpRequestDraftFactory(owner=resident, answers=answers, checked=stale)
    with pytest.raises(DraftIncomplete) as refused:
        help_request_submit(draft=draft, user=resident)
    assert refused.value.step.slug == "situation"
    assert not HelpRequest.objects.exists()


def test_a_draft_without_checked_values_is_validated_step_by_step(
    resident: User, den_helder_postcode: PostcodeArea
) -> None:
    answers = complete_answers({"household": {"children_ages": "4, tien"}})
    draft = HelpRequestDraftFactory(owner=resident, answers=answers, checked={})

    with pytest.raises(DraftIncomplete) as refused:
        cleaned_answers(draft)
    assert refused.value.step.slug == "household"
    assert "household" not in checked_steps(answers)
    assert "situation" in checked_steps(answers)


def test_the_rules_stamp_is_the_same_in_another_process() -> None:
    # Web processes and workers of one release must agree, or no kept value would
    # ever be taken (nothing of a process, such as an object's address, in it).
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from citizens.services import RULES; print(RULES)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert printed == RULES


def test_an_anonymous_draft_keeps_checked_values_too(
    den_helder_postcode: PostcodeArea,
) -> None:
    visitor = Client()
    draft = start_draft(visitor)
    fill_steps(visitor, draft, until="consent")
    draft.refresh_from_db()
    assert sorted(draft.checked) == sorted(s.slug for s in STEPS[:-1])
